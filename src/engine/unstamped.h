/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Probes the socket accepted that icmpmon's tc egress program never stamped:
 * another tc program ahead of it that ended classification (TC_ACT_OK at a
 * lower clsact priority) or one that dropped them. Their replies cannot be
 * matched, so the loss they show is not the network's: said once on stderr,
 * in the ping summary and in icmpmon_probes_unstamped_total. Kernel mode
 * only. Probes that waited for a link-layer address that never came are not
 * counted: the kernel says why (its own Host Unreachable, engine/unhooked.c)
 * or the next hop's neighbour entry is still incomplete or failed.
 */
#ifndef ICMPMON_UNSTAMPED_H
#define ICMPMON_UNSTAMPED_H

#include <stdint.h>

struct run;

/*
 * From the sweep, at most once a second: a probe accepted before the previous
 * check and still not stamped now is counted (tc egress runs within the send,
 * so a check period is ample). final: at the end, everything sent so far.
 */
void unstamped_check(struct run *r, int final);
/* Sum over the targets. */
uint64_t unstamped_total(const struct run *r);

#endif
