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
	out->stats = &c->r->stats[i];
	out->sent = load_u64(&t->sent);
	out->timeouts = load_u64(&t->timeouts);
	out->send_errors = load_u64(&t->send_errors);
	return 1;
}

void metrics_write(FILE *f, const struct run *r)
{
	struct scrape_ctx ctx = { .r = r };
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
		.has_kernel = r->ld.skel != NULL,
		.start_real_ns = r->start_ns ? run_wall_ns(r, r->start_ns) : 0,
		.tx_stamp = run_tx_stamp(r),
		.rtt_from = run_rtt_from(r),
	};
	int c;

	if (m.has_kernel)
		for (c = 0; c < ICMPMON_CNT_MAX; c++)
			m.kernel[c] = loader_counter(&r->ld, (enum icmpmon_counter)c);
	metrics_write_scrape(f, &m);
}
