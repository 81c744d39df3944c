// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* --report interval statistics: snapshots, differences, text lines (interval.h). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/clock.h"
#include "sink/interval.h"
#include "engine/hists.h"
#include "engine/run.h"
#include "util/stats.h"

void interval_step(struct target_snapshot *prev, uint64_t *prev_sent, const struct target_snapshot *now,
		   uint64_t sent_now, struct target_snapshot *out, uint64_t *sent_out)
{
	stats_diff(now, prev, out);
	*sent_out = sent_now - *prev_sent;
	memcpy(prev, now, sizeof(*prev));
	*prev_sent = sent_now;
}

static int interval_alloc(struct interval_state *st, uint32_t n)
{
	st->prev = calloc(n ? n : 1, sizeof(*st->prev));
	st->prev_sent = calloc(n ? n : 1, sizeof(*st->prev_sent));
	if (!st->prev || !st->prev_sent) {
		interval_free(st);
		return -1;
	}
	st->n = n;
	return 0;
}

void interval_mark(struct interval_state *st, const struct run *r, uint64_t now_ns)
{
	st->start_ns = st->end_ns ? st->end_ns : r->start_ns;
	if (st->start_ns > now_ns)
		st->start_ns = now_ns;
	st->end_ns = now_ns;
}

int interval_take(struct interval_state *st, const struct run *r, uint32_t tidx,
		  struct target_snapshot *out, uint64_t *sent_out)
{
	struct target_snapshot now;

	if (!st->n && interval_alloc(st, r->targets.n))
		return -1;
	if (tidx >= st->n)
		return -1;
	/*
	 * One read of the live aggregates (the BPF side may be updating them):
	 * every later use, the diff and the next baseline, sees this same copy.
	 */
	if (hists_snapshot(r, tidx, &now))
		return -1;
	interval_step(&st->prev[tidx], &st->prev_sent[tidx], &now, r->targets.v[tidx].sent, out, sent_out);
	return 0;
}

const struct target_snapshot *interval_summary_snapshot(const struct interval_state *st, const struct run *r,
						      uint32_t tidx, struct target_snapshot *buf)
{
	if (tidx < st->n)
		return &st->prev[tidx];
	hists_snapshot(r, tidx, buf);
	return buf;
}

void interval_free(struct interval_state *st)
{
	free(st->prev);
	free(st->prev_sent);
	memset(st, 0, sizeof(*st));
}

void interval_rtt(const struct target_snapshot *snap, struct interval_rtt *out)
{
	const struct target_stats *s = &snap->c;
	uint64_t in_hist = stats_hist_total(&snap->h);

	memset(out, 0, sizeof(*out));
	if (s->rtt_count) {
		out->has_rtt = 1;
		out->min_ns = s->rtt_min_ns;
		out->avg_ns = s->rtt_sum_ns / s->rtt_count;
		out->max_ns = s->rtt_max_ns;
	}
	if (in_hist) {
		out->has_pct = 1;
		out->p50_ns = stats_percentile_ns(s, &snap->h, 0.50);
		out->p90_ns = stats_percentile_ns(s, &snap->h, 0.90);
		out->p99_ns = stats_percentile_ns(s, &snap->h, 0.99);
		out->p999_ns = stats_percentile_ns(s, &snap->h, 0.999);
	}
}

double interval_loss_pct(uint64_t sent, uint64_t received)
{
	if (received >= sent)
		return 0;
	return stats_loss_pct(sent, received);
}

/* Whole microseconds as milliseconds, truncated as ping's summary line does. */
static void print_ms(FILE *f, int known, uint64_t ns)
{
	uint64_t us = ns / 1000;

	if (known)
		fprintf(f, "%llu.%03llu", (unsigned long long)(us / 1000), (unsigned long long)(us % 1000));
	else
		fputc('-', f);
}

/* Values separated by '/', as in "min/avg/max". */
static void print_ms_list(FILE *f, int has, const uint64_t *v, int n)
{
	for (int i = 0; i < n; i++) {
		if (i)
			fputc('/', f);
		print_ms(f, has, v[i]);
	}
}

void interval_print_line(FILE *f, uint64_t end_real_ns, const char *name, uint64_t sent,
			 const struct target_snapshot *iv)
{
	time_t sec = (time_t)(end_real_ns / 1000000000ull);
	struct interval_rtt rtt;
	char stamp[32] = "";
	struct tm tm;

	if (gmtime_r(&sec, &tm))
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	interval_rtt(iv, &rtt);
	fprintf(f, "[%s.%03uZ] %s: sent %llu recv %llu loss %g%% dup %llu rtt min/avg/max ", stamp,
		(unsigned)(end_real_ns % 1000000000ull / 1000000), name, (unsigned long long)sent,
		(unsigned long long)iv->c.received, interval_loss_pct(sent, iv->c.received),
		(unsigned long long)iv->c.duplicates);
	print_ms_list(f, rtt.has_rtt, (const uint64_t[]){ rtt.min_ns, rtt.avg_ns, rtt.max_ns }, 3);
	fputs(" ms p50/p90/p99/p99.9 ", f);
	print_ms_list(f, rtt.has_pct, (const uint64_t[]){ rtt.p50_ns, rtt.p90_ns, rtt.p99_ns, rtt.p999_ns }, 4);
	fputs(" ms\n", f);
}

static int interval_empty(const struct target_snapshot *iv, uint64_t sent)
{
	return !(sent + iv->c.rtt_count + stats_errors(&iv->c));
}

void interval_report_text(struct interval_state *st, const struct run *r, FILE *f, int final)
{
	struct target_snapshot iv;
	uint64_t sent, end_real;
	uint32_t i;

	interval_mark(st, r, clock_mono_ns());
	end_real = run_wall_ns(r, st->end_ns);
	for (i = 0; i < r->targets.n; i++)
		if (!interval_take(st, r, i, &iv, &sent) && !(final && interval_empty(&iv, sent)))
			interval_print_line(f, end_real, r->targets.v[i].name, sent, &iv);
}
