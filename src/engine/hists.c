// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Copies of the targets' histograms (hists.h). */
#include <stdlib.h>
#include <string.h>

#include "engine/hists.h"
#include "engine/run.h"

/* Slots first .. first + n - 1 of the run's histograms into out; keys: room for n (kernel mode). */
static int read_hists(const struct run *r, uint32_t first, uint32_t n, struct target_hists *out, uint32_t *keys)
{
	if (r->own_hists) {
		memcpy(out, &r->own_hists[first], (size_t)n * sizeof(*out));
		return 0;
	}
	if (!r->ld.skel)
		return -1;
	return loader_read_hists(&r->ld, first, n, out, keys);
}

int hists_snapshot(const struct run *r, uint32_t i, struct target_snapshot *out)
{
	uint32_t key;

	memcpy(&out->c, (const void *)&r->stats[i], sizeof(out->c));
	/* zeroed first, as the walk's buffer is: valgrind does not know what the batch look-up writes */
	memset(&out->h, 0, sizeof(out->h));
	return read_hists(r, i, 1, &out->h, &key);
}

const struct target_hists *hists_walk_get(struct hists_walk *w, uint32_t i)
{
	uint32_t n;

	if (w->buf && i >= w->first && i - w->first < w->n)
		return &w->buf[i - w->first];
	if (!w->buf) {
		w->buf = calloc(HISTS_CHUNK, sizeof(*w->buf));
		w->keys = calloc(HISTS_CHUNK, sizeof(*w->keys));
		if (!w->buf || !w->keys) {
			hists_walk_free(w);
			return NULL;
		}
	}
	w->n = 0;
	/* a reload between two pieces of a scrape may have changed the slots */
	if (i >= w->r->targets.n)
		return NULL;
	n = w->r->targets.n - i < HISTS_CHUNK ? w->r->targets.n - i : HISTS_CHUNK;
	if (read_hists(w->r, i, n, w->buf, w->keys))
		return NULL;
	w->first = i;
	w->n = n;
	return &w->buf[0];
}

void hists_walk_free(struct hists_walk *w)
{
	free(w->buf);
	free(w->keys);
	w->buf = NULL;
	w->keys = NULL;
	w->n = 0;
}
