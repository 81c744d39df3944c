// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Probes and ICMP errors no hook sees (unhooked.h). */
#include <string.h>

#include "engine/errqueue.h"
#include "engine/run.h"
#include "engine/unhooked.h"
#include "util/clock.h"

void unhooked_start(struct run *r)
{
	if (r->mode != RX_KERNEL)
		return;
	r->snd.stats = r->stats;
	r->snd.unseen = &r->unseen;
}

static struct probe_key key_of(const struct target *t, uint16_t id_net, uint16_t seq)
{
	struct probe_key k;

	memset(&k, 0, sizeof(k));
	k.target = t->addr;
	k.id = id_net;
	k.seq = seq;
	return k;
}

/* The target an error is about, if it is about a probe of this run; else UINT32_MAX. */
static uint32_t target_of(const struct run *r, const struct errqueue_msg *m)
{
	size_t cookie_len = r->cfg->size >= ICMPMON_COOKIE_LEN ? ICMPMON_COOKIE_LEN : 0;
	uint32_t tidx;

	if (m->id_net != r->id_net || m->payload_len < cookie_len || memcmp(m->payload, &r->cookie, cookie_len))
		return UINT32_MAX;
	tidx = addr_index_get(&r->targets.index, &m->dst);
	return tidx < r->targets.n && r->targets.v[tidx].name ? tidx : UINT32_MAX;
}

static void on_error(struct run *r, const struct errqueue_msg *m)
{
	uint32_t tidx = target_of(r, m);
	struct probe_key k;
	struct icmpmon_event ev;
	enum unseen_state st;
	int late, first;

	if (tidx == UINT32_MAX)
		return;
	k = key_of(&r->targets.v[tidx], r->id_net, m->seq);
	/*
	 * A probe tc egress stamped is the hooks' to judge: they saw its errors
	 * come in and reported them, or refused them as not about the probe as
	 * sent (the kernel queues errors here without the quote checks). An
	 * error settles no probe, so it stays in the map for its reply.
	 */
	if (collector_outstanding(&r->col, &k))
		return;
	st = unseen_error(&r->unseen, tidx, m->seq, &first);
	if (st == UNSEEN_ABSENT)
		return; /* settled (answered, swept) or never ours */
	late = st == UNSEEN_TIMED_OUT;
	if (first) {
		r->targets.v[tidx].unstamped_excused++; /* never stamped, and now the kernel said why */
		if (!late) /* swept as errored, not as a timeout: icmpmon_bpf's errored */
			__atomic_fetch_add(&r->stats[tidx].errored, 1, __ATOMIC_RELAXED);
	}
	__atomic_fetch_add(&r->stats[tidx].errors[icmpmon_error_kind(m->dst.family, m->icmp_type)], 1,
			   __ATOMIC_RELAXED);
	memset(&ev, 0, sizeof(ev));
	ev.t_rx_ns = clock_mono_ns();
	ev.target_idx = tidx;
	ev.seq = m->seq;
	ev.kind = ICMPMON_EV_ERROR;
	ev.icmp_type = m->icmp_type;
	ev.icmp_code = m->icmp_code;
	ev.icmp_info = m->icmp_info;
	ev.from = m->from;
	if (late && r->sink->late_error)
		r->sink->late_error(r, &ev);
	else {
		run_note_event(r, &ev);
		r->sink->event(r, &ev);
	}
}

void unhooked_read_errors(struct run *r, int f)
{
	struct errqueue_msg m;
	int fd = r->snd.path[f].fd, rc, budget = 4096;

	if (fd < 0 || r->mode != RX_KERNEL)
		return;
	while (budget-- && (rc = errqueue_read(fd, f, &m)) >= 0)
		if (rc == 1)
			on_error(r, &m);
	if (budget >= 0)
		errqueue_clear(fd); /* the queue is empty */
}

static int expire(void *ctx, const struct unseen_probe *p)
{
	struct run *r = ctx;
	struct target *t = &r->targets.v[p->tidx];
	struct probe_key k;

	if (p->tidx >= r->targets.n || !t->name)
		return 0; /* its slot was emptied by a reload */
	k = key_of(t, r->id_net, p->seq);
	if (collector_outstanding(&r->col, &k)) {
		t->unseen_noted--; /* stamped after all: the kernel's sweep has it */
		return 0;
	}
	if (p->errored) {
		t->errored_swept++; /* reported as an error already */
		return 1;
	}
	t->timeouts++;
	r->sink->timeout(r, p->tidx, p->seq);
	return 1; /* its error may still come */
}

void unhooked_sweep(struct run *r, uint64_t before_ns)
{
	if (!r->unseen.n)
		return;
	unhooked_read_errors(r, 0);
	unhooked_read_errors(r, 1);
	collector_consume(&r->col); /* a reply to a late-stamped probe takes it off the list first */
	unseen_expire(&r->unseen, before_ns, expire, r);
}

void unhooked_settled(struct run *r, uint32_t tidx, uint16_t seq)
{
	if (r->unseen.n && tidx < r->targets.n && unseen_take(&r->unseen, tidx, seq) != UNSEEN_ABSENT)
		r->targets.v[tidx].unseen_noted--;
}
