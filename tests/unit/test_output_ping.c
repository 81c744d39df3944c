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

#include "output/ping.h"

/* Output captured from one printer call. */

static void test_header(void **state)
{
	struct capture c;

	(void)state;
	ping_print_header(cap_open(&c), "127.0.0.1", "127.0.0.1", NULL, NULL, 56, 84);
	cap_expect(&c, "PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.\n");
	ping_print_header(cap_open(&c), "localhost", "127.0.0.1", NULL, NULL, 8, 36);
	cap_expect(&c, "PING localhost (127.0.0.1) 8(36) bytes of data.\n");
	/* ping6: no space before "(", the address through pr_addr, payload only */
	ping_print_header6(cap_open(&c), "localhost", "localhost (::1)", NULL, NULL, 56);
	cap_expect(&c, "PING localhost(localhost (::1)) 56 data bytes\n");
	ping_print_header6(cap_open(&c), "::1", "::1", NULL, NULL, 56);
	cap_expect(&c, "PING ::1(::1) 56 data bytes\n");
	/* ping -I ADDR (no device) and ping -I IFACE, byte for byte as iputils prints them */
	ping_print_header(cap_open(&c), "10.0.0.2", "10.0.0.2", "10.0.0.1", NULL, 56, 84);
	cap_expect(&c, "PING 10.0.0.2 (10.0.0.2) from 10.0.0.1 : 56(84) bytes of data.\n");
	ping_print_header(cap_open(&c), "10.0.0.2", "10.0.0.2", "10.0.0.1", "va", 56, 84);
	cap_expect(&c, "PING 10.0.0.2 (10.0.0.2) from 10.0.0.1 va: 56(84) bytes of data.\n");
	ping_print_header6(cap_open(&c), "fd00::2", "fd00::2", "fd00::1", NULL, 56);
	cap_expect(&c, "PING fd00::2(fd00::2) from fd00::1 : 56 data bytes\n");
}

static void test_format_from(void **state)
{
	char b[64];

	(void)state;
	assert_string_equal(ping_format_from(b, sizeof(b), "localhost", "127.0.0.1"),
			    "localhost (127.0.0.1)");
	assert_string_equal(ping_format_from(b, sizeof(b), NULL, "127.0.0.1"), "127.0.0.1");
	assert_string_equal(ping_format_from(b, sizeof(b), "", "127.0.0.1"), "127.0.0.1");
	/* a failed reverse lookup hands ping the numeric form as the name */
	assert_string_equal(ping_format_from(b, sizeof(b), "192.0.2.1", "192.0.2.1"),
			    "192.0.2.1 (192.0.2.1)");
}

static void expect_time(__u64 rtt_ns, const char *want_time)
{
	struct ping_reply_line r = {
		.bytes = 64, .from = "127.0.0.1", .seq = 1, .ttl = 64,
		.timing = 1, .rtt_ns = rtt_ns,
	};
	char want[128];
	struct capture c;

	snprintf(want, sizeof(want), "64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=%s ms\n",
		 want_time);
	ping_print_reply(cap_open(&c), &r);
	cap_expect(&c, want);
}

/*
 * ping on triptime t (us): t < 1000: t/1000 "." t%1000 (3 digits, truncated);
 * t < 9995: (t+5)/1000 "." (t+5)%1000/10; t < 99950: (t+50)/1000 "."
 * (t+50)%1000/100; else (t+500)/1000.
 */
static void test_reply_time_decimals(void **state)
{
	(void)state;
	expect_time(0, "0.000");
	expect_time(999, "0.000");          /* below 1 us */
	expect_time(45000, "0.045");
	expect_time(999999, "0.999");       /* 999 us, never rounded up */
	expect_time(1000000, "1.00");
	expect_time(1004999, "1.00");       /* 1004 us: 1009 -> 1.00 */
	expect_time(1005000, "1.01");       /* 1005 us: 1010 -> 1.01 */
	expect_time(1995000, "2.00");
	expect_time(9994000, "9.99");       /* 9999 -> 9.99 */
	expect_time(9994999, "9.99");
	expect_time(9995000, "10.0");       /* 10045 -> 10.0 */
	expect_time(12349000, "12.3");      /* 12399 */
	expect_time(12350000, "12.4");      /* 12400 */
	expect_time(99949000, "99.9");      /* 99999 */
	expect_time(99950000, "100");       /* 100450 */
	expect_time(100499000, "100");      /* 100999 */
	expect_time(100500000, "101");
	expect_time(1234567000, "1235");
}

