// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The Prometheus protobuf exposition (delimited io.prometheus.client.MetricFamily,
 * protobuf-c) as a metrics encoder (prometheus.h). RTT histograms carry
 * native buckets of schema 4 beside the classic ones: kernel bucket 0
 * ([0, 1.024 us)) is the zero bucket (threshold 1.024 us); every other kernel
 * bucket [lo, hi) goes whole into the schema-4 bucket whose upper bound is the
 * first at or above hi, index ceil(16 log2(hi in seconds)). A reply is so
 * reported at most one schema-4 bucket above the one it belongs to: the
 * bucket's upper bound is below 2^(1/16) x hi: at most 11 % above the reply
 * from 16.4 us up (the kernel's buckets are 1/16 octave wide there, hi/lo <=
 * 17/16), at most 2.1 x the reply below 16.4 us (linear 1.024 us buckets).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bpf/hist.h"
#include "io/prometheus/client/metrics.pb-c.h"
#include "output/prometheus.h"

#define NATIVE_SCHEMA 4
#define ARENA_CHUNK (64 * 1024)

/* What one metric needs while it is built, reused for the next once it is packed. */
struct arena_chunk {
	struct arena_chunk *next;
	size_t used, size;
	unsigned char data[];
};

/*
 * A family's metrics are packed one at a time into fam_bytes, each as field
 * 4 of the MetricFamily (tag, length, Metric); end_family writes the length
 * prefix, the name, help and type fields and those bytes: the same bytes
 * protobuf-c packs for the whole message (fields in number order), with one
 * metric's structures in memory at a time instead of the family's.
 */
struct pb_state {
	Io__Prometheus__Client__MetricFamily fam;
	Io__Prometheus__Client__Metric *cur; /* built, not yet packed */
	struct metrics_buf fam_bytes;
	size_t n;
	struct arena_chunk *arena;
	int failed;
};

static void *arena_alloc(struct pb_state *s, size_t size)
{
	struct arena_chunk *c = s->arena;

	size = (size + 15) & ~(size_t)15;
	if (!c || c->used + size > c->size) {
		size_t cap = size > ARENA_CHUNK ? size : ARENA_CHUNK;

		c = malloc(sizeof(*c) + cap);
		if (!c) {
			s->failed = 1;
			return NULL;
		}
		c->next = s->arena;
		c->used = 0;
		c->size = cap;
		s->arena = c;
	}
	c->used += size;
	return memset(c->data + c->used - size, 0, size);
}

static char *arena_str(struct pb_state *s, const char *p, size_t len)
{
	char *d = arena_alloc(s, len + 1);

	if (d)
		memcpy(d, p, len);
	return d;
}

static void arena_free(struct pb_state *s)
{
	while (s->arena) {
		struct arena_chunk *next = s->arena->next;

		free(s->arena);
		s->arena = next;
	}
}

/* Empties the arena, keeping one chunk for the next metric. */
static void arena_reset(struct pb_state *s)
{
	struct arena_chunk *keep = s->arena;

	if (!keep)
		return;
	s->arena = keep->next;
	arena_free(s);
	keep->next = NULL;
	keep->used = 0;
	s->arena = keep;
}

static size_t put_varint(uint8_t *p, uint64_t v)
{
	size_t n = 0;

	for (; v >= 0x80; v >>= 7)
		p[n++] = (uint8_t)(v | 0x80);
	p[n++] = (uint8_t)v;
	return n;
}

/* Packs the metric being built as field 4 of the family. */
static void pack_metric(struct pb_state *s)
{
	Io__Prometheus__Client__Metric *m = s->cur;
	uint8_t head[11];
	size_t len, hl;
	char *d;

	s->cur = NULL;
	if (!m || s->failed) {
		arena_reset(s);
		return;
	}
	len = io__prometheus__client__metric__get_packed_size(m);
	head[0] = 0x22; /* field 4, length-delimited */
	hl = 1 + put_varint(head + 1, len);
	if (!(d = metrics_buf_reserve(&s->fam_bytes, hl + len))) {
		s->failed = 1;
	} else {
		memcpy(d, head, hl);
		io__prometheus__client__metric__pack(m, (uint8_t *)d + hl);
		s->fam_bytes.len += hl + len;
		s->n++;
	}
	arena_reset(s);
}

