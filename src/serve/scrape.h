/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* A run as one Prometheus scrape: the run's numbers handed to output/prometheus. */
#ifndef ICMPMON_SERVE_SCRAPE_H
#define ICMPMON_SERVE_SCRAPE_H

#include <stddef.h>
#include <stdio.h>

struct run;
struct scrape;

/*
 * A scrape of r written a piece at a time (output/prometheus.h,
 * metrics_stream): what it exports (label mode, histograms, the run's
 * numbers) is fixed when it starts, the targets' counters are read as each
 * piece is written. The caller holds run_slots_lock() around scrape_start and
 * each scrape_fill, never in between, so a SIGHUP reload waits for one piece
 * at most (a scrape that spans a reload shows some families before it and
 * some after). NULL when out of memory.
 */
struct scrape *scrape_start(const struct run *r, int pb);
/* Writes the next piece; 1 when there is one, 0 at the end, -1 out of memory. */
int scrape_fill(struct scrape *s);
/* Copies up to max bytes of the piece written into dst (no lock needed); 0: fill first. */
size_t scrape_read(struct scrape *s, char *dst, size_t max);
void scrape_free(struct scrape *s);

/* The whole scrape into f at once (tests); the caller holds run_slots_lock() when another thread may reload. */
void metrics_write(FILE *f, const struct run *r);
/* The same in the protobuf exposition; -1 when out of memory. */
int metrics_write_pb(FILE *f, const struct run *r);

#endif
