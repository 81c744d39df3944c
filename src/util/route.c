// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Asks the kernel (rtnetlink RTM_GETROUTE) which interface a destination is routed through. */
#include <errno.h>
#include <limits.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <netinet/in.h>

#include "util/route.h"

struct route_req {
	struct nlmsghdr nh;
	struct rtmsg rt;
	char attrs[64];
};

static void add_attr(struct nlmsghdr *nh, unsigned short type, const void *data, unsigned short len)
{
	struct rtattr *rta = (struct rtattr *)((char *)nh + NLMSG_ALIGN(nh->nlmsg_len));

	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(len);
	memcpy(RTA_DATA(rta), data, len);
	nh->nlmsg_len = NLMSG_ALIGN(nh->nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

#define NOT_OURS INT_MIN /* no answer to this request in the datagram (a stale one): read on */

static int oif_from_reply(struct nlmsghdr *nh, int len, __u32 seq)
{
	int ours = 0;

	for (; NLMSG_OK(nh, (unsigned)len); nh = NLMSG_NEXT(nh, len)) {
		struct rtmsg *rt;
		struct rtattr *rta;
		int alen;

		if (nh->nlmsg_seq != seq)
			continue;
		ours = 1;
		if (nh->nlmsg_type == NLMSG_ERROR) {
			struct nlmsgerr *e = NLMSG_DATA(nh);
			return e->error ? e->error : -ENOENT;
		}
		if (nh->nlmsg_type != RTM_NEWROUTE)
			continue;
		rt = NLMSG_DATA(nh);
		alen = RTM_PAYLOAD(nh);
		for (rta = RTM_RTA(rt); RTA_OK(rta, alen); rta = RTA_NEXT(rta, alen))
			if (rta->rta_type == RTA_OIF)
				return *(int *)RTA_DATA(rta);
	}
	return ours ? -ENOENT : NOT_OURS;
}

/* One socket per thread for all look-ups (65,536 targets need not open 65,536 sockets). */
static __thread int nl_fd = -1;
static __thread __u32 nl_seq;

#define STALE_TRIES 8

void route_close(void)
{
	if (nl_fd >= 0)
		close(nl_fd);
	nl_fd = -1;
}

int route_oif(const struct sockaddr *dst)
{
	struct route_req req = {
		.nh = { .nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg)), .nlmsg_type = RTM_GETROUTE,
			.nlmsg_flags = NLM_F_REQUEST, .nlmsg_seq = ++nl_seq },
		.rt = { .rtm_family = (unsigned char)dst->sa_family, .rtm_dst_len = dst->sa_family == AF_INET6 ? 128 : 32 },
	};
	union {
		struct nlmsghdr nh;
		char buf[4096];
	} reply;
	int len, rc = NOT_OURS, tries;

	if (dst->sa_family == AF_INET6)
		add_attr(&req.nh, RTA_DST, &((const struct sockaddr_in6 *)dst)->sin6_addr, sizeof(struct in6_addr));
	else
		add_attr(&req.nh, RTA_DST, &((const struct sockaddr_in *)dst)->sin_addr, sizeof(struct in_addr));
	if (nl_fd < 0)
		nl_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (nl_fd < 0)
		return -errno;
	if (send(nl_fd, &req, req.nh.nlmsg_len, 0) < 0) {
		rc = -errno;
		route_close();
		return rc;
	}
	for (tries = 0; tries < STALE_TRIES && rc == NOT_OURS; tries++) {
		len = (int)recv(nl_fd, &reply, sizeof(reply), 0);
		if (len < 0) {
			rc = -errno;
			route_close(); /* a later look-up starts clean */
			return rc;
		}
		rc = oif_from_reply(&reply.nh, len, req.nh.nlmsg_seq);
	}
	if (rc == NOT_OURS) {
		route_close();
		return -ENOENT;
	}
	return rc;
}
