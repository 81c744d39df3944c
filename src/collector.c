// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

int collector_open(struct run *r, char *err, size_t errlen)
{
	r->rb = ring_buffer__new(loader_ringbuf_fd(&r->ld), on_event, r, NULL);
	if (!r->rb) {
		snprintf(err, errlen, "cannot open the ring buffer: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int collector_consume(struct run *r)
{
	return ring_buffer__consume(r->rb);
}

static int expire(struct run *r, int fd, const struct probe_key *k, const struct probe_val *v)
{
	if (bpf_map_delete_elem(fd, k))
		return 0; /* the reply won the race */
	if (v->target_idx < r->targets.n && (v->flags & ICMPMON_PROBE_ERRORED)) {
		r->targets.v[v->target_idx].errored_swept++; /* reported as an error already */
		return 1;
	}
	if (v->target_idx < r->targets.n) {
		r->targets.v[v->target_idx].timeouts++;
		r->sink->timeout(r, v->target_idx, k->seq);
	}
	return 1;
}

int collector_sweep(struct run *r, uint64_t now_ns)
{
	uint64_t timeout_ns = (uint64_t)(r->cfg->timeout_s * 1e9);

	return collector_expire_before(r, now_ns > timeout_ns ? now_ns - timeout_ns : 0);
}

static const struct probe_val *sort_vals;

static int by_send_time(const void *a, const void *b)
{
	uint64_t ta = sort_vals[*(const __u32 *)a].t_tx_ns, tb = sort_vals[*(const __u32 *)b].t_tx_ns;

	return ta < tb ? -1 : ta > tb;
}

int collector_expire_before(struct run *r, uint64_t before)
{
	static struct probe_key keys[SWEEP_BATCH];
	static struct probe_val vals[SWEEP_BATCH];
	static __u32 order[SWEEP_BATCH];
	int fd = loader_probes_fd(&r->ld);
	__u32 in, out, count, i, n;
	int rc, first = 1, expired = 0;

	for (;;) {
		count = SWEEP_BATCH;
		rc = bpf_map_lookup_batch(fd, first ? NULL : &in, &out, keys, vals, &count, NULL);
		if (rc && errno != ENOENT)
			return -errno;
		/* in the order they were sent (the map's is a hash's): sinks print timeouts as they come */
		for (i = n = 0; i < count; i++)
			if (vals[i].t_tx_ns <= before)
				order[n++] = i;
		sort_vals = vals;
		qsort(order, n, sizeof(order[0]), by_send_time);
		for (i = 0; i < n; i++)
			expired += expire(r, fd, &keys[order[i]], &vals[order[i]]);
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

	for (i = 0; i < r->targets.n; i++) {
		const struct target_stats *s = &r->stats[i];

		stamped += s->stamped;
		/* a probe with an error stays outstanding: its reply may still come */
		settled += s->received + r->targets.v[i].timeouts + r->targets.v[i].errored_swept;
	}
	return stamped > settled ? stamped - settled : 0;
}

void collector_close(struct run *r)
{
	ring_buffer__free(r->rb);
	r->rb = NULL;
}
