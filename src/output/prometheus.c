// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* What a scrape exposes, family by family, through an exposition encoder (prometheus.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/hist.h"
#include "output/prometheus.h"
#include "util/labels.h"
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

void metrics_buckets_cumulative(const uint64_t *buckets, uint64_t count, const double *le, int n_le, uint64_t *out)
{
	uint64_t cum = 0;
	uint32_t i = 0;
	int k;

	for (k = 0; k < n_le; k++) {
		uint64_t bound = le_ns(le[k]);

		for (; i < ICMPMON_HIST_BUCKETS && bucket_top_ns(i) <= bound; i++)
			cum += buckets[i];
		/* A bucket read after a reply's count moved on cannot pass +Inf. */
		out[k] = cum < count ? cum : count;
	}
}

static uint64_t load_stat(const __u64 *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static void copy_hist(const __u32 *hist, uint64_t *out)
{
	uint32_t i;

	for (i = 0; i < ICMPMON_HIST_BUCKETS; i++)
		out[i] = __atomic_load_n(&hist[i], __ATOMIC_RELAXED);
}

void metrics_hist_cumulative(const struct target_hists *h, const double *le, int n_le, uint64_t *out)
{
	uint64_t b[ICMPMON_HIST_BUCKETS];

	copy_hist(h->hist, b);
	metrics_buckets_cumulative(b, UINT64_MAX, le, n_le, out);
}

static void span_label(struct metrics_label *l, const char *name, const char *value)
{
	l->name = name;
	l->name_len = strlen(name);
	l->value = value ? value : "";
	l->value_len = strlen(l->value);
}

/* target, host, interface and the target's own labels; returns how many. */
static int all_target_labels(const struct metrics_target *t, struct metrics_label *l)
{
	const char *pos = t->labels;
	int n = 3;

	span_label(&l[0], "target", t->addr);
	span_label(&l[1], "host", t->host);
	span_label(&l[2], "interface", t->ifname);
	while (n < 3 + LABELS_MAX && labels_next(&pos, &l[n].name, &l[n].name_len, &l[n].value, &l[n].value_len))
		n++;
	return n;
}

/* The labels of a per-target series: all of them, or only target when icmpmon_target_info has the rest. */
static int target_labels(const struct metrics_scrape *m, const struct metrics_target *t, struct metrics_label *l)
{
	if (!m->info_labels)
		return all_target_labels(t, l);
	span_label(&l[0], "target", t->addr);
	return 1;
}

enum target_counter { TC_SENT, TC_STAMPED, TC_UNSTAMPED, TC_REPLIES, TC_DUPS, TC_TIMEOUTS, TC_SEND_ERRORS, TC_N };

/* With info_labels: always (1), only where non-zero (0), not per target (-1). */
static const struct {
	const char *name, *help;
	int dense;
} target_counters[TC_N] = {
	[TC_SENT] = { "icmpmon_probes_sent_total", "Echo requests the send socket accepted (loss = sent - replies).", 1 },
	[TC_STAMPED] = { "icmpmon_probes_stamped_total", "Echo requests timestamped by the tc egress program.", -1 },
	[TC_UNSTAMPED] = { "icmpmon_probes_unstamped_total",
			   "Echo requests the socket accepted that the tc egress program never saw (another tc program "
			   "ahead of it, or dropped before the device); counted as lost.", 0 },
	[TC_REPLIES] = { "icmpmon_replies_total", "First echo replies matched to a probe.", 1 },
	[TC_DUPS] = { "icmpmon_duplicates_total", "Further echo replies to an already answered probe.", 0 },
	[TC_TIMEOUTS] = { "icmpmon_timeouts_total", "Probes with no reply within the timeout (-W).", 0 },
	[TC_SEND_ERRORS] = { "icmpmon_send_errors_total", "Echo requests the send socket refused.", 0 },
};

static uint64_t target_counter(const struct metrics_target *t, enum target_counter c)
{
	switch (c) {
	case TC_SENT: return t->sent;
	case TC_STAMPED: return load_stat(&t->stats->stamped);
	case TC_UNSTAMPED: return t->unstamped;
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

static void unlabelled(struct metrics_encoder *e, const char *name, const char *type, const char *help, uint64_t v,
		       int seconds)
{
	e->family(e, name, type, help);
	e->number(e, NULL, 0, v, seconds);
	e->end_family(e);
}

/*
 * Where a scrape written a piece at a time (metrics_stream) stands: the
 * family being written (phase, sub) and, inside a per-target family, the
 * next slot.
 */
enum phase { PH_INFO, PH_COUNTERS, PH_ERRORS, PH_RTT, PH_TXQ, PH_GROUPS, PH_RUN, PH_END };
struct metrics_cursor {
	int phase, sub, open;
	uint32_t slot;
};

typedef void (*target_fn)(struct metrics_encoder *e, const struct metrics_scrape *m, const struct metrics_target *t,
			  int arg);

/*
 * One per-target family from the cursor's slot on: returns 1 when it stopped
 * because out holds budget bytes (come back with the same cursor), 0 when the
 * family is complete.
 */
static int walk_targets(struct metrics_encoder *e, const struct metrics_scrape *m, struct metrics_cursor *c,
			size_t budget, const char *name, const char *type, const char *help, target_fn fn, int arg)
{
	struct metrics_target t;

	if (!c->open) {
		e->family(e, name, type, help);
		c->open = 1;
		c->slot = 0;
	}
	for (; c->slot < m->slots; c->slot++) {
		if (!e->whole_families && e->out->len >= budget)
			return 1;
		if (m->target(m->ctx, c->slot, &t))
			fn(e, m, &t, arg);
	}
	e->end_family(e);
	c->open = 0;
	return 0;
}

/*
 * One series a target with all its labels, host only where it says more than
 * target (a name, not the address again): at 65,536 numeric targets that is
 * 1.3 MiB of every scrape.
 */
static void target_info(struct metrics_encoder *e, const struct metrics_scrape *m, const struct metrics_target *t,
			int arg)
{
	struct metrics_label l[METRICS_MAX_LABELS];
	int n = all_target_labels(t, l);

	(void)m;
	(void)arg;
	if (t->host && t->addr && !strcmp(t->host, t->addr)) {
		memmove(&l[1], &l[2], (size_t)(n - 2) * sizeof(l[0]));
		n--;
	}
	e->number(e, l, n, 1, 0);
}

static void target_count(struct metrics_encoder *e, const struct metrics_scrape *m, const struct metrics_target *t,
			 int c)
{
	struct metrics_label l[METRICS_MAX_LABELS];
	uint64_t v;

	if (c < 0 || c >= TC_N)
		return;
	v = target_counter(t, (enum target_counter)c);
	if (m->info_labels && !target_counters[c].dense && !v)
		return;
	e->number(e, l, target_labels(m, t, l), v, 0);
}

static void target_errors(struct metrics_encoder *e, const struct metrics_scrape *m, const struct metrics_target *t,
			  int arg)
{
	struct metrics_label l[METRICS_MAX_LABELS];
	int k, n = target_labels(m, t, l);

	(void)arg;
	for (k = 0; k < ICMPMON_ERR_KINDS; k++) {
		uint64_t v = load_stat(&t->stats->errors[k]);

		if (m->info_labels && !v)
			continue;
		span_label(&l[n], "kind", err_kind[k]);
		e->number(e, l, n + 1, v, 0);
	}
}

/* One per-target histogram family over the targets' kernel histograms. */
struct hist_family {
	const char *name, *help;
	int txq; /* 0: the RTT (hist, received, rtt_first_sum_ns); 1: the host queue (txq_*) */
};

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

/*
 * A histogram per target while per-target histograms are on, else a summary
 * of _sum and _count only (two series per target, enough for the mean and for
 * topk; _sum only in the text format with info_labels). arg: the family.
 */
static void target_hist(struct metrics_encoder *e, const struct metrics_scrape *m, const struct metrics_target *t,
			int arg)
{
	const struct hist_family *f = arg ? &txq_family : &rtt_family;
	const struct target_stats *s = t->stats;
	const struct target_hists *hs;
	struct metrics_label l[METRICS_MAX_LABELS];
	uint64_t b[ICMPMON_HIST_BUCKETS], cum[METRICS_MAX_BUCKETS];
	struct metrics_hist h = { .buckets = b, .cum = cum, .le = m->le, .n_le = m->n_le };
	int n = target_labels(m, t, l);

	/* Read the count first: the kernel adds a reply to its count before its bucket. */
	h.count = load_stat(f->txq ? &s->txq_count : &s->received);
	h.sum_ns = load_stat(f->txq ? &s->txq_sum_ns : &s->rtt_first_sum_ns);
	if (!m->target_hist) {
		e->summary(e, l, n, h.count, h.sum_ns);
		return;
	}
	hs = m->hists(m->ctx, t->slot);
	if (hs)
		copy_hist(f->txq ? hs->txq_hist : hs->hist, b);
	else
		memset(b, 0, sizeof(b));
	metrics_buckets_cumulative(b, h.count, m->le, m->n_le, cum);
	e->histogram(e, l, n, &h);
}

/*
 * The host's transmit queue is the host's, not a target's: with info_labels
 * (many targets) one histogram of every target's probes, without a target
 * label, instead of a series per target.
 */
static void encode_host_txq(struct metrics_encoder *e, const struct metrics_scrape *m)
{
	uint64_t b[ICMPMON_HIST_BUCKETS] = { 0 }, one[ICMPMON_HIST_BUCKETS], cum[METRICS_MAX_BUCKETS];
	struct metrics_hist h = { .buckets = b, .cum = cum, .le = m->le, .n_le = m->n_le };
	const struct target_hists *hs;
	struct metrics_target t;
	uint32_t i, k;

	for (i = 0; i < m->slots; i++) {
		if (!m->target(m->ctx, i, &t))
			continue;
		h.count += load_stat(&t.stats->txq_count);
		h.sum_ns += load_stat(&t.stats->txq_sum_ns);
		if (!(hs = m->hists(m->ctx, i)))
			continue;
		copy_hist(hs->txq_hist, one);
		for (k = 0; k < ICMPMON_HIST_BUCKETS; k++)
			b[k] += one[k];
	}
	e->family(e, txq_family.name, "histogram", txq_family.help);
	metrics_buckets_cumulative(b, h.count, m->le, m->n_le, cum);
	e->histogram(e, NULL, 0, &h);
	e->end_family(e);
}

struct rtt_group {
	char *key;        /* the group-by values, each followed by a 0x1f */
	uint64_t count, sum_ns;
	uint64_t buckets[ICMPMON_HIST_BUCKETS];
};

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

/* The group-by values of a target as one key, in buf (LABELS_MAX values and separators fit). */
static const char *group_key(const struct metrics_scrape *m, const struct metrics_target *t, char *buf, size_t size)
{
	char val[TARGET_LABELS_TEXT_MAX + 1];
	size_t len = 0, vl;
	int g;

	for (g = 0; g < m->n_group_by; g++) {
		vl = strlen(labels_value(t->labels, m->group_by[g], val, sizeof(val)));
		if (len + vl + 2 > size)
			vl = size - len - 2;
		memcpy(buf + len, val, vl);
		len += vl;
		buf[len++] = 0x1f;
	}
	buf[len] = 0;
	return buf;
}

static void encode_group(struct metrics_encoder *e, const struct metrics_scrape *m, const struct rtt_group *gr)
{
	struct metrics_label l[LABELS_MAX];
	uint64_t cum[METRICS_MAX_BUCKETS];
	struct metrics_hist h = { .count = gr->count, .sum_ns = gr->sum_ns, .buckets = gr->buckets, .cum = cum,
				  .le = m->le, .n_le = m->n_le };
	const char *p = gr->key;
	int g;

	for (g = 0; g < m->n_group_by; g++) {
		const char *end = strchr(p, 0x1f);

		l[g].name = m->group_by[g];
		l[g].name_len = strlen(m->group_by[g]);
		l[g].value = p;
		l[g].value_len = (size_t)(end - p);
		p = end + 1;
	}
	metrics_buckets_cumulative(gr->buckets, gr->count, m->le, m->n_le, cum);
	e->histogram(e, l, m->n_group_by, &h);
}

struct group_table {
	struct rtt_group *v;
	uint32_t n, cap_v;
	uint32_t *table, cap; /* open addressing: indices into v, UINT32_MAX free */
};

/* The group of key, added when new; NULL when out of memory. */
static struct rtt_group *find_group(struct group_table *g, const char *key)
{
	uint32_t h, k;

	if (2 * (g->n + 1) > g->cap) {
		uint32_t cap = g->cap ? 2 * g->cap : 64, *t = malloc(cap * sizeof(*t));

		if (!t)
			return NULL;
		memset(t, 0xff, cap * sizeof(*t));
		for (k = 0; k < g->n; k++) {
			for (h = (uint32_t)fnv1a(g->v[k].key) & (cap - 1); t[h] != UINT32_MAX; h = (h + 1) & (cap - 1))
				;
			t[h] = k;
		}
		free(g->table);
		g->table = t;
		g->cap = cap;
	}
	for (h = (uint32_t)fnv1a(key) & (g->cap - 1); g->table[h] != UINT32_MAX; h = (h + 1) & (g->cap - 1))
		if (!strcmp(g->v[g->table[h]].key, key))
			return &g->v[g->table[h]];
	if (g->n == g->cap_v) {
		uint32_t cap = g->cap_v ? 2 * g->cap_v : 16;
		struct rtt_group *v = realloc(g->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		g->v = v;
		g->cap_v = cap;
	}
	memset(&g->v[g->n], 0, sizeof(g->v[g->n]));
	if (!(g->v[g->n].key = strdup(key)))
		return NULL;
	g->table[h] = g->n;
	return &g->v[g->n++];
}

/*
 * icmpmon_group_rtt_seconds: the targets' kernel histograms summed per value
 * of the --metrics-group-by labels (one group of all targets without them).
 */
static void encode_group_histograms(struct metrics_encoder *e, const struct metrics_scrape *m)
{
	char key[LABELS_MAX * (TARGET_LABELS_TEXT_MAX + 1) + 1];
	struct group_table g = { 0 };
	const struct target_hists *hs;
	struct rtt_group *gr;
	struct metrics_target t;
	uint32_t i, k;

	for (i = 0; i < m->slots; i++) {
		if (!m->target(m->ctx, i, &t) || !(gr = find_group(&g, group_key(m, &t, key, sizeof(key)))))
			continue;
		gr->count += load_stat(&t.stats->received);
		gr->sum_ns += load_stat(&t.stats->rtt_first_sum_ns);
		if (!(hs = m->hists(m->ctx, i)))
			continue;
		for (k = 0; k < ICMPMON_HIST_BUCKETS; k++)
			gr->buckets[k] += __atomic_load_n(&hs->hist[k], __ATOMIC_RELAXED);
	}
	e->family(e, "icmpmon_group_rtt_seconds", "histogram",
		  "Round-trip time of first replies, summed over the targets of a group (--metrics-group-by).");
	for (i = 0; i < g.n; i++)
		encode_group(e, m, &g.v[i]);
	e->end_family(e);
	for (i = 0; i < g.n; i++)
		free(g.v[i].key);
	free(g.v);
	free(g.table);
}
static const struct {
	const char *name, *help;
} kernel_counters[ICMPMON_CNT_MAX] = {
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

static void encode_kernel(struct metrics_encoder *e, const uint64_t c[ICMPMON_CNT_MAX])
{
	int i;

	for (i = 0; i < ICMPMON_CNT_MAX; i++)
		if (kernel_counters[i].name)
			unlabelled(e, kernel_counters[i].name, "counter", kernel_counters[i].help, c[i], 0);
}

static void encode_run(struct metrics_encoder *e, const struct metrics_scrape *m)
{
	struct metrics_label l, info[4];
	struct metrics_target t;
	uint32_t i, n_active = 0;
	int n_info = 1;

	for (i = 0; i < m->slots; i++)
		n_active += (uint32_t)m->target(m->ctx, i, &t);
	unlabelled(e, "icmpmon_outstanding_probes", "gauge", "Probes sent and still waiting for a reply or their timeout.",
		   m->outstanding, 0);
	unlabelled(e, "icmpmon_targets", "gauge", "Targets being probed.", n_active, 0);
	unlabelled(e, "icmpmon_target_slots", "gauge", "Target slots the BPF maps were sized for (--max-targets).",
		   m->slots, 0);
	e->family(e, "icmpmon_reloads_total", "counter", "SIGHUP reloads of the targets files, by result.");
	span_label(&l, "result", "success");
	e->number(e, &l, 1, m->reloads_ok, 0);
	span_label(&l, "result", "failure");
	e->number(e, &l, 1, m->reloads_failed, 0);
	e->end_family(e);
	unlabelled(e, "icmpmon_targets_over_capacity", "gauge",
		   "Targets of the last reload left out because every slot was taken (raise --max-targets).",
		   m->over_capacity, 0);
	e->family(e, "icmpmon_interface_events_total", "counter",
		  "Attached interfaces deleted (their targets unobserved until back), attached again, and new "
		  "interfaces a target's route moved to.");
	span_label(&l, "event", "deleted");
	e->number(e, &l, 1, m->links_lost, 0);
	span_label(&l, "event", "reattached");
	e->number(e, &l, 1, m->links_back, 0);
	span_label(&l, "event", "route_moved");
	e->number(e, &l, 1, m->links_moved, 0);
	e->end_family(e);
	if (m->has_kernel)
		encode_kernel(e, m->kernel);
	unlabelled(e, "icmpmon_start_time_seconds", "gauge", "Start of the run, seconds since the Unix epoch.",
		   m->start_real_ns, 1);
	e->family(e, "icmpmon_build_info", "gauge",
		  "Always 1; labels: version, mode (the receive mode that runs), tx_stamp (wire: the driver hand-off "
		  "is stamped; tc: tc egress only), rtt_from (where the RTT starts).");
	span_label(&info[0], "version", ICMPMON_VERSION);
	if (m->mode)
		span_label(&info[n_info++], "mode", m->mode);
	span_label(&info[n_info++], "tx_stamp", m->tx_stamp ? m->tx_stamp : "tc");
	span_label(&info[n_info++], "rtt_from", m->rtt_from ? m->rtt_from : "tc");
	e->number(e, info, n_info, 1, 0);
	e->end_family(e);
}

/* Writes from the cursor on until out holds budget bytes (1: come back) or the scrape is complete (0). */
static int encode_steps(struct metrics_encoder *e, const struct metrics_scrape *m, struct metrics_cursor *c,
			size_t budget)
{
	for (;;) {
		if (!c->open && e->out->len >= budget)
			return c->phase != PH_END;
		switch (c->phase) {
		case PH_INFO:
			if (m->info_labels &&
			    walk_targets(e, m, c, budget, "icmpmon_target_info", "gauge",
					 "Always 1, one per target: its host, interface and labels from the targets file "
					 "(--metrics-target-labels info); other per-target series carry only target.",
					 target_info, 0))
				return 1;
			c->phase = PH_COUNTERS;
			c->sub = 0;
			break;
		case PH_COUNTERS:
			if (c->sub >= TC_N) {
				c->phase = PH_ERRORS;
				break;
			}
			if (!(m->info_labels && target_counters[c->sub].dense < 0) &&
			    walk_targets(e, m, c, budget, target_counters[c->sub].name, "counter",
					 target_counters[c->sub].help, target_count, c->sub))
				return 1;
			c->sub++;
			break;
		case PH_ERRORS:
			if (walk_targets(e, m, c, budget, "icmpmon_icmp_errors_total", "counter",
					 "ICMP errors about this run's probes, by kind (unreachable, time_exceeded, "
					 "parameter_problem, other).",
					 target_errors, 0))
				return 1;
			c->phase = PH_RTT;
			break;
		case PH_RTT:
			if (walk_targets(e, m, c, budget, rtt_family.name, m->target_hist ? "histogram" : "summary",
					 rtt_family.help, target_hist, 0))
				return 1;
			c->phase = PH_TXQ;
			break;
		case PH_TXQ:
			if (m->info_labels)
				encode_host_txq(e, m);
			else if (walk_targets(e, m, c, budget, txq_family.name, m->target_hist ? "histogram" : "summary",
					      txq_family.help, target_hist, 1))
				return 1;
			c->phase = PH_GROUPS;
			break;
		case PH_GROUPS:
			/* Groups asked for are exported beside per-target histograms kept with
			 * --metrics-target-histograms always; without --metrics-group-by they
			 * stand in for the per-target ones (one group of every target). */
			if (!m->target_hist || m->n_group_by)
				encode_group_histograms(e, m);
			c->phase = PH_RUN;
			break;
		case PH_RUN:
			encode_run(e, m);
			c->phase = PH_END;
			break;
		default:
			return 0;
		}
	}
}

void metrics_encode(struct metrics_encoder *e, const struct metrics_scrape *m)
{
	struct metrics_cursor c = { 0 };

	e->sum_only = m->info_labels;
	encode_steps(e, m, &c, SIZE_MAX);
}

struct metrics_stream {
	struct metrics_encoder e;
	struct metrics_buf buf;
	size_t rd; /* bytes of buf already read */
	struct metrics_cursor c;
};

struct metrics_stream *metrics_stream_new(int pb)
{
	struct metrics_stream *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	if ((pb ? metrics_pb_encoder : metrics_text_encoder)(&s->e, &s->buf)) {
		free(s);
		return NULL;
	}
	return s;
}

int metrics_stream_fill(struct metrics_stream *s, const struct metrics_scrape *m)
{
	if (s->rd < s->buf.len)
		return 1;
	s->rd = s->buf.len = 0;
	/* a protobuf family's bytes: not kept once read */
	if (s->buf.cap > 4 * METRICS_STREAM_CHUNK) {
		free(s->buf.p);
		s->buf = (struct metrics_buf){ 0 };
	}
	s->e.sum_only = m->info_labels;
	/* protobuf: one family per piece, its bytes handed over whole (prom_pb.c) */
	while (s->c.phase != PH_END && !s->buf.len && !s->buf.failed)
		encode_steps(&s->e, m, &s->c, s->e.whole_families ? 1 : METRICS_STREAM_CHUNK);
	if (s->buf.failed)
		return -1;
	return s->buf.len ? 1 : 0;
}

size_t metrics_stream_read(struct metrics_stream *s, char *dst, size_t max)
{
	size_t n = s->buf.len - s->rd;

	if (n > max)
		n = max;
	memcpy(dst, s->buf.p + s->rd, n);
	s->rd += n;
	return n;
}

void metrics_stream_free(struct metrics_stream *s)
{
	if (!s)
		return;
	s->e.release(&s->e);
	free(s->buf.p);
	free(s);
}

void metrics_write_kernel(FILE *f, const uint64_t counters[ICMPMON_CNT_MAX])
{
	struct metrics_buf b = { 0 };
	struct metrics_encoder e;

	if (metrics_text_encoder(&e, &b))
		return;
	encode_kernel(&e, counters);
	if (b.len)
		fwrite(b.p, 1, b.len, f);
	e.release(&e);
	free(b.p);
}
