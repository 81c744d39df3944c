/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The targets' histograms, copied out when they are printed or exported:
 * from the kernel's icmpmon_hists (not mapped, so they are never resident
 * for long) or from the socket and dgram modes' own array.
 */
#ifndef ICMPMON_HISTS_H
#define ICMPMON_HISTS_H

#include <stdint.h>

#include "bpf/icmpmon.h"
#include "util/stats.h"

struct run;

/* Target slot i's counters, then its histograms (the order in which a reply is added); -1 on failure. */
int hists_snapshot(const struct run *r, uint32_t i, struct target_snapshot *out);

/*
 * A walk over the slots in increasing order: the histograms are copied
 * HISTS_CHUNK slots at a time into a buffer of its own (one system call a
 * chunk in kernel mode), so a scrape thread and the run loop can each have one.
 */
#define HISTS_CHUNK 128

struct hists_walk {
	const struct run *r;
	struct target_hists *buf; /* HISTS_CHUNK, allocated (zeroed) on first use */
	uint32_t *keys;
	uint32_t first, n;        /* slots buf holds */
};

/* Slot i's histograms, valid until the next call; NULL when they cannot be read (out of memory). */
const struct target_hists *hists_walk_get(struct hists_walk *w, uint32_t i);
void hists_walk_free(struct hists_walk *w);

#endif /* ICMPMON_HISTS_H */
