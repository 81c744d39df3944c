/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * SIGHUP reload of the targets (--daemon with --file, kernel mode). The BPF
 * maps are sized once, at load, for --max-targets slots (default
 * max(1024, 2 x the first set)); targets.n is then the number of slots and a
 * slot whose name is NULL is free. A reload re-reads every source (command
 * line, --file, --cidr) and
 *  - keeps the slot, and so the counters, of every address still listed;
 *  - removes an address no longer listed from icmpmon_targets and stops
 *    probing it; its slot stays out of use for the timeout and then some, so
 *    late replies of its probes can never land in a new target's counters;
 *  - puts an address listed again while its old slot is in quarantine back
 *    in that slot, counters and all (late replies there are its own);
 *  - puts a new address in a free slot, whose kernel aggregates are zeroed
 *    (an update of icmpmon_stats: userland's mapping is read-only);
 *  - leaves out what finds no free slot, and retries it when a quarantine
 *    ends (reload_tick), so a reload never leaves fewer targets probed than
 *    listed for longer than a quarantine while slots exist.
 * A reload that fails (unreadable file, a name that does not resolve, no
 * target) changes nothing.
 */
#ifndef ICMPMON_RELOAD_H
#define ICMPMON_RELOAD_H

#include <stddef.h>
#include <stdint.h>

#include "engine/config.h"

struct run;

/* Target slots for the maps: n, or --max-targets / max(1024, 2n) when a reload is possible. */
int reload_slots(const struct config *cfg, uint32_t n, uint32_t *slots, char *err, size_t errlen);
/* After the kernel side is set up: grows the target list to r->slots slots. */
int reload_init(struct run *r, char *err, size_t errlen);
/* SIGHUP: re-reads the targets; logs one line on stderr. Returns 0 or -1 (nothing changed). */
int reload_run(struct run *r);
/* From the loop, now and then: gives the targets left out the slots whose quarantine has ended. */
void reload_tick(struct run *r, uint64_t now);
void reload_free(struct run *r);
/* Is slot tidx a target being probed? */
int reload_slot_active(const struct run *r, uint32_t tidx);

#endif /* ICMPMON_RELOAD_H */
