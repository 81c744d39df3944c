// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Interfaces that go and come back, routes that move (links.h). */
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "engine/links.h"
#include "engine/run.h"
#include "util/one_line.h"

void links_init(struct links *l)
{
	memset(l, 0, sizeof(*l));
	l->fd = -1;
}

int links_open(struct links *l, char *err, size_t errlen)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK,
				  .nl_groups = RTMGRP_LINK | RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE };
	int rcvbuf = 1 << 20;

	l->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (l->fd < 0 || bind(l->fd, (struct sockaddr *)&sa, sizeof(sa))) {
		snprintf(err, errlen, "cannot follow interface changes (rtnetlink): %s", strerror(errno));
		links_close(l);
		return -1;
	}
	setsockopt(l->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	return 0;
}

void links_close(struct links *l)
{
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
}

static int attached_at(const struct loader *ld, int ifindex)
{
	int k;

	for (k = 0; k < ld->n_ifs; k++)
		if (ld->ifs[k].ifindex == ifindex)
			return k;
	return -1;
}

static int lost_at(const struct links *l, const char *name)
{
	int k;

	for (k = 0; k < l->n_lost; k++)
		if (!strcmp(l->lost[k], name))
			return k;
	return -1;
}

static void on_deleted(struct run *r, int ifindex)
{
	struct links *l = &r->links;
	int k = attached_at(&r->ld, ifindex);
	char name[IF_NAMESIZE];

	if (k < 0)
		return;
	snprintf(name, sizeof(name), "%s", r->ld.ifs[k].name);
	loader_forget(&r->ld, ifindex);
	if (lost_at(l, name) < 0 && l->n_lost < LOADER_MAX_IFS)
		snprintf(l->lost[l->n_lost++], IF_NAMESIZE, "%s", name);
	l->lost_total++;
	l->routes_dirty = 1;
	fprintf(stderr, "icmpmon: %s: interface deleted; its targets are not observed (their sends are refused) "
			"until it comes back or their routes move\n", name);
}

static int attach(struct run *r, int ifindex, char *err, size_t errlen)
{
	return loader_attach(&r->ld, ifindex, r->cfg->attach, r->cfg->xdp_mode, err, errlen);
}

static void on_new(struct run *r, int ifindex, const char *name)
{
	struct links *l = &r->links;
	int k = lost_at(l, name);
	char err[256];

	if (k < 0 || attached_at(&r->ld, ifindex) >= 0)
		return;
	memmove(l->lost[k], l->lost[k + 1], (size_t)(l->n_lost - k - 1) * IF_NAMESIZE);
	l->n_lost--;
	l->routes_dirty = 1;
	if (attach(r, ifindex, err, sizeof(err))) {
		loader_forget(&r->ld, ifindex);
		fprintf(stderr, "icmpmon: %s: interface back, but not attached again: %s\n", name, one_line(err));
		return;
	}
	l->back_total++;
	fprintf(stderr, "icmpmon: %s: interface back (index %d); attached again\n", name, ifindex);
	if (!strcmp(name, r->cfg->ifname))
		/* rebinding a bound socket needs CAP_NET_RAW, given up before the first probe */
		fprintf(stderr, "icmpmon: -I %s: the send socket stays bound to the deleted interface; its sends are "
				"refused until icmpmon is restarted\n", name);
}

static const char *link_name(struct nlmsghdr *nh)
{
	struct ifinfomsg *ifi = NLMSG_DATA(nh);
	int len = (int)nh->nlmsg_len - (int)NLMSG_LENGTH(sizeof(*ifi));
	struct rtattr *a;

	for (a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len))
		if (a->rta_type == IFLA_IFNAME && RTA_PAYLOAD(a) > 0 && RTA_PAYLOAD(a) <= IF_NAMESIZE &&
		    ((char *)RTA_DATA(a))[RTA_PAYLOAD(a) - 1] == '\0')
			return RTA_DATA(a);
	return NULL;
}

/* After lost messages: every attached interface that no longer exists is deleted. */
static void resync(struct run *r)
{
	char name[IF_NAMESIZE];
	int k;

	for (k = r->ld.n_ifs - 1; k >= 0; k--)
		if (!if_indextoname((unsigned)r->ld.ifs[k].ifindex, name))
			on_deleted(r, r->ld.ifs[k].ifindex);
	for (k = r->links.n_lost - 1; k >= 0; k--) {
		unsigned idx = if_nametoindex(r->links.lost[k]);

		if (idx)
			on_new(r, (int)idx, r->links.lost[k]);
	}
	r->links.routes_dirty = 1;
}

void links_read(struct run *r)
{
	char buf[16384] __attribute__((aligned(NLMSG_ALIGNTO)));
	int rounds;

	for (rounds = 0; rounds < 64; rounds++) { /* bounded: the loop has probes to send */
		ssize_t n = recv(r->links.fd, buf, sizeof(buf), 0);
		struct nlmsghdr *nh;
		int len;

		if (n < 0) {
			if (errno == ENOBUFS)
				resync(r);
			else if (errno != EINTR)
				return;
			continue;
		}
		len = (int)n;
		for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, len); nh = NLMSG_NEXT(nh, len)) {
			struct ifinfomsg *ifi = NLMSG_DATA(nh);
			const char *name;

			switch (nh->nlmsg_type) {
			case RTM_DELLINK:
				on_deleted(r, ifi->ifi_index);
				break;
			case RTM_NEWLINK:
				name = link_name(nh);
				if (name)
					on_new(r, ifi->ifi_index, name);
				break;
			case RTM_NEWROUTE:
			case RTM_DELROUTE:
				r->links.routes_dirty = 1;
				break;
			}
		}
	}
}

void links_tick(struct run *r)
{
	struct links *l = &r->links;
	char err[256];
	uint32_t i;

	if (l->fd < 0 || !l->routes_dirty)
		return;
	l->routes_dirty = 0;
	if (r->cfg->ifname[0])
		return; /* -I: every probe leaves there, whatever the routes say */
	for (i = 0; i < r->targets.n; i++) {
		struct target *t = &r->targets.v[i];
		int old = t->ifindex, now;

		if (!t->name)
			continue;
		now = targets_route(t);
		if (now <= 0 || now == old || attached_at(&r->ld, now) >= 0)
			continue;
		if (attach(r, now, err, sizeof(err))) {
			loader_forget(&r->ld, now);
			fprintf(stderr, "icmpmon: %s: routed over a new interface that cannot be attached: %s\n",
				t->addr_str, one_line(err));
			continue;
		}
		l->moved_total++;
		fprintf(stderr, "icmpmon: %s: now routed over %s; attached there\n", t->addr_str,
			r->ld.ifs[r->ld.n_ifs - 1].name);
	}
}
