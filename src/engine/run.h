/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* One monitoring run: targets, sender, receive path, schedule, and where its output goes. */
#ifndef ICMPMON_RUN_H
#define ICMPMON_RUN_H

#include <net/if.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bpf/icmpmon.h"
#include "engine/config.h"
#include "engine/dgram.h"
#include "engine/links.h"
#include "kernel/collector.h"
#include "kernel/loader.h"
#include "engine/schedule.h"
#include "engine/sender.h"
#include "engine/socket_rx.h"
#include "engine/target_source.h"
#include "engine/targets.h"
#include "engine/unseen.h"

struct run;
struct reload;

/*
 * A service beside the probing loop (the HTTP exporter): started last in
 * setup, served from the loop once privileges are dropped, stopped first in
 * teardown. Its thread reads the targets under run_slots_lock().
 */
struct run_service {
	int (*start)(struct run *r, char *err, size_t errlen);
	int (*serve)(struct run *r, char *err, size_t errlen);
	void (*stop)(struct run *r);
};

/* SIGHUP reloads of the targets (reload.h). */
struct reload_counts {
	uint64_t ok, failed;
	uint64_t over_capacity; /* targets the last reload had no slot for */
};

/* What a run reports, and how: ping text today; other formats plug in here. */
struct sink {
	void (*start)(struct run *r);
	void (*sent)(struct run *r, uint32_t tidx, uint16_t seq);
	void (*event)(struct run *r, const struct icmpmon_event *ev);
	void (*timeout)(struct run *r, uint32_t tidx, uint16_t seq);
	void (*send_error)(struct run *r, uint32_t tidx, int err);
	void (*accepted)(struct run *r, int n); /* n probes just sent the kernel took; may be NULL */
	void (*interim)(struct run *r);
	void (*report)(struct run *r);            /* every --report period; may be NULL */
	int (*wants_probe)(struct run *r, uint32_t tidx); /* NULL or 0: skip this target's slot */
	/*
	 * An ICMP error about a probe that has timed out already (the kernel
	 * reports a dead neighbour seconds later): NULL to take it as an event.
	 */
	void (*late_error)(struct run *r, const struct icmpmon_event *ev);
	int (*finish)(struct run *r); /* prints the summary, returns the exit status */
};

struct run {
	const struct config *cfg;
	const struct sink *sink;
	struct name_list names;       /* every name given, before resolution */
	struct target_list targets;
	struct target_stats *stats;   /* kernel mmap, or userland array in socket mode */
	struct target_stats *own_stats;
	struct target_hists *own_hists; /* socket and dgram modes' histograms (engine/hists.h reads them) */
	int *ewma8;                   /* ping's moving average, per target */
	struct loader ld;
	struct collector col;         /* kernel mode: col.rb is NULL until set up */
	struct sender snd;
	struct socket_rx srx;
	struct dgram dg;              /* --mode dgram */
	enum rx_mode mode;            /* the mode that runs: RX_KERNEL, RX_SOCKET or RX_DGRAM */
	char mode_why[128];           /* why it runs in a mode not asked for, else "" */
	struct unseen unseen;         /* kernel mode: probes no hook has seen yet (unhooked.h) */
	struct schedule sched;
	uint16_t id_net;
	uint64_t cookie;
	uint64_t start_ns;            /* CLOCK_MONOTONIC at the first probe */
	uint64_t last_activity_ns;    /* last send or reply, for ping's "time" */
	int64_t mono_to_real_ns;      /* CLOCK_REALTIME - CLOCK_MONOTONIC */
	uint64_t sweep_period_ns;
	uint64_t next_sweep_ns;
	uint64_t next_report_ns;
	uint64_t tick_ns;             /* --tick: wake-ups at most this often, 0 = as due */
	uint64_t redrain_ns;          /* read the ring buffer again then: events since the last wake-up woke no one */
	int stop;
	/* ping -f, -i 0, -A: pacing by replies (run.c) */
	int pace_early;               /* the next probe goes once its target has fewer than -l in flight */
	uint64_t pace_period_ns;      /* else after this long: 10 ms, or -A's RTT-derived interval */
	int pace_rtt8;                /* -A: ping's moving average of the RTT (us x 8) */
	uint64_t last_send_ns;
	uint32_t slots;               /* target slots in the maps: targets.n, more with SIGHUP reloads (reload.h) */
	struct reload *reload;        /* --daemon --file: reload state, else NULL */
	struct reload_counts reloads;
	struct links links;           /* kernel mode: interfaces followed over rtnetlink (links.h) */
	int unstamped_said;           /* the unstamped-probes line is on stderr (unstamped.h) */
	uint64_t unstamped_next_ns;   /* the next periodic unstamped check (unstamped.h) */
	pthread_mutex_t slots_lock;   /* held while a reload rewrites target slots */
	const struct run_service *service;
	void *service_state;
};

