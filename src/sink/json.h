/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef ICMPMON_SINK_JSON_H
#define ICMPMON_SINK_JSON_H

#include <stdio.h>

#include "engine/run.h"

/* --json: NDJSON on stdout, one object per line; docs/json-schema.md. */
extern const struct sink sink_json;

/* {"type":"error","ts":...,"message":...}: a run that could not start. */
void sink_json_fatal(FILE *f, const char *message);

#endif
