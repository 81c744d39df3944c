// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <cmocka.h>

#include "bpf/hist.h"
#include "util/stats.h"

static void add_us(struct target_snapshot *s, const long *us, size_t n, size_t first_dup)
{
	for (size_t i = 0; i < n; i++)
		stats_add_rtt(&s->c, &s->h, (__u64)us[i] * 1000, i >= first_dup);
}

static void expect_rtt(const struct target_snapshot *s, long min, long avg, long max, long mdev)
{
	struct ping_rtt r;

	assert_int_equal(stats_ping_rtt(&s->c, &r), 1);
	assert_int_equal(r.min_us, min);
	assert_int_equal(r.avg_us, avg);
	assert_int_equal(r.max_us, max);
	assert_int_equal(r.mdev_us, mdev);
}

/*
 * ping: total = n, avg = (long)(tsum / n); tsum < INT_MAX, so
 * var = (long long)((tsum2 - tsum * tsum / n) / n), mdev = floor(sqrt(var)).
 * The first four sets are replies seen from the real ping 20221126 on 127.0.0.1.
 */
static void test_mdev_small(void **state)
{
	/* 39 / 3 = 13; (585 - 1521/3) / 3 = 26 -> 5 */
	static const long a[] = { 20, 11, 8 };
	/* 176/3 = 58.67 -> 58; (10370 - 30976/3) / 3 = 14.89 -> 14 -> 3 */
	static const long b[] = { 64, 57, 55 };
	/* 82/2 = 41; (3562 - 3362) / 2 = 100 -> 10 */
	static const long c[] = { 31, 51 };
	/* 85/2 = 42.5 -> 42; (3977 - 3612.5) / 2 = 182.25 -> 182 -> 13 */
	static const long d[] = { 29, 56 };
	/* 6e6/3 = 2e6; (12.5e12 - 12e12) / 3 = 166666666666.67 -> 408248 */
	static const long e[] = { 1500000, 2500000, 2000000 };
	struct target_snapshot s;

	(void)state;
	memset(&s, 0, sizeof(s)); add_us(&s, a, 3, 3); expect_rtt(&s, 8, 13, 20, 5);
	memset(&s, 0, sizeof(s)); add_us(&s, b, 3, 3); expect_rtt(&s, 55, 58, 64, 3);
	memset(&s, 0, sizeof(s)); add_us(&s, c, 2, 2); expect_rtt(&s, 31, 41, 51, 10);
	memset(&s, 0, sizeof(s)); add_us(&s, d, 2, 2); expect_rtt(&s, 29, 42, 56, 13);
	memset(&s, 0, sizeof(s)); add_us(&s, e, 3, 3); expect_rtt(&s, 1500000, 2000000, 2500000, 408248);
}

/* Duplicates count in the sums, in min/max and in the divisor, not in the histogram. */
static void test_mdev_dups(void **state)
{
	/* total 3: 600/3 = 200; (140000 - 360000/3) / 3 = 6666.67 -> 6666 -> 81 */
	static const long a[] = { 100, 200, 300 };
	/*
	 * total 5: 5226549/5 = 1045309.8 -> 1045309; tsum2 = 25025014580251,
	 * (tsum2 - 5226549^2/5) / 5 = 3912330338074.16 -> 1977961
	 */
	static const long b[] = { 123456, 98765, 7, 4321, 5000000 };
	struct target_snapshot s;
	__u64 n = 0;

	(void)state;
	memset(&s, 0, sizeof(s));
	add_us(&s, a, 3, 2);
	assert_int_equal(s.c.received, 2);
	assert_int_equal(s.c.duplicates, 1);
	assert_int_equal(s.c.rtt_count, 3);
	expect_rtt(&s, 100, 200, 300, 81);
	for (int i = 0; i < ICMPMON_HIST_BUCKETS; i++)
		n += s.h.hist[i];
	assert_int_equal(n, 2);

	memset(&s, 0, sizeof(s));
	add_us(&s, b, 5, 2);
	expect_rtt(&s, 7, 1045309, 5000000, 1977961);
}

/*
 * tsum >= INT_MAX: ping switches to var = tsum2/n - avg*avg with the
 * truncated avg. 50000 x 21000 + 50000 x 22001 us: tsum = 2150050000,
 * avg = 21500 (not 21500.5), tsum2/n = 462522000.5, var = 272000.5 -> 272000,
 * mdev = 521 where the true deviation is 500.5.
 */
