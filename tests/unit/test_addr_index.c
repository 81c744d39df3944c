// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Address -> index table: put/get, first index wins, absent, size, families. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "engine/addr_index.h"

static struct icmpmon_addr v4(uint32_t host_order)
{
	struct icmpmon_addr a;

	memset(&a, 0, sizeof(a));
	a.family = ICMPMON_AF_INET;
	a.addr[0] = htonl(host_order);
	return a;
}

static struct icmpmon_addr v6(uint32_t w0, uint32_t w1, uint32_t w2, uint32_t w3)
{
	struct icmpmon_addr a;

	a.family = ICMPMON_AF_INET6;
	a.addr[0] = w0;
	a.addr[1] = w1;
	a.addr[2] = w2;
	a.addr[3] = w3;
	return a;
}

static void test_put_get(void **state)
{
	struct addr_index ai;
	struct icmpmon_addr a = v4(0x0a010203), b = v4(0x0a010204), c = v4(0x7f000001);

	(void)state;
	assert_int_equal(addr_index_init(&ai, 4), 0);
	assert_non_null(ai.slots);
	assert_int_equal(ai.used, 0);
	assert_int_equal(addr_index_get(&ai, &a), UINT32_MAX);

	assert_int_equal(addr_index_put(&ai, &a, 0), 0);
	assert_int_equal(addr_index_put(&ai, &b, 1), 1);
	assert_int_equal(ai.used, 2);
	assert_int_equal(addr_index_get(&ai, &a), 0);
	assert_int_equal(addr_index_get(&ai, &b), 1);
	assert_int_equal(addr_index_get(&ai, &c), UINT32_MAX);

	/* A repeat keeps, and returns, the first index. */
	assert_int_equal(addr_index_put(&ai, &a, 7), 0);
	assert_int_equal(addr_index_put(&ai, &b, 0), 1);
	assert_int_equal(ai.used, 2);
	assert_int_equal(addr_index_get(&ai, &a), 0);

	/* Index values are kept as given, not renumbered. */
	assert_int_equal(addr_index_put(&ai, &c, 123456), 123456);
	assert_int_equal(addr_index_get(&ai, &c), 123456);
	assert_int_equal(ai.used, 3);

	addr_index_free(&ai);
	assert_null(ai.slots);
	addr_index_free(&ai); /* twice is harmless */
}

/* The table holds at least twice the capacity, a power of two, at least 16. */
static void test_sizing(void **state)
{
	static const uint32_t caps[] = { 0, 1, 7, 8, 9, 100, 1000, 65536, 100000 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		struct addr_index ai;
		uint64_t size;
		uint32_t k;

		assert_int_equal(addr_index_init(&ai, caps[i]), 0);
		size = (uint64_t)ai.mask + 1;
		assert_true(size >= 16);
		assert_true(size >= 2ull * caps[i]);
		assert_int_equal(size & (size - 1), 0);
		/* Fill to capacity (8 when 0): everything is found. */
		for (k = 0; k < (caps[i] ? caps[i] : 8); k++) {
			struct icmpmon_addr a = v4(0xc0000000u + k * 2654435761u);

			addr_index_put(&ai, &a, k);
		}
		for (k = 0; k < (caps[i] ? caps[i] : 8); k++) {
			struct icmpmon_addr a = v4(0xc0000000u + k * 2654435761u);

			assert_int_equal(addr_index_get(&ai, &a), k);
		}
		addr_index_free(&ai);
	}
}

/* 65536 addresses (a /16), then all found, repeats and neighbours checked. */
static void test_many_v4(void **state)
{
	const uint32_t n = 65536, base = 0x0a000000; /* 10.0.0.0/16 */
	struct addr_index ai;
	uint32_t i;

	(void)state;
	assert_int_equal(addr_index_init(&ai, n), 0);
	for (i = 0; i < n; i++) {
		struct icmpmon_addr a = v4(base + i);

		assert_int_equal(addr_index_put(&ai, &a, i), i);
	}
	assert_int_equal(ai.used, n);
	for (i = 0; i < n; i++) {
		struct icmpmon_addr a = v4(base + i);

		assert_int_equal(addr_index_get(&ai, &a), i);
	}
	/* In reverse, as repeats: first index returned, nothing added. */
	for (i = n; i-- > 0;) {
		struct icmpmon_addr a = v4(base + i);

		assert_int_equal(addr_index_put(&ai, &a, n + i), i);
	}
	assert_int_equal(ai.used, n);
	/* The next /16 and the one before are absent. */
	for (i = 0; i < n; i++) {
		struct icmpmon_addr a = v4(base + n + i), b = v4(base - 1 - i);

		assert_int_equal(addr_index_get(&ai, &a), UINT32_MAX);
		assert_int_equal(addr_index_get(&ai, &b), UINT32_MAX);
	}
	addr_index_free(&ai);
}

