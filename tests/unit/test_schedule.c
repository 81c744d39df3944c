// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Probe schedule: due times from the start, spread or burst, no drift, ends, overflow. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "engine/schedule.h"

#define NS 1000000000ull

/* Probe g of n: round g / n, slot g % n; computed exactly, in 128 bits. */
static unsigned __int128 ref_due(uint64_t start, uint64_t period, uint32_t n, int burst, uint64_t g)
{
	unsigned __int128 due = (unsigned __int128)start + (unsigned __int128)(g / n) * period;

	if (!burst)
		due += (unsigned __int128)(g % n) * period / n;
	return due;
}

static void test_spread_values(void **state)
{
	struct schedule s;

	(void)state;
	schedule_init(&s, 1000, NS, 4, 3, 0);
	assert_int_equal(s.n, 4);
	assert_int_equal(s.total, 12);
	assert_int_equal(s.next, 0);
	assert_int_equal(schedule_due_ns(&s, 0), 1000);
	assert_int_equal(schedule_due_ns(&s, 1), 1000 + 250000000ull);
	assert_int_equal(schedule_due_ns(&s, 2), 1000 + 500000000ull);
	assert_int_equal(schedule_due_ns(&s, 3), 1000 + 750000000ull);
	assert_int_equal(schedule_due_ns(&s, 4), 1000 + NS);
	assert_int_equal(schedule_due_ns(&s, 7), 1000 + NS + 750000000ull);
	assert_int_equal(schedule_due_ns(&s, 11), 1000 + 2 * NS + 750000000ull);

	/* A period n does not divide: slot offsets round down. */
	schedule_init(&s, 0, NS, 3, 0, 0);
	assert_int_equal(schedule_due_ns(&s, 1), 333333333ull);
	assert_int_equal(schedule_due_ns(&s, 2), 666666666ull);
	assert_int_equal(schedule_due_ns(&s, 3), NS);

	/* One target: one probe a period. */
	schedule_init(&s, 5, 7, 1, 0, 0);
	assert_int_equal(schedule_due_ns(&s, 0), 5);
	assert_int_equal(schedule_due_ns(&s, 1), 12);
	assert_int_equal(schedule_due_ns(&s, 100), 705);
}

/* Against the formula, for many shapes; gaps are floor or ceil of period / n. */
static void test_spread_formula(void **state)
{
	static const uint32_t ns[] = { 1, 2, 3, 7, 10, 997, 1000, 65536 };
	static const uint64_t periods[] = { 1, 3, 1000, 10000001, 999999999, NS, 7 * 86400 * NS };
	static const uint64_t starts[] = { 0, 123456789, 1ull << 40 };
	size_t a, b, c;

	(void)state;
	for (a = 0; a < sizeof(ns) / sizeof(ns[0]); a++)
		for (b = 0; b < sizeof(periods) / sizeof(periods[0]); b++)
			for (c = 0; c < sizeof(starts) / sizeof(starts[0]); c++) {
				uint32_t n = ns[a];
				uint64_t p = periods[b], st = starts[c], g, lo = p / n, hi = (p + n - 1) / n;
				uint64_t last = 0, limit = 3ull * n + 5;
				struct schedule s;

				if (limit > 20000)
					limit = 20000;
				schedule_init(&s, st, p, n, 0, 0);
				for (g = 0; g < limit; g++) {
					uint64_t due = schedule_due_ns(&s, g);

					assert_true(due == (uint64_t)ref_due(st, p, n, 0, g));
					if (g) {
						assert_true(due - last >= lo);
						assert_true(due - last <= hi);
					}
					last = due;
				}
			}
}

static void test_burst(void **state)
{
	struct schedule s;
	uint64_t g;

	(void)state;
	schedule_init(&s, 777, NS, 5, 4, 1);
	assert_int_equal(s.total, 20);
	for (g = 0; g < 20; g++)
		assert_int_equal(schedule_due_ns(&s, g), 777 + (g / 5) * NS);
	/* All of a round is due at once. */
	s.next = 5;
	assert_false(schedule_next_due(&s, 777 + NS - 1));
	for (g = 5; g < 10; g++, s.next++)
		assert_true(schedule_next_due(&s, 777 + NS));
	assert_false(schedule_next_due(&s, 777 + NS));
}

