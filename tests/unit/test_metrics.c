// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Prometheus exposition of a hand-built run (src/output/prometheus.c through src/serve/scrape.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "cli/options.h"
#include "bpf/hist.h"
#include "cli/metrics_options.h"
#include "output/prometheus.h"
#include "serve/scrape.h"
#include "engine/run.h"
#include "util/stats.h"

struct fixture {
	struct config cfg;
	struct run r;
	struct target t[3];
	struct target_stats s[3];
	struct target_hists h[3];
	char *text;
	size_t len;
};

static void add_us(struct target_stats *s, struct target_hists *h, const double *us, size_t n, int dup)
{
	for (size_t i = 0; i < n; i++)
		stats_add_rtt(s, h, (__u64)(us[i] * 1000), dup);
}

static void build(struct fixture *fx)
{
	static const double a[] = { 30, 60, 120, 1000 };
	static const double b[] = { 40000000 }; /* 40 s: past the last finite bucket */

	memset(fx, 0, sizeof(*fx));
	config_defaults(&fx->cfg);
	fx->cfg.metrics_port = 9374;
	fx->r.cfg = &fx->cfg;
	fx->r.targets.v = fx->t;
	fx->r.targets.n = 3;
	fx->r.stats = fx->s;
	fx->r.own_hists = fx->h;
	fx->t[0].name = "a.example";
	strcpy(fx->t[0].addr_str, "10.0.0.1");
	fx->t[0].sent = 5;
	fx->t[0].timeouts = 1;
	fx->t[1].name = (char *)"we\"ird\\na\nme";
	strcpy(fx->t[1].addr_str, "10.0.0.2");
	fx->t[1].sent = 2;
	fx->t[1].send_errors = 3;
	/* t[2]: a free slot (name NULL): never shown */
	strcpy(fx->t[2].addr_str, "10.0.0.3");
	fx->t[2].sent = 99;
	/* interface labels come from the attached interfaces a target's route uses */
	fx->r.ld.n_ifs = 2;
	fx->r.ld.ifs[0].ifindex = 1;
	strcpy(fx->r.ld.ifs[0].name, "eth0");
	fx->r.ld.ifs[1].ifindex = 2;
	strcpy(fx->r.ld.ifs[1].name, "eth\"1");
	fx->t[0].ifindex = 1;
	fx->t[1].ifindex = 2;
	add_us(&fx->s[0], &fx->h[0], a, 4, 0);
	add_us(&fx->s[0], &fx->h[0], a, 1, 1); /* one duplicate: in neither the histogram nor its _sum */
	fx->s[0].stamped = 5;
	fx->s[0].errors[ICMPMON_ERR_TIME_EXCEEDED] = 2;
	add_us(&fx->s[1], &fx->h[1], b, 1, 0);
	fx->s[1].stamped = 2;
	fx->s[2].received = 77;
}

