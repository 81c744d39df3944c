// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Prometheus text exposition of a run (metrics.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "collector.h"
#include "hist.h"
#include "metrics.h"
#include "one_line.h"
#include "reload.h"
#include "run.h"
#include "version.h"

int metrics_buckets(const double *cfg_le, int cfg_n, double *le)
{
	int k;

	if (cfg_n > 0) {
		memcpy(le, cfg_le, (size_t)cfg_n * sizeof(*le));
		return cfg_n;
	}
	for (k = 0; k < METRICS_DEFAULT_BUCKETS; k++)
		le[k] = 50e-6 * (double)(1u << k);
	return METRICS_DEFAULT_BUCKETS;
}

static int fail(char *err, size_t errlen, const char *what, const char *s, const char *why)
{
	snprintf(err, errlen, "invalid %s '%s': %s", what, s, why);
	one_line(err);
	return -1;
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
			return fail(err, errlen, "--metrics", s, "expected [A.B.C.D]:PORT (IPv4)");
		memcpy(host, s, len);
		host[len] = 0;
		if (inet_pton(AF_INET, host, &a) != 1)
			return fail(err, errlen, "--metrics", s, "expected [A.B.C.D]:PORT (IPv4)");
	}
	errno = 0;
	v = strtol(p, &end, 10);
	if (errno || end == p || *end || *p < '0' || *p > '9' || v < 1 || v > 65535)
		return fail(err, errlen, "--metrics", s, "expected [A.B.C.D]:PORT with PORT 1..65535");
	*addr = a.s_addr;
	*port = (int)v;
	return 0;
}

