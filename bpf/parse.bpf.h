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
#define IPPROTO_ICMPV6_ 58
#define ICMPV6_DEST_UNREACH_ 1
#define ICMPV6_PKT_TOOBIG_ 2
#define ICMPV6_TIME_EXCEED_ 3
#define ICMPV6_PARAMPROB_ 4
#define ICMPV6_ECHO_REQUEST_ 128
#define ICMPV6_ECHO_REPLY_ 129
#define NEXTHDR_HOP_ 0
#define NEXTHDR_ROUTING_ 43
#define NEXTHDR_FRAGMENT_ 44
#define NEXTHDR_DEST_ 60
#define MAX_IPV6_EXT 4 /* extension headers walked before giving up */
#define IPV6_FRAG_OFFMASK 0xfff8

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

/*
 * The network layer of a packet, whatever its family: addresses as the maps
 * key them, the upper protocol, and the lengths the header claims.
 */
struct l3 {
	__u32 family;      /* ICMPMON_AF_INET or ICMPMON_AF_INET6 */
	__u32 saddr[4];
	__u32 daddr[4];
	__u32 hdr_len;     /* IP header plus IPv6 extension headers */
	__u32 total_len;   /* the datagram as its header states it */
	__u8 proto;
	__u8 ttl;          /* TTL or hop limit */
	__u8 later_fragment;
	__u8 fragment;
};

static __always_inline int l3_from_ipv4(struct cursor *c, struct l3 *l)
{
	struct iphdr *ip = parse_ipv4(c);

	if (!ip)
		return -1;
	l->family = 2;
	l->saddr[0] = ip->saddr;
	l->daddr[0] = ip->daddr;
	l->saddr[1] = l->saddr[2] = l->saddr[3] = 0;
	l->daddr[1] = l->daddr[2] = l->daddr[3] = 0;
	l->hdr_len = ip->ihl * 4;
	l->total_len = bpf_ntohs(ip->tot_len);
	l->proto = ip->protocol;
	l->ttl = ip->ttl;
	l->later_fragment = ipv4_is_later_fragment(ip);
	l->fragment = ipv4_is_fragment(ip);
	return 0;
}

struct ipv6_ext {
	__u8 nexthdr;
	__u8 hdrlen; /* 8-octet units beyond the first 8 (not for the fragment header) */
	__be16 frag_off;
	__be32 rest;
};

/* IPv6 header and a bounded chain of extension headers (hop-by-hop, routing, destination, fragment). */
static __always_inline int l3_from_ipv6(struct cursor *c, struct l3 *l)
{
	struct ipv6hdr *ip6 = cursor_take(c, sizeof(*ip6));
	struct ipv6_ext *ext;
	__u32 ext_len = 0, len;
	__u8 nh;
	int i;

	if (!ip6 || ip6->version != 6)
		return -1;
	__builtin_memcpy(l->saddr, &ip6->saddr, 16);
	__builtin_memcpy(l->daddr, &ip6->daddr, 16);
	l->family = 10;
	l->ttl = ip6->hop_limit;
	l->later_fragment = 0;
	l->fragment = 0;
	nh = ip6->nexthdr;
#pragma unroll
	for (i = 0; i < MAX_IPV6_EXT; i++) {
		if (nh != NEXTHDR_HOP_ && nh != NEXTHDR_ROUTING_ && nh != NEXTHDR_DEST_ && nh != NEXTHDR_FRAGMENT_)
			break;
		ext = cursor_take(c, sizeof(*ext));
		if (!ext)
			return -1;
		len = sizeof(*ext);
		if (nh == NEXTHDR_FRAGMENT_) {
			l->fragment = 1;
			if (ext->frag_off & bpf_htons(IPV6_FRAG_OFFMASK))
				l->later_fragment = 1;
		} else {
			len = (ext->hdrlen + 1) * 8;
			if (len > sizeof(*ext) && !cursor_take(c, len - sizeof(*ext)))
				return -1;
		}
		ext_len += len;
		nh = ext->nexthdr;
	}
	l->proto = nh;
	l->hdr_len = sizeof(*ip6) + ext_len;
	l->total_len = sizeof(*ip6) + bpf_ntohs(ip6->payload_len);
	if (l->total_len < l->hdr_len)
		return -1;
	return 0;
}

/* Parses the network layer after the link layer: returns 0 and fills l, or -1. */
static __always_inline int parse_l3(struct cursor *c, __u16 ethertype, struct l3 *l)
{
	if (ethertype == ETH_P_IP)
		return l3_from_ipv4(c, l);
	if (ethertype == ETH_P_IPV6)
		return l3_from_ipv6(c, l);
	return -1;
}

static __always_inline int l3_is_icmp(const struct l3 *l)
{
	return l->proto == (l->family == 2 ? IPPROTO_ICMP_ : IPPROTO_ICMPV6_);
}

#endif /* ICMPMON_PARSE_H */
