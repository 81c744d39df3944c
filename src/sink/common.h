/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* What every output personality decides the same way. */
#ifndef ICMPMON_SINK_COMMON_H
#define ICMPMON_SINK_COMMON_H

#include "engine/run.h"

/*
 * ping's exit status once the run is over: 1 if no target got a reply, or
 * (with -w and -c) if a target got fewer than COUNT replies; else 0.
 */
int run_exit_status(const struct run *r);

/* Replies carry an RTT: always in kernel mode; in socket mode when the payload holds a timestamp. */
int run_has_timing(const struct run *r);

#endif /* ICMPMON_SINK_COMMON_H */
