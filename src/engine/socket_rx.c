// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* --mode socket: replies read from a raw socket, for comparison with the kernel path (socket_rx.h). */
#include <errno.h>
#include <linux/icmp.h>
#include <netinet/ip.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "engine/sender.h"
#include "engine/socket_rx.h"
#include "util/checksum.h"

#define RX_BATCH 64
#define RX_BUF 2048

enum socket_probe_state { SP_FREE = 0, SP_OUT, SP_OUT_ERRORED, SP_ANSWERED, SP_SETTLED };

int socket_rx_open(struct socket_rx *s, uint32_t n_targets, struct target_stats *stats, uint16_t id_net,
		   uint64_t cookie, uint32_t cookie_len, const char *ifname, char *err, size_t errlen)
{
	struct icmp_filter wanted = { .data = ~((1U << ICMP_ECHOREPLY) | (1U << ICMP_DEST_UNREACH) |
						 (1U << ICMP_TIME_EXCEEDED) | (1U << ICMP_PARAMETERPROB)) };
	int one = 1, rcvbuf = 4 << 20;

	memset(s, 0, sizeof(*s));
	s->id_net = id_net;
	s->cookie = cookie;
	s->cookie_len = cookie_len;
	s->n_targets = n_targets;
	s->stats = stats;
	s->fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_ICMP);
	if (s->fd < 0) {
		snprintf(err, errlen, "cannot open a raw ICMP socket: %s (icmpmon needs root)", strerror(errno));
		return -1;
	}
	setsockopt(s->fd, SOL_RAW, ICMP_FILTER, &wanted, sizeof(wanted));
	setsockopt(s->fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one));
	setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (ifname && *ifname && setsockopt(s->fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname))) {
		snprintf(err, errlen, "%s: cannot bind to interface: %s", ifname, strerror(errno));
		return -1;
	}
	s->probes = calloc((size_t)n_targets * SOCKET_RX_WINDOW, sizeof(*s->probes));
	if (!s->probes) {
		snprintf(err, errlen, "out of memory for %u targets", n_targets);
		return -1;
	}
	return 0;
}

static struct socket_probe *probe_of(struct socket_rx *s, uint32_t tidx, uint16_t seq)
{
	return &s->probes[(size_t)tidx * SOCKET_RX_WINDOW + seq % SOCKET_RX_WINDOW];
}

void socket_rx_note_sent(struct socket_rx *s, uint32_t tidx, uint16_t seq, uint64_t now_ns)
{
	struct socket_probe *p = probe_of(s, tidx, seq);

	p->sent_ns = now_ns;
	p->seq = seq;
	p->state = SP_OUT;
}

void socket_rx_expire(struct socket_rx *s, uint64_t before,
		      void (*lost)(void *ctx, uint32_t tidx, uint16_t seq, int errored), void *ctx)
{
	uint32_t t;
	size_t k;
	int errored;

	for (t = 0; t < s->n_targets; t++) {
		for (k = 0; k < SOCKET_RX_WINDOW; k++) {
			struct socket_probe *p = &s->probes[(size_t)t * SOCKET_RX_WINDOW + k];

			if ((p->state != SP_OUT && p->state != SP_OUT_ERRORED) || p->sent_ns > before)
				continue;
			errored = p->state == SP_OUT_ERRORED;
			p->state = SP_SETTLED;
			lost(ctx, t, p->seq, errored);
		}
	}
}

static uint32_t target_of(const struct target_list *tl, uint32_t ip)
{
	struct icmpmon_addr a = { .family = ICMPMON_AF_INET, .addr = { ip, 0, 0, 0 } };

	return addr_index_get(&tl->index, &a);
}

static uint64_t payload_tx_ns(const unsigned char *payload, size_t len)
{
	int64_t v[2];

	if (len < SENDER_TS_OFFSET + SENDER_TS_LEN)
		return 0;
	memcpy(v, payload + SENDER_TS_OFFSET, sizeof(v));
	return (uint64_t)v[0] * 1000000000ull + (uint64_t)v[1];
}

static int reject(struct socket_rx *s, enum icmpmon_counter why)
{
	s->cnt[why]++;
	return 0;
}

static int parse_error(struct socket_rx *s, const struct target_list *tl, const struct iphdr *ip,
		       const struct icmphdr *icmp, const unsigned char *inner, size_t len, struct icmpmon_event *ev)
{
	const struct iphdr *qip = (const struct iphdr *)inner;
	const struct icmphdr *qicmp;
	struct socket_probe *p;
	size_t qhl;

	if (len < sizeof(*qip) || qip->protocol != IPPROTO_ICMP)
		return 0;
	qhl = (size_t)qip->ihl * 4;
	if (qhl < sizeof(*qip) || len < qhl + sizeof(*qicmp))
		return 0;
	qicmp = (const struct icmphdr *)(inner + qhl);
	if (qicmp->type != ICMP_ECHO || qicmp->un.echo.id != s->id_net)
		return 0;
	ev->target_idx = target_of(tl, qip->daddr);
	ev->seq = ntohs(qicmp->un.echo.sequence);
	if (ev->target_idx == UINT32_MAX)
		return reject(s, ICMPMON_CNT_FOREIGN_ERROR);
	p = probe_of(s, ev->target_idx, ev->seq);
	if (p->seq != ev->seq || (p->state != SP_OUT && p->state != SP_OUT_ERRORED))
		return reject(s, ICMPMON_CNT_FOREIGN_ERROR);
	/* the quote is of the probe as sent: to the target, from where the error came to, no options, our cookie */
	if (qip->saddr != ip->daddr || qhl != sizeof(*qip) ||
	    (len >= qhl + sizeof(*qicmp) + ICMPMON_COOKIE_LEN && s->cookie_len &&
	     memcmp(inner + qhl + sizeof(*qicmp), &s->cookie, s->cookie_len)))
		return reject(s, ICMPMON_CNT_BAD_QUOTE);
	if (p->state == SP_OUT) {
		p->state = SP_OUT_ERRORED;
		s->stats[ev->target_idx].errored++;
	}
	ev->kind = ICMPMON_EV_ERROR;
	ev->icmp_type = icmp->type;
	ev->icmp_code = icmp->code;
	ev->icmp_info = ntohl(icmp->un.gateway);
	ev->from.addr[0] = ip->saddr;
	return 1;
}

