/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Kernel mode, what the hooks cannot see: probes that wait in a neighbour
 * queue before tc egress (and may die there), and the ICMP errors the kernel
 * generates about them, which reach only the sending socket's error queue.
 * A probe that left the sender is sent, and settles as a reply or a timeout
 * (errored_swept when an ICMP error quoted it: an error never settles a
 * probe), whether or not a hook saw it.
 */
#ifndef ICMPMON_UNHOOKED_H
#define ICMPMON_UNHOOKED_H

#include <stdint.h>

struct run;

/* After setup: the sender checks its sends against the stamps. */
void unhooked_start(struct run *r);
/* Reads the error queue of the send socket of family slot f (0 IPv4, 1 IPv6). */
void unhooked_read_errors(struct run *r, int f);
/* Times out the unseen probes sent at or before before_ns, unless tc egress stamped them since. */
void unhooked_sweep(struct run *r, uint64_t before_ns);
/* The kernel settled this probe (a reply, an error, a timeout): it was stamped, if late. */
void unhooked_settled(struct run *r, uint32_t tidx, uint16_t seq);

#endif
