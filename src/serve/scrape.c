// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The run's live numbers as a struct metrics_scrape (scrape.h). */
#include <net/if.h>
#include <string.h>

#include "engine/run.h"
#include "output/prometheus.h"
#include "serve/scrape.h"

struct scrape_ctx {
	const struct run *r;
	char ifbuf[IF_NAMESIZE];
};

static uint64_t load_u64(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static int scrape_target(const void *ctx, uint32_t i, struct metrics_target *out)
{
	struct scrape_ctx *c = (struct scrape_ctx *)ctx;
	const struct target *t = &c->r->targets.v[i];

	if (!t->name)
		return 0;
	out->addr = t->addr_str;
	out->host = t->name;
	out->ifname = run_target_ifname(c->r, i, c->ifbuf);
	out->labels = t->labels;
	out->stats = &c->r->stats[i];
	out->sent = load_u64(&t->sent);
	out->timeouts = load_u64(&t->timeouts);
	out->send_errors = load_u64(&t->send_errors);
	out->unstamped = load_u64(&t->unstamped);
	return 1;
}

static int per_target_histograms(const struct run *r)
{
	const struct config *cfg = r->cfg;
	uint32_t i, active = 0;

	if (!cfg || cfg->metrics_target_hist == METRICS_HIST_AUTO) {
		if (cfg && cfg->n_metrics_group_by)
			return 0;
		for (i = 0; i < r->targets.n; i++)
			active += r->targets.v[i].name != NULL;
		return active <= METRICS_TARGET_HIST_AUTO_MAX;
	}
	return cfg->metrics_target_hist == METRICS_HIST_ALWAYS;
}

static int write_scrape(FILE *f, const struct run *r, int pb)
{
	struct scrape_ctx ctx = { .r = r };
	const struct config *cfg = r->cfg;
	const char *group_by[LABELS_MAX];
	double le[METRICS_MAX_BUCKETS];
	struct metrics_scrape m = {
		.slots = r->targets.n,
		.target = scrape_target,
		.ctx = &ctx,
		.le = le,
		.n_le = metrics_buckets(r->cfg ? r->cfg->metrics_le : NULL, r->cfg ? r->cfg->n_metrics_le : 0, le),
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
	int c;

	for (c = 0; cfg && c < cfg->n_metrics_group_by; c++)
		group_by[c] = cfg->metrics_group_by[c];
	m.group_by = group_by;
	m.n_group_by = cfg ? cfg->n_metrics_group_by : 0;
	m.target_hist = per_target_histograms(r);
	if (m.has_kernel)
		for (c = 0; c < ICMPMON_CNT_MAX; c++)
			m.kernel[c] = run_rejected(r, (enum icmpmon_counter)c);
	if (pb)
		return metrics_write_scrape_pb(f, &m);
	metrics_write_scrape(f, &m);
	return 0;
}

void metrics_write(FILE *f, const struct run *r)
{
	write_scrape(f, r, 0);
}

int metrics_write_pb(FILE *f, const struct run *r)
{
	return write_scrape(f, r, 1);
}
