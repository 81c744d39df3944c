// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* TCX links through bpf_link_create: libbpf 1.1 has no wrapper for them (tcx.h). */
#include <errno.h>
#include <bpf/bpf.h>

#include "kernel/tcx.h"

/* enum bpf_attach_type and the mprog flags of Linux 6.6, absent from older uapi headers. */
#define TCX_INGRESS_ATTACH 46
#define TCX_EGRESS_ATTACH 47
#ifndef BPF_F_BEFORE
#define BPF_F_BEFORE (1U << 3)
#endif

int tcx_attach(int prog_fd, int ifindex, int egress)
{
	/* BPF_F_BEFORE with no relative program: in front of every TCX program already there. */
	LIBBPF_OPTS(bpf_link_create_opts, opts, .flags = BPF_F_BEFORE);
	int fd = bpf_link_create(prog_fd, ifindex,
				 (enum bpf_attach_type)(egress ? TCX_EGRESS_ATTACH : TCX_INGRESS_ATTACH), &opts);

	return fd < 0 ? -errno : fd;
}
