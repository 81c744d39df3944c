/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Command line of the fping personality: fping 5.1's options mapped onto a
 * struct config, plus what only the fping sink needs (struct fping_opts,
 * reached through cfg->sink_opts).
 */
#ifndef ICMPMON_FPING_OPTIONS_H
#define ICMPMON_FPING_OPTIONS_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "target_source.h"

/* fping 5.1's defaults */
#define FPING_DEFAULT_PERIOD_MS 1000
#define FPING_DEFAULT_INTERVAL_MS 10
#define FPING_DEFAULT_TIMEOUT_MS 500
#define FPING_AUTOTUNE_TIMEOUT_MAX_MS 2000
#define FPING_DEFAULT_RETRY 3
#define FPING_DEFAULT_BACKOFF 1.5
#define FPING_MIN_BACKOFF 1.0
#define FPING_MAX_BACKOFF 5.0
#define FPING_DEFAULT_SIZE 56
#define FPING_MAX_DATA (65536 - 40 - 8)
#define FPING_MAX_GENERATE 100000
#define FPING_VERSION "5.1"

/* fping's exit statuses */
#define FPING_EXIT_OK 0
#define FPING_EXIT_UNREACHABLE 1
#define FPING_EXIT_NOADDRESS 2
#define FPING_EXIT_USAGE 3
#define FPING_EXIT_SYSTEM 4

enum fping_mode {
	FPING_MODE_ALIVE, /* default: is it alive, with retries */
	FPING_MODE_COUNT, /* -c / -C */
	FPING_MODE_LOOP,  /* -l */
};

struct fping_opts {
	const char *prog;        /* argv[0]: fping's messages start with it */
	enum fping_mode mode;
	long count;              /* -c / -C */
	int report_all_rtts;     /* -C */
	/* fping's output switches, after its own post-processing of the options */
	int verbose;             /* "is alive" / "is unreachable" lines */
	int quiet;               /* -q / -Q: no warnings either */
	int per_recv;            /* per-reply and "timed out" lines */
	int alive, unreach;      /* -a / -u */
	int elapsed;             /* -e */
	int stats;               /* -s */
	int timestamp;           /* -D */
	int outage;              /* -o */
	int name_flag, rdns_flag, addr_flag; /* -n / -d / -A */
	unsigned retry;          /* -r */
	double backoff;          /* -B */
	int64_t timeout_ns;      /* -t, or fping's auto-tuned value in count/loop mode */
	int64_t period_ns;       /* -p */
	int64_t interval_ns;     /* -i (accepted, see fping_options.c) */
	int64_t report_ns;       /* -Q */
	int64_t tick_ns;         /* default mode: how often a target's retry is considered */
	unsigned min_reachable;  /* -x */
	int tos_set, tos;        /* -O */
	int src_set, src6_set;   /* -S (an IPv4 or an IPv6 address) */
	struct in_addr src;
	struct in6_addr src6;
	int dontfrag;            /* -M */
	int generate;            /* -g */
	const char *file;        /* -f, "-" when no target is given */
	char **args;             /* the operands: targets, or -g's range */
	int n_args;
};

enum fping_parse_result {
	FPING_PARSE_RUN = 0,  /* cfg and o are ready */
	FPING_PARSE_EXIT = 1, /* -h or -v printed: exit 0 */
	FPING_PARSE_ERROR = 2 /* err holds one line (without the program name): exit 3 */
};

/* Parses fping's argv (argv[0] included) into cfg (defaults first) and o. */
enum fping_parse_result fping_parse(int argc, char **argv, struct config *cfg, struct fping_opts *o,
				    char *err, size_t errlen);

/*
 * The target names: the operands, -f FILE (fping's rules: first word of a
 * line, lines starting with '#' skipped) or -g. Returns 0, FPING_EXIT_USAGE
 * (bad -g range) or FPING_EXIT_SYSTEM (unreadable file); err holds one line.
 */
int fping_gather_names(const struct fping_opts *o, struct name_list *names, char *err, size_t errlen);

/* Sizes the run for n targets once the names are known (default mode's probe table). */
void fping_size_run(const struct fping_opts *o, struct config *cfg, uint32_t n);

void fping_usage(FILE *out, const char *prog);

#endif /* ICMPMON_FPING_OPTIONS_H */
