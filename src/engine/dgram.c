// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* --mode dgram: replies, ICMP errors and send stamps from ICMP datagram sockets (dgram.h). */
#include <errno.h>
#include <linux/icmp.h>
#include <linux/net_tstamp.h>
#include <linux/sock_diag.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "engine/dgram.h"
#include "engine/dgram_socket.h"
#include "util/clock.h"

#define DGRAM_BATCH 32
#define LINK_ROOM 256 /* ahead of a looped-back request's ICMP bytes: its link and IP headers */
#define CTL_LEN 512
#define IP4_HDR 20    /* our requests carry no IPv4 options */
#define IP6_HDR 40    /* nor IPv6 extension headers */

static int set_int(int fd, int level, int name, int v)
{
	return setsockopt(fd, level, name, &v, sizeof(v));
}

static int socket_options(struct dgram *d, int fd, int v6, char *err, size_t errlen)
{
	int ip = v6 ? IPPROTO_IPV6 : IPPROTO_IP;

	if (set_int(fd, SOL_SOCKET, SO_TIMESTAMPNS, 1) || set_int(fd, ip, v6 ? IPV6_RECVERR : IP_RECVERR, 1) ||
	    set_int(fd, ip, v6 ? IPV6_RECVHOPLIMIT : IP_RECVTTL, 1)) {
		snprintf(err, errlen, "cannot set up the ICMP%s datagram socket: %s", v6 ? "v6" : "", strerror(errno));
		return -1;
	}
	/* Where the kernel will not stamp sends, the sender's clock times them. */
	d->tx_stamped[v6] = !set_int(fd, SOL_SOCKET, SO_TIMESTAMPING,
				     SOF_TIMESTAMPING_TX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE);
	/* Send stamps and errors wait there too; an unprivileged process gets at most net.core.rmem_max. */
	set_int(fd, SOL_SOCKET, SO_RCVBUF, 4 << 20);
	return 0;
}

static void close_sockets(struct dgram *d)
{
	int f;

	for (f = 0; f < 2; f++) {
		if (d->fd[f] >= 0)
			close(d->fd[f]);
		d->fd[f] = -1;
	}
}

static uint32_t socket_drops(int fd)
{
	uint32_t mem[SK_MEMINFO_VARS];
	socklen_t len = sizeof(mem);

	if (fd < 0 || getsockopt(fd, SOL_SOCKET, SO_MEMINFO, mem, &len) || len <= SK_MEMINFO_DROPS * sizeof(mem[0]))
		return 0;
	return mem[SK_MEMINFO_DROPS];
}

uint64_t dgram_dropped(const struct dgram *d)
{
	return (uint64_t)socket_drops(d->fd[0]) + socket_drops(d->fd[1]);
}

/*
 * A send stamp comes back with the whole request and takes receive buffer
 * space from the replies: once a socket drops replies, its sends go unstamped
 * (the sender's clock times them) and the room is the replies'.
 */
static void stamps_yield(struct dgram *d)
{
	int f;

	for (f = 0; f < 2; f++) {
		if (!d->tx_stamped[f] || !socket_drops(d->fd[f]))
			continue;
		setsockopt(d->fd[f], SOL_SOCKET, SO_TIMESTAMPING, &(int){ 0 }, sizeof(int));
		d->tx_stamped[f] = 0;
	}
}

int dgram_open(struct dgram *d, const struct target_list *tl, size_t icmp_len, uint64_t cookie, uint32_t cookie_len,
	       uint32_t window, const struct dgram_ops *ops, char *err, size_t errlen)
{
	int want[2] = { 0, 0 }, f;
	uint32_t i;

	memset(d, 0, sizeof(*d));
	d->fd[0] = d->fd[1] = -1;
	d->tl = tl;
	d->icmp_len = icmp_len;
	d->cookie = cookie;
	d->cookie_len = cookie_len;
	d->ops = *ops;
	d->buf_len = icmp_len + LINK_ROOM;
	d->bufs = malloc(DGRAM_BATCH * d->buf_len);
	d->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (!d->bufs || d->epfd < 0 || inflight_init(&d->inflight, tl->n, window)) {
		snprintf(err, errlen, "cannot set up ICMP datagram sockets for %u targets: %s", tl->n, strerror(errno));
		goto fail;
	}
	for (i = 0; i < tl->n; i++)
		want[tl->v[i].family == AF_INET6] = 1;
	for (f = 0; f < 2; f++) {
		struct epoll_event ev = { .events = EPOLLIN, .data.u32 = (uint32_t)f };

		if (!want[f])
			continue;
		d->fd[f] = dgram_socket(f, err, errlen);
		if (d->fd[f] < 0 || socket_options(d, d->fd[f], f, err, errlen))
			goto fail;
		if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, d->fd[f], &ev)) {
			snprintf(err, errlen, "cannot watch the ICMP datagram socket: %s", strerror(errno));
			goto fail;
		}
	}
	return 0;
