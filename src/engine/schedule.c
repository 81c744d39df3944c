// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Drift-free probe schedule on CLOCK_MONOTONIC (schedule.h). */
#include "engine/schedule.h"

void schedule_init(struct schedule *s, uint64_t start_ns, uint64_t period_ns, uint32_t n, uint64_t rounds, int burst)
{
	s->start_ns = start_ns;
	s->period_ns = period_ns;
	s->n = n ? n : 1;
	s->total = rounds > UINT64_MAX / s->n ? 0 : rounds * s->n; /* more than 2^64 probes: no end */
	s->next = 0;
	s->burst = burst;
	s->origin = 0;
	s->preload = 1;
}

void schedule_preload(struct schedule *s, uint64_t preload)
{
	s->preload = preload ? preload : 1;
}

void schedule_rebase(struct schedule *s, uint64_t at_ns, uint64_t period_ns)
{
	uint64_t offset;

	s->period_ns = period_ns;
	s->origin = s->next / s->n;
	s->preload = 1;
	offset = s->burst ? 0 : (uint64_t)((unsigned __int128)(s->next % s->n) * period_ns / s->n);
	s->start_ns = at_ns > offset ? at_ns - offset : 0;
}

/* Saturates: a due time past 2^64 ns (584 years) is never. */
uint64_t schedule_due_ns(const struct schedule *s, uint64_t g)
{
	uint64_t round = g / s->n, slot = g % s->n;

	round = round > s->origin ? round - s->origin : 0;
	round = round >= s->preload ? round - (s->preload - 1) : 0;
	unsigned __int128 due = (unsigned __int128)s->start_ns + (unsigned __int128)round * s->period_ns;

	if (!s->burst)
		due += (unsigned __int128)slot * s->period_ns / s->n;
	return due > UINT64_MAX ? UINT64_MAX : (uint64_t)due;
}

int schedule_has_next(const struct schedule *s)
{
	return !s->total || s->next < s->total;
}

int schedule_next_due(const struct schedule *s, uint64_t now_ns)
{
	return schedule_has_next(s) && schedule_due_ns(s, s->next) <= now_ns;
}
