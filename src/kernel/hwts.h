/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * --hw-timestamps: what one interface offers for hardware timestamps. Receive:
 * the XDP metadata kfunc bpf_xdp_metadata_rx_timestamp (kernel 6.3+, drivers
 * that implement it), found by loading bpf/hwts.bpf.c device-bound to the
 * interface. Both directions: the driver's SO_TIMESTAMPING capabilities
 * (ETHTOOL_GET_TS_INFO: hardware RX and TX, a PTP clock).
 */
#ifndef ICMPMON_HWTS_H
#define ICMPMON_HWTS_H

#include <stddef.h>

struct hwts_caps {
	int kfunc;     /* 1: the kernel and driver accept the rx timestamp kfunc on this interface */
	int nic_rx;    /* SOF_TIMESTAMPING_RX_HARDWARE offered */
	int nic_tx;    /* SOF_TIMESTAMPING_TX_HARDWARE offered */
	int phc_index; /* the interface's PTP clock, -1: none */
	char kfunc_why[128]; /* why the kfunc is not available, when kfunc is 0 */
};

void hwts_probe(int ifindex, const char *ifname, struct hwts_caps *c);
/* One line: "IFACE: hardware timestamps available|unavailable (...)". */
void hwts_describe(const char *ifname, const struct hwts_caps *c, char *buf, size_t len);

#endif /* ICMPMON_HWTS_H */
