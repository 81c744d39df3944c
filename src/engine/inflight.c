// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Probes in flight for --mode dgram: a window per target, a queue in send order (inflight.h). */
#include <stdlib.h>
#include <string.h>

#include "engine/inflight.h"

enum { FREE = 0, WAITING, ANSWERED };

#define WINDOW_MIN 4u
#define WINDOW_MAX 65536u /* every sequence number */
#define FIFO_MIN 64u

uint32_t inflight_window(double timeout_s, double interval_s)
{
	double need = interval_s > 0 ? timeout_s / interval_s + 2 : WINDOW_MAX;
	uint32_t w = WINDOW_MIN;

	while (w < need && w < WINDOW_MAX)
		w <<= 1;
	return w;
}

int inflight_init(struct inflight *f, uint32_t n_targets, uint32_t window)
{
	memset(f, 0, sizeof(*f));
	if (!window || (window & (window - 1)) || window > WINDOW_MAX)
		return -1;
	f->n_targets = n_targets;
	f->window = window;
	f->probe = calloc((size_t)n_targets * window, sizeof(*f->probe));
	f->fifo_cap = FIFO_MIN;
	f->fifo = calloc(f->fifo_cap, sizeof(*f->fifo));
	if (!f->probe || !f->fifo) {
		inflight_free(f);
		return -1;
	}
	return 0;
}

static struct inflight_probe *slot_of(struct inflight *f, uint32_t tidx, uint16_t seq)
{
	if (tidx >= f->n_targets)
		return NULL;
	return &f->probe[(size_t)tidx * f->window + (seq & (f->window - 1))];
}

/* The slot of this very probe, or NULL. */
static struct inflight_probe *find(struct inflight *f, uint32_t tidx, uint16_t seq)
{
	struct inflight_probe *p = slot_of(f, tidx, seq);

	return p && p->state != FREE && p->seq == seq ? p : NULL;
}

static int fifo_grow(struct inflight *f)
{
	size_t cap = f->fifo_cap * 2, n = (size_t)(f->tail - f->head), i;
	struct inflight_sent *v = malloc(cap * sizeof(*v));

	if (!v)
		return -1;
	for (i = 0; i < n; i++)
		v[i] = f->fifo[(f->head + i) & (f->fifo_cap - 1)];
	free(f->fifo);
	f->fifo = v;
	f->fifo_cap = cap;
	f->head = 0;
	f->tail = n;
	return 0;
}

int inflight_add(struct inflight *f, uint32_t tidx, uint16_t seq, uint64_t sent_mono_ns, uint64_t tx_real_ns)
{
	struct inflight_probe *p = slot_of(f, tidx, seq);
	struct inflight_sent *s;

	if (!p || p->state == WAITING || (f->tail - f->head == f->fifo_cap && fifo_grow(f))) {
		f->untracked++;
		return -1;
	}
	*p = (struct inflight_probe){ .tx_ns = tx_real_ns, .seq = seq, .state = WAITING };
	s = &f->fifo[f->tail++ & (f->fifo_cap - 1)];
	*s = (struct inflight_sent){ .sent_mono_ns = sent_mono_ns, .tidx = tidx, .seq = seq };
	return 0;
}

int inflight_stamp(struct inflight *f, uint32_t tidx, uint16_t seq, uint64_t tx_real_ns)
{
	struct inflight_probe *p = find(f, tidx, seq);

	if (!p || p->state != WAITING)
		return 0;
	p->tx_ns = tx_real_ns;
	p->kernel_tx = 1;
	return 1;
}

enum inflight_verdict inflight_answer(struct inflight *f, uint32_t tidx, uint16_t seq, uint64_t *tx_ns)
{
	struct inflight_probe *p = find(f, tidx, seq);

	if (!p)
		return INFLIGHT_NONE;
	*tx_ns = p->tx_ns;
	if (p->state == ANSWERED)
		return INFLIGHT_DUP;
	p->state = ANSWERED;
	return INFLIGHT_FIRST;
}

enum inflight_verdict inflight_fail(struct inflight *f, uint32_t tidx, uint16_t seq, uint64_t *tx_ns)
{
	struct inflight_probe *p = find(f, tidx, seq);

	int first;

	if (!p || p->state != WAITING)
		return INFLIGHT_NONE;
	*tx_ns = p->tx_ns;
	first = !p->errored;
	p->errored = 1;
	return first ? INFLIGHT_FIRST : INFLIGHT_DUP;
}

int inflight_errored(struct inflight *f, uint32_t tidx, uint16_t seq)
{
	struct inflight_probe *p = find(f, tidx, seq);

	return p && p->errored;
}

void inflight_expire(struct inflight *f, uint64_t before_mono_ns,
		     void (*timeout)(void *ctx, uint32_t tidx, uint16_t seq, int errored), void *ctx)
{
	while (f->head != f->tail) {
		const struct inflight_sent *s = &f->fifo[f->head & (f->fifo_cap - 1)];
		struct inflight_probe *p;
		uint32_t tidx = s->tidx;
		uint16_t seq = s->seq;
		int waited;

		if (s->sent_mono_ns > before_mono_ns)
			return;
		f->head++;
		p = find(f, tidx, seq);
		if (!p)
			continue; /* its slot went to a later probe */
		waited = p->state == WAITING;
		p->state = FREE;
		if (waited)
			timeout(ctx, tidx, seq, p->errored);
	}
}

void inflight_free(struct inflight *f)
{
	free(f->probe);
	free(f->fifo);
	f->probe = NULL;
	f->fifo = NULL;
}
