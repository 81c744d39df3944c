// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * fping 5.1's text formats. The expected strings are worked out by hand from
 * fping.c (sprint_tm, wait_for_reply, print_per_system_stats,
 * print_per_system_splits, print_global_stats) and from real fping 5.1 output.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "capture.h"

#include "output/fping.h"


static void expect_ms(int64_t ns, const char *want)
{
	char buf[FPING_MS_LEN];

	assert_string_equal(fping_format_ms(buf, sizeof(buf), ns), want);
}

/* sprint_tm: 3 decimals below 1 ms, 2 below 10, 1 below 100, none below 10^6, then %.3e. */
static void test_format_ms(void **state)
{
	(void)state;
	expect_ms(0, "0.000");
	expect_ms(45000, "0.045");
	expect_ms(45499, "0.045");
	expect_ms(45600, "0.046");   /* rounded, not truncated as ping does */
	expect_ms(999499, "0.999");
	expect_ms(999600, "1.000");  /* still below 1.0 when classified */
	expect_ms(1000000, "1.00");
	expect_ms(1234567, "1.23");
	expect_ms(9994999, "9.99");
	expect_ms(9996000, "10.00");
	expect_ms(10000000, "10.0");
	expect_ms(12345678, "12.3");
	expect_ms(99940000, "99.9");
	expect_ms(99960000, "100.0");
	expect_ms(100000000, "100");
	expect_ms(123456789, "123");
	expect_ms(2500000000LL, "2500");
	expect_ms(999999499999LL, "999999");
	expect_ms(1000000000000LL, "1.000e+06");
	expect_ms(-1000000, "-1");
	expect_ms(-1500000, "-1.5");
}

static void test_stamp(void **state)
{
	struct capture c;

	(void)state;
	fping_print_stamp(cap_open(&c), 1700000000123456789LL);
	cap_expect(&c, "[1700000000.12346] ");
	fping_print_stamp(cap_open(&c), 1700000000000000000LL);
	cap_expect(&c, "[1700000000.00000] ");
}

static void test_alive_unreachable(void **state)
{
	struct capture c;

	(void)state;
	fping_print_alive(cap_open(&c), "10.0.0.1", 1, 0, 45000);
	cap_expect(&c, "10.0.0.1 is alive\n");
	fping_print_alive(cap_open(&c), "10.0.0.1", 1, 1, 45000);
	cap_expect(&c, "10.0.0.1 is alive (0.045 ms)\n");
	/* -a: the bare name, -e still adds the time */
	fping_print_alive(cap_open(&c), "host.example", 0, 0, 45000);
	cap_expect(&c, "host.example\n");
	fping_print_alive(cap_open(&c), "host.example", 0, 1, 12345678);
	cap_expect(&c, "host.example (12.3 ms)\n");
	fping_print_unreachable(cap_open(&c), "10.0.0.2", 1);
	cap_expect(&c, "10.0.0.2 is unreachable\n");
	fping_print_unreachable(cap_open(&c), "10.0.0.2", 0);
	cap_expect(&c, "10.0.0.2\n");
}

static void test_reply(void **state)
{
	struct fping_counts one = { .sent = 1, .recv = 1, .recv_total = 1, .total_ns = 45000 };
	struct fping_counts lossy = { .sent = 3, .recv = 1, .recv_total = 1, .total_ns = 37000 };
	struct fping_counts third = { .sent = 3, .recv = 2, .recv_total = 2, .total_ns = 100000 };
	struct fping_counts more = { .sent = 2, .recv = 3, .recv_total = 4, .total_ns = 90000 };
	struct fping_counts slow = { .sent = 1, .recv = 1, .recv_total = 1, .total_ns = 3000000000LL };
	struct capture c;

	(void)state;
	fping_print_reply(cap_open(&c), "10.201.0.7", 10, 0, 64, 45000, &one);
	cap_expect(&c, "10.201.0.7 : [0], 64 bytes, 0.045 ms (0.045 avg, 0% loss)\n");
	/* the name is padded to the longest target's */
	fping_print_reply(cap_open(&c), "10.0.0.1", 12, 2, 108, 37000, &lossy);
	cap_expect(&c, "10.0.0.1     : [2], 108 bytes, 0.037 ms (0.037 avg, 66% loss)\n");
	/* integer percentages, truncated: 1 of 3 lost is 33% */
	fping_print_reply(cap_open(&c), "h", 1, 1, 64, 50000, &third);
	cap_expect(&c, "h : [1], 64 bytes, 0.050 ms (0.050 avg, 33% loss)\n");
	/* more replies than probes (loop mode counts duplicates): returns over probes, all replies */
	fping_print_reply(cap_open(&c), "h", 1, 1, 64, 30000, &more);
	cap_expect(&c, "h : [1], 64 bytes, 0.030 ms (0.030 avg, 200% return)\n");
	/* the per-reply average lives in an int of nanoseconds: 3 s wraps, as in fping */
	fping_print_reply(cap_open(&c), "h", 1, 0, 64, 3000000000LL, &slow);
	cap_expect(&c, "h : [0], 64 bytes, 3000 ms (-1.3e+03 avg, 0% loss)\n");
}

