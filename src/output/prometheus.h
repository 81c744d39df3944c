/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Prometheus exposition, text (format 0.0.4) or protobuf: pure formatting of a scrape
 * (struct metrics_scrape), no I/O besides the FILE it writes to. The run is
 * turned into a scrape by serve/scrape.c, served by serve/exporter.c;
 * docs/fleet.md lists the metrics.
 *
 * Histogram rule: icmpmon's log-linear bucket i holds the RTTs
 * [lower_i, lower_i + width_i) in whole nanoseconds. A reply counts in the
 * Prometheus bucket le=L when every value its own bucket can hold is <= L,
 * that is lower_i + width_i - 1 <= L (L rounded to whole nanoseconds). A
 * bucket that straddles L is counted in the next le only, so le=L is exact
 * up to the straddling bucket (at most 1/16 of L wide): it never counts a
 * reply above L, it may leave out replies at most L/16 below it. The last
 * bucket also takes every RTT above 34 s and so counts in +Inf only.
 */
#ifndef ICMPMON_METRICS_H
#define ICMPMON_METRICS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bpf/icmpmon.h"
#include "util/labels.h"

#define METRICS_MAX_BUCKETS 64
/* 50 us doubling: 50 us, 100 us, ... 26.2144 s. */
#define METRICS_DEFAULT_BUCKETS 20
/* Per-target histograms by default up to this many targets, group histograms beyond. */
#define METRICS_TARGET_HIST_AUTO_MAX 1024

/* One target slot in use, as a scrape sees it. */
struct metrics_target {
	const char *addr, *host, *ifname;
	const char *labels;               /* canonical label set (util/labels.h), or NULL */
	uint32_t slot;                    /* i of metrics_scrape.target() */
	const struct target_stats *stats; /* live: read with relaxed atomic loads */
	uint64_t sent, timeouts, send_errors, unstamped;
};

/* What one scrape shows: the targets through a callback, the rest as numbers. */
struct metrics_scrape {
	uint32_t slots;
	/* Fills t for slot i and returns 1, or returns 0 when slot i is free. */
	int (*target)(const void *ctx, uint32_t i, struct metrics_target *t);
	/*
	 * Slot i's histograms, live (read with relaxed atomic loads, after its
	 * counters: a bucket may then hold a reply its count does not, which the
	 * cumulative counts clamp), valid until the next call; NULL when they
	 * cannot be read. Called for increasing i within a family.
	 */
	const struct target_hists *(*hists)(const void *ctx, uint32_t i);
	const void *ctx;
	const double *le; /* histogram bounds in seconds */
	int n_le;
	int target_hist;  /* a histogram per target; else _sum/_count per target and group histograms */
	/*
	 * The targets' labels (host, interface, the targets file's) once per target
	 * in icmpmon_target_info instead of on every series, which then carry only
	 * target; the per-target counters that are rarely non-zero (duplicates,
	 * timeouts, send errors, unstamped probes, ICMP errors by kind) only where
	 * non-zero, icmpmon_probes_stamped_total and the RTT summary's _count
	 * (= icmpmon_replies_total) not per target. What keeps /metrics in bounds
	 * at tens of thousands of targets (docs/fleet.md).
	 */
	int info_labels;
	const char *const *group_by; /* label names that make a group */
	int n_group_by;
	uint64_t outstanding;
	uint64_t reloads_ok, reloads_failed, over_capacity;
	uint64_t links_lost, links_back, links_moved; /* interface events (engine/links.h) */
	int has_kernel;   /* kernel[] holds the receive path's global counters (kernel, or socket mode's) */
	uint64_t kernel[ICMPMON_CNT_MAX];
	uint64_t start_real_ns; /* 0 before the first probe */
	const char *mode;       /* the receive mode that runs (kernel, socket, dgram), a label of build_info */
	const char *tx_stamp;   /* icmpmon_build_info labels: run_tx_stamp(), run_rtt_from() */
	const char *rtt_from;
};

/* Bytes an encoder appends to; failed once an allocation failed (then nothing more is added). */
struct metrics_buf {
	char *p;
	size_t len, cap;
	int failed;
};

/* Makes room for n more bytes; NULL (and failed set) when out of memory. */
char *metrics_buf_reserve(struct metrics_buf *b, size_t n);
void metrics_buf_put(struct metrics_buf *b, const void *p, size_t n);

/* A label as the encoders take it: a name and a value, both spans. */
struct metrics_label {
	const char *name, *value;
	size_t name_len, value_len;
};
#define METRICS_MAX_LABELS (4 + LABELS_MAX) /* target, host, interface, labels, one more (kind, le...) */

