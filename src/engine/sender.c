// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Echo requests out of raw ICMP sockets, batched with sendmmsg (sender.h). */
#include <errno.h>
#include <linux/filter.h>
#include <linux/icmp.h>
#include <netinet/icmp6.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/checksum.h"
#include "util/clock.h"
#include "engine/errqueue.h"
#include "engine/sender.h"

void sender_fill_payload(unsigned char *payload, size_t len, uint64_t cookie, const unsigned char *pattern,
			 int pattern_len)
{
	size_t i;

	for (i = 0; i < len; i++)
		payload[i] = pattern_len ? pattern[i % (size_t)pattern_len] : (unsigned char)i;
	memcpy(payload, &cookie, len < sizeof(cookie) ? len : sizeof(cookie));
}

static int drop_all_filter(int fd)
{
	struct sock_filter drop = BPF_STMT(BPF_RET | BPF_K, 0);
	struct sock_fprog prog = { .len = 1, .filter = &drop };
	int one = 1;

	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)))
		return -1;
	return setsockopt(fd, SOL_SOCKET, SO_LOCK_FILTER, &one, sizeof(one));
}

static int block_all_input(int fd, int v6)
{
	if (v6) {
		struct icmp6_filter none;

		ICMP6_FILTER_SETBLOCKALL(&none);
		if (setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &none, sizeof(none)))
			return -1;
	} else {
		struct icmp_filter none = { .data = ~0U };

		if (setsockopt(fd, SOL_RAW, ICMP_FILTER, &none, sizeof(none)))
			return -1;
	}
	return drop_all_filter(fd);
}

/* ping's socket options (-Q -M -m -r -b -d -L), with ping's messages where it has them. */
static int ping_socket_options(int fd, int v6, const struct config *cfg, char *err, size_t errlen)
{
	int one = 1, zero = 0;

	if (cfg->tos && (v6 ? setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &cfg->tos, sizeof(cfg->tos))
			    : setsockopt(fd, IPPROTO_IP, IP_TOS, &cfg->tos, sizeof(cfg->tos))))
		return -snprintf(err, errlen, "%s: %s", v6 ? "IPV6_TCLASS" : "IP_TOS", strerror(errno));
	/* IPV6_PMTUDISC_* have the values of IP_PMTUDISC_* */
	if (cfg->pmtudisc >= 0 && (v6 ? setsockopt(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &cfg->pmtudisc, sizeof(int))
				      : setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &cfg->pmtudisc, sizeof(int))))
		return -snprintf(err, errlen, "%s: %s", v6 ? "IPV6_MTU_DISCOVER" : "IP_MTU_DISCOVER", strerror(errno));
	if (cfg->mark_set && setsockopt(fd, SOL_SOCKET, SO_MARK, &cfg->mark, sizeof(cfg->mark)))
		fprintf(stderr, "icmpmon: WARNING: failed to set mark: %u: %s\n", cfg->mark, strerror(errno));
	if (cfg->dontroute)
		setsockopt(fd, SOL_SOCKET, SO_DONTROUTE, &one, sizeof(one));
	if (cfg->so_debug)
		setsockopt(fd, SOL_SOCKET, SO_DEBUG, &one, sizeof(one)); /* as ping: best effort */
	if (cfg->broadcast && setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)))
		return -snprintf(err, errlen, "cannot set broadcasting: %s", strerror(errno));
	if (cfg->noloop && (v6 ? setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &zero, sizeof(zero))
			       : setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &zero, sizeof(zero))))
		return -snprintf(err, errlen, "cannot disable multicast loopback: %s", strerror(errno));
	return 0;
}

/* ping -I ADDR, -B: the send socket is bound to that source address. */
static int bind_source(int fd, int v6, const struct config *cfg, const struct target_list *tl, char *err,
		       size_t errlen)
{
	const struct sockaddr *src = NULL;
	uint32_t i;

	if (cfg->has_source && cfg->source.ss_family == (v6 ? AF_INET6 : AF_INET))
		src = (const struct sockaddr *)&cfg->source;
	for (i = 0; !src && cfg->sticky_source && i < tl->n; i++)
		if (tl->v[i].has_src && tl->v[i].family == (v6 ? AF_INET6 : AF_INET))
			src = &tl->v[i].src.sa;
	if (src && bind(fd, src, v6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in)))
		return -snprintf(err, errlen, "bind: %s", strerror(errno));
	return 0;
}

