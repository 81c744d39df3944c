// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Sent but never stamped by tc egress (unstamped.h). */
#include <limits.h>
#include <net/if.h>
#include <stdio.h>

#include "engine/run.h"
#include "engine/unstamped.h"
#include "util/clock.h"
#include "util/route.h"

static void say_once(struct run *r, uint32_t i)
{
	char ifbuf[IF_NAMESIZE];
	const char *ifname = run_target_ifname(r, i, ifbuf);

	fprintf(stderr,
		"icmpmon: %s: %llu probes left the socket but icmpmon's tc egress program%s%s never saw them "
		"(another tc program ahead of it, dropped before the device, or sent before icmpmon attached there); "
		"their replies cannot be matched "
		"and count as lost\n",
		r->targets.v[i].addr_str, (unsigned long long)r->targets.v[i].unstamped, ifname[0] ? " on " : "", ifname);
	r->unstamped_said = 1;
}

/* Neighbour look-ups one periodic check may make: a sweep over thousands of dead on-link targets stays cheap. */
#define NEIGH_ASKS_PER_CHECK 64
/* A target whose next hop was unresolved is not asked about again for this long. */
#define NEIGH_QUIET_NS 1000000000ull
/*
 * Periodic checks at most this often: each one reads every target's counters,
 * which on a short sweep period (a tenth of -W, 10 ms at least) over thousands
 * of targets was a measurable share of a run's CPU time.
 */
#define CHECK_PERIOD_NS 1000000000ull

/*
 * Whether the kernel is still (or was, and failed) resolving the target's
 * next hop: its probes then waited for ARP/ND, not behind another tc program.
 * Asks rtnetlink at most *budget times; a target left unasked is judged later.
 */
static int neigh_explains(struct target *t, uint64_t now, int *budget)
{
	if (now < t->neigh_quiet_until_ns)
		return 1;
	if (*budget <= 0)
		return 1;
	(*budget)--;
	if (!route_neigh_unresolved(&t->sa.sa))
		return 0;
	t->neigh_quiet_until_ns = now + NEIGH_QUIET_NS;
	return 1;
}

void unstamped_check(struct run *r, int final)
{
	uint64_t now = clock_mono_ns();
	int budget = final ? INT_MAX : NEIGH_ASKS_PER_CHECK;
	uint32_t i;

	if (!r->col.rb)
		return;
	if (!final) {
		if (now < r->unstamped_next_ns)
			return;
		r->unstamped_next_ns = now + CHECK_PERIOD_NS;
	}
	for (i = 0; i < r->targets.n; i++) {
		struct target *t = &r->targets.v[i];
		uint64_t ok = t->sent - t->send_errors, stamped = __atomic_load_n(&r->stats[i].stamped, __ATOMIC_RELAXED);
		uint64_t before = final ? ok : t->accepted_at_check;

		if (!t->name)
			continue;
		if (ok < t->accepted_at_check) /* the slot was given to another target */
			t->unstamped = t->unstamped_excused = t->neigh_quiet_until_ns = 0;
		t->accepted_at_check = ok;
		stamped += t->unstamped_excused;
		if (before > stamped && before - stamped > t->unstamped && !neigh_explains(t, now, &budget)) {
			__atomic_store_n(&t->unstamped, before - stamped, __ATOMIC_RELAXED);
			if (!r->unstamped_said)
				say_once(r, i);
		}
	}
}

uint64_t unstamped_total(const struct run *r)
{
	uint64_t n = 0;
	uint32_t i;

	for (i = 0; i < r->targets.n; i++)
		if (r->targets.v[i].name)
			n += r->targets.v[i].unstamped;
	return n;
}
