// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* options_parse: table of valid command lines with the config they give, table of bad ones. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "cli/options.h"
#include "util/version.h"

#define MAX_ARGS 16

/* getopt permutes argv, so each parse gets its own writable copy. */
struct argv_copy {
	int argc;
	char *argv[MAX_ARGS + 2];
};

static void argv_make(struct argv_copy *a, const char *const *args)
{
	int i;

	a->argv[0] = strdup("icmpmon");
	for (i = 0; i < MAX_ARGS && args[i]; i++)
		a->argv[i + 1] = strdup(args[i]);
	a->argc = i + 1;
	a->argv[a->argc] = NULL;
	for (i = 0; i < a->argc; i++)
		assert_non_null(a->argv[i]);
}

/* Forgets everything getopt remembers (optind = 0 makes glibc reinitialize). */
static void reset_getopt(void)
{
	char a0[] = "x";
	char *v[] = { a0, NULL };

	optind = 0;
	opterr = 0;
	while (getopt(1, v, "") != -1)
		;
}

/*
 * options_parse sets optind = 1, which does not reset glibc's position inside
 * the previous argv (see test_repeated_calls_*). The table tests start each
 * parse from a clean getopt so that they test one thing; the repeated-call
 * tests clear `isolate` and call options_parse back to back.
 */
static int isolate = 1;

static enum options_result parse(struct argv_copy *a, struct config *c, char *err, size_t errlen)
{
	if (isolate)
		reset_getopt();
	return options_parse(a->argc, a->argv, c, err, errlen);
}

static void argv_free(struct argv_copy *a)
{
	int i;

	for (i = 0; i < a->argc; i++)
		free(a->argv[i]);
}

static void defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	c->interval_s = 1.0;
	c->size = 56;
	c->ttl = 64;
	c->timeout_s = 10.0;
	c->mode = RX_KERNEL;
	c->xdp_mode = XDP_MODE_AUTO;
	c->ringbuf_kib = 1024;
}

/* ---- valid command lines ------------------------------------------------ */

