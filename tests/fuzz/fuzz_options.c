// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer: options_parse (the ping personality's command line) on an argv
 * built from the input split at NUL bytes, after argv[0] "icmpmon" (at most
 * 64 arguments). Each call starts from a clean getopt state: options_parse
 * sets optind = 0, which makes glibc forget the previous argv too.
 * Checked besides the sanitizers: the result is one of the three values; an
 * error is one printable line; a config to run has its values in range and
 * its targets inside argv. --help and --version print to stdout, which is
 * /dev/null here.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cli/options.h"

#define MAX_ARGS 64

static void check(int ok)
{
	if (!ok)
		__builtin_trap();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (!freopen("/dev/null", "w", stdout))
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[MAX_ARGS + 2], *orig[MAX_ARGS + 2];
	char *buf = malloc(size + 1);
	char err[512];
	struct config cfg;
	size_t pos = 0;
	int argc = 1, i, rc;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	argv[0] = "icmpmon";
	while (pos < size && argc <= MAX_ARGS) {
		argv[argc++] = buf + pos;
		pos += strlen(buf + pos) + 1;
	}
	argv[argc] = NULL;
	memcpy(orig, argv, sizeof(argv));
	memset(err, 0x55, sizeof(err));
	err[sizeof(err) - 1] = '\0';

	rc = options_parse(argc, argv, &cfg, err, sizeof(err));
	check(rc == OPTIONS_RUN || rc == OPTIONS_EXIT || rc == OPTIONS_ERROR || rc == OPTIONS_BAD_VALUE ||
	      rc == OPTIONS_USAGE || rc == OPTIONS_HELP);
	/* getopt may permute argv, never invent pointers */
	for (i = 1; i < argc; i++) {
		int j, found = 0;

		for (j = 1; j < argc; j++)
			found |= argv[i] == orig[j];
		check(found);
	}
	if (rc == OPTIONS_ERROR || rc == OPTIONS_BAD_VALUE || rc == OPTIONS_USAGE) {
		size_t k, n = strlen(err);

		check(n > 0 && n < sizeof(err));
		for (k = 0; k < n; k++)
			check((unsigned char)err[k] >= ' ');
	} else if (rc == OPTIONS_RUN) {
		check(cfg.count >= 0);
		check(cfg.interval_s >= 0 && isfinite(cfg.interval_s));
		check(cfg.size >= 0 && cfg.size <= ICMPMON_MAX_PAYLOAD);
		check(cfg.ttl >= 0 && cfg.ttl <= 255); /* ping takes -t 0; the socket refuses it */
		check(cfg.timeout_s > 0 && isfinite(cfg.timeout_s));
		check(cfg.deadline_s >= 0 && isfinite(cfg.deadline_s));
		check(cfg.pattern_len >= 0 && cfg.pattern_len <= ICMPMON_MAX_PATTERN);
		check(strlen(cfg.ifname) < sizeof(cfg.ifname));
		check(cfg.family == 0 || cfg.family == AF_INET || cfg.family == AF_INET6);
		check(cfg.ringbuf_kib >= 4 && !(cfg.ringbuf_kib & (cfg.ringbuf_kib - 1)));
		check(cfg.n_targets >= 0 && cfg.n_targets < argc);
		check(cfg.n_targets + cfg.n_files + cfg.n_cidrs > 0);
		check(cfg.targets == argv + (argc - cfg.n_targets));
		check(cfg.n_metrics_le >= 0 && cfg.n_metrics_le <= 64);
		for (i = 1; i < cfg.n_metrics_le; i++)
			check(cfg.metrics_le[i] > cfg.metrics_le[i - 1]);
		check(cfg.metrics_port >= 0 && cfg.metrics_port <= 65535);
		check(!(cfg.consume && (cfg.mode == RX_SOCKET || cfg.mode == RX_DGRAM)));
	}
	config_free(&cfg);
	free(buf);
	return 0;
}
