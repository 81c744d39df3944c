// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The protobuf exposition (src/output/prom_pb.c): decoded back with protobuf-c, native buckets of schema 4. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bpf/hist.h"
#include "io/prometheus/client/metrics.pb-c.h"
#include "output/prometheus.h"

static struct target_stats stats[2];
static struct target_hists hists[2];

static int one_target(const void *ctx, uint32_t i, struct metrics_target *t)
{
	(void)ctx;
	memset(t, 0, sizeof(*t));
	t->addr = i ? "10.0.0.2" : "10.0.0.1";
	t->host = t->addr;
	t->ifname = "eth0";
	t->labels = i ? "dc=fra" : "dc=ams";
	t->slot = i;
	t->stats = &stats[i];
	t->sent = 7;
	return 1;
}

static const struct target_hists *hists_of(const void *ctx, uint32_t i)
{
	(void)ctx;
	return &hists[i];
}

static void add(uint32_t i, uint64_t ns)
{
	struct target_stats *s = &stats[i];

	hists[i].hist[icmpmon_hist_bucket(ns)]++;
	s->received++;
	s->rtt_first_sum_ns += ns;
}

/* Reads the delimited messages back; returns how many, *rtt the icmpmon_rtt_seconds family. */
static int decode(const unsigned char *p, size_t len, Io__Prometheus__Client__MetricFamily **fams, int max)
{
	size_t off = 0;
	int n = 0;

	while (off < len && n < max) {
		uint64_t size = 0;
		int shift = 0;

		while (p[off] & 0x80) {
			size |= (uint64_t)(p[off++] & 0x7f) << shift;
			shift += 7;
		}
		size |= (uint64_t)p[off++] << shift;
		assert_true(off + size <= len);
		fams[n] = io__prometheus__client__metric_family__unpack(NULL, size, p + off);
		assert_non_null(fams[n]);
		off += size;
		n++;
	}
	assert_int_equal(off, len);
	return n;
}

static void test_native(void **state)
{
	static const uint64_t rtts[] = { 500, 1500, 30000, 31000, 250000, 1000000, 1000000, 40000000000ull };
	Io__Prometheus__Client__MetricFamily *fams[64], *rtt = NULL;
	double le[METRICS_MAX_BUCKETS];
	struct metrics_scrape m = { .slots = 2, .target = one_target, .hists = hists_of, .target_hist = 1 };
	unsigned char *buf = NULL;
	size_t len = 0, k;
	FILE *f;
	int n, i;

	(void)state;
	memset(stats, 0, sizeof(stats));
	for (k = 0; k < sizeof(rtts) / sizeof(rtts[0]); k++)
		add(0, rtts[k]);
	m.le = le;
	m.n_le = metrics_buckets(NULL, 0, le);
	f = open_memstream((char **)&buf, &len);
	assert_int_equal(metrics_write_scrape_pb(f, &m), 0);
	fclose(f);
	n = decode(buf, len, fams, 64);
	for (i = 0; i < n; i++)
		if (!strcmp(fams[i]->name, "icmpmon_rtt_seconds"))
			rtt = fams[i];
	assert_non_null(rtt);
	assert_int_equal(rtt->type, IO__PROMETHEUS__CLIENT__METRIC_TYPE__HISTOGRAM);
	assert_int_equal(rtt->n_metric, 2);
	{
		Io__Prometheus__Client__Histogram *h = rtt->metric[0]->histogram;
		uint64_t total = h->zero_count, cur = 0;
		int idx = 0;
		size_t s, d = 0;

		assert_int_equal(h->schema, 4);
		assert_int_equal(h->sample_count, 8);
		assert_true(fabs(h->sample_sum - 40.002313) < 1e-9);
		assert_int_equal(h->zero_count, 1); /* 500 ns */
		assert_int_equal(h->n_bucket, (size_t)m.n_le);
		assert_int_equal(rtt->metric[0]->n_label, 4);
		assert_string_equal(rtt->metric[0]->label[3]->name, "dc");
		assert_string_equal(rtt->metric[0]->label[3]->value, "ams");
		/* every reply lands in the schema-4 bucket above its kernel bucket, within 2^(1/16) */
		for (s = 0; s < h->n_positive_span; s++) {
			idx += h->positive_span[s]->offset;
			for (uint32_t j = 0; j < h->positive_span[s]->length; j++, idx++, d++) {
				cur += (uint64_t)h->positive_delta[d];
				total += cur;
			}
		}
		assert_int_equal(d, h->n_positive_delta);
		assert_int_equal(total, 8);
	}
	for (k = 1; k < sizeof(rtts) / sizeof(rtts[0]); k++) {
		uint32_t b = icmpmon_hist_bucket(rtts[k]);
		double hi = (double)(icmpmon_hist_lower_ns(b) + icmpmon_hist_width_ns(b)) / 1e9;
		double upper = pow(2.0, metrics_native_index(b) / 16.0);

		assert_true(upper >= hi * (1 - 1e-12));
		assert_true(upper < hi * pow(2.0, 1.0 / 16) * (1 + 1e-12));
		if (rtts[k] >= 16384)
			assert_true(upper / ((double)rtts[k] / 1e9) < 1.11);
	}
	for (i = 0; i < n; i++)
		io__prometheus__client__metric_family__free_unpacked(fams[i], NULL);
	free(buf);
}

/* Native indexes never go down as kernel buckets go up. */
static void test_monotonic(void **state)
{
	uint32_t b;

	(void)state;
	for (b = 2; b < ICMPMON_HIST_BUCKETS; b++)
		assert_true(metrics_native_index(b) >= metrics_native_index(b - 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_native),
		cmocka_unit_test(test_monotonic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