static void x_none(struct config *c) { (void)c; }
static void x_count5(struct config *c) { c->count = 5; }
static void x_count_max(struct config *c) { c->count = 2147483647L; }
static void x_i02(struct config *c) { c->interval_s = 0.2; }
static void x_i0001(struct config *c) { c->interval_s = 0.001; }
static void x_i0(struct config *c) { c->interval_s = 0; }
static void x_s0(struct config *c) { c->size = 0; }
static void x_smax(struct config *c) { c->size = 65507; }
static void x_t1(struct config *c) { c->ttl = 1; }
static void x_t255(struct config *c) { c->ttl = 255; }
static void x_W05(struct config *c) { c->timeout_s = 0.5; }
static void x_w3(struct config *c) { c->deadline_s = 3; }
static void x_lo(struct config *c) { strcpy(c->ifname, "lo"); }
static void x_if15(struct config *c) { strcpy(c->ifname, "abcdefghijklmno"); }
static void x_pff00(struct config *c) { c->pattern[0] = 0xff; c->pattern[1] = 0x00; c->pattern_len = 2; }
static void x_pabc(struct config *c) { c->pattern[0] = 0xab; c->pattern[1] = 0xc0; c->pattern_len = 2; }
static void x_pA(struct config *c) { c->pattern[0] = 0xa0; c->pattern_len = 1; }
static void x_p32(struct config *c)
{
	int i;

	for (i = 0; i < 16; i++)
		c->pattern[i] = (unsigned char)(i * 0x11);
	c->pattern_len = 16;
}
static void x_flood(struct config *c) { c->flood = 1; c->interval_s = 0.01; }
static void x_flood_i(struct config *c) { c->flood = 1; c->interval_s = 0.5; }
static void x_flood_q(struct config *c) { c->flood = 0; c->quiet = 1; c->interval_s = 0.01; }
static void x_q(struct config *c) { c->quiet = 1; }
static void x_Dnv(struct config *c) { c->timestamps = 1; c->numeric = 1; c->verbose = 1; }
static void x_verbose(struct config *c) { c->verbose = 1; }
static void x_socket(struct config *c) { c->mode = RX_SOCKET; }
static void x_kernel(struct config *c) { c->mode = RX_KERNEL; }
static void x_native(struct config *c) { c->xdp_mode = XDP_MODE_NATIVE; }
static void x_generic(struct config *c) { c->xdp_mode = XDP_MODE_GENERIC; }
static void x_auto(struct config *c) { c->xdp_mode = XDP_MODE_AUTO; }
static void x_consume(struct config *c) { c->consume = 1; }
static void x_consume_kernel(struct config *c) { c->consume = 1; c->mode = RX_KERNEL; }
static void x_pin(struct config *c) { c->pin_dir = "/x"; }
static void x_rb4(struct config *c) { c->ringbuf_kib = 4; }
static void x_rbmax(struct config *c) { c->ringbuf_kib = ICMPMON_MAX_RINGBUF_KIB; }
static void x_mo10(struct config *c) { c->max_outstanding = 10; }
static void x_mo_max(struct config *c) { c->max_outstanding = ICMPMON_MAX_OUTSTANDING; }
static void x_vv(struct config *c) { c->verbose = 2; }
static void x_period(struct config *c) { c->interval_s = 0.5; }
static void x_burst(struct config *c) { c->burst = 1; }
static void x_json(struct config *c) { c->json = 1; }
static void x_hist(struct config *c) { c->hist = 1; }
static void x_report(struct config *c) { c->report_s = 5; }
static void x_report_min(struct config *c) { c->report_s = 0.01; }
static void x_att_xdp(struct config *c) { c->attach = ATTACH_XDP; }
static void x_att_tc(struct config *c) { c->attach = ATTACH_TC; }
static void x_att_auto(struct config *c) { c->attach = ATTACH_AUTO; }
static void x_file1(struct config *c) { c->n_files = 1; }
static void x_file2(struct config *c) { c->n_files = 2; }
static void x_cidr1(struct config *c) { c->n_cidrs = 1; }
static void x_after(struct config *c) { c->count = 3; c->quiet = 1; c->interval_s = 0.2; }
static void x_many(struct config *c)
{
	c->count = 2; c->interval_s = 0.5; c->size = 100; c->ttl = 9; c->timeout_s = 2; c->deadline_s = 7;
	strcpy(c->ifname, "eth0"); c->numeric = 1; c->mode = RX_SOCKET; c->xdp_mode = XDP_MODE_GENERIC;
	c->ringbuf_kib = 64; c->max_outstanding = 4096; c->pin_dir = "/sys/fs/bpf/i";
	c->attach = ATTACH_TC; c->burst = 1; c->json = 1; c->hist = 1; c->report_s = 5;
}

struct valid_case {
	const char *args[MAX_ARGS + 1];
	void (*expect)(struct config *);
	const char *targets[4]; /* expected, in order */
};