static void test_reply_variants(void **state)
{
	struct ping_reply_line r = {
		.bytes = 64, .from = "127.0.0.1", .seq = 2, .ttl = 64,
		.timing = 1, .rtt_ns = 45000, .dup = 1,
	};
	struct timespec ts = { 1795305423, 789824999 };
	struct timespec ts_small = { 5, 7000 };
	struct capture c;

	(void)state;
	ping_print_reply(cap_open(&c), &r);
	cap_expect(&c, "64 bytes from 127.0.0.1: icmp_seq=2 ttl=64 time=0.045 ms (DUP!)\n");

	r.dup = 0;
	r.stamp = &ts;
	ping_print_reply(cap_open(&c), &r);
	cap_expect(&c, "[1795305423.789824] 64 bytes from 127.0.0.1: icmp_seq=2 ttl=64 time=0.045 ms\n");

	r.stamp = &ts_small;
	ping_print_reply(cap_open(&c), &r);
	cap_expect(&c, "[5.000007] 64 bytes from 127.0.0.1: icmp_seq=2 ttl=64 time=0.045 ms\n");

	r.stamp = NULL;
	r.from = "localhost (127.0.0.1)";
	r.seq = 65535;
	r.ttl = -1;
	ping_print_reply(cap_open(&c), &r);
	cap_expect(&c, "64 bytes from localhost (127.0.0.1): icmp_seq=65535 time=0.045 ms\n");

	/* -s 8: no room for a timestamp, no time= (as the real ping prints) */
	r.from = "127.0.0.1";
	r.bytes = 16;
	r.seq = 1;
	r.ttl = 64;
	r.timing = 0;
	ping_print_reply(cap_open(&c), &r);
	cap_expect(&c, "16 bytes from 127.0.0.1: icmp_seq=1 ttl=64\n");

	/* -a: the bell before the newline, as the real ping -a prints it */
	r.bytes = 64;
	r.timing = 1;
	r.bell = 1;
	ping_print_reply(cap_open(&c), &r);
	cap_expect(&c, "64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=0.045 ms\a\n");
}

static void test_summary_plain(void **state)
{
	struct ping_rtt rtt = { 55, 58, 64, 3 };
	struct ping_summary s = {
		.host = "127.0.0.1", .transmitted = 3, .received = 3,
		.elapsed_ns = 404400000, .rtt = &rtt,
	};
	struct capture c;

	(void)state;
	/* as printed by the real ping -c 3 -i 0.2 127.0.0.1 */
	ping_print_summary(cap_open(&c), &s);
	cap_expect(&c, "\n--- 127.0.0.1 ping statistics ---\n"
		       "3 packets transmitted, 3 received, 0% packet loss, time 404ms\n"
		       "rtt min/avg/max/mdev = 0.055/0.058/0.064/0.003 ms\n");

	/* time rounds to the nearest ms */
	s.elapsed_ns = 404500000;
	ping_print_summary(cap_open(&c), &s);
	cap_expect(&c, "\n--- 127.0.0.1 ping statistics ---\n"
		       "3 packets transmitted, 3 received, 0% packet loss, time 405ms\n"
		       "rtt min/avg/max/mdev = 0.055/0.058/0.064/0.003 ms\n");
}