fail:
	close_sockets(d); /* not the sender's yet */
	dgram_close(d);
	return -1;
}

static uint16_t bound_port(int fd)
{
	struct sockaddr_in6 sa; /* port at the same place in sockaddr_in */
	socklen_t len = sizeof(sa);

	memset(&sa, 0, sizeof(sa));
	if (getsockname(fd, (struct sockaddr *)&sa, &len))
		return 0;
	return sa.sin6_port;
}

int dgram_bind(struct dgram *d, char *err, size_t errlen)
{
	int f;

	for (f = 0; f < 2; f++) {
		struct sockaddr_in6 any6 = { .sin6_family = AF_INET6 };
		struct sockaddr_in any4 = { .sin_family = AF_INET };

		if (d->fd[f] < 0)
			continue;
		d->id_net[f] = bound_port(d->fd[f]);
		if (d->id_net[f])
			continue;
		if (f ? bind(d->fd[f], (struct sockaddr *)&any6, sizeof(any6))
		      : bind(d->fd[f], (struct sockaddr *)&any4, sizeof(any4))) {
			snprintf(err, errlen, "cannot bind the ICMP%s datagram socket: %s", f ? "v6" : "", strerror(errno));
			return -1;
		}
		d->id_net[f] = bound_port(d->fd[f]);
	}
	return 0;
}

void dgram_note_sent(struct dgram *d, uint32_t tidx, uint16_t seq, uint64_t sent_mono_ns, uint64_t sent_real_ns)
{
	inflight_add(&d->inflight, tidx, seq, sent_mono_ns, sent_real_ns);
}

static uint16_t echo_seq(const unsigned char *icmp)
{
	return (uint16_t)(icmp[6] << 8 | icmp[7]);
}

static uint64_t rtt_of(uint64_t rx_ns, uint64_t tx_ns)
{
	return rx_ns > tx_ns ? rx_ns - tx_ns : 1; /* 0 would mean "not timed" */
}

int dgram_reply(struct dgram *d, const unsigned char *icmp, size_t len, const struct icmpmon_addr *from,
		uint64_t rx_real_ns, uint8_t ttl, struct icmpmon_event *ev)
{
	int v6 = from->family == ICMPMON_AF_INET6;
	enum inflight_verdict v = INFLIGHT_NONE;
	uint64_t tx = 0;
	uint32_t tidx;

	if (len < sizeof(struct icmphdr) || icmp[0] != (v6 ? ICMP6_ECHO_REPLY : ICMP_ECHOREPLY) || icmp[1])
		return 0;
	if (d->cookie_len && (len < sizeof(struct icmphdr) + d->cookie_len ||
			      memcmp(icmp + sizeof(struct icmphdr), &d->cookie, d->cookie_len))) {
		d->bad_cookie++;
		return 0;
	}
	tidx = addr_index_get(&d->tl->index, from);
	if (tidx != UINT32_MAX)
		v = inflight_answer(&d->inflight, tidx, echo_seq(icmp), &tx);
	if (v == INFLIGHT_NONE) {
		d->unmatched++;
		return 0;
	}
	if (v == INFLIGHT_FIRST && d->ops.errored && inflight_errored(&d->inflight, tidx, echo_seq(icmp)))
		d->ops.errored(d->ops.ctx, tidx, 1);
	memset(ev, 0, sizeof(*ev));
	ev->t_rx_ns = rx_real_ns;
	ev->rtt_ns = rtt_of(rx_real_ns, tx);
	ev->target_idx = tidx;
	ev->seq = echo_seq(icmp);
	ev->kind = v == INFLIGHT_DUP ? ICMPMON_EV_DUP : ICMPMON_EV_REPLY;
	ev->ttl = ttl;
	ev->icmp_len = len > UINT16_MAX ? UINT16_MAX : (uint16_t)len;
	ev->icmp_type = icmp[0];
	ev->from = *from;
	return 1;
}

