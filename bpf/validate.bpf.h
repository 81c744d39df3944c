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
 * Checksums: the bytes are copied (bpf_xdp_load_bytes / bpf_skb_load_bytes)
 * into a per-CPU scratch buffer and summed by bpf_csum_diff, at most 512
 * bytes a call. No loop over packet pointers: such a loop cost the verifier
 * some 30,000 instructions per program, its states differing in every
 * iteration's bounds.
 */
#define CSUM_CHUNK 512 /* bpf_csum_diff's limit per call */

struct csum_buf {
	__u8 b[CSUM_MAX_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct csum_buf);
} icmpmon_csum SEC(".maps");

/*
 * The ones'-complement sum of the len bytes in buf (1 <= len <= CSUM_MAX_LEN,
 * the bytes after them up to a multiple of 4 zeroed) plus seed, folded to 16
 * bits (in host byte order, which folding makes irrelevant: a valid message
 * sums to 0xffff either way).
 */
static __always_inline enum csum_result csum_buf_check(struct csum_buf *buf, __u32 len, __u64 seed)
{
	__u32 words = (len + 3) & ~3U, n;
	__s64 r = 0;
	int i;

#pragma unroll
	for (i = 0; i < CSUM_MAX_LEN / CSUM_CHUNK; i++) {
		if (words <= i * CSUM_CHUNK)
			break;
		n = words - i * CSUM_CHUNK;
		if (n > CSUM_CHUNK)
			n = CSUM_CHUNK;
		r = bpf_csum_diff(NULL, 0, (__be32 *)(buf->b + i * CSUM_CHUNK), n, (__wsum)r);
		if (r < 0)
			return CSUM_UNCHECKED;
	}
	return csum_fold64(seed + (__u32)r) == 0xffff ? CSUM_OK : CSUM_BAD;
}

/* The scratch buffer, the word that will hold byte len - 1 zeroed; NULL when len is 0 or too long. */
static __always_inline struct csum_buf *csum_scratch(__u32 len)
{
	__u32 zero = 0;
	struct csum_buf *buf;

	if (!len || len > CSUM_MAX_LEN)
		return NULL;
	buf = bpf_map_lookup_elem(&icmpmon_csum, &zero);
	if (buf)
		*(__u32 *)(buf->b + ((len - 1) & (CSUM_MAX_LEN - 4))) = 0;
	return buf;
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
 * Checksums run in global functions, verified once on their own, not once
 * per parse path. off: where the checksummed bytes start, from the packet's
 * first byte; bytes the packet does not have leave the sum CSUM_UNCHECKED.
 */
__noinline int csum_xdp(struct xdp_md *ctx, __u32 off, __u32 len, __u64 seed)
{
	struct csum_buf *buf;

	if (!ctx || off > 512)
		return CSUM_UNCHECKED;
	buf = csum_scratch(len);
	barrier_var(len);
	if (!buf || !len || len > CSUM_MAX_LEN || bpf_xdp_load_bytes(ctx, off, buf->b, len))
		return CSUM_UNCHECKED;
	return csum_buf_check(buf, len, seed);
}

__noinline int csum_skb(struct __sk_buff *skb, __u32 off, __u32 len, __u64 seed)
{
	struct csum_buf *buf;

	if (!skb || off > 512)
		return CSUM_UNCHECKED;
	buf = csum_scratch(len);
	barrier_var(len);
	if (!buf || !len || len > CSUM_MAX_LEN || bpf_skb_load_bytes(skb, off, buf->b, len))
		return CSUM_UNCHECKED;
	return csum_buf_check(buf, len, seed);
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