static int socket_setup(int fd, int v6, int dgram, const struct config *cfg, char *err, size_t errlen)
{
	int sndbuf = cfg->sndbuf ? cfg->sndbuf : 4 << 20; /* ping -S */
	int rc;

	if (!dgram && block_all_input(fd, v6)) { /* a datagram socket's input is the replies (dgram.h) */
		snprintf(err, errlen, "cannot filter the send socket: %s", strerror(errno));
		return -1;
	}
	rc = v6 ? setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &cfg->ttl, sizeof(cfg->ttl))
		: setsockopt(fd, IPPROTO_IP, IP_TTL, &cfg->ttl, sizeof(cfg->ttl));
	if (rc) {
		snprintf(err, errlen, "cannot set TTL %d: %s", cfg->ttl, strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	if (!dgram && cfg->mode != RX_SOCKET && errqueue_enable(fd, v6)) {
		snprintf(err, errlen, "cannot ask for ICMP errors on the send socket: %s", strerror(errno));
		return -1;
	}
	if (cfg->ifname[0] && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, cfg->ifname, (socklen_t)strlen(cfg->ifname))) {
		snprintf(err, errlen, "SO_BINDTODEVICE %s: %s", cfg->ifname, strerror(errno)); /* ping's words */
		return -1;
	}
	return ping_socket_options(fd, v6, cfg, err, errlen) ? -1 : 0;
}

