// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Open-addressing index from a target address to its slot (addr_index.h). */
#include <stdlib.h>
#include <string.h>

#include "engine/addr_index.h"

#define EMPTY UINT32_MAX

static uint32_t hash_addr(const struct icmpmon_addr *a)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ a->family;
	int i;

	for (i = 0; i < 4; i++) {
		h ^= a->addr[i];
		h *= 0xff51afd7ed558ccdull;
		h ^= h >> 33;
	}
	return (uint32_t)h;
}

int addr_index_init(struct addr_index *ai, uint32_t capacity)
{
	uint32_t size = 16;

	while (size < capacity * 2u && size < (1u << 31))
		size <<= 1;
	ai->slots = malloc((size_t)size * sizeof(*ai->slots));
	if (!ai->slots)
		return -1;
	memset(ai->slots, 0xff, (size_t)size * sizeof(*ai->slots));
	ai->mask = size - 1;
	ai->used = 0;
	return 0;
}

static uint32_t find_slot(const struct addr_index *ai, const struct icmpmon_addr *addr)
{
	uint32_t i = hash_addr(addr) & ai->mask;

	while (ai->slots[i].idx != EMPTY && memcmp(&ai->slots[i].addr, addr, sizeof(*addr)))
		i = (i + 1) & ai->mask;
	return i;
}

uint32_t addr_index_put(struct addr_index *ai, const struct icmpmon_addr *addr, uint32_t idx)
{
	uint32_t i = find_slot(ai, addr);

	if (ai->slots[i].idx == EMPTY) {
		ai->slots[i].addr = *addr;
		ai->slots[i].idx = idx;
		ai->used++;
	}
	return ai->slots[i].idx;
}

uint32_t addr_index_get(const struct addr_index *ai, const struct icmpmon_addr *addr)
{
	return ai->slots[find_slot(ai, addr)].idx;
}

void addr_index_free(struct addr_index *ai)
{
	free(ai->slots);
	ai->slots = NULL;
}
