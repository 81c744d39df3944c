/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Echo-request sender: per address family one raw ICMP socket that never
 * queues a received packet (the ICMP type filter blocks every type, a
 * drop-all socket filter backs it), or an ICMP datagram socket that reads
 * its own replies (--mode dgram); a packet template built once, batches
 * sent with sendmmsg.
 */
#ifndef ICMPMON_SENDER_H
#define ICMPMON_SENDER_H

#include <netinet/in.h>
#include <stdint.h>
#include <sys/socket.h>

#include "bpf/icmpmon.h"
#include "engine/config.h"
#include "engine/targets.h"
#include "engine/unseen.h"

#define SENDER_BATCH 64
/* Payload layout: cookie, then the send time (CLOCK_REALTIME) for socket mode, then filler. */
#define SENDER_TS_OFFSET 8
#define SENDER_TS_LEN 16

/* One family's socket and batch. */
struct sender_path {
	int fd;              /* -1 when no target has this family */
	unsigned char *bufs; /* SENDER_BATCH copies of the template */
	struct mmsghdr msgs[SENDER_BATCH];
	struct iovec iov[SENDER_BATCH];
	struct sockaddr_in6 dst[SENDER_BATCH]; /* large enough for either family */
	uint32_t tidx[SENDER_BATCH];
	int queued;
	int v6;
};

struct sender {
	size_t icmp_len;     /* ICMP header + payload */
	struct sender_path path[2]; /* [0] IPv4, [1] IPv6 */
	int last_errno;      /* of the last refused probe */
	uint32_t last_refused; /* its target */
	struct target_list *targets;
	/* Called for each probe once the socket took (ok) or refused it; NULL: not wanted (dgram.h). */
	void (*sent_hook)(void *ctx, uint32_t tidx, uint16_t seq, int ok, uint64_t sent_mono_ns);
	void *sent_ctx;
	/* kernel mode: the stamps to check each send against, and where unstamped probes go */
	const struct target_stats *stats;
	struct unseen *unseen;
};

/* In kernel mode the sockets also queue the ICMP errors about their probes (errqueue.h). */
int sender_open(struct sender *s, const struct config *cfg, struct target_list *tl, uint16_t id_net,
		uint64_t cookie, char *err, size_t errlen);
/*
 * The same over ICMP datagram sockets already open (dgram.h), which the
 * sender owns from then on: the kernel sets the identifier and checksum.
 */
int sender_open_dgram(struct sender *s, const struct config *cfg, struct target_list *tl, uint64_t cookie,
		      const int fd[2], char *err, size_t errlen);
/* Queues one probe; sends the batch when it is full. */
void sender_queue(struct sender *s, uint32_t tidx, uint16_t seq);
/* Sends what is queued; returns how many probes the sockets refused. */
int sender_flush(struct sender *s);
int sender_pending(const struct sender *s);
void sender_close(struct sender *s);
/* Fills the payload like ping: cookie, room for a timestamp, pattern or 0x00,0x01,... */
void sender_fill_payload(unsigned char *payload, size_t len, uint64_t cookie, const unsigned char *pattern,
			 int pattern_len);

#endif
