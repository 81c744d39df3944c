// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Ring-buffer consumer and outstanding-probe sweeper (collector.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "kernel/collector.h"

#define SWEEP_BATCH 1024

static int on_event(void *ctx, void *data, size_t len)
{
	struct collector *c = ctx;

	if (len < sizeof(struct icmpmon_event))
		return 0;
	c->ops.event(c->ops.ctx, data);
	return 0;
}

int collector_open(struct collector *c, int ringbuf_fd, int probes_fd, const struct collector_ops *ops, char *err,
		   size_t errlen)
{
	long page = sysconf(_SC_PAGESIZE);
	void *cp, *pp;

	c->ops = *ops;
	c->probes_fd = probes_fd;
	c->cons_pos = c->prod_pos = NULL;
	c->rb = ring_buffer__new(ringbuf_fd, on_event, c, NULL);
	if (!c->rb) {
		snprintf(err, errlen, "cannot open the ring buffer: %s", strerror(errno));
		return -1;
	}
	cp = mmap(NULL, (size_t)page, PROT_READ, MAP_SHARED, ringbuf_fd, 0);
	pp = mmap(NULL, (size_t)page, PROT_READ, MAP_SHARED, ringbuf_fd, page);
	if (cp == MAP_FAILED || pp == MAP_FAILED) {
		snprintf(err, errlen, "cannot map the ring buffer's positions: %s", strerror(errno));
		if (cp != MAP_FAILED)
			munmap(cp, (size_t)page);
		if (pp != MAP_FAILED)
			munmap(pp, (size_t)page);
		ring_buffer__free(c->rb);
		c->rb = NULL;
		return -1;
	}
	c->cons_pos = cp;
	c->prod_pos = pp;
	return 0;
}

int collector_pending(const struct collector *c)
{
	return __atomic_load_n(c->prod_pos, __ATOMIC_ACQUIRE) != __atomic_load_n(c->cons_pos, __ATOMIC_ACQUIRE);
}

int collector_consume(struct collector *c)
{
	return ring_buffer__consume(c->rb);
}

int collector_poll(struct collector *c, int timeout_ms)
{
	return ring_buffer__poll(c->rb, timeout_ms);
}

int collector_epoll_fd(const struct collector *c)
{
	return ring_buffer__epoll_fd(c->rb);
}

static int expire(struct collector *c, const struct probe_key *k, const struct probe_val *v)
{
	if (bpf_map_delete_elem(c->probes_fd, k))
		return 0; /* the reply won the race */
	c->ops.timeout(c->ops.ctx, v->target_idx, k->seq, !!(v->flags & ICMPMON_PROBE_ERRORED));
	return 1;
}

static const struct probe_val *sort_vals;

static int by_send_time(const void *a, const void *b)
{
	uint64_t ta = sort_vals[*(const __u32 *)a].t_tx_ns, tb = sort_vals[*(const __u32 *)b].t_tx_ns;

	return ta < tb ? -1 : ta > tb;
}

int collector_sweep(struct collector *c, uint64_t before_ns)
{
	static struct probe_key keys[SWEEP_BATCH];
	static struct probe_val vals[SWEEP_BATCH];
	static __u32 order[SWEEP_BATCH];
	__u32 in, out, count, i, n;
	int rc, first = 1, expired = 0;

	for (;;) {
		count = SWEEP_BATCH;
		rc = bpf_map_lookup_batch(c->probes_fd, first ? NULL : &in, &out, keys, vals, &count, NULL);
		if (rc && errno != ENOENT)
			return -errno;
		/* in the order they were sent (the map's is a hash's): sinks print timeouts as they come */
		for (i = n = 0; i < count; i++)
			if (vals[i].t_tx_ns <= before_ns)
				order[n++] = i;
		sort_vals = vals;
		qsort(order, n, sizeof(order[0]), by_send_time);
		for (i = 0; i < n; i++)
			expired += expire(c, &keys[order[i]], &vals[order[i]]);
		if (rc)
			return expired; /* ENOENT: the walk is complete */
		in = out;
		first = 0;
	}
}

int collector_forget(struct collector *c, const struct probe_key *k)
{
	return bpf_map_delete_elem(c->probes_fd, k) ? -errno : 0;
}

int collector_outstanding(const struct collector *c, const struct probe_key *k)
{
	struct probe_val v;

	return !bpf_map_lookup_elem(c->probes_fd, k, &v);
}

void collector_close(struct collector *c)
{
	long page = sysconf(_SC_PAGESIZE);

	if (c->cons_pos)
		munmap((void *)c->cons_pos, (size_t)page);
	if (c->prod_pos)
		munmap((void *)c->prod_pos, (size_t)page);
	c->cons_pos = c->prod_pos = NULL;
	ring_buffer__free(c->rb);
	c->rb = NULL;
}
