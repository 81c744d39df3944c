// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * icmpmon_wire (tp_btf/net_dev_start_xmit): the last software point before the
 * driver takes a packet, after the qdisc. An echo request of this run that
 * tc egress stamped gets t_wire_ns beside t_tx_ns in the outstanding-probe map
 * (shared with bpf/icmpmon.bpf.c: the loader hands this object that map's fd),
 * so the RTT can start after the host's own transmit queue.
 *
 * It runs for every packet the host transmits on any device: a packet that is
 * not IPv4/IPv6 ICMP leaves after the protocol check and one header byte,
 * read through bpf_rdonly_cast (inlined by the verifier: plain loads, no helper
 * call). A packet that passes several devices (VLAN, bond) is stamped by each;
 * the last, nearest the wire, wins.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "icmpmon.h"

#define ETH_P_IP_ 0x0800
#define ETH_P_IPV6_ 0x86DD
#define IPPROTO_ICMP_ 1
#define IPPROTO_ICMPV6_ 58
#define ICMP_ECHO_ 8
#define ICMPV6_ECHO_REQUEST_ 128
#define IP_OFFSET_ 0x1fff

/* Set by the loader before load, as for bpf/icmpmon.bpf.c. */
const volatile __u16 run_id = 0;
const volatile __u64 run_cookie = 0;
const volatile __u32 cookie_len = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, struct probe_key);
	__type(value, struct probe_val);
} icmpmon_probes SEC(".maps");

extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym;

#define CAST(p, type) ((type *)bpf_rdonly_cast((p), bpf_core_type_id_kernel(type)))

/*
 * The ICMP header at l4 is our echo request (id, cookie) with room for it in
 * the linear data: key gets its id and sequence.
 */
static __always_inline int our_request(const struct sk_buff *skb, unsigned char *l4, __u8 type,
				       struct probe_key *key)
{
	struct icmphdr *icmp = CAST(l4, struct icmphdr);
	__u32 need = sizeof(struct icmphdr) + cookie_len;
	__u64 got = 0;

	if (icmp->type != type || icmp->un.echo.id != run_id)
		return 0;
	if ((__u64)(l4 - skb->data) + need > skb->len - skb->data_len)
		return 0;
	if (cookie_len) {
		if (bpf_probe_read_kernel(&got, sizeof(got), l4 + sizeof(struct icmphdr)) || got != run_cookie)
			return 0;
	}
	key->id = icmp->un.echo.id;
	key->seq = bpf_ntohs(icmp->un.echo.sequence);
	return 1;
}

static __always_inline void stamp_wire(const struct probe_key *key)
{
	struct probe_val *v = bpf_map_lookup_elem(&icmpmon_probes, key);

	if (v)
		v->t_wire_ns = bpf_ktime_get_ns();
}

static __always_inline void wire_v4(const struct sk_buff *skb, unsigned char *nh)
{
	struct iphdr *ip = CAST(nh, struct iphdr);
	struct probe_key key = {};
	__u32 ihl = ip->ihl * 4;

	if (ihl < sizeof(struct iphdr) || (bpf_ntohs(ip->frag_off) & IP_OFFSET_))
		return;
	if (!our_request(skb, nh + ihl, ICMP_ECHO_, &key))
		return;
	key.target.family = ICMPMON_AF_INET;
	key.target.addr[0] = ip->daddr;
	stamp_wire(&key);
}

/* Only ICMPv6 right after the fixed header: a probe with extension headers keeps its tc stamp. */
static __always_inline void wire_v6(const struct sk_buff *skb, unsigned char *nh)
{
	struct ipv6hdr *ip6 = CAST(nh, struct ipv6hdr);
	struct probe_key key = {};

	if (!our_request(skb, nh + sizeof(struct ipv6hdr), ICMPV6_ECHO_REQUEST_, &key))
		return;
	key.target.family = ICMPMON_AF_INET6;
	key.target.addr[0] = ip6->daddr.in6_u.u6_addr32[0];
	key.target.addr[1] = ip6->daddr.in6_u.u6_addr32[1];
	key.target.addr[2] = ip6->daddr.in6_u.u6_addr32[2];
	key.target.addr[3] = ip6->daddr.in6_u.u6_addr32[3];
	stamp_wire(&key);
}

SEC("tp_btf/net_dev_start_xmit")
int BPF_PROG(icmpmon_wire, const struct sk_buff *skb, const struct net_device *dev)
{
	__u16 proto = skb->protocol;
	unsigned char *nh;

	if (proto == bpf_htons(ETH_P_IP_)) {
		nh = skb->head + skb->network_header;
		if (CAST(nh, struct iphdr)->protocol == IPPROTO_ICMP_)
			wire_v4(skb, nh);
	} else if (proto == bpf_htons(ETH_P_IPV6_)) {
		nh = skb->head + skb->network_header;
		if (CAST(nh, struct ipv6hdr)->nexthdr == IPPROTO_ICMPV6_)
			wire_v6(skb, nh);
	}
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
