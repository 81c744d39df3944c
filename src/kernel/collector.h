/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Kernel receive path, userland half: the ring buffer's events and the sweep
 * of the outstanding-probe map. It knows maps and records, not runs: what an
 * event or a timeout means is the caller's (collector_ops).
 */
#ifndef ICMPMON_COLLECTOR_H
#define ICMPMON_COLLECTOR_H

#include <stddef.h>
#include <stdint.h>

#include "bpf/icmpmon.h"

struct ring_buffer;

struct collector_ops {
	void (*event)(void *ctx, const struct icmpmon_event *ev);
	/*
	 * A probe the sweep deleted: no reply came in time. errored: an ICMP
	 * error quoted it (ICMPMON_PROBE_ERRORED), reported as an error already.
	 */
	void (*timeout)(void *ctx, __u32 target_idx, __u16 seq, int errored);
	void *ctx;
};

struct collector {
	struct ring_buffer *rb;
	int probes_fd;
	struct collector_ops ops;
	/* The ring's consumer and producer positions (its first two pages), mapped read-only. */
	const unsigned long *cons_pos, *prod_pos;
};

int collector_open(struct collector *c, int ringbuf_fd, int probes_fd, const struct collector_ops *ops, char *err,
		   size_t errlen);
/* Consumes every event waiting in the ring buffer. */
int collector_consume(struct collector *c);
/*
 * A record is waiting or still being written (reserved, not committed): with
 * batched wake-ups (icmpmon.bpf.c) it may have decided not to wake anyone.
 */
int collector_pending(const struct collector *c);
/* Waits at most timeout_ms for events, then consumes them. */
int collector_poll(struct collector *c, int timeout_ms);
/* Readable when events wait: for the caller's epoll set. */
int collector_epoll_fd(const struct collector *c);
/*
 * Deletes the probes stamped at or before before_ns from the outstanding map.
 * The delete decides races with the reply hook: whichever deletes the entry
 * owns it. Expired probes are handed on in the order they were sent.
 * before_ns UINT64_MAX: all of them. Returns how many probes timed out, or -errno.
 */
int collector_sweep(struct collector *c, uint64_t before_ns);
/* Takes a probe out of the outstanding map; 0 if it was there (the caller now settles it). */
int collector_forget(struct collector *c, const struct probe_key *k);
/* Whether the probe is in the outstanding map. */
int collector_outstanding(const struct collector *c, const struct probe_key *k);
void collector_close(struct collector *c);

#endif