/* A request as it left, looped back with its send stamp: its ICMP bytes end the data. */
static void tx_stamp(struct dgram *d, int v6, const unsigned char *pkt, size_t len, uint64_t stamp_real_ns)
{
	size_t ip_len = v6 ? IP6_HDR : IP4_HDR;
	const unsigned char *icmp, *ip;
	struct icmpmon_addr dst = { 0 };
	uint32_t tidx;

	if (!stamp_real_ns || len < d->icmp_len + ip_len)
		return;
	icmp = pkt + len - d->icmp_len;
	ip = icmp - ip_len;
	if (icmp[0] != (v6 ? ICMP6_ECHO_REQUEST : ICMP_ECHO))
		return;
	if (v6) {
		if (ip[0] >> 4 != 6 || ip[6] != IPPROTO_ICMPV6)
			return;
		dst.family = ICMPMON_AF_INET6;
		memcpy(dst.addr, ip + 24, 16);
	} else {
		if (ip[0] != 0x45 || ip[9] != IPPROTO_ICMP)
			return;
		dst.family = ICMPMON_AF_INET;
		memcpy(dst.addr, ip + 16, 4);
	}
	tidx = addr_index_get(&d->tl->index, &dst);
	if (tidx != UINT32_MAX && inflight_stamp(&d->inflight, tidx, echo_seq(icmp), stamp_real_ns))
		d->kernel_tx++;
}

int dgram_error(struct dgram *d, int v6, const struct sock_extended_err *ee, const struct icmpmon_addr *offender,
		const struct icmpmon_addr *dst, const unsigned char *data, size_t len, uint64_t stamp_real_ns,
		struct icmpmon_event *ev)
{
	enum inflight_verdict v = INFLIGHT_NONE;
	uint32_t tidx = UINT32_MAX;
	uint64_t tx = 0;

	if (ee->ee_origin == SO_EE_ORIGIN_TIMESTAMPING) {
		tx_stamp(d, v6, data, len, stamp_real_ns);
		return 0;
	}
	/* A local error's send failed, and the sender counted it. */
	if (ee->ee_origin != (v6 ? SO_EE_ORIGIN_ICMP6 : SO_EE_ORIGIN_ICMP))
		return 0;
	if (dst && len >= sizeof(struct icmphdr) && data[0] == (v6 ? ICMP6_ECHO_REQUEST : ICMP_ECHO))
		tidx = addr_index_get(&d->tl->index, dst);
	if (tidx != UINT32_MAX)
		v = inflight_fail(&d->inflight, tidx, echo_seq(data), &tx);
	if (v == INFLIGHT_NONE) {
		d->foreign_errors++;
		return 0;
	}
	if (v == INFLIGHT_FIRST && d->ops.errored) /* an error settles nothing: the probe still waits */
		d->ops.errored(d->ops.ctx, tidx, 0);
	memset(ev, 0, sizeof(*ev));
	ev->t_rx_ns = stamp_real_ns;
	ev->rtt_ns = rtt_of(stamp_real_ns, tx);
	ev->target_idx = tidx;
	ev->seq = echo_seq(data);
	ev->kind = ICMPMON_EV_ERROR;
	ev->icmp_type = ee->ee_type;
	ev->icmp_code = ee->ee_code;
	ev->icmp_info = ee->ee_info;
	ev->from = offender && offender->family ? *offender : *dst;
	return 1;
}

static int addr_of(const void *sa, socklen_t len, struct icmpmon_addr *a)
{
	const struct sockaddr_in *sin = sa;
	const struct sockaddr_in6 *sin6 = sa;

	memset(a, 0, sizeof(*a));
	if (len >= sizeof(*sin) && sin->sin_family == AF_INET) {
		a->family = ICMPMON_AF_INET;
		a->addr[0] = sin->sin_addr.s_addr;
	} else if (len >= sizeof(*sin6) && sin6->sin6_family == AF_INET6) {
		a->family = ICMPMON_AF_INET6;
		memcpy(a->addr, &sin6->sin6_addr, 16);
	} else {
		return -1;
	}
	return 0;
}

/* What the control messages of one datagram carry. */
struct meta {
	uint64_t rx_ns;  /* SO_TIMESTAMPNS */
	uint64_t tx_ns;  /* SO_TIMESTAMPING, software: a send stamp on the error queue */
	int ttl;
	const struct sock_extended_err *ee;
};

