// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Prometheus text exposition of a scrape (prometheus.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/hist.h"
#include "output/prometheus.h"
#include "util/version.h"

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

static void hist_cumulative(const __u32 *hist, const double *le, int n_le, uint64_t *out)
{
	uint64_t cum = 0;
	uint32_t i = 0;
	int k;

	for (k = 0; k < n_le; k++) {
		uint64_t bound = le_ns(le[k]);

		for (; i < ICMPMON_HIST_BUCKETS && bucket_top_ns(i) <= bound; i++)
			cum += hist[i];
		out[k] = cum;
	}
}

void metrics_hist_cumulative(const struct target_stats *s, const double *le, int n_le, uint64_t *out)
{
	hist_cumulative(s->hist, le, n_le, out);
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

static void labels(FILE *f, const struct metrics_target *t)
{
	fputs("target=\"", f);
	metrics_label_value(f, t->addr);
	fputs("\",host=\"", f);
	metrics_label_value(f, t->host);
	fputs("\",interface=\"", f);
	metrics_label_value(f, t->ifname);
	fputc('"', f);
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

static uint64_t target_counter(const struct metrics_target *t, enum target_counter c)
{
	switch (c) {
	case TC_SENT: return t->sent;
	case TC_STAMPED: return load_stat(&t->stats->stamped);
	case TC_REPLIES: return load_stat(&t->stats->received);
	case TC_DUPS: return load_stat(&t->stats->duplicates);
	case TC_TIMEOUTS: return t->timeouts;
	case TC_SEND_ERRORS: return t->send_errors;
	default: return 0;
	}
}

static const char *const err_kind[ICMPMON_ERR_KINDS] = {
	[ICMPMON_ERR_UNREACH] = "unreachable",
	[ICMPMON_ERR_TIME_EXCEEDED] = "time_exceeded",
	[ICMPMON_ERR_PARAM_PROBLEM] = "parameter_problem",
	[ICMPMON_ERR_OTHER] = "other",
};

/* One histogram family over the targets' kernel histograms. */
struct hist_family {
	const char *name, *help;
	int txq; /* 0: the RTT (hist, received, rtt_first_sum_ns); 1: the host queue (txq_*) */
};

static void write_histogram(FILE *f, const struct metrics_scrape *m, const struct hist_family *h)
{
	const double *le = m->le;
	uint64_t cum[METRICS_MAX_BUCKETS];
	int n_le = m->n_le, k;
	struct metrics_target t;
	uint32_t i;

	family(f, h->name, "histogram", h->help);
	for (i = 0; i < m->slots; i++) {
		const struct target_stats *s;
		uint64_t count, sum;

		if (!m->target(m->ctx, i, &t))
			continue;
		s = t.stats;
		/* Read the count first: the kernel adds a reply to its count before its bucket. */
		count = load_stat(h->txq ? &s->txq_count : &s->received);
		sum = load_stat(h->txq ? &s->txq_sum_ns : &s->rtt_first_sum_ns);
		hist_cumulative(h->txq ? s->txq_hist : s->hist, le, n_le, cum);
		for (k = 0; k < n_le; k++) {
			fprintf(f, "%s_bucket{", h->name);
			labels(f, &t);
			fputs(",le=\"", f);
			print_float(f, le[k]);
			/* A bucket read after a reply's count moved on cannot pass +Inf. */
			fprintf(f, "\"} %llu\n", (unsigned long long)(cum[k] < count ? cum[k] : count));
		}
		fprintf(f, "%s_bucket{", h->name);
		labels(f, &t);
		fprintf(f, ",le=\"+Inf\"} %llu\n", (unsigned long long)count);
		fprintf(f, "%s_sum{", h->name);
		labels(f, &t);
		fputs("} ", f);
		print_seconds_ns(f, sum);
		fprintf(f, "\n%s_count{", h->name);
		labels(f, &t);
		fprintf(f, "} %llu\n", (unsigned long long)count);
	}
}

static const struct hist_family rtt_family = {
	"icmpmon_rtt_seconds",
	"Round-trip time of first replies, from the hand-off to the driver (or tc egress, see "
	"icmpmon_build_info rtt_from) to the reply hook, in the kernel.",
	0,
};

static const struct hist_family txq_family = {
	"icmpmon_host_tx_queue_seconds",
	"Time first-answered probes spent in this host's transmit path (qdisc) between tc egress and the driver.",
	1,
};

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
	};
	int i;

	for (i = 0; i < ICMPMON_CNT_MAX; i++) {
		if (!k[i].name)
			continue;
		family(f, k[i].name, "counter", k[i].help);
		fprintf(f, "%s %llu\n", k[i].name, (unsigned long long)c[i]);
	}
}

