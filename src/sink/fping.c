// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The fping sink. It keeps fping's own per-target counters rather than the
 * kernel's: fping counts a probe as sent only once it is settled (answered,
 * timed out or refused by the socket), ignores replies slower than the
 * timeout, and numbers probes from 0 per target; the running "avg" and
 * "% loss" of each line are those counters at that moment.
 *
 * Every name given is a host of its own, with its own lines and counters, as
 * in fping; names that resolve to one address share its probes: each result
 * of the target is fanned out to its hosts, in the order the names were given.
 *
 * Default mode runs on a tick schedule (see cli/fping_options.c): wants_probe
 * sends a target's first probe, and a retry in the first slot after the
 * previous probe's (backed-off) timeout, until it answers or has had
 * retry + 1 probes. Count and loop modes send every slot; their timeouts
 * come from the kernel-map sweeper.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/libbpf.h>

#include "util/clock.h"
#include "output/fping.h"
#include "sink/fping.h"

#define RESP_WAITING -1
#define RESP_UNUSED -2
#define RESP_ERROR -3
#define RESP_TIMEOUT -4

#define DRAIN_SLACK_NS 20000000ull

struct fhost {
	char *display;               /* as fping shows the target (-n/-d/-A) */
	uint32_t tidx;               /* the target probed for it */
	uint32_t next;               /* the next host of the same target; HOST_NONE */
	int sent, recv, recv_total;  /* fping's num_sent, num_recv, num_recv_total */
	int64_t min_ns, max_ns, total_ns;
	int sent_i, recv_i;          /* the current -Q interval */
	int64_t min_i, max_i, total_i;
	int64_t *resp;               /* not in loop mode: per probe index */
	uint64_t attempts;           /* probes handed to the sender = next index */
	uint64_t send_errors_seen;
	int64_t cur_timeout_ns;      /* backed off in default mode, reset by a reply */
	int probes;                  /* default mode: probes sent */
	uint64_t deadline_ns;        /* default mode: when the last one times out */
	int done;                    /* default mode: alive, or out of retries */
};

#define HOST_NONE UINT32_MAX

static struct {
	const struct fping_opts *o;
	struct fhost *h;             /* one per name that resolved, in the order given */
	uint32_t n;
	uint32_t *first;             /* per target: its first host */
	uint32_t n_targets;
	uint32_t n_resp;
	int width;
	int num_alive, num_timeout, num_pingsent, num_pingreceived, num_othericmp;
	int64_t min_reply, max_reply, sum_replies, total_replies;
	uint32_t n_done;
	uint64_t attempts, settled;
	uint64_t last_send_ns;
	int stopped;   /* the sink ended the run (default mode: everything settled) */
	int finished;
} S;

int sink_fping_finished(void)
{
	return S.finished;
}

static void out_of_memory(void)
{
	fprintf(stderr, "%s: out of memory\n", S.o ? S.o->prog : "fping");
	exit(FPING_EXIT_SYSTEM);
}

static char *display_name(const struct target *t, const char *name, const struct fping_opts *o)
{
	char host[NI_MAXHOST], *out;
	struct in6_addr literal;
	const char *print = name;
	size_t len;

	if (o->name_flag || o->rdns_flag) {
		int rdns = o->rdns_flag || inet_pton(t->family, name, &literal) == 1;

		if (rdns && !getnameinfo(&t->sa.sa, target_sockaddr_len(t), host, sizeof(host), NULL, 0, 0))
			print = host;
	}
	if (!o->addr_flag)
		return strdup(print);
	if (!o->name_flag && !o->rdns_flag)
		return strdup(t->addr_str);
	len = strlen(print) + strlen(t->addr_str) + 4;
	out = malloc(len);
	if (out)
		snprintf(out, len, "%s (%s)", print, t->addr_str);
	return out;
}

/* The hosts: one per name that resolved, chained per target in the order given. */
static void make_hosts(struct run *r)
{
	const struct target_list *tl = &r->targets;
	uint32_t i, t, *last;

	S.first = malloc((tl->n ? tl->n : 1) * sizeof(*S.first));
	last = malloc((tl->n ? tl->n : 1) * sizeof(*last));
	S.h = calloc(tl->n_names ? tl->n_names : 1, sizeof(*S.h));
	if (!S.first || !last || !S.h)
		out_of_memory();
	for (t = 0; t < tl->n; t++)
		S.first[t] = last[t] = HOST_NONE;
	S.n = 0;
	S.n_targets = tl->n;
	for (i = 0; i < tl->n_names; i++) {
		struct fhost *h = &S.h[S.n];

		t = tl->by_name[i];
		if (t >= tl->n)
			continue;
		h->tidx = t;
		h->next = HOST_NONE;
		h->display = display_name(&tl->v[t], r->names.v[i], S.o);
		if (!h->display)
			out_of_memory();
		if (last[t] == HOST_NONE)
			S.first[t] = S.n;
		else
			S.h[last[t]].next = S.n;
		last[t] = S.n++;
	}
	free(last);
}

