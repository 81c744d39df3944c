// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * NDJSON output: every object is one line, written and flushed as a whole.
 * The objects and their fields are documented, and kept stable, in
 * docs/json-schema.md.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "util/clock.h"
#include "output/icmp_text.h"
#include "sink/interval.h"
#include "output/json.h"
#include "output/hist.h"
#include "sink/common.h"
#include "sink/json.h"
#include "util/stats.h"
#include "util/version.h"

static struct interval_state json_intervals;

static void obj_begin(FILE *f, const char *type, uint64_t real_ns)
{
	fprintf(f, "{\"type\":\"%s\",\"ts\":", type);
	json_ts(f, real_ns);
}

static void obj_end(FILE *f)
{
	fputs("}\n", f);
	fflush(f);
}

static void key(FILE *f, const char *k)
{
	fprintf(f, ",\"%s\":", k);
}

static void key_u64(FILE *f, const char *k, uint64_t v)
{
	fprintf(f, ",\"%s\":%llu", k, (unsigned long long)v);
}

static void key_ms(FILE *f, const char *k, int known, uint64_t ns)
{
	key(f, k);
	if (known)
		json_ms(f, ns);
	else
		fputs("null", f);
}

static void target_fields(FILE *f, const struct run *r, uint32_t tidx)
{
	const struct target *t = &r->targets.v[tidx];

	key(f, "target");
	json_str(f, t->name);
	key(f, "addr");
	json_str(f, t->addr_str);
	if (t->labels) {
		key(f, "labels");
		json_labels(f, t->labels);
	}
}

static const char *hook_name(const struct attached_if *ai)
{
	if (attached_tc_ingress(ai))
		return "tc-ingress";
	if (attached_dispatcher(ai))
		return ai->xdp_generic ? "xdp-dispatcher-generic" : "xdp-dispatcher-native";
	return ai->xdp_generic ? "xdp-generic" : "xdp-native";
}

static void json_start(struct run *r)
{
	const struct config *cfg = r->cfg;
	FILE *f = stdout;
	uint32_t i;
	int k;

	/* called before the schedule starts: mono_to_real_ns is not known yet */
	obj_begin(f, "start", clock_real_ns());
	key(f, "version");
	json_str(f, ICMPMON_VERSION);
	key_u64(f, "id", ntohs(r->id_net));
	key(f, "mode");
	json_str(f, run_mode_name(r));
	key_u64(f, "count", cfg->count > 0 ? (uint64_t)cfg->count : 0);
	key(f, "interval_s");
	json_num(f, cfg->interval_s, 6);
	key(f, "timeout_s");
	json_num(f, cfg->timeout_s, 6);
	key(f, "deadline_s");
	json_num(f, cfg->deadline_s, 6);
	key(f, "report_s");
	json_num(f, cfg->report_s, 6);
	key_u64(f, "size", (uint64_t)cfg->size);
	key(f, "tx_stamp");
	json_str(f, run_tx_stamp(r));
	key(f, "rtt_from");
	json_str(f, run_rtt_from(r));
	key(f, "interfaces");
	fputc('[', f);
	if (r->mode == RX_KERNEL) {
		for (k = 0; k < r->ld.n_ifs; k++) {
			fputs(k ? ",{\"name\":" : "{\"name\":", f);
			json_str(f, r->ld.ifs[k].name);
			fputs(",\"hook\":", f);
			json_str(f, hook_name(&r->ld.ifs[k]));
			fputc('}', f);
		}
	} else if (cfg->ifname[0]) {
		fputs("{\"name\":", f);
		json_str(f, cfg->ifname);
		fputs(",\"hook\":", f);
		json_str(f, run_mode_name(r));
		fputc('}', f);
	}
	fputc(']', f);
	key_u64(f, "unresolved", r->targets.unresolved);
	key(f, "targets");
	fputc('[', f);
	for (i = 0; i < r->targets.n; i++) {
		fputs(i ? ",{\"target\":" : "{\"target\":", f);
		json_str(f, r->targets.v[i].name);
		fputs(",\"addr\":", f);
		json_str(f, r->targets.v[i].addr_str);
		if (r->targets.v[i].labels) {
			fputs(",\"labels\":", f);
			json_labels(f, r->targets.v[i].labels);
		}
		fputc('}', f);
	}
	fputc(']', f);
	obj_end(f);
}

static void json_sent(struct run *r, uint32_t tidx, uint16_t seq)
{
	(void)r;
	(void)tidx;
	(void)seq;
}

static void addr_string(const struct icmpmon_addr *a, char *buf, size_t len)
{
	if (a->family == ICMPMON_AF_INET6)
		inet_ntop(AF_INET6, a->addr, buf, (socklen_t)len);
	else
		inet_ntop(AF_INET, &a->addr[0], buf, (socklen_t)len);
}

