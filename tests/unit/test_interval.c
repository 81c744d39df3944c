// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bpf/hist.h"
#include "sink/interval.h"
#include "engine/run.h"
#include "util/stats.h"

#define N_TARGETS 3

/* A run with only what interval_take() reads: stats, targets (sent), the clocks. */
struct fake {
	struct run r;
	struct target_stats live[N_TARGETS];
	struct target_hists live_h[N_TARGETS];
	struct target tv[N_TARGETS];
	char names[N_TARGETS][16];
};

static void fake_init(struct fake *f)
{
	memset(f, 0, sizeof(*f));
	for (int i = 0; i < N_TARGETS; i++) {
		snprintf(f->names[i], sizeof(f->names[i]), "10.0.0.%d", i + 1);
		f->tv[i].name = f->names[i];
	}
	f->r.stats = f->live;
	f->r.own_hists = f->live_h;
	f->r.targets.v = f->tv;
	f->r.targets.n = N_TARGETS;
	f->r.start_ns = 1000;
}

/* The sum of intervals, counter by counter and bucket by bucket. */
struct sum {
	struct target_snapshot s;
	uint64_t sent;
};

/*
 * Every __u64 of struct target_stats is a counter that only grows, but
 * rtt_min_ns, rtt_max_ns and txq_max_ns: sum those word by word, so a counter
 * added to the struct later is checked too.
 */
#define N_WORDS (sizeof(struct target_stats) / sizeof(__u64))

static int is_counter_word(size_t w)
{
	return w != offsetof(struct target_stats, rtt_min_ns) / sizeof(__u64) &&
	       w != offsetof(struct target_stats, rtt_max_ns) / sizeof(__u64) &&
	       w != offsetof(struct target_stats, txq_max_ns) / sizeof(__u64);
}

static void add_interval(struct sum *a, const struct target_snapshot *iv, uint64_t sent)
{
	__u64 *to = (__u64 *)&a->s.c;
	const __u64 *from = (const __u64 *)&iv->c;

	for (size_t w = 0; w < N_WORDS; w++)
		if (is_counter_word(w))
			to[w] += from[w];
	for (int b = 0; b < ICMPMON_HIST_BUCKETS; b++) {
		a->s.h.hist[b] += iv->h.hist[b];
		a->s.h.txq_hist[b] += iv->h.txq_hist[b];
	}
	a->sent += sent;
}

static void expect_totals(const struct sum *a, const struct target_stats *t, const struct target_hists *h,
			  uint64_t sent)
{
	const __u64 *got = (const __u64 *)&a->s.c, *want = (const __u64 *)t;

	assert_int_equal(a->sent, sent);
	assert_int_equal(a->s.c.received, t->received);
	assert_int_equal(a->s.c.rtt_sum_ns, t->rtt_sum_ns);
	for (size_t w = 0; w < N_WORDS; w++)
		if (is_counter_word(w))
			assert_int_equal(got[w], want[w]);
	for (int b = 0; b < ICMPMON_HIST_BUCKETS; b++) {
		assert_int_equal(a->s.h.hist[b], h->hist[b]);
		assert_int_equal(a->s.h.txq_hist[b], h->txq_hist[b]);
	}
}

