/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef ICMPMON_ROUTE_H
#define ICMPMON_ROUTE_H

#include <sys/socket.h>

/* ifindex of the interface the kernel's route to dst (IPv4 or IPv6) uses, or -errno. */
int route_oif(const struct sockaddr *dst);
/*
 * 1 when the next hop to dst (its gateway, or dst itself on link) has no
 * link-layer address: ARP/ND is still trying or has failed. 0 otherwise, and
 * when the kernel cannot say.
 */
int route_neigh_unresolved(const struct sockaddr *dst);
/* Closes the calling thread's netlink socket (route_oif opens it again when needed). */
void route_close(void);

#endif
