// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* fping 5.1's command line mapped onto struct config and struct fping_opts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "cli/fping_options.h"

#define MS 1000000ll
#define HINT "see 'fping -h' for usage information"

static struct config cfg;
static struct fping_opts o;
static char err[256];
static char *argv_buf[32];

/* Parses a space-separated command line (argv[0] "fping" included). */
static enum fping_parse_result parse(const char *line)
{
	static char buf[512];
	int argc = 0;
	char *tok, *save;

	snprintf(buf, sizeof(buf), "%s", line);
	for (tok = strtok_r(buf, " ", &save); tok && argc < 31; tok = strtok_r(NULL, " ", &save))
		argv_buf[argc++] = tok;
	argv_buf[argc] = NULL;
	err[0] = '\0';
	return fping_parse(argc, argv_buf, &cfg, &o, err, sizeof(err));
}

static void expect_error(const char *line, const char *msg)
{
	assert_int_equal(parse(line), FPING_PARSE_ERROR);
	assert_string_equal(err, msg);
}

static void test_default_mode(void **state)
{
	(void)state;
	assert_int_equal(parse("fping 10.0.0.1"), FPING_PARSE_RUN);
	assert_int_equal(o.mode, FPING_MODE_ALIVE);
	assert_int_equal(o.retry, 3);
	assert_true(o.backoff == 1.5);
	assert_int_equal(o.timeout_ns, 500 * MS);
	assert_int_equal(o.period_ns, 1000 * MS);
	assert_true(o.verbose);
	assert_false(o.per_recv);
	assert_int_equal(cfg.size, 56);
	assert_int_equal(cfg.ttl, 64);
	assert_true(cfg.skip_unresolved);
	assert_int_equal(cfg.mode, RX_AUTO); /* the kernel, or datagram sockets without privileges */
	assert_ptr_equal(cfg.sink_opts, &o);
	assert_int_equal(o.n_args, 1);
	assert_string_equal(o.args[0], "10.0.0.1");
	assert_null(o.file);
	/* a 10 ms tick; rounds for 500 + 750 + 1125 + 1687.5 ms and then some */
	assert_true(cfg.interval_s == 0.01);
	assert_true(cfg.count >= 406);
	/* the kernel keeps a probe at least as long as its backed-off timeout */
	assert_true(cfg.timeout_s >= 1.6875);
	fping_size_run(&o, &cfg, 10);
	assert_int_equal(cfg.max_outstanding, 10 * 4 + 64);
}

static void test_count_mode(void **state)
{
	(void)state;
	assert_int_equal(parse("fping -c 3 -p 100 a b"), FPING_PARSE_RUN);
	assert_int_equal(o.mode, FPING_MODE_COUNT);
	assert_int_equal(cfg.count, 3);
	assert_true(cfg.interval_s == 0.1);
	/* fping's auto-tuned timeout: the period, at most 2 s */
	assert_int_equal(o.timeout_ns, 100 * MS);
	assert_true(cfg.timeout_s == 0.1);
	assert_true(o.per_recv);
	assert_false(o.verbose);
	assert_false(o.report_all_rtts);
	assert_int_equal(o.n_args, 2);

	assert_int_equal(parse("fping -c 3 a"), FPING_PARSE_RUN);
	assert_true(cfg.interval_s == 1.0);
	assert_int_equal(o.timeout_ns, 1000 * MS);
	assert_int_equal(parse("fping -c 3 -p 5000 a"), FPING_PARSE_RUN);
	assert_int_equal(o.timeout_ns, 2000 * MS);
	assert_int_equal(parse("fping -t 300 -c 3 -p 5000 a"), FPING_PARSE_RUN);
	assert_int_equal(o.timeout_ns, 300 * MS);
	assert_true(cfg.timeout_s == 0.3);

	assert_int_equal(parse("fping -C 4 -q a"), FPING_PARSE_RUN);
	assert_int_equal(cfg.count, 4);
	assert_true(o.report_all_rtts);
	assert_false(o.per_recv);
	assert_true(o.quiet);
	assert_true(cfg.quiet);

	/* -a/-u are dropped in count mode, and take the per-reply lines with them */
	assert_int_equal(parse("fping -c 2 -a a"), FPING_PARSE_RUN);
	assert_false(o.alive);
	assert_false(o.per_recv);
	assert_false(o.verbose);
}

static void test_loop_mode(void **state)
{
	(void)state;
	assert_int_equal(parse("fping -l -p 250 a"), FPING_PARSE_RUN);
	assert_int_equal(o.mode, FPING_MODE_LOOP);
	assert_int_equal(cfg.count, 0);
	assert_true(cfg.interval_s == 0.25);
	assert_true(o.per_recv);
	assert_true(cfg.report_s == 0);
	assert_int_equal(parse("fping -l -Q 2 a"), FPING_PARSE_RUN);
	assert_false(o.per_recv);
	assert_true(cfg.report_s == 2.0);
	assert_int_equal(o.report_ns, 2000 * MS);
	/* -Q outside count/loop mode is only -q */
	assert_int_equal(parse("fping -Q 2 a"), FPING_PARSE_RUN);
	assert_true(cfg.report_s == 0);
	assert_true(o.quiet);
}