static void render(struct fixture *fx)
{
	FILE *f = open_memstream(&fx->text, &fx->len);

	assert_non_null(f);
	metrics_write(f, &fx->r);
	assert_int_equal(fclose(f), 0);
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
	do { if (!has_line(text, line)) fail_msg("missing line: %s\n--- in:\n%s", line, text); } while (0)

/* Every sample follows the HELP and TYPE of its family; each family appears once, in one block. */
static void test_families(void **state)
{
	struct fixture fx;
	char fam[128] = "", type[32] = "", seen[4096] = " ", help[128] = "";
	char *save, *line;
	int samples = 0;

	(void)state;
	build(&fx);
	render(&fx);
	for (line = strtok_r(fx.text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[128], key[160];

		if (!strncmp(line, "# HELP ", 7)) {
			assert_int_equal(sscanf(line + 7, "%127s", help), 1);
			assert_true(strlen(line) > 8 + strlen(help)); /* some text */
			continue;
		}
		if (!strncmp(line, "# TYPE ", 7)) {
			assert_int_equal(sscanf(line + 7, "%127s %31s", fam, type), 2);
			assert_string_equal(fam, help); /* HELP right before TYPE */
			assert_true(!strcmp(type, "counter") || !strcmp(type, "gauge") || !strcmp(type, "histogram"));
			snprintf(key, sizeof(key), " %s ", fam);
			if (strstr(seen, key))
				fail_msg("family %s appears twice", fam);
			strcat(seen, key + 1);
			if (!strcmp(type, "counter"))
				assert_true(strlen(fam) > 6 && !strcmp(fam + strlen(fam) - 6, "_total"));
			continue;
		}
		assert_true(line[0] != '#');
		assert_int_equal(sscanf(line, "%127[a-zA-Z0-9_:]", name), 1);
		if (!strcmp(type, "histogram")) {
			size_t n = strlen(fam);

			assert_memory_equal(name, fam, n);
			assert_true(!strcmp(name + n, "_bucket") || !strcmp(name + n, "_sum") || !strcmp(name + n, "_count"));
		} else {
			assert_string_equal(name, fam);
		}
		samples++;
	}
	assert_true(samples > 40);
	free(fx.text);
}

static void test_values(void **state)
{
	struct fixture fx;

	(void)state;
	build(&fx);
	render(&fx);
	assert_line(fx.text, "# TYPE icmpmon_probes_sent_total counter");
	assert_line(fx.text, "icmpmon_probes_sent_total{target=\"10.0.0.1\",host=\"a.example\",interface=\"eth0\"} 5");
	assert_line(fx.text, "icmpmon_replies_total{target=\"10.0.0.1\",host=\"a.example\",interface=\"eth0\"} 4");
	assert_line(fx.text, "icmpmon_duplicates_total{target=\"10.0.0.1\",host=\"a.example\",interface=\"eth0\"} 1");
	assert_line(fx.text, "icmpmon_timeouts_total{target=\"10.0.0.1\",host=\"a.example\",interface=\"eth0\"} 1");
	assert_line(fx.text, "icmpmon_probes_stamped_total{target=\"10.0.0.1\",host=\"a.example\",interface=\"eth0\"} 5");
	assert_line(fx.text,
		    "icmpmon_icmp_errors_total{target=\"10.0.0.1\",host=\"a.example\",interface=\"eth0\",kind=\"time_exceeded\"} 2");
	assert_line(fx.text,
		    "icmpmon_icmp_errors_total{target=\"10.0.0.1\",host=\"a.example\",interface=\"eth0\",kind=\"unreachable\"} 0");
	/* Escaped label values: \" \\ \n */
	assert_line(fx.text,
		    "icmpmon_send_errors_total{target=\"10.0.0.2\",host=\"we\\\"ird\\\\na\\nme\",interface=\"eth\\\"1\"} 3");
	/* First replies only: 30 + 60 + 120 + 1000 us. */
	assert_line(fx.text, "icmpmon_rtt_seconds_sum{target=\"10.0.0.1\",host=\"a.example\",interface=\"eth0\"} 0.001210000");
	assert_line(fx.text, "icmpmon_rtt_seconds_count{target=\"10.0.0.1\",host=\"a.example\",interface=\"eth0\"} 4");
	/* The free slot is not exported. */
	assert_null(strstr(fx.text, "10.0.0.3"));
	assert_line(fx.text, "icmpmon_targets 2");
	assert_line(fx.text, "icmpmon_target_slots 3");
	assert_line(fx.text, "icmpmon_outstanding_probes 0");
	assert_line(fx.text, "icmpmon_reloads_total{result=\"success\"} 0");
	assert_line(fx.text, "# TYPE icmpmon_rtt_seconds histogram");
	assert_non_null(strstr(fx.text, "icmpmon_build_info{version=\""));
	/* No kernel: no kernel counters. */
	assert_null(strstr(fx.text, "icmpmon_ringbuf_dropped_total"));
	free(fx.text);
}

/* build_info says which receive mode runs: an unprivileged run's dgram shows. */
static void test_build_info_mode(void **state)
{
	struct fixture fx;

	(void)state;
	build(&fx);
	fx.r.mode = RX_KERNEL;
	render(&fx);
	assert_non_null(strstr(fx.text, "\",mode=\"kernel\",tx_stamp="));
	free(fx.text);
	fx.r.mode = RX_DGRAM;
	render(&fx);
	assert_non_null(strstr(fx.text, "\",mode=\"dgram\",tx_stamp="));
	assert_null(strstr(fx.text, "mode=\"kernel\""));
	free(fx.text);
}

/* le values of one target's histogram, in order, with their counts. */
static int buckets_of(const char *text, const char *addr, double *le, unsigned long long *v, int max)
{
	char prefix[64];
	const char *p = text;
	int n = 0;

	snprintf(prefix, sizeof(prefix), "icmpmon_rtt_seconds_bucket{target=\"%s\",", addr);
	while ((p = strstr(p, prefix)) && n < max) {
		const char *q = strstr(p, ",le=\"");
		char val[32];

		assert_non_null(q);
		q += 5;
		if (!strncmp(q, "+Inf", 4))
			le[n] = 1e300;
		else
			le[n] = strtod(q, NULL);
		q = strstr(q, "\"} ");
		assert_non_null(q);
		assert_int_equal(sscanf(q + 3, "%31s", val), 1);
		v[n++] = strtoull(val, NULL, 10);
		p = q;
	}
	return n;
}

static void test_cumulative(void **state)
{
	struct fixture fx;
	double le[80];
	unsigned long long v[80];
	int n, k;

	(void)state;
	build(&fx);
	render(&fx);
	n = buckets_of(fx.text, "10.0.0.1", le, v, 80);
	assert_int_equal(n, METRICS_DEFAULT_BUCKETS + 1);
	assert_true(le[0] == 50e-6);
	assert_true(le[METRICS_DEFAULT_BUCKETS - 1] == 26.2144);
	for (k = 1; k < n; k++) {
		assert_true(le[k] > le[k - 1]);
		assert_true(v[k] >= v[k - 1]);
	}
	assert_true(le[n - 1] == 1e300);
	assert_int_equal(v[n - 1], 4); /* +Inf = _count */
	assert_int_equal(v[0], 1);     /* 30 us <= 50 us */
	assert_int_equal(v[1], 2);     /* 60 us <= 100 us */
	assert_int_equal(v[2], 3);     /* 120 us <= 200 us */
	assert_true(le[4] == 0.0008 && le[5] == 0.0016);
	assert_int_equal(v[4], 3);     /* 1 ms > 0.8 ms */
	assert_int_equal(v[5], 4);     /* 1 ms <= 1.6 ms */
	/* 40 s is in icmpmon's overflow bucket: +Inf only. */
	n = buckets_of(fx.text, "10.0.0.2", le, v, 80);
	assert_int_equal(n, METRICS_DEFAULT_BUCKETS + 1);
	for (k = 0; k < n - 1; k++)
		assert_int_equal(v[k], 0);
	assert_int_equal(v[n - 1], 1);
	assert_line(fx.text, "icmpmon_rtt_seconds_sum{target=\"10.0.0.2\",host=\"we\\\"ird\\\\na\\nme\",interface=\"eth\\\"1\"} 40.000000000");
	free(fx.text);
}

/* A bound inside one of icmpmon's buckets counts that bucket in the next bound only. */
static void test_straddle(void **state)
{
	struct fixture fx;
	struct target_snapshot s;
	char err[128];
	double le[3];
	uint64_t out[3];
	__u32 b = icmpmon_hist_bucket(60000);
	__u64 lo = icmpmon_hist_lower_ns(b), top = lo + icmpmon_hist_width_ns(b) - 1;

	(void)state;
	memset(&s, 0, sizeof(s));
	stats_add_rtt(&s.c, &s.h, 60000, 0);
	assert_true(lo < 60000 && 60000 < top);
	le[0] = (double)lo / 1e9;        /* the bucket's lower bound: not all of it fits */
	le[1] = 60000e-9;                /* inside the bucket */
	le[2] = (double)top / 1e9;       /* its largest value: the whole bucket fits */
	metrics_hist_cumulative(&s.h, le, 3, out);
	assert_int_equal(out[0], 0);
	assert_int_equal(out[1], 0);
	assert_int_equal(out[2], 1);

	/* Through metrics_write with --metrics-buckets. */
	build(&fx);
	assert_int_equal(metrics_parse_buckets("0.00006,0.0001", fx.cfg.metrics_le, &fx.cfg.n_metrics_le, err, sizeof(err)), 0);
	render(&fx);
	assert_line(fx.text, "icmpmon_rtt_seconds_bucket{target=\"10.0.0.1\",host=\"a.example\",interface=\"eth0\",le=\"6e-05\"} 1");
	assert_line(fx.text, "icmpmon_rtt_seconds_bucket{target=\"10.0.0.1\",host=\"a.example\",interface=\"eth0\",le=\"0.0001\"} 2");
	assert_line(fx.text, "icmpmon_rtt_seconds_bucket{target=\"10.0.0.1\",host=\"a.example\",interface=\"eth0\",le=\"+Inf\"} 4");
	free(fx.text);
}

static void test_kernel_counters(void **state)
{
	uint64_t c[ICMPMON_CNT_MAX] = { 0 };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	c[ICMPMON_CNT_RB_DROPPED] = 7;
	c[ICMPMON_CNT_UNMATCHED] = 3;
	metrics_write_kernel(f, c);
	fclose(f);
	assert_line(text, "# TYPE icmpmon_ringbuf_dropped_total counter");
	assert_line(text, "icmpmon_ringbuf_dropped_total 7");
	assert_line(text, "icmpmon_unmatched_replies_total 3");
	assert_line(text, "icmpmon_bad_cookie_replies_total 0");
	free(text);
}

static void test_parse_listen(void **state)
{
	static const char *bad[] = { "", "abc", ":", "0", "65536", "127.0.0.1:0", "1.2.3:80", "::1:80", "host:80",
				     "127.0.0.1:80x", "127.0.0.1:-1", "127.0.0.1:", " 80" };
	char err[128];
	uint32_t a;
	int port;
	size_t i;

	(void)state;
	assert_int_equal(metrics_parse_listen("9374", &a, &port, err, sizeof(err)), 0);
	assert_int_equal(a, htonl(INADDR_LOOPBACK));
	assert_int_equal(port, 9374);
	assert_int_equal(metrics_parse_listen(":9100", &a, &port, err, sizeof(err)), 0);
	assert_int_equal(a, htonl(INADDR_LOOPBACK));
	assert_int_equal(port, 9100);
	assert_int_equal(metrics_parse_listen("0.0.0.0:9374", &a, &port, err, sizeof(err)), 0);
	assert_int_equal(a, 0);
	assert_int_equal(metrics_parse_listen("10.0.0.1:65535", &a, &port, err, sizeof(err)), 0);
	assert_int_equal(a, inet_addr("10.0.0.1"));
	assert_int_equal(port, 65535);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = 0;
		if (!metrics_parse_listen(bad[i], &a, &port, err, sizeof(err)))
			fail_msg("'%s' accepted", bad[i]);
		assert_non_null(strstr(err, "--metrics"));
		assert_null(strchr(err, '\n'));
	}
}

static void test_parse_buckets(void **state)
{
	static const char *bad[] = { "", ",", "0.1,", "0", "-1", "0.2,0.1", "0.1,0.1", "x", "0.1;0.2", "inf", "nan" };
	double le[METRICS_MAX_BUCKETS];
	char err[128], many[1024] = "";
	int n, i;
	size_t k;

	(void)state;
	assert_int_equal(metrics_parse_buckets("0.00005,0.0001,1", le, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 3);
	assert_true(le[0] == 0.00005 && le[2] == 1);
	for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++)
		if (!metrics_parse_buckets(bad[k], le, &n, err, sizeof(err)))
			fail_msg("'%s' accepted", bad[k]);
	for (i = 1; i <= METRICS_MAX_BUCKETS + 1; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many), "%s%d", i > 1 ? "," : "", i);
	assert_int_not_equal(metrics_parse_buckets(many, le, &n, err, sizeof(err)), 0);
	assert_int_equal(metrics_buckets(NULL, 0, le), METRICS_DEFAULT_BUCKETS);
	assert_true(le[0] == 50e-6 && le[1] == 100e-6);
}

