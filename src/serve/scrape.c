// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The run's live numbers as a struct metrics_scrape (scrape.h). */
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include "engine/hists.h"
#include "engine/run.h"
#include "output/prometheus.h"
#include "serve/scrape.h"

struct scrape_ctx {
	const struct run *r;
	char ifbuf[IF_NAMESIZE];
	struct hists_walk hists; /* the scrape's own copies of a chunk of slots' histograms */
};

static uint64_t load_u64(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static int scrape_target(const void *ctx, uint32_t i, struct metrics_target *out)
{
	struct scrape_ctx *c = (struct scrape_ctx *)ctx;
	const struct target *t;

	/* a reload between two pieces of a scrape may have changed the slots */
	if (i >= c->r->targets.n)
		return 0;
	t = &c->r->targets.v[i];
	if (!t->name)
		return 0;
	out->addr = t->addr_str;
	out->host = t->name;
	out->ifname = run_target_ifname(c->r, i, c->ifbuf);
	out->labels = t->labels;
	out->slot = i;
	out->stats = &c->r->stats[i];
	out->sent = load_u64(&t->sent);
	out->timeouts = load_u64(&t->timeouts);
	out->send_errors = load_u64(&t->send_errors);
	out->unstamped = load_u64(&t->unstamped);
	return 1;
}

static const struct target_hists *scrape_hists(const void *ctx, uint32_t i)
{
	struct scrape_ctx *c = (struct scrape_ctx *)ctx;

	return hists_walk_get(&c->hists, i);
}

static uint32_t active_targets(const struct run *r)
{
	uint32_t i, active = 0;

	for (i = 0; i < r->targets.n; i++)
		active += r->targets.v[i].name != NULL;
	return active;
}

static int per_target_histograms(const struct run *r, uint32_t active)
{
	const struct config *cfg = r->cfg;

	if (!cfg || cfg->metrics_target_hist == METRICS_HIST_AUTO) {
		if (cfg && cfg->n_metrics_group_by)
			return 0;
		return active <= METRICS_TARGET_HIST_AUTO_MAX;
	}
	return cfg->metrics_target_hist == METRICS_HIST_ALWAYS;
}

/* --metrics-target-labels: auto puts them in icmpmon_target_info above the same count as the histograms. */
static int info_labels(const struct run *r, uint32_t active)
{
	const struct config *cfg = r->cfg;

	if (!cfg || cfg->metrics_target_labels == METRICS_LABELS_AUTO)
		return active > METRICS_TARGET_HIST_AUTO_MAX;
	return cfg->metrics_target_labels == METRICS_LABELS_INFO;
}

struct scrape {
	struct scrape_ctx ctx;
	struct metrics_scrape m;
	const char *group_by[LABELS_MAX];
	double le[METRICS_MAX_BUCKETS];
	struct metrics_stream *stream;
};

struct scrape *scrape_start(const struct run *r, int pb)
{
	const struct config *cfg = r->cfg;
	struct scrape *s = calloc(1, sizeof(*s));
	uint32_t active = active_targets(r);
	int c;

	if (!s || !(s->stream = metrics_stream_new(pb))) {
		free(s);
		return NULL;
	}
	s->ctx.r = r;
	s->ctx.hists.r = r;
	s->m = (struct metrics_scrape){
		.slots = r->targets.n,
		.target = scrape_target,
		.hists = scrape_hists,
		.ctx = &s->ctx,
		.le = s->le,
		.n_le = metrics_buckets(cfg ? cfg->metrics_le : NULL, cfg ? cfg->n_metrics_le : 0, s->le),
		.target_hist = per_target_histograms(r, active),
		.info_labels = info_labels(r, active),
		.group_by = s->group_by,
		.n_group_by = cfg ? cfg->n_metrics_group_by : 0,
		.outstanding = run_outstanding(r),
		.reloads_ok = r->reloads.ok,
		.reloads_failed = r->reloads.failed,
		.over_capacity = r->reloads.over_capacity,
		.links_lost = r->links.lost_total,
		.links_back = r->links.back_total,
		.links_moved = r->links.moved_total,
		.has_kernel = r->ld.skel != NULL || r->srx.probes != NULL,
		.start_real_ns = r->start_ns ? run_wall_ns(r, r->start_ns) : 0,
		.mode = run_mode_name(r),
		.tx_stamp = run_tx_stamp(r),
		.rtt_from = run_rtt_from(r),
	};
	for (c = 0; c < s->m.n_group_by; c++)
		s->group_by[c] = cfg->metrics_group_by[c];
	if (s->m.has_kernel)
		for (c = 0; c < ICMPMON_CNT_MAX; c++)
			s->m.kernel[c] = run_rejected(r, (enum icmpmon_counter)c);
	return s;
}

int scrape_fill(struct scrape *s)
{
	/* slots may have grown on a reload since the scrape started; a new slot's
	 * families are then only those still to come */
	if (s->ctx.r->targets.n > s->m.slots)
		s->m.slots = s->ctx.r->targets.n;
	return metrics_stream_fill(s->stream, &s->m);
}

size_t scrape_read(struct scrape *s, char *dst, size_t max)
{
	return metrics_stream_read(s->stream, dst, max);
}

void scrape_free(struct scrape *s)
{
	if (!s)
		return;
	metrics_stream_free(s->stream);
	hists_walk_free(&s->ctx.hists);
	free(s);
}

static int write_scrape(FILE *f, const struct run *r, int pb)
{
	struct scrape *s = scrape_start(r, pb);
	char buf[METRICS_STREAM_CHUNK];
	size_t n;
	int rc;

	if (!s)
		return -1;
	while ((rc = scrape_fill(s)) > 0)
		while ((n = scrape_read(s, buf, sizeof(buf))))
			fwrite(buf, 1, n, f);
	scrape_free(s);
	return rc;
}

void metrics_write(FILE *f, const struct run *r)
{
	write_scrape(f, r, 0);
}

int metrics_write_pb(FILE *f, const struct run *r)
{
	return write_scrape(f, r, 1);
}