/* A new metric of the current family with its labels; NULL when out of memory. */
static Io__Prometheus__Client__Metric *metric(struct pb_state *s, const struct metrics_label *l, int n)
{
	Io__Prometheus__Client__Metric *m;
	Io__Prometheus__Client__LabelPair *pairs, **ptrs;
	int k;

	pack_metric(s); /* the previous one, if any */
	m = arena_alloc(s, sizeof(*m));
	pairs = arena_alloc(s, (size_t)(n ? n : 1) * sizeof(*pairs));
	ptrs = arena_alloc(s, (size_t)(n ? n : 1) * sizeof(*ptrs));
	if (!m || !pairs || !ptrs)
		return NULL;
	io__prometheus__client__metric__init(m);
	for (k = 0; k < n; k++) {
		io__prometheus__client__label_pair__init(&pairs[k]);
		pairs[k].name = arena_str(s, l[k].name, l[k].name_len);
		pairs[k].value = arena_str(s, l[k].value, l[k].value_len);
		if (!pairs[k].name || !pairs[k].value)
			return NULL;
		ptrs[k] = &pairs[k];
	}
	m->n_label = (size_t)n;
	m->label = ptrs;
	s->cur = m;
	return m;
}

/* The most a family's length prefix, name, help and type take before its metrics. */
static size_t head_room(const Io__Prometheus__Client__MetricFamily *fam)
{
	return 10 + 2 * 6 + strlen(fam->name) + strlen(fam->help) + 11;
}

static void pb_family(struct metrics_encoder *e, const char *name, const char *type, const char *help)
{
	struct pb_state *s = e->state;

	io__prometheus__client__metric_family__init(&s->fam);
	s->fam.name = (char *)name;
	s->fam.help = (char *)help;
	s->fam.has_type = 1;
	s->fam.type = !strcmp(type, "counter")	 ? IO__PROMETHEUS__CLIENT__METRIC_TYPE__COUNTER
		      : !strcmp(type, "gauge")	 ? IO__PROMETHEUS__CLIENT__METRIC_TYPE__GAUGE
		      : !strcmp(type, "summary") ? IO__PROMETHEUS__CLIENT__METRIC_TYPE__SUMMARY
						 : IO__PROMETHEUS__CLIENT__METRIC_TYPE__HISTOGRAM;
	s->n = 0;
	s->fam_bytes.len = 0;
	if (metrics_buf_reserve(&s->fam_bytes, head_room(&s->fam)))
		s->fam_bytes.len = head_room(&s->fam);
	else
		s->failed = 1;
}

static void pb_number(struct metrics_encoder *e, const struct metrics_label *l, int n, uint64_t v, int seconds)
{
	struct pb_state *s = e->state;
	Io__Prometheus__Client__Metric *m = metric(s, l, n);
	double value = seconds ? (double)v / 1e9 : (double)v;

	if (!m)
		return;
	if (s->fam.type == IO__PROMETHEUS__CLIENT__METRIC_TYPE__COUNTER) {
		m->counter = arena_alloc(s, sizeof(*m->counter));
		if (!m->counter)
			return;
		io__prometheus__client__counter__init(m->counter);
		m->counter->has_value = 1;
		m->counter->value = value;
	} else {
		m->gauge = arena_alloc(s, sizeof(*m->gauge));
		if (!m->gauge)
			return;
		io__prometheus__client__gauge__init(m->gauge);
		m->gauge->has_value = 1;
		m->gauge->value = value;
	}
}