/* A deterministic pseudo-random sequence (xorshift). */
static uint64_t rnd(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* Hand-checked: 3 sent/2 replies, then 2 sent/3 replies (one late), then nothing. */
static void test_by_hand(void **state)
{
	struct interval_state st = { 0 };
	struct target_snapshot snap, *ivs = &snap;
	const struct target_stats *iv = &snap.c;
	struct fake *f = calloc(1, sizeof(*f));
	uint64_t sent;

	(void)state;
	fake_init(f);
	f->tv[0].sent = 3;
	stats_add_rtt(&f->live[0], &f->live_h[0], 100000, 0);  /* 100 us */
	stats_add_rtt(&f->live[0], &f->live_h[0], 300000, 0);  /* 300 us */
	assert_int_equal(interval_take(&st, &f->r, 0, ivs, &sent), 0);
	assert_int_equal(sent, 3);
	assert_int_equal(iv->received, 2);
	assert_int_equal(iv->rtt_count, 2);
	assert_int_equal(iv->rtt_sum_ns, 400000);
	assert_true(interval_loss_pct(sent, iv->received) > 33.33 && interval_loss_pct(sent, iv->received) < 33.34);

	f->tv[0].sent = 5;
	stats_add_rtt(&f->live[0], &f->live_h[0], 200000, 0);
	stats_add_rtt(&f->live[0], &f->live_h[0], 200000, 1);  /* a duplicate */
	stats_add_rtt(&f->live[0], &f->live_h[0], 50000, 0);
	stats_add_rtt(&f->live[0], &f->live_h[0], 60000, 0);
	f->live[0].errors[ICMPMON_ERR_UNREACH]++;
	assert_int_equal(interval_take(&st, &f->r, 0, ivs, &sent), 0);
	assert_int_equal(sent, 2);
	assert_int_equal(iv->received, 3);
	assert_int_equal(iv->duplicates, 1);
	assert_int_equal(iv->rtt_count, 4);
	assert_int_equal(iv->rtt_sum_ns, 510000);
	assert_int_equal(iv->errors[ICMPMON_ERR_UNREACH], 1);
	/* more replies than probes in the interval: no negative loss */
	assert_true(interval_loss_pct(sent, iv->received) == 0);

	assert_int_equal(interval_take(&st, &f->r, 0, ivs, &sent), 0);
	assert_int_equal(sent, 0);
	assert_int_equal(iv->received, 0);
	assert_int_equal(iv->rtt_count, 0);
	assert_int_equal(iv->rtt_min_ns, 0);
	assert_int_equal(iv->rtt_max_ns, 0);
	assert_true(interval_loss_pct(sent, iv->received) == 0);
	interval_free(&st);
	assert_null(st.prev);
	free(f);
}

/* Many reports over several targets: the intervals always add up to the totals. */
static void test_sums(void **state)
{
	struct interval_state st = { 0 };
	struct sum *sums = calloc(N_TARGETS, sizeof(*sums));
	struct fake *f = calloc(1, sizeof(*f));
	struct target_snapshot snap, *ivs = &snap;
	const struct target_stats *iv = &snap.c;
	uint64_t x = 88172645463325252ull, sent;

	(void)state;
	fake_init(f);
	for (int round = 0; round < 200; round++) {
		for (int t = 0; t < N_TARGETS; t++) {
			int n = (int)(rnd(&x) % 6);

			f->tv[t].sent += rnd(&x) % 5;
			f->live[t].stamped += rnd(&x) % 5;
			for (int k = 0; k < n; k++) {
				uint64_t rtt = 1 + rnd(&x) % (rnd(&x) % 2 ? 200000 : 2000000000ull);

				stats_add_rtt(&f->live[t], &f->live_h[t], rtt, rnd(&x) % 7 == 0);
			}
			if (rnd(&x) % 9 == 0)
				f->live[t].errors[rnd(&x) % ICMPMON_ERR_KINDS]++;
		}
		/* a report now and then; some targets change between two reports, some do not */
		if (rnd(&x) % 3 == 0)
			continue;
		for (uint32_t t = 0; t < N_TARGETS; t++) {
			assert_int_equal(interval_take(&st, &f->r, t, ivs, &sent), 0);
			assert_true(iv->rtt_count == iv->received + iv->duplicates);
			if (iv->rtt_count) {
				/* the interval's min/max bound its RTTs and stay within the run's */
				assert_true(iv->rtt_min_ns >= f->live[t].rtt_min_ns);
				assert_true(iv->rtt_max_ns <= f->live[t].rtt_max_ns);
				assert_true(iv->rtt_min_ns <= iv->rtt_sum_ns / iv->rtt_count || iv->duplicates);
			}
			add_interval(&sums[t], ivs, sent);
		}
	}
	/* the last, partial interval */
	for (uint32_t t = 0; t < N_TARGETS; t++) {
		assert_int_equal(interval_take(&st, &f->r, t, ivs, &sent), 0);
		add_interval(&sums[t], ivs, sent);
		expect_totals(&sums[t], &f->live[t], &f->live_h[t], f->tv[t].sent);
	}
	interval_free(&st);
	free(sums);
	free(f);
}

/*
 * A snapshot taken while the BPF side was half-way through a reply (received
 * counted, its histogram bucket not yet): that interval is off by the torn
 * reply, the next one makes up for it, and the sum is still exact.
 */
static void test_torn_snapshot(void **state)
{
	struct target_snapshot prev, s1, s2, iv;
	struct sum sum;
	uint64_t prev_sent = 0, sent;
	uint32_t b = icmpmon_hist_bucket(70000);

	(void)state;
	memset(&prev, 0, sizeof(prev));
	memset(&sum, 0, sizeof(sum));
	memset(&s2, 0, sizeof(s2));
	stats_add_rtt(&s2.c, &s2.h, 50000, 0);
	stats_add_rtt(&s2.c, &s2.h, 70000, 0);
	s1 = s2;                 /* s1: the second reply only partly there */
	s1.h.hist[b]--;
	s1.c.rtt_sum2_us -= 70 * 70;

	interval_step(&prev, &prev_sent, &s1, 2, &iv, &sent);
	assert_int_equal(iv.c.received, 2);
	assert_int_equal(iv.h.hist[b], b == icmpmon_hist_bucket(50000) ? 1 : 0);
	add_interval(&sum, &iv, sent);
	interval_step(&prev, &prev_sent, &s2, 2, &iv, &sent);
	assert_int_equal(iv.c.received, 0);
	assert_int_equal(iv.h.hist[b], 1);
	assert_int_equal(iv.c.rtt_sum2_us, 70 * 70);
	add_interval(&sum, &iv, sent);
	expect_totals(&sum, &s2.c, &s2.h, 2);
	/* the baseline is the copy that was diffed */
	assert_memory_equal(&prev, &s2, sizeof(s2));
}

static void test_mark(void **state)
{
	struct interval_state st = { 0 };
	struct fake *f = calloc(1, sizeof(*f));

	(void)state;
	fake_init(f);
	interval_mark(&st, &f->r, 5000);
	assert_int_equal(st.start_ns, 1000);   /* the first interval starts with the run */
	assert_int_equal(st.end_ns, 5000);
	interval_mark(&st, &f->r, 9000);
	assert_int_equal(st.start_ns, 5000);   /* the next where the last ended */
	assert_int_equal(st.end_ns, 9000);
	free(f);
}

static void test_line(void **state)
{
	struct target_snapshot s;
	char *buf = NULL;
	size_t len;
	FILE *f;

	(void)state;
	/* one reply of 40 us: min = avg = max = every percentile */
	memset(&s, 0, sizeof(s));
	stats_add_rtt(&s.c, &s.h, 40000, 0);
	f = open_memstream(&buf, &len);
	/* date -u -d @1700000000 -> 2023-11-14T22:13:20; 0.2 s after it */
	interval_print_line(f, 1700000000200999999ull, "10.0.0.1", 2, &s);
	/* nothing at all */
	memset(&s, 0, sizeof(s));
	interval_print_line(f, 1700000000000000000ull, "a b", 0, &s);
	fclose(f);
	assert_string_equal(buf,
		"[2023-11-14T22:13:20.200Z] 10.0.0.1: sent 2 recv 1 loss 50% dup 0 rtt min/avg/max "
		"0.040/0.040/0.040 ms p50/p90/p99/p99.9 0.040/0.040/0.040/0.040 ms\n"
		"[2023-11-14T22:13:20.000Z] a b: sent 0 recv 0 loss 0% dup 0 rtt min/avg/max -/-/- ms "
		"p50/p90/p99/p99.9 -/-/-/- ms\n");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_by_hand),
		cmocka_unit_test(test_sums),
		cmocka_unit_test(test_torn_snapshot),
		cmocka_unit_test(test_mark),
		cmocka_unit_test(test_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
