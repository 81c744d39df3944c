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

#include "capture.h"

#include "output/json.h"


static void expect_str(const char *in, const char *want)
{
	struct capture c;

	json_str(cap_open(&c), in);
	cap_expect(&c, want);
}

static void test_plain(void **state)
{
	(void)state;
	expect_str("", "\"\"");
	expect_str("10.0.0.1", "\"10.0.0.1\"");
	expect_str("host-1.example.org", "\"host-1.example.org\"");
	expect_str(NULL, "null");
}

static void test_quote_backslash(void **state)
{
	(void)state;
	expect_str("a\"b", "\"a\\\"b\"");
	expect_str("a\\b", "\"a\\\\b\"");
	expect_str("\\\"", "\"\\\\\\\"\"");
	expect_str("/", "\"/\""); /* '/' may stay as it is */
}

static void test_control(void **state)
{
	(void)state;
	expect_str("\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\"");
	expect_str("\x01", "\"\\u0001\"");
	expect_str("a\x1f" "b", "\"a\\u001fb\"");
	expect_str("\x1b[31m", "\"\\u001b[31m\"");
	expect_str("\x7f", "\"\\u007f\"");
}

static void test_utf8(void **state)
{
	(void)state;
	/* well-formed sequences of 2, 3 and 4 bytes pass through unchanged */
	expect_str("caf\xc3\xa9", "\"caf\xc3\xa9\"");                 /* é */
	expect_str("\xe2\x82\xac" "5", "\"\xe2\x82\xac" "5\"");        /* € */
	expect_str("\xe6\x97\xa5\xe6\x9c\xac", "\"\xe6\x97\xa5\xe6\x9c\xac\""); /* 日本 */
	expect_str("\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"");        /* U+1F600 */
	expect_str("\xef\xbf\xbf", "\"\xef\xbf\xbf\"");                /* U+FFFF */
	expect_str("\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\"");        /* U+10FFFF */
}

static void test_bad_utf8(void **state)
{
	(void)state;
	expect_str("\xff", "\"\\ufffd\"");
	expect_str("a\x80z", "\"a\\ufffdz\"");                         /* lone continuation */
	expect_str("\xc0\xaf", "\"\\ufffd\\ufffd\"");                  /* overlong '/' */
	expect_str("\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\"");       /* overlong */
	expect_str("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");       /* surrogate U+D800 */
	expect_str("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\""); /* above U+10FFFF */
	expect_str("\xc3", "\"\\ufffd\"");                             /* truncated at the end */
	expect_str("\xe2\x82" "x", "\"\\ufffd\\ufffdx\"");             /* truncated in the middle */
	expect_str("\xc3\"", "\"\\ufffd\\\"\"");                       /* a quote is no continuation */
}

static void expect_num(double v, int dec, const char *want)
{
	struct capture c;

	json_num(cap_open(&c), v, dec);
	cap_expect(&c, want);
}

static void test_numbers(void **state)
{
	struct capture c;

	(void)state;
	expect_num(0, 3, "0");
	expect_num(20, 3, "20");
	expect_num(0.5, 3, "0.5");
	expect_num(33.333333, 3, "33.333");
	expect_num(100, 3, "100");
	expect_num(-0.0001, 3, "0");
	expect_num(-2.5, 3, "-2.5");
	expect_num(12345678.9, 0, "12345679");
	expect_num(NAN, 3, "null");
	expect_num(INFINITY, 3, "null");

	json_ms(cap_open(&c), 0);
	cap_expect(&c, "0");
	json_ms(cap_open(&c), 31330);
	cap_expect(&c, "0.03133");
	json_ms(cap_open(&c), 1);
	cap_expect(&c, "0.000001");
	json_ms(cap_open(&c), 1000000);
	cap_expect(&c, "1");
	json_ms(cap_open(&c), 1234567890123ull);
	cap_expect(&c, "1234567.890123");
}

static void test_rfc3339(void **state)
{
	char buf[JSON_TS_LEN];
	struct capture c;

	(void)state;
	/* date -u -d @1700000000 +%FT%T -> 2023-11-14T22:13:20 */
	assert_string_equal(json_rfc3339(buf, sizeof(buf), 1700000000123456789ull),
			    "2023-11-14T22:13:20.123456Z");
	assert_int_equal(strlen(buf), JSON_TS_LEN - 1);
	assert_string_equal(json_rfc3339(buf, sizeof(buf), 0), "1970-01-01T00:00:00.000000Z");
	/* a leap day; sub-microsecond nanoseconds are truncated, not rounded */
	assert_string_equal(json_rfc3339(buf, sizeof(buf), 951782400000000999ull), "2000-02-29T00:00:00.000000Z");
	assert_string_equal(json_rfc3339(buf, sizeof(buf), 4102444799999999999ull), "2099-12-31T23:59:59.999999Z");
	json_ts(cap_open(&c), 1700000000000001000ull);
	cap_expect(&c, "\"2023-11-14T22:13:20.000001Z\"");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_quote_backslash),
		cmocka_unit_test(test_control),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_bad_utf8),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_rfc3339),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