static void test_timeout(void **state)
{
	struct fping_counts none = { .sent = 1 };
	struct fping_counts half = { .sent = 2, .recv = 1, .recv_total = 1, .total_ns = 45000 };
	struct fping_counts slow = { .sent = 2, .recv = 1, .recv_total = 1, .total_ns = 3000000000LL };
	struct capture c;

	(void)state;
	fping_print_timeout(cap_open(&c), "10.202.0.9", 10, 0, &none);
	cap_expect(&c, "10.202.0.9 : [0], timed out (NaN avg, 100% loss)\n");
	fping_print_timeout(cap_open(&c), "h", 3, 1, &half);
	cap_expect(&c, "h   : [1], timed out (0.045 avg, 50% loss)\n");
	/* here fping divides in 64 bits */
	fping_print_timeout(cap_open(&c), "h", 1, 1, &slow);
	cap_expect(&c, "h : [1], timed out (3000 avg, 50% loss)\n");
}

static void test_duplicate(void **state)
{
	struct capture c;

	(void)state;
	/* never padded */
	fping_print_duplicate(cap_open(&c), "10.201.0.7", 0, 64, 91000);
	cap_expect(&c, "10.201.0.7 : duplicate for [0], 64 bytes, 0.091 ms\n");
}

static void test_host_stats(void **state)
{
	struct fping_host_stats all = { .sent = 3, .recv = 3, .min_ns = 31000, .max_ns = 51000, .total_ns = 120000 };
	struct fping_host_stats none = { .sent = 3 };
	struct fping_host_stats nothing = { 0 };
	struct fping_host_stats outage = { .sent = 5, .recv = 3, .min_ns = 1500000, .max_ns = 25000000,
					   .total_ns = 30000000, .outage = 1, .period_ns = 1000000000 };
	struct fping_host_stats more = { .sent = 2, .recv = 3, .min_ns = 40000, .max_ns = 50000, .total_ns = 135000 };
	struct fping_host_stats third = { .sent = 3, .recv = 1, .min_ns = 40000, .max_ns = 40000, .total_ns = 40000 };
	struct capture c;

	(void)state;
	fping_print_host_stats(cap_open(&c), "10.201.0.7", 10, &all);
	cap_expect(&c, "10.201.0.7 : xmt/rcv/%loss = 3/3/0%, min/avg/max = 0.031/0.040/0.051\n");
	fping_print_host_stats(cap_open(&c), "10.202.0.9", 10, &none);
	cap_expect(&c, "10.202.0.9 : xmt/rcv/%loss = 3/0/100%\n");
	/* a -Q interval without probes */
	fping_print_host_stats(cap_open(&c), "h", 4, &nothing);
	cap_expect(&c, "h    : xmt/rcv/%loss = 0/0/0%\n");
	/* -o: lost probes times the period; 10 ms average over 3 */
	fping_print_host_stats(cap_open(&c), "h", 1, &outage);
	cap_expect(&c, "h : xmt/rcv/%loss = 5/3/40%, outage(ms) = 2000, min/avg/max = 1.50/10.0/25.0\n");
	fping_print_host_stats(cap_open(&c), "h", 1, &more);
	cap_expect(&c, "h : xmt/rcv/%return = 2/3/150%, min/avg/max = 0.040/0.045/0.050\n");
	/* fping truncates: 200/3 -> 66, not 67 */
	fping_print_host_stats(cap_open(&c), "h", 1, &third);
	cap_expect(&c, "h : xmt/rcv/%loss = 3/1/66%, min/avg/max = 0.040/0.040/0.040\n");
}

static void test_host_rtts(void **state)
{
	const int64_t rtts[] = { 31000, -4, 51000, -3, 1234567 };
	struct capture c;

	(void)state;
	fping_print_host_rtts(cap_open(&c), "10.201.0.7", 10, rtts, 5);
	cap_expect(&c, "10.201.0.7 : 0.031 - 0.051 - 1.23\n");
	fping_print_host_rtts(cap_open(&c), "h", 3, rtts, 0);
	cap_expect(&c, "h   :\n");
}