static void fping_start(struct run *r)
{
	const struct fping_opts *o = r->cfg->sink_opts;
	uint32_t i, j;
	int len;

	S.o = o;
	S.n_resp = o->mode == FPING_MODE_COUNT ? (uint32_t)o->count : o->mode == FPING_MODE_ALIVE ? 1 : 0;
	make_hosts(r);
	for (i = 0; i < S.n; i++) {
		struct fhost *h = &S.h[i];

		len = (int)strlen(h->display);
		if (len > S.width)
			S.width = len;
		h->cur_timeout_ns = o->timeout_ns;
		if (S.n_resp) {
			h->resp = malloc(S.n_resp * sizeof(*h->resp));
			if (!h->resp)
				out_of_memory();
			for (j = 0; j < S.n_resp; j++)
				h->resp[j] = RESP_UNUSED;
		}
	}
}

/* The index (from 0) of this target's probe with this 16-bit sequence number (round + 1). */
static uint64_t index_of(const struct fhost *h, uint16_t seq)
{
	uint64_t want = (uint16_t)(seq - 1), last, idx;

	if (S.o->mode == FPING_MODE_ALIVE)
		return 0;
	last = h->attempts ? h->attempts - 1 : 0;
	idx = last - ((last - want) & 0xffff);
	return idx > last ? want : idx;
}

static int64_t *resp_of(struct fhost *h, uint64_t idx)
{
	return h->resp && idx < S.n_resp ? &h->resp[idx] : NULL;
}

static struct fping_counts counts_of(const struct fhost *h)
{
	struct fping_counts c = { .sent = h->sent, .recv = h->recv, .recv_total = h->recv_total, .total_ns = h->total_ns };

	return c;
}

static void mark_done(struct run *r, struct fhost *h)
{
	if (h->done)
		return;
	h->done = 1;
	if (++S.n_done == S.n) {
		S.stopped = 1;
		r->stop = 1;
	}
}

/* fping's stats_add() for a probe without a reply. */
static void settle_lost(struct fhost *h, uint64_t idx, int64_t why)
{
	int64_t *resp = resp_of(h, idx);

	h->sent++;
	h->sent_i++;
	S.settled++;
	if (resp)
		*resp = why;
	if (why == RESP_TIMEOUT)
		S.num_timeout++;
}

static void settle_reply(struct fhost *h, uint64_t idx, int64_t rtt)
{
	int64_t *resp = resp_of(h, idx);

	h->sent++;
	h->sent_i++;
	h->recv++;
	h->recv_i++;
	S.settled++;
	if (!h->max_ns || rtt > h->max_ns)
		h->max_ns = rtt;
	if (!h->max_i || rtt > h->max_i)
		h->max_i = rtt;
	if (!h->min_ns || rtt < h->min_ns)
		h->min_ns = rtt;
	if (!h->min_i || rtt < h->min_i)
		h->min_i = rtt;
	h->total_ns += rtt;
	h->total_i += rtt;
	if (resp)
		*resp = rtt;
	if (!S.max_reply || rtt > S.max_reply)
		S.max_reply = rtt;
	if (!S.min_reply || rtt < S.min_reply)
		S.min_reply = rtt;
	S.sum_replies += rtt;
	S.total_replies++;
}

/* Count and loop mode: a probe timed out (or will never be answered). */
static void time_out(struct fhost *h, uint64_t idx)
{
	struct fping_counts c;

	settle_lost(h, idx, RESP_TIMEOUT);
	if (!S.o->per_recv)
		return;
	if (S.o->timestamp)
		fping_print_stamp(stdout, (int64_t)clock_real_ns());
	c = counts_of(h);
	fping_print_timeout(stdout, h->display, S.width, (int)idx, &c);
}

/* Each host of target tidx (k: a uint32_t host index). */
#define FOR_HOSTS(k, tidx) for (k = (tidx) < S.n_targets ? S.first[tidx] : HOST_NONE; k != HOST_NONE; k = S.h[k].next)

