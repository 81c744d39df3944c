// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Arithmetic over struct target_stats: ping's numbers, percentiles, intervals (stats.h). */
#include <limits.h>

#include "bpf/hist.h"
#include "util/stats.h"

void stats_add_rtt(struct target_stats *s, struct target_hists *h, __u64 rtt_ns, int dup)
{
	__u64 us = rtt_ns / 1000;
	__u64 mm = rtt_ns ? rtt_ns : 1; /* rtt_min_ns == 0 means "no reply yet" */

	if (dup) {
		s->duplicates++;
	} else {
		s->received++;
		h->hist[icmpmon_hist_bucket(rtt_ns)]++;
		s->rtt_first_sum_ns += rtt_ns;
	}
	s->rtt_count++;
	s->rtt_sum_ns += rtt_ns;
	s->rtt_sum_us += us;
	s->rtt_sum2_us += us * us;
	if (!s->rtt_min_ns || mm < s->rtt_min_ns)
		s->rtt_min_ns = mm;
	if (mm > s->rtt_max_ns)
		s->rtt_max_ns = mm;
}

static int hist_first(const struct target_hists *h)
{
	for (int i = 0; i < ICMPMON_HIST_BUCKETS; i++)
		if (h->hist[i])
			return i;
	return -1;
}

static int hist_last(const struct target_hists *h)
{
	for (int i = ICMPMON_HIST_BUCKETS - 1; i >= 0; i--)
		if (h->hist[i])
			return i;
	return -1;
}

/* Largest value bucket idx can hold; the last bucket also takes all overflow. */
static __u64 bucket_top_ns(__u32 idx)
{
	if (idx == ICMPMON_HIST_BUCKETS - 1)
		return ~0ULL;
	return icmpmon_hist_lower_ns(idx) + icmpmon_hist_width_ns(idx) - 1;
}

/*
 * Interval min/max: the lower bound of the lowest non-empty bucket and the
 * top of the highest one, narrowed by the run's overall min/max (which
 * enclose every interval). The histogram holds first replies only, so an
 * interval's duplicates may lie outside; an interval of duplicates alone
 * gets the overall range.
 */
static void interval_bounds(const struct target_stats *now, struct target_stats *out,
			    const struct target_hists *out_h)
{
	int lo = hist_first(out_h), hi = hist_last(out_h);
	__u64 min, max;

	out->rtt_min_ns = out->rtt_max_ns = 0;
	if (!out->rtt_count)
		return;
	if (lo < 0) {
		out->rtt_min_ns = now->rtt_min_ns;
		out->rtt_max_ns = now->rtt_max_ns;
		return;
	}
	min = icmpmon_hist_lower_ns(lo);
	max = bucket_top_ns(hi);
	if (min < now->rtt_min_ns)
		min = now->rtt_min_ns;
	if (now->rtt_max_ns && max > now->rtt_max_ns)
		max = now->rtt_max_ns;
	out->rtt_min_ns = min ? min : 1;
	out->rtt_max_ns = max;
}

void stats_diff(const struct target_snapshot *now_snap, const struct target_snapshot *prev_snap,
		struct target_snapshot *out_snap)
{
	const struct target_stats *now = &now_snap->c, *prev = &prev_snap->c;
	struct target_stats *out = &out_snap->c;

	out->txq_count = now->txq_count - prev->txq_count;
	out->txq_sum_ns = now->txq_sum_ns - prev->txq_sum_ns;
	out->txq_max_ns = now->txq_max_ns;
	out->stamped = now->stamped - prev->stamped;
	out->received = now->received - prev->received;
	out->duplicates = now->duplicates - prev->duplicates;
	out->rtt_count = now->rtt_count - prev->rtt_count;
	out->rtt_sum_ns = now->rtt_sum_ns - prev->rtt_sum_ns;
	out->rtt_first_sum_ns = now->rtt_first_sum_ns - prev->rtt_first_sum_ns;
	out->errored = now->errored - prev->errored;
	out->errored_replied = now->errored_replied - prev->errored_replied;
	out->rtt_sum_us = now->rtt_sum_us - prev->rtt_sum_us;
	out->rtt_sum2_us = now->rtt_sum2_us - prev->rtt_sum2_us;
	for (int i = 0; i < ICMPMON_ERR_KINDS; i++)
		out->errors[i] = now->errors[i] - prev->errors[i];
	for (int i = 0; i < ICMPMON_HIST_BUCKETS; i++) {
		out_snap->h.hist[i] = now_snap->h.hist[i] - prev_snap->h.hist[i];
		out_snap->h.txq_hist[i] = now_snap->h.txq_hist[i] - prev_snap->h.txq_hist[i];
	}
	interval_bounds(now, out, &out_snap->h);
}

