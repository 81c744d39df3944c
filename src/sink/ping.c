// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The ping personality's event handling: per-reply lines, SIGQUIT, summary (ping.h). */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine/unstamped.h"
#include "output/icmp_text.h"
#include "sink/interval.h"
#include "output/hist.h"
#include "output/ping.h"
#include "sink/common.h"
#include "sink/ping.h"
#include "util/stats.h"

/* ping's "pipe": the most probes a target had out at once, as its replies and errors show. */
static struct {
	int *v;
	uint32_t n;
} pipes;

/* ping's acknowledge(): the probes sent since this one, itself included. */
static void acknowledge(const struct run *r, const struct icmpmon_event *ev)
{
	uint16_t diff = (uint16_t)((uint16_t)r->targets.v[ev->target_idx].sent - ev->seq);

	if (ev->target_idx < pipes.n && diff <= 0x7fff && diff + 1 > pipes.v[ev->target_idx])
		pipes.v[ev->target_idx] = diff + 1;
}

/* ping -O: which probes were answered (ping's rcvd_tbl), per target, and how many were sent. */
static struct {
	unsigned char *bits; /* 8 KiB per target: a bit per sequence number */
	uint64_t *sent;
	uint32_t n;
} answered;

#define SEQ_BYTES (65536 / 8)

static void answered_set(uint32_t tidx, uint16_t seq, int on)
{
	unsigned char *b;

	if (tidx >= answered.n)
		return;
	b = answered.bits + (size_t)tidx * SEQ_BYTES + seq / 8;
	*b = on ? (unsigned char)(*b | 1u << (seq % 8)) : (unsigned char)(*b & ~(1u << (seq % 8)));
}

static int answered_test(uint32_t tidx, uint16_t seq)
{
	return tidx < answered.n && (answered.bits[(size_t)tidx * SEQ_BYTES + seq / 8] >> (seq % 8) & 1);
}

/* -I, -B: the source the probes leave with, numeric (ping prints it so). */
static const char *header_source(const struct target *t, char *buf, size_t len)
{
	if (!t->has_src ||
	    getnameinfo((const struct sockaddr *)&t->src, t->family == AF_INET6 ? sizeof(struct sockaddr_in6)
									       : sizeof(struct sockaddr_in),
			buf, (socklen_t)len, NULL, 0, NI_NUMERICHOST))
		return NULL;
	return buf;
}

static void ping_start(struct run *r)
{
	const char *dev = r->cfg->ifname[0] ? r->cfg->ifname : NULL;
	char src[NI_MAXHOST];
	uint32_t i;

	pipes.v = calloc(r->targets.n ? r->targets.n : 1, sizeof(*pipes.v));
	pipes.n = pipes.v ? r->targets.n : 0;
	if (r->cfg->outstanding) {
		answered.bits = calloc(r->targets.n ? r->targets.n : 1, SEQ_BYTES);
		answered.sent = calloc(r->targets.n ? r->targets.n : 1, sizeof(*answered.sent));
		answered.n = answered.bits && answered.sent ? r->targets.n : 0;
	}

	if (r->cfg->pattern_len)
		ping_print_pattern(stdout, r->cfg->pattern, (size_t)r->cfg->pattern_len);
	for (i = 0; i < r->targets.n; i++) {
		const struct target *t = &r->targets.v[i];

		const char *from = header_source(t, src, sizeof(src));

		if (t->family == AF_INET6)
			ping_print_header6(stdout, t->name, t->addr_str, from, dev, (size_t)r->cfg->size);
		else
			ping_print_header(stdout, t->name, t->addr_str, from, dev, (size_t)r->cfg->size,
					  (size_t)r->cfg->size + 28);
	}
	fflush(stdout);
}

static void ping_sent(struct run *r, uint32_t tidx, uint16_t seq)
{
	/* -O: before a probe goes, the one before it if nothing answered it (ping's pinger()) */
	if (tidx < answered.n) {
		if (answered.sent[tidx]++ && !answered_test(tidx, (uint16_t)(seq - 1))) {
			struct timespec ts;

			if (r->cfg->timestamps) {
				clock_gettime(CLOCK_REALTIME, &ts);
				ping_print_stamp(stdout, &ts);
			}
			printf("no answer yet for icmp_seq=%u\n", (uint16_t)(seq - 1));
			fflush(stdout);
		}
		answered_set(tidx, seq, 0);
	}
}