/* fd: an ICMP datagram socket to send from, or -1 for a raw socket of its own. */
static int path_open(struct sender_path *p, int v6, int fd, size_t icmp_len, const struct config *cfg,
		     const struct target_list *tl, uint16_t id_net, uint64_t cookie, char *err, size_t errlen)
{
	struct icmphdr *icmp;
	int i;

	p->v6 = v6;
	p->fd = fd >= 0 ? fd : socket(v6 ? AF_INET6 : AF_INET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
				      v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
	if (p->fd < 0) {
		snprintf(err, errlen, "cannot open a raw %s socket: %s (icmpmon needs root)", v6 ? "ICMPv6" : "ICMP",
			 strerror(errno));
		return -1;
	}
	if (socket_setup(p->fd, v6, fd >= 0, cfg, err, errlen) ||
	    (fd < 0 && bind_source(p->fd, v6, cfg, tl, err, errlen))) /* a datagram socket is bound already */
		return -1;
	p->bufs = calloc(SENDER_BATCH, icmp_len);
	if (!p->bufs) {
		snprintf(err, errlen, "out of memory for send buffers");
		return -1;
	}
	for (i = 0; i < SENDER_BATCH; i++) {
		unsigned char *pkt = p->bufs + (size_t)i * icmp_len;

		icmp = (struct icmphdr *)pkt;
		icmp->type = v6 ? ICMP6_ECHO_REQUEST : ICMP_ECHO;
		icmp->un.echo.id = id_net;
		sender_fill_payload(pkt + sizeof(*icmp), (size_t)cfg->size, cookie, cfg->pattern, cfg->pattern_len);
		p->iov[i].iov_base = pkt;
		p->iov[i].iov_len = icmp_len;
		p->msgs[i].msg_hdr.msg_iov = &p->iov[i];
		p->msgs[i].msg_hdr.msg_iovlen = 1;
		p->msgs[i].msg_hdr.msg_name = &p->dst[i];
	}
	return 0;
}

static int open_paths(struct sender *s, const struct config *cfg, struct target_list *tl, uint16_t id_net,
		      uint64_t cookie, const int dgram_fd[2], char *err, size_t errlen)
{
	int want[2] = { 0, 0 };
	uint32_t i;
	int f;

	memset(s, 0, sizeof(*s));
	s->path[0].fd = dgram_fd ? dgram_fd[0] : -1; /* the sender's from here on */
	s->path[1].fd = dgram_fd ? dgram_fd[1] : -1;
	s->targets = tl;
	s->icmp_len = sizeof(struct icmphdr) + (size_t)cfg->size;
	for (i = 0; i < tl->n; i++)
		want[tl->v[i].family == AF_INET6] = 1;
	for (f = 0; f < 2; f++)
		if (want[f] && path_open(&s->path[f], f, dgram_fd ? dgram_fd[f] : -1, s->icmp_len, cfg, tl, id_net, cookie,
					 err, errlen))
			return -1;
	return 0;
}

int sender_open(struct sender *s, const struct config *cfg, struct target_list *tl, uint16_t id_net,
		uint64_t cookie, char *err, size_t errlen)
{
	return open_paths(s, cfg, tl, id_net, cookie, NULL, err, errlen);
}

int sender_open_dgram(struct sender *s, const struct config *cfg, struct target_list *tl, uint64_t cookie,
		      const int fd[2], char *err, size_t errlen)
{
	return open_paths(s, cfg, tl, 0, cookie, fd, err, errlen);
}

static void stamp_payload(unsigned char *payload, size_t len)
{
	struct timespec ts;
	int64_t v[2];

	if (len < SENDER_TS_OFFSET + SENDER_TS_LEN)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	v[0] = ts.tv_sec;
	v[1] = ts.tv_nsec;
	memcpy(payload + SENDER_TS_OFFSET, v, sizeof(v));
}

static int path_flush(struct sender *s, struct sender_path *p);

void sender_queue(struct sender *s, uint32_t tidx, uint16_t seq)
{
	const struct target *t = &s->targets->v[tidx];
	struct sender_path *p = &s->path[t->family == AF_INET6];
	unsigned char *pkt = p->bufs + (size_t)p->queued * s->icmp_len;
	struct icmphdr *icmp = (struct icmphdr *)pkt;

	icmp->un.echo.sequence = htons(seq);
	stamp_payload(pkt + sizeof(*icmp), s->icmp_len - sizeof(*icmp));
	icmp->checksum = 0;
	if (!p->v6) /* the kernel computes ICMPv6 checksums itself */
		icmp->checksum = inet_checksum(pkt, s->icmp_len);
	memcpy(&p->dst[p->queued], &t->sa, target_sockaddr_len(t));
	p->msgs[p->queued].msg_hdr.msg_namelen = target_sockaddr_len(t);
	p->tidx[p->queued] = tidx;
	if (++p->queued == SENDER_BATCH)
		path_flush(s, p);
}

static void account(struct sender *s, struct sender_path *p, int from, int to, int ok, uint64_t now)
{
	int i;

	for (i = from; i < to; i++) {
		struct target *t = &s->targets->v[p->tidx[i]];

		/* A refused probe still counts as sent, and so as lost, as ping counts it. */
		t->sent++;
		if (ok)
			t->last_send_ns = now;
		else
			t->send_errors++;
		if (s->sent_hook) {
			const struct icmphdr *icmp = (const struct icmphdr *)(p->bufs + (size_t)i * s->icmp_len);

			s->sent_hook(s->sent_ctx, p->tidx[i], ntohs(icmp->un.echo.sequence), ok, now);
		}
	}
}

/*
 * tc egress stamps a probe while sendmsg runs. Those of the batch it did not
 * stamp wait for ARP/ND (or died there): they are listed as unseen, the
 * latest of each target first. A probe stamped later takes its count back
 * (run.c), so the gap of stamps to sends stays what is listed.
 */
static void note_unstamped(struct sender *s, struct sender_path *p, const unsigned char *ok, uint64_t now)
{
	int i;

	if (!s->stats || !s->unseen)
		return;
	for (i = p->queued - 1; i >= 0; i--) {
		struct target *t = &s->targets->v[p->tidx[i]];
		uint64_t sent_ok = t->sent - t->send_errors;
		const struct icmphdr *icmp = (const struct icmphdr *)(p->bufs + (size_t)i * s->icmp_len);

		if (!ok[i] || sent_ok <= __atomic_load_n(&s->stats[p->tidx[i]].stamped, __ATOMIC_RELAXED) + t->unseen_noted)
			continue;
		t->unseen_noted++;
		unseen_add(s->unseen, p->tidx[i], ntohs(icmp->un.echo.sequence), now);
	}
}

#define SEND_RETRIES 200 /* x 50 us: how long a full send buffer may hold a batch up */

static int path_flush(struct sender *s, struct sender_path *p)
{
	uint64_t now = clock_mono_ns();
	int done = 0, refused = 0, retries = 0, stale = 0, n, i;
	unsigned char ok[SENDER_BATCH];

	while (done < p->queued) {
		n = sendmmsg(p->fd, p->msgs + done, (unsigned)(p->queued - done), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == ENOBUFS) && retries++ < SEND_RETRIES) {
			/* The send buffer is full: wait for it rather than drop the probe. */
			struct timespec pause = { 0, 50000 };
			nanosleep(&pause, NULL);
			continue;
		}
		/*
		 * With an error queue, an ICMP error that came in since it was last
		 * read also fails the next send once, whatever its destination:
		 * try that probe again; a real refusal repeats itself.
		 */
		if (n < 0 && s->stats && !stale++)
			continue;
		if (n <= 0) {
			s->last_errno = errno;
			s->last_refused = p->tidx[done];
			account(s, p, done, done + 1, 0, now);
			ok[done] = 0;
			refused++;
			done++;
			stale = 0;
			continue;
		}
		account(s, p, done, done + n, 1, now);
		for (i = done; i < done + n; i++)
			ok[i] = 1;
		done += n;
		stale = 0;
	}
	note_unstamped(s, p, ok, now);
	p->queued = 0;
	return refused;
}

int sender_flush(struct sender *s)
{
	int f, refused = 0;

	for (f = 0; f < 2; f++)
		if (s->path[f].queued)
			refused += path_flush(s, &s->path[f]);
	return refused;
}

int sender_pending(const struct sender *s)
{
	return s->path[0].queued + s->path[1].queued;
}

void sender_close(struct sender *s)
{
	int f;

	for (f = 0; f < 2; f++) {
		if (s->path[f].fd >= 0)
			close(s->path[f].fd);
		s->path[f].fd = -1;
		free(s->path[f].bufs);
		s->path[f].bufs = NULL;
	}
}
