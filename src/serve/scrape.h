/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* A run as one Prometheus scrape: the run's numbers handed to output/prometheus. */
#ifndef ICMPMON_SERVE_SCRAPE_H
#define ICMPMON_SERVE_SCRAPE_H

#include <stdio.h>

struct run;

/* Writes /metrics for r; the caller holds run_slots_lock() when another thread may reload. */
void metrics_write(FILE *f, const struct run *r);
/* The same in the protobuf exposition; -1 when out of memory. */
int metrics_write_pb(FILE *f, const struct run *r);

#endif
