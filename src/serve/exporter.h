/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * --metrics: an HTTP server (libmicrohttpd, one internal thread) serving
 * /metrics in the Prometheus text format and /-/healthy. A scrape reads the
 * kernel's mmap-ed aggregates and the targets' userland counters without
 * locks and never blocks probing; the one lock it takes (run_slots_lock) is
 * held by the probing thread only while a SIGHUP reload rewrites the target
 * slots. Binding is a setup step (a bind failure is a setup error); serving
 * starts from the probing loop, once privileges are dropped.
 */
#ifndef ICMPMON_EXPORTER_H
#define ICMPMON_EXPORTER_H

#include "engine/run.h"

/* Nothing happens when cfg->metrics_port is 0. */
extern const struct run_service exporter_service;

#endif /* ICMPMON_EXPORTER_H */