static const struct valid_case valid_cases[] = {
	{ { "127.0.0.1" }, x_none, { "127.0.0.1" } },
	{ { "-c", "5", "h" }, x_count5, { "h" } },
	{ { "-c5", "h" }, x_count5, { "h" } },
	{ { "-c", "2147483647", "h" }, x_count_max, { "h" } },
	{ { "-i", "0.2", "h" }, x_i02, { "h" } },
	{ { "-i", "0.001", "h" }, x_i0001, { "h" } },
	{ { "-i", "0", "h" }, x_i0, { "h" } },
	{ { "-s", "0", "h" }, x_s0, { "h" } },
	{ { "-s", "65507", "h" }, x_smax, { "h" } },
	{ { "-t", "1", "h" }, x_t1, { "h" } },
	{ { "-t", "255", "h" }, x_t255, { "h" } },
	{ { "-W", "0.5", "h" }, x_W05, { "h" } },
	{ { "-w", "3", "h" }, x_w3, { "h" } },
	{ { "-I", "lo", "h" }, x_lo, { "h" } },
	{ { "-I", "abcdefghijklmno", "h" }, x_if15, { "h" } },
	{ { "-p", "ff00", "h" }, x_pff00, { "h" } },
	{ { "-p", "abc", "h" }, x_pabc, { "h" } },
	{ { "-p", "ABC", "h" }, x_pabc, { "h" } },
	{ { "-p", "A", "h" }, x_pA, { "h" } },
	{ { "-p", "00112233445566778899aabbccddeeff", "h" }, x_p32, { "h" } },
	{ { "-f", "h" }, x_flood, { "h" } },
	{ { "-f", "-i", "0.5", "h" }, x_flood_i, { "h" } },
	{ { "-i", "0.5", "-f", "h" }, x_flood_i, { "h" } },
	{ { "-q", "-f", "h" }, x_flood_q, { "h" } },
	{ { "-fq", "h" }, x_flood_q, { "h" } },
	{ { "-q", "h" }, x_q, { "h" } },
	{ { "-D", "-n", "-v", "h" }, x_Dnv, { "h" } },
	{ { "-Dnv", "h" }, x_Dnv, { "h" } },
	{ { "--verbose", "h" }, x_verbose, { "h" } },
	{ { "-vv", "h" }, x_vv, { "h" } },
	{ { "-v", "--verbose", "h" }, x_vv, { "h" } },
	{ { "--period", "0.5", "h" }, x_period, { "h" } },
	{ { "-f", "--period", "0.5", "h" }, x_flood_i, { "h" } },
	{ { "--burst", "h" }, x_burst, { "h" } },
	{ { "--json", "h" }, x_json, { "h" } },
	{ { "--hist", "h" }, x_hist, { "h" } },
	{ { "--report", "5", "h" }, x_report, { "h" } },
	{ { "--report", "0.01", "h" }, x_report_min, { "h" } },
	{ { "--attach", "xdp", "h" }, x_att_xdp, { "h" } },
	{ { "--attach", "tc", "h" }, x_att_tc, { "h" } },
	{ { "--attach", "auto", "h" }, x_att_auto, { "h" } },
	{ { "--file", "list.txt" }, x_file1, { NULL } },         /* targets from a file only */
	{ { "--file", "-", "--file", "b", "h" }, x_file2, { "h" } },
	{ { "--cidr", "10.0.0.0/30" }, x_cidr1, { NULL } },
	{ { "--mode", "socket", "h" }, x_socket, { "h" } },
	{ { "--mode=socket", "h" }, x_socket, { "h" } },
	{ { "--mode", "kernel", "h" }, x_kernel, { "h" } },
	{ { "--xdp-mode", "native", "h" }, x_native, { "h" } },
	{ { "--xdp-mode", "generic", "h" }, x_generic, { "h" } },
	{ { "--xdp-mode", "auto", "h" }, x_auto, { "h" } },
	{ { "--xdp", "native", "h" }, x_native, { "h" } }, /* unique prefix */
	{ { "--consume", "h" }, x_consume, { "h" } },
	{ { "--consume", "--mode", "kernel", "h" }, x_consume_kernel, { "h" } },
	{ { "--pin", "/x", "h" }, x_pin, { "h" } },
	{ { "--ringbuf-kib", "4", "h" }, x_rb4, { "h" } },
	{ { "--ringbuf-kib", "65536", "h" }, x_rbmax, { "h" } },
	{ { "--max-outstanding", "10", "h" }, x_mo10, { "h" } },
	{ { "--max-outstanding=4194304", "h" }, x_mo_max, { "h" } },
	{ { "a", "b", "c" }, x_none, { "a", "b", "c" } },
	{ { "a", "-c", "3", "b", "-q", "-i", "0.2", "c" }, x_after, { "a", "b", "c" } },
	{ { "a", "b", "-c", "3", "-qi", "0.2" }, x_after, { "a", "b" } },
	{ { "-c", "5", "--", "-h" }, x_count5, { "-h" } },
};

/* Returns the name of the first field that differs, NULL when all match. */
static const char *config_diff(const struct config *got, const struct config *want)
{
#define DIFF(f) do { if (got->f != want->f) return #f; } while (0)
	int i;

	DIFF(count);
	DIFF(interval_s);
	DIFF(size);
	DIFF(ttl);
	DIFF(timeout_s);
	DIFF(deadline_s);
	if (strcmp(got->ifname, want->ifname))
		return "ifname";
	DIFF(quiet);
	DIFF(timestamps);
	DIFF(numeric);
	DIFF(flood);
	DIFF(verbose);
	DIFF(pattern_len);
	for (i = 0; i < want->pattern_len; i++)
		DIFF(pattern[i]);
	DIFF(consume);
	DIFF(xdp_mode);
	DIFF(attach);
	if (!!got->pin_dir != !!want->pin_dir || (want->pin_dir && strcmp(got->pin_dir, want->pin_dir)))
		return "pin_dir";
	DIFF(mode);
	DIFF(ringbuf_kib);
	DIFF(max_outstanding);
	DIFF(n_files);
	DIFF(n_cidrs);
	DIFF(burst);
	DIFF(report_s);
	DIFF(json);
	DIFF(hist);
	return NULL;
#undef DIFF
}