static void json_event(struct run *r, const struct icmpmon_event *ev)
{
	FILE *f = stdout;
	char from[INET6_ADDRSTRLEN], text[64];

	if (ev->target_idx >= r->targets.n)
		return;
	if (ev->t_rx_ns > r->last_activity_ns)
		r->last_activity_ns = ev->t_rx_ns;
	if (r->cfg->quiet)
		return;
	if (ev->kind == ICMPMON_EV_ERROR) {
		obj_begin(f, "icmp_error", run_wall_ns(r, ev->t_rx_ns));
		target_fields(f, r, ev->target_idx);
		key_u64(f, "seq", ev->seq);
		addr_string(&ev->from, from, sizeof(from));
		key(f, "from");
		json_str(f, from);
		key_u64(f, "icmp_type", ev->icmp_type);
		key_u64(f, "icmp_code", ev->icmp_code);
		key(f, "text");
		json_str(f, r->targets.v[ev->target_idx].family == AF_INET6
				    ? icmp6_error_text(ev->icmp_type, ev->icmp_code, ev->icmp_info, text, sizeof(text))
				    : icmp_error_text(ev->icmp_type, ev->icmp_code, ev->icmp_info, text, sizeof(text)));
	} else {
		obj_begin(f, "reply", run_wall_ns(r, ev->t_rx_ns));
		target_fields(f, r, ev->target_idx);
		key_u64(f, "seq", ev->seq);
		key_u64(f, "ttl", ev->ttl);
		key_u64(f, "bytes", ev->icmp_len ? ev->icmp_len : (unsigned)(r->cfg->size + 8));
		key_ms(f, "rtt_ms", run_has_timing(r), ev->rtt_ns);
		key_ms(f, "host_tx_queue_ms", ev->txq_ns != 0, ev->txq_ns);
		key(f, "dup");
		fputs(ev->kind == ICMPMON_EV_DUP ? "true" : "false", f);
	}
	obj_end(f);
}

static void json_timeout(struct run *r, uint32_t tidx, uint16_t seq)
{
	FILE *f = stdout;

	if (r->cfg->quiet || tidx >= r->targets.n)
		return;
	obj_begin(f, "timeout", clock_real_ns());
	target_fields(f, r, tidx);
	key_u64(f, "seq", seq);
	obj_end(f);
}

static void json_send_error(struct run *r, uint32_t tidx, int err)
{
	FILE *f = stdout;

	obj_begin(f, "send_error", clock_real_ns());
	if (tidx < r->targets.n)
		target_fields(f, r, tidx);
	key_u64(f, "errno", (uint64_t)(err < 0 ? -err : err));
	key(f, "message");
	json_str(f, strerror(err < 0 ? -err : err));
	obj_end(f);
}

static void json_interim(struct run *r)
{
	(void)r; /* SIGQUIT: nothing in JSON; --report gives intervals */
}

/* The RTT fields shared by interval and summary objects. */
static void rtt_fields(FILE *f, const struct run *r, const struct target_snapshot *s)
{
	struct interval_rtt rtt;
	int timing = run_has_timing(r);

	interval_rtt(s, &rtt);
	key_ms(f, "min_ms", timing && rtt.has_rtt, rtt.min_ns);
	key_ms(f, "avg_ms", timing && rtt.has_rtt, rtt.avg_ns);
	key_ms(f, "max_ms", timing && rtt.has_rtt, rtt.max_ns);
	key_ms(f, "p50_ms", timing && rtt.has_pct, rtt.p50_ns);
	key_ms(f, "p90_ms", timing && rtt.has_pct, rtt.p90_ns);
	key_ms(f, "p99_ms", timing && rtt.has_pct, rtt.p99_ns);
	key_ms(f, "p999_ms", timing && rtt.has_pct, rtt.p999_ns);
}

/* Every target's interval up to now_mono (CLOCK_MONOTONIC). */
static void intervals(struct run *r, int final, uint64_t now_mono)
{
	FILE *f = stdout;
	struct target_snapshot iv;
	uint64_t sent, start, end;
	uint32_t i;

	interval_mark(&json_intervals, r, now_mono);
	start = run_wall_ns(r, json_intervals.start_ns);
	end = run_wall_ns(r, json_intervals.end_ns);
	for (i = 0; i < r->targets.n; i++) {
		if (interval_take(&json_intervals, r, i, &iv, &sent))
			return;
		obj_begin(f, "interval", end);
		target_fields(f, r, i);
		key(f, "start");
		json_ts(f, start);
		key(f, "end");
		json_ts(f, end);
		key(f, "final");
		fputs(final ? "true" : "false", f);
		key_u64(f, "sent", sent);
		key_u64(f, "received", iv.c.received);
		key_u64(f, "duplicates", iv.c.duplicates);
		key_u64(f, "icmp_errors", stats_errors(&iv.c));
		key(f, "loss_pct");
		json_num(f, interval_loss_pct(sent, iv.c.received), 3);
		rtt_fields(f, r, &iv);
		obj_end(f);
	}
}

static void json_report(struct run *r)
{
	intervals(r, 0, clock_mono_ns());
}

