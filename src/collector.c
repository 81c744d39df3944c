// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "collector.h"
#include "run.h"

#define SWEEP_BATCH 1024

static int on_event(void *ctx, void *data, size_t len)
{
	struct run *r = ctx;

	if (len < sizeof(struct icmpmon_event))
		return 0;
	r->sink->event(r, data);
	return 0;
}

/* The ring's consumer and producer positions (the BPF ring buffer's first two pages), read-only. */
static const unsigned long *cons_pos, *prod_pos;

int collector_open(struct run *r, char *err, size_t errlen)
{
	long page = sysconf(_SC_PAGESIZE);
	int fd = loader_ringbuf_fd(&r->ld);
	void *c, *p;

	r->rb = ring_buffer__new(fd, on_event, r, NULL);
	if (!r->rb) {
		snprintf(err, errlen, "cannot open the ring buffer: %s", strerror(errno));
		return -1;
	}
	c = mmap(NULL, (size_t)page, PROT_READ, MAP_SHARED, fd, 0);
	p = mmap(NULL, (size_t)page, PROT_READ, MAP_SHARED, fd, page);
	if (c == MAP_FAILED || p == MAP_FAILED) {
		snprintf(err, errlen, "cannot map the ring buffer's positions: %s", strerror(errno));
		if (c != MAP_FAILED)
			munmap(c, (size_t)page);
		if (p != MAP_FAILED)
			munmap(p, (size_t)page);
		return -1;
	}
	cons_pos = c;
	prod_pos = p;
	return 0;
}

uint64_t collector_before_sleep(struct run *r, uint64_t wake, uint64_t now, uint64_t tick)
{
	uint64_t soon = now + tick;
	int got;

	loader_set_reader_wake(&r->ld, wake);
	/* An event reserved before the store above may have decided not to wake us: read it now. */
	got = ring_buffer__consume(r->rb);
	/* ...or it is still being written (reserved, not committed): look again in a tick. */
	if ((got > 0 || __atomic_load_n(prod_pos, __ATOMIC_ACQUIRE) != __atomic_load_n(cons_pos, __ATOMIC_ACQUIRE)) &&
	    soon < wake) {
		wake = soon;
		loader_set_reader_wake(&r->ld, wake);
	}
	return wake;
}

int collector_consume(struct run *r)
{
	return ring_buffer__consume(r->rb);
}

static int expire(struct run *r, int fd, const struct probe_key *k, const struct probe_val *v)
{
	if (bpf_map_delete_elem(fd, k))
		return 0; /* the reply won the race */
	if (v->target_idx < r->targets.n) {
		r->targets.v[v->target_idx].timeouts++;
		r->sink->timeout(r, v->target_idx, k->seq);
	}
	return 1;
}

int collector_sweep(struct run *r, uint64_t now_ns)
{
	static struct probe_key keys[SWEEP_BATCH];
	static struct probe_val vals[SWEEP_BATCH];
	uint64_t timeout_ns = (uint64_t)(r->cfg->timeout_s * 1e9);
	int fd = loader_probes_fd(&r->ld);
	__u32 in, out, count, i;
	uint64_t before = now_ns > timeout_ns ? now_ns - timeout_ns : 0;
	int rc, first = 1, expired = 0;

	for (;;) {
		count = SWEEP_BATCH;
		rc = bpf_map_lookup_batch(fd, first ? NULL : &in, &out, keys, vals, &count, NULL);
		if (rc && errno != ENOENT)
			return -errno;
		for (i = 0; i < count; i++)
			if (vals[i].t_tx_ns <= before)
				expired += expire(r, fd, &keys[i], &vals[i]);
		if (rc)
			return expired; /* ENOENT: the walk is complete */
		in = out;
		first = 0;
	}
}

uint64_t collector_outstanding(struct run *r)
{
	uint64_t stamped = 0, settled = 0;
	uint32_t i;
	int k;

	for (i = 0; i < r->targets.n; i++) {
		const struct target_stats *s = &r->stats[i];

		stamped += s->stamped;
		settled += s->received + r->targets.v[i].timeouts;
		for (k = 0; k < ICMPMON_ERR_KINDS; k++)
			settled += s->errors[k];
	}
	return stamped > settled ? stamped - settled : 0;
}

void collector_close(struct run *r)
{
	long page = sysconf(_SC_PAGESIZE);

	if (cons_pos)
		munmap((void *)cons_pos, (size_t)page);
	if (prod_pos)
		munmap((void *)prod_pos, (size_t)page);
	cons_pos = prod_pos = NULL;
	ring_buffer__free(r->rb);
	r->rb = NULL;
}
