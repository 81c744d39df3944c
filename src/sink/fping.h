/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef ICMPMON_SINK_FPING_H
#define ICMPMON_SINK_FPING_H

#include <netinet/in.h>
#include <stdint.h>

#include "engine/run.h"

/* fping 5.1's exit statuses (its man page says 3 for bad arguments; the binary exits 1) */
#define FPING_EXIT_OK 0
#define FPING_EXIT_UNREACHABLE 1
#define FPING_EXIT_NOADDRESS 2
#define FPING_EXIT_USAGE 1
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
	int64_t interval_ns;     /* -i (accepted, see cli/fping_options.c) */
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

/*
 * fping 5.1's text and exit status: "is alive" lists with retries and
 * backoff (default mode), per-reply lines and summaries (-c, -C, -l), -Q
 * interval blocks, -s global statistics. Needs cfg->sink_opts to point at the
 * struct fping_opts that fping_parse() filled. One run per process.
 */
extern const struct sink sink_fping;

/* Whether the run got as far as the sink's finish (its status is fping's). */
int sink_fping_finished(void);

#endif
