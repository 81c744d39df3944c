/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The real icmpmon BPF object under BPF_PROG_TEST_RUN, for the packet tables
 * (tests/bpf) and the kernel-cost bench (bench/prog_cost.c): open, set the
 * run's identity and map sizes as the loader would, load, and say what went
 * wrong when the kernel refuses; run a program on a frame; read the maps.
 */
#ifndef ICMPMON_TEST_BPF_HARNESS_H
#define ICMPMON_TEST_BPF_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include "icmpmon.skel.h"

struct harness_cfg {
	uint16_t run_id;     /* ICMP identifier, host order */
	uint64_t cookie;     /* the payload's first 8 bytes, as they lie in memory */
	uint32_t cookie_len; /* 0: no cookie check */
	uint8_t consume;
	/* max_entries; 0 keeps the object's */
	uint32_t targets;    /* icmpmon_targets, icmpmon_stats and icmpmon_hists */
	uint32_t probes;     /* icmpmon_probes */
	uint32_t answers;    /* icmpmon_answer */
	uint32_t ringbuf;    /* icmpmon_events, bytes */
};

/*
 * Opens, configures and loads the object. On failure returns NULL and writes
 * to why[] what happened: the errno text, the likely cause (the verifier
 * refused a program, not root, ...) and the last lines libbpf printed, which
 * hold the end of the verifier log when there is one.
 */
struct icmpmon_bpf *harness_load(const struct harness_cfg *cfg, char *why, size_t why_len);

/*
 * One BPF_PROG_TEST_RUN of data through program fd, repeated `repeat` times.
 * Returns the syscall's result (0 or a negative errno); the program's return
 * value and the mean ns per run go to *retval and *duration_ns when not NULL.
 */
int harness_run(int fd, const void *data, size_t len, uint32_t repeat, uint32_t *retval, uint32_t *duration_ns);

/* Sum over CPUs of the per-CPU array entry key; 0 or a negative errno. */
int harness_percpu_sum(int map_fd, uint32_t key, uint64_t *sum);

/* Entries of a hash map, counted by walking its keys (key_size at most 64). */
unsigned int harness_map_count(int map_fd, size_t key_size);

/* Deletes every entry; 0 or a negative errno. */
int harness_map_clear(int map_fd, size_t key_size);

#endif /* ICMPMON_TEST_BPF_HARNESS_H */