static void test_mdev_large_branch(void **state)
{
	struct target_snapshot s;

	(void)state;
	memset(&s, 0, sizeof(s));
	for (int i = 0; i < 50000; i++) {
		stats_add_rtt(&s.c, &s.h, 21000 * 1000ULL, 0);
		stats_add_rtt(&s.c, &s.h, 22001 * 1000ULL, 0);
	}
	assert_int_equal(s.c.rtt_sum_us, 2150050000ULL);
	assert_int_equal(s.c.rtt_sum2_us, 46252200050000ULL);
	expect_rtt(&s, 21000, 21500, 22001, 521);
}

/* RTTs are truncated to whole microseconds before summing, like ping's triptime. */
static void test_add_truncates(void **state)
{
	struct target_snapshot s;

	(void)state;
	memset(&s, 0, sizeof(s));
	stats_add_rtt(&s.c, &s.h, 64999, 0);
	stats_add_rtt(&s.c, &s.h, 57500, 0);
	stats_add_rtt(&s.c, &s.h, 55001, 0);
	assert_int_equal(s.c.rtt_sum_ns, 64999 + 57500 + 55001);
	assert_int_equal(s.c.rtt_sum_us, 64 + 57 + 55);
	assert_int_equal(s.c.rtt_sum2_us, 64 * 64 + 57 * 57 + 55 * 55);
	assert_int_equal(s.c.rtt_min_ns, 55001);
	assert_int_equal(s.c.rtt_max_ns, 64999);
	expect_rtt(&s, 55, 58, 64, 3);
}

static void test_add_zero_and_empty(void **state)
{
	struct target_snapshot s;
	struct ping_rtt r = { -1, -1, -1, -1 };

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(stats_ping_rtt(&s.c, &r), 0);
	assert_int_equal(r.min_us, -1);
	assert_int_equal(stats_percentile_ns(&s.c, &s.h, 0.5), 0);
	stats_add_rtt(&s.c, &s.h, 0, 0);
	assert_int_equal(s.c.rtt_min_ns, 1);
	assert_int_equal(s.c.rtt_max_ns, 1);
	assert_int_equal(s.h.hist[0], 1);
	expect_rtt(&s, 0, 0, 0, 0);
}

/*
 * Userland maps icmpmon_stats whole, and the whole mapping is resident: at
 * 131,072 slots (65,536 targets with --daemon's reload room) every byte of
 * struct target_stats costs 128 KiB. The histograms (two of 1,408 bytes) are
 * in icmpmon_hists, read only when printed or exported: the counters stay
 * within 160 bytes (19 words today).
 */
static void test_counters_small(void **state)
{
	(void)state;
	assert_true(sizeof(struct target_stats) <= 160);
	assert_int_equal(sizeof(struct target_hists), 2 * ICMPMON_HIST_BUCKETS * sizeof(__u32));
}

/* ping's rts->rtt: 20, 11, 8 us -> 160, 151, 141; ping -A printed ewma 0.017 for these. */
static void test_ewma(void **state)
{
	int e = 0;

	(void)state;
	stats_ewma_add(&e, 20000);
	assert_int_equal(e, 160);
	stats_ewma_add(&e, 11999);
	assert_int_equal(e, 151);
	stats_ewma_add(&e, 8000);
	assert_int_equal(e, 141);
}

static void test_loss(void **state)
{
	char buf[32];

	(void)state;
	assert_true(stats_loss_pct(0, 0) == 0);
	assert_true(stats_loss_pct(4, 3) == 25.0);
	assert_true(stats_loss_pct(3, 0) == 100.0);
	snprintf(buf, sizeof(buf), "%g", stats_loss_pct(3, 2));
	assert_string_equal(buf, "33.3333");
	/* 2300/31 = 74.1935483..; as a float 74.1935501.., so %g shows 74.1936 */
	snprintf(buf, sizeof(buf), "%g", stats_loss_pct(31, 8));
	assert_string_equal(buf, "74.1936");
	assert_int_equal(stats_loss_pct_int(3, 2), 33);
	/* truncated, as ping's SIGQUIT line and fping: 200/3 -> 66, not 67 */
	assert_int_equal(stats_loss_pct_int(3, 1), 66);
	assert_int_equal(stats_loss_pct_int(3, 0), 100);
	assert_int_equal(stats_loss_pct_int(0, 0), 0);
}

