// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* What every output personality decides the same way (common.h). */
#include "sink/common.h"

int run_exit_status(const struct run *r)
{
	const struct config *cfg = r->cfg;
	uint64_t replies = 0;
	int short_of_count = 0;
	uint32_t i;

	for (i = 0; i < r->targets.n; i++) {
		uint64_t received = r->stats[i].received;

		replies += received;
		if (cfg->deadline_s > 0 && cfg->count && received < (uint64_t)cfg->count)
			short_of_count = 1;
	}
	return !replies || short_of_count;
}

int run_has_timing(const struct run *r)
{
	return r->mode != RX_SOCKET || r->cfg->size >= 24;
}
