// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Hardware timestamp capabilities of an interface (hwts.h). */
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/net_tstamp.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "hwts.skel.h"
#include "kernel/hwts.h"

#ifndef BPF_F_XDP_DEV_BOUND_ONLY
#define BPF_F_XDP_DEV_BOUND_ONLY (1U << 6)
#endif

static void nic_caps(const char *ifname, struct hwts_caps *c)
{
	struct ethtool_ts_info info = { .cmd = ETHTOOL_GET_TS_INFO };
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	c->phc_index = -1;
	if (fd < 0)
		return;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)&info;
	if (!ioctl(fd, SIOCETHTOOL, &ifr)) {
		c->nic_rx = !!(info.so_timestamping & SOF_TIMESTAMPING_RX_HARDWARE);
		c->nic_tx = !!(info.so_timestamping & SOF_TIMESTAMPING_TX_HARDWARE);
		c->phc_index = info.phc_index;
	}
	close(fd);
}

/* The weak ksym loads either way: whether the kernel has the kfunc is in its BTF. */
static int kernel_has_kfunc(const char *name)
{
	struct btf *btf = btf__load_vmlinux_btf();
	int found;

	if (!btf)
		return 0;
	found = btf__find_by_name_kind(btf, name, BTF_KIND_FUNC) > 0;
	btf__free(btf);
	return found;
}

/* Device-bound load of the kfunc caller: the verifier asks the driver whether it implements the kfunc. */
static void kfunc_caps(int ifindex, struct hwts_caps *c)
{
	struct hwts_bpf *skel = hwts_bpf__open();
	int rc;

	if (!skel) {
		snprintf(c->kfunc_why, sizeof(c->kfunc_why), "cannot open the probe program: %s", strerror(errno));
		return;
	}
	bpf_program__set_ifindex(skel->progs.icmpmon_hwts_probe, (__u32)ifindex);
	bpf_program__set_flags(skel->progs.icmpmon_hwts_probe, BPF_F_XDP_DEV_BOUND_ONLY);
	rc = hwts_bpf__load(skel);
	if (rc)
		snprintf(c->kfunc_why, sizeof(c->kfunc_why), "the kernel refuses a device-bound XDP program here: %s",
			 strerror(-rc));
	else if (!kernel_has_kfunc("bpf_xdp_metadata_rx_timestamp"))
		snprintf(c->kfunc_why, sizeof(c->kfunc_why), "the kernel has no bpf_xdp_metadata_rx_timestamp (6.3+)");
	else
		c->kfunc = 1;
	hwts_bpf__destroy(skel);
}

void hwts_probe(int ifindex, const char *ifname, struct hwts_caps *c)
{
	memset(c, 0, sizeof(*c));
	nic_caps(ifname, c);
	kfunc_caps(ifindex, c);
}

void hwts_describe(const char *ifname, const struct hwts_caps *c, char *buf, size_t len)
{
	const char *nic = c->nic_rx && c->nic_tx ? "the NIC timestamps both ways"
			  : c->nic_rx ? "the NIC timestamps received packets only"
			  : c->nic_tx ? "the NIC timestamps sent packets only"
				      : "the driver offers software timestamps only";

	snprintf(buf, len, "%s: hardware timestamps %s (%s, PTP clock %d; receive kfunc: %s)", ifname,
		 c->nic_rx && c->nic_tx && c->kfunc ? "available" : "unavailable", nic, c->phc_index,
		 c->kfunc ? "offered" : c->kfunc_why);
}
