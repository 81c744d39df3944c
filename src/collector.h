/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Kernel receive path, userland half: ring-buffer events and the outstanding-probe sweep. */
#ifndef ICMPMON_COLLECTOR_H
#define ICMPMON_COLLECTOR_H

#include <stdint.h>

struct run;

int collector_open(struct run *r, char *err, size_t errlen);
/* Consumes every event waiting in the ring buffer. */
int collector_consume(struct run *r);
/*
 * Deletes probes older than the timeout from the outstanding map. The delete
 * decides races with the XDP program: whichever deletes the entry owns it.
 * Returns how many probes timed out.
 */
int collector_sweep(struct run *r, uint64_t now_ns);
/* Deletes every probe sent before `before` (CLOCK_MONOTONIC ns), as collector_sweep does; UINT64_MAX: all. */
int collector_expire_before(struct run *r, uint64_t before);
/* Outstanding probes the kernel still waits for. */
uint64_t collector_outstanding(struct run *r);
void collector_close(struct run *r);

#endif
