/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Command-line side of the Prometheus exporter and the service mode. */
#ifndef ICMPMON_CLI_METRICS_OPTIONS_H
#define ICMPMON_CLI_METRICS_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "engine/config.h"

#define METRICS_DEFAULT_PORT 9374

/*
 * "--metrics" value: PORT, :PORT or A.B.C.D:PORT; the address defaults to
 * 127.0.0.1. addr is in network order.
 */
int metrics_parse_listen(const char *s, uint32_t *addr, int *port, char *err, size_t errlen);
/* "--metrics-buckets" value: comma-separated seconds, > 0 and increasing. */
int metrics_parse_buckets(const char *s, double *le, int *n, char *err, size_t errlen);
/* "--metrics-group-by" value: comma-separated label names (the targets file's). */
int metrics_parse_group_by(const char *s, struct config *cfg, char *err, size_t errlen);
/* "--metrics-target-histograms" value: auto, always or never. */
int metrics_parse_target_hist(const char *s, int *out, char *err, size_t errlen);
/* "--metrics-target-labels" value: auto, inline or info. */
int metrics_parse_target_labels(const char *s, int *out, char *err, size_t errlen);
/* Combinations of --metrics, --metrics-buckets, --daemon, --max-targets that make no sense; --daemon implies -q. */
int metrics_check_config(struct config *cfg, char *err, size_t errlen);

#endif /* ICMPMON_CLI_METRICS_OPTIONS_H */