static void pb_summary(struct metrics_encoder *e, const struct metrics_label *l, int n, uint64_t count,
		       uint64_t sum_ns)
{
	struct pb_state *s = e->state;
	Io__Prometheus__Client__Metric *m = metric(s, l, n);

	if (!m || !(m->summary = arena_alloc(s, sizeof(*m->summary))))
		return;
	io__prometheus__client__summary__init(m->summary);
	m->summary->has_sample_count = m->summary->has_sample_sum = 1;
	m->summary->sample_count = count;
	m->summary->sample_sum = (double)sum_ns / 1e9;
}

int metrics_native_index(uint32_t kernel_bucket)
{
	uint64_t hi = icmpmon_hist_lower_ns(kernel_bucket) + icmpmon_hist_width_ns(kernel_bucket);

	return (int)ceil(ldexp(1.0, NATIVE_SCHEMA) * log2((double)hi / 1e9));
}

/* Schema-4 spans and deltas from the kernel buckets; returns the count they and the zero bucket hold. */
static uint64_t native_buckets(struct pb_state *s, Io__Prometheus__Client__Histogram *hp, const struct metrics_hist *h)
{
	int idx[ICMPMON_HIST_BUCKETS];
	uint64_t cnt[ICMPMON_HIST_BUCKETS], left = h->count, total;
	uint32_t k, n = 0, i, spans = 0;
	int64_t prev = 0;

	hp->zero_count = h->buckets[0] < left ? h->buckets[0] : left;
	left -= hp->zero_count;
	total = hp->zero_count;
	for (k = 1; k < ICMPMON_HIST_BUCKETS && left; k++) {
		uint64_t c = h->buckets[k] < left ? h->buckets[k] : left;
		int x;

		if (!c)
			continue;
		left -= c;
		total += c;
		x = metrics_native_index(k);
		if (n && idx[n - 1] == x) {
			cnt[n - 1] += c;
			continue;
		}
		idx[n] = x;
		cnt[n++] = c;
	}
	hp->positive_span = arena_alloc(s, (n ? n : 1) * sizeof(*hp->positive_span));
	hp->positive_delta = arena_alloc(s, (n ? n : 1) * sizeof(*hp->positive_delta));
	if (!hp->positive_span || !hp->positive_delta)
		return total;
	for (i = 0; i < n; i++) {
		Io__Prometheus__Client__BucketSpan *sp;

		if (!i || idx[i] != idx[i - 1] + 1) {
			sp = arena_alloc(s, sizeof(*sp));
			if (!sp)
				return total;
			io__prometheus__client__bucket_span__init(sp);
			sp->has_offset = sp->has_length = 1;
			sp->offset = i ? idx[i] - idx[i - 1] - 1 : idx[i];
			hp->positive_span[spans++] = sp;
		}
		hp->positive_span[spans - 1]->length++;
		hp->positive_delta[i] = (int64_t)cnt[i] - prev;
		prev = (int64_t)cnt[i];
	}
	hp->n_positive_span = spans;
	hp->n_positive_delta = n;
	return total;
}