static void check_config(const struct config *got, const struct config *want, const char *const *args)
{
	const char *field = config_diff(got, want);

	if (field) {
		char line[512] = "";
		int i;

		for (i = 0; args[i]; i++)
			snprintf(line + strlen(line), sizeof(line) - strlen(line), " %s", args[i]);
		print_error("icmpmon%s: field %s differs\n", line, field);
	}
	assert_null(field);
}

static void run_valid(const char *const *args, void (*expect)(struct config *), const char *const *targets)
{
	struct argv_copy a;
	struct config got, want;
	char err[256] = "";
	int rc, i, n = 0;

	argv_make(&a, args);
	rc = parse(&a, &got, err, sizeof(err));
	if (rc != OPTIONS_RUN)
		print_error("args[0]='%s': rc %d, err '%s'\n", args[0], rc, err);
	assert_int_equal(rc, OPTIONS_RUN);
	defaults(&want);
	expect(&want);
	check_config(&got, &want, args);
	while (n < 4 && targets[n])
		n++;
	assert_int_equal(got.n_targets, n);
	assert_non_null(got.targets);
	for (i = 0; i < n; i++)
		assert_string_equal(got.targets[i], targets[i]);
	/* The targets point into argv, after the options. */
	assert_true(got.targets >= a.argv + 1 && got.targets + n == a.argv + a.argc);
	config_free(&got);
	argv_free(&a);
}

static void test_valid_table(void **state)
{
	size_t k;

	(void)state;
	for (k = 0; k < sizeof(valid_cases) / sizeof(valid_cases[0]); k++) {
		run_valid(valid_cases[k].args, valid_cases[k].expect, valid_cases[k].targets);
	}
}

static void test_defaults(void **state)
{
	static const char *const args[] = { "192.0.2.1", NULL };
	static const char *const targets[] = { "192.0.2.1", NULL };
	struct argv_copy a;
	struct config c;
	char err[64];

	(void)state;
	run_valid(args, x_none, targets);
	argv_make(&a, args);
	assert_int_equal(parse(&a, &c, err, sizeof(err)), OPTIONS_RUN);
	assert_int_equal(c.count, 0);
	assert_true(c.interval_s == 1.0);
	assert_int_equal(c.size, 56);
	assert_int_equal(c.ttl, 64);
	assert_true(c.timeout_s == 10.0);
	assert_true(c.deadline_s == 0);
	assert_int_equal(c.mode, RX_KERNEL);
	assert_int_equal(c.xdp_mode, XDP_MODE_AUTO);
	assert_int_equal(c.ringbuf_kib, 1024);
	assert_int_equal(c.max_outstanding, 0);
	assert_int_equal(c.pattern_len, 0);
	assert_string_equal(c.ifname, "");
	config_free(&c);
	argv_free(&a);
}

/* A later value of the same option wins; a bad value is not half-applied to the next parse. */
static void test_last_wins(void **state)
{
	static const char *const a1[] = { "-c", "1", "-c", "7", "-p", "ff", "-p", "0102", "h", NULL };
	static const char *const t[] = { "h", NULL };
	struct argv_copy a;
	struct config c;
	char err[128];

	(void)state;
	argv_make(&a, a1);
	assert_int_equal(parse(&a, &c, err, sizeof(err)), OPTIONS_RUN);
	assert_int_equal(c.count, 7);
	assert_int_equal(c.pattern_len, 2);
	assert_int_equal(c.pattern[0], 0x01);
	assert_int_equal(c.pattern[1], 0x02);
	config_free(&c);
	argv_free(&a);
	/* The next parse starts from the defaults again. */
	run_valid(t, x_none, t);
}

/* Every valued option at once: more arguments than a table row holds. */
static void test_many_options(void **state)
{
	static const char *const args[] = {
		"-c", "2", "-i", "0.5", "-s", "100", "-t", "9", "-W", "2", "-w", "7", "-I", "eth0", "-n",
		"--mode", "socket", "--xdp-mode", "generic", "--ringbuf-kib", "64", "--max-outstanding", "4096",
		"--pin", "/sys/fs/bpf/i", "--attach", "tc", "--period", "0.5", "--burst", "--json", "--hist",
		"--report", "5", "h", NULL,
	};
	enum { N = sizeof(args) / sizeof(args[0]) - 1 };
	char *v[N + 2];
	struct config got, want;
	char err[128];
	size_t j;

	(void)state;
	v[0] = strdup("icmpmon");
	for (j = 0; j < N; j++)
		v[j + 1] = strdup(args[j]);
	v[N + 1] = NULL;
	reset_getopt();
	assert_int_equal(options_parse(N + 1, v, &got, err, sizeof(err)), OPTIONS_RUN);
	defaults(&want);
	x_many(&want);
	check_config(&got, &want, args);
	assert_int_equal(got.n_targets, 1);
	assert_string_equal(got.targets[0], "h");
	config_free(&got);
	for (j = 0; j <= N; j++)
		free(v[j]);
}

