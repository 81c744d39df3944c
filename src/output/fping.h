/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Text output of the fping personality, line for line as fping 5.1 prints it.
 * Pure formatting: every function takes numbers (times in nanoseconds, counts
 * as fping keeps them) and a FILE*, so the unit tests can pin each format.
 */
#ifndef ICMPMON_OUTPUT_FPING_H
#define ICMPMON_OUTPUT_FPING_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

/* Big enough for any fping_format_ms() result ("%.3e" of a huge value, sign). */
#define FPING_MS_LEN 32

/*
 * A time in ms as fping's sprint_tm() renders it: %.3f below 1 ms, %.2f below
 * 10, %.1f below 100, %.0f below 10^6, %.3e above; negative values %.2g.
 * Returns buf.
 */
char *fping_format_ms(char *buf, size_t len, int64_t ns);

/* -D prefix "[1700000000.12345] " (wall clock, seconds with 5 decimals). */
void fping_print_stamp(FILE *f, int64_t real_ns);

/* Default mode: "host is alive" ("host" with -a), " (0.045 ms)" with -e. */
void fping_print_alive(FILE *f, const char *host, int verbose, int elapsed, int64_t rtt_ns);
/* "host is unreachable" ("host" with -u). */
void fping_print_unreachable(FILE *f, const char *host, int verbose);

/* The state of one target when a per-probe line is printed (fping's counters). */
struct fping_counts {
	int sent;        /* probes settled: answered, timed out or failed to send */
	int recv;        /* first replies that counted */
	int recv_total;  /* every reply, duplicates and late ones included */
	int64_t total_ns; /* sum of counted RTTs */
};

/* -c/-C/-l: "host : [0], 64 bytes, 0.045 ms (0.045 avg, 0% loss)". width pads host. */
void fping_print_reply(FILE *f, const char *host, int width, int index, int bytes, int64_t rtt_ns,
		       const struct fping_counts *c);
/* -c/-C/-l: "host : [1], timed out (0.045 avg, 50% loss)" ("NaN avg" before any reply). */
void fping_print_timeout(FILE *f, const char *host, int width, int index, const struct fping_counts *c);
/* Outside the per-reply modes, on stderr: "host : duplicate for [0], 64 bytes, 0.045 ms". */
void fping_print_duplicate(FILE *f, const char *host, int index, int bytes, int64_t rtt_ns);

/* One target's totals (or one -Q interval's), as fping keeps them. */
struct fping_host_stats {
	int sent, recv;
	int64_t min_ns, max_ns, total_ns;
	int outage;          /* -o: add ", outage(ms) = N" */
	int64_t period_ns;   /* -p, for the outage */
};

/* "host : xmt/rcv/%loss = 3/3/0%, min/avg/max = 0.031/0.040/0.051" (with its newline). */
void fping_print_host_stats(FILE *f, const char *host, int width, const struct fping_host_stats *s);
/*
 * -C: "host : 0.031 0.040 -". rtts[j] >= 0 is a reply time in ns, anything
 * negative a probe without one.
 */
void fping_print_host_rtts(FILE *f, const char *host, int width, const int64_t *rtts, int n);
/* -Q interval header "[HH:MM:SS]". */
void fping_print_split_header(FILE *f, const struct tm *tm);

struct fping_global_stats {
	int targets, alive, unreachable, unknown;
	int timeouts, sent, received, other_icmp;
	int64_t min_ns, max_ns, sum_ns, replies; /* over counted replies of every target */
	int64_t elapsed_ns;
};

/* -s: the block from its leading blank line to its trailing one. */
void fping_print_global_stats(FILE *f, const struct fping_global_stats *g);

/*
 * fping's name for an ICMP error about one of its echo requests, or NULL for
 * a type fping does not report (it neither prints nor counts those).
 */
const char *fping_icmp_error_text(int type, int code);
/* "ICMP Host Unreachable from 10.0.0.1 for ICMP Echo sent to host" (with its newline). */
void fping_print_icmp_error(FILE *f, const char *text, const char *from, const char *host);

/* -x: "Enough hosts reachable (required: 2, reachable: 3)" or "Not enough ...". */
void fping_print_reachable(FILE *f, int required, int reachable);

#endif /* ICMPMON_OUTPUT_FPING_H */
