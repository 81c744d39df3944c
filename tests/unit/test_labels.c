// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Target labels: validation, canonical form, walking (src/util/labels.c) and targets files with labels. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "engine/target_source.h"
#include "util/labels.h"

static void test_canonical(void **state)
{
	char err[256], *out, buf[32];

	(void)state;
	assert_int_equal(labels_parse("  dc=ams\track=r12   role=db \n", &out, err, sizeof(err)), 0);
	assert_string_equal(out, "dc=ams rack=r12 role=db");
	assert_string_equal(labels_value(out, "rack", buf, sizeof(buf)), "r12");
	assert_string_equal(labels_value(out, "zone", buf, sizeof(buf)), "");
	free(out);
	assert_int_equal(labels_parse(" \t\n", &out, err, sizeof(err)), 0);
	assert_null(out);
	assert_int_equal(labels_parse("v=a=b", &out, err, sizeof(err)), 0);
	assert_string_equal(labels_value(out, "v", buf, sizeof(buf)), "a=b");
	free(out);
}

static void test_refused(void **state)
{
	static const struct {
		const char *in, *why;
	} bad[] = {
		{ "dc", "expected name=value" },
		{ "9dc=x", "a name is" },
		{ "d-c=x", "a name is" },
		{ "=x", "a name is" },
		{ "__name__=x", "reserved" },
		{ "target=x", "reserved" },
		{ "host=x", "reserved" },
		{ "interface=x", "reserved" },
		{ "le=1", "reserved" },
		{ "dc=", "empty value" },
		{ "dc=a dc=b", "given twice" },
		{ "a=1 b=1 c=1 d=1 e=1 f=1 g=1 h=1 i=1 j=1 k=1 l=1 m=1 n=1 o=1 p=1 q=1", "more than 16" },
	};
	char err[256], *out;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		out = (char *)1;
		err[0] = 0;
		if (labels_parse(bad[i].in, &out, err, sizeof(err)) != -1)
			fail_msg("accepted '%s'", bad[i].in);
		assert_null(out);
		if (!strstr(err, bad[i].why))
			fail_msg("'%s': error '%s' lacks '%s'", bad[i].in, err, bad[i].why);
		assert_null(strchr(err, '\n'));
	}
}

static void test_walk(void **state)
{
	const char *pos = "a=1 bb=22", *n, *v;
	size_t nl, vl;

	(void)state;
	assert_int_equal(labels_next(&pos, &n, &nl, &v, &vl), 1);
	assert_int_equal(nl, 1);
	assert_memory_equal(v, "1", 1);
	assert_int_equal(labels_next(&pos, &n, &nl, &v, &vl), 1);
	assert_int_equal(nl, 2);
	assert_int_equal(vl, 2);
	assert_memory_equal(n, "bb", 2);
	assert_int_equal(labels_next(&pos, &n, &nl, &v, &vl), 0);
	pos = NULL;
	assert_int_equal(labels_next(&pos, &n, &nl, &v, &vl), 0);
}

static void test_targets_file(void **state)
{
	const char *text = "# fleet\n10.0.0.7 dc=ams rack=r12 # the db\n10.0.0.8\n\n10.0.0.9 dc=fra\n";
	struct name_list l = { 0 };
	char err[256];
	FILE *in;

	(void)state;
	in = fmemopen((void *)text, strlen(text), "r");
	assert_non_null(in);
	assert_int_equal(target_source_stream(&l, in, "t.txt", err, sizeof(err)), 0);
	fclose(in);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[0], "10.0.0.7");
	assert_string_equal(l.labels[0], "dc=ams rack=r12");
	assert_null(l.labels[1]);
	assert_string_equal(l.labels[2], "dc=fra");
	name_list_free(&l);

	text = "10.0.0.7 dc=ams\n10.0.0.8 dc=ams dc=fra\n";
	in = fmemopen((void *)text, strlen(text), "r");
	assert_int_equal(target_source_stream(&l, in, "t.txt", err, sizeof(err)), -1);
	fclose(in);
	assert_string_equal(err, "t.txt:2: label 'dc' given twice");
	name_list_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_canonical),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_walk),
		cmocka_unit_test(test_targets_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
