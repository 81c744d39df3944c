/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Interval statistics for --report: each report diffs a snapshot of a
 * target's live aggregates against the snapshot of the report before. The
 * live struct is copied once and only the copy is used, both for the diff and
 * as the next baseline, so a reply that lands while it is read counts in this
 * interval or the next, never in both or neither: the intervals of a target
 * always add up to its totals exactly (for every counter and histogram bucket).
 */
#ifndef ICMPMON_INTERVAL_H
#define ICMPMON_INTERVAL_H

#include <stdint.h>
#include <stdio.h>

#include "bpf/icmpmon.h"
#include "util/stats.h"

struct run;

struct interval_state {
	uint32_t n;                 /* targets; 0 until the first interval_take() */
	struct target_snapshot *prev; /* per target: the snapshot the last interval ended with */
	uint64_t *prev_sent;        /* per target: its sent counter at that moment */
	uint64_t start_ns, end_ns;  /* CLOCK_MONOTONIC bounds of the current interval */
};

/* The numbers a report prints for one interval (or a whole run). */
struct interval_rtt {
	int has_rtt;                /* RTT samples (replies or duplicates) in the interval */
	int has_pct;                /* first replies in the histogram: percentiles are known */
	uint64_t min_ns, avg_ns, max_ns;
	uint64_t p50_ns, p90_ns, p99_ns, p999_ns;
};

/*
 * The pure step: out = now - *prev, *sent_out = sent_now - *prev_sent, then
 * *prev = *now and *prev_sent = sent_now. now must be a private copy.
 */
void interval_step(struct target_snapshot *prev, uint64_t *prev_sent, const struct target_snapshot *now,
		   uint64_t sent_now, struct target_snapshot *out, uint64_t *sent_out);

/*
 * Starts a report at CLOCK_MONOTONIC now_ns: the interval runs from the end of
 * the previous one (the run's start for the first) to now_ns.
 */
void interval_mark(struct interval_state *st, const struct run *r, uint64_t now_ns);

/*
 * Target tidx's interval: copies its counters and histograms once, diffs it against the
 * previous snapshot and keeps the copy. Allocates the state on first use;
 * returns -1 (out untouched) when that fails.
 */
int interval_take(struct interval_state *st, const struct run *r, uint32_t tidx,
		  struct target_snapshot *out, uint64_t *sent_out);

/*
 * What a summary of target tidx shows: with intervals, the snapshot the last
 * interval ended with (so the intervals add up to the summary exactly), else a
 * copy of the live aggregates in buf.
 */
const struct target_snapshot *interval_summary_snapshot(const struct interval_state *st, const struct run *r,
						      uint32_t tidx, struct target_snapshot *buf);

void interval_free(struct interval_state *st);

/*
 * min/avg/max and percentiles of s. avg counts duplicates, as ping's does;
 * the histogram (percentiles) holds first replies only. For an interval from
 * stats_diff(), min and max are bounds read from the histogram (see stats.h).
 */
void interval_rtt(const struct target_snapshot *s, struct interval_rtt *out);

/*
 * Loss of an interval in percent: ping's arithmetic, but 0 when the interval
 * received as much as it sent or more (replies to probes of the interval
 * before count in the interval they arrive in).
 */
double interval_loss_pct(uint64_t sent, uint64_t received);

/*
 * One text report line, end_real_ns being the interval's end (CLOCK_REALTIME):
 * "[2026-11-21T10:00:05.200Z] NAME: sent 5 recv 5 loss 0% dup 0 rtt min/avg/max
 * 0.031/0.040/0.052 ms p50/p90/p99/p99.9 0.040/0.050/0.052/0.052 ms", with "-"
 * for every number that has no sample; times truncated to whole microseconds.
 */
void interval_print_line(FILE *f, uint64_t end_real_ns, const char *name, uint64_t sent,
			 const struct target_snapshot *iv);

/*
 * A report in text: interval_mark() at now, then a line per target. final:
 * the last, partial interval at the end of the run, where a target with
 * nothing in it (nothing sent, received or in error) gets no line.
 */
void interval_report_text(struct interval_state *st, const struct run *r, FILE *f, int final);

#endif /* ICMPMON_INTERVAL_H */