/* Addresses that differ only in the high bits, or one bit at a time. */
static void test_similar_keys(void **state)
{
	struct addr_index ai;
	uint32_t i;

	(void)state;
	assert_int_equal(addr_index_init(&ai, 64), 0);
	for (i = 0; i < 32; i++) {
		struct icmpmon_addr a = v4(1u << i);

		assert_int_equal(addr_index_put(&ai, &a, i), i);
	}
	{
		struct icmpmon_addr z = v4(0);

		assert_int_equal(addr_index_get(&ai, &z), UINT32_MAX);
		assert_int_equal(addr_index_put(&ai, &z, 99), 99);
	}
	for (i = 0; i < 32; i++) {
		struct icmpmon_addr a = v4(1u << i);

		assert_int_equal(addr_index_get(&ai, &a), i);
	}
	addr_index_free(&ai);
}

/* Same words, different family: different keys. IPv6 keys use all four words. */
static void test_families(void **state)
{
	struct addr_index ai;
	struct icmpmon_addr a4 = v4(0x0a010203);
	struct icmpmon_addr a6 = v6(a4.addr[0], 0, 0, 0);
	struct icmpmon_addr b6 = v6(a4.addr[0], 0, 0, htonl(1));
	struct icmpmon_addr c6 = v6(htonl(0x20010db8), 0, 0, htonl(1));
	struct icmpmon_addr d6 = v6(htonl(0x20010db8), htonl(1), 0, htonl(1));
	struct icmpmon_addr e6 = v6(htonl(0x20010db8), 0, htonl(1), htonl(1));

	(void)state;
	assert_int_equal(addr_index_init(&ai, 8), 0);
	assert_int_equal(addr_index_put(&ai, &a4, 0), 0);
	assert_int_equal(addr_index_get(&ai, &a6), UINT32_MAX);
	assert_int_equal(addr_index_put(&ai, &a6, 1), 1);
	assert_int_equal(addr_index_get(&ai, &a4), 0);
	assert_int_equal(addr_index_get(&ai, &a6), 1);
	assert_int_equal(addr_index_get(&ai, &b6), UINT32_MAX);
	assert_int_equal(addr_index_put(&ai, &b6, 2), 2);
	assert_int_equal(addr_index_put(&ai, &c6, 3), 3);
	assert_int_equal(addr_index_put(&ai, &d6, 4), 4);
	assert_int_equal(addr_index_put(&ai, &e6, 5), 5);
	assert_int_equal(ai.used, 6);
	assert_int_equal(addr_index_get(&ai, &a4), 0);
	assert_int_equal(addr_index_get(&ai, &a6), 1);
	assert_int_equal(addr_index_get(&ai, &b6), 2);
	assert_int_equal(addr_index_get(&ai, &c6), 3);
	assert_int_equal(addr_index_get(&ai, &d6), 4);
	assert_int_equal(addr_index_get(&ai, &e6), 5);
	addr_index_free(&ai);
}

/* Many small tables filled to capacity: probing that wraps past the last slot finds its keys. */
static void test_small_tables(void **state)
{
	unsigned seed = 12345;
	int trial;

	(void)state;
	for (trial = 0; trial < 2000; trial++) {
		struct icmpmon_addr keys[8];
		struct addr_index ai;
		uint32_t i, j;

		assert_int_equal(addr_index_init(&ai, 8), 0);
		assert_int_equal(ai.mask, 15);
		for (i = 0; i < 8; i++) {
			seed = seed * 1103515245u + 12345u;
			keys[i] = v4(seed);
			for (j = 0; j < i; j++)
				if (!memcmp(&keys[i], &keys[j], sizeof(keys[i])))
					break;
			assert_int_equal(addr_index_put(&ai, &keys[i], i), j < i ? j : i);
		}
		for (i = 0; i < 8; i++) {
			uint32_t got = addr_index_get(&ai, &keys[i]);

			assert_int_not_equal(got, UINT32_MAX);
			assert_memory_equal(&keys[got], &keys[i], sizeof(keys[i]));
		}
		addr_index_free(&ai);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_get),
		cmocka_unit_test(test_sizing),
		cmocka_unit_test(test_many_v4),
		cmocka_unit_test(test_similar_keys),
		cmocka_unit_test(test_families),
		cmocka_unit_test(test_small_tables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
