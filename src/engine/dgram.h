/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * --mode dgram: replies, ICMP errors and send stamps read from ICMP datagram
 * sockets (dgram_socket.h), as ping reads them without privileges. The
 * sender sends from the same sockets (sender_open_dgram); the kernel sets the
 * identifier and delivers to a socket only the replies and errors about its
 * own requests. Receive times are the kernel's (SO_TIMESTAMPNS); send times
 * too where the kernel stamps the request on its way out (SO_TIMESTAMPING,
 * looped back on the error queue), else the sender's clock. The payload's
 * run cookie is checked as in kernel mode, and the probes in flight
 * (inflight.h) decide what a reply is.
 */
#ifndef ICMPMON_DGRAM_H
#define ICMPMON_DGRAM_H

#include <stddef.h>
#include <stdint.h>
#include <linux/errqueue.h>

#include "bpf/icmpmon.h"
#include "engine/inflight.h"
#include "engine/targets.h"

struct dgram_ops {
	/* A reply, duplicate or ICMP error about a probe of ours; t_rx_ns on CLOCK_REALTIME. */
	void (*event)(void *ctx, const struct icmpmon_event *ev);
	/* A probe that waited past its timeout; errored: an ICMP error quoted it, reported already. */
	void (*timeout)(void *ctx, uint32_t tidx, uint16_t seq, int errored);
	/* Optional: the probe's first ICMP error (replied 0), or the first reply of a probe that had one (1). */
	void (*errored)(void *ctx, uint32_t tidx, int replied);
	void *ctx;
};

struct dgram {
	int fd[2];           /* [0] IPv4, [1] IPv6, -1 when no target has the family; the sender closes them */
	int epfd;            /* readable when either socket has something queued */
	uint16_t id_net[2];  /* the identifier the kernel gave each socket, network order; 0 until dgram_bind */
	size_t icmp_len;     /* ICMP header + payload of our requests */
	uint64_t cookie;
	uint32_t cookie_len;
	int tx_stamped[2];   /* the kernel stamps this socket's sends (until replies are dropped) */
	const struct target_list *tl;
	struct inflight inflight;
	struct dgram_ops ops;
	unsigned char *bufs; /* a batch of receive buffers of buf_len */
	size_t buf_len;
	uint64_t bad_cookie;     /* a reply with the wrong payload cookie */
	uint64_t unmatched;      /* a reply to no probe waiting or answered: late, unknown source */
	uint64_t foreign_errors; /* an ICMP error about no probe waiting (answered, timed out, unknown) */
	uint64_t kernel_tx;      /* send stamps taken from the kernel */
};

/*
 * Opens a datagram socket per family the targets use, set to report kernel
 * receive and send stamps, TTLs and ICMP errors. window: inflight_window().
 */
int dgram_open(struct dgram *d, const struct target_list *tl, size_t icmp_len, uint64_t cookie, uint32_t cookie_len,
	       uint32_t window, const struct dgram_ops *ops, char *err, size_t errlen);
/* Binds what is not bound yet (fping's -S binds first) and reads the identifiers. */
int dgram_bind(struct dgram *d, char *err, size_t errlen);
/* A probe the socket took (the sender's sent_hook). */
void dgram_note_sent(struct dgram *d, uint32_t tidx, uint16_t seq, uint64_t sent_mono_ns, uint64_t sent_real_ns);
/* Reads everything queued on both sockets: the error queues first, so a send stamp precedes its reply. */
void dgram_drain(struct dgram *d);
/* Waits at most timeout_ms for something to read, then reads it. */
void dgram_poll(struct dgram *d, int timeout_ms);
/*
 * Probes sent at or before before_mono_ns with no reply or error: timed out.
 * A socket that dropped replies stops having its sends stamped.
 */
void dgram_expire(struct dgram *d, uint64_t before_mono_ns);
void dgram_close(struct dgram *d);
/* Replies the kernel dropped because a socket's receive buffer was full (SO_MEMINFO). */
uint64_t dgram_dropped(const struct dgram *d);

/* One datagram as the socket returns it: ICMP header and data. Fills ev and returns 1 for a reply of ours. */
int dgram_reply(struct dgram *d, const unsigned char *icmp, size_t len, const struct icmpmon_addr *from,
		uint64_t rx_real_ns, uint8_t ttl, struct icmpmon_event *ev);
/*
 * One error-queue message: ee and, for an ICMP error, the offender, the
 * request's destination (the message's name) and the quoted request; for a
 * send stamp, the request as it left, link header included, and its stamp.
 * Fills ev and returns 1 for an ICMP error about a probe waiting.
 */
int dgram_error(struct dgram *d, int v6, const struct sock_extended_err *ee, const struct icmpmon_addr *offender,
		const struct icmpmon_addr *dst, const unsigned char *data, size_t len, uint64_t stamp_real_ns,
		struct icmpmon_event *ev);

#endif