static __u64 clamp_to_range(const struct target_stats *s, __u64 v)
{
	if (s->rtt_min_ns && v < s->rtt_min_ns)
		return s->rtt_min_ns;
	if (s->rtt_max_ns && v > s->rtt_max_ns)
		return s->rtt_max_ns;
	return v;
}

__u64 stats_hist_total(const struct target_hists *h)
{
	__u64 n = 0;

	for (int i = 0; i < ICMPMON_HIST_BUCKETS; i++)
		n += h->hist[i];
	return n;
}

__u64 stats_percentile_ns(const struct target_stats *s, const struct target_hists *h, double q)
{
	__u64 n = stats_hist_total(h), cum = 0;
	double rank;

	if (!n)
		return 0;
	if (q < 0)
		q = 0;
	if (q > 1)
		q = 1;
	rank = q * (double)n;
	for (__u32 i = 0; i < ICMPMON_HIST_BUCKETS; i++) {
		__u32 c = h->hist[i];

		if (!c)
			continue;
		if ((double)(cum + c) >= rank) {
			double frac = (rank - (double)cum) / c;
			double v = icmpmon_hist_lower_ns(i) + frac * icmpmon_hist_width_ns(i);

			return clamp_to_range(s, (__u64)v);
		}
		cum += c;
	}
	return clamp_to_range(s, bucket_top_ns(hist_last(h)));
}

/* floor(sqrt(a)) for a > 0; like ping's llsqrt, a <= 0 comes back unchanged. */
static long long isqrt_ll(long long a)
{
	unsigned long long v = (unsigned long long)a, r = 0, bit = 1ULL << 62;

	if (a <= 0)
		return a;
	while (bit > v)
		bit >>= 2;
	for (; bit; bit >>= 2) {
		if (v >= r + bit) {
			v -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
	}
	return (long long)r;
}

/*
 * ping 20221126 keeps tsum and tsum2 in doubles, divides by
 * nreceived + nrepeats (our rtt_count) and truncates to integers at the
 * same points as done here; the variance formula depends on tsum < INT_MAX.
 */
int stats_ping_rtt(const struct target_stats *s, struct ping_rtt *out)
{
	long total = (long)s->rtt_count;
	double tsum = (double)s->rtt_sum_us, tsum2 = (double)s->rtt_sum2_us;
	long long var;
	long avg;

	if (!total)
		return 0;
	avg = (long)(tsum / total);
	if (tsum < INT_MAX)
		var = (long long)((tsum2 - tsum * tsum / total) / total);
	else
		var = (long long)(tsum2 / total - (double)(avg * avg));
	out->min_us = (long)(s->rtt_min_ns / 1000);
	out->avg_us = avg;
	out->max_us = (long)(s->rtt_max_ns / 1000);
	out->mdev_us = (long)isqrt_ll(var);
	return 1;
}

double stats_loss_pct(__u64 transmitted, __u64 received)
{
	long long lost = (long long)(transmitted - received);

	if (!transmitted)
		return 0;
	/* ping narrows to float before %g; keep that rounding */
	return (float)(lost * 100.0 / (double)(long long)transmitted);
}

int stats_loss_pct_int(__u64 transmitted, __u64 received)
{
	long long lost = (long long)(transmitted - received);

	if (!transmitted)
		return 0;
	return (int)(lost * 100 / (long long)transmitted);
}

void stats_ewma_add(int *ewma8, __u64 rtt_ns)
{
	long us = (long)(rtt_ns / 1000);

	if (!*ewma8)
		*ewma8 = (int)(us * 8);
	else
		*ewma8 = (int)(*ewma8 + us - *ewma8 / 8);
}

__u64 stats_errors(const struct target_stats *s)
{
	__u64 n = 0;
	int k;

	for (k = 0; k < ICMPMON_ERR_KINDS; k++)
		n += s->errors[k];
	return n;
}
