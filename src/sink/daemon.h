/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef ICMPMON_SINK_DAEMON_H
#define ICMPMON_SINK_DAEMON_H

#include "engine/run.h"

/*
 * --daemon: nothing per reply and no summary (the numbers are in --metrics);
 * one line on stderr at the start, on each reload and at the end, send
 * errors at most every 10 s. Probes only the active target slots (reload.h).
 * The exit status is 0 after SIGTERM or SIGINT.
 */
extern const struct sink sink_daemon;

#endif
