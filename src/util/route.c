// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Asks the kernel (rtnetlink) which interface a destination is routed through and whether its next hop resolves. */
#include <errno.h>
#include <limits.h>
#include <linux/netlink.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
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

struct route_answer {
	int oif;
	int has_gw;
	unsigned char gw[16];
	unsigned char state_known;
	__u16 state; /* NUD_* */
};

static void read_route(struct nlmsghdr *nh, struct route_answer *a)
{
	struct rtmsg *rt = NLMSG_DATA(nh);
	int alen = RTM_PAYLOAD(nh);
	struct rtattr *rta;

	for (rta = RTM_RTA(rt); RTA_OK(rta, alen); rta = RTA_NEXT(rta, alen)) {
		if (rta->rta_type == RTA_OIF) {
			a->oif = *(int *)RTA_DATA(rta);
		} else if (rta->rta_type == RTA_GATEWAY && RTA_PAYLOAD(rta) <= sizeof(a->gw)) {
			memcpy(a->gw, RTA_DATA(rta), RTA_PAYLOAD(rta));
			a->has_gw = 1;
		}
	}
}

static int read_answer(struct nlmsghdr *nh, int len, __u32 seq, struct route_answer *a)
{
	int ours = 0;

	for (; NLMSG_OK(nh, (unsigned)len); nh = NLMSG_NEXT(nh, len)) {
		if (nh->nlmsg_seq != seq)
			continue;
		ours = 1;
		if (nh->nlmsg_type == NLMSG_ERROR) {
			struct nlmsgerr *e = NLMSG_DATA(nh);
			return e->error ? e->error : -ENOENT;
		}
		if (nh->nlmsg_type == RTM_NEWROUTE) {
			read_route(nh, a);
			return a->oif > 0 ? 0 : -ENOENT;
		}
		if (nh->nlmsg_type == RTM_NEWNEIGH) {
			a->state = ((struct ndmsg *)NLMSG_DATA(nh))->ndm_state;
			a->state_known = 1;
			return 0;
		}
	}
	return ours ? -ENOENT : NOT_OURS;
}

/* One socket per thread for all look-ups (65,536 targets need not open 65,536 sockets). */
static __thread int nl_fd = -1;

/* The thread's netlink socket, opened on first use (or after route_close()); -1 on failure. */
static int nl_open(void)
{
	if (nl_fd < 0)
		nl_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	return nl_fd;
}

static __thread __u32 nl_seq;

#define STALE_TRIES 8

void route_close(void)
{
	if (nl_fd >= 0)
		close(nl_fd);
	nl_fd = -1;
}

/* Sends one request and reads its answer into a: 0 or -errno. */
static int ask(struct nlmsghdr *req, struct route_answer *a)
{
	union {
		struct nlmsghdr nh;
		char buf[4096];
	} reply;
	int len, rc = NOT_OURS, tries;

	req->nlmsg_seq = ++nl_seq;
	if (nl_open() < 0)
		return -errno;
	if (send(nl_fd, req, req->nlmsg_len, 0) < 0) {
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
		rc = read_answer(&reply.nh, len, req->nlmsg_seq, a);
	}
	if (rc == NOT_OURS) {
		route_close();
		return -ENOENT;
	}
	return rc;
}

static const void *addr_of(const struct sockaddr *dst, unsigned short *len)
{
	if (dst->sa_family == AF_INET6) {
		*len = sizeof(struct in6_addr);
		return &((const struct sockaddr_in6 *)dst)->sin6_addr;
	}
	*len = sizeof(struct in_addr);
	return &((const struct sockaddr_in *)dst)->sin_addr;
}

/* The request for the route to dst (req->nh.nlmsg_seq left to the caller). */
static void route_request(const struct sockaddr *dst, struct route_req *req)
{
	unsigned short alen;
	const void *addr = addr_of(dst, &alen);

	memset(req, 0, sizeof(*req));
	req->nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
	req->nh.nlmsg_type = RTM_GETROUTE;
	req->nh.nlmsg_flags = NLM_F_REQUEST;
	req->rt.rtm_family = (unsigned char)dst->sa_family;
	req->rt.rtm_dst_len = dst->sa_family == AF_INET6 ? 128 : 32;
	add_attr(&req->nh, RTA_DST, addr, alen);
}

static int ask_route(const struct sockaddr *dst, struct route_answer *a)
{
	struct route_req req;

	route_request(dst, &req);
	return ask(&req.nh, a);
}

#define BATCH 32          /* requests per datagram: their answers fit the socket's default receive buffer */
#define ANSWER_BYTES 2048 /* one answer (a route, or an error quoting the request) */

