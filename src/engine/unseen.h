/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Probes that left the sender but that no hook has seen: tc egress stamps a
 * probe while sendmsg runs, unless the packet waits in a neighbour queue
 * (ARP/ND not resolved yet) where it may die. Such a probe was sent all the
 * same; the run times it out from here. The error the kernel queues on the
 * sending socket about it is reported, but settles nothing, as everywhere:
 * the probe is swept as errored (errored_swept), not as a timeout. Normally
 * empty.
 */
#ifndef ICMPMON_UNSEEN_H
#define ICMPMON_UNSEEN_H

#include <stdint.h>

#define UNSEEN_MAX (1u << 20)
/*
 * How long a timed-out probe stays listed, from its send: the kernel gives
 * up on a neighbour after about 3 s (3 solicitations 1 s apart) and only then
 * sends its errors, which ping and fping report whenever they come.
 */
#define UNSEEN_LATE_NS 10000000000ull

enum unseen_state { UNSEEN_ABSENT = 0, UNSEEN_PENDING, UNSEEN_TIMED_OUT };

struct unseen_probe {
	uint64_t sent_ns;
	uint32_t tidx;
	uint16_t seq;
	uint8_t timed_out;
	uint8_t errored;  /* the kernel queued an ICMP error about it: it stays listed, as a probe stays outstanding */
};

struct unseen {
	struct unseen_probe *v;
	uint32_t n, cap;
	uint64_t dropped; /* not listed: the list was full */
};

/* Lists a probe; returns -1 (and counts it dropped) when the list is full. */
int unseen_add(struct unseen *u, uint32_t tidx, uint16_t seq, uint64_t sent_ns);
/* Removes the probe if listed; returns what it was. */
enum unseen_state unseen_take(struct unseen *u, uint32_t tidx, uint16_t seq);
/*
 * An ICMP error about the probe: marks it errored but keeps it listed (an
 * error settles nothing); returns what it was, *first: 1 for its first error.
 */
enum unseen_state unseen_error(struct unseen *u, uint32_t tidx, uint16_t seq, int *first);
/*
 * Hands each pending probe sent at or before before_ns to fn, oldest first:
 * fn returns 1 to keep it listed as timed out, 0 to drop it. Then drops
 * what was sent UNSEEN_LATE_NS before before_ns.
 */
void unseen_expire(struct unseen *u, uint64_t before_ns, int (*fn)(void *ctx, const struct unseen_probe *p),
		   void *ctx);
void unseen_free(struct unseen *u);

#endif
