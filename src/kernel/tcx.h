/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * tc programs as TCX links (Linux 6.6+): they run before every clsact filter
 * (so a foreign filter returning TC_ACT_OK cannot skip them), ours is put
 * first among the TCX programs, and the kernel detaches a link when the last
 * descriptor of it closes, so a killed run leaves nothing behind.
 */
#ifndef ICMPMON_TCX_H
#define ICMPMON_TCX_H

/* A TCX link of prog_fd on ifindex, egress or ingress; returns its fd or -errno (-EINVAL before 6.6). */
int tcx_attach(int prog_fd, int ifindex, int egress);

#endif
