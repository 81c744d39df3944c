/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Is a program of icmpmon's left by a killed run, or a live run's? (/proc/PID/fdinfo) */
#ifndef ICMPMON_PROG_HOLDERS_H
#define ICMPMON_PROG_HOLDERS_H

/* Does any process other than this one hold an fd of BPF program prog_id? 1 when it cannot tell. */
int prog_held_elsewhere(unsigned prog_id);

#endif