static void test_probe_options(void **state)
{
	(void)state;
	assert_int_equal(parse("fping -b 100 -H 7 -I lo -r 1 -B 2 -t 50 -O 0x10 -S 10.0.0.9 -e -s -D -4 a"),
			 FPING_PARSE_RUN);
	assert_int_equal(cfg.size, 100);
	assert_int_equal(cfg.ttl, 7);
	assert_string_equal(cfg.ifname, "lo");
	assert_int_equal(o.retry, 1);
	assert_true(o.backoff == 2.0);
	assert_int_equal(o.timeout_ns, 50 * MS);
	assert_true(o.tos_set);
	assert_int_equal(o.tos, 16);
	assert_true(o.src_set);
	assert_true(o.elapsed && o.stats && o.timestamp);
	assert_int_equal(cfg.family, AF_INET);
	assert_int_equal(o.tick_ns, 10 * MS);
	/* a timeout under 40 ms gets a finer tick: a quarter of it */
	assert_int_equal(parse("fping -t 20 a"), FPING_PARSE_RUN);
	assert_int_equal(o.tick_ns, 5 * MS);
	assert_int_equal(parse("fping -6 -S ::1 a"), FPING_PARSE_RUN);
	assert_int_equal(cfg.family, AF_INET6);
	assert_true(o.src6_set);
	/* long names; options after the targets, as fping permutes them */
	assert_int_equal(parse("fping a --count=2 --period 20 b -q"), FPING_PARSE_RUN);
	assert_int_equal(cfg.count, 2);
	assert_int_equal(o.period_ns, 20 * MS);
	assert_true(o.quiet);
	assert_int_equal(o.n_args, 2);
	/* accepted, no effect */
	assert_int_equal(parse("fping -i 5 -R -m -T 3 a"), FPING_PARSE_RUN);
	assert_int_equal(o.interval_ns, 5 * MS);
	/* any int: the sockets judge it (fping warns about the IPv6 class and probes) */
	assert_int_equal(parse("fping -O 300 a"), FPING_PARSE_RUN);
	assert_int_equal(o.tos, 300);
	assert_int_equal(parse("fping -O -5 a"), FPING_PARSE_RUN);
	assert_int_equal(o.tos, -5);
	/* a name with fping6 in it is fping -6 */
	assert_int_equal(parse("fping a"), FPING_PARSE_RUN);
	assert_int_equal(cfg.family, 0);
	assert_int_equal(parse("/usr/bin/fping6 a"), FPING_PARSE_RUN);
	assert_int_equal(cfg.family, AF_INET6);
	assert_int_equal(parse("fping6 -6 a"), FPING_PARSE_RUN);
	assert_int_equal(cfg.family, AF_INET6);
}

static void test_targets(void **state)
{
	(void)state;
	/* no target: read stdin */
	assert_int_equal(parse("fping -c 1"), FPING_PARSE_RUN);
	assert_string_equal(o.file, "-");
	assert_int_equal(parse("fping -f list"), FPING_PARSE_RUN);
	assert_string_equal(o.file, "list");
	assert_int_equal(parse("fping -g 10.0.0.0/30"), FPING_PARSE_RUN);
	assert_true(o.generate);
	assert_null(o.file);
}

static void test_gather(void **state)
{
	struct name_list l = { 0 };

	(void)state;
	assert_int_equal(parse("fping -g 10.0.0.0/30"), FPING_PARSE_RUN);
	assert_int_equal(fping_gather_names(&o, &l, err, sizeof(err)), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0], "10.0.0.1");
	assert_string_equal(l.v[1], "10.0.0.2");
	name_list_free(&l);
	/* /31 and /32 keep every address; the host bits of the base are ignored */
	assert_int_equal(parse("fping -g 10.0.0.5/31"), FPING_PARSE_RUN);
	assert_int_equal(fping_gather_names(&o, &l, err, sizeof(err)), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0], "10.0.0.4");
	assert_string_equal(l.v[1], "10.0.0.5");
	name_list_free(&l);
	assert_int_equal(parse("fping -g 10.0.0.254 10.0.1.1"), FPING_PARSE_RUN);
	assert_int_equal(fping_gather_names(&o, &l, err, sizeof(err)), 0);
	assert_int_equal(l.n, 4);
	assert_string_equal(l.v[0], "10.0.0.254");
	assert_string_equal(l.v[3], "10.0.1.1");
	name_list_free(&l);
	/* an end before the start generates nothing, as in fping */
	assert_int_equal(parse("fping -g 10.0.0.9 10.0.0.1"), FPING_PARSE_RUN);
	assert_int_equal(fping_gather_names(&o, &l, err, sizeof(err)), 0);
	assert_int_equal(l.n, 0);
	name_list_free(&l);
	assert_int_equal(parse("fping -g 10.0.0.0 10.2.0.0"), FPING_PARSE_RUN);
	assert_int_equal(fping_gather_names(&o, &l, err, sizeof(err)), FPING_EXIT_USAGE);
	assert_string_equal(err, "fping: -g parameter generates too many addresses");
	name_list_free(&l);
	assert_int_equal(parse("fping -g 10.0.0.0/33"), FPING_PARSE_RUN);
	assert_int_equal(fping_gather_names(&o, &l, err, sizeof(err)), FPING_EXIT_USAGE);
	assert_string_equal(err, "fping: netmask must be between 1 and 32 (is: 33)");
	name_list_free(&l);
	assert_int_equal(parse("fping -g ::1/120"), FPING_PARSE_RUN);
	assert_int_equal(fping_gather_names(&o, &l, err, sizeof(err)), FPING_EXIT_USAGE);
	assert_string_equal(err, "fping: -g works only with IPv4 addresses");
	name_list_free(&l);
	assert_int_equal(parse("fping -f /nonexistent/list"), FPING_PARSE_RUN);
	assert_int_equal(fping_gather_names(&o, &l, err, sizeof(err)), FPING_EXIT_SYSTEM);
	assert_string_equal(err, "fping: fopen : No such file or directory");
	name_list_free(&l);
}

