/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * tc filters of icmpmon: each running instance takes one of a few fixed
 * handles at one priority, so concurrent runs coexist and a filter left by a
 * killed run can be found and removed without touching anyone else's.
 */
#ifndef ICMPMON_TC_SLOTS_H
#define ICMPMON_TC_SLOTS_H

#include <bpf/libbpf.h>

#define TC_SLOT_PRIO 0xc1c0
#define TC_SLOT_HANDLE_BASE 0x1c3b0000u
#define TC_SLOT_COUNT 16

/* Attaches prog_fd on the first free slot; returns the slot or -errno. */
int tc_slot_attach(int ifindex, enum bpf_tc_attach_point where, int prog_fd);
void tc_slot_detach(int ifindex, enum bpf_tc_attach_point where, int slot);
/* Removes icmpmon filters whose program no live process holds; returns how many. */
int tc_slot_remove_stale(int ifindex, enum bpf_tc_attach_point where, const char *prog_name);

#endif
