// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The Prometheus text format 0.0.4 as a metrics encoder (prometheus.h). */
#include <stdlib.h>
#include <string.h>

#include "output/prometheus.h"

static void label_span(FILE *f, const char *v, size_t len)
{
	for (; len--; v++) {
		if (*v == '\\')
			fputs("\\\\", f);
		else if (*v == '"')
			fputs("\\\"", f);
		else if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
}

void metrics_label_value(FILE *f, const char *v)
{
	if (v)
		label_span(f, v, strlen(v));
}

/* A float as Prometheus clients print it: shortest form that reads back the same. */
static void print_float(FILE *f, double v)
{
	char buf[32];
	int prec;

	for (prec = 1; prec <= 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	fputs(buf, f);
}

static void print_seconds_ns(FILE *f, uint64_t ns)
{
	fprintf(f, "%llu.%09llu", (unsigned long long)(ns / 1000000000ull), (unsigned long long)(ns % 1000000000ull));
}

/* NAME{a="x",b="y",le="0.1"} with suffix after NAME and le only when given. */
static void series(FILE *f, const char *name, const char *suffix, const struct metrics_label *l, int n,
		   const double *le)
{
	int k;

	fputs(name, f);
	fputs(suffix, f);
	if (!n && !le)
		return;
	fputc('{', f);
	for (k = 0; k < n; k++) {
		fprintf(f, "%s%.*s=\"", k ? "," : "", (int)l[k].name_len, l[k].name);
		label_span(f, l[k].value, l[k].value_len);
		fputc('"', f);
	}
	if (le) {
		fputs(n ? ",le=\"" : "le=\"", f);
		if (*le < 0)
			fputs("+Inf", f);
		else
			print_float(f, *le);
		fputc('"', f);
	}
	fputc('}', f);
}

static void text_family(struct metrics_encoder *e, const char *name, const char *type, const char *help)
{
	e->family_name = name;
	fprintf(e->f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void text_number(struct metrics_encoder *e, const struct metrics_label *l, int n, uint64_t v, int seconds)
{
	series(e->f, e->family_name, "", l, n, NULL);
	fputc(' ', e->f);
	if (seconds)
		print_seconds_ns(e->f, v);
	else
		fprintf(e->f, "%llu", (unsigned long long)v);
	fputc('\n', e->f);
}

static void text_summary(struct metrics_encoder *e, const struct metrics_label *l, int n, uint64_t count,
			 uint64_t sum_ns)
{
	series(e->f, e->family_name, "_sum", l, n, NULL);
	fputc(' ', e->f);
	print_seconds_ns(e->f, sum_ns);
	fputc('\n', e->f);
	series(e->f, e->family_name, "_count", l, n, NULL);
	fprintf(e->f, " %llu\n", (unsigned long long)count);
}

static void text_histogram(struct metrics_encoder *e, const struct metrics_label *l, int n,
			   const struct metrics_hist *h)
{
	const double inf = -1;
	int k;

	for (k = 0; k < h->n_le; k++) {
		series(e->f, e->family_name, "_bucket", l, n, &h->le[k]);
		fprintf(e->f, " %llu\n", (unsigned long long)h->cum[k]);
	}
	series(e->f, e->family_name, "_bucket", l, n, &inf);
	fprintf(e->f, " %llu\n", (unsigned long long)h->count);
	text_summary(e, l, n, h->count, h->sum_ns);
}

static void text_end(struct metrics_encoder *e)
{
	(void)e;
}

void metrics_text_encoder(struct metrics_encoder *e, FILE *f)
{
	*e = (struct metrics_encoder){ .family = text_family, .number = text_number, .histogram = text_histogram,
				       .summary = text_summary, .end_family = text_end, .f = f };
}

void metrics_write_scrape(FILE *f, const struct metrics_scrape *m)
{
	struct metrics_encoder e;

	metrics_text_encoder(&e, f);
	metrics_encode(&e, m);
}
