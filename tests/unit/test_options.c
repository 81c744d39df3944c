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
	c->mode = RX_AUTO;
	c->xdp_mode = XDP_MODE_AUTO;
	c->ringbuf_kib = 1024;
	c->preload = 1;    /* ping -l */
	c->pmtudisc = -1;  /* ping -M: the kernel's default */
	c->ident = -1;     /* ping -e: random per run */
}

/* ---- valid command lines ------------------------------------------------ */

static void x_none(struct config *c) { (void)c; }
static void x_count5(struct config *c) { c->count = 5; }
static void x_count_max(struct config *c) { c->count = 2147483647L; }
static void x_count_llmax(struct config *c) { c->count = 0x7fffffffffffffffL; }
static void x_t0(struct config *c) { c->ttl = 0; }
static void x_i02(struct config *c) { c->interval_s = 0.2; }
static void x_i0001(struct config *c) { c->interval_s = 0.001; }
static void x_i0(struct config *c) { c->interval_s = 0; c->pace = 1; } /* ping: next probe once answered, at least every 10 ms */
static void x_s0(struct config *c) { c->size = 0; }
static void x_smax(struct config *c) { c->size = 65507; }
static void x_t1(struct config *c) { c->ttl = 1; }
static void x_t255(struct config *c) { c->ttl = 255; }
static void x_W05(struct config *c) { c->timeout_s = 0.5; }
static void x_w3(struct config *c) { c->deadline_s = 3; }
static void x_lo(struct config *c) { strcpy(c->ifname, "lo"); }
static void x_if15(struct config *c) { strcpy(c->ifname, "abcdefghijklmno"); }
static void x_pff00(struct config *c) { c->pattern[0] = 0xff; c->pattern[1] = 0x00; c->pattern_len = 2; }
/* as ping's sscanf("%2x"): a lone last digit is a byte of its own (ping -p abc: PATTERN: 0xab0c) */
static void x_pabc(struct config *c) { c->pattern[0] = 0xab; c->pattern[1] = 0x0c; c->pattern_len = 2; }
static void x_pA(struct config *c) { c->pattern[0] = 0x0a; c->pattern_len = 1; }
static void x_p32(struct config *c)
{
	int i;

	for (i = 0; i < 16; i++)
		c->pattern[i] = (unsigned char)(i * 0x11);
	c->pattern_len = 16;
}
static void x_flood(struct config *c) { c->flood = 1; c->interval_s = 0; c->pace = 1; }
static void x_flood_i(struct config *c) { c->flood = 1; c->interval_s = 0.5; }
static void x_flood_q(struct config *c) { c->flood = 0; c->quiet = 1; c->interval_s = 0; c->pace = 1; }
static void x_period0(struct config *c) { c->interval_s = 0; }
static void x_ping_flags(struct config *c)
{
	c->adaptive = c->outstanding = c->audible = c->sticky_source = c->dontroute = c->broadcast = 1;
	c->so_debug = c->noloop = 1;
}
static void x_ping_values(struct config *c)
{
	c->preload = 3; c->ident = 4660; c->mark = 4294967295u; c->mark_set = 1; c->sndbuf = 65536;
	c->tos = 0x10; c->pmtudisc = IP_PMTUDISC_DO;
}
static void x_pmtu_probe(struct config *c) { c->pmtudisc = IP_PMTUDISC_PROBE; }
static void x_tos_dec(struct config *c) { c->tos = 184; }
static void x_src4(struct config *c) { c->has_source = 1; c->source.ss_family = AF_INET; }
static void x_src6_dev(struct config *c) { c->has_source = 1; c->source.ss_family = AF_INET6; strcpy(c->ifname, "va"); }
static void x_q(struct config *c) { c->quiet = 1; }
static void x_Dnv(struct config *c) { c->timestamps = 1; c->numeric = 1; c->verbose = 1; }
static void x_verbose(struct config *c) { c->verbose = 1; }
static void x_socket(struct config *c) { c->mode = RX_SOCKET; }
static void x_kernel(struct config *c) { c->mode = RX_KERNEL; }
static void x_dgram(struct config *c) { c->mode = RX_DGRAM; }
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
	{ { "-p", "00112233445566778899aabbccddeeff0011", "h" }, x_p32, { "h" } }, /* ping keeps 16 bytes */
	{ { "-c", "9223372036854775807", "h" }, x_count_llmax, { "h" } },
	{ { "-w", "0", "h" }, x_none, { "h" } },      /* ping: no deadline */
	{ { "-t", "0", "h" }, x_t0, { "h" } },        /* ping takes it; setting it fails later */
	{ { "-f", "h" }, x_flood, { "h" } },
	{ { "-i", "0", "h" }, x_i0, { "h" } },
	{ { "--period", "0", "h" }, x_period0, { "h" } },
	{ { "-A", "-O", "-a", "-B", "-r", "-b", "-d", "-L", "h" }, x_ping_flags, { "h" } },
	{ { "-l", "3", "-e", "4660", "-m", "4294967295", "-S", "65536", "-Q", "0x10", "-M", "do", "h" }, x_ping_values, { "h" } },
	{ { "-M", "probe", "h" }, x_pmtu_probe, { "h" } },
	{ { "-Q", "184", "h" }, x_tos_dec, { "h" } },
	{ { "-I", "10.0.0.1", "h" }, x_src4, { "h" } },
	{ { "-I", "fe80::1%va", "h" }, x_src6_dev, { "h" } },
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
	{ { "--mode", "dgram", "h" }, x_dgram, { "h" } },
	{ { "--mode", "socket", "--mode", "auto", "h" }, x_none, { "h" } },
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
	DIFF(pace);
	DIFF(adaptive);
	DIFF(preload);
	DIFF(outstanding);
	DIFF(audible);
	DIFF(pmtudisc);
	DIFF(tos);
	DIFF(mark);
	DIFF(mark_set);
	DIFF(sticky_source);
	DIFF(dontroute);
	DIFF(broadcast);
	DIFF(sndbuf);
	DIFF(ident);
	DIFF(so_debug);
	DIFF(noloop);
	DIFF(has_source);
	DIFF(source.ss_family);
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
	assert_int_equal(c.mode, RX_AUTO);
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
	enum options_result rc; /* OPTIONS_ERROR when 0 */
};

