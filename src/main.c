// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* icmpmon: CLI -> config -> run. */
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "config.h"
#include "fping_main.h"
#include "run.h"
#include "sink_json.h"
#include "sink_ping.h"

static int verbose_libbpf;

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (level == LIBBPF_DEBUG || (!verbose_libbpf && level == LIBBPF_INFO))
		return 0;
	if (!verbose_libbpf)
		return 0;
	return vfprintf(stderr, fmt, args);
}

int main(int argc, char **argv)
{
	char err[512] = "";
	struct config cfg;
	struct run run;
	int status;

	/* Personalities: "icmpmon fping ARGS", or icmpmon installed as "fping". */
	if (argc > 1 && !strcmp(argv[1], "fping"))
		return fping_main(argc - 1, argv + 1);
	if (argc > 0 && argv[0] && !strcmp(strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0], "fping"))
		return fping_main(argc, argv);

	switch (options_parse(argc, argv, &cfg, err, sizeof(err))) {
	case OPTIONS_EXIT:
		return 0;
	case OPTIONS_ERROR:
		fprintf(stderr, "icmpmon: %s\n", err);
		config_free(&cfg);
		return 2;
	case OPTIONS_RUN:
		break;
	}
	verbose_libbpf = cfg.verbose > 1; /* -vv: libbpf's own messages too */
	libbpf_set_print(libbpf_print);
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	if (run_setup(&run, &cfg, cfg.json ? &sink_json : &sink_ping, err, sizeof(err))) {
		fprintf(stderr, "icmpmon: %s\n", err);
		if (cfg.json)
			sink_json_fatal(stdout, err);
		run_teardown(&run);
		config_free(&cfg);
		return 2;
	}
	status = run_loop(&run);
	run_teardown(&run);
	config_free(&cfg);
	return status;
}
