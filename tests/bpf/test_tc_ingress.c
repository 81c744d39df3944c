// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * icmpmon_tc_in and icmpmon_tcin_l3 (tc ingress, where XDP cannot be used)
 * under BPF_PROG_TEST_RUN: the ingress tables (cases_*.c, run by ingress.c)
 * with consume=0 (TC_ACT_UNSPEC) and consume=1 (TC_ACT_SHOT for what is
 * ours), with cookie_len=0, and icmpmon_tcin_l3 with its own table
 * (cases_l3.c). Needs root.
 */
#include "table.h"

static const struct config cfgs[] = {
	{ .name = "icmpmon_tc_in (consume=0)", .prog = PROG_TC_IN },
	{ .name = "icmpmon_tc_in (consume=1)", .prog = PROG_TC_IN, .consume = 1 },
	{ .name = "icmpmon_tc_in (cookie_len=0, consume=1)", .prog = PROG_TC_IN, .consume = 1, .no_cookie = true },
	{ .name = "icmpmon_tcin_l3 (consume=0)", .prog = PROG_TC_IN, .l3 = true },
	{ .name = "icmpmon_tcin_l3 (consume=1)", .prog = PROG_TC_IN, .consume = 1, .l3 = true },
};

int main(void)
{
	return run_ingress_tables(cfgs, ARRAY_SIZE(cfgs)) ? 1 : 0;
}