static void test_split_header(void **state)
{
	struct tm tm = { .tm_hour = 9, .tm_min = 5, .tm_sec = 3 };
	struct capture c;

	(void)state;
	fping_print_split_header(cap_open(&c), &tm);
	cap_expect(&c, "[09:05:03]\n");
}

static void test_global_stats(void **state)
{
	struct fping_global_stats g = {
		.targets = 2, .alive = 1, .unreachable = 1, .unknown = 0,
		.timeouts = 4, .sent = 5, .received = 1, .other_icmp = 0,
		.min_ns = 48000, .max_ns = 48000, .sum_ns = 48000, .replies = 1,
		.elapsed_ns = 4077123456LL,
	};
	struct fping_global_stats empty = { .targets = 1, .unreachable = 1, .unknown = 2, .elapsed_ns = 600000 };
	struct capture c;

	(void)state;
	fping_print_global_stats(cap_open(&c), &g);
	cap_expect(&c,
		   "\n"
		   "       2 targets\n"
		   "       1 alive\n"
		   "       1 unreachable\n"
		   "       0 unknown addresses\n"
		   "\n"
		   "       4 timeouts (waiting for response)\n"
		   "       5 ICMP Echos sent\n"
		   "       1 ICMP Echo Replies received\n"
		   "       0 other ICMP received\n"
		   "\n"
		   " 0.048 ms (min round trip time)\n"
		   " 0.048 ms (avg round trip time)\n"
		   " 0.048 ms (max round trip time)\n"
		   "        4.077 sec (elapsed real time)\n"
		   "\n");
	/* no reply at all: zeros, not a division by zero */
	fping_print_global_stats(cap_open(&c), &empty);
	cap_expect(&c,
		   "\n"
		   "       1 targets\n"
		   "       0 alive\n"
		   "       1 unreachable\n"
		   "       2 unknown addresses\n"
		   "\n"
		   "       0 timeouts (waiting for response)\n"
		   "       0 ICMP Echos sent\n"
		   "       0 ICMP Echo Replies received\n"
		   "       0 other ICMP received\n"
		   "\n"
		   " 0.000 ms (min round trip time)\n"
		   " 0.000 ms (avg round trip time)\n"
		   " 0.000 ms (max round trip time)\n"
		   "        0.001 sec (elapsed real time)\n"
		   "\n");
}

static void test_icmp_errors(void **state)
{
	struct capture c;

	(void)state;
	assert_string_equal(fping_icmp_error_text(3, 0), "ICMP Network Unreachable");
	assert_string_equal(fping_icmp_error_text(3, 1), "ICMP Host Unreachable");
	assert_string_equal(fping_icmp_error_text(3, 13), "ICMP Unreachable (Communication Administratively Prohibited)");
	assert_string_equal(fping_icmp_error_text(3, 15), "ICMP Unreachable (Precedence cutoff in effect)");
	assert_string_equal(fping_icmp_error_text(3, 16), "ICMP Unreachable (Invalid Code)");
	assert_string_equal(fping_icmp_error_text(4, 0), "ICMP Source Quench");
	assert_string_equal(fping_icmp_error_text(5, 1), "ICMP Redirect");
	assert_string_equal(fping_icmp_error_text(11, 0), "ICMP Time Exceeded");
	assert_string_equal(fping_icmp_error_text(12, 0), "ICMP Parameter Problem");
	assert_null(fping_icmp_error_text(0, 0));
	assert_null(fping_icmp_error_text(8, 0));
	assert_null(fping_icmp_error_text(13, 0));
	fping_print_icmp_error(cap_open(&c), "ICMP Host Unreachable", "10.200.0.2", "10.202.0.9");
	cap_expect(&c, "ICMP Host Unreachable from 10.200.0.2 for ICMP Echo sent to 10.202.0.9\n");
}

static void test_reachable(void **state)
{
	struct capture c;

	(void)state;
	fping_print_reachable(cap_open(&c), 1, 1);
	cap_expect(&c, "Enough hosts reachable (required: 1, reachable: 1)\n");
	fping_print_reachable(cap_open(&c), 3, 2);
	cap_expect(&c, "Not enough hosts reachable (required: 3, reachable: 2)\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_ms),
		cmocka_unit_test(test_stamp),
		cmocka_unit_test(test_alive_unreachable),
		cmocka_unit_test(test_reply),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_duplicate),
		cmocka_unit_test(test_host_stats),
		cmocka_unit_test(test_host_rtts),
		cmocka_unit_test(test_split_header),
		cmocka_unit_test(test_global_stats),
		cmocka_unit_test(test_icmp_errors),
		cmocka_unit_test(test_reachable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
