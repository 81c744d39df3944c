/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Userland arithmetic over struct target_stats: intervals, percentiles, ping's numbers. */
#ifndef ICMPMON_STATS_H
#define ICMPMON_STATS_H

#include "bpf/icmpmon.h"

/* The four numbers of ping's "rtt min/avg/max/mdev" line, in whole microseconds. */
struct ping_rtt {
	long min_us, avg_us, max_us, mdev_us;
};

/* A target's counters and histograms, as userland copies them to difference or print them. */
struct target_snapshot {
	struct target_stats c;
	struct target_hists h;
};

/* Account one reply the way the BPF side does (socket receive mode). */
void stats_add_rtt(struct target_stats *s, struct target_hists *h, __u64 rtt_ns, int dup);

/*
 * out = now - prev, counter by counter and bucket by bucket. The interval's
 * min/max cannot be differenced: they are estimated from the interval's
 * histogram (see stats.c), so they are bounds, not sample values.
 */
void stats_diff(const struct target_snapshot *now, const struct target_snapshot *prev,
		struct target_snapshot *out);

/* ICMP errors of every kind. */
__u64 stats_errors(const struct target_stats *s);

/* First replies in the RTT histogram. */
__u64 stats_hist_total(const struct target_hists *h);

/* q in [0,1] of h's RTT histogram, within s's min and max; 0 when the histogram is empty. */
__u64 stats_percentile_ns(const struct target_stats *s, const struct target_hists *h, double q);

/* ping's summary arithmetic; returns 0 (out untouched) without RTT samples. */
int stats_ping_rtt(const struct target_stats *s, struct ping_rtt *out);

/* ping's "% packet loss" (a float widened to double, printed with %g); 0 if nothing sent. */
double stats_loss_pct(__u64 transmitted, __u64 received);

/* ping's truncated integer loss of the SIGQUIT status line; 0 if nothing sent. */
int stats_loss_pct_int(__u64 transmitted, __u64 received);

/*
 * ping's moving average (rts->rtt): 8 times the average in microseconds,
 * gain 1/8, seeded by the first sample; fed every reply, duplicates included.
 * Start from 0.
 */
void stats_ewma_add(int *ewma8, __u64 rtt_ns);

#endif /* ICMPMON_STATS_H */
