/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Command line of the ping personality: iputils ping's letters, icmpmon's long options. */
#ifndef ICMPMON_CLI_OPTIONS_H
#define ICMPMON_CLI_OPTIONS_H

#include <stddef.h>
#include <stdio.h>

#include "engine/config.h"

enum options_result {
	OPTIONS_RUN = 0,       /* config is ready */
	OPTIONS_EXIT = 1,      /* --help or --version printed; exit 0 */
	OPTIONS_ERROR = 2,     /* err holds one line; exit 2 */
	OPTIONS_BAD_VALUE = 3, /* err holds one line; exit 1 (ping's bad numbers, no target) */
	OPTIONS_USAGE = 4,     /* err holds one line, the usage follows on stderr; exit 2 */
	OPTIONS_HELP = 5       /* -h: the usage on stderr; exit 2 (as ping) */
};

/* The name messages start with: what icmpmon was invoked as ("ping" through a link of that name). */
const char *options_prog(void);

enum options_result options_parse(int argc, char **argv, struct config *cfg, char *err, size_t errlen);
void config_defaults(struct config *cfg);
void config_free(struct config *cfg);
void options_usage(FILE *out);

#endif /* ICMPMON_CLI_OPTIONS_H */
