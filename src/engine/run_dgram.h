/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A run in --mode dgram (dgram.h): asked for, or taken when the BPF programs
 * cannot be loaded for lack of privilege (--mode auto, the default).
 */
#ifndef ICMPMON_RUN_DGRAM_H
#define ICMPMON_RUN_DGRAM_H

#include <stddef.h>

struct run;

/*
 * After kernel setup failed: 1 when the failure was a refusal to load the
 * programs and --mode auto lets the run go on in dgram mode (the kernel
 * side is undone, the reason kept for run_dgram_start to say), else 0.
 */
int run_dgram_fallback(struct run *r);
/* Opens the datagram sockets and the sender on them; err one line on failure. */
int run_dgram_setup(struct run *r, char *err, size_t errlen);
/* Before the first probe: the identifiers, and the line that says why this mode runs. */
int run_dgram_start(struct run *r, char *err, size_t errlen);
void run_dgram_teardown(struct run *r);

#endif
