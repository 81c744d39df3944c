/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Following the interfaces over rtnetlink (kernel mode): one NETLINK_ROUTE
 * socket, subscribed to link and route changes, read from the run loop's
 * epoll set.
 *  - An attached interface deleted (RTM_DELLINK) is forgotten and said on
 *    stderr; its targets' sends are refused meanwhile and counted as ping
 *    counts them (transmitted, lost), so no loss is made up for probes that
 *    did leave.
 *  - An interface of that name created again (RTM_NEWLINK) is attached again
 *    at once, before it has addresses or routes, so no probe over it leaves
 *    unwatched.
 *  - After a route change, each target's route is looked up again (once a
 *    sweep at most) and a new interface it moved to is attached.
 * icmpmon_interface_events_total counts the losses and re-attachments.
 * An attachment takes the programs the start loaded, and loads one it lacks
 * on demand (kernel/loader.c). --daemon loads every program at its start;
 * other runs only those of their first interfaces, and once only
 * CAP_NET_ADMIN is left (util/privileges.h) a load on demand is refused: an
 * interface of another link kind, or tc ingress where XDP was refused, is
 * then not attached, and that is said.
 * With -I the send socket is bound to the device (SO_BINDTODEVICE) and
 * cannot be bound again without CAP_NET_RAW: an -I interface created again
 * is attached again but its sends stay refused, and that is said.
 */
#ifndef ICMPMON_LINKS_H
#define ICMPMON_LINKS_H

#include <net/if.h>
#include <stdint.h>

#include "kernel/loader.h"

struct run;

struct links {
	int fd;                                  /* -1: not following */
	int routes_dirty;                        /* a route changed since the last look */
	char lost[LOADER_MAX_IFS][IF_NAMESIZE];  /* deleted while attached, waited for */
	int n_lost;
	uint64_t lost_total, back_total, moved_total;
};

void links_init(struct links *l);
int links_open(struct links *l, char *err, size_t errlen);
/* The socket is readable: handles every queued message. */
void links_read(struct run *r);
/* From the sweep: follows the targets' routes after a change. */
void links_tick(struct run *r);
void links_close(struct links *l);

#endif
