// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Asks the kernel (rtnetlink RTM_GETROUTE) which interface a destination is routed through. */
#include <errno.h>
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

static int oif_from_reply(struct nlmsghdr *nh, int len)
{
	for (; NLMSG_OK(nh, (unsigned)len); nh = NLMSG_NEXT(nh, len)) {
		struct rtmsg *rt;
		struct rtattr *rta;
		int alen;

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
	return -ENOENT;
}

int route_oif(const struct sockaddr *dst)
{
	struct route_req req = {
		.nh = { .nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg)), .nlmsg_type = RTM_GETROUTE,
			.nlmsg_flags = NLM_F_REQUEST, .nlmsg_seq = 1 },
		.rt = { .rtm_family = (unsigned char)dst->sa_family, .rtm_dst_len = dst->sa_family == AF_INET6 ? 128 : 32 },
	};
	union {
		struct nlmsghdr nh;
		char buf[4096];
	} reply;
	int fd, len, rc;

	if (dst->sa_family == AF_INET6)
		add_attr(&req.nh, RTA_DST, &((const struct sockaddr_in6 *)dst)->sin6_addr, sizeof(struct in6_addr));
	else
		add_attr(&req.nh, RTA_DST, &((const struct sockaddr_in *)dst)->sin_addr, sizeof(struct in_addr));
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	if (send(fd, &req, req.nh.nlmsg_len, 0) < 0) {
		rc = -errno;
		goto out;
	}
	len = (int)recv(fd, &reply, sizeof(reply), 0);
	rc = len < 0 ? -errno : oif_from_reply(&reply.nh, len);
out:
	close(fd);
	return rc;
}
