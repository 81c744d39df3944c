// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The list of probes no hook has seen (unseen.h): a small array in send order. */
#include <stdlib.h>
#include <string.h>

#include "engine/unseen.h"

int unseen_add(struct unseen *u, uint32_t tidx, uint16_t seq, uint64_t sent_ns)
{
	if (u->n == u->cap) {
		uint32_t cap = u->cap ? u->cap * 2 : 64;
		struct unseen_probe *v;

		if (cap > UNSEEN_MAX || !(v = realloc(u->v, cap * sizeof(*v)))) {
			u->dropped++;
			return -1;
		}
		u->v = v;
		u->cap = cap;
	}
	u->v[u->n++] = (struct unseen_probe){ .sent_ns = sent_ns, .tidx = tidx, .seq = seq };
	return 0;
}

static void remove_at(struct unseen *u, uint32_t i)
{
	memmove(&u->v[i], &u->v[i + 1], (u->n - i - 1) * sizeof(u->v[0]));
	u->n--;
}

enum unseen_state unseen_take(struct unseen *u, uint32_t tidx, uint16_t seq)
{
	enum unseen_state st;
	uint32_t i;

	for (i = 0; i < u->n; i++)
		if (u->v[i].tidx == tidx && u->v[i].seq == seq) {
			st = u->v[i].timed_out ? UNSEEN_TIMED_OUT : UNSEEN_PENDING;
			remove_at(u, i);
			return st;
		}
	return UNSEEN_ABSENT;
}

enum unseen_state unseen_error(struct unseen *u, uint32_t tidx, uint16_t seq, int *first)
{
	uint32_t i;

	*first = 0;
	for (i = 0; i < u->n; i++)
		if (u->v[i].tidx == tidx && u->v[i].seq == seq) {
			*first = !u->v[i].errored;
			u->v[i].errored = 1;
			return u->v[i].timed_out ? UNSEEN_TIMED_OUT : UNSEEN_PENDING;
		}
	return UNSEEN_ABSENT;
}

void unseen_expire(struct unseen *u, uint64_t before_ns, int (*fn)(void *ctx, const struct unseen_probe *p),
		   void *ctx)
{
	uint64_t late = before_ns > UNSEEN_LATE_NS ? before_ns - UNSEEN_LATE_NS : 0;
	uint32_t i, kept = 0;

	for (i = 0; i < u->n; i++) {
		struct unseen_probe *p = &u->v[i];

		if (p->sent_ns <= late)
			continue;
		if (!p->timed_out && p->sent_ns <= before_ns) {
			if (!fn(ctx, p))
				continue;
			p->timed_out = 1;
		}
		u->v[kept++] = *p;
	}
	u->n = kept;
}

void unseen_free(struct unseen *u)
{
	free(u->v);
	memset(u, 0, sizeof(*u));
}