static enum options_result parse(struct config *cfg, char *err, size_t errlen, ...)
{
	char *argv[32];
	int argc = 0;
	va_list ap;
	char *a;

	argv[argc++] = "icmpmon";
	va_start(ap, errlen);
	while ((a = va_arg(ap, char *)))
		argv[argc++] = a;
	va_end(ap);
	argv[argc] = NULL;
	err[0] = 0;
	return options_parse(argc, argv, cfg, err, errlen);
}

static void test_options(void **state)
{
	struct config cfg;
	char err[256];

	(void)state;
	assert_int_equal(parse(&cfg, err, sizeof(err), "--metrics", "0.0.0.0:9100", "--metrics-buckets", "0.001,0.01",
			       "127.0.0.1", NULL), OPTIONS_RUN);
	assert_int_equal(cfg.metrics_port, 9100);
	assert_int_equal(cfg.metrics_addr, 0);
	assert_int_equal(cfg.n_metrics_le, 2);
	config_free(&cfg);
	assert_int_equal(parse(&cfg, err, sizeof(err), "--metrics", "nope", "127.0.0.1", NULL), OPTIONS_ERROR);
	assert_non_null(strstr(err, "--metrics"));
	config_free(&cfg);
	assert_int_equal(parse(&cfg, err, sizeof(err), "--metrics-buckets", "0.1", "127.0.0.1", NULL), OPTIONS_ERROR);
	config_free(&cfg);
	assert_int_equal(parse(&cfg, err, sizeof(err), "--daemon", "-c", "3", "127.0.0.1", NULL), OPTIONS_ERROR);
	assert_non_null(strstr(err, "-c"));
	config_free(&cfg);
	assert_int_equal(parse(&cfg, err, sizeof(err), "--daemon", "--json", "127.0.0.1", NULL), OPTIONS_ERROR);
	config_free(&cfg);
	assert_int_equal(parse(&cfg, err, sizeof(err), "--max-targets", "10", "127.0.0.1", NULL), OPTIONS_ERROR);
	config_free(&cfg);
	assert_int_equal(parse(&cfg, err, sizeof(err), "--daemon", "--file", "/dev/null", "--max-targets", "10",
			       "--metrics", "9374", NULL), OPTIONS_RUN);
	assert_int_equal(cfg.daemon, 1);
	assert_int_equal(cfg.quiet, 1);
	assert_int_equal(cfg.max_targets, 10);
	assert_int_equal(cfg.metrics_addr, htonl(INADDR_LOOPBACK));
	config_free(&cfg);
}

