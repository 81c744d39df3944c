/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Header-cursor packet parsing for XDP and tc: each parse_* checks bounds,
 * advances the cursor past its header and returns a pointer to it (NULL when
 * the packet is too short or not of that kind).
 */
#ifndef ICMPMON_PARSE_H
#define ICMPMON_PARSE_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86DD
#define ETH_P_8021Q 0x8100
#define ETH_P_8021AD 0x88A8
#define IPPROTO_ICMP_ 1
#define IP_MF 0x2000
#define IP_OFFMASK 0x1fff
#define ICMP_ECHOREPLY_ 0
#define ICMP_DEST_UNREACH_ 3
#define ICMP_ECHO_ 8
#define ICMP_TIME_EXCEEDED_ 11
#define ICMP_PARAMETERPROB_ 12
#define MAX_VLAN_TAGS 2

struct cursor {
	void *pos;
	void *end;
	__u32 off; /* bytes taken so far, as a scalar (pos - start without pointer arithmetic) */
};

struct vlan_tag {
	__be16 tci;
	__be16 proto;
};

static __always_inline void *cursor_take(struct cursor *c, __u32 len)
{
	void *p = c->pos;

	if (p + len > c->end)
		return NULL;
	c->pos = p + len;
	c->off += len;
	return p;
}

/* Ethernet plus up to two 802.1Q/802.1ad tags; returns the inner EtherType (host order) or 0. */
static __always_inline __u16 parse_eth(struct cursor *c)
{
	struct ethhdr *eth = cursor_take(c, sizeof(*eth));
	struct vlan_tag *tag;
	__u16 proto;
	int i;

	if (!eth)
		return 0;
	proto = bpf_ntohs(eth->h_proto);
#pragma unroll
	for (i = 0; i < MAX_VLAN_TAGS; i++) {
		if (proto != ETH_P_8021Q && proto != ETH_P_8021AD)
			break;
		tag = cursor_take(c, sizeof(*tag));
		if (!tag)
			return 0;
		proto = bpf_ntohs(tag->proto);
	}
	return proto;
}

/* IPv4 header with any valid IHL; NULL for short, bad IHL or lying total length. */
static __always_inline struct iphdr *parse_ipv4(struct cursor *c)
{
	struct iphdr *ip = c->pos;
	__u32 hlen;

	if ((void *)(ip + 1) > c->end)
		return NULL;
	if (ip->version != 4)
		return NULL;
	hlen = ip->ihl * 4;
	if (hlen < sizeof(*ip))
		return NULL;
	if (bpf_ntohs(ip->tot_len) < hlen)
		return NULL;
	if (!cursor_take(c, hlen))
		return NULL;
	return ip;
}

static __always_inline int ipv4_is_fragment(const struct iphdr *ip)
{
	return (ip->frag_off & bpf_htons(IP_MF | IP_OFFMASK)) != 0;
}

static __always_inline int ipv4_is_later_fragment(const struct iphdr *ip)
{
	return (ip->frag_off & bpf_htons(IP_OFFMASK)) != 0;
}

/* Bytes of the datagram after its IPv4 header, as the header states them. */
static __always_inline __u32 ipv4_payload_len(const struct iphdr *ip)
{
	return bpf_ntohs(ip->tot_len) - ip->ihl * 4;
}

#endif /* ICMPMON_PARSE_H */
