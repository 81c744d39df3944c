// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* --metrics, --metrics-buckets, --daemon, --max-targets: parsing and the combinations that make sense. */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/metrics_options.h"
#include "output/prometheus.h"
#include "util/fail.h"
#include "util/labels.h"

static int invalid(char *err, size_t errlen, const char *what, const char *s, const char *why)
{
	return fail_line(err, errlen, "invalid %s '%s': %s", what, s, why);
}

int metrics_parse_listen(const char *s, uint32_t *addr, int *port, char *err, size_t errlen)
{
	const char *colon = strrchr(s, ':'), *p = colon ? colon + 1 : s;
	char host[INET_ADDRSTRLEN];
	struct in_addr a = { .s_addr = htonl(INADDR_LOOPBACK) };
	char *end;
	long v;

	if (colon && colon != s) {
		size_t len = (size_t)(colon - s);

		if (len >= sizeof(host))
			return invalid(err, errlen, "--metrics", s, "expected [A.B.C.D]:PORT (IPv4)");
		memcpy(host, s, len);
		host[len] = 0;
		if (inet_pton(AF_INET, host, &a) != 1)
			return invalid(err, errlen, "--metrics", s, "expected [A.B.C.D]:PORT (IPv4)");
	}
	errno = 0;
	v = strtol(p, &end, 10);
	if (errno || end == p || *end || *p < '0' || *p > '9' || v < 1 || v > 65535)
		return invalid(err, errlen, "--metrics", s, "expected [A.B.C.D]:PORT with PORT 1..65535");
	*addr = a.s_addr;
	*port = (int)v;
	return 0;
}

int metrics_parse_buckets(const char *s, double *le, int *n, char *err, size_t errlen)
{
	const char *p = s;
	int k = 0;

	if (!*s)
		return invalid(err, errlen, "--metrics-buckets", s, "expected seconds separated by commas");
	for (;;) {
		char *end;
		double v;

		errno = 0;
		v = strtod(p, &end);
		if (errno || end == p || (*end && *end != ',') || !isfinite(v) || v <= 0)
			return invalid(err, errlen, "--metrics-buckets", s, "expected positive seconds separated by commas");
		if (k && v <= le[k - 1])
			return invalid(err, errlen, "--metrics-buckets", s, "bounds must increase");
		if (k == METRICS_MAX_BUCKETS)
			return invalid(err, errlen, "--metrics-buckets", s, "at most 64 bounds");
		le[k++] = v;
		if (!*end)
			break;
		p = end + 1;
	}
	*n = k;
	return 0;
}

int metrics_parse_group_by(const char *s, struct config *cfg, char *err, size_t errlen)
{
	const char *p = s;
	int n = 0, k;

	for (;;) {
		size_t len = strcspn(p, ",");

		if (!labels_valid_name(p, len) || labels_reserved_name(p, len))
			return invalid(err, errlen, "--metrics-group-by", s, "expected label names of the targets file, comma-separated");
		for (k = 0; k < n; k++)
			if (strlen(cfg->metrics_group_by[k]) == len && !memcmp(cfg->metrics_group_by[k], p, len))
				return invalid(err, errlen, "--metrics-group-by", s, "a label given twice");
		if (n == LABELS_MAX)
			return invalid(err, errlen, "--metrics-group-by", s, "too many labels");
		memcpy(cfg->metrics_group_by[n], p, len);
		cfg->metrics_group_by[n][len] = '\0';
		n++;
		if (!p[len])
			break;
		p += len + 1;
	}
	cfg->n_metrics_group_by = n;
	return 0;
}

int metrics_parse_target_hist(const char *s, int *out, char *err, size_t errlen)
{
	if (!strcmp(s, "auto"))
		*out = METRICS_HIST_AUTO;
	else if (!strcmp(s, "always"))
		*out = METRICS_HIST_ALWAYS;
	else if (!strcmp(s, "never"))
		*out = METRICS_HIST_NEVER;
	else
		return invalid(err, errlen, "--metrics-target-histograms", s, "expected auto, always or never");
	return 0;
}

int metrics_parse_target_labels(const char *s, int *out, char *err, size_t errlen)
{
	if (!strcmp(s, "auto"))
		*out = METRICS_LABELS_AUTO;
	else if (!strcmp(s, "inline"))
		*out = METRICS_LABELS_INLINE;
	else if (!strcmp(s, "info"))
		*out = METRICS_LABELS_INFO;
	else
		return invalid(err, errlen, "--metrics-target-labels", s, "expected auto, inline or info");
	return 0;
}

int metrics_check_config(struct config *cfg, char *err, size_t errlen)
{
	const char *clash = NULL;

	_Static_assert(sizeof(cfg->metrics_le) / sizeof(cfg->metrics_le[0]) == METRICS_MAX_BUCKETS,
		       "config's bucket array");
	if (cfg->n_metrics_le && !cfg->metrics_port) {
		snprintf(err, errlen, "--metrics-buckets needs --metrics");
		return -1;
	}
	if ((cfg->n_metrics_group_by || cfg->metrics_target_hist != METRICS_HIST_AUTO ||
	     cfg->metrics_target_labels != METRICS_LABELS_AUTO) && !cfg->metrics_port) {
		snprintf(err, errlen, "--metrics-group-by, --metrics-target-histograms and --metrics-target-labels need --metrics");
		return -1;
	}
	if (cfg->max_targets && !(cfg->daemon && cfg->n_files && (cfg->mode == RX_KERNEL || cfg->mode == RX_AUTO))) {
		snprintf(err, errlen, "--max-targets needs --daemon, --file and --mode kernel (it sizes the slots SIGHUP fills)");
		return -1;
	}
	if (!cfg->daemon)
		return 0;
	if (cfg->count)
		clash = "-c (it runs until SIGTERM; -w bounds it)";
	else if (cfg->flood)
		clash = "-f";
	else if (cfg->json)
		clash = "--json";
	else if (cfg->hist)
		clash = "--hist";
	else if (cfg->report_s > 0)
		clash = "--report";
	if (clash) {
		snprintf(err, errlen, "--daemon prints nothing per reply and no summary: drop %s", clash);
		return -1;
	}
	cfg->quiet = 1;
	return 0;
}