/* One answer's verdict: the interface, or -errno (never 0: 0 is "no answer yet"). */
static void got_one(int *oif, int rc, const struct route_answer *a)
{
	*oif = rc ? (rc < 0 && rc != NOT_OURS ? rc : -ENOENT) : a->oif;
}

/*
 * Sends the requests for dst[0..n) (n <= BATCH) in one datagram, the kernel
 * answers each, and reads the answers BATCH at a time: oif[k] gets the
 * interface, or 0 when no answer came (the caller asks again, one by one).
 */
static void ask_batch(const struct sockaddr *const *dst, int *oif, unsigned n, char *bufs)
{
	struct route_req req;
	char out[BATCH * NLMSG_ALIGN(sizeof(req))];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	unsigned k, len = 0, left = n, tries;
	__u32 first = nl_seq + 1;
	int got, m;

	for (k = 0; k < n; k++) {
		oif[k] = 0;
		route_request(dst[k], &req);
		req.nh.nlmsg_seq = ++nl_seq;
		memcpy(out + len, &req, req.nh.nlmsg_len);
		len += NLMSG_ALIGN(req.nh.nlmsg_len);
	}
	if (send(nl_fd, out, len, 0) < 0) {
		route_close();
		return;
	}
	for (tries = 0; left && tries < n + STALE_TRIES; tries++) {
		memset(msgs, 0, sizeof(msgs));
		for (k = 0; k < BATCH; k++) {
			iov[k] = (struct iovec){ .iov_base = bufs + k * ANSWER_BYTES, .iov_len = ANSWER_BYTES };
			msgs[k].msg_hdr.msg_iov = &iov[k];
			msgs[k].msg_hdr.msg_iovlen = 1;
		}
		got = recvmmsg(nl_fd, msgs, left < BATCH ? left : BATCH, MSG_WAITFORONE, NULL);
		if (got <= 0) {
			route_close(); /* ENOBUFS (answers lost) or worse: a later look-up starts clean */
			return;
		}
		for (m = 0; m < got; m++) {
			struct nlmsghdr *nh = (struct nlmsghdr *)(bufs + m * ANSWER_BYTES);
			struct route_answer a = { 0 };
			__u32 seq;

			if (msgs[m].msg_hdr.msg_flags & MSG_TRUNC || !NLMSG_OK(nh, msgs[m].msg_len))
				continue;
			seq = nh->nlmsg_seq;
			if (seq - first >= n)
				continue; /* stale: an answer to an earlier request */
			k = seq - first;
			if (oif[k])
				continue; /* answered already */
			got_one(&oif[k], read_answer(nh, (int)msgs[m].msg_len, seq, &a), &a);
			left--;
		}
	}
}

void route_oifs(const struct sockaddr *const *dst, int *oif, size_t n)
{
	char *bufs = malloc(BATCH * ANSWER_BYTES);
	size_t i, k;

	nl_open();
	for (i = 0; i < n; i += BATCH) {
		k = n - i < BATCH ? n - i : BATCH;
		if (bufs && nl_fd >= 0)
			ask_batch(dst + i, oif + i, (unsigned)k, bufs);
		else
			memset(oif + i, 0, k * sizeof(*oif));
	}
	free(bufs);
	/* what has no answer yet: one request at a time, as route_oif() */
	for (i = 0; i < n; i++)
		if (!oif[i])
			oif[i] = route_oif(dst[i]);
}

int route_oif(const struct sockaddr *dst)
{
	struct route_answer a = { 0 };
	int rc = ask_route(dst, &a);

	return rc ? rc : a.oif;
}

int route_neigh_unresolved(const struct sockaddr *dst)
{
	struct {
		struct nlmsghdr nh;
		struct ndmsg nd;
		char attrs[64];
	} req = {
		.nh = { .nlmsg_len = NLMSG_LENGTH(sizeof(struct ndmsg)), .nlmsg_type = RTM_GETNEIGH,
			.nlmsg_flags = NLM_F_REQUEST },
		.nd = { .ndm_family = (unsigned char)dst->sa_family },
	};
	struct route_answer a = { 0 };
	unsigned short alen;
	const void *addr = addr_of(dst, &alen);

	if (ask_route(dst, &a))
		return 0;
	req.nd.ndm_ifindex = a.oif;
	add_attr(&req.nh, NDA_DST, a.has_gw ? a.gw : addr, alen);
	if (ask(&req.nh, &a) || !a.state_known)
		return 0;
	return !!(a.state & (NUD_INCOMPLETE | NUD_FAILED));
}