static uint64_t ts_ns(const void *p)
{
	struct timespec ts;

	memcpy(&ts, p, sizeof(ts));
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void read_meta(struct msghdr *mh, struct meta *m)
{
	struct cmsghdr *c;

	memset(m, 0, sizeof(*m));
	for (c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS)
			m->rx_ns = ts_ns(CMSG_DATA(c));
		else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPING)
			m->tx_ns = ts_ns(CMSG_DATA(c)); /* ts[0]: software */
		else if ((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) ||
			 (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT))
			memcpy(&m->ttl, CMSG_DATA(c), sizeof(m->ttl));
		else if ((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVERR) ||
			 (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_RECVERR))
			m->ee = (const struct sock_extended_err *)CMSG_DATA(c);
	}
	if (!m->rx_ns)
		m->rx_ns = clock_real_ns();
}

static void on_errqueue(struct dgram *d, int v6, struct msghdr *mh, size_t len)
{
	struct icmpmon_addr dst, offender;
	struct icmpmon_event ev;
	struct meta m;

	read_meta(mh, &m);
	if (!m.ee)
		return;
	if (m.ee->ee_origin == SO_EE_ORIGIN_TIMESTAMPING)
		m.rx_ns = m.tx_ns;
	if (addr_of(SO_EE_OFFENDER(m.ee), v6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in), &offender))
		memset(&offender, 0, sizeof(offender));
	if (dgram_error(d, v6, m.ee, &offender, addr_of(mh->msg_name, mh->msg_namelen, &dst) ? NULL : &dst,
			mh->msg_iov->iov_base, len, m.rx_ns, &ev))
		d->ops.event(d->ops.ctx, &ev);
}

static void on_datagram(struct dgram *d, struct msghdr *mh, size_t len)
{
	struct icmpmon_addr from;
	struct icmpmon_event ev;
	struct meta m;

	if (addr_of(mh->msg_name, mh->msg_namelen, &from))
		return;
	read_meta(mh, &m);
	if (dgram_reply(d, mh->msg_iov->iov_base, len, &from, m.rx_ns, (uint8_t)m.ttl, &ev))
		d->ops.event(d->ops.ctx, &ev);
}

/* Reads one queue of one socket in batches until it is empty. */
static void drain_queue(struct dgram *d, int f, int errqueue)
{
	struct mmsghdr msgs[DGRAM_BATCH];
	struct iovec iov[DGRAM_BATCH];
	struct sockaddr_in6 names[DGRAM_BATCH];
	static char ctl[DGRAM_BATCH][CTL_LEN] __attribute__((aligned(8)));
	int i, n;

	do {
		for (i = 0; i < DGRAM_BATCH; i++) {
			iov[i].iov_base = d->bufs + (size_t)i * d->buf_len;
			iov[i].iov_len = d->buf_len;
			msgs[i].msg_hdr = (struct msghdr){ .msg_name = &names[i], .msg_namelen = sizeof(names[i]),
							   .msg_iov = &iov[i], .msg_iovlen = 1,
							   .msg_control = ctl[i], .msg_controllen = CTL_LEN };
			msgs[i].msg_len = 0;
		}
		n = recvmmsg(d->fd[f], msgs, DGRAM_BATCH, MSG_DONTWAIT | (errqueue ? MSG_ERRQUEUE : 0), NULL);
		for (i = 0; i < n; i++) {
			if (errqueue)
				on_errqueue(d, f, &msgs[i].msg_hdr, msgs[i].msg_len);
			else
				on_datagram(d, &msgs[i].msg_hdr, msgs[i].msg_len);
		}
	} while (n == DGRAM_BATCH);
	/* An error (a pending ICMP error reported on the data queue) waits on the error queue: the next turn reads it. */
}

void dgram_drain(struct dgram *d)
{
	int f;

	for (f = 0; f < 2; f++) {
		if (d->fd[f] < 0)
			continue;
		drain_queue(d, f, 1);
		drain_queue(d, f, 0);
	}
}

void dgram_poll(struct dgram *d, int timeout_ms)
{
	struct epoll_event ev[2];

	if (epoll_wait(d->epfd, ev, 2, timeout_ms) > 0)
		dgram_drain(d);
}

void dgram_expire(struct dgram *d, uint64_t before_mono_ns)
{
	inflight_expire(&d->inflight, before_mono_ns, d->ops.timeout, d->ops.ctx);
	stamps_yield(d);
}

void dgram_close(struct dgram *d)
{
	if (d->epfd >= 0)
		close(d->epfd);
	d->epfd = -1;
	inflight_free(&d->inflight);
	free(d->bufs);
	d->bufs = NULL;
}