/* --file and --cidr collect their values in order; the strings stay argv's. */
static void test_file_cidr_lists(void **state)
{
	static const char *const args[] = { "--file", "a", "h1", "--cidr", "10.0.0.0/30", "--file", "-",
					    "--cidr", "192.0.2.0/24", "h2", NULL };
	struct argv_copy a;
	struct config c;
	char err[128];

	(void)state;
	argv_make(&a, args);
	assert_int_equal(parse(&a, &c, err, sizeof(err)), OPTIONS_RUN);
	assert_int_equal(c.n_files, 2);
	assert_string_equal(c.files[0], "a");
	assert_string_equal(c.files[1], "-");
	assert_int_equal(c.n_cidrs, 2);
	assert_string_equal(c.cidrs[0], "10.0.0.0/30");
	assert_string_equal(c.cidrs[1], "192.0.2.0/24");
	assert_int_equal(c.n_targets, 2);
	assert_string_equal(c.targets[0], "h1");
	assert_string_equal(c.targets[1], "h2");
	config_free(&c);
	assert_null(c.files);
	assert_null(c.cidrs);
	assert_int_equal(c.n_files, 0);
	assert_int_equal(c.n_cidrs, 0);
	config_free(&c); /* twice is harmless */
	argv_free(&a);
}

/* ---- bad command lines -------------------------------------------------- */

struct error_case {
	const char *args[MAX_ARGS + 1];
	const char *opt; /* must appear in err */
	const char *val; /* must appear in err quoted, when set */
};

