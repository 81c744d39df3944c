// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * icmpmon_xdp and icmpmon_xdp_l3 under BPF_PROG_TEST_RUN: the ingress tables
 * (cases_*.c, run by ingress.c) with consume=0 (XDP_PASS) and consume=1
 * (XDP_DROP for what is ours), with cookie_len=0, and icmpmon_xdp_l3 with
 * its own table (cases_l3.c). Needs root.
 */
#include "table.h"

static const struct config cfgs[] = {
	{ .name = "icmpmon_xdp (consume=0)", .prog = PROG_XDP },
	{ .name = "icmpmon_xdp (consume=1)", .prog = PROG_XDP, .consume = 1 },
	{ .name = "icmpmon_xdp (cookie_len=0)", .prog = PROG_XDP, .no_cookie = true },
	{ .name = "icmpmon_xdp (each packet on the next CPU)", .prog = PROG_XDP, .cpu_per_step = true },
	{ .name = "icmpmon_xdp_l3 (consume=0)", .prog = PROG_XDP, .l3 = true },
	{ .name = "icmpmon_xdp_l3 (consume=1)", .prog = PROG_XDP, .consume = 1, .l3 = true },
};

int main(void)
{
	return run_ingress_tables(cfgs, ARRAY_SIZE(cfgs)) ? 1 : 0;
}
