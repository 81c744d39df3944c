/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* One monitoring run: targets, sender, receive path, schedule, and where its output goes. */
#ifndef ICMPMON_RUN_H
#define ICMPMON_RUN_H

#include <stdint.h>

#include "config.h"
#include "icmpmon.h"
#include "loader.h"
#include "schedule.h"
#include "sender.h"
#include "socket_rx.h"
#include "target_source.h"
#include "targets.h"

struct run;
struct reload;
struct exporter;

/* What a run reports, and how: ping text today; other formats plug in here. */
struct sink {
	void (*start)(struct run *r);
	void (*sent)(struct run *r, uint32_t tidx, uint16_t seq);
	void (*event)(struct run *r, const struct icmpmon_event *ev);
	void (*timeout)(struct run *r, uint32_t tidx, uint16_t seq);
	void (*send_error)(struct run *r, uint32_t tidx, int err);
	void (*interim)(struct run *r);
	void (*report)(struct run *r);            /* every --report period; may be NULL */
	int (*wants_probe)(struct run *r, uint32_t tidx); /* NULL or 0: skip this target's slot */
	int (*finish)(struct run *r); /* prints the summary, returns the exit status */
};

struct run {
	const struct config *cfg;
	const struct sink *sink;
	struct name_list names;       /* every name given, before resolution */
	struct target_list targets;
	struct target_stats *stats;   /* kernel mmap, or userland array in socket mode */
	struct target_stats *own_stats;
	int *ewma8;                   /* ping's moving average, per target */
	struct loader ld;
	struct ring_buffer *rb;
	struct sender snd;
	struct socket_rx srx;
	struct schedule sched;
	uint16_t id_net;
	uint64_t cookie;
	uint64_t start_ns;            /* CLOCK_MONOTONIC at the first probe */
	uint64_t last_activity_ns;    /* last send or reply, for ping's "time" */
	int64_t mono_to_real_ns;      /* CLOCK_REALTIME - CLOCK_MONOTONIC */
	uint64_t sweep_period_ns;
	uint64_t next_sweep_ns;
	uint64_t next_report_ns;
	int stop;
	uint32_t slots;               /* target slots in the maps: targets.n, more with SIGHUP reloads (reload.h) */
	struct reload *reload;        /* --daemon --file: reload state, else NULL */
	struct exporter *exporter;    /* --metrics: the HTTP server, else NULL */
	const char **target_if;       /* --metrics: per slot, the interface label */
};

/* Sets up the run (resolve, load, attach, open sockets); err is one line on failure. */
int run_setup(struct run *r, const struct config *cfg, const struct sink *sink, char *err, size_t errlen);
/* Probes until done or interrupted; returns the exit status the sink decided. */
int run_loop(struct run *r);
void run_teardown(struct run *r);

uint64_t run_replies(const struct run *r);
/* A counter of what the receive path rejected (enum icmpmon_counter); 0 where the mode has no such counter. */
uint64_t run_rejected(const struct run *r, enum icmpmon_counter which);
/* -v: one line of what was rejected and why, when anything was. */
void run_print_rejected(const struct run *r, FILE *f);
/* ICMP errors about the target's probes (ping's "+N errors"); refused sends are not errors but losses. */
uint64_t run_errors(const struct run *r, uint32_t tidx);

#endif
