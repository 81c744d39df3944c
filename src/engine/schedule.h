/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Probe schedule: probe g (0, 1, 2, ...) goes to target g % n in round g / n.
 * Its due time is computed from the start, never from the previous send, so
 * the schedule does not drift; within a round the n probes are spread evenly
 * over the period unless burst is set.
 */
#ifndef ICMPMON_SCHEDULE_H
#define ICMPMON_SCHEDULE_H

#include <stdint.h>

struct schedule {
	uint64_t start_ns;
	uint64_t period_ns;
	uint32_t n;       /* targets */
	uint64_t total;   /* probes in all; 0 = no end */
	uint64_t next;    /* next probe index */
	int burst;
	uint64_t origin;  /* the round start_ns is the time of (0 until rebased) */
	uint64_t preload; /* the first rounds from origin all due at start_ns (ping -l); 1 = none */
};

void schedule_init(struct schedule *s, uint64_t start_ns, uint64_t period_ns, uint32_t n, uint64_t rounds, int burst);
/*
 * ping -l N: the first N rounds go at once, then one per period (ping's
 * token bucket filled with N - 1 probes at the start).
 */
void schedule_preload(struct schedule *s, uint64_t preload);
/* From the next probe on: due at at_ns, then one round per period_ns (ping -f, -A). */
void schedule_rebase(struct schedule *s, uint64_t at_ns, uint64_t period_ns);
uint64_t schedule_due_ns(const struct schedule *s, uint64_t g);
/* Is there a next probe, and is it due at now? */
int schedule_has_next(const struct schedule *s);
int schedule_next_due(const struct schedule *s, uint64_t now_ns);

#endif