static void sent_one(struct fhost *h)
{
	int64_t *resp = resp_of(h, S.o->mode == FPING_MODE_ALIVE ? 0 : h->attempts);

	if (resp)
		*resp = RESP_WAITING;
	h->attempts++;
	S.attempts++;
	S.num_pingsent++;
	S.last_send_ns = clock_mono_ns();
}

static void fping_sent(struct run *r, uint32_t tidx, uint16_t seq)
{
	uint32_t k;

	(void)r;
	(void)seq;
	FOR_HOSTS(k, tidx)
		sent_one(&S.h[k]);
}

/* fping prints and counts every ICMP error it gets, whenever it comes. */
static void report_icmp_error(const struct fhost *h, const struct icmpmon_event *ev)
{
	/* fping 5.1 matches no ICMPv6 error to its probes: it neither prints nor counts them */
	const char *text = ev->from.family == ICMPMON_AF_INET6 ? NULL
			   : fping_icmp_error_text(ev->icmp_type, ev->icmp_code);
	char from[INET6_ADDRSTRLEN];
	struct in_addr a = { .s_addr = ev->from.addr[0] };

	if (text) {
		if (!S.o->quiet) {
			inet_ntop(AF_INET, &a, from, sizeof(from));
			fping_print_icmp_error(stderr, text, from, h->display);
		}
		S.num_othericmp++;
	}
}

static void on_icmp_error(struct fhost *h, const struct icmpmon_event *ev, uint64_t idx)
{
	report_icmp_error(h, ev);
	/*
	 * The kernel settled this probe: it will not time out. fping times it out
	 * later; count and loop mode settle it now. Default mode's own deadline
	 * passes as usual.
	 */
	if (S.o->mode != FPING_MODE_ALIVE)
		time_out(h, idx);
}

static void event_one(struct run *r, struct fhost *h, const struct icmpmon_event *ev)
{
	const struct fping_opts *o = S.o;
	struct fping_counts c;
	int64_t rtt = (int64_t)ev->rtt_ns, *resp;
	uint64_t idx;
	int bytes;

	idx = index_of(h, ev->seq);
	if (ev->kind == ICMPMON_EV_ERROR) {
		on_icmp_error(h, ev, idx);
		return;
	}
	S.num_pingreceived++;
	h->recv_total++;
	bytes = ev->icmp_len ? ev->icmp_len : r->cfg->size + 8;
	resp = resp_of(h, idx);
	if (resp && *resp >= 0) {
		/* fping detects duplicates by index (not in loop mode); with per-reply lines it drops them silently */
		if (!o->per_recv)
			fping_print_duplicate(stderr, h->display, (int)idx, bytes, rtt);
		return;
	}
	if (resp && (*resp == RESP_TIMEOUT || *resp == RESP_ERROR) && o->mode != FPING_MODE_ALIVE)
		return; /* settled already: a repeat of a reply that came too late */
	if (rtt > h->cur_timeout_ns) {
		/* fping drops a reply slower than the timeout, and the probe times out */
		if (o->mode != FPING_MODE_ALIVE && ev->kind == ICMPMON_EV_REPLY)
			time_out(h, idx);
		return;
	}
	settle_reply(h, idx, rtt);
	h->cur_timeout_ns = o->timeout_ns;
	if (h->recv == 1) {
		S.num_alive++;
		if (o->verbose || o->alive)
			fping_print_alive(stdout, h->display, o->verbose, o->elapsed, rtt);
		if (o->mode == FPING_MODE_ALIVE)
			mark_done(r, h);
	}
	if (o->per_recv) {
		if (o->timestamp)
			fping_print_stamp(stdout, (int64_t)run_wall_ns(r, ev->t_rx_ns));
		c = counts_of(h);
		fping_print_reply(stdout, h->display, S.width, (int)idx, bytes, rtt, &c);
	}
}

static void fping_event(struct run *r, const struct icmpmon_event *ev)
{
	uint32_t k;

	FOR_HOSTS(k, ev->target_idx)
		event_one(r, &S.h[k], ev);
}

/* An error about a probe that timed out already: said and counted, nothing to settle. */
static void fping_late_error(struct run *r, const struct icmpmon_event *ev)
{
	uint32_t k;

	(void)r;
	FOR_HOSTS(k, ev->target_idx)
		report_icmp_error(&S.h[k], ev);
}

static void timeout_one(struct fhost *h, uint16_t seq)
{
	uint64_t idx = index_of(h, seq);
	int64_t *resp = resp_of(h, idx);

	if (resp && *resp != RESP_WAITING)
		return;
	time_out(h, idx);
}