static void test_hist_layout(void **state)
{
	(void)state;
	assert_int_equal(icmpmon_hist_lower_ns(0), 0);
	for (__u32 i = 0; i < ICMPMON_HIST_BUCKETS; i++) {
		__u64 lo = icmpmon_hist_lower_ns(i), w = icmpmon_hist_width_ns(i);

		if (i + 1 < ICMPMON_HIST_BUCKETS)
			assert_int_equal(icmpmon_hist_lower_ns(i + 1), lo + w);
		if (i >= ICMPMON_HIST_SUB)
			assert_true(w * ICMPMON_HIST_SUB <= lo);
		assert_int_equal(icmpmon_hist_bucket(lo), i);
		assert_int_equal(icmpmon_hist_bucket(lo + w - 1), i);
	}
	assert_int_equal(icmpmon_hist_bucket(~0ULL), ICMPMON_HIST_BUCKETS - 1);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static double unit(void)
{
	return ((rng() >> 11) + 0.5) / 9007199254740992.0;
}

static void test_hist_monotonic(void **state)
{
	__u64 prev_v = 0;
	__u32 prev_b = 0;

	(void)state;
	/* sorted sweep: every power of two and its neighbours, plus random values */
	for (int e = 0; e < 64; e++) {
		__u64 base = 1ULL << e;

		for (__u64 v = base - 1; v <= base + 1; v++) {
			__u32 b = icmpmon_hist_bucket(v);

			if (v < prev_v)
				continue;

			assert_true(b >= prev_b);
			assert_true(b == ICMPMON_HIST_BUCKETS - 1 || v < icmpmon_hist_lower_ns(b) + icmpmon_hist_width_ns(b));
			assert_true(v >= icmpmon_hist_lower_ns(b));
			prev_v = v;
			prev_b = b;
		}
	}
	for (int i = 0; i < 100000; i++) {
		__u64 a = rng() >> (rng() % 64), b = a + rng() % 4096;

		assert_true(b < a || icmpmon_hist_bucket(a) <= icmpmon_hist_bucket(b));
	}
}

static int cmp_u64(const void *a, const void *b)
{
	__u64 x = *(const __u64 *)a, y = *(const __u64 *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted samples. */
static __u64 exact_pct(const __u64 *v, size_t n, double q)
{
	size_t k = (size_t)ceil(q * n);

	return v[k ? k - 1 : 0];
}

static void check_percentiles(__u64 *v, size_t n, const char *name)
{
	static const double qs[] = { 0.5, 0.9, 0.99, 0.999 };
	struct target_snapshot s;

	memset(&s, 0, sizeof(s));
	for (size_t i = 0; i < n; i++)
		stats_add_rtt(&s.c, &s.h, v[i], 0);
	qsort(v, n, sizeof(*v), cmp_u64);
	for (size_t i = 0; i < sizeof(qs) / sizeof(qs[0]); i++) {
		double want = (double)exact_pct(v, n, qs[i]);
		double got = (double)stats_percentile_ns(&s.c, &s.h, qs[i]);

		if (fabs(got - want) > 0.032 * want)
			fail_msg("%s p%g: got %.0f want %.0f", name, qs[i] * 100, got, want);
	}
	assert_int_equal(stats_percentile_ns(&s.c, &s.h, 0), v[0]);
	assert_int_equal(stats_percentile_ns(&s.c, &s.h, 1), v[n - 1]);
}

#define NSAMPLES 100000

static void test_percentile_uniform(void **state)
{
	static __u64 v[NSAMPLES];

	(void)state;
	for (size_t i = 0; i < NSAMPLES; i++)
		v[i] = 100000 + rng() % (100000000 - 100000); /* 0.1 .. 100 ms */
	check_percentiles(v, NSAMPLES, "uniform");
}

static void test_percentile_lognormal(void **state)
{
	static __u64 v[NSAMPLES];

	(void)state;
	for (size_t i = 0; i < NSAMPLES; i++) {
		double z = sqrt(-2 * log(unit())) * cos(2 * M_PI * unit());

		v[i] = (__u64)(5e6 * exp(0.8 * z)); /* median 5 ms */
	}
	check_percentiles(v, NSAMPLES, "lognormal");
}

static void test_percentile_constant(void **state)
{
	static __u64 v[1000];

	(void)state;
	for (size_t i = 0; i < 1000; i++)
		v[i] = 12345678;
	check_percentiles(v, 1000, "constant");
}

static void add_stats(struct target_snapshot *acc, const struct target_snapshot *d)
{
	acc->c.stamped += d->c.stamped;
	acc->c.received += d->c.received;
	acc->c.duplicates += d->c.duplicates;
	acc->c.rtt_count += d->c.rtt_count;
	acc->c.rtt_sum_ns += d->c.rtt_sum_ns;
	acc->c.rtt_sum_us += d->c.rtt_sum_us;
	acc->c.rtt_sum2_us += d->c.rtt_sum2_us;
	acc->c.rtt_first_sum_ns += d->c.rtt_first_sum_ns;
	for (int i = 0; i < ICMPMON_ERR_KINDS; i++)
		acc->c.errors[i] += d->c.errors[i];
	for (int i = 0; i < ICMPMON_HIST_BUCKETS; i++)
		acc->h.hist[i] += d->h.hist[i];
}

static void check_interval_bounds(const struct target_snapshot *d, const struct target_snapshot *now,
				  __u64 imin, __u64 imax)
{
	if (!d->c.rtt_count) {
		assert_int_equal(d->c.rtt_min_ns, 0);
		assert_int_equal(d->c.rtt_max_ns, 0);
		return;
	}
	assert_true(d->c.rtt_min_ns >= now->c.rtt_min_ns);
	assert_true(d->c.rtt_max_ns <= now->c.rtt_max_ns);
	if (d->c.received) { /* bounds enclose the interval's first replies */
		assert_true(d->c.rtt_min_ns <= imin);
		assert_true(d->c.rtt_max_ns >= imax);
	}
}

static void test_diff_sums(void **state)
{
	struct target_snapshot now, prev, d, acc;

	(void)state;
	memset(&now, 0, sizeof(now));
	memset(&acc, 0, sizeof(acc));
	for (int interval = 0; interval < 200; interval++) {
		int k = (int)(rng() % 50);
		__u64 imin = ~0ULL, imax = 0;

		prev = now;
		for (int i = 0; i < k; i++) {
			__u64 rtt = 20000 + rng() % 300000000;
			int dup = rng() % 10 == 0;

			now.c.stamped += 1 + dup;
			if (rng() % 7 == 0)
				now.c.errors[rng() % ICMPMON_ERR_KINDS]++;
			stats_add_rtt(&now.c, &now.h, rtt, dup);
			if (!dup) {
				imin = rtt < imin ? rtt : imin;
				imax = rtt > imax ? rtt : imax;
			}
		}
		stats_diff(&now, &prev, &d);
		check_interval_bounds(&d, &now, imin, imax);
		add_stats(&acc, &d);
	}
	acc.c.rtt_min_ns = now.c.rtt_min_ns;
	acc.c.rtt_max_ns = now.c.rtt_max_ns;
	assert_memory_equal(&acc, &now, sizeof(now));
}

/* An interval of one reply: bounds of its bucket, clamped to the run's min/max. */
static void test_diff_single_bucket(void **state)
{
	struct target_snapshot prev, now, d;
	__u32 b = icmpmon_hist_bucket(1500000);

	(void)state;
	memset(&prev, 0, sizeof(prev));
	stats_add_rtt(&prev.c, &prev.h, 1000000, 0);
	stats_add_rtt(&prev.c, &prev.h, 3000000, 0);
	now = prev;
	stats_add_rtt(&now.c, &now.h, 1500000, 0);
	stats_diff(&now, &prev, &d);
	assert_int_equal(d.c.received, 1);
	assert_int_equal(d.c.rtt_min_ns, icmpmon_hist_lower_ns(b));
	assert_int_equal(d.c.rtt_max_ns, icmpmon_hist_lower_ns(b) + icmpmon_hist_width_ns(b) - 1);

	/* the run's own extremes clamp the bucket bounds */
	memset(&prev, 0, sizeof(prev));
	now = prev;
	stats_add_rtt(&now.c, &now.h, 1500000, 0);
	stats_diff(&now, &prev, &d);
	assert_int_equal(d.c.rtt_min_ns, 1500000);
	assert_int_equal(d.c.rtt_max_ns, 1500000);

	/* duplicates only: no histogram, the overall range */
	prev = now;
	stats_add_rtt(&now.c, &now.h, 2500000, 1);
	stats_diff(&now, &prev, &d);
	assert_int_equal(d.c.rtt_min_ns, 1500000);
	assert_int_equal(d.c.rtt_max_ns, 2500000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mdev_small),
		cmocka_unit_test(test_mdev_dups),
		cmocka_unit_test(test_mdev_large_branch),
		cmocka_unit_test(test_add_truncates),
		cmocka_unit_test(test_add_zero_and_empty),
		cmocka_unit_test(test_ewma),
		cmocka_unit_test(test_loss),
		cmocka_unit_test(test_counters_small),
		cmocka_unit_test(test_hist_layout),
		cmocka_unit_test(test_hist_monotonic),
		cmocka_unit_test(test_percentile_uniform),
		cmocka_unit_test(test_percentile_lognormal),
		cmocka_unit_test(test_percentile_constant),
		cmocka_unit_test(test_diff_sums),
		cmocka_unit_test(test_diff_single_bucket),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
