// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <linux/filter.h>
#include <linux/icmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "checksum.h"
#include "clock.h"
#include "sender.h"

void sender_fill_payload(unsigned char *payload, size_t len, uint64_t cookie, const unsigned char *pattern,
			 int pattern_len)
{
	size_t i;

	for (i = 0; i < len; i++)
		payload[i] = pattern_len ? pattern[i % (size_t)pattern_len] : (unsigned char)i;
	memcpy(payload, &cookie, len < sizeof(cookie) ? len : sizeof(cookie));
}

static int block_all_input(int fd)
{
	struct sock_filter drop = BPF_STMT(BPF_RET | BPF_K, 0);
	struct sock_fprog prog = { .len = 1, .filter = &drop };
	struct icmp_filter none = { .data = ~0U };
	int one = 1;

	if (setsockopt(fd, SOL_RAW, ICMP_FILTER, &none, sizeof(none)))
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)))
		return -1;
	return setsockopt(fd, SOL_SOCKET, SO_LOCK_FILTER, &one, sizeof(one));
}

static int socket_setup(int fd, const struct config *cfg, char *err, size_t errlen)
{
	int sndbuf = 4 << 20;

	if (block_all_input(fd)) {
		snprintf(err, errlen, "cannot filter the send socket: %s", strerror(errno));
		return -1;
	}
	if (setsockopt(fd, IPPROTO_IP, IP_TTL, &cfg->ttl, sizeof(cfg->ttl))) {
		snprintf(err, errlen, "cannot set TTL %d: %s", cfg->ttl, strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	if (cfg->ifname[0] && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, cfg->ifname, (socklen_t)strlen(cfg->ifname))) {
		snprintf(err, errlen, "%s: cannot bind to interface: %s", cfg->ifname, strerror(errno));
		return -1;
	}
	return 0;
}

int sender_open(struct sender *s, const struct config *cfg, struct target_list *tl, uint16_t id_net,
		uint64_t cookie, char *err, size_t errlen)
{
	struct icmphdr *icmp;
	int i;

	memset(s, 0, sizeof(*s));
	s->targets = tl;
	s->icmp_len = sizeof(struct icmphdr) + (size_t)cfg->size;
	s->fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_ICMP);
	if (s->fd < 0) {
		snprintf(err, errlen, "cannot open a raw ICMP socket: %s (icmpmon needs root)", strerror(errno));
		return -1;
	}
	if (socket_setup(s->fd, cfg, err, errlen))
		return -1;
	s->bufs = calloc(SENDER_BATCH, s->icmp_len);
	if (!s->bufs) {
		snprintf(err, errlen, "out of memory for send buffers");
		return -1;
	}
	for (i = 0; i < SENDER_BATCH; i++) {
		unsigned char *pkt = s->bufs + (size_t)i * s->icmp_len;

		icmp = (struct icmphdr *)pkt;
		icmp->type = ICMP_ECHO;
		icmp->un.echo.id = id_net;
		sender_fill_payload(pkt + sizeof(*icmp), (size_t)cfg->size, cookie, cfg->pattern, cfg->pattern_len);
		s->iov[i].iov_base = pkt;
		s->iov[i].iov_len = s->icmp_len;
		s->msgs[i].msg_hdr.msg_iov = &s->iov[i];
		s->msgs[i].msg_hdr.msg_iovlen = 1;
		s->msgs[i].msg_hdr.msg_name = &s->dst[i];
		s->msgs[i].msg_hdr.msg_namelen = sizeof(s->dst[i]);
	}
	return 0;
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

void sender_queue(struct sender *s, uint32_t tidx, uint16_t seq)
{
	unsigned char *pkt = s->bufs + (size_t)s->queued * s->icmp_len;
	struct icmphdr *icmp = (struct icmphdr *)pkt;

	icmp->un.echo.sequence = htons(seq);
	icmp->checksum = 0;
	stamp_payload(pkt + sizeof(*icmp), s->icmp_len - sizeof(*icmp));
	icmp->checksum = inet_checksum(pkt, s->icmp_len);
	s->dst[s->queued] = s->targets->v[tidx].sin;
	s->tidx[s->queued] = tidx;
	if (++s->queued == SENDER_BATCH)
		sender_flush(s);
}

static void account(struct sender *s, int from, int to, int ok, uint64_t now)
{
	int i;

	for (i = from; i < to; i++) {
		struct target *t = &s->targets->v[s->tidx[i]];

		if (ok) {
			t->sent++;
			t->last_send_ns = now;
		} else {
			t->send_errors++;
		}
	}
}

int sender_flush(struct sender *s)
{
	uint64_t now = clock_mono_ns();
	int done = 0, refused = 0, n;

	while (done < s->queued) {
		n = sendmmsg(s->fd, s->msgs + done, (unsigned)(s->queued - done), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == ENOBUFS)) {
			/* The send buffer is full: wait for it rather than drop the probe. */
			struct timespec pause = { 0, 50000 };
			nanosleep(&pause, NULL);
			continue;
		}
		if (n <= 0) {
			s->last_errno = errno;
			account(s, done, done + 1, 0, now);
			refused++;
			done++;
			continue;
		}
		account(s, done, done + n, 1, now);
		done += n;
	}
	s->queued = 0;
	return refused;
}

void sender_close(struct sender *s)
{
	if (s->fd > 0)
		close(s->fd);
	free(s->bufs);
	s->bufs = NULL;
	s->fd = -1;
}
