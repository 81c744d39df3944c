// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* A run over ICMP datagram sockets: the fallback without privileges, setup, start (run_dgram.h). */
#include <errno.h>
#include <netinet/ip_icmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/run.h"
#include "engine/run_dgram.h"

int run_dgram_fallback(struct run *r)
{
	const struct config *cfg = r->cfg;
	int e = r->ld.load_errno;

	/* --pin and --consume exist only in the kernel: without it they fail as asked. */
	if (cfg->mode != RX_AUTO || (e != EPERM && e != EACCES) || cfg->pin_dir || cfg->consume)
		return 0;
	if (r->ld.skel)
		loader_destroy(&r->ld);
	memset(&r->ld, 0, sizeof(r->ld));
	r->mode = RX_DGRAM;
	snprintf(r->mode_why, sizeof(r->mode_why), "cannot load the BPF programs (%s)", strerror(e));
	return 1;
}

/* The first ICMP error about a probe, or the later reply of a probe that had one. */
static void on_errored(void *ctx, uint32_t tidx, int replied)
{
	struct run *r = ctx;

	if (tidx >= r->targets.n)
		return;
	if (replied)
		r->stats[tidx].errored_replied++;
	else
		r->stats[tidx].errored++;
}

static void on_sent(void *ctx, uint32_t tidx, uint16_t seq, int ok, uint64_t sent_mono_ns)
{
	struct run *r = ctx;

	if (!ok)
		return; /* refused: lost, as in the other modes, but never in flight */
	r->stats[tidx].stamped++;
	dgram_note_sent(&r->dg, tidx, seq, sent_mono_ns, run_wall_ns(r, sent_mono_ns));
}

int run_dgram_setup(struct run *r, char *err, size_t errlen)
{
	const struct config *cfg = r->cfg;
	const struct dgram_ops ops = { .event = run_account_event, .timeout = run_account_timeout,
				     .errored = on_errored, .ctx = r };
	uint32_t cookie_len = cfg->size >= ICMPMON_COOKIE_LEN ? ICMPMON_COOKIE_LEN : 0;
	char why[256];

	if (run_own_aggregates(r, err, errlen))
		return -1;
	if (dgram_open(&r->dg, &r->targets, sizeof(struct icmphdr) + (size_t)cfg->size, r->cookie, cookie_len,
		       inflight_window(cfg->timeout_s, cfg->interval_s), &ops, why, sizeof(why))) {
		if (r->mode_why[0])
			snprintf(err, errlen, "%s, and %s, or run as root", r->mode_why, why);
		else
			snprintf(err, errlen, "%s", why);
		return -1;
	}
	if (sender_open_dgram(&r->snd, cfg, &r->targets, r->cookie, r->dg.fd, err, errlen))
		return -1;
	r->snd.sent_hook = on_sent;
	r->snd.sent_ctx = r;
	return 0;
}

int run_dgram_start(struct run *r, char *err, size_t errlen)
{
	if (dgram_bind(&r->dg, err, errlen))
		return -1;
	r->id_net = r->dg.id_net[r->dg.fd[0] >= 0 ? 0 : 1];
	if (r->mode_why[0])
		fprintf(stderr, "icmpmon: %s: measuring through ICMP datagram sockets, as ping does without root "
			"(--mode dgram)\n", r->mode_why);
	return 0;
}

void run_dgram_teardown(struct run *r)
{
	dgram_close(&r->dg);
}
