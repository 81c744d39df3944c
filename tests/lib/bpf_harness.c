// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Loads the icmpmon BPF object for BPF_PROG_TEST_RUN and reports why a load failed (see bpf_harness.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf_harness.h"

#define LOG_KEEP 32768     /* bytes of libbpf output kept: the end of the verifier log */
#define LOG_TAIL_LINES 12

static char log_buf[LOG_KEEP + 1];
static size_t log_len;

/* libbpf's printer during a load: keeps the last LOG_KEEP bytes of what it would print. */
static int capture(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char *s = NULL;
	size_t n;
	int len;

	if (level == LIBBPF_DEBUG)
		return 0;
	len = vasprintf(&s, fmt, ap);
	if (len < 0)
		return 0;
	n = (size_t)len;
	if (n >= LOG_KEEP) {
		memcpy(log_buf, s + n - LOG_KEEP, LOG_KEEP);
		log_len = LOG_KEEP;
	} else {
		if (log_len + n > LOG_KEEP) {
			size_t drop = log_len + n - LOG_KEEP;

			memmove(log_buf, log_buf + drop, log_len - drop);
			log_len -= drop;
		}
		memcpy(log_buf + log_len, s, n);
		log_len += n;
	}
	log_buf[log_len] = '\0';
	free(s);
	return len;
}

/* Start of the last `lines` lines of log_buf[0..end). */
static const char *tail_start(const char *end, unsigned int lines)
{
	const char *p = end;

	while (p > log_buf && p[-1] == '\n')
		p--;
	while (p > log_buf) {
		if (p[-1] == '\n' && --lines == 0)
			break;
		p--;
	}
	return p;
}

static size_t append(char *out, size_t cap, size_t at, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (at >= cap)
		return at;
	va_start(ap, fmt);
	n = vsnprintf(out + at, cap - at, fmt, ap);
	va_end(ap);
	return n < 0 ? at : at + (size_t)n;
}

/* What a failed load means, from its errno and what libbpf printed while loading. */
static void explain(int err, char *why, size_t cap)
{
	const char *refused = strstr(log_buf, "-- BEGIN PROG LOAD LOG --");
	const char *end = strstr(log_buf, "-- END PROG LOAD LOG --");
	const char *p, *q;
	size_t at;

	if (!refused)
		refused = end; /* the log's start fell out of what is kept */
	at = append(why, cap, 0, "icmpmon_bpf__load: %s (%d)", strerror(-err), err);
	if (refused) {
		/* libbpf: prog 'NAME': -- BEGIN PROG LOAD LOG -- */
		for (p = NULL, q = log_buf; (q = strstr(q, "prog '")) && q < refused; q++)
			p = q;
		q = p ? strchr(p + 6, '\'') : NULL;
		at = append(why, cap, at, ": the verifier refused program '%.*s'", q ? (int)(q - p - 6) : 1,
			    q ? p + 6 : "?");
	} else if ((err == -EPERM || err == -EACCES) && geteuid() != 0) {
		at = append(why, cap, at, ": not root (BPF maps and programs need CAP_BPF, CAP_NET_ADMIN)");
	} else if (err == -EPERM || err == -EACCES) {
		at = append(why, cap, at, ": refused although root (lockdown, an LSM or seccomp?)");
	}
	if (!log_len)
		return;
	if (!end || end < refused)
		end = log_buf + log_len;
	p = tail_start(end, LOG_TAIL_LINES);
	at = append(why, cap, at, "\n  last lines of %s:\n", refused ? "the verifier log" : "libbpf's output");
	while (p < end) {
		q = memchr(p, '\n', (size_t)(end - p));
		if (!q)
			q = end;
		if (q > p)
			at = append(why, cap, at, "    %.*s\n", (int)(q - p), p);
		p = q + 1;
	}
}

static int size_map(struct bpf_map *m, uint32_t n)
{
	return n ? bpf_map__set_max_entries(m, n) : 0;
}

struct icmpmon_bpf *harness_load(const struct harness_cfg *cfg, char *why, size_t why_len)
{
	libbpf_print_fn_t old;
	struct icmpmon_bpf *skel;
	uint64_t cookie = cfg->cookie;
	int err;

	log_len = 0;
	log_buf[0] = '\0';
	old = libbpf_set_print(capture);
	skel = icmpmon_bpf__open();
	if (!skel) {
		err = -errno;
		libbpf_set_print(old);
		snprintf(why, why_len, "icmpmon_bpf__open: %s\n%s", strerror(-err), log_buf);
		return NULL;
	}
	skel->rodata->run_id = htons(cfg->run_id);
	memcpy((void *)&skel->rodata->run_cookie, &cookie, sizeof(cookie));
	skel->rodata->cookie_len = cfg->cookie_len;
	skel->rodata->consume = cfg->consume;
	err = size_map(skel->maps.icmpmon_targets, cfg->targets);
	if (!err)
		err = size_map(skel->maps.icmpmon_stats, cfg->targets);
	if (!err)
		err = size_map(skel->maps.icmpmon_hists, cfg->targets);
	if (!err)
		err = size_map(skel->maps.icmpmon_probes, cfg->probes);
	if (!err)
		err = size_map(skel->maps.icmpmon_answer, cfg->answers);
	if (!err)
		err = size_map(skel->maps.icmpmon_events, cfg->ringbuf);
	if (err) {
		libbpf_set_print(old);
		snprintf(why, why_len, "sizing the maps: %s", strerror(-err));
		icmpmon_bpf__destroy(skel);
		return NULL;
	}
	err = icmpmon_bpf__load(skel);
	libbpf_set_print(old);
	if (err) {
		explain(err, why, why_len);
		icmpmon_bpf__destroy(skel);
		return NULL;
	}
	return skel;
}

int harness_run(int fd, const void *data, size_t len, uint32_t repeat, uint32_t *retval, uint32_t *duration_ns)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = data, .data_size_in = (uint32_t)len, .repeat = (int)repeat);
	int err;

	opts.retval = 0xdeadbeef;
	err = bpf_prog_test_run_opts(fd, &opts);
	if (retval)
		*retval = opts.retval;
	if (duration_ns)
		*duration_ns = opts.duration;
	return err;
}

int harness_percpu_sum(int map_fd, uint32_t key, uint64_t *sum)
{
	int ncpus = libbpf_num_possible_cpus(), i;
	uint64_t *vals;

	if (ncpus <= 0)
		return ncpus ? ncpus : -EINVAL;
	vals = calloc((size_t)ncpus, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	if (bpf_map_lookup_elem(map_fd, &key, vals)) {
		i = -errno;
		free(vals);
		return i;
	}
	*sum = 0;
	for (i = 0; i < ncpus; i++)
		*sum += vals[i];
	free(vals);
	return 0;
}

unsigned int harness_map_count(int map_fd, size_t key_size)
{
	uint8_t key[64], next[64];
	unsigned int n = 0;
	void *prev = NULL;

	if (key_size > sizeof(key))
		return 0;
	while (!bpf_map_get_next_key(map_fd, prev, next)) {
		memcpy(key, next, key_size);
		prev = key;
		n++;
	}
	return n;
}

int harness_map_clear(int map_fd, size_t key_size)
{
	uint8_t key[64];

	if (key_size > sizeof(key))
		return -EINVAL;
	while (!bpf_map_get_next_key(map_fd, NULL, key))
		if (bpf_map_delete_elem(map_fd, key))
			return -errno;
	return 0;
}