int metrics_parse_buckets(const char *s, double *le, int *n, char *err, size_t errlen)
{
	const char *p = s;
	int k = 0;

	if (!*s)
		return fail(err, errlen, "--metrics-buckets", s, "expected seconds separated by commas");
	for (;;) {
		char *end;
		double v;

		errno = 0;
		v = strtod(p, &end);
		if (errno || end == p || (*end && *end != ',') || !isfinite(v) || v <= 0)
			return fail(err, errlen, "--metrics-buckets", s, "expected positive seconds separated by commas");
		if (k && v <= le[k - 1])
			return fail(err, errlen, "--metrics-buckets", s, "bounds must increase");
		if (k == METRICS_MAX_BUCKETS)
			return fail(err, errlen, "--metrics-buckets", s, "at most 64 bounds");
		le[k++] = v;
		if (!*end)
			break;
		p = end + 1;
	}
	*n = k;
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
	if (cfg->max_targets && !(cfg->daemon && cfg->n_files && cfg->mode == RX_KERNEL)) {
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

/* Largest RTT (ns) bucket idx can hold; the last bucket also takes every larger one. */
static uint64_t bucket_top_ns(uint32_t idx)
{
	if (idx == ICMPMON_HIST_BUCKETS - 1)
		return UINT64_MAX;
	return icmpmon_hist_lower_ns(idx) + icmpmon_hist_width_ns(idx) - 1;
}

static uint64_t le_ns(double le)
{
	double ns = floor(le * 1e9 + 0.5);

	return ns >= 1.8e19 ? UINT64_MAX - 1 : (uint64_t)ns;
}

void metrics_hist_cumulative(const struct target_stats *s, const double *le, int n_le, uint64_t *out)
{
	uint64_t cum = 0;
	uint32_t i = 0;
	int k;

	for (k = 0; k < n_le; k++) {
		uint64_t bound = le_ns(le[k]);

		for (; i < ICMPMON_HIST_BUCKETS && bucket_top_ns(i) <= bound; i++)
			cum += s->hist[i];
		out[k] = cum;
	}
}

void metrics_label_value(FILE *f, const char *v)
{
	for (; v && *v; v++) {
		if (*v == '\\')
			fputs("\\\\", f);
		else if (*v == '"')
			fputs("\\\"", f);
		else if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
}

static void family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A float as Prometheus clients print it: shortest form that reads back the same. */
static void print_float(FILE *f, double v)
{
	char buf[32];
	int prec;

	for (prec = 1; prec <= 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	fputs(buf, f);
}

static void print_seconds_ns(FILE *f, uint64_t ns)
{
	fprintf(f, "%llu.%09llu", (unsigned long long)(ns / 1000000000ull), (unsigned long long)(ns % 1000000000ull));
}

static const char *target_interface(const struct run *r, uint32_t i)
{
	if (r->target_if && r->target_if[i])
		return r->target_if[i];
	if (r->cfg && r->cfg->ifname[0])
		return r->cfg->ifname;
	return "";
}

static int active(const struct run *r, uint32_t i)
{
	return r->targets.v[i].name != NULL;
}

static void labels(FILE *f, const struct run *r, uint32_t i)
{
	const struct target *t = &r->targets.v[i];

	fputs("target=\"", f);
	metrics_label_value(f, t->addr_str);
	fputs("\",host=\"", f);
	metrics_label_value(f, t->name);
	fputs("\",interface=\"", f);
	metrics_label_value(f, target_interface(r, i));
	fputc('"', f);
}

static uint64_t load_u64(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static uint64_t load_stat(const __u64 *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

enum target_counter { TC_SENT, TC_STAMPED, TC_REPLIES, TC_DUPS, TC_TIMEOUTS, TC_SEND_ERRORS, TC_N };

static const struct {
	const char *name, *help;
} target_counters[TC_N] = {
	[TC_SENT] = { "icmpmon_probes_sent_total", "Echo requests the send socket accepted (loss = sent - replies)." },
	[TC_STAMPED] = { "icmpmon_probes_stamped_total", "Echo requests timestamped by the tc egress program." },
	[TC_REPLIES] = { "icmpmon_replies_total", "First echo replies matched to a probe." },
	[TC_DUPS] = { "icmpmon_duplicates_total", "Further echo replies to an already answered probe." },
	[TC_TIMEOUTS] = { "icmpmon_timeouts_total", "Probes with no reply within the timeout (-W)." },
	[TC_SEND_ERRORS] = { "icmpmon_send_errors_total", "Echo requests the send socket refused." },
};

static uint64_t target_counter(const struct run *r, uint32_t i, enum target_counter c)
{
	const struct target *t = &r->targets.v[i];
	const struct target_stats *s = &r->stats[i];

	switch (c) {
	case TC_SENT: return load_u64(&t->sent);
	case TC_STAMPED: return load_stat(&s->stamped);
	case TC_REPLIES: return load_stat(&s->received);
	case TC_DUPS: return load_stat(&s->duplicates);
	case TC_TIMEOUTS: return load_u64(&t->timeouts);
	case TC_SEND_ERRORS: return load_u64(&t->send_errors);
	default: return 0;
	}
}

static const char *const err_kind[ICMPMON_ERR_KINDS] = {
	[ICMPMON_ERR_UNREACH] = "unreachable",
	[ICMPMON_ERR_TIME_EXCEEDED] = "time_exceeded",
	[ICMPMON_ERR_PARAM_PROBLEM] = "parameter_problem",
	[ICMPMON_ERR_OTHER] = "other",
};

static void write_histogram(FILE *f, const struct run *r)
{
	double le[METRICS_MAX_BUCKETS];
	uint64_t cum[METRICS_MAX_BUCKETS];
	int n_le = metrics_buckets(r->cfg ? r->cfg->metrics_le : NULL, r->cfg ? r->cfg->n_metrics_le : 0, le), k;
	uint32_t i;

	family(f, "icmpmon_rtt_seconds", "histogram",
	       "Round-trip time of first replies, from tc egress to the reply hook, in the kernel.");
	for (i = 0; i < r->targets.n; i++) {
		const struct target_stats *s = &r->stats[i];
		uint64_t count, sum;

		if (!active(r, i))
			continue;
		/* Read the count first: the kernel adds a reply to received before its bucket. */
		count = load_stat(&s->received);
		sum = load_stat(&s->rtt_first_sum_ns);
		metrics_hist_cumulative(s, le, n_le, cum);
		for (k = 0; k < n_le; k++) {
			fputs("icmpmon_rtt_seconds_bucket{", f);
			labels(f, r, i);
			fputs(",le=\"", f);
			print_float(f, le[k]);
			/* A bucket read after a reply's count moved on cannot pass +Inf. */
			fprintf(f, "\"} %llu\n", (unsigned long long)(cum[k] < count ? cum[k] : count));
		}
		fputs("icmpmon_rtt_seconds_bucket{", f);
		labels(f, r, i);
		fprintf(f, ",le=\"+Inf\"} %llu\n", (unsigned long long)count);
		fputs("icmpmon_rtt_seconds_sum{", f);
		labels(f, r, i);
		fputs("} ", f);
		print_seconds_ns(f, sum);
		fputs("\nicmpmon_rtt_seconds_count{", f);
		labels(f, r, i);
		fprintf(f, "} %llu\n", (unsigned long long)count);
	}
}

void metrics_write_kernel(FILE *f, const uint64_t c[ICMPMON_CNT_MAX])
{
	static const struct {
		const char *name, *help;
	} k[ICMPMON_CNT_MAX] = {
		[ICMPMON_CNT_RB_DROPPED] = { "icmpmon_ringbuf_dropped_total",
					     "Reply events lost to a full ring buffer (the statistics still count them)." },
		[ICMPMON_CNT_BAD_COOKIE] = { "icmpmon_bad_cookie_replies_total",
					     "Echo replies with this run's identifier but another payload cookie." },
		[ICMPMON_CNT_UNMATCHED] = { "icmpmon_unmatched_replies_total",
					    "Echo replies of this run no probe waited for (late, duplicated beyond memory, forged)." },
		[ICMPMON_CNT_TABLE_FULL] = { "icmpmon_probes_untracked_total",
					     "Probes not timed because the outstanding-probe map was full." },
		[ICMPMON_CNT_FOREIGN_ERROR] = { "icmpmon_foreign_icmp_errors_total",
						"ICMP errors quoting a packet that is not one of this run's probes." },
		[ICMPMON_CNT_BAD_CSUM] = { "icmpmon_bad_checksum_packets_total",
					   "Replies and errors of this run with a bad IPv4 header or ICMP checksum (the host drops them)." },
		[ICMPMON_CNT_NOT_FOR_US] = { "icmpmon_not_for_host_packets_total",
					     "Replies and errors of this run the host would not take: another destination MAC, "
					     "a VLAN it has no device for, an IP destination that is not the probe's source." },
		[ICMPMON_CNT_BAD_QUOTE] = { "icmpmon_bad_quote_icmp_errors_total",
					    "ICMP errors naming an outstanding probe but not quoting it as sent "
					    "(inner source, IP options or cookie differ)." },
	};
	int i;

	for (i = 0; i < ICMPMON_CNT_MAX; i++) {
		if (!k[i].name)
			continue;
		family(f, k[i].name, "counter", k[i].help);
		fprintf(f, "%s %llu\n", k[i].name, (unsigned long long)c[i]);
	}
}

void metrics_write(FILE *f, const struct run *r)
{
	struct reload_counts rc;
	uint64_t kc[ICMPMON_CNT_MAX];
	uint32_t i, n_active = 0;
	int c, e;

	for (c = 0; c < TC_N; c++) {
		family(f, target_counters[c].name, "counter", target_counters[c].help);
		for (i = 0; i < r->targets.n; i++) {
			if (!active(r, i))
				continue;
			fprintf(f, "%s{", target_counters[c].name);
			labels(f, r, i);
			fprintf(f, "} %llu\n", (unsigned long long)target_counter(r, i, (enum target_counter)c));
		}
	}
	family(f, "icmpmon_icmp_errors_total", "counter",
	       "ICMP errors about this run's probes, by kind (unreachable, time_exceeded, parameter_problem, other).");
	for (i = 0; i < r->targets.n; i++) {
		if (!active(r, i))
			continue;
		n_active++;
		for (e = 0; e < ICMPMON_ERR_KINDS; e++) {
			fputs("icmpmon_icmp_errors_total{", f);
			labels(f, r, i);
			fprintf(f, ",kind=\"%s\"} %llu\n", err_kind[e], (unsigned long long)load_stat(&r->stats[i].errors[e]));
		}
	}
	write_histogram(f, r);

	family(f, "icmpmon_outstanding_probes", "gauge", "Probes sent and still waiting for a reply or their timeout.");
	fprintf(f, "icmpmon_outstanding_probes %llu\n", (unsigned long long)collector_outstanding((struct run *)r));
	family(f, "icmpmon_targets", "gauge", "Targets being probed.");
	fprintf(f, "icmpmon_targets %u\n", n_active);
	family(f, "icmpmon_target_slots", "gauge", "Target slots the BPF maps were sized for (--max-targets).");
	fprintf(f, "icmpmon_target_slots %u\n", r->targets.n);
	reload_get_counts(r, &rc);
	family(f, "icmpmon_reloads_total", "counter", "SIGHUP reloads of the targets files, by result.");
	fprintf(f, "icmpmon_reloads_total{result=\"success\"} %llu\n", (unsigned long long)rc.ok);
	fprintf(f, "icmpmon_reloads_total{result=\"failure\"} %llu\n", (unsigned long long)rc.failed);
	family(f, "icmpmon_targets_over_capacity", "gauge",
	       "Targets of the last reload left out because every slot was taken (raise --max-targets).");
	fprintf(f, "icmpmon_targets_over_capacity %llu\n", (unsigned long long)rc.over_capacity);
	for (c = 0; c < ICMPMON_CNT_MAX; c++)
		kc[c] = run_rejected(r, (enum icmpmon_counter)c);
	if (r->ld.skel || r->srx.probes)
		metrics_write_kernel(f, kc);
	family(f, "icmpmon_start_time_seconds", "gauge", "Start of the run, seconds since the Unix epoch.");
	fputs("icmpmon_start_time_seconds ", f);
	print_seconds_ns(f, r->start_ns ? (uint64_t)((int64_t)r->start_ns + r->mono_to_real_ns) : 0);
	fputc('\n', f);
	family(f, "icmpmon_build_info", "gauge", "Always 1; the version is a label.");
	fputs("icmpmon_build_info{version=\"", f);
	metrics_label_value(f, ICMPMON_VERSION);
	fputs("\"} 1\n", f);
}
