/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Command line of the fping personality: fping 5.1's options mapped onto a
 * struct config, plus what only the fping sink needs (struct fping_opts,
 * reached through cfg->sink_opts).
 */
#ifndef ICMPMON_FPING_OPTIONS_H
#define ICMPMON_FPING_OPTIONS_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/config.h"
#include "engine/target_source.h"
#include "sink/fping.h"

/* fping 5.1's defaults */
#define FPING_DEFAULT_PERIOD_MS 1000
#define FPING_DEFAULT_INTERVAL_MS 10
#define FPING_DEFAULT_TIMEOUT_MS 500
#define FPING_AUTOTUNE_TIMEOUT_MAX_MS 2000
#define FPING_DEFAULT_RETRY 3
#define FPING_DEFAULT_BACKOFF 1.5
#define FPING_MIN_BACKOFF 1.0
#define FPING_MAX_BACKOFF 5.0
#define FPING_DEFAULT_SIZE 56
#define FPING_MAX_DATA (65536 - 40 - 8)
#define FPING_MAX_GENERATE 100000
#define FPING_VERSION "5.1"

enum fping_parse_result {
	FPING_PARSE_RUN = 0,  /* cfg and o are ready */
	FPING_PARSE_EXIT = 1, /* -h or -v printed: exit 0 */
	FPING_PARSE_ERROR = 2 /* err holds fping's complaint, program name included (maybe 2 lines): exit 1 */
};

/* Parses fping's argv (argv[0] included) into cfg (defaults first) and o. */
enum fping_parse_result fping_parse(int argc, char **argv, struct config *cfg, struct fping_opts *o,
				    char *err, size_t errlen);

/*
 * The target names: the operands, -f FILE (fping's rules: first word of a
 * line, lines starting with '#' skipped) or -g. Returns 0, FPING_EXIT_USAGE
 * (bad -g range) or FPING_EXIT_SYSTEM (unreadable file); err holds fping's
 * complaint, program name included.
 */
int fping_gather_names(const struct fping_opts *o, struct name_list *names, char *err, size_t errlen);

/* Sizes the run for n targets once the names are known (default mode's probe table). */
void fping_size_run(const struct fping_opts *o, struct config *cfg, uint32_t n);

void fping_usage(FILE *out, const char *prog);

#endif /* ICMPMON_FPING_OPTIONS_H */