/* The one conversion of kernel time (CLOCK_MONOTONIC) to wall time, for printing only. */
static inline uint64_t run_wall_ns(const struct run *r, uint64_t mono_ns)
{
	return (uint64_t)((int64_t)mono_ns + r->mono_to_real_ns);
}

static inline uint64_t run_mono_ns(const struct run *r, uint64_t wall_ns)
{
	return (uint64_t)((int64_t)wall_ns - r->mono_to_real_ns);
}

/* How probes are stamped on the way out: "wire" (tc egress and the driver hand-off), "tc", or "socket". */
static inline const char *run_tx_stamp(const struct run *r)
{
	if (r->mode != RX_KERNEL)
		return "socket"; /* socket and dgram modes: the socket's own stamps */
	return r->ld.tx_wire ? "wire" : "tc";
}

/* Where the RTT starts: "wire" unless the hook is missing or --rtt-from tc asked for tc egress. */
static inline const char *run_rtt_from(const struct run *r)
{
	const char *s = run_tx_stamp(r);

	return s[0] == 'w' && r->cfg && r->cfg->rtt_from_tc ? "tc" : s;
}

/*
 * First thing in main: SIGINT, SIGTERM and SIGQUIT are taken whatever
 * disposition was inherited (a background job of a non-interactive shell
 * starts with SIGINT ignored) and held until run_loop() reads them, so one
 * that comes during setup still ends the run with its summary; SIGPIPE is
 * ignored, and a write error on stdout ends the run.
 */
void run_signals_take(void);

/*
 * Sets up the run (resolve, load, attach, open sockets); err is one line on
 * failure. service may be NULL.
 */
int run_setup(struct run *r, const struct config *cfg, const struct sink *sink, const struct run_service *service,
	      char *err, size_t errlen);
/* Probes until done or interrupted; returns the exit status the sink decided. */
int run_loop(struct run *r);
void run_teardown(struct run *r);

uint64_t run_replies(const struct run *r);
/* "kernel", "socket" or "dgram": the mode that runs. */
const char *run_mode_name(const struct run *r);
/* The receive path settles every probe (reply, error or timeout): kernel and dgram modes. */
int run_settles_probes(const struct run *r);
/*
 * Userland receive paths (socket, dgram): one event into the run's own
 * statistics and on to the sink (t_rx_ns on CLOCK_REALTIME); a probe that
 * timed out (errored: an ICMP error quoted it, counted in errored_swept and
 * not as a timeout).
 */
void run_account_event(void *run, const struct icmpmon_event *ev);
/* The socket and dgram modes' aggregates in userland: r->stats and r->own_hists. */
int run_own_aggregates(struct run *r, char *err, size_t errlen);
void run_account_timeout(void *run, uint32_t tidx, uint16_t seq, int errored);
/* A counter of what the receive path rejected (enum icmpmon_counter); 0 where the mode has no such counter. */
uint64_t run_rejected(const struct run *r, enum icmpmon_counter which);
/* -v: one line of what was rejected and why, when anything was. */
void run_print_rejected(const struct run *r, FILE *f);
/* ICMP errors about the target's probes (ping's "+N errors"); refused sends are not errors but losses. */
uint64_t run_errors(const struct run *r, uint32_t tidx);
/* Probes sent and still waiting for a reply, an error or their timeout. */
uint64_t run_outstanding(const struct run *r);

/* A reply or error of a target: ping's acknowledge() (what -f and -A pace on), -A's interval. */
void run_note_event(struct run *r, const struct icmpmon_event *ev);

/* Kernel and dgram modes: times out the probes older than the timeout at now_ns. */
void run_sweep(struct run *r, uint64_t now_ns);
/* Settles every probe sent before before_ns (CLOCK_MONOTONIC) as run_sweep does; UINT64_MAX: all. */
void run_expire_before(struct run *r, uint64_t before_ns);
/* Kernel and dgram modes: waits at most timeout_ms for replies and hands them to the sink. */
void run_poll_replies(struct run *r, int timeout_ms);

/* The interface a target's replies come in on, as a label: -I, else its route's. */
const char *run_target_ifname(const struct run *r, uint32_t tidx, char buf[IF_NAMESIZE]);
/* Around changes of the target slots and reads of them from another thread. */
void run_slots_lock(struct run *r);
void run_slots_unlock(struct run *r);

#endif