static const struct error_case error_cases[] = {
	{ { "-c", "0", "h" }, "-c", "0" },
	{ { "-c", "-1", "h" }, "-c", "-1" },
	{ { "-c", "abc", "h" }, "-c", "abc" },
	{ { "-c", "1x", "h" }, "-c", "1x" },
	{ { "-c", "", "h" }, "-c", "" },
	{ { "-c", "99999999999", "h" }, "-c", "99999999999" },
	{ { "-c", "2147483648", "h" }, "-c", "2147483648" },
	{ { "-c", "99999999999999999999999", "h" }, "-c", "99999999999999999999999" },
	{ { "-i", "-1", "h" }, "-i", "-1" },
	{ { "-i", "abc", "h" }, "-i", "abc" },
	{ { "-i", "nan", "h" }, "-i", "nan" },
	{ { "-i", "inf", "h" }, "-i", "inf" },
	{ { "-i", "1e999", "h" }, "-i", "1e999" },
	{ { "-i", "0.5s", "h" }, "-i", "0.5s" },
	{ { "-s", "-1", "h" }, "-s", "-1" },
	{ { "-s", "65508", "h" }, "-s", "65508" },
	{ { "-s", "0x10", "h" }, "-s", "0x10" },
	{ { "-t", "0", "h" }, "-t", "0" },
	{ { "-t", "256", "h" }, "-t", "256" },
	{ { "-W", "0", "h" }, "-W", "0" },
	{ { "-W", "x", "h" }, "-W", "x" },
	{ { "-W", "nan", "h" }, "-W", "nan" },
	{ { "-w", "0", "h" }, "-w", "0" },
	{ { "-w", "-3", "h" }, "-w", "-3" },
	{ { "-I", "", "h" }, "-I", "" },
	{ { "-I", "abcdefghijklmnop", "h" }, "-I", "abcdefghijklmnop" },
	{ { "-I", "abcdefghijklmnopqrstuvwxyz0123456789", "h" }, "-I", "abcdefghijklmnopqrstuvwxyz0123456789" },
	{ { "-p", "zz", "h" }, "-p", "zz" },
	{ { "-p", "", "h" }, "-p", "" },
	{ { "-p", "12 4", "h" }, "-p", "12 4" },
	{ { "-p", "00112233445566778899aabbccddeeff0", "h" }, "-p", "00112233445566778899aabbccddeeff0" },
	{ { "--mode", "bogus", "h" }, "--mode", "bogus" },
	{ { "--mode", "", "h" }, "--mode", "" },
	{ { "--xdp-mode", "bogus", "h" }, "--xdp-mode", "bogus" },
	{ { "--xdp-mode", "NATIVE", "h" }, "--xdp-mode", "NATIVE" },
	{ { "--ringbuf-kib", "3", "h" }, "--ringbuf-kib", "3" },
	{ { "--ringbuf-kib", "6", "h" }, "--ringbuf-kib", "6" },
	{ { "--ringbuf-kib", "0", "h" }, "--ringbuf-kib", "0" },
	{ { "--ringbuf-kib", "2097152", "h" }, "--ringbuf-kib", "2097152" },
	{ { "--max-outstanding", "0", "h" }, "--max-outstanding", "0" },
	{ { "--max-outstanding", "4194305", "h" }, "--max-outstanding", "4194305" },
	{ { "--ringbuf-kib", "131072", "h" }, "--ringbuf-kib", "131072" },
	{ { "--pin", "", "h" }, "--pin", NULL },
	{ { "--period", "-1", "h" }, "--period", "-1" },
	{ { "--period", "x", "h" }, "--period", "x" },
	{ { "--report", "0", "h" }, "--report", "0" },
	{ { "--report", "0.001", "h" }, "--report", "0.001" },
	{ { "--report", "x", "h" }, "--report", "x" },
	{ { "--attach", "bogus", "h" }, "--attach", "bogus" },
	{ { "--file", "", "h" }, "--file", NULL },
	{ { "h", "--file" }, "--file", NULL },
	{ { "-Z", "h" }, "-Z", NULL },
	{ { "-qZ", "h" }, "-Z", NULL },
	{ { "--bogus", "h" }, "--bogus", NULL },
	{ { "--ver", "h" }, "--ver", NULL },     /* ambiguous: --verbose, --version */
	{ { "h", "-c" }, "-c", NULL },           /* missing value, after the target */
	{ { "-c" }, "-c", NULL },
	{ { "h", "--pin" }, "--pin", NULL },
	{ { "h", "--mode" }, "--mode", NULL },
	{ { "h", "-I" }, "-I", NULL },
	{ { NULL }, "target", NULL },
	{ { "-c", "3", "-q" }, "target", NULL },
	{ { "--" }, "target", NULL },
	{ { "--consume", "--mode", "socket", "h" }, "--consume", NULL },
	{ { "--mode", "socket", "--consume", "h" }, "--consume", NULL },
};

static void check_err_line(const char *err, const char *opt, const char *val, const char *what)
{
	size_t i, n = strlen(err);

	if (!n || strchr(err, '\n') || !strstr(err, opt))
		print_error("%s: err '%s' should name '%s'\n", what, err, opt);
	assert_true(n > 0);
	assert_null(strchr(err, '\n'));
	for (i = 0; i < n; i++)
		assert_true(isprint((unsigned char)err[i]));
	assert_non_null(strstr(err, opt));
	if (val) {
		char quoted[128];

		snprintf(quoted, sizeof(quoted), "'%s'", val);
		if (!strstr(err, quoted))
			print_error("%s: err '%s' should quote the value %s\n", what, err, quoted);
		assert_non_null(strstr(err, quoted));
	}
}

static void run_error(const char *const *args, const char *opt, const char *val)
{
	struct argv_copy a;
	struct config c;
	char err[256];
	int rc;

	memset(err, 0, sizeof(err));
	argv_make(&a, args);
	rc = parse(&a, &c, err, sizeof(err));
	if (rc != OPTIONS_ERROR)
		print_error("args[0]='%s' (should fail naming '%s'): rc %d\n", args[0] ? args[0] : "(none)", opt, rc);
	assert_int_equal(rc, OPTIONS_ERROR);
	check_err_line(err, opt, val, args[0] ? args[0] : "(no args)");
	config_free(&c);
	argv_free(&a);
}

static void test_error_table(void **state)
{
	size_t k;

	(void)state;
	assert_true(sizeof(error_cases) / sizeof(error_cases[0]) >= 20);
	for (k = 0; k < sizeof(error_cases) / sizeof(error_cases[0]); k++)
		run_error(error_cases[k].args, error_cases[k].opt, error_cases[k].val);
}

