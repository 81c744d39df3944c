// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* icmpmon: pick the personality by name, then CLI -> config -> run. */
#include <malloc.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "cli/fping_main.h"
#include "cli/options.h"
#include "engine/run.h"
#include "kernel/xdp_dispatcher.h"
#include "serve/exporter.h"
#include "sink/daemon.h"
#include "sink/json.h"
#include "sink/ping.h"

static int verbose_libbpf;

/* libbpf's and libxdp's warnings and notices, with -vv only; never their debug lines. */
static int lib_print(int debug, const char *fmt, va_list args)
{
	if (debug || !verbose_libbpf)
		return 0;
	return vfprintf(stderr, fmt, args);
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	return lib_print(level == LIBBPF_DEBUG, fmt, args);
}

static int libxdp_print(int level, const char *fmt, va_list args)
{
	return lib_print(level >= 2, fmt, args);
}

static const struct sink *pick_sink(const struct config *cfg)
{
	if (cfg->daemon)
		return &sink_daemon;
	return cfg->json ? &sink_json : &sink_ping;
}

/* As ping: a message, the usage after a bad option, exit 1 for bad numbers and 2 for the rest. */
static int refuse(enum options_result res, struct config *cfg, const char *err)
{
	if (res != OPTIONS_HELP)
		fprintf(stderr, "%s: %s\n", options_prog(), err);
	if (res == OPTIONS_USAGE || res == OPTIONS_HELP) {
		fputc('\n', stderr);
		options_usage(stderr);
	}
	config_free(cfg);
	return res == OPTIONS_BAD_VALUE ? 1 : 2;
}

static int ping_main(int argc, char **argv)
{
	char err[512] = "";
	struct config cfg;
	struct run run;
	enum options_result res = options_parse(argc, argv, &cfg, err, sizeof(err));
	int status;

	if (res == OPTIONS_EXIT)
		return 0;
	if (res != OPTIONS_RUN)
		return refuse(res, &cfg, err);
	verbose_libbpf = cfg.verbose > 1; /* -vv: libbpf's own messages too */
	libbpf_set_print(libbpf_print);
	xdp_dispatcher_set_print(libxdp_print);
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	if (run_setup(&run, &cfg, pick_sink(&cfg), &exporter_service, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", options_prog(), err);
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

/*
 * Personalities: "icmpmon NAME ARGS" (the word after the program) or icmpmon
 * installed under NAME (a link). Anything else is ping's command line.
 */
static const struct personality {
	const char *name;
	int (*main)(int argc, char **argv);
} personalities[] = {
	{ "fping", fping_main },
	{ "fping6", fping_main }, /* fping -6 (fping_options.c) */
};

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/*
 * Fixed malloc thresholds instead of glibc's moving ones: once a large block
 * (the target slot array, a scrape's buffers) is freed, glibc would raise both
 * to its size, and then keep that much freed memory resident at the top of
 * each heap (a thread's too: the BTF libbpf parses in the loader's threads)
 * and serve later large blocks from the heaps. Blocks from 256 KiB on are
 * mapped and unmapped; more than 1 MiB free at a heap's top goes back.
 */
static void memory_policy(void)
{
	mallopt(M_MMAP_THRESHOLD, 256 * 1024);
	mallopt(M_TRIM_THRESHOLD, 1024 * 1024);
}

int main(int argc, char **argv)
{
	size_t i;

	memory_policy();
	run_signals_take();
	for (i = 0; i < sizeof(personalities) / sizeof(personalities[0]); i++) {
		const struct personality *p = &personalities[i];

		if (argc > 1 && !strcmp(argv[1], p->name))
			return p->main(argc - 1, argv + 1);
		if (argc > 0 && argv[0] && !strcmp(base_name(argv[0]), p->name))
			return p->main(argc, argv);
	}
	return ping_main(argc, argv);
}
