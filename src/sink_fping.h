/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef ICMPMON_SINK_FPING_H
#define ICMPMON_SINK_FPING_H

#include "run.h"

/*
 * fping 5.1's text and exit status: "is alive" lists with retries and
 * backoff (default mode), per-reply lines and summaries (-c, -C, -l), -Q
 * interval blocks, -s global statistics. Needs cfg->sink_opts to point at the
 * struct fping_opts that fping_parse() filled. One run per process.
 */
extern const struct sink sink_fping;

/* Whether the run got as far as the sink's finish (its status is fping's). */
int sink_fping_finished(void);

#endif