static void hist_rows(FILE *f, const struct target_hists *h)
{
	uint64_t rows[HIST_ROWS];
	int first = -1, last = -1, r, n = 0;

	hist_fold(h, rows);
	for (r = 0; r < HIST_ROWS; r++)
		if (rows[r]) {
			if (first < 0)
				first = r;
			last = r;
		}
	key(f, "hist");
	fputc('[', f);
	for (r = first; first >= 0 && r <= last; r++, n++) {
		fprintf(f, "%s{\"low_ns\":%llu,\"high_ns\":", n ? "," : "",
			(unsigned long long)hist_row_lower_ns(r));
		if (r == HIST_ROWS - 1)
			fputs("null", f);
		else
			fprintf(f, "%llu", (unsigned long long)(hist_row_lower_ns(r + 1) - 1));
		fprintf(f, ",\"count\":%llu}", (unsigned long long)rows[r]);
	}
	fputc(']', f);
}

static void summary(struct run *r, uint32_t i, const struct target_snapshot *snap, uint64_t now_real)
{
	const struct target_stats *s = &snap->c;
	const struct target *t = &r->targets.v[i];
	FILE *f = stdout;
	struct ping_rtt prtt;
	int has_mdev = run_has_timing(r) && stats_ping_rtt(s, &prtt);

	obj_begin(f, "summary", now_real);
	target_fields(f, r, i);
	key_u64(f, "sent", t->sent);
	key_u64(f, "received", s->received);
	key_u64(f, "duplicates", s->duplicates);
	key_u64(f, "icmp_errors", stats_errors(s));
	key_u64(f, "send_errors", t->send_errors);
	key_u64(f, "timeouts", t->timeouts);
	key(f, "loss_pct");
	json_num(f, stats_loss_pct(t->sent, s->received), 3);
	key_ms(f, "elapsed_ms", 1, r->last_activity_ns > r->start_ns ? r->last_activity_ns - r->start_ns : 0);
	rtt_fields(f, r, snap);
	key_ms(f, "mdev_ms", has_mdev, has_mdev ? (uint64_t)prtt.mdev_us * 1000 : 0);
	key_ms(f, "host_tx_queue_avg_ms", s->txq_count != 0, s->txq_count ? s->txq_sum_ns / s->txq_count : 0);
	key_ms(f, "host_tx_queue_max_ms", s->txq_count != 0, s->txq_max_ns);
	if (r->cfg->hist)
		hist_rows(f, &snap->h);
	obj_end(f);
}

static void kernel_counter(FILE *f, const struct run *r, const char *k, enum icmpmon_counter c)
{
	key(f, k);
	if (r->mode == RX_KERNEL || (r->mode == RX_SOCKET && c != ICMPMON_CNT_RB_DROPPED && c != ICMPMON_CNT_TABLE_FULL))
		fprintf(f, "%llu", (unsigned long long)run_rejected(r, c));
	else
		fputs("null", f);
}

static int json_finish(struct run *r)
{
	FILE *f = stdout;
	uint64_t now = clock_mono_ns(), now_real = run_wall_ns(r, now), sent = 0, received = 0;
	struct target_snapshot buf;
	uint32_t i;
	int status;

	if (r->cfg->report_s > 0)
		intervals(r, 1, now);
	for (i = 0; i < r->targets.n; i++) {
		const struct target_snapshot *s = interval_summary_snapshot(&json_intervals, r, i, &buf);

		summary(r, i, s, now_real);
		sent += r->targets.v[i].sent;
		received += s->c.received;
	}
	interval_free(&json_intervals);
	status = run_exit_status(r);
	obj_begin(f, "end", now_real);
	key_u64(f, "exit_status", (uint64_t)status);
	key_u64(f, "targets", r->targets.n);
	key_u64(f, "sent", sent);
	key_u64(f, "received", received);
	kernel_counter(f, r, "ringbuf_dropped", ICMPMON_CNT_RB_DROPPED);
	kernel_counter(f, r, "unmatched", ICMPMON_CNT_UNMATCHED);
	kernel_counter(f, r, "bad_cookie", ICMPMON_CNT_BAD_COOKIE);
	kernel_counter(f, r, "table_full", ICMPMON_CNT_TABLE_FULL);
	kernel_counter(f, r, "foreign_errors", ICMPMON_CNT_FOREIGN_ERROR);
	kernel_counter(f, r, "bad_checksum", ICMPMON_CNT_BAD_CSUM);
	kernel_counter(f, r, "not_for_host", ICMPMON_CNT_NOT_FOR_US);
	kernel_counter(f, r, "bad_quote", ICMPMON_CNT_BAD_QUOTE);
	obj_end(f);
	return status;
}

void sink_json_fatal(FILE *f, const char *message)
{
	obj_begin(f, "error", clock_real_ns());
	key(f, "message");
	json_str(f, message);
	obj_end(f);
}

const struct sink sink_json = {
	.start = json_start,
	.sent = json_sent,
	.event = json_event,
	.timeout = json_timeout,
	.send_error = json_send_error,
	.interim = json_interim,
	.report = json_report,
	.finish = json_finish,
};