/* -f: a '.' per probe that left; one the kernel refused prints none, as ping's */
static void ping_accepted(struct run *r, int n)
{
	if (!r->cfg->flood)
		return;
	while (n-- > 0)
		fputc('.', stdout);
	fflush(stdout);
}

static void wall_time(const struct run *r, uint64_t mono_ns, struct timespec *ts)
{
	uint64_t real = run_wall_ns(r, mono_ns);

	ts->tv_sec = (time_t)(real / 1000000000ull);
	ts->tv_nsec = (long)(real % 1000000000ull);
}

/* The router or host an ICMP error came from, as ping names it. */
static void error_source(const struct run *r, const struct target *t, const struct icmpmon_event *ev,
			 char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN], host[NI_MAXHOST];
	struct sockaddr_storage ss;
	socklen_t sslen = addr_to_sockaddr(&ev->from, &ss);

	getnameinfo((struct sockaddr *)&ss, sslen, addr, sizeof(addr), NULL, 0, NI_NUMERICHOST);
	if (r->cfg->numeric || r->cfg->flood || t->is_numeric ||
	    getnameinfo((struct sockaddr *)&ss, sslen, host, sizeof(host), NULL, 0, 0))
		ping_format_from(buf, len, NULL, addr);
	else
		ping_format_from(buf, len, host, addr);
}

static void print_error(struct run *r, const struct icmpmon_event *ev, const struct timespec *stamp)
{
	const struct target *t = &r->targets.v[ev->target_idx];
	char from[NI_MAXHOST + INET6_ADDRSTRLEN + 4], text[64];

	if (r->cfg->flood) {
		fputs("\bE", stdout);
		return;
	}
	if (stamp)
		ping_print_stamp(stdout, stamp);
	error_source(r, t, ev, from, sizeof(from));
	printf("From %s icmp_seq=%u %s\n", from, ev->seq,
	       t->family == AF_INET6 ? icmp6_error_text(ev->icmp_type, ev->icmp_code, ev->icmp_info, text, sizeof(text))
				     : icmp_error_text(ev->icmp_type, ev->icmp_code, ev->icmp_info, text, sizeof(text)));
}

static void ping_event(struct run *r, const struct icmpmon_event *ev)
{
	const struct config *cfg = r->cfg;
	struct timespec ts;
	struct ping_reply_line line;

	if (ev->target_idx >= r->targets.n)
		return;
	if (ev->t_rx_ns > r->last_activity_ns)
		r->last_activity_ns = ev->t_rx_ns;
	if (ev->kind != ICMPMON_EV_ERROR)
		stats_ewma_add(&r->ewma8[ev->target_idx], ev->rtt_ns);
	/* ping (IPv4) acknowledges a probe by an error too; ping -6 by replies only */
	if (ev->kind != ICMPMON_EV_ERROR || r->targets.v[ev->target_idx].family == AF_INET)
		acknowledge(r, ev);
	if (ev->kind == ICMPMON_EV_REPLY)
		answered_set(ev->target_idx, ev->seq, 1);
	if (cfg->quiet)
		return;
	wall_time(r, ev->t_rx_ns, &ts);
	if (ev->kind == ICMPMON_EV_ERROR) {
		print_error(r, ev, cfg->timestamps ? &ts : NULL);
	} else if (cfg->flood) {
		fputs("\b \b", stdout); /* ping's bytes for a reply, a duplicate too */
		if (cfg->audible)
			fputc('\a', stdout);
	} else {
		memset(&line, 0, sizeof(line));
		line.bytes = ev->icmp_len ? ev->icmp_len : (unsigned)(cfg->size + 8);
		line.from = r->targets.v[ev->target_idx].reply_name;
		line.seq = ev->seq;
		line.show_ident = cfg->verbose;
		line.ident = ntohs(r->id_net);
		line.ttl = ev->ttl;
		line.timing = ev->rtt_ns != 0;
		line.rtt_ns = ev->rtt_ns;
		line.dup = ev->kind == ICMPMON_EV_DUP;
		line.stamp = cfg->timestamps ? &ts : NULL;
		line.bell = cfg->audible;
		ping_print_reply(stdout, &line);
	}
	fflush(stdout);
}

static void ping_timeout(struct run *r, uint32_t tidx, uint16_t seq)
{
	(void)r;
	(void)tidx;
	(void)seq;
}

static void ping_send_error(struct run *r, uint32_t tidx, int err)
{
	(void)tidx;
	if (!r->cfg->quiet)
		fprintf(stderr, "icmpmon: sendmsg: %s\n", strerror(err));
}

static int has_timing(const struct run *r)
{
	return r->mode != RX_SOCKET || r->cfg->size >= 24;
}