/* A small err buffer gets a truncated, terminated line. */
static void test_error_small_buffer(void **state)
{
	static const char *const args[] = { "-c", "0", "h", NULL };
	struct argv_copy a;
	struct config c;
	char err[12];

	(void)state;
	memset(err, 'x', sizeof(err));
	argv_make(&a, args);
	assert_int_equal(parse(&a, &c, err, sizeof(err)), OPTIONS_ERROR);
	assert_int_equal(strlen(err), sizeof(err) - 1);
	config_free(&c);
	argv_free(&a);
}

/* ---- --help / --version ----------------------------------------------- */

/* Runs options_parse on argv with stdout sent to a temporary file; out gets what it printed. */
static int capture_raw(int argc, char **argv, struct config *c, char *out, size_t outlen)
{
	char err[256] = "";
	FILE *tmp = tmpfile();
	int saved, rc;
	size_t n;

	assert_non_null(tmp);
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	assert_true(saved >= 0);
	assert_true(dup2(fileno(tmp), STDOUT_FILENO) >= 0);
	if (isolate)
		reset_getopt();
	rc = options_parse(argc, argv, c, err, sizeof(err));
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	rewind(tmp);
	n = fread(out, 1, outlen - 1, tmp);
	out[n] = 0;
	fclose(tmp);
	return rc;
}

static int parse_capturing(const char *const *args, char *out, size_t outlen)
{
	struct argv_copy a;
	struct config c;
	int rc;

	argv_make(&a, args);
	rc = capture_raw(a.argc, a.argv, &c, out, outlen);
	config_free(&c);
	argv_free(&a);
	return rc;
}

static void test_help_version(void **state)
{
	static const struct {
		const char *args[5];
		const char *needle;
	} cases[] = {
		{ { "-h" }, "Usage:" },
		{ { "--help" }, "Usage:" },
		{ { "--help", "h" }, "Usage:" },
		{ { "h", "-c", "3", "--help" }, "Usage:" },
		{ { "-qh" }, "Usage:" },
		{ { "--he" }, "Usage:" },
		{ { "-V" }, "icmpmon " ICMPMON_VERSION "\n" },
		{ { "--version" }, "icmpmon " ICMPMON_VERSION "\n" },
		{ { "-c", "2", "-V", "h" }, "icmpmon " ICMPMON_VERSION "\n" },
	};
	char out[8192];
	size_t k;

	(void)state;
	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		int rc = parse_capturing(cases[k].args, out, sizeof(out));

		assert_int_equal(rc, OPTIONS_EXIT);
		assert_non_null(strstr(out, cases[k].needle));
	}
	/* The usage text lists every option. */
	parse_capturing((const char *const[]){ "--help", NULL }, out, sizeof(out));
	for (k = 0; k < 8; k++) {
		static const char *const opts[] = { "--mode", "--xdp-mode", "--consume", "--pin",
						    "--ringbuf-kib", "--max-outstanding", "-W", "-p" };
		assert_non_null(strstr(out, opts[k]));
	}
}

/* ---- getopt's global state ---------------------------------------------- */

/* Alternating good and bad lines: each parse sees only its own argv. */
static void test_repeated_calls(void **state)
{
	static const char *const good[] = { "-c", "4", "-q", "h", NULL };
	static const char *const bad[] = { "-c", "x", "h", NULL };
	static const char *const t[] = { "h", NULL };
	struct argv_copy a;
	struct config c;
	char err[128];
	int round;

	(void)state;
	isolate = 0;
	for (round = 0; round < 5; round++) {
		argv_make(&a, good);
		assert_int_equal(parse(&a, &c, err, sizeof(err)), OPTIONS_RUN);
		assert_int_equal(c.count, 4);
		assert_int_equal(c.quiet, 1);
		config_free(&c);
		argv_free(&a);
		run_error(bad, "-c", "x");
		run_valid(t, x_none, t);
		run_error((const char *const[]){ "h", "-c", NULL }, "-c", NULL);
		run_valid(t, x_none, t);
	}
	isolate = 1;
}

/*
 * A parse that stops inside a cluster of short options (-hq: exit at 'h')
 * must not leave the rest ('q') for the next parse. glibc keeps its scan
 * position (a pointer into the previous argv) in a static that only
 * optind = 0 resets; options_parse sets optind = 1. The argv here stay
 * alive so the effect is deterministic; a caller that frees its argv
 * between parses gets a read of freed memory instead.
 */
