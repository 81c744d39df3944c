// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The Prometheus text format 0.0.4 as a metrics encoder (prometheus.h),
 * appending to a byte buffer: no stdio, no allocation per sample, integers
 * and nanoseconds formatted by hand, label values copied in runs between the
 * characters that need escaping, histogram bounds formatted once per scrape.
 */
#include <stdlib.h>
#include <string.h>

#include "output/prometheus.h"

char *metrics_buf_reserve(struct metrics_buf *b, size_t n)
{
	if (b->failed)
		return NULL;
	if (b->cap - b->len < n) {
		size_t cap = b->cap ? b->cap : 4096;
		char *p;

		while (cap - b->len < n)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p) {
			b->failed = 1;
			return NULL;
		}
		b->p = p;
		b->cap = cap;
	}
	return b->p + b->len;
}

void metrics_buf_put(struct metrics_buf *b, const void *p, size_t n)
{
	char *d = metrics_buf_reserve(b, n);

	if (d) {
		memcpy(d, p, n);
		b->len += n;
	}
}

static void put_str(struct metrics_buf *b, const char *s)
{
	metrics_buf_put(b, s, strlen(s));
}

static void put_char(struct metrics_buf *b, char c)
{
	char *d = metrics_buf_reserve(b, 1);

	if (d) {
		*d = c;
		b->len++;
	}
}

void metrics_escape(struct metrics_buf *b, const char *v, size_t len)
{
	size_t run = 0, k;

	for (k = 0; k < len; k++) {
		const char *esc = v[k] == '\\' ? "\\\\" : v[k] == '"' ? "\\\"" : v[k] == '\n' ? "\\n" : NULL;

		if (!esc)
			continue;
		metrics_buf_put(b, v + run, k - run);
		metrics_buf_put(b, esc, 2);
		run = k + 1;
	}
	metrics_buf_put(b, v + run, len - run);
}

void metrics_label_value(FILE *f, const char *v)
{
	struct metrics_buf b = { 0 };

	if (!v)
		return;
	metrics_escape(&b, v, strlen(v));
	if (b.len)
		fwrite(b.p, 1, b.len, f);
	free(b.p);
}

static void put_u64(struct metrics_buf *b, uint64_t v)
{
	char tmp[20], *p = tmp + sizeof(tmp);

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	metrics_buf_put(b, p, (size_t)(tmp + sizeof(tmp) - p));
}

/* ns as seconds with nine decimals: "%llu.%09llu". */
static void put_seconds_ns(struct metrics_buf *b, uint64_t ns)
{
	char frac[10];
	uint64_t f = ns % 1000000000ull;
	int k;

	put_u64(b, ns / 1000000000ull);
	frac[0] = '.';
	for (k = 9; k >= 1; k--) {
		frac[k] = (char)('0' + f % 10);
		f /= 10;
	}
	metrics_buf_put(b, frac, sizeof(frac));
}

