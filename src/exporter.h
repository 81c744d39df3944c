/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * --metrics: an HTTP server (libmicrohttpd, one internal thread) serving
 * /metrics in the Prometheus text format and /-/healthy. A scrape reads the
 * kernel's mmap-ed aggregates and the targets' userland counters without
 * locks and never blocks probing; the one lock it takes is held by the
 * probing thread only while a SIGHUP reload rewrites the target slots.
 */
#ifndef ICMPMON_EXPORTER_H
#define ICMPMON_EXPORTER_H

#include <stddef.h>

struct run;

/* Binds cfg->metrics_addr:port (setup: a bind failure is a setup error); nothing when --metrics is off. */
int exporter_start(struct run *r, char *err, size_t errlen);
/* Starts serving on it: from the probing loop, once privileges are dropped. err: one line. */
int exporter_serve(struct run *r, char *err, size_t errlen);
void exporter_stop(struct run *r);
/* Around changes of the target slots (reload.c); no-ops without an exporter. */
void exporter_lock(struct run *r);
void exporter_unlock(struct run *r);
/* Per-slot interface label: recomputed for slot idx after a reload filled it. */
void exporter_target_changed(struct run *r, unsigned idx, int ifindex);

#endif /* ICMPMON_EXPORTER_H */