static void test_repeated_calls_after_cluster(void **state)
{
	static char prog[] = "icmpmon", hq[] = "-hq", zq[] = "-Zq", hc[] = "-hc", tgt[] = "127.0.0.1";
	char *exit_hq[] = { prog, hq, NULL };
	char *fail_zq[] = { prog, zq, tgt, NULL };
	char *exit_hc[] = { prog, hc, NULL };
	char *run[] = { prog, tgt, NULL };
	struct config c;
	char out[8192], err[256];
	int rc;

	(void)state;
	isolate = 0;

	/* "-hq": 'h' exits, "q" is left over: the next parse must not be quiet. */
	assert_int_equal(capture_raw(2, exit_hq, &c, out, sizeof(out)), OPTIONS_EXIT);
	config_free(&c);
	err[0] = 0;
	rc = options_parse(2, run, &c, err, sizeof(err));
	if (rc != OPTIONS_RUN || c.quiet)
		print_error("after -hq: rc %d quiet %d err '%s'\n", rc, c.quiet, err);
	assert_int_equal(rc, OPTIONS_RUN);
	assert_int_equal(c.quiet, 0);
	assert_int_equal(c.n_targets, 1);
	config_free(&c);
	reset_getopt();

	/* "-Zq": 'Z' fails, "q" is left over. */
	assert_int_equal(options_parse(3, fail_zq, &c, err, sizeof(err)), OPTIONS_ERROR);
	config_free(&c);
	err[0] = 0;
	rc = options_parse(2, run, &c, err, sizeof(err));
	if (rc != OPTIONS_RUN || c.quiet)
		print_error("after -Zq: rc %d quiet %d err '%s'\n", rc, c.quiet, err);
	assert_int_equal(rc, OPTIONS_RUN);
	assert_int_equal(c.quiet, 0);
	config_free(&c);
	reset_getopt();

	/* "-hc": the left-over 'c' takes the next parse's target as its value. */
	assert_int_equal(capture_raw(2, exit_hc, &c, out, sizeof(out)), OPTIONS_EXIT);
	config_free(&c);
	err[0] = 0;
	rc = options_parse(2, run, &c, err, sizeof(err));
	if (rc != OPTIONS_RUN)
		print_error("after -hc: rc %d err '%s'\n", rc, err);
	assert_int_equal(rc, OPTIONS_RUN);
	assert_int_equal(c.count, 0);
	assert_int_equal(c.n_targets, 1);
	config_free(&c);
	reset_getopt();
	isolate = 1;
}

/*
 * A value given to a long option that takes none: glibc returns '?' with
 * optopt = the option's val (>= 256 for the long-only ones, 'v' for
 * --verbose), so "-%c" prints a NUL or a control character, or a short
 * option the user never typed. The error must name what was typed.
 */
static void test_long_option_unexpected_value(void **state)
{
	(void)state;
	run_error((const char *const[]){ "--consume=1", "h", NULL }, "--consume", NULL);
	run_error((const char *const[]){ "--help=x", "h", NULL }, "--help", NULL);
	run_error((const char *const[]){ "--version=2", "h", NULL }, "--version", NULL);
	run_error((const char *const[]){ "--verbose=1", "h", NULL }, "--verbose", NULL);
	reset_getopt();
}

/* Each test starts isolated with a clean getopt, whatever the previous one left. */
static int setup(void **state)
{
	(void)state;
	isolate = 1;
	reset_getopt();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_defaults, setup),
		cmocka_unit_test_setup(test_valid_table, setup),
		cmocka_unit_test_setup(test_last_wins, setup),
		cmocka_unit_test_setup(test_many_options, setup),
		cmocka_unit_test_setup(test_file_cidr_lists, setup),
		cmocka_unit_test_setup(test_error_table, setup),
		cmocka_unit_test_setup(test_error_small_buffer, setup),
		cmocka_unit_test_setup(test_help_version, setup),
		cmocka_unit_test_setup(test_repeated_calls, setup),
		cmocka_unit_test_setup(test_repeated_calls_after_cluster, setup),
		cmocka_unit_test_setup(test_long_option_unexpected_value, setup),
	};

	unsetenv("POSIXLY_CORRECT"); /* the tests rely on GNU argument permutation */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