static void fping_timeout(struct run *r, uint32_t tidx, uint16_t seq)
{
	uint32_t k;

	(void)r;
	if (S.o->mode == FPING_MODE_ALIVE)
		return; /* default mode keeps its own (backed-off) deadlines */
	FOR_HOSTS(k, tidx)
		timeout_one(&S.h[k], seq);
}

/* The sender says how many probes each target had refused; settle the new ones as fping does. */
static void fping_send_error(struct run *r, uint32_t tidx, int err)
{
	uint32_t i;

	(void)tidx;
	for (i = 0; i < S.n; i++) {
		struct fhost *h = &S.h[i];
		const struct target *t = &r->targets.v[h->tidx];

		while (t->send_errors > h->send_errors_seen) {
			uint64_t back = t->send_errors - h->send_errors_seen - 1;
			uint64_t idx = S.o->mode == FPING_MODE_ALIVE ? 0 : (h->attempts > back ? h->attempts - 1 - back : 0);

			h->send_errors_seen++;
			if (S.o->verbose)
				fprintf(stderr, "%s: error while sending ping: %s\n", h->display, strerror(err));
			settle_lost(h, idx, RESP_ERROR);
			if (S.o->mode == FPING_MODE_ALIVE)
				mark_done(r, h); /* fping never retries a probe it could not send */
		}
	}
}

/* Default mode: first probe at once, then a retry once the last one timed out. */
static int wants_one(struct run *r, struct fhost *h)
{
	const struct fping_opts *o = S.o;
	uint64_t now;

	if (h->done)
		return 0;
	now = clock_mono_ns();
	if (!h->probes) {
		h->probes = 1;
		h->cur_timeout_ns = o->timeout_ns;
		h->deadline_ns = now + (uint64_t)h->cur_timeout_ns;
		return 1;
	}
	if (now < h->deadline_ns)
		return 0;
	settle_lost(h, 0, RESP_TIMEOUT);
	if ((unsigned)h->probes < o->retry + 1) {
		/* fping multiplies in float */
		h->cur_timeout_ns = (int64_t)((float)h->cur_timeout_ns * (float)o->backoff);
		h->deadline_ns = now + (uint64_t)h->cur_timeout_ns;
		h->probes++;
		return 1;
	}
	mark_done(r, h);
	return 0;
}

/* The hosts of a target have the same history: each takes the same decision. */
static int fping_wants_probe(struct run *r, uint32_t tidx)
{
	int want = 0, first = 1;
	uint32_t k;

	if (S.o->mode != FPING_MODE_ALIVE)
		return 1;
	FOR_HOSTS(k, tidx) {
		int w = wants_one(r, &S.h[k]);

		if (first)
			want = w;
		first = 0;
	}
	return want;
}

static void print_host_stats(FILE *f, const struct fhost *h, int interval)
{
	struct fping_host_stats s = {
		.sent = interval ? h->sent_i : h->sent,
		.recv = interval ? h->recv_i : h->recv,
		.min_ns = interval ? h->min_i : h->min_ns,
		.max_ns = interval ? h->max_i : h->max_ns,
		.total_ns = interval ? h->total_i : h->total_ns,
		.outage = S.o->outage,
		.period_ns = S.o->period_ns,
	};

	fping_print_host_stats(f, h->display, S.width, &s);
}

/*
 * A block of summary lines goes out in one write: stderr is unbuffered, so
 * each fprintf() was a write(2) of its own, several per target.
 */
struct block {
	FILE *f;
	char *buf;
	size_t len;
};

static FILE *block_open(struct block *b)
{
	b->buf = NULL;
	b->len = 0;
	b->f = open_memstream(&b->buf, &b->len);
	return b->f ? b->f : stderr;
}

static void block_write(struct block *b)
{
	if (!b->f)
		return;
	if (!fclose(b->f) && b->len)
		fwrite(b->buf, 1, b->len, stderr);
	free(b->buf);
	b->f = NULL;
}

/* -Q and SIGQUIT: this interval's counts, then a new interval. */
static void print_splits(void)
{
	time_t now = time(NULL);
	struct block b;
	FILE *f = block_open(&b);
	struct tm tm;
	uint32_t i;

	if (S.o->verbose || S.o->per_recv)
		fputc('\n', f);
	localtime_r(&now, &tm);
	fping_print_split_header(f, &tm);
	for (i = 0; i < S.n; i++) {
		struct fhost *h = &S.h[i];

		print_host_stats(f, h, 1);
		h->sent_i = h->recv_i = 0;
		h->min_i = h->max_i = h->total_i = 0;
	}
	block_write(&b);
}