/* A histogram sample: the kernel's buckets (first replies) and their count and sum. */
struct metrics_hist {
	uint64_t count, sum_ns;
	const uint64_t *buckets;  /* ICMPMON_HIST_BUCKETS kernel buckets */
	const uint64_t *cum;      /* classic cumulative counts for le[0..n_le-1], clamped to count */
	const double *le;
	int n_le;
};

/* One exposition format: text (prom_text.c) or protobuf (prom_pb.c). */
struct metrics_encoder {
	void (*family)(struct metrics_encoder *e, const char *name, const char *type, const char *help);
	/* A counter or gauge value; seconds: v is nanoseconds to show as seconds. */
	void (*number)(struct metrics_encoder *e, const struct metrics_label *l, int n, uint64_t v, int seconds);
	void (*histogram)(struct metrics_encoder *e, const struct metrics_label *l, int n, const struct metrics_hist *h);
	/* A summary without quantiles: _sum and _count. */
	void (*summary)(struct metrics_encoder *e, const struct metrics_label *l, int n, uint64_t count, uint64_t sum_ns);
	void (*end_family)(struct metrics_encoder *e);
	void (*release)(struct metrics_encoder *e); /* frees state */
	struct metrics_buf *out;
	int whole_families;      /* a family is written out only at its end: never paused inside one */
	int sum_only;            /* a summary's _sum without its _count where the format allows (info_labels) */
	const char *family_name; /* of the family being written */
	void *state;
};

/* The text format's encoder, appending to out; -1 when out of memory. */
int metrics_text_encoder(struct metrics_encoder *e, struct metrics_buf *out);
/* The protobuf format's: one delimited MetricFamily per family, packed at its end; -1 when out of memory. */
int metrics_pb_encoder(struct metrics_encoder *e, struct metrics_buf *out);

/*
 * A scrape written a piece at a time, so that a body of any size needs a
 * buffer of about METRICS_STREAM_CHUNK bytes (text), or of the largest
 * family (protobuf: a MetricFamily's length comes before it), and the lock a
 * piece needs (serve/scrape.c) is held for that piece only. The scrape may
 * be rebuilt between pieces (its numbers are read when a family is written);
 * its slots, label mode and histogram choice must stay those of the first.
 */
#define METRICS_STREAM_CHUNK (64 * 1024)
struct metrics_stream;
/* NULL when out of memory. */
struct metrics_stream *metrics_stream_new(int pb);
/* Writes the next piece (a few families or targets); 1 when it wrote one, 0 at the end, -1 out of memory. */
int metrics_stream_fill(struct metrics_stream *s, const struct metrics_scrape *m);
/* Copies up to max bytes written and not yet read into dst; returns how many (0: fill first). */
size_t metrics_stream_read(struct metrics_stream *s, char *dst, size_t max);
void metrics_stream_free(struct metrics_stream *s);

/* Walks every family of a scrape through an encoder, at once. */
void metrics_encode(struct metrics_encoder *e, const struct metrics_scrape *m);

/* The histogram's upper bounds in seconds: --metrics-buckets, or the default when n == 0. */
int metrics_buckets(const double *cfg_le, int cfg_n, double *le);

/* Prometheus bucket counts: out[k] = first replies whose bucket fits under le[k] (cumulative). */
void metrics_hist_cumulative(const struct target_hists *h, const double *le, int n_le, uint64_t *out);

/* Prometheus bucket counts from raw kernel buckets, clamped to count. */
void metrics_buckets_cumulative(const uint64_t *buckets, uint64_t count, const double *le, int n_le, uint64_t *out);

/* Escapes a label value (\\, \" and \n) into f. */
void metrics_label_value(FILE *f, const char *v);
/* The same for a span, appended to b. */
void metrics_escape(struct metrics_buf *b, const char *v, size_t len);

/* Kernel-wide counters (loader_counter), as the icmpmon_*_total families without labels. */
void metrics_write_kernel(FILE *f, const uint64_t counters[ICMPMON_CNT_MAX]);

/*
 * Every family in the text format 0.0.4: per-target counters, the RTT and host
 * queue histograms, gauges, kernel counters. -1: out of memory.
 */
int metrics_write_scrape(FILE *f, const struct metrics_scrape *m);

/*
 * The same in the protobuf format (delimited io.prometheus.client.MetricFamily
 * messages), RTT and host queue histograms with native buckets of schema 4 beside the classic
 * ones (docs/fleet.md: how kernel buckets map to them). -1 when out of memory.
 */
int metrics_write_scrape_pb(FILE *f, const struct metrics_scrape *m);
/* The schema-4 native bucket a kernel bucket is reported in (prom_pb.c says how and with what error). */
int metrics_native_index(uint32_t kernel_bucket);
#define METRICS_PB_CONTENT_TYPE \
	"application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited"

#endif /* ICMPMON_METRICS_H */
