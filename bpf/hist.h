/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Log-linear RTT histogram, shared by the BPF programs (which fill it) and
 * userland (which reads percentiles from it and fills it in socket mode).
 *
 * Unit u = 1024 ns. Values below 16 u get one bucket each; above, every power
 * of two is cut into 16 equal sub-buckets, so a bucket is at most 1/16 of its
 * lower bound wide and its midpoint is within 1/32 (3.1 %) of any value in it.
 */
#ifndef ICMPMON_HIST_H
#define ICMPMON_HIST_H

#include "icmpmon.h"

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

/* floor(log2(v)) for v > 0, without clz (the BPF target has no such instruction). */
static __always_inline __u32 icmpmon_log2(__u64 v)
{
	__u32 r = 0;

	if (v >> 32) { v >>= 32; r += 32; }
	if (v >> 16) { v >>= 16; r += 16; }
	if (v >> 8) { v >>= 8; r += 8; }
	if (v >> 4) { v >>= 4; r += 4; }
	if (v >> 2) { v >>= 2; r += 2; }
	if (v >> 1) { r += 1; }
	return r;
}

static __always_inline __u32 icmpmon_hist_bucket(__u64 rtt_ns)
{
	__u64 v = rtt_ns >> ICMPMON_HIST_UNIT_SHIFT;
	__u32 e, idx;

	if (v < ICMPMON_HIST_SUB)
		return (__u32)v;
	e = icmpmon_log2(v);
	idx = ICMPMON_HIST_SUB + (e - ICMPMON_HIST_SUB_BITS) * ICMPMON_HIST_SUB +
	      (__u32)((v >> (e - ICMPMON_HIST_SUB_BITS)) & (ICMPMON_HIST_SUB - 1));
	if (idx >= ICMPMON_HIST_BUCKETS)
		idx = ICMPMON_HIST_BUCKETS - 1;
	return idx;
}

/* Lower bound of bucket idx in nanoseconds. */
static inline __u64 icmpmon_hist_lower_ns(__u32 idx)
{
	__u32 oct, sub;

	if (idx < ICMPMON_HIST_SUB)
		return (__u64)idx << ICMPMON_HIST_UNIT_SHIFT;
	oct = (idx - ICMPMON_HIST_SUB) / ICMPMON_HIST_SUB;
	sub = (idx - ICMPMON_HIST_SUB) % ICMPMON_HIST_SUB;
	return ((__u64)(ICMPMON_HIST_SUB + sub) << oct) << ICMPMON_HIST_UNIT_SHIFT;
}

/* Width of bucket idx in nanoseconds. */
static inline __u64 icmpmon_hist_width_ns(__u32 idx)
{
	if (idx < ICMPMON_HIST_SUB)
		return 1ULL << ICMPMON_HIST_UNIT_SHIFT;
	return (1ULL << ((idx - ICMPMON_HIST_SUB) / ICMPMON_HIST_SUB)) << ICMPMON_HIST_UNIT_SHIFT;
}

#endif /* ICMPMON_HIST_H */
