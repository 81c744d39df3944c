/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef ICMPMON_ROUTE_H
#define ICMPMON_ROUTE_H

#include <netinet/in.h>

/* ifindex of the interface the kernel's route to dst uses, or -errno. */
int route_oif_v4(struct in_addr dst);

#endif
