// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "capture.h"

#include "bpf/hist.h"
#include "output/hist.h"


/*
 * Worked by hand. Unit 1024 ns; linear buckets 0..15 are 0..15 units, bucket
 * 16 + 16k + j is [(16 + j) << k, (17 + j) << k) units (octave k).
 *   row 0 [0, 2 u):     buckets 0 (1) + 1 (2)                  = 3
 *   row 1 [2, 4 u):     bucket 2 (4), bucket 3 (0)             = 4
 *   row 2 [4, 8 u):     bucket 5 (1) + 7 (2)                   = 3
 *   row 3 [8, 16 u):    bucket 15 (5)                          = 5
 *   row 4 [16, 32 u):   octave 0, buckets 16 (10) + 31 (2)     = 12
 *   row 5 [32, 64 u):   octave 1, bucket 40 (3)                = 3
 *   row 6 [64, 128 u):  octave 2, nothing                      = 0
 *   row 7 [128, 256 u): octave 3, bucket 16 + 48 + 15 = 79 (1) = 1
 *   row 24: octave 20, the last bucket 351 (7)                 = 7
 */
static void fill_example(struct target_hists *s)
{
	memset(s, 0, sizeof(*s));
	s->hist[0] = 1;
	s->hist[1] = 2;
	s->hist[2] = 4;
	s->hist[5] = 1;
	s->hist[7] = 2;
	s->hist[15] = 5;
	s->hist[16] = 10;
	s->hist[31] = 2;
	s->hist[40] = 3;
	s->hist[79] = 1;
	s->hist[351] = 7;
}

static void test_fold(void **state)
{
	static const uint64_t want[HIST_ROWS] = { 3, 4, 3, 5, 12, 3, 0, 1, [24] = 7 };
	struct target_hists s;
	uint64_t rows[HIST_ROWS];

	(void)state;
	assert_int_equal(HIST_ROWS, 25);
	fill_example(&s);
	assert_int_equal(hist_fold(&s, rows), 1 + 2 + 4 + 1 + 2 + 5 + 10 + 2 + 3 + 1 + 7);
	for (int r = 0; r < HIST_ROWS; r++)
		assert_int_equal(rows[r], want[r]);
}

static void test_rows_of_buckets(void **state)
{
	(void)state;
	assert_int_equal(hist_row_of_bucket(0), 0);
	assert_int_equal(hist_row_of_bucket(1), 0);
	assert_int_equal(hist_row_of_bucket(2), 1);
	assert_int_equal(hist_row_of_bucket(3), 1);
	assert_int_equal(hist_row_of_bucket(4), 2);
	assert_int_equal(hist_row_of_bucket(7), 2);
	assert_int_equal(hist_row_of_bucket(8), 3);
	assert_int_equal(hist_row_of_bucket(15), 3);
	assert_int_equal(hist_row_of_bucket(16), 4);
	assert_int_equal(hist_row_of_bucket(31), 4);
	assert_int_equal(hist_row_of_bucket(32), 5);
	assert_int_equal(hist_row_of_bucket(335), 23);
	assert_int_equal(hist_row_of_bucket(336), 24);
	assert_int_equal(hist_row_of_bucket(351), 24);

	assert_int_equal(hist_row_lower_ns(0), 0);
	assert_int_equal(hist_row_lower_ns(1), 2048);
	assert_int_equal(hist_row_lower_ns(2), 4096);
	assert_int_equal(hist_row_lower_ns(4), 16384);
	assert_int_equal(hist_row_lower_ns(5), 32768);
	assert_int_equal(hist_row_lower_ns(24), 17179869184ull);
}

/* Every RTT lands in the row whose printed bounds hold it (the fold is exact). */
static void test_rows_hold_their_values(void **state)
{
	(void)state;
	for (uint64_t v = 0; v < (1ull << 35); v = v < 4096 ? v + 1 : v + v / 97 + 1) {
		int r = hist_row_of_bucket(icmpmon_hist_bucket(v));

		assert_true(v >= hist_row_lower_ns(r));
		if (r < HIST_ROWS - 1)
			assert_true(v < hist_row_lower_ns(r + 1));
	}
	/* beyond the range: the last bucket, the last row */
	assert_int_equal(hist_row_of_bucket(icmpmon_hist_bucket(1ull << 40)), HIST_ROWS - 1);
	/* row bounds themselves */
	for (int r = 1; r < HIST_ROWS; r++) {
		assert_int_equal(hist_row_of_bucket(icmpmon_hist_bucket(hist_row_lower_ns(r))), r);
		assert_int_equal(hist_row_of_bucket(icmpmon_hist_bucket(hist_row_lower_ns(r) - 1)), r - 1);
	}
}

/* Rows 4..7 of the example: 12 is the largest count, 40 stars; 3 -> 3*40/12 = 10; 0 -> 0; 1 -> 3. */
static void test_print(void **state)
{
	struct target_hists s;
	struct capture c;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.hist[16] = 10;
	s.hist[31] = 2;
	s.hist[40] = 3;
	s.hist[79] = 1;
	hist_print(cap_open(&c), &s);
	cap_expect(&c,
		"       usecs                 : count    distribution\n"
		"      16.384 -> 32.767       : 12       |****************************************|\n"
		"      32.768 -> 65.535       : 3        |**********                              |\n"
		"      65.536 -> 131.071      : 0        |                                        |\n"
		"     131.072 -> 262.143      : 1        |***                                     |\n");
}

static void test_print_ends(void **state)
{
	struct target_hists s;
	struct capture c;

	(void)state;
	/* empty: nothing at all */
	memset(&s, 0, sizeof(s));
	hist_print(cap_open(&c), &s);
	cap_expect(&c, "");

	/* the first row starts at 0; the last row is open-ended */
	memset(&s, 0, sizeof(s));
	s.hist[1] = 4;
	s.hist[351] = 2;
	hist_print(cap_open(&c), &s);
	fclose(c.f);
	assert_non_null(strstr(c.buf, "\n       0.000 -> 2.047        : 4        |****************************************|\n"));
	assert_non_null(strstr(c.buf, "\n       2.048 -> 4.095        : 0        |"));
	assert_non_null(strstr(c.buf, "\n17179869.184 -> inf          : 2        |********************                    |\n"));
	/* rows 0..24: a header and 25 lines */
	{
		int lines = 0;

		for (char *p = c.buf; *p; p++)
			lines += *p == '\n';
		assert_int_equal(lines, 1 + HIST_ROWS);
	}
	free(c.buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_rows_of_buckets),
		cmocka_unit_test(test_rows_hold_their_values),
		cmocka_unit_test(test_print),
		cmocka_unit_test(test_print_ends),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