/* A float as Prometheus clients print it: shortest form that reads back the same. */
static void format_float(char *buf, size_t len, double v)
{
	int prec;

	for (prec = 1; prec <= 17; prec++) {
		snprintf(buf, len, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
}

/* The bounds of the scrape's histograms, formatted once. */
struct text_state {
	const double *le;
	int n_le;
	char le_str[METRICS_MAX_BUCKETS][32];
};

static void le_strings(struct text_state *s, const double *le, int n_le)
{
	int k;

	if (s->le == le && s->n_le == n_le)
		return;
	for (k = 0; k < n_le && k < METRICS_MAX_BUCKETS; k++)
		format_float(s->le_str[k], sizeof(s->le_str[k]), le[k]);
	s->le = le;
	s->n_le = n_le;
}

/* NAME{a="x",b="y",le="0.1"} with suffix after NAME and le only when given. */
static void series(struct metrics_buf *b, const char *name, const char *suffix, const struct metrics_label *l, int n,
		   const char *le)
{
	int k;

	put_str(b, name);
	put_str(b, suffix);
	if (!n && !le)
		return;
	put_char(b, '{');
	for (k = 0; k < n; k++) {
		if (k)
			put_char(b, ',');
		metrics_buf_put(b, l[k].name, l[k].name_len);
		metrics_buf_put(b, "=\"", 2);
		metrics_escape(b, l[k].value, l[k].value_len);
		put_char(b, '"');
	}
	if (le) {
		put_str(b, n ? ",le=\"" : "le=\"");
		put_str(b, le);
		put_char(b, '"');
	}
	put_char(b, '}');
}

static void text_family(struct metrics_encoder *e, const char *name, const char *type, const char *help)
{
	e->family_name = name;
	put_str(e->out, "# HELP ");
	put_str(e->out, name);
	put_char(e->out, ' ');
	put_str(e->out, help);
	put_str(e->out, "\n# TYPE ");
	put_str(e->out, name);
	put_char(e->out, ' ');
	put_str(e->out, type);
	put_char(e->out, '\n');
}

static void text_number(struct metrics_encoder *e, const struct metrics_label *l, int n, uint64_t v, int seconds)
{
	series(e->out, e->family_name, "", l, n, NULL);
	put_char(e->out, ' ');
	if (seconds)
		put_seconds_ns(e->out, v);
	else
		put_u64(e->out, v);
	put_char(e->out, '\n');
}

static void value_line(struct metrics_buf *b, uint64_t v)
{
	put_char(b, ' ');
	put_u64(b, v);
	put_char(b, '\n');
}

static void text_sum(struct metrics_encoder *e, const struct metrics_label *l, int n, uint64_t sum_ns)
{
	series(e->out, e->family_name, "_sum", l, n, NULL);
	put_char(e->out, ' ');
	put_seconds_ns(e->out, sum_ns);
	put_char(e->out, '\n');
}

static void text_summary(struct metrics_encoder *e, const struct metrics_label *l, int n, uint64_t count,
			 uint64_t sum_ns)
{
	text_sum(e, l, n, sum_ns);
	/* info_labels: the count is icmpmon_replies_total's (prometheus.h) */
	if (e->sum_only)
		return;
	series(e->out, e->family_name, "_count", l, n, NULL);
	value_line(e->out, count);
}

static void text_histogram(struct metrics_encoder *e, const struct metrics_label *l, int n,
			   const struct metrics_hist *h)
{
	struct text_state *s = e->state;
	int k;

	le_strings(s, h->le, h->n_le);
	for (k = 0; k < h->n_le; k++) {
		series(e->out, e->family_name, "_bucket", l, n, s->le_str[k]);
		value_line(e->out, h->cum[k]);
	}
	series(e->out, e->family_name, "_bucket", l, n, "+Inf");
	value_line(e->out, h->count);
	text_sum(e, l, n, h->sum_ns);
	series(e->out, e->family_name, "_count", l, n, NULL);
	value_line(e->out, h->count);
}

static void text_end(struct metrics_encoder *e)
{
	(void)e;
}

static void text_release(struct metrics_encoder *e)
{
	free(e->state);
	e->state = NULL;
}

int metrics_text_encoder(struct metrics_encoder *e, struct metrics_buf *out)
{
	*e = (struct metrics_encoder){ .family = text_family, .number = text_number, .histogram = text_histogram,
				       .summary = text_summary, .end_family = text_end, .release = text_release,
				       .out = out, .state = calloc(1, sizeof(struct text_state)) };
	return e->state ? 0 : -1;
}

int metrics_write_scrape(FILE *f, const struct metrics_scrape *m)
{
	struct metrics_stream *s = metrics_stream_new(0);
	char buf[METRICS_STREAM_CHUNK];
	size_t n;
	int rc = -1;

	if (!s)
		return -1;
	while ((rc = metrics_stream_fill(s, m)) > 0)
		while ((n = metrics_stream_read(s, buf, sizeof(buf))))
			fwrite(buf, 1, n, f);
	metrics_stream_free(s);
	return rc;
}