int socket_rx_parse(struct socket_rx *s, const struct target_list *tl, const unsigned char *pkt, size_t len,
		    uint64_t rx_real_ns, struct icmpmon_event *ev)
{
	const struct iphdr *ip = (const struct iphdr *)pkt;
	const struct icmphdr *icmp;
	const unsigned char *payload;
	struct socket_probe *p;
	size_t hl, plen;
	uint64_t tx;

	if (len < sizeof(*ip) || ip->version != 4 || ip->protocol != IPPROTO_ICMP)
		return 0;
	hl = (size_t)ip->ihl * 4;
	if (hl < sizeof(*ip) || len < hl + sizeof(*icmp))
		return 0;
	icmp = (const struct icmphdr *)(pkt + hl);
	payload = pkt + hl + sizeof(*icmp);
	plen = len - hl - sizeof(*icmp);
	memset(ev, 0, sizeof(*ev));
	ev->t_rx_ns = rx_real_ns;
	ev->ttl = ip->ttl;
	ev->icmp_len = (uint16_t)(len - hl);
	ev->from.family = ICMPMON_AF_INET;
	/* the kernel hands raw sockets what icmp_rcv would drop for a bad checksum (unless truncated here) */
	if (ntohs(ip->tot_len) == len && inet_checksum(pkt + hl, len - hl) != 0)
		return icmp->type == ICMP_ECHOREPLY && icmp->un.echo.id == s->id_net ? reject(s, ICMPMON_CNT_BAD_CSUM) : 0;
	if (icmp->type != ICMP_ECHOREPLY)
		return parse_error(s, tl, ip, icmp, payload, plen, ev);
	if (icmp->un.echo.id != s->id_net)
		return 0;
	if (s->cookie_len && (plen < s->cookie_len || memcmp(payload, &s->cookie, s->cookie_len)))
		return reject(s, ICMPMON_CNT_BAD_COOKIE);
	ev->target_idx = target_of(tl, ip->saddr);
	if (ev->target_idx == UINT32_MAX)
		return reject(s, ICMPMON_CNT_UNMATCHED);
	ev->from.addr[0] = ip->saddr;
	ev->seq = ntohs(icmp->un.echo.sequence);
	tx = payload_tx_ns(payload, plen);
	ev->rtt_ns = tx && rx_real_ns > tx ? rx_real_ns - tx : 0;
	/* only a probe sent and not settled takes a reply; one answered takes duplicates */
	p = probe_of(s, ev->target_idx, ev->seq);
	if (p->seq != ev->seq || (p->state != SP_OUT && p->state != SP_OUT_ERRORED && p->state != SP_ANSWERED))
		return reject(s, ICMPMON_CNT_UNMATCHED);
	ev->kind = p->state == SP_ANSWERED ? ICMPMON_EV_DUP : ICMPMON_EV_REPLY;
	if (p->state == SP_OUT_ERRORED)
		s->stats[ev->target_idx].errored_replied++;
	p->state = SP_ANSWERED;
	return 1;
}

static uint64_t rx_stamp(struct msghdr *mh)
{
	struct cmsghdr *c;

	for (c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
			struct timespec ts;

			memcpy(&ts, CMSG_DATA(c), sizeof(ts));
			return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
		}
	}
	return 0;
}

int socket_rx_drain(struct socket_rx *s, const struct target_list *tl,
		    void (*cb)(void *ctx, const struct icmpmon_event *ev), void *ctx)
{
	static unsigned char bufs[RX_BATCH][RX_BUF];
	static char ctl[RX_BATCH][CMSG_SPACE(sizeof(struct timespec))];
	struct mmsghdr msgs[RX_BATCH];
	struct iovec iov[RX_BATCH];
	struct icmpmon_event ev;
	int i, n, total = 0;

	for (;;) {
		memset(msgs, 0, sizeof(msgs));
		for (i = 0; i < RX_BATCH; i++) {
			iov[i].iov_base = bufs[i];
			iov[i].iov_len = RX_BUF;
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
			msgs[i].msg_hdr.msg_control = ctl[i];
			msgs[i].msg_hdr.msg_controllen = sizeof(ctl[i]);
		}
		n = recvmmsg(s->fd, msgs, RX_BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			return n < 0 && errno != EAGAIN && errno != EINTR ? -errno : total;
		for (i = 0; i < n; i++)
			if (socket_rx_parse(s, tl, bufs[i], msgs[i].msg_len, rx_stamp(&msgs[i].msg_hdr), &ev))
				cb(ctx, &ev);
		total += n;
		if (n < RX_BATCH)
			return total;
	}
}

void socket_rx_close(struct socket_rx *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	free(s->probes);
	s->probes = NULL;
}
