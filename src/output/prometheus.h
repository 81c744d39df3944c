/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Prometheus text exposition (format 0.0.4): pure formatting of a scrape
 * (struct metrics_scrape), no I/O besides the FILE it writes to. The run is
 * turned into a scrape by serve/scrape.c, served by serve/exporter.c;
 * docs/fleet.md lists the metrics.
 *
 * Histogram rule: icmpmon's log-linear bucket i holds the RTTs
 * [lower_i, lower_i + width_i) in whole nanoseconds. A reply counts in the
 * Prometheus bucket le=L when every value its own bucket can hold is <= L,
 * that is lower_i + width_i - 1 <= L (L rounded to whole nanoseconds). A
 * bucket that straddles L is counted in the next le only, so le=L is exact
 * up to the straddling bucket (at most 1/16 of L wide): it never counts a
 * reply above L, it may leave out replies at most L/16 below it. The last
 * bucket also takes every RTT above 34 s and so counts in +Inf only.
 */
#ifndef ICMPMON_METRICS_H
#define ICMPMON_METRICS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bpf/icmpmon.h"

#define METRICS_MAX_BUCKETS 64
/* 50 us doubling: 50 us, 100 us, ... 26.2144 s. */
#define METRICS_DEFAULT_BUCKETS 20

/* One target slot in use, as a scrape sees it. */
struct metrics_target {
	const char *addr, *host, *ifname;
	const struct target_stats *stats; /* live: read with relaxed atomic loads */
	uint64_t sent, timeouts, send_errors;
};

/* What one scrape shows: the targets through a callback, the rest as numbers. */
struct metrics_scrape {
	uint32_t slots;
	/* Fills t for slot i and returns 1, or returns 0 when slot i is free. */
	int (*target)(const void *ctx, uint32_t i, struct metrics_target *t);
	const void *ctx;
	const double *le; /* histogram bounds in seconds */
	int n_le;
	uint64_t outstanding;
	uint64_t reloads_ok, reloads_failed, over_capacity;
	int has_kernel;   /* kernel mode: kernel[] holds the global counters */
	uint64_t kernel[ICMPMON_CNT_MAX];
	uint64_t start_real_ns; /* 0 before the first probe */
	const char *tx_stamp;   /* icmpmon_build_info labels: run_tx_stamp(), run_rtt_from() */
	const char *rtt_from;
};

/* The histogram's upper bounds in seconds: --metrics-buckets, or the default when n == 0. */
int metrics_buckets(const double *cfg_le, int cfg_n, double *le);

/* Prometheus bucket counts: out[k] = first replies whose bucket fits under le[k] (cumulative). */
void metrics_hist_cumulative(const struct target_stats *s, const double *le, int n_le, uint64_t *out);

/* Escapes a label value (\\, \" and \n) into f. */
void metrics_label_value(FILE *f, const char *v);

/* Kernel-wide counters (loader_counter), as the icmpmon_*_total families without labels. */
void metrics_write_kernel(FILE *f, const uint64_t counters[ICMPMON_CNT_MAX]);

/* Every family: per-target counters, the RTT and host queue histograms, gauges, kernel counters. */
void metrics_write_scrape(FILE *f, const struct metrics_scrape *m);

#endif /* ICMPMON_METRICS_H */