/* 10^6 rounds: every due time is exactly the one computed from the start. */
static void test_no_drift(void **state)
{
	const uint64_t start = 42, period = 10000001; /* 3 does not divide it */
	const uint32_t n = 3;
	const uint64_t rounds = 1000000;
	struct schedule s;
	uint64_t g, now, sent = 0;

	(void)state;
	schedule_init(&s, start, period, n, rounds, 0);
	assert_int_equal(s.total, rounds * n);
	for (g = 0; g < rounds * n; g++)
		assert_true(schedule_due_ns(&s, g) == start + (g / n) * period + (g % n) * period / n);
	assert_int_equal(schedule_due_ns(&s, rounds * n - 3), start + (rounds - 1) * period);

	/* Driven as run.c does: send while the next probe is due, the clock at each due time. */
	now = start;
	while (schedule_has_next(&s)) {
		while (schedule_next_due(&s, now)) {
			s.next++;
			sent++;
		}
		if (schedule_has_next(&s)) {
			uint64_t due = schedule_due_ns(&s, s.next);

			assert_true(due > now);
			now = due;
		}
	}
	assert_int_equal(sent, rounds * n);
	assert_int_equal(now, start + (rounds - 1) * period + 2 * period / n);
	assert_false(schedule_next_due(&s, UINT64_MAX));

	/* A clock that runs late does not shift later probes: they are due by the book. */
	schedule_init(&s, 0, NS, 2, 0, 0);
	now = 10 * NS + NS / 4; /* woke up late, in round 10 */
	while (schedule_next_due(&s, now))
		s.next++;
	assert_int_equal(s.next, 21); /* rounds 0..9 and the first of round 10 */
	assert_int_equal(schedule_due_ns(&s, s.next), 10 * NS + NS / 2);
}

static void test_ends(void **state)
{
	struct schedule s;
	uint64_t g;

	(void)state;
	schedule_init(&s, 100, 1000, 4, 3, 0);
	assert_int_equal(s.total, 12);
	for (g = 0; g < 12; g++) {
		s.next = g;
		assert_true(schedule_has_next(&s));
	}
	s.next = 12;
	assert_false(schedule_has_next(&s));
	assert_false(schedule_next_due(&s, UINT64_MAX));
	s.next = 13;
	assert_false(schedule_has_next(&s));

	/* Due exactly at its time, not a nanosecond before. */
	s.next = 5; /* round 1, slot 1: 100 + 1000 + 250 */
	assert_int_equal(schedule_due_ns(&s, 5), 1350);
	assert_false(schedule_next_due(&s, 1349));
	assert_true(schedule_next_due(&s, 1350));
	assert_true(schedule_next_due(&s, 1351));
	s.next = 0;
	assert_false(schedule_next_due(&s, 99));
	assert_true(schedule_next_due(&s, 100));
	assert_false(schedule_next_due(&s, 0));

	/* One round of one target. */
	schedule_init(&s, 0, 1000, 1, 1, 0);
	assert_int_equal(s.total, 1);
	assert_true(schedule_next_due(&s, 0));
	s.next = 1;
	assert_false(schedule_has_next(&s));

	/* n = 0 counts as one target. */
	schedule_init(&s, 10, 1000, 0, 5, 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.total, 5);
	assert_int_equal(schedule_due_ns(&s, 3), 3010);

	/* Period 0 (-i 0): everything is due at the start. */
	schedule_init(&s, 10, 0, 3, 2, 0);
	for (g = 0; g < 6; g++)
		assert_int_equal(schedule_due_ns(&s, g), 10);
	s.next = 5;
	assert_true(schedule_next_due(&s, 10));
}

