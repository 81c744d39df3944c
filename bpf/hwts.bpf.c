// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * icmpmon_hwts_probe: asks the driver for a frame's hardware receive timestamp
 * through the XDP metadata kfunc bpf_xdp_metadata_rx_timestamp (kernel 6.3+).
 * Loaded device-bound to one interface by src/kernel/hwts.c only to learn
 * whether the kernel and that driver offer it (--hw-timestamps); it is never
 * attached. On a kernel without the kfunc the call is dead code (weak ksym).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

extern int bpf_xdp_metadata_rx_timestamp(const struct xdp_md *ctx, __u64 *timestamp) __ksym __weak;

__u64 last_hw_ns = 0;

SEC("xdp")
int icmpmon_hwts_probe(struct xdp_md *ctx)
{
	__u64 ts = 0;

	if (bpf_xdp_metadata_rx_timestamp && !bpf_xdp_metadata_rx_timestamp(ctx, &ts))
		last_hw_ns = ts;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