void metrics_write_scrape(FILE *f, const struct metrics_scrape *m)
{
	struct metrics_target t;
	uint32_t i, n_active = 0;
	int c, e;

	for (c = 0; c < TC_N; c++) {
		family(f, target_counters[c].name, "counter", target_counters[c].help);
		for (i = 0; i < m->slots; i++) {
			if (!m->target(m->ctx, i, &t))
				continue;
			fprintf(f, "%s{", target_counters[c].name);
			labels(f, &t);
			fprintf(f, "} %llu\n", (unsigned long long)target_counter(&t, (enum target_counter)c));
		}
	}
	family(f, "icmpmon_icmp_errors_total", "counter",
	       "ICMP errors about this run's probes, by kind (unreachable, time_exceeded, parameter_problem, other).");
	for (i = 0; i < m->slots; i++) {
		if (!m->target(m->ctx, i, &t))
			continue;
		n_active++;
		for (e = 0; e < ICMPMON_ERR_KINDS; e++) {
			fputs("icmpmon_icmp_errors_total{", f);
			labels(f, &t);
			fprintf(f, ",kind=\"%s\"} %llu\n", err_kind[e], (unsigned long long)load_stat(&t.stats->errors[e]));
		}
	}
	write_histogram(f, m, &rtt_family);
	write_histogram(f, m, &txq_family);

	family(f, "icmpmon_outstanding_probes", "gauge", "Probes sent and still waiting for a reply or their timeout.");
	fprintf(f, "icmpmon_outstanding_probes %llu\n", (unsigned long long)m->outstanding);
	family(f, "icmpmon_targets", "gauge", "Targets being probed.");
	fprintf(f, "icmpmon_targets %u\n", n_active);
	family(f, "icmpmon_target_slots", "gauge", "Target slots the BPF maps were sized for (--max-targets).");
	fprintf(f, "icmpmon_target_slots %u\n", m->slots);
	family(f, "icmpmon_reloads_total", "counter", "SIGHUP reloads of the targets files, by result.");
	fprintf(f, "icmpmon_reloads_total{result=\"success\"} %llu\n", (unsigned long long)m->reloads_ok);
	fprintf(f, "icmpmon_reloads_total{result=\"failure\"} %llu\n", (unsigned long long)m->reloads_failed);
	family(f, "icmpmon_targets_over_capacity", "gauge",
	       "Targets of the last reload left out because every slot was taken (raise --max-targets).");
	fprintf(f, "icmpmon_targets_over_capacity %llu\n", (unsigned long long)m->over_capacity);
	if (m->has_kernel)
		metrics_write_kernel(f, m->kernel);
	family(f, "icmpmon_start_time_seconds", "gauge", "Start of the run, seconds since the Unix epoch.");
	fputs("icmpmon_start_time_seconds ", f);
	print_seconds_ns(f, m->start_real_ns);
	fputc('\n', f);
	family(f, "icmpmon_build_info", "gauge",
	       "Always 1; labels: version, tx_stamp (wire: the driver hand-off is stamped; tc: tc egress only), "
	       "rtt_from (where the RTT starts).");
	fputs("icmpmon_build_info{version=\"", f);
	metrics_label_value(f, ICMPMON_VERSION);
	fputs("\",tx_stamp=\"", f);
	metrics_label_value(f, m->tx_stamp ? m->tx_stamp : "tc");
	fputs("\",rtt_from=\"", f);
	metrics_label_value(f, m->rtt_from ? m->rtt_from : "tc");
	fputs("\"} 1\n", f);
}
