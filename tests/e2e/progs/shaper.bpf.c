// SPDX-License-Identifier: GPL-2.0
/* The e2e tests' misbehaving responder: a tc program on the responder's veth
 * (lib.sh: shaper_on), one behaviour per build:
 *   -DDUP_REPLIES          egress: every ICMP/ICMPv6 echo reply leaves twice
 *   -DPASS_FIRST=N         ingress: the first N echo requests pass, later ones are dropped
 *   -DDROP_SEQ_EVERY=M     ingress: echo requests with icmp_seq % M == 0 are dropped
 * Key 0 of the "acted" array counts the replies duplicated or requests
 * dropped, key 1 the echo requests seen. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define CLONE_MARK 0x1c3bd0b1 /* the clone passes untouched */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} acted SEC(".maps");

/* The ICMP type and sequence number of an echo request/reply (IPv4, or IPv6
 * without extension headers); -1 for anything else. */
static __always_inline int echo_of(struct __sk_buff *skb, __u8 *type, __u16 *seq)
{
	__u16 proto;
	__u8 b, off;

	if (bpf_skb_load_bytes(skb, 12, &proto, 2))
		return -1;
	if (proto == bpf_htons(ETH_P_IP)) {
		if (bpf_skb_load_bytes(skb, ETH_HLEN, &b, 1))
			return -1;
		off = ETH_HLEN + (b & 0xf) * 4;
		if (bpf_skb_load_bytes(skb, ETH_HLEN + 9, &b, 1) || b != 1)
			return -1;
	} else if (proto == bpf_htons(ETH_P_IPV6)) {
		off = ETH_HLEN + 40;
		if (bpf_skb_load_bytes(skb, ETH_HLEN + 6, &b, 1) || b != 58)
			return -1;
	} else {
		return -1;
	}
	if (bpf_skb_load_bytes(skb, off, type, 1) || bpf_skb_load_bytes(skb, off + 6, seq, 2))
		return -1;
	*seq = bpf_ntohs(*seq);
	return 0;
}

/* Adds one to key K; returns the value before. */
static __always_inline __u64 count(__u32 k)
{
	__u64 *n = bpf_map_lookup_elem(&acted, &k);

	if (!n)
		return 0;
	return (*n)++; /* tests send a few probes a second: no race to guard against */
}

SEC("tc")
int shaper(struct __sk_buff *skb)
{
	__u16 seq;
	__u8 type;

	if (echo_of(skb, &type, &seq))
		return TC_ACT_OK;
#ifdef DUP_REPLIES
	if ((type == 0 || type == 129) && skb->mark != CLONE_MARK) {
		/* the clone goes out through this same hook: the mark lets it pass */
		skb->mark = CLONE_MARK;
		if (bpf_clone_redirect(skb, skb->ifindex, 0) == 0)
			count(0);
		skb->mark = 0;
	}
#endif
#if defined(PASS_FIRST) || defined(DROP_SEQ_EVERY)
	if (type == 8 || type == 128) {
#ifdef PASS_FIRST
		if (count(1) >= PASS_FIRST) {
#else
		if (seq % DROP_SEQ_EVERY == 0) {
#endif
			count(0);
			return TC_ACT_SHOT;
		}
	}
#endif
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