static void fping_interim(struct run *r)
{
	(void)r;
	print_splits();
	fflush(stdout);
}

static void fping_report(struct run *r)
{
	(void)r;
	print_splits();
	fflush(stdout);
}

static void print_per_system_stats(void)
{
	struct block b;
	FILE *f = block_open(&b);
	uint32_t i;

	if (S.o->verbose || S.o->per_recv)
		fputc('\n', f);
	for (i = 0; i < S.n; i++) {
		struct fhost *h = &S.h[i];

		if (S.o->report_all_rtts)
			fping_print_host_rtts(f, h->display, S.width, h->resp,
					      h->sent < (int)S.n_resp ? h->sent : (int)S.n_resp);
		else
			print_host_stats(f, h, 0);
	}
	block_write(&b);
}

static int interrupt_pending(void)
{
	sigset_t pend;

	return !sigpending(&pend) &&
	       (sigismember(&pend, SIGINT) == 1 || sigismember(&pend, SIGTERM) == 1);
}

/* Count mode ends like fping's: once every probe is answered or has timed out. */
static void drain(struct run *r)
{
	uint64_t until = S.last_send_ns + (uint64_t)S.o->timeout_ns + DRAIN_SLACK_NS, now;

	if (!run_settles_probes(r))
		return;
	while (S.attempts > S.settled) {
		now = clock_mono_ns();
		run_sweep(r, now);
		if (now >= until || interrupt_pending())
			break;
		run_poll_replies(r, 10); /* wakes per reply, reads what came without a wake-up (batched) */
	}
}

static void release(void)
{
	uint32_t i;

	for (i = 0; i < S.n; i++) {
		free(S.h[i].display);
		free(S.h[i].resp);
	}
	free(S.h);
	free(S.first);
	S.h = NULL;
	S.first = NULL;
	S.n = 0;
}

static int fping_finish(struct run *r)
{
	const struct fping_opts *o = S.o;
	int interrupted = r->stop && !S.stopped, reachable, status;
	struct fping_global_stats g;
	int num_unreachable = 0;
	uint32_t i;

	S.finished = 1;
	if (o->mode == FPING_MODE_COUNT && !interrupted)
		drain(r);
	for (i = 0; i < S.n; i++) {
		if (S.h[i].recv)
			continue;
		num_unreachable++;
		if (o->verbose || o->unreach)
			fping_print_unreachable(stdout, S.h[i].display, o->verbose);
	}
	fflush(stdout);
	if (o->mode != FPING_MODE_ALIVE)
		print_per_system_stats();
	if (o->stats) {
		memset(&g, 0, sizeof(g));
		g.targets = (int)S.n;
		g.alive = S.num_alive;
		g.unreachable = num_unreachable;
		g.unknown = (int)r->targets.unresolved;
		g.timeouts = S.num_timeout;
		g.sent = S.num_pingsent;
		g.received = S.num_pingreceived;
		g.other_icmp = S.num_othericmp;
		g.min_ns = S.min_reply;
		g.max_ns = S.max_reply;
		g.sum_ns = S.sum_replies;
		g.replies = S.total_replies;
		/* from the first probe: fping's clock also covers name lookups, ours would cover loading BPF */
		g.elapsed_ns = (int64_t)(clock_mono_ns() - r->start_ns);
		fping_print_global_stats(stderr, &g);
	}
	reachable = (int)S.n - num_unreachable;
	if (o->min_reachable) {
		fping_print_reachable(stdout, (int)o->min_reachable, reachable);
		status = reachable >= (int)o->min_reachable ? FPING_EXIT_OK : FPING_EXIT_UNREACHABLE;
	} else if (r->targets.unresolved) {
		status = FPING_EXIT_NOADDRESS;
	} else {
		status = S.num_alive != (int)S.n ? FPING_EXIT_UNREACHABLE : FPING_EXIT_OK;
	}
	fflush(stdout);
	release();
	return status;
}

const struct sink sink_fping = {
	.start = fping_start,
	.sent = fping_sent,
	.event = fping_event,
	.timeout = fping_timeout,
	.send_error = fping_send_error,
	.interim = fping_interim,
	.report = fping_report,
	.wants_probe = fping_wants_probe,
	.late_error = fping_late_error,
	.finish = fping_finish,
};
