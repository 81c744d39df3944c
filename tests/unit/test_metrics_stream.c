// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The streamed /metrics writer (serve/scrape.c through output/prom_stream.c):
 * at small scale its text and protobuf bodies are byte for byte those of the
 * writer it replaced, kept as golden files in tests/unit/golden/ (written by
 * the old writer; METRICS_GOLDEN_WRITE=1 rewrites them). Fed in pieces of any
 * size, the body is the same.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cli/metrics_options.h"
#include "cli/options.h"
#include "engine/run.h"
#include "output/prometheus.h"
#include "serve/scrape.h"
#include "util/stats.h"

#define N 16

struct fixture {
	struct config cfg;
	struct run r;
	struct target t[N];
	struct target_stats s[N];
	struct target_hists h[N];
	char names[N][32];
	char labels[N][64];
};

static void build(struct fixture *fx)
{
	uint32_t i, k;

	memset(fx, 0, sizeof(*fx));
	config_defaults(&fx->cfg);
	fx->cfg.metrics_port = 9374;
	fx->r.cfg = &fx->cfg;
	fx->r.targets.v = fx->t;
	fx->r.targets.n = N;
	fx->r.stats = fx->s;
	fx->r.own_hists = fx->h;
	fx->r.ld.n_ifs = 2;
	fx->r.ld.ifs[0].ifindex = 1;
	strcpy(fx->r.ld.ifs[0].name, "eth0");
	fx->r.ld.ifs[1].ifindex = 2;
	strcpy(fx->r.ld.ifs[1].name, "eth\"1");
	for (i = 0; i < N; i++) {
		struct target *t = &fx->t[i];

		if (i % 7 == 5)
			continue; /* a free slot */
		snprintf(fx->names[i], sizeof(fx->names[i]), i % 11 == 3 ? "we\"ird\\%u\n" : "h%u.example", i);
		t->name = fx->names[i];
		snprintf(t->addr_str, sizeof(t->addr_str), "10.0.%u.%u", i / 8, i * 3 % 256);
		if (i % 5) {
			snprintf(fx->labels[i], sizeof(fx->labels[i]), "dc=dc%u rack=r\"%u", i % 3, i % 4);
			t->labels = fx->labels[i];
		}
		t->ifindex = 1 + (int)(i % 2);
		t->sent = 10 + i;
		t->timeouts = i % 4 == 1 ? i : 0;
		t->send_errors = i % 9 == 2;
		t->unstamped = i % 13 == 4;
		fx->s[i].stamped = t->sent - t->unstamped;
		for (k = 0; k < i % 6; k++)
			stats_add_rtt(&fx->s[i], &fx->h[i], 1000ull * (20 + 37 * k * k + i * 11), 0);
		if (i % 8 == 6)
			stats_add_rtt(&fx->s[i], &fx->h[i], 250000, 1);
		if (i % 10 == 7)
			stats_add_rtt(&fx->s[i], &fx->h[i], 40000000000ull, 0);
		fx->s[i].errors[i % ICMPMON_ERR_KINDS] = i % 3;
	}
}

/* Configurations of the golden files: name, --metrics-group-by, --metrics-target-histograms, --metrics-buckets. */
static const struct {
	const char *name, *group_by, *target_hist, *buckets;
} configs[] = {
	{ "plain", NULL, NULL, NULL },
	{ "group", "dc", NULL, NULL },
	{ "group_always", "dc,rack", "always", "0.0001,0.001,0.5" },
	{ "never", NULL, "never", NULL },
};

static void configure(struct fixture *fx, int c)
{
	char err[256];

	build(fx);
	if (configs[c].group_by)
		assert_int_equal(metrics_parse_group_by(configs[c].group_by, &fx->cfg, err, sizeof(err)), 0);
	if (configs[c].target_hist)
		assert_int_equal(metrics_parse_target_hist(configs[c].target_hist, &fx->cfg.metrics_target_hist, err,
							   sizeof(err)), 0);
	if (configs[c].buckets)
		assert_int_equal(metrics_parse_buckets(configs[c].buckets, fx->cfg.metrics_le, &fx->cfg.n_metrics_le, err,
						       sizeof(err)), 0);
}

