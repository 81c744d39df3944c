// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "util/checksum.h"

/* RFC 1071 section 3: 0001 + f203 + f4f5 + f6f7 = 2ddf0 -> ddf2 -> ~ = 220d */
static void test_rfc1071_example(void **state)
{
	static const unsigned char b[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };

	(void)state;
	assert_int_equal(ntohs(inet_checksum(b, sizeof(b))), 0x220d);
}

/* Echo request, type 8, id 1, seq 1: 0800 + 0001 + 0001 = 0802 -> f7fd */
static void test_echo_header(void **state)
{
	static const unsigned char b[] = { 0x08, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01 };

	(void)state;
	assert_int_equal(ntohs(inet_checksum(b, sizeof(b))), 0xf7fd);
}

/* The odd byte is the high half of a last word: 0001 + f200 = f201 -> 0dfe */
static void test_odd_length(void **state)
{
	static const unsigned char b[] = { 0x00, 0x01, 0xf2 };

	(void)state;
	assert_int_equal(ntohs(inet_checksum(b, sizeof(b))), 0x0dfe);
}

static void test_edge_sums(void **state)
{
	static const unsigned char ones[4] = { 0xff, 0xff, 0xff, 0xff };
	static const unsigned char zeros[6];

	(void)state;
	assert_int_equal(inet_checksum(zeros, 0), 0xffff);
	assert_int_equal(inet_checksum(zeros, sizeof(zeros)), 0xffff);
	/* ffff + ffff = 1fffe -> ffff -> 0000 */
	assert_int_equal(inet_checksum(ones, sizeof(ones)), 0x0000);
}

static uint32_t rng_state = 12345;

static uint32_t rng(void)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return rng_state >> 8;
}

/* A buffer with its checksum stored in it sums to zero, at any alignment. */
static void test_verify_roundtrip(void **state)
{
	unsigned char raw[80];

	(void)state;
	for (int round = 0; round < 200; round++) {
		size_t len = 4 + rng() % 70, off = rng() % 2;
		unsigned char *p = raw + off;
		__u16 cs;

		for (size_t i = 0; i < len; i++)
			p[i] = (unsigned char)rng();
		p[2] = p[3] = 0;
		cs = inet_checksum(p, len);
		memcpy(p + 2, &cs, 2);
		assert_int_equal(inet_checksum(p, len), 0);
	}
}

/* RFC 1624 section 4: HC dd2f, m 5555 -> m' 3285 gives 0000 (eqn. 2 would give ffff). */
static void test_rfc1624_example(void **state)
{
	(void)state;
	assert_int_equal(ntohs(inet_checksum_adjust(htons(0xdd2f), htons(0x5555), htons(0x3285))),
			 0x0000);
}

static void test_adjust_matches_full(void **state)
{
	unsigned char p[64];

	(void)state;
	for (int round = 0; round < 1000; round++) {
		size_t w = 2 + rng() % 30; /* word index past the checksum */
		__u16 cs, old_w, new_w;

		for (size_t i = 0; i < sizeof(p); i++)
			p[i] = (unsigned char)rng();
		p[2] = p[3] = 0;
		cs = inet_checksum(p, sizeof(p));
		memcpy(&old_w, p + 2 * w, 2);
		new_w = (__u16)rng();
		memcpy(p + 2 * w, &new_w, 2);
		assert_int_equal(inet_checksum_adjust(cs, old_w, new_w), inet_checksum(p, sizeof(p)));
	}
}

/* The usual use: bump the echo sequence number in place. */
static void test_adjust_seq(void **state)
{
	unsigned char b[] = { 0x08, 0x00, 0x00, 0x00, 0x12, 0x34, 0x00, 0x01, 'a', 'b' };
	__u16 cs = inet_checksum(b, sizeof(b)), old_w, new_w = htons(2);

	(void)state;
	memcpy(&old_w, b + 6, 2);
	memcpy(b + 6, &new_w, 2);
	assert_int_equal(inet_checksum_adjust(cs, old_w, new_w), inet_checksum(b, sizeof(b)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc1071_example),
		cmocka_unit_test(test_echo_header),
		cmocka_unit_test(test_odd_length),
		cmocka_unit_test(test_edge_sums),
		cmocka_unit_test(test_verify_roundtrip),
		cmocka_unit_test(test_rfc1624_example),
		cmocka_unit_test(test_adjust_matches_full),
		cmocka_unit_test(test_adjust_seq),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