static void test_summary_dups_loss(void **state)
{
	struct ping_rtt rtt = { 12345, 1045309, 5000000, 1977961 };
	struct ping_summary s = {
		.host = "example", .transmitted = 3, .received = 2, .duplicates = 2,
		.elapsed_ns = 2003000000, .rtt = &rtt,
	};
	struct capture c;

	(void)state;
	ping_print_summary(cap_open(&c), &s);
	cap_expect(&c, "\n--- example ping statistics ---\n"
		       "3 packets transmitted, 2 received, +2 duplicates, 33.3333% packet loss, time 2003ms\n"
		       "rtt min/avg/max/mdev = 12.345/1045.309/5000.000/1977.961 ms\n");

	/* the loss goes through a float: 2300/31 prints as 74.1936 */
	s.transmitted = 31;
	s.received = 8;
	s.duplicates = 0;
	s.corrupted = 1;
	ping_print_summary(cap_open(&c), &s);
	cap_expect(&c, "\n--- example ping statistics ---\n"
		       "31 packets transmitted, 8 received, +1 corrupted, 74.1936% packet loss, time 2003ms\n"
		       "rtt min/avg/max/mdev = 12.345/1045.309/5000.000/1977.961 ms\n");
}

/* No rtt line: ping still ends the block with a newline, i.e. a blank line. */
static void test_summary_total_loss(void **state)
{
	struct ping_summary s = {
		.host = "192.0.2.1", .transmitted = 3, .elapsed_ns = 2031000000,
	};
	struct ping_rtt rtt = { 1, 1, 1, 0 };
	struct capture c;

	(void)state;
	ping_print_summary(cap_open(&c), &s);
	cap_expect(&c, "\n--- 192.0.2.1 ping statistics ---\n"
		       "3 packets transmitted, 0 received, 100% packet loss, time 2031ms\n\n");

	/* an rtt without first replies is not printed either */
	s.rtt = &rtt;
	s.errors = 3;
	s.transmitted = 5;
	s.elapsed_ns = 4006000000;
	ping_print_summary(cap_open(&c), &s);
	cap_expect(&c, "\n--- 192.0.2.1 ping statistics ---\n"
		       "5 packets transmitted, 0 received, +3 errors, 100% packet loss, time 4006ms\n\n");

	/* nothing sent: no loss, no time */
	memset(&s, 0, sizeof(s));
	s.host = "h";
	ping_print_summary(cap_open(&c), &s);
	cap_expect(&c, "\n--- h ping statistics ---\n0 packets transmitted, 0 received\n\n");
}

static void test_summary_no_timing(void **state)
{
	struct ping_summary s = {
		.host = "127.0.0.1", .transmitted = 2, .received = 2, .elapsed_ns = 204000000,
	};
	struct capture c;

	(void)state;
	/* the real ping -c 2 -i 0.2 -s 8 127.0.0.1 */
	ping_print_summary(cap_open(&c), &s);
	cap_expect(&c, "\n--- 127.0.0.1 ping statistics ---\n"
		       "2 packets transmitted, 2 received, 0% packet loss, time 204ms\n\n");
}

/*
 * Flood/adaptive extras. ipg = elapsed us / (transmitted - 1); ewma printed
 * as ewma8/8000 "." (ewma8/8)%1000. The first two from the real ping -f / -A.
 */
static void test_summary_ipg_ewma(void **state)
{
	struct ping_rtt rtt = { 9, 24, 81, 28 };
	struct ping_summary s = {
		.host = "127.0.0.1", .transmitted = 5, .received = 5, .elapsed_ns = 240999,
		.rtt = &rtt, .ipg_ewma = 1, .ewma8 = 416,
	};
	struct ping_rtt rtt2 = { 8, 13, 20, 5 };
	struct capture c;

	(void)state;
	ping_print_summary(cap_open(&c), &s);
	cap_expect(&c, "\n--- 127.0.0.1 ping statistics ---\n"
		       "5 packets transmitted, 5 received, 0% packet loss, time 0ms\n"
		       "rtt min/avg/max/mdev = 0.009/0.024/0.081/0.028 ms, ipg/ewma 0.060/0.052 ms\n");

	s.transmitted = s.received = 3;
	s.elapsed_ns = 114000;
	s.rtt = &rtt2;
	s.ewma8 = 141;
	ping_print_summary(cap_open(&c), &s);
	cap_expect(&c, "\n--- 127.0.0.1 ping statistics ---\n"
		       "3 packets transmitted, 3 received, 0% packet loss, time 0ms\n"
		       "rtt min/avg/max/mdev = 0.008/0.013/0.020/0.005 ms, ipg/ewma 0.057/0.017 ms\n");

	/* pipe sits between; without rtt the first extra has no leading comma */
	s.pipe = 2;
	ping_print_summary(cap_open(&c), &s);
	cap_expect(&c, "\n--- 127.0.0.1 ping statistics ---\n"
		       "3 packets transmitted, 3 received, 0% packet loss, time 0ms\n"
		       "rtt min/avg/max/mdev = 0.008/0.013/0.020/0.005 ms, pipe 2, ipg/ewma 0.057/0.017 ms\n");
	s.rtt = NULL;
	s.pipe = 0;
	s.elapsed_ns = 2 * 1234567000ULL;
	s.ewma8 = 8 * 12345;
	ping_print_summary(cap_open(&c), &s);
	cap_expect(&c, "\n--- 127.0.0.1 ping statistics ---\n"
		       "3 packets transmitted, 3 received, 0% packet loss, time 2469ms\n"
		       "ipg/ewma 1234.567/12.345 ms\n");

	/* a single probe has no inter-packet gap */
	s.transmitted = s.received = 1;
	ping_print_summary(cap_open(&c), &s);
	cap_expect(&c, "\n--- 127.0.0.1 ping statistics ---\n"
		       "1 packets transmitted, 1 received, 0% packet loss, time 2469ms\n\n");
}

