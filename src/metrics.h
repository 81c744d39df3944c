/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Prometheus text exposition (format 0.0.4) of a run: pure formatting, no
 * I/O besides the FILE it writes to, so it can be tested on a hand-built
 * struct run. The HTTP side is exporter.c; docs/fleet.md lists the metrics.
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

#include "icmpmon.h"

struct run;

#define METRICS_MAX_BUCKETS 64
#define METRICS_DEFAULT_PORT 9374
/* 50 us doubling: 50 us, 100 us, ... 26.2144 s. */
#define METRICS_DEFAULT_BUCKETS 20

/* The histogram's upper bounds in seconds: --metrics-buckets, or the default when n == 0. */
int metrics_buckets(const double *cfg_le, int cfg_n, double *le);

/*
 * "--metrics" value: PORT, :PORT or A.B.C.D:PORT; the address defaults to
 * 127.0.0.1. addr is in network order.
 */
int metrics_parse_listen(const char *s, uint32_t *addr, int *port, char *err, size_t errlen);
/* "--metrics-buckets" value: comma-separated seconds, > 0 and increasing. */
int metrics_parse_buckets(const char *s, double *le, int *n, char *err, size_t errlen);

struct config;
/* Combinations of --metrics, --metrics-buckets, --daemon, --max-targets that make no sense; --daemon implies -q. */
int metrics_check_config(struct config *cfg, char *err, size_t errlen);

/* Prometheus bucket counts: out[k] = first replies whose bucket fits under le[k] (cumulative). */
void metrics_hist_cumulative(const struct target_stats *s, const double *le, int n_le, uint64_t *out);

/* Escapes a label value (\\, \" and \n) into f. */
void metrics_label_value(FILE *f, const char *v);

/* Kernel-wide counters (loader_counter), as the icmpmon_*_total families without labels. */
void metrics_write_kernel(FILE *f, const uint64_t counters[ICMPMON_CNT_MAX]);

/* Every family for the run: per-target counters, the RTT histogram, gauges, kernel counters. */
void metrics_write(FILE *f, const struct run *r);

#endif /* ICMPMON_METRICS_H */
