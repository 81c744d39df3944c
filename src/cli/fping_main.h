/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef ICMPMON_FPING_MAIN_H
#define ICMPMON_FPING_MAIN_H

/*
 * The fping personality ("icmpmon fping ARGS" or icmpmon run as "fping"):
 * argv as fping's, argv[0] the name it calls itself. Returns fping's exit
 * status: 0 all reachable, 1 some unreachable, 2 a name did not resolve,
 * 1 bad arguments (as the fping 5.1 binary), 4 a system call or the setup
 * failed. A link named fping6 is fping -6, as in fping.
 */
int fping_main(int argc, char **argv);

#endif