/* rounds = 0: no end, however far next gets. */
static void test_no_end(void **state)
{
	static const uint64_t nexts[] = { 0, 1, 1000000, 1ull << 40, UINT64_MAX - 1, UINT64_MAX };
	struct schedule s;
	size_t i;

	(void)state;
	schedule_init(&s, 0, NS, 8, 0, 0);
	assert_int_equal(s.total, 0);
	for (i = 0; i < sizeof(nexts) / sizeof(nexts[0]); i++) {
		s.next = nexts[i];
		assert_true(schedule_has_next(&s));
	}
	s.next = 1000000; /* round 125000 */
	assert_false(schedule_next_due(&s, 125000 * NS - 1));
	assert_true(schedule_next_due(&s, 125000 * NS));
}

/*
 * Slot offsets need more than 64 bits in between: slot * period for 2^32 - 1
 * targets and a one-day period is about 3.7e23. Exact up to the largest round
 * whose due time fits in 64 bits.
 */
static void test_huge_period_exact(void **state)
{
	const uint64_t day = 86400 * NS;
	const uint32_t n = UINT32_MAX;
	const uint64_t rounds[] = { 0, 1, 1000, 100000, 200000 };
	struct schedule s;
	size_t i;

	(void)state;
	schedule_init(&s, 5 * NS, day, n, 0, 0);
	for (i = 0; i < sizeof(rounds) / sizeof(rounds[0]); i++) {
		uint64_t base = rounds[i] * n;
		uint64_t slots[] = { 0, 1, n / 2, n - 2, n - 1 };
		size_t k;

		for (k = 0; k < 5; k++) {
			unsigned __int128 want = ref_due(5 * NS, day, n, 0, base + slots[k]);

			assert_true(want <= UINT64_MAX);
			assert_true(schedule_due_ns(&s, base + slots[k]) == (uint64_t)want);
		}
		/* The last slot is less than a period after the first. */
		assert_true(schedule_due_ns(&s, base + n - 1) - schedule_due_ns(&s, base) < day);
		assert_true(schedule_due_ns(&s, base + n - 1) - schedule_due_ns(&s, base) >= day - day / n - 1);
	}

	/* One target: round 213503 is the last whose due time fits. */
	schedule_init(&s, 0, day, 1, 0, 0);
	assert_true(schedule_due_ns(&s, 213503) == 213503ull * day);
	schedule_init(&s, 0, 7 * day, 1, 2147483647ull, 1);
	assert_true(schedule_due_ns(&s, 30000) == 30000ull * 7 * day);
}

/*
 * A one-day period, round 10^6: 8.64e19 ns is past 2^64 ns (584 years), so
 * the due time cannot be represented. A later probe must never come due
 * before an earlier one, and a probe 10^6 days out must not be due a day in.
 */
static void test_huge_period_no_wrap(void **state)
{
	const uint64_t day = 86400 * NS, start = 1000 * NS;
	struct schedule s;
	uint64_t r, prev = 0;

	(void)state;
	schedule_init(&s, start, day, 1, 0, 0);
	for (r = 0; r <= 1000000; r++) {
		uint64_t due = schedule_due_ns(&s, r);

		if (due < prev)
			print_error("round %llu due %llu before round %llu due %llu\n", (unsigned long long)r,
				    (unsigned long long)due, (unsigned long long)r - 1, (unsigned long long)prev);
		assert_true(due >= prev);
		prev = due;
	}
	s.next = 1000000;
	assert_false(schedule_next_due(&s, start + day));

	/* The same with the probes spread over 1000 targets. */
	schedule_init(&s, start, day, 1000, 0, 0);
	s.next = 1000000ull * 1000 + 999;
	assert_false(schedule_next_due(&s, start + day));
	assert_true(schedule_due_ns(&s, s.next) >= schedule_due_ns(&s, 999));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spread_values),
		cmocka_unit_test(test_spread_formula),
		cmocka_unit_test(test_burst),
		cmocka_unit_test(test_no_drift),
		cmocka_unit_test(test_ends),
		cmocka_unit_test(test_no_end),
		cmocka_unit_test(test_huge_period_exact),
		cmocka_unit_test(test_huge_period_no_wrap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