#define BAD OPTIONS_BAD_VALUE /* ping's exit 1 */
#define USG OPTIONS_USAGE     /* the usage follows, exit 2 */

/* The ping letters fail with ping's messages (cli/ping_values.h), which quote the value, not the option. */
static const struct error_case error_cases[] = {
	{ { "-c", "0", "h" }, "out of range: 1 <= value <= 9223372036854775807", "0", BAD },
	{ { "-c", "-1", "h" }, "out of range", "-1", BAD },
	{ { "-c", "abc", "h" }, "invalid argument", "abc", BAD },
	{ { "-c", "1x", "h" }, "invalid argument", "1x", BAD },
	{ { "-c", "", "h" }, "invalid argument", "", BAD },
	{ { "-c", "99999999999999999999999", "h" }, "out of range", "99999999999999999999999", BAD },
	{ { "-i", "-1", "h" }, "bad timing interval: -1", NULL, 0 },
	{ { "-i", "nan", "h" }, "bad timing interval", NULL, 0 },
	{ { "-i", "inf", "h" }, "bad timing interval", NULL, 0 },
	{ { "-i", "1e999", "h" }, "bad timing interval", NULL, 0 },
	{ { "-s", "-1", "h" }, "out of range: 0 <= value <= 65507", "-1", BAD },
	{ { "-s", "65508", "h" }, "out of range: 0 <= value <= 65507", "65508", BAD },
	{ { "-s", "0x10", "h" }, "invalid argument", "0x10", BAD },
	{ { "-t", "256", "h" }, "out of range: 0 <= value <= 255", "256", BAD },
	{ { "-t", "-1", "h" }, "out of range", "-1", BAD },
	{ { "-W", "nan", "h" }, "bad linger time", NULL, 0 },
	{ { "-W", "-1", "h" }, "bad linger time: -1", NULL, 0 },
	{ { "-w", "-3", "h" }, "out of range: 0 <= value <= 2147483647", "-3", BAD },
	{ { "-w", "x", "h" }, "invalid argument", "x", BAD },
	/* ping's words: iputils refuses an empty source; a name no interface can have, as SO_BINDTODEVICE does */
	{ { "-I", "", "h" }, "invalid source", NULL, 0 },
	{ { "-I", "abcdefghijklmnop", "h" }, "SO_BINDTODEVICE abcdefghijklmnop: No such device", NULL, 0 },
	{ { "-I", "abcdefghijklmnopqrstuvwxyz0123456789", "h" },
	  "SO_BINDTODEVICE abcdefghijklmnopqrstuvwxyz0123456789: No such device", NULL, 0 },
	{ { "-I", "fe80::zz", "h" }, "invalid source address: fe80::zz", NULL, 0 },
	{ { "-M", "x", "h" }, "invalid -M argument: x", NULL, 0 },
	{ { "-Q", "zz", "h" }, "bad TOS value: zz", NULL, 0 },
	{ { "-Q", "300", "h" }, "the decimal value of TOS bits must be in range 0-255: 300", NULL, 0 },
	{ { "-l", "0", "h" }, "out of range: 1 <= value <= 65536", "0", BAD },
	{ { "-e", "65536", "h" }, "out of range: 0 <= value <= 65535", "65536", BAD },
	{ { "-m", "x", "h" }, "invalid argument", "x", BAD },
	{ { "-S", "0", "h" }, "out of range: 1 <= value <= 2147483647", "0", BAD },
	{ { "-R", "h" }, "option -R is not supported", NULL, 0 },
	{ { "-T", "tsonly", "h" }, "option -T is not supported", NULL, 0 },
	{ { "-U", "h" }, "option -U is not supported", NULL, 0 },
	{ { "-N", "name", "h" }, "option -N is not supported", NULL, 0 },
	{ { "-F", "1", "h" }, "option -F is not supported", NULL, 0 },
	{ { "-C", "h" }, "option -C is not supported", NULL, 0 },
	{ { "-p", "zz", "h" }, "patterns must be specified as hex digits: zz", NULL, 0 },
	{ { "-p", "12 4", "h" }, "hex digits:  4", NULL, 0 },
	{ { "--mode", "bogus", "h" }, "--mode", "bogus", 0 },
	{ { "--mode", "", "h" }, "--mode", "", 0 },
	{ { "--xdp-mode", "bogus", "h" }, "--xdp-mode", "bogus", 0 },
	{ { "--xdp-mode", "NATIVE", "h" }, "--xdp-mode", "NATIVE", 0 },
	{ { "--ringbuf-kib", "3", "h" }, "--ringbuf-kib", "3", 0 },
	{ { "--ringbuf-kib", "6", "h" }, "--ringbuf-kib", "6", 0 },
	{ { "--ringbuf-kib", "0", "h" }, "--ringbuf-kib", "0", 0 },
	{ { "--ringbuf-kib", "2097152", "h" }, "--ringbuf-kib", "2097152", 0 },
	{ { "--max-outstanding", "0", "h" }, "--max-outstanding", "0", 0 },
	{ { "--max-outstanding", "4194305", "h" }, "--max-outstanding", "4194305", 0 },
	{ { "--ringbuf-kib", "131072", "h" }, "--ringbuf-kib", "131072", 0 },
	{ { "--tick", "-1", "h" }, "--tick", "-1", 0 },
	{ { "--tick", "101", "h" }, "--tick", "101", 0 },
	{ { "--tick", "soon", "h" }, "--tick", "soon", 0 },
	{ { "--pin", "", "h" }, "--pin", NULL, 0 },
	{ { "--period", "-1", "h" }, "--period", "-1", 0 },
	{ { "--period", "x", "h" }, "--period", "x", 0 },
	{ { "--report", "0", "h" }, "--report", "0", 0 },
	{ { "--report", "0.001", "h" }, "--report", "0.001", 0 },
	{ { "--report", "x", "h" }, "--report", "x", 0 },
	{ { "--attach", "bogus", "h" }, "--attach", "bogus", 0 },
	{ { "--file", "", "h" }, "--file", NULL, 0 },
	{ { "h", "--file" }, "option '--file' requires an argument", NULL, USG },
	{ { "-Z", "h" }, "invalid option -- 'Z'", NULL, USG },
	{ { "-qZ", "h" }, "invalid option -- 'Z'", NULL, USG },
	{ { "-X", "h" }, "invalid option -- 'X'", NULL, USG }, /* ping's, not icmpmon's */
	{ { "--bogus", "h" }, "unrecognized option '--bogus'", NULL, USG },
	{ { "--ver", "h" }, "--ver", NULL, USG },     /* ambiguous: --verbose, --version */
	{ { "h", "-c" }, "option requires an argument -- 'c'", NULL, USG }, /* missing value, after the target */
	{ { "-c" }, "option requires an argument -- 'c'", NULL, USG },
	{ { "h", "--pin" }, "--pin", NULL, USG },
	{ { "h", "--mode" }, "--mode", NULL, USG },
	{ { "h", "-I" }, "-- 'I'", NULL, USG },
	{ { NULL }, "usage error: Destination address required", NULL, BAD },
	{ { "-c", "3", "-q" }, "Destination address required", NULL, BAD },
	{ { "--" }, "Destination address required", NULL, BAD },
	{ { "--consume", "--mode", "socket", "h" }, "--consume", NULL, 0 },
	{ { "--mode", "socket", "--consume", "h" }, "--consume", NULL, 0 },
	{ { "--consume", "--mode", "dgram", "h" }, "--consume", NULL, 0 },
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

static void run_error_rc(const char *const *args, const char *opt, const char *val, enum options_result want)
{
	struct argv_copy a;
	struct config c;
	char err[256];
	int rc;

	memset(err, 0, sizeof(err));
	argv_make(&a, args);
	rc = parse(&a, &c, err, sizeof(err));
	if (rc != (int)want)
		print_error("args[0]='%s' (should fail naming '%s'): rc %d\n", args[0] ? args[0] : "(none)", opt, rc);
	assert_int_equal(rc, want);
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
		run_error_rc(error_cases[k].args, error_cases[k].opt, error_cases[k].val,
			     error_cases[k].rc ? error_cases[k].rc : OPTIONS_ERROR);
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
	assert_int_equal(parse(&a, &c, err, sizeof(err)), OPTIONS_BAD_VALUE);
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
		{ { "--help" }, "Usage:" },
		{ { "--help", "h" }, "Usage:" },
		{ { "h", "-c", "3", "--help" }, "Usage:" },
		{ { "--he" }, "Usage:" },
		{ { "-V" }, "icmpmon from icmpmon " ICMPMON_VERSION " (iputils " ICMPMON_PING_COMPAT " compatible)\n" },
		{ { "--version" }, "icmpmon from icmpmon " ICMPMON_VERSION " (iputils " ICMPMON_PING_COMPAT " compatible)\n" },
		{ { "-c", "2", "-V", "h" }, "icmpmon from icmpmon " ICMPMON_VERSION " (" },
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
		run_error_rc(bad, "invalid argument", "x", OPTIONS_BAD_VALUE);
		run_valid(t, x_none, t);
		run_error_rc((const char *const[]){ "h", "-c", NULL }, "-- 'c'", NULL, OPTIONS_USAGE);
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
	assert_int_equal(capture_raw(2, exit_hq, &c, out, sizeof(out)), OPTIONS_HELP);
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
	assert_int_equal(options_parse(3, fail_zq, &c, err, sizeof(err)), OPTIONS_USAGE);
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
	assert_int_equal(capture_raw(2, exit_hc, &c, out, sizeof(out)), OPTIONS_HELP);
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
	run_error_rc((const char *const[]){ "--consume=1", "h", NULL }, "--consume", NULL, OPTIONS_USAGE);
	run_error_rc((const char *const[]){ "--help=x", "h", NULL }, "--help", NULL, OPTIONS_USAGE);
	run_error_rc((const char *const[]){ "--version=2", "h", NULL }, "--version", NULL, OPTIONS_USAGE);
	run_error_rc((const char *const[]){ "--verbose=1", "h", NULL }, "--verbose", NULL, OPTIONS_USAGE);
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
