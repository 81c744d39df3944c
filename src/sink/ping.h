/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef ICMPMON_SINK_PING_H
#define ICMPMON_SINK_PING_H

#include "engine/run.h"

/* iputils ping's text: header, reply lines, (DUP!), errors, flood dots, summaries, exit status. */
extern const struct sink sink_ping;

#endif
