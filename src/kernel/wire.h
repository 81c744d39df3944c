/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The wire-nearest transmit stamp (bpf/wire.bpf.c): a tp_btf program at the
 * hand-off to the driver, sharing the outstanding-probe map. Where it cannot
 * load or attach, probes keep their tc egress stamp only.
 */
#ifndef ICMPMON_WIRE_H
#define ICMPMON_WIRE_H

#include <stddef.h>

#include "bpf/icmpmon.h"

struct wire_bpf;
struct bpf_link;

struct wire {
	struct wire_bpf *skel;
	struct bpf_link *link;
};

struct wire_opts {
	__u16 run_id; /* network order */
	__u64 cookie;
	__u32 cookie_len;
	int probes_fd; /* icmpmon_probes of the main object */
	__u32 max_outstanding;
};

/* 0: attached; -1: not, why says so in one line (nothing is left loaded). */
int wire_attach(struct wire *w, const struct wire_opts *o, char *why, size_t whylen);
void wire_detach(struct wire *w);

#endif /* ICMPMON_WIRE_H */