static char *render(struct fixture *fx, int pb, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	assert_non_null(f);
	if (pb)
		assert_int_equal(metrics_write_pb(f, &fx->r), 0);
	else
		metrics_write(f, &fx->r);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		fail_msg("cannot open %s (METRICS_GOLDEN_WRITE=1 writes it)", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void test_golden(void **state)
{
	static struct fixture fx;
	int c, pb;

	(void)state;
	for (c = 0; c < (int)(sizeof(configs) / sizeof(configs[0])); c++) {
		for (pb = 0; pb < 2; pb++) {
			char path[256];
			size_t len, glen;
			char *body, *golden;

			snprintf(path, sizeof(path), "tests/unit/golden/metrics_%s.%s", configs[c].name, pb ? "pb" : "txt");
			configure(&fx, c);
			body = render(&fx, pb, &len);
			if (getenv("METRICS_GOLDEN_WRITE")) {
				FILE *f = fopen(path, "wb");

				assert_non_null(f);
				assert_int_equal(fwrite(body, 1, len, f), len);
				assert_int_equal(fclose(f), 0);
			}
			golden = slurp(path, &glen);
			if (len != glen || memcmp(body, golden, len))
				fail_msg("%s: %zu bytes, the golden file %zu; they differ", path, len, glen);
			free(golden);
			free(body);
		}
	}
}

static int has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	const char *p = text;

	while ((p = strstr(p, line))) {
		if ((p == text || p[-1] == '\n') && (p[n] == '\n' || !p[n]))
			return 1;
		p++;
	}
	return 0;
}

#define assert_line(text, line) \
	do { if (!has_line(text, line)) fail_msg("missing line: %s", line); } while (0)
#define assert_no_line(text, line) \
	do { if (has_line(text, line)) fail_msg("unexpected line: %s", line); } while (0)

static size_t count_prefix(const char *text, const char *prefix)
{
	size_t n = 0, len = strlen(prefix);
	const char *p = text;

	for (; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		n += !strncmp(p, prefix, len);
	return n;
}

/* --metrics-target-labels info: icmpmon_target_info, only target elsewhere, rare counters where non-zero. */
static void test_info_labels(void **state)
{
	static struct fixture fx;
	char err[256], *text;
	size_t len;

	(void)state;
	build(&fx);
	fx.t[2].name = fx.t[2].addr_str; /* listed as an address: host would only repeat target */
	assert_int_equal(metrics_parse_target_labels("info", &fx.cfg.metrics_target_labels, err, sizeof(err)), 0);
	assert_int_equal(metrics_parse_target_hist("never", &fx.cfg.metrics_target_hist, err, sizeof(err)), 0);
	text = render(&fx, 0, &len);
	assert_line(text, "# TYPE icmpmon_target_info gauge");
	assert_non_null(strstr(text, "\nicmpmon_target_info{target=\"10.0.0.6\",interface=\""));
	assert_null(strstr(text, "icmpmon_target_info{target=\"10.0.0.6\",host="));
	/* t[1]: dc1, rack r"1, interface eth"1 */
	assert_line(text, "icmpmon_target_info{target=\"10.0.0.3\",host=\"h1.example\",interface=\"eth\\\"1\",dc=\"dc1\",rack=\"r\\\"1\"} 1");
	/* t[0]: no labels of its own; t[3]: a name that needs escaping */
	assert_line(text, "icmpmon_target_info{target=\"10.0.0.0\",host=\"h0.example\",interface=\"eth0\"} 1");
	assert_line(text, "icmpmon_target_info{target=\"10.0.0.9\",host=\"we\\\"ird\\\\3\\n\",interface=\"eth\\\"1\",dc=\"dc0\",rack=\"r\\\"3\"} 1");
	/* one per target in use: 16 slots, 5 and 12 free */
	assert_int_equal(count_prefix(text, "icmpmon_target_info{"), 14);
	/* the dense counters: every target, only target */
	assert_line(text, "icmpmon_probes_sent_total{target=\"10.0.0.3\"} 11");
	assert_line(text, "icmpmon_replies_total{target=\"10.0.0.0\"} 0");
	assert_int_equal(count_prefix(text, "icmpmon_probes_sent_total{"), 14);
	assert_int_equal(count_prefix(text, "icmpmon_replies_total{"), 14);
	assert_null(strstr(text, "host=\"h1.example\",interface") == NULL ? NULL : strstr(text, "icmpmon_probes_sent_total{target=\"10.0.0.3\",host"));
	/* not per target: stamped (sent - unstamped); the summary's _count (= replies) */
	assert_null(strstr(text, "icmpmon_probes_stamped_total"));
	assert_null(strstr(text, "icmpmon_rtt_seconds_count{"));
	assert_line(text, "# TYPE icmpmon_rtt_seconds summary");
	assert_line(text, "icmpmon_rtt_seconds_sum{target=\"10.0.0.3\"} 0.000031000");
	assert_int_equal(count_prefix(text, "icmpmon_rtt_seconds_sum{"), 14);
	/* rare ones only where non-zero: timeouts of t[1], t[9], t[13] (i % 4 == 1; t[5] is free) */
	assert_line(text, "icmpmon_timeouts_total{target=\"10.0.0.3\"} 1");
	assert_line(text, "icmpmon_timeouts_total{target=\"10.0.1.27\"} 9");
	assert_int_equal(count_prefix(text, "icmpmon_timeouts_total{"), 3);
	assert_line(text, "# TYPE icmpmon_timeouts_total counter");
	/* send errors: t[2], t[11]; unstamped: t[4]; duplicates: t[6], t[14] */
	assert_int_equal(count_prefix(text, "icmpmon_send_errors_total{"), 2);
	assert_line(text, "icmpmon_probes_unstamped_total{target=\"10.0.0.12\"} 1");
	assert_int_equal(count_prefix(text, "icmpmon_probes_unstamped_total{"), 1);
	assert_int_equal(count_prefix(text, "icmpmon_duplicates_total{"), 2);
	/* ICMP errors: kind i % 4 with count i % 3: t[1] 1 time_exceeded, t[2] 2 parameter_problem, ... */
	assert_line(text, "icmpmon_icmp_errors_total{target=\"10.0.0.3\",kind=\"time_exceeded\"} 1");
	assert_line(text, "icmpmon_icmp_errors_total{target=\"10.0.0.6\",kind=\"parameter_problem\"} 2");
	assert_no_line(text, "icmpmon_icmp_errors_total{target=\"10.0.0.3\",kind=\"unreachable\"} 0");
	assert_null(strstr(text, "} 0\n") && strstr(strstr(text, "# TYPE icmpmon_icmp_errors_total"), "} 0\n") <
			    strstr(text, "# TYPE icmpmon_rtt_seconds")
		    ? strstr(strstr(text, "# TYPE icmpmon_icmp_errors_total"), "} 0\n")
		    : NULL);
	/* per-target histograms, when on, keep their _count */
	free(text);
	assert_int_equal(metrics_parse_target_hist("always", &fx.cfg.metrics_target_hist, err, sizeof(err)), 0);
	text = render(&fx, 0, &len);
	assert_line(text, "icmpmon_rtt_seconds_count{target=\"10.0.0.3\"} 1");
	assert_line(text, "icmpmon_rtt_seconds_bucket{target=\"10.0.0.3\",le=\"+Inf\"} 1");
	free(text);
	/* protobuf: the same series; parses as delimited MetricFamily messages */
	text = render(&fx, 1, &len);
	assert_true(len > 0);
	assert_non_null(memmem(text, len, "icmpmon_target_info", strlen("icmpmon_target_info")));
	assert_null(memmem(text, len, "icmpmon_probes_stamped_total", strlen("icmpmon_probes_stamped_total")));
	free(text);
	assert_int_not_equal(metrics_parse_target_labels("both", &fx.cfg.metrics_target_labels, err, sizeof(err)), 0);
}

/* auto: inline up to METRICS_TARGET_HIST_AUTO_MAX targets in use, info above. */
static void test_threshold(void **state)
{
	const uint32_t n = METRICS_TARGET_HIST_AUTO_MAX + 2;
	struct config cfg;
	struct run r;
	struct target *t = calloc(n, sizeof(*t));
	struct target_stats *st = calloc(n, sizeof(*st));
	struct target_hists *sh = calloc(n, sizeof(*sh));
	char *text;
	size_t len;
	uint32_t i;

	(void)state;
	assert_non_null(t);
	assert_non_null(st);
	assert_non_null(sh);
	memset(&r, 0, sizeof(r));
	config_defaults(&cfg);
	cfg.metrics_port = 9374;
	r.cfg = &cfg;
	r.targets.v = t;
	r.targets.n = n;
	r.stats = st;
	r.own_hists = sh;
	for (i = 0; i < n; i++) {
		t[i].name = "x";
		snprintf(t[i].addr_str, sizeof(t[i].addr_str), "10.1.%u.%u", i / 256, i % 256);
	}
	t[0].name = NULL; /* 1025 in use */
	text = NULL;
	{
		FILE *f = open_memstream(&text, &len);

		metrics_write(f, &r);
		fclose(f);
	}
	assert_non_null(strstr(text, "icmpmon_target_info{target=\"10.1.0.1\",host=\"x\",interface=\"\"} 1"));
	assert_line(text, "icmpmon_probes_sent_total{target=\"10.1.0.1\"} 0");
	/* group histograms stand in for the per-target ones above the same count */
	assert_line(text, "# TYPE icmpmon_rtt_seconds summary");
	free(text);
	t[1].name = NULL; /* 1024 in use: inline, as before */
	{
		FILE *f = open_memstream(&text, &len);

		metrics_write(f, &r);
		fclose(f);
	}
	assert_null(strstr(text, "icmpmon_target_info"));
	assert_line(text, "icmpmon_probes_sent_total{target=\"10.1.0.2\",host=\"x\",interface=\"\"} 0");
	assert_line(text, "icmpmon_probes_stamped_total{target=\"10.1.0.2\",host=\"x\",interface=\"\"} 0");
	free(text);
	/* inline forces the old shape at any count */
	t[1].name = "x";
	cfg.metrics_target_labels = METRICS_LABELS_INLINE;
	{
		FILE *f = open_memstream(&text, &len);

		metrics_write(f, &r);
		fclose(f);
	}
	assert_null(strstr(text, "icmpmon_target_info"));
	assert_line(text, "icmpmon_timeouts_total{target=\"10.1.0.2\",host=\"x\",interface=\"\"} 0");
	free(text);
	free(t);
	free(st);
	free(sh);
}

/* Read a byte, or 7, or 100,000 at a time, the body is the one written at once; a big scrape in many pieces. */
static void test_pieces(void **state)
{
	const uint32_t n = 5000;
	static const size_t sizes[] = { 1, 7, 4096, 100000 };
	struct config cfg;
	struct run r;
	struct target *t = calloc(n, sizeof(*t));
	struct target_stats *st = calloc(n, sizeof(*st));
	struct target_hists *sh = calloc(n, sizeof(*sh));
	char *whole = NULL, *piece = malloc(100000);
	size_t len, k;
	uint32_t i;
	int pb;

	(void)state;
	assert_non_null(t);
	assert_non_null(st);
	assert_non_null(sh);
	assert_non_null(piece);
	memset(&r, 0, sizeof(r));
	config_defaults(&cfg);
	cfg.metrics_port = 9374;
	r.cfg = &cfg;
	r.targets.v = t;
	r.targets.n = n;
	r.stats = st;
	r.own_hists = sh;
	for (i = 0; i < n; i++) {
		t[i].name = "some.host.example";
		t[i].labels = i % 2 ? "dc=ams rack=r1" : "dc=fra";
		snprintf(t[i].addr_str, sizeof(t[i].addr_str), "10.1.%u.%u", i / 256, i % 256);
		t[i].sent = i;
		stats_add_rtt(&st[i], &sh[i], 1000ull * i, 0);
	}
	for (pb = 0; pb < 2; pb++) {
		FILE *f = open_memstream(&whole, &len);

		assert_int_equal(pb ? metrics_write_pb(f, &r) : (metrics_write(f, &r), 0), 0);
		fclose(f);
		for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
			struct scrape *s = scrape_start(&r, pb);
			size_t off = 0, got;
			int rc, fills = 0;

			assert_non_null(s);
			while ((rc = scrape_fill(s)) > 0) {
				fills++;
				while ((got = scrape_read(s, piece, sizes[k]))) {
					assert_true(off + got <= len);
					if (memcmp(whole + off, piece, got))
						fail_msg("pb %d, reads of %zu: differs at %zu", pb, sizes[k], off);
					off += got;
				}
			}
			assert_int_equal(rc, 0);
			assert_int_equal(off, len);
			/* text: pieces of about METRICS_STREAM_CHUNK; protobuf: a family each */
			if (!pb)
				assert_true((size_t)fills >= len / (2 * METRICS_STREAM_CHUNK));
			scrape_free(s);
		}
		free(whole);
	}
	free(piece);
	free(t);
	free(st);
	free(sh);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_info_labels),
		cmocka_unit_test(test_threshold),
		cmocka_unit_test(test_pieces),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
