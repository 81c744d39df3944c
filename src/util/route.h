/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef ICMPMON_ROUTE_H
#define ICMPMON_ROUTE_H

#include <stddef.h>
#include <sys/socket.h>

/* ifindex of the interface the kernel's route to dst (IPv4 or IPv6) uses, or -errno. */
int route_oif(const struct sockaddr *dst);
/*
 * route_oif() for dst[0..n) into oif[0..n): the requests go BATCH to a
 * datagram and their answers come back BATCH to a system call (one
 * look-up, two system calls, each was 4,096 round trips for 4,096 targets).
 */
void route_oifs(const struct sockaddr *const *dst, int *oif, size_t n);
/*
 * 1 when the next hop to dst (its gateway, or dst itself on link) has no
 * link-layer address: ARP/ND is still trying or has failed. 0 otherwise, and
 * when the kernel cannot say.
 */
int route_neigh_unresolved(const struct sockaddr *dst);
/* Closes the calling thread's netlink socket (route_oif opens it again when needed). */
void route_close(void);

#endif
