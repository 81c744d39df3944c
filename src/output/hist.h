/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * --hist: the log-linear RTT histogram (hist.h) folded into power-of-two rows
 * and drawn the way bcc draws its log2 histograms.
 *
 * Row 0 holds [0, 2048) ns (linear buckets 0 and 1); row r >= 1 holds
 * [1024 << r, 1024 << (r + 1)) ns: linear buckets 2^r .. 2^(r+1)-1 for r < 4,
 * all 16 sub-buckets of octave r - 4 from r = 4 on. The last row also takes
 * what the last bucket takes: everything above the histogram's range.
 */
#ifndef ICMPMON_OUTPUT_HIST_H
#define ICMPMON_OUTPUT_HIST_H

#include <stdint.h>
#include <stdio.h>

#include "bpf/icmpmon.h"

#define HIST_ROWS (ICMPMON_HIST_SUB_BITS + ICMPMON_HIST_OCTAVES) /* 25 */
#define HIST_STARS 40

/* Row of a histogram bucket. */
int hist_row_of_bucket(uint32_t idx);

/* Lowest RTT of row r in ns; hist_row_lower_ns(r + 1) - 1 is its highest (the last row has none). */
uint64_t hist_row_lower_ns(int r);

/* rows[r] = sum of the buckets of row r (first replies only, as the histogram). Returns the total. */
uint64_t hist_fold(const struct target_hists *h, uint64_t rows[HIST_ROWS]);

/*
 * Prints the rows from the first non-empty one to the last, bounds in
 * microseconds (exact: three decimals are whole nanoseconds), nothing when the
 * histogram is empty:
 *
 *        usecs                 : count    distribution
 *       16.384 -> 32.767       : 12       |****************************************|
 *       32.768 -> 65.535       : 3        |**********                              |
 */
void hist_print(FILE *f, const struct target_hists *h);

#endif /* ICMPMON_OUTPUT_HIST_H */
