// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* --daemon output: quiet, for a service manager's log (daemon.h). */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "util/clock.h"
#include "engine/reload.h"
#include "sink/daemon.h"

#define SEND_ERROR_EVERY_NS (10 * 1000000000ull)

static uint64_t last_error_ns, errors_unsaid;

static uint32_t active_targets(const struct run *r)
{
	uint32_t i, n = 0;

	for (i = 0; i < r->targets.n; i++)
		n += reload_slot_active(r, i);
	return n;
}

static void daemon_start(struct run *r)
{
	const struct config *cfg = r->cfg;
	char a[INET_ADDRSTRLEN] = "";

	fprintf(stderr, "icmpmon: probing %u targets every %g s", active_targets(r), cfg->interval_s);
	if (cfg->metrics_port) {
		struct in_addr in = { .s_addr = cfg->metrics_addr };

		inet_ntop(AF_INET, &in, a, sizeof(a));
		fprintf(stderr, ", metrics on http://%s:%d/metrics", a, cfg->metrics_port);
	}
	if (r->reload)
		fprintf(stderr, ", SIGHUP re-reads the targets (%u slots)", r->targets.n);
	fputc('\n', stderr);
}

static void daemon_sent(struct run *r, uint32_t tidx, uint16_t seq)
{
	(void)r;
	(void)tidx;
	(void)seq;
}

static void daemon_event(struct run *r, const struct icmpmon_event *ev)
{
	(void)r;
	(void)ev;
}

static void daemon_timeout(struct run *r, uint32_t tidx, uint16_t seq)
{
	(void)r;
	(void)tidx;
	(void)seq;
}

static void daemon_send_error(struct run *r, uint32_t tidx, int err)
{
	uint64_t now = clock_mono_ns();

	if (last_error_ns && now - last_error_ns < SEND_ERROR_EVERY_NS) {
		errors_unsaid++;
		return;
	}
	fprintf(stderr, "icmpmon: sendmsg to %s: %s", reload_slot_active(r, tidx) ? r->targets.v[tidx].addr_str : "?",
		strerror(err));
	if (errors_unsaid)
		fprintf(stderr, " (and %llu more send errors since the last report)", (unsigned long long)errors_unsaid);
	fputc('\n', stderr);
	last_error_ns = now;
	errors_unsaid = 0;
}

/* SIGQUIT: one line per target on stderr. */
static void daemon_interim(struct run *r)
{
	uint32_t i;

	for (i = 0; i < r->targets.n; i++) {
		const struct target *t = &r->targets.v[i];

		if (!reload_slot_active(r, i))
			continue;
		fprintf(stderr, "%s (%s): %llu sent, %llu received, %llu timeouts\n", t->name, t->addr_str,
			(unsigned long long)t->sent, (unsigned long long)r->stats[i].received,
			(unsigned long long)t->timeouts);
	}
}

static int daemon_wants_probe(struct run *r, uint32_t tidx)
{
	return reload_slot_active(r, tidx);
}

static int daemon_finish(struct run *r)
{
	fprintf(stderr, "icmpmon: stopped after %llu replies\n", (unsigned long long)run_replies(r));
	return 0;
}

const struct sink sink_daemon = {
	.start = daemon_start,
	.sent = daemon_sent,
	.event = daemon_event,
	.timeout = daemon_timeout,
	.send_error = daemon_send_error,
	.interim = daemon_interim,
	.wants_probe = daemon_wants_probe,
	.finish = daemon_finish,
};
