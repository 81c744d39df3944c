// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The answered-probe map's size: each CPU's LRU list holds what the whole map once held, on up to 4 CPUs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "kernel/loader.h"

static void test_one_share_per_cpu(void **state)
{
	(void)state;
	assert_int_equal(answer_map_entries(64, 1), 64);
	assert_int_equal(answer_map_entries(64, 2), 128);
	assert_int_equal(answer_map_entries(65536, 2), 131072);
	assert_int_equal(answer_map_entries(1000, 4), 4000);
}

/* Beyond ANSWER_CPU_SHARES CPUs the map stops growing: each CPU's share shrinks instead. */
static void test_many_cpus(void **state)
{
	(void)state;
	assert_int_equal(answer_map_entries(1000, 5), 1000 * ANSWER_CPU_SHARES);
	assert_int_equal(answer_map_entries(1000, 128), 1000 * ANSWER_CPU_SHARES);
}

static void test_no_cpu_count(void **state)
{
	(void)state;
	/* libbpf_num_possible_cpus() < 0: one share, as the map had before */
	assert_int_equal(answer_map_entries(500, -1), 500);
	assert_int_equal(answer_map_entries(500, 0), 500);
}

static void test_capped(void **state)
{
	(void)state;
	assert_int_equal(answer_map_entries(1u << 21, 4), ANSWER_MAX_ENTRIES);
	assert_int_equal(answer_map_entries(ANSWER_MAX_ENTRIES, 2), ANSWER_MAX_ENTRIES);
	/* a map asked larger than the cap keeps its own size: never smaller than one share */
	assert_int_equal(answer_map_entries(ANSWER_MAX_ENTRIES + 7, 64), ANSWER_MAX_ENTRIES + 7);
	assert_int_equal(answer_map_entries(0xffffffffu, 64), 0xffffffffu);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_share_per_cpu),
		cmocka_unit_test(test_many_cpus),
		cmocka_unit_test(test_no_cpu_count),
		cmocka_unit_test(test_capped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