/* Labels from a targets file on every per-target series; --metrics-group-by: group histograms instead. */
static void test_labels_and_groups(void **state)
{
	struct fixture fx;
	char err[256];

	(void)state;
	build(&fx);
	fx.t[0].labels = "dc=ams rack=r\"1";
	fx.t[1].labels = "dc=ams";
	render(&fx);
	assert_line(fx.text, "icmpmon_replies_total{target=\"10.0.0.1\",host=\"a.example\",interface=\"eth0\",dc=\"ams\",rack=\"r\\\"1\"} 4");
	assert_non_null(strstr(fx.text, "icmpmon_rtt_seconds_bucket{"));
	assert_null(strstr(fx.text, "icmpmon_group_rtt_seconds"));
	free(fx.text);

	assert_int_equal(metrics_parse_group_by("dc", &fx.cfg, err, sizeof(err)), 0);
	render(&fx);
	assert_line(fx.text, "# TYPE icmpmon_rtt_seconds summary");
	assert_null(strstr(fx.text, "icmpmon_rtt_seconds_bucket{"));
	assert_line(fx.text, "icmpmon_rtt_seconds_count{target=\"10.0.0.1\",host=\"a.example\",interface=\"eth0\",dc=\"ams\",rack=\"r\\\"1\"} 4");
	assert_line(fx.text, "# TYPE icmpmon_group_rtt_seconds histogram");
	/* both targets are dc=ams: 4 + 1 first replies, the 40 s one only under +Inf */
	assert_line(fx.text, "icmpmon_group_rtt_seconds_count{dc=\"ams\"} 5");
	assert_line(fx.text, "icmpmon_group_rtt_seconds_bucket{dc=\"ams\",le=\"+Inf\"} 5");
	assert_line(fx.text, "icmpmon_group_rtt_seconds_bucket{dc=\"ams\",le=\"26.2144\"} 4");
	assert_line(fx.text, "icmpmon_group_rtt_seconds_sum{dc=\"ams\"} 40.001210000");
	free(fx.text);

	/* a target without the label is its own group, dc="" */
	fx.t[1].labels = NULL;
	render(&fx);
	assert_line(fx.text, "icmpmon_group_rtt_seconds_count{dc=\"ams\"} 4");
	assert_line(fx.text, "icmpmon_group_rtt_seconds_count{dc=\"\"} 1");
	free(fx.text);

	assert_int_equal(metrics_parse_target_hist("always", &fx.cfg.metrics_target_hist, err, sizeof(err)), 0);
	render(&fx);
	assert_non_null(strstr(fx.text, "icmpmon_rtt_seconds_bucket{"));
	/* --metrics-group-by with always: the groups beside the per-target histograms */
	assert_line(fx.text, "icmpmon_group_rtt_seconds_count{dc=\"ams\"} 4");
	free(fx.text);
	assert_int_not_equal(metrics_parse_target_hist("sometimes", &fx.cfg.metrics_target_hist, err, sizeof(err)), 0);
	assert_int_not_equal(metrics_parse_group_by("dc,,rack", &fx.cfg, err, sizeof(err)), 0);
	assert_int_not_equal(metrics_parse_group_by("dc,dc", &fx.cfg, err, sizeof(err)), 0);
	assert_int_not_equal(metrics_parse_group_by("host", &fx.cfg, err, sizeof(err)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_families),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_build_info_mode),
		cmocka_unit_test(test_cumulative),
		cmocka_unit_test(test_straddle),
		cmocka_unit_test(test_kernel_counters),
		cmocka_unit_test(test_parse_listen),
		cmocka_unit_test(test_parse_buckets),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_labels_and_groups),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
