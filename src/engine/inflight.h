/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Probes in flight, kept in userland where no BPF map keeps them (--mode
 * dgram): the same rules as the kernel path's outstanding map. A reply counts
 * only for a probe that was sent and is not yet settled (answered or timed
 * out); a second reply to an answered probe is a duplicate; an ICMP error
 * settles nothing (it marks the probe errored, and its reply may still
 * come); the sweep times out, in send order, what is still waiting.
 */
#ifndef ICMPMON_INFLIGHT_H
#define ICMPMON_INFLIGHT_H

#include <stddef.h>
#include <stdint.h>

enum inflight_verdict {
	INFLIGHT_NONE = 0, /* no such probe waiting or answered: not ours, late or forged */
	INFLIGHT_FIRST,    /* the first reply, or the first error about a probe waiting */
	INFLIGHT_DUP,      /* a further reply to an answered probe, or a further error */
};

struct inflight_probe {
	uint64_t tx_ns;   /* send time, CLOCK_REALTIME: the kernel's stamp once it came, else the sender's */
	uint16_t seq;
	uint8_t state;    /* inflight.c */
	uint8_t kernel_tx; /* tx_ns is the kernel's */
	uint8_t errored;   /* an ICMP error quoted it (ICMPMON_PROBE_ERRORED) */
	uint8_t pad[3];
};

struct inflight_sent {
	uint64_t sent_mono_ns;
	uint32_t tidx;
	uint16_t seq;
	uint16_t pad;
};

struct inflight {
	uint32_t n_targets;
	uint32_t window;              /* probes remembered per target: a power of two, by seq modulo */
	struct inflight_probe *probe; /* n_targets * window */
	struct inflight_sent *fifo;   /* in send order, for the sweep */
	size_t fifo_cap;              /* a power of two */
	uint64_t head, tail;
	uint64_t untracked;           /* probes not kept: their slot still held an older probe in flight */
};

/* Probes of one target in flight at once: timeout / interval and some slack, as a power of two. */
uint32_t inflight_window(double timeout_s, double interval_s);
int inflight_init(struct inflight *f, uint32_t n_targets, uint32_t window);
/* A probe the socket took at sent_mono_ns; tx_real_ns is that time on CLOCK_REALTIME. 0, or -1 if not kept. */
int inflight_add(struct inflight *f, uint32_t tidx, uint16_t seq, uint64_t sent_mono_ns, uint64_t tx_real_ns);
/* The kernel's send stamp for a probe still waiting; returns 1 when it was one. */
int inflight_stamp(struct inflight *f, uint32_t tidx, uint16_t seq, uint64_t tx_real_ns);
/* A reply: the verdict, and *tx_ns the probe's send time. */
enum inflight_verdict inflight_answer(struct inflight *f, uint32_t tidx, uint16_t seq, uint64_t *tx_ns);
/*
 * An ICMP error about a probe still waiting (*tx_ns: its send time): it
 * stays waiting, marked errored; INFLIGHT_FIRST for its first error,
 * INFLIGHT_DUP for a further one.
 */
enum inflight_verdict inflight_fail(struct inflight *f, uint32_t tidx, uint16_t seq, uint64_t *tx_ns);
/* 1 when an ICMP error quoted this probe (waiting or answered). */
int inflight_errored(struct inflight *f, uint32_t tidx, uint16_t seq);
/*
 * Times out the probes sent at or before before_mono_ns that still wait
 * (errored: an error quoted it, reported already); forgets the settled ones.
 */
void inflight_expire(struct inflight *f, uint64_t before_mono_ns,
		     void (*timeout)(void *ctx, uint32_t tidx, uint16_t seq, int errored), void *ctx);
void inflight_free(struct inflight *f);

#endif
