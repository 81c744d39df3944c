/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Would the host have taken this packet? Checks for packets already known
 * to be ours (our ICMP id), so that everything else pays nothing: the
 * Internet checksums and the link-layer destination (MAC, VLAN tags).
 */
#ifndef ICMPMON_VALIDATE_BPF_H
#define ICMPMON_VALIDATE_BPF_H

#include "parse.bpf.h"

#define VLAN_VID_MASK_ 0x0fff
#define CSUM_MAX_LEN 2048 /* longer ICMP messages are not checksummed (see docs/threat-model.md) */

enum csum_result { CSUM_BAD = 0, CSUM_OK, CSUM_UNCHECKED };

static __always_inline __u16 csum_fold64(__u64 sum)
{
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

/*
 * The ones'-complement sum of len bytes at p plus seed, folded to 16 bits
 * (in host byte order, which folding makes irrelevant: a valid message sums
 * to 0xffff either way). CSUM_UNCHECKED when the bytes are not all between
 * p and end (a non-linear skb) or len exceeds CSUM_MAX_LEN.
 */
static __always_inline enum csum_result csum_check(void *p, void *end, __u32 len, __u64 seed)
{
	__u64 sum = seed;
	__u32 i, j, left = len;
	void *q;

	if (len > CSUM_MAX_LEN)
		return CSUM_UNCHECKED;
	for (i = 0; i < CSUM_MAX_LEN / 64; i++) {
		if (left < 64)
			break;
		q = p + 64;
		barrier_var(q); /* else clang compares end + 1 with p + 63, which the verifier refuses */
		if (q > end)
			return CSUM_UNCHECKED;
#pragma unroll
		for (j = 0; j < 16; j++)
			sum += ((__u32 *)p)[j];
		p = q;
		left -= 64;
	}
	for (i = 0; i < 15; i++) {
		if (left < 4)
			break;
		q = p + 4;
		barrier_var(q);
		if (q > end)
			return CSUM_UNCHECKED;
		sum += *(__u32 *)p;
		p = q;
		left -= 4;
	}
	if (left >= 2) {
		q = p + 2;
		barrier_var(q);
		if (q > end)
			return CSUM_UNCHECKED;
		sum += *(__u16 *)p;
		p = q;
		left -= 2;
	}
	if (left) {
		q = p + 1;
		barrier_var(q);
		if (q > end)
			return CSUM_UNCHECKED;
		sum += *(__u8 *)p; /* the odd byte is the high half of a network-order word */
	}
	return csum_fold64(sum) == 0xffff ? CSUM_OK : CSUM_BAD;
}

/* ICMPv6 covers a pseudo-header: both addresses, the length and the next header. */
static __always_inline __u64 icmp6_pseudo_sum(const struct l3 *l, __u32 icmp_len)
{
	__u64 sum = 0;
	int i;

#pragma unroll
	for (i = 0; i < 4; i++)
		sum += (__u64)l->saddr[i] + l->daddr[i];
	return sum + bpf_htonl(icmp_len) + bpf_htonl(IPPROTO_ICMPV6_);
}

/*
 * Checksums run in global functions, verified once on their own: inlined
 * into every parse path their loops would multiply the verifier's states.
 * off: where the checksummed bytes start, from the packet's first byte.
 */
__noinline int csum_xdp(struct xdp_md *ctx, __u32 off, __u32 len, __u64 seed)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;

	if (!ctx || off > 512)
		return CSUM_UNCHECKED;
	return csum_check(data + off, end, len, seed);
}

__noinline int csum_skb(struct __sk_buff *skb, __u32 off, __u32 len, __u64 seed)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;

	if (!skb || off > 512)
		return CSUM_UNCHECKED;
	return csum_check(data + off, end, len, seed);
}

static __always_inline int csum_at(void *ctx, const int xdp, __u32 off, __u32 len, __u64 seed)
{
	return xdp ? csum_xdp(ctx, off, len, seed) : csum_skb(ctx, off, len, seed);
}

/*
 * The IPv4 header checksum (always), and the ICMP checksum of an
 * unfragmented datagram when the program can see all of it.
 */
static __always_inline int csums_ok(void *ctx, const int xdp, __u32 l3_off, const struct l3 *l)
{
	__u32 icmp_len = l->total_len - l->hdr_len;

	if (l->family == 2 && csum_at(ctx, xdp, l3_off, l->hdr_len, 0) != CSUM_OK)
		return 0;
	if (l->fragment)
		return 1; /* the ICMP checksum covers the reassembled datagram */
	return csum_at(ctx, xdp, l3_off + l->hdr_len, icmp_len, l->family == 2 ? 0 : icmp6_pseudo_sum(l, icmp_len)) !=
	       CSUM_BAD;
}

struct ifmac {
	__u8 addr[6];
	__u8 pad[2];
};

/*
 * Would the interface take the frame for this host: a tagged frame only
 * with VLAN id 0 (priority tags; any other id belongs to a VLAN device, not
 * to this interface), a unicast destination only when it is the interface's
 * address (mac: NULL when unknown, e.g. not Ethernet).
 */
static __always_inline int frame_for_us(void *data, void *end, __u32 l3_off, const struct ifmac *mac)
{
	struct ethhdr *eth = data;
	struct vlan_tag *tag;
	int i;

	if ((void *)(eth + 1) > end)
		return 0;
#pragma unroll
	for (i = 0; i < MAX_VLAN_TAGS; i++) {
		if (sizeof(*eth) + (i + 1) * sizeof(*tag) > l3_off)
			break;
		tag = data + sizeof(*eth) + i * sizeof(*tag);
		if ((void *)(tag + 1) > end)
			return 0;
		if (tag->tci & bpf_htons(VLAN_VID_MASK_))
			return 0;
	}
	if (!mac || (eth->h_dest[0] & 1)) /* broadcast and multicast are taken */
		return 1;
	return eth->h_dest[0] == mac->addr[0] && eth->h_dest[1] == mac->addr[1] && eth->h_dest[2] == mac->addr[2] &&
	       eth->h_dest[3] == mac->addr[3] && eth->h_dest[4] == mac->addr[4] && eth->h_dest[5] == mac->addr[5];
}

#endif /* ICMPMON_VALIDATE_BPF_H */
