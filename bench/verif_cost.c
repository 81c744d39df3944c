// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * What loading icmpmon's BPF object costs, program by program: each program
 * is loaded alone from a fresh skeleton (the others' autoload off), with the
 * loader's rodata, and the verifier's work is read back (verified_insns from
 * bpf_prog_info) with the wall time of the load. The last line loads what a
 * default run on an Ethernet interface loads (as the loader decides), so the
 * sum can be compared with a real start.
 *
 * Output: TSV on stdout (prog, verified_insns, xlated_insns, load_ms), the
 * median of --rounds loads. Needs root.
 *
 *   verif_cost [--rounds N]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "bpf/icmpmon.h"
#include "icmpmon.skel.h"

#define MAX_ROUNDS 15

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int silent(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * Loads the programs whose names are in keep (NULL-terminated); returns the
 * load time in ms, and the summed verified/xlated instruction counts.
 */
static double load_some(const char *const *keep, unsigned long *verified, unsigned long *xlated)
{
	struct icmpmon_bpf *skel = icmpmon_bpf__open();
	struct bpf_program *p;
	double t0, t;
	int i, on;

	if (!skel) {
		fprintf(stderr, "verif_cost: cannot open the object: %s\n", strerror(errno));
		exit(1);
	}
	skel->rodata->run_id = 0xbeef;
	skel->rodata->run_cookie = 0x216e6f6d706d6369ULL;
	skel->rodata->cookie_len = ICMPMON_COOKIE_LEN;
	bpf_object__for_each_program(p, skel->obj) {
		on = 0;
		for (i = 0; keep[i]; i++)
			on |= !strcmp(bpf_program__name(p), keep[i]);
		bpf_program__set_autoload(p, on);
	}
	t0 = now_ms();
	if (icmpmon_bpf__load(skel)) {
		fprintf(stderr, "verif_cost: cannot load %s: %s\n", keep[0], strerror(errno));
		exit(1);
	}
	t = now_ms() - t0;
	*verified = *xlated = 0;
	bpf_object__for_each_program(p, skel->obj) {
		struct bpf_prog_info info;
		__u32 len = sizeof(info);

		if (bpf_program__fd(p) < 0)
			continue;
		memset(&info, 0, sizeof(info));
		if (!bpf_obj_get_info_by_fd(bpf_program__fd(p), &info, &len)) {
			*verified += info.verified_insns;
			*xlated += info.xlated_prog_len / 8;
		}
	}
	icmpmon_bpf__destroy(skel);
	return t;
}

static void row(const char *label, const char *const *keep, int rounds)
{
	double ms[MAX_ROUNDS];
	unsigned long v = 0, x = 0;
	int i;

	for (i = 0; i < rounds; i++)
		ms[i] = load_some(keep, &v, &x);
	qsort(ms, (size_t)rounds, sizeof(ms[0]), cmp_double);
	printf("%s\t%lu\t%lu\t%.1f\n", label, v, x, ms[rounds / 2]);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	static const char *const progs[] = { "icmpmon_xdp", "icmpmon_xdp_l3", "icmpmon_tc_in", "icmpmon_tcin_l3",
					     "icmpmon_egress", "icmpmon_egr_l3" };
	static const char *const all[] = { "icmpmon_xdp", "icmpmon_xdp_l3", "icmpmon_tc_in", "icmpmon_tcin_l3",
					   "icmpmon_egress", "icmpmon_egr_l3", NULL };
	static const char *const eth_xdp[] = { "icmpmon_xdp", "icmpmon_egress", NULL };
	const char *one[2] = { NULL, NULL };
	int rounds = 3;
	size_t i;

	if (argc == 3 && !strcmp(argv[1], "--rounds"))
		rounds = atoi(argv[2]);
	if (rounds < 1 || rounds > MAX_ROUNDS) {
		fprintf(stderr, "usage: verif_cost [--rounds 1..%d]\n", MAX_ROUNDS);
		return 2;
	}
	libbpf_set_print(silent);
	printf("prog\tverified_insns\txlated_insns\tload_ms\n");
	/* The whole object first: also what makes every later open warm. */
	row("all six", all, rounds);
	for (i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		one[0] = progs[i];
		row(progs[i], one, rounds);
	}
	row("xdp+egress", eth_xdp, rounds);
	return 0;
}
