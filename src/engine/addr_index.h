/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Address -> target index, open addressing; for dedup and socket-mode lookups. */
#ifndef ICMPMON_ADDR_INDEX_H
#define ICMPMON_ADDR_INDEX_H

#include <stdint.h>

#include "bpf/icmpmon.h"

struct addr_index {
	struct addr_slot {
		struct icmpmon_addr addr;
		uint32_t idx; /* UINT32_MAX = empty */
	} *slots;
	uint32_t mask;
	uint32_t used;
};

int addr_index_init(struct addr_index *ai, uint32_t capacity);
/* Inserts addr -> idx unless present; returns the index stored for addr. */
uint32_t addr_index_put(struct addr_index *ai, const struct icmpmon_addr *addr, uint32_t idx);
/* UINT32_MAX when absent. */
uint32_t addr_index_get(const struct addr_index *ai, const struct icmpmon_addr *addr);
void addr_index_free(struct addr_index *ai);

#endif
