// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The targets' histograms, copied or mapped a window at a time (hists.h). */
#include <string.h>
#include <sys/mman.h>

#include "engine/hists.h"
#include "engine/run.h"

int hists_snapshot(const struct run *r, uint32_t i, struct target_snapshot *out)
{
	memcpy(&out->c, (const void *)&r->stats[i], sizeof(out->c));
	if (r->own_hists) {
		memcpy(&out->h, &r->own_hists[i], sizeof(out->h));
		return 0;
	}
	if (r->ld.skel && !loader_read_hist(&r->ld, i, &out->h))
		return 0;
	memset(&out->h, 0, sizeof(out->h));
	return -1;
}

static void unmap_window(struct hists_walk *w)
{
	if (w->map)
		munmap(w->map, w->map_len);
	w->map = NULL;
	w->v = NULL;
	w->n = 0;
}

const struct target_hists *hists_walk_get(struct hists_walk *w, uint32_t i)
{
	const struct run *r = w->r;
	uint32_t first;

	if (w->v && i >= w->first && i - w->first < w->n)
		return &w->v[i - w->first];
	unmap_window(w);
	/* a reload between two pieces of a scrape may have changed the slots */
	if (i >= r->targets.n)
		return NULL;
	if (r->own_hists) {
		w->v = r->own_hists;
		w->first = 0;
		w->n = r->targets.n;
		return &w->v[i];
	}
	if (!r->ld.skel)
		return NULL;
	first = i - i % HISTS_WINDOW;
	w->first = first;
	w->n = r->targets.n - first < HISTS_WINDOW ? r->targets.n - first : HISTS_WINDOW;
	w->v = loader_map_hists(&r->ld, first, w->n, &w->map, &w->map_len);
	if (!w->v) {
		w->n = 0;
		return NULL;
	}
	return &w->v[i - first];
}

void hists_walk_free(struct hists_walk *w)
{
	unmap_window(w);
}
