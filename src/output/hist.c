// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* bcc-style ASCII histogram of a target's RTTs (hist.h). */
#include "bpf/hist.h"
#include "output/hist.h"

#define LABEL_W 12 /* "17179869.184": the widest lower bound */

int hist_row_of_bucket(uint32_t idx)
{
	if (idx >= ICMPMON_HIST_BUCKETS)
		idx = ICMPMON_HIST_BUCKETS - 1;
	if (idx < ICMPMON_HIST_SUB)
		return idx < 2 ? 0 : (int)icmpmon_log2(idx);
	return ICMPMON_HIST_SUB_BITS + (int)((idx - ICMPMON_HIST_SUB) / ICMPMON_HIST_SUB);
}

uint64_t hist_row_lower_ns(int r)
{
	if (r <= 0)
		return 0;
	return (1ULL << ICMPMON_HIST_UNIT_SHIFT) << r;
}

uint64_t hist_fold(const struct target_hists *h, uint64_t rows[HIST_ROWS])
{
	uint64_t total = 0;
	int r;

	for (r = 0; r < HIST_ROWS; r++)
		rows[r] = 0;
	for (uint32_t i = 0; i < ICMPMON_HIST_BUCKETS; i++) {
		rows[hist_row_of_bucket(i)] += h->hist[i];
		total += h->hist[i];
	}
	return total;
}

static void us_label(char *buf, size_t len, uint64_t ns)
{
	snprintf(buf, len, "%llu.%03llu", (unsigned long long)(ns / 1000), (unsigned long long)(ns % 1000));
}

static void stars(FILE *f, uint64_t v, uint64_t max)
{
	int n = max ? (int)(v * HIST_STARS / max) : 0, i;

	for (i = 0; i < HIST_STARS; i++)
		fputc(i < n ? '*' : ' ', f);
}

void hist_print(FILE *f, const struct target_hists *h)
{
	uint64_t rows[HIST_ROWS], max = 0;
	int first = -1, last = -1, r;
	char lo[32], hi[32];

	hist_fold(h, rows);
	for (r = 0; r < HIST_ROWS; r++) {
		if (!rows[r])
			continue;
		if (first < 0)
			first = r;
		last = r;
		if (rows[r] > max)
			max = rows[r];
	}
	if (first < 0)
		return;
	fprintf(f, "%*s%-*s : count    distribution\n", LABEL_W - 5, "", LABEL_W + 4 + 5, "usecs");
	for (r = first; r <= last; r++) {
		us_label(lo, sizeof(lo), hist_row_lower_ns(r));
		if (r == HIST_ROWS - 1)
			snprintf(hi, sizeof(hi), "inf");
		else
			us_label(hi, sizeof(hi), hist_row_lower_ns(r + 1) - 1);
		fprintf(f, "%*s -> %-*s : %-8llu |", LABEL_W, lo, LABEL_W, hi, (unsigned long long)rows[r]);
		stars(f, rows[r], max);
		fputs("|\n", f);
	}
}