static void ping_interim(struct run *r)
{
	struct ping_rtt rtt;
	struct ping_status st;
	uint32_t i;

	for (i = 0; i < r->targets.n; i++) {
		const struct target_stats *s = &r->stats[i];

		memset(&st, 0, sizeof(st));
		st.transmitted = r->targets.v[i].sent;
		st.received = s->received;
		st.rtt = has_timing(r) && stats_ping_rtt(s, &rtt) ? &rtt : NULL;
		st.ewma8 = r->ewma8[i];
		ping_print_status(stderr, &st);
	}
}

static struct interval_state ping_intervals;

/* --report: a line per target for the interval since the last report (interval.h). */
static void ping_report(struct run *r)
{
	interval_report_text(&ping_intervals, r, stdout, 0);
	fflush(stdout);
}

/* What the kernel had to drop is said, never lost silently. */
static void report_drops(struct run *r)
{
	uint64_t lost_lines, untracked;

	if (r->mode == RX_DGRAM && dgram_dropped(&r->dg))
		printf("icmpmon: %llu datagrams dropped by the kernel, the socket's receive buffer full; "
		       "their probes count as lost (raise net.core.rmem_max)\n", (unsigned long long)dgram_dropped(&r->dg));
	if (r->mode != RX_KERNEL)
		return;
	lost_lines = loader_counter(&r->ld, ICMPMON_CNT_RB_DROPPED);
	untracked = loader_counter(&r->ld, ICMPMON_CNT_TABLE_FULL);
	if (lost_lines)
		printf("icmpmon: %llu reply lines not shown (ring buffer full); the statistics above are complete\n",
		       (unsigned long long)lost_lines);
	if (untracked)
		printf("icmpmon: %llu probes not tracked (outstanding-probe map full; raise --max-outstanding)\n",
		       (unsigned long long)untracked);
	if (unstamped_total(r))
		printf("icmpmon: %llu probes sent but never stamped by the tc egress program (another tc program ahead "
		       "of it?); counted as lost\n", (unsigned long long)unstamped_total(r));
}

/* Below this the host's own queue is not worth a line in the summary. */
#define HOST_QUEUE_SAID_NS 1000000ull

static int ping_finish(struct run *r)
{
	const struct config *cfg = r->cfg;
	struct target_snapshot buf;
	struct ping_summary sum;
	struct ping_rtt rtt;
	uint32_t i;

	if (cfg->report_s > 0)
		interval_report_text(&ping_intervals, r, stdout, 1); /* the last, partial interval */
	for (i = 0; i < r->targets.n; i++) {
		const struct target_snapshot *snap = interval_summary_snapshot(&ping_intervals, r, i, &buf);
		const struct target_stats *s = &snap->c;

		memset(&sum, 0, sizeof(sum));
		sum.host = r->targets.v[i].name;
		sum.transmitted = r->targets.v[i].sent;
		sum.received = s->received;
		sum.duplicates = s->duplicates;
		sum.errors = run_errors(r, i);
		sum.elapsed_ns = r->last_activity_ns > r->start_ns ? r->last_activity_ns - r->start_ns : 0;
		sum.rtt = has_timing(r) && stats_ping_rtt(s, &rtt) ? &rtt : NULL;
		sum.ipg_ewma = cfg->flood || cfg->adaptive || cfg->interval_s == 0;
		sum.ewma8 = r->ewma8[i];
		sum.pipe = i < pipes.n ? pipes.v[i] : 0;
		ping_print_summary(stdout, &sum);
		if (s->txq_max_ns > HOST_QUEUE_SAID_NS)
			ping_print_host_queue(stdout, s->txq_sum_ns / s->txq_count, s->txq_max_ns,
					      run_rtt_from(r)[0] == 't');
		if (cfg->hist)
			hist_print(stdout, &snap->h);
	}
	interval_free(&ping_intervals);
	free(pipes.v);
	pipes.v = NULL;
	pipes.n = 0;
	free(answered.bits);
	free(answered.sent);
	memset(&answered, 0, sizeof(answered));
	report_drops(r);
	if (cfg->verbose)
		run_print_rejected(r, stdout);
	fflush(stdout);
	return run_exit_status(r);
}

const struct sink sink_ping = {
	.start = ping_start,
	.sent = ping_sent,
	.event = ping_event,
	.timeout = ping_timeout,
	.send_error = ping_send_error,
	.accepted = ping_accepted,
	.interim = ping_interim,
	.report = ping_report,
	.finish = ping_finish,
};