static void pb_histogram(struct metrics_encoder *e, const struct metrics_label *l, int n, const struct metrics_hist *h)
{
	struct pb_state *s = e->state;
	Io__Prometheus__Client__Metric *m = metric(s, l, n);
	Io__Prometheus__Client__Histogram *hp;
	Io__Prometheus__Client__Bucket *b;
	int k;

	if (!m || !(hp = m->histogram = arena_alloc(s, sizeof(*hp))))
		return;
	io__prometheus__client__histogram__init(hp);
	b = arena_alloc(s, (size_t)(h->n_le ? h->n_le : 1) * sizeof(*b));
	hp->bucket = arena_alloc(s, (size_t)(h->n_le ? h->n_le : 1) * sizeof(*hp->bucket));
	if (!b || !hp->bucket)
		return;
	for (k = 0; k < h->n_le; k++) {
		io__prometheus__client__bucket__init(&b[k]);
		b[k].has_cumulative_count = b[k].has_upper_bound = 1;
		b[k].cumulative_count = h->cum[k];
		b[k].upper_bound = h->le[k];
		hp->bucket[k] = &b[k];
	}
	hp->n_bucket = (size_t)h->n_le;
	hp->has_schema = hp->has_zero_threshold = hp->has_zero_count = 1;
	hp->schema = NATIVE_SCHEMA;
	hp->zero_threshold = (double)icmpmon_hist_width_ns(0) / 1e9;
	/* The native buckets and the count must agree: both from the same snapshot of the buckets. */
	hp->has_sample_count = hp->has_sample_sum = 1;
	hp->sample_count = native_buckets(s, hp, h);
	hp->sample_sum = (double)h->sum_ns / 1e9;
}

/* A length-delimited field: tag, length, bytes. */
static size_t put_field(uint8_t *p, uint8_t tag, const char *v)
{
	size_t len = strlen(v), n;

	p[0] = tag;
	n = 1 + put_varint(p + 1, len);
	memcpy(p + n, v, len);
	return n + len;
}

static void pb_end(struct metrics_encoder *e)
{
	struct pb_state *s = e->state;
	size_t room = head_room(&s->fam), hl, total, pl;
	uint8_t *head, prefix[10];
	char *d;

	pack_metric(s);
	if (s->failed || !s->n)
		goto out;
	if (!(head = malloc(room))) {
		s->failed = 1;
		goto out;
	}
	hl = put_field(head, 0x0a, s->fam.name); /* field 1: name */
	hl += put_field(head + hl, 0x12, s->fam.help); /* field 2: help */
	head[hl++] = 0x18; /* field 3: type, varint */
	hl += put_varint(head + hl, (uint64_t)s->fam.type);
	total = hl + s->fam_bytes.len - room;
	pl = put_varint(prefix, total);
	/* the metrics follow the room left at the start of fam_bytes: the head goes right before them */
	d = s->fam_bytes.p + room - hl - pl;
	memcpy(d, prefix, pl);
	memcpy(d + pl, head, hl);
	free(head);
	if (!e->out->len) {
		/* hand the family's bytes over instead of copying them (the stream writes one family a piece) */
		struct metrics_buf tmp = *e->out;

		memmove(s->fam_bytes.p, d, pl + total);
		s->fam_bytes.len = pl + total;
		*e->out = s->fam_bytes;
		s->fam_bytes = tmp;
	} else {
		metrics_buf_put(e->out, d, pl + total);
	}
out:
	if (s->failed)
		e->out->failed = 1;
	s->n = 0;
	s->fam_bytes.len = 0;
}

static void pb_release(struct metrics_encoder *e)
{
	struct pb_state *s = e->state;

	if (!s)
		return;
	arena_free(s);
	free(s->fam_bytes.p);
	free(s);
	e->state = NULL;
}

int metrics_pb_encoder(struct metrics_encoder *e, struct metrics_buf *out)
{
	*e = (struct metrics_encoder){ .family = pb_family, .number = pb_number, .histogram = pb_histogram,
				       .summary = pb_summary, .end_family = pb_end, .release = pb_release, .out = out,
				       .whole_families = 1, .state = calloc(1, sizeof(struct pb_state)) };
	return e->state ? 0 : -1;
}

int metrics_write_scrape_pb(FILE *f, const struct metrics_scrape *m)
{
	struct metrics_stream *s = metrics_stream_new(1);
	char buf[METRICS_STREAM_CHUNK];
	size_t n;
	int rc;

	if (!s)
		return -1;
	while ((rc = metrics_stream_fill(s, m)) > 0)
		while ((n = metrics_stream_read(s, buf, sizeof(buf))))
			fwrite(buf, 1, n, f);
	metrics_stream_free(s);
	return rc;
}