static void test_file(void **state)
{
	char path[] = "/tmp/test_fping_options.XXXXXX";
	struct name_list l = { 0 };
	FILE *f;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs("# a comment\n10.0.0.1\n\n   host.example  words after\n#10.0.0.2\n\t10.0.0.3\n", f);
	fclose(f);
	assert_int_equal(parse("fping -f x"), FPING_PARSE_RUN);
	o.file = path;
	assert_int_equal(fping_gather_names(&o, &l, err, sizeof(err)), 0);
	unlink(path);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[0], "10.0.0.1");
	assert_string_equal(l.v[1], "host.example");
	assert_string_equal(l.v[2], "10.0.0.3");
	name_list_free(&l);
}

static void test_errors(void **state)
{
	(void)state;
	/* fping 5.1's words; where it prints its usage, the bad value and its -h hint */
	expect_error("fping -Z a", "fping: invalid option -- 'Z'\n" HINT);
	expect_error("fping --bogus a", "fping: invalid option -- 'bogus'\n" HINT);
	expect_error("fping -c", "fping: option requires an argument -- 'c'\n" HINT);
	expect_error("fping a --count", "fping: option requires an argument -- 'count'\n" HINT);
	expect_error("fping -c 0 a", "fping: invalid argument '0' for -c\n" HINT);
	expect_error("fping -c x a", "fping: invalid argument 'x' for -c\n" HINT);
	expect_error("fping -p -5 a", "fping: invalid argument '-5' for -p\n" HINT);
	expect_error("fping -t abc a", "fping: invalid argument 'abc' for -t\n" HINT);
	expect_error("fping -O abc a", "fping: invalid argument 'abc' for -O\n" HINT);
	expect_error("fping -a -u a", "fping: specify only one of a, u");
	expect_error("fping -c 2 -l a", "fping: specify only one of c, l");
	expect_error("fping -n -d a", "fping: use either one of -d or -n");
	expect_error("fping -4 -6 a", "fping: can't specify both -4 and -6");
	expect_error("fping6 -4 a", "fping6: can't specify both -4 and -6");
	expect_error("fping -H 300 a", "fping: ttl 300 out of range");
	expect_error("fping -H 0 a", "fping: invalid argument '0' for -H\n" HINT);
	expect_error("fping -b 65489 a", "fping: data size 65489 not valid, must be lower than 65488");
	expect_error("fping -B 6 a", "fping: backoff factor 6.0 not valid, must be between 1.0 and 5.0");
	expect_error("fping -B 0.5 a", "fping: backoff factor 0.5 not valid, must be between 1.0 and 5.0");
	expect_error("fping -S nowhere a", "fping: can't parse source address: nowhere");
	expect_error("fping -N -l -Q 1 a", "fping: -N (netdata output) is not supported");
	expect_error("fping -I nosuchif0 a", "binding to specific interface (SO_BINTODEVICE): No such device");
	assert_int_equal(parse("fping -f x a"), FPING_PARSE_ERROR);
	assert_int_equal(parse("fping -f x -g 10.0.0.0/30"), FPING_PARSE_ERROR);
	assert_int_equal(parse("fping -g"), FPING_PARSE_ERROR);
	assert_int_equal(parse("fping -g 10.0.0.1 10.0.0.2 10.0.0.3"), FPING_PARSE_ERROR);
	/* fping's limit is the largest payload of an IPv6 packet */
	assert_int_equal(parse("fping -b 65488 a"), FPING_PARSE_RUN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_mode),
		cmocka_unit_test(test_count_mode),
		cmocka_unit_test(test_loop_mode),
		cmocka_unit_test(test_probe_options),
		cmocka_unit_test(test_targets),
		cmocka_unit_test(test_gather),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