static void test_status(void **state)
{
	struct ping_rtt rtt = { 33, 49, 67, 0 };
	struct ping_status s = { .transmitted = 3, .received = 3, .rtt = &rtt, .ewma8 = 312 };
	struct capture c;

	(void)state;
	/* SIGQUIT to the real ping -i 0.2 127.0.0.1 */
	ping_print_status(cap_open(&c), &s);
	cap_expect(&c, "\r3/3 packets, 0% loss, min/avg/ewma/max = 0.033/0.049/0.039/0.067 ms\n");

	/* loss is an integer here, truncated: 100/3 -> 33 */
	s.received = 2;
	ping_print_status(cap_open(&c), &s);
	cap_expect(&c, "\r2/3 packets, 33% loss, min/avg/ewma/max = 0.033/0.049/0.039/0.067 ms\n");

	/* 200/3 -> 66, not 67 (real ping: 1 of 3 replies, then SIGQUIT) */
	s.received = 1;
	ping_print_status(cap_open(&c), &s);
	cap_expect(&c, "\r1/3 packets, 66% loss, min/avg/ewma/max = 0.033/0.049/0.039/0.067 ms\n");

	s.received = 0;
	ping_print_status(cap_open(&c), &s);
	cap_expect(&c, "\r0/3 packets, 100% loss\n");

	s.transmitted = 0;
	ping_print_status(cap_open(&c), &s);
	cap_expect(&c, "\r0/0 packets, 0% loss\n");
}

/* From our own counters through stats_ping_rtt to the rtt line. */
static void test_summary_from_stats(void **state)
{
	static const __u64 rtt_ns[] = { 64100, 57900, 55000 };
	struct target_stats t;
	struct target_hists h;
	struct ping_rtt rtt;
	struct ping_summary s = { .host = "localhost", .elapsed_ns = 203000000, .rtt = &rtt };
	struct capture c;

	(void)state;
	memset(&t, 0, sizeof(t));
	memset(&h, 0, sizeof(h));
	for (int i = 0; i < 3; i++)
		stats_add_rtt(&t, &h, rtt_ns[i], 0);
	assert_int_equal(stats_ping_rtt(&t, &rtt), 1);
	s.transmitted = 4;
	s.received = t.received;
	ping_print_summary(cap_open(&c), &s);
	cap_expect(&c, "\n--- localhost ping statistics ---\n"
		       "4 packets transmitted, 3 received, 25% packet loss, time 203ms\n"
		       "rtt min/avg/max/mdev = 0.055/0.058/0.064/0.003 ms\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_format_from),
		cmocka_unit_test(test_reply_time_decimals),
		cmocka_unit_test(test_reply_variants),
		cmocka_unit_test(test_summary_plain),
		cmocka_unit_test(test_summary_dups_loss),
		cmocka_unit_test(test_summary_total_loss),
		cmocka_unit_test(test_summary_no_timing),
		cmocka_unit_test(test_summary_ipg_ewma),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_summary_from_stats),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
