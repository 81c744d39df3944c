/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The targets' histograms where they are printed or exported: the kernel's
 * icmpmon_hists is not kept mapped (a mapping of a BPF array is resident in
 * full: 176 MiB at 65,536 targets), so a summary copies one target's and a
 * scrape maps a window of the array at a time. The socket and dgram modes'
 * own array is read in place.
 */
#ifndef ICMPMON_HISTS_H
#define ICMPMON_HISTS_H

#include <stddef.h>
#include <stdint.h>

#include "bpf/icmpmon.h"
#include "util/stats.h"

struct run;

/* Target slot i's counters, then its histograms (the order in which a reply is added); -1 on failure. */
int hists_snapshot(const struct run *r, uint32_t i, struct target_snapshot *out);

/*
 * A walk over the slots in increasing order, HISTS_WINDOW slots mapped at a
 * time (1.4 MiB; 512 slots start on a page): a scrape reads them in place,
 * with relaxed atomic loads, as the BPF side adds to them. Each walk has its
 * own window, so a scrape thread and the run loop can each have one.
 */
#define HISTS_WINDOW 512

struct hists_walk {
	const struct run *r;
	const struct target_hists *v; /* slot first's histograms; NULL before the first window */
	uint32_t first, n;            /* slots the window holds */
	void *map;                    /* the window's mapping (kernel mode), else NULL */
	size_t map_len;
};

/* Slot i's histograms, valid until the next call; NULL when they cannot be read. */
const struct target_hists *hists_walk_get(struct hists_walk *w, uint32_t i);
void hists_walk_free(struct hists_walk *w);

#endif /* ICMPMON_HISTS_H */
