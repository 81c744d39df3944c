// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * icmpmon kernel side.
 *   icmpmon_egress (tc egress): stamps each of this run's echo requests with
 *     kernel time in the outstanding-probe map.
 *   icmpmon_xdp / icmpmon_tc_in (XDP, or tc ingress where XDP cannot be used):
 *     match echo replies and ICMP errors to outstanding probes, compute the RTT,
 *     update per-target aggregates and emit one ring-buffer event per reply.
 * Everything that is not ours passes untouched.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "parse.h"
#include "icmpmon.h"
#include "hist.h"

#define TC_ACT_UNSPEC (-1)
#define TC_ACT_SHOT 2
#define RTT_MINMAX_TRIES 8

/* Set by the loader before load. */
const volatile __u16 run_id = 0;     /* ICMP identifier, network order */
const volatile __u64 run_cookie = 0; /* first 8 payload bytes, as on the wire */
const volatile __u32 cookie_len = 0; /* 0 when the payload is shorter than the cookie */
const volatile __u8 consume = 0;     /* drop matched replies instead of passing them */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, struct probe_key);
	__type(value, struct probe_val);
} icmpmon_probes SEC(".maps");

/* Answered probes, kept to recognise duplicates; LRU so it never needs sweeping. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct probe_key);
	__type(value, struct probe_val);
} icmpmon_answer SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, struct icmpmon_addr);
	__type(value, __u32);
} icmpmon_targets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct target_stats);
} icmpmon_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} icmpmon_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, ICMPMON_CNT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} icmpmon_counter SEC(".maps");

static __always_inline void count(__u32 which)
{
	__u64 *v = bpf_map_lookup_elem(&icmpmon_counter, &which);

	if (v)
		*v += 1;
}

static __always_inline void set_min(__u64 *slot, __u64 v)
{
	__u64 old;
	int i;

	for (i = 0; i < RTT_MINMAX_TRIES; i++) {
		old = *(volatile __u64 *)slot;
		if (old && old <= v)
			return;
		if (__sync_val_compare_and_swap(slot, old, v) == old)
			return;
	}
}

static __always_inline void set_max(__u64 *slot, __u64 v)
{
	__u64 old;
	int i;

	for (i = 0; i < RTT_MINMAX_TRIES; i++) {
		old = *(volatile __u64 *)slot;
		if (old >= v)
			return;
		if (__sync_val_compare_and_swap(slot, old, v) == old)
			return;
	}
}

static __always_inline void record_rtt(struct target_stats *s, __u64 rtt_ns, int dup)
{
	__u64 us = rtt_ns / 1000;
	__u32 b;

	if (!rtt_ns)
		rtt_ns = 1; /* 0 means "no sample yet" for rtt_min_ns */
	__sync_fetch_and_add(dup ? &s->duplicates : &s->received, 1);
	__sync_fetch_and_add(&s->rtt_count, 1);
	__sync_fetch_and_add(&s->rtt_sum_ns, rtt_ns);
	__sync_fetch_and_add(&s->rtt_sum_us, us);
	__sync_fetch_and_add(&s->rtt_sum2_us, us * us);
	set_min(&s->rtt_min_ns, rtt_ns);
	set_max(&s->rtt_max_ns, rtt_ns);
	if (dup)
		return;
	b = icmpmon_hist_bucket(rtt_ns);
	if (b < ICMPMON_HIST_BUCKETS)
		__sync_fetch_and_add(&s->hist[b], 1);
}

static __always_inline void emit(__u8 kind, const struct probe_key *key, const struct probe_val *val,
				 __u64 now, __u8 ttl, __u16 icmp_len, __u8 type, __u8 code,
				 const struct icmpmon_addr *from)
{
	struct icmpmon_event *ev;

	ev = bpf_ringbuf_reserve(&icmpmon_events, sizeof(*ev), 0);
	if (!ev) {
		count(ICMPMON_CNT_RB_DROPPED);
		return;
	}
	ev->t_rx_ns = now;
	ev->rtt_ns = now - val->t_tx_ns;
	ev->target_idx = val->target_idx;
	ev->seq = key->seq;
	ev->kind = kind;
	ev->ttl = ttl;
	ev->icmp_len = icmp_len;
	ev->icmp_type = type;
	ev->icmp_code = code;
	ev->from = *from;
	bpf_ringbuf_submit(ev, 0);
}

static __always_inline void addr_v4(struct icmpmon_addr *a, __be32 ip)
{
	a->family = ICMPMON_AF_INET;
	a->addr[0] = ip;
	a->addr[1] = 0;
	a->addr[2] = 0;
	a->addr[3] = 0;
}

/* The payload starts with this run's cookie (or the payload is too short to carry one). */
static __always_inline int cookie_ok(struct cursor *c, __u32 payload_len)
{
	__u64 got;
	void *p;

	if (!cookie_len)
		return 1;
	if (payload_len < ICMPMON_COOKIE_LEN)
		return 0;
	p = cursor_take(c, ICMPMON_COOKIE_LEN);
	if (!p)
		return 0;
	__builtin_memcpy(&got, p, sizeof(got));
	return got == run_cookie;
}

static __always_inline struct target_stats *stats_of(__u32 idx)
{
	return bpf_map_lookup_elem(&icmpmon_stats, &idx);
}

enum verdict { V_PASS, V_OURS };

static __always_inline enum verdict on_echo_reply(struct cursor *c, struct iphdr *ip, struct icmphdr *icmp)
{
	__u32 icmp_len = ipv4_payload_len(ip);
	struct icmpmon_addr from;
	struct probe_key key = {};
	struct probe_val *found, val;
	struct target_stats *s;
	__u64 now;
	__u8 kind;

	if (icmp->un.echo.id != run_id)
		return V_PASS;
	if (!cookie_ok(c, icmp_len - sizeof(*icmp))) {
		count(ICMPMON_CNT_BAD_COOKIE);
		return V_PASS;
	}
	now = bpf_ktime_get_ns();
	addr_v4(&key.target, ip->saddr);
	key.id = icmp->un.echo.id;
	key.seq = bpf_ntohs(icmp->un.echo.sequence);

	kind = ICMPMON_EV_REPLY;
	found = bpf_map_lookup_elem(&icmpmon_probes, &key);
	if (found) {
		val = *found;
		/* Deleting decides the race with the userland sweeper and other CPUs. */
		if (bpf_map_delete_elem(&icmpmon_probes, &key))
			found = NULL;
		else
			bpf_map_update_elem(&icmpmon_answer, &key, &val, BPF_ANY);
	}
	if (!found) {
		found = bpf_map_lookup_elem(&icmpmon_answer, &key);
		if (!found) {
			count(ICMPMON_CNT_UNMATCHED);
			return V_PASS;
		}
		val = *found;
		kind = ICMPMON_EV_DUP;
	}
	s = stats_of(val.target_idx);
	if (s)
		record_rtt(s, now - val.t_tx_ns, kind == ICMPMON_EV_DUP);
	from = key.target;
	emit(kind, &key, &val, now, ip->ttl, ipv4_is_fragment(ip) ? 0 : icmp_len, ICMP_ECHOREPLY_, 0, &from);
	return V_OURS;
}

static __always_inline __u32 error_kind(__u8 type)
{
	switch (type) {
	case ICMP_DEST_UNREACH_:
		return ICMPMON_ERR_UNREACH;
	case ICMP_TIME_EXCEEDED_:
		return ICMPMON_ERR_TIME_EXCEEDED;
	case ICMP_PARAMETERPROB_:
		return ICMPMON_ERR_PARAM_PROBLEM;
	}
	return ICMPMON_ERR_OTHER;
}

/* An ICMP error quoting one of our echo requests: the probe failed, it is not a reply. */
static __always_inline enum verdict on_error(struct cursor *c, struct iphdr *ip, struct icmphdr *icmp)
{
	struct icmpmon_addr from;
	struct probe_key key = {};
	struct probe_val *found, val;
	struct target_stats *s;
	struct icmphdr *qicmp;
	struct iphdr *qip;
	__u32 kind;

	qip = parse_ipv4(c);
	if (!qip || qip->protocol != IPPROTO_ICMP_ || ipv4_is_later_fragment(qip))
		return V_PASS;
	qicmp = cursor_take(c, sizeof(*qicmp));
	if (!qicmp || qicmp->type != ICMP_ECHO_)
		return V_PASS;
	if (qicmp->un.echo.id != run_id) {
		count(ICMPMON_CNT_FOREIGN_ERROR);
		return V_PASS;
	}
	addr_v4(&key.target, qip->daddr);
	key.id = qicmp->un.echo.id;
	key.seq = bpf_ntohs(qicmp->un.echo.sequence);
	found = bpf_map_lookup_elem(&icmpmon_probes, &key);
	if (!found) {
		count(ICMPMON_CNT_FOREIGN_ERROR);
		return V_PASS;
	}
	val = *found;
	if (bpf_map_delete_elem(&icmpmon_probes, &key))
		return V_PASS;
	kind = error_kind(icmp->type);
	s = stats_of(val.target_idx);
	if (s && kind < ICMPMON_ERR_KINDS)
		__sync_fetch_and_add(&s->errors[kind], 1);
	addr_v4(&from, ip->saddr);
	emit(ICMPMON_EV_ERROR, &key, &val, bpf_ktime_get_ns(), ip->ttl, ipv4_payload_len(ip),
	     icmp->type, icmp->code, &from);
	return V_OURS;
}

/* wire_len: the whole frame's length, data_end may stop short of it (non-linear skb). */
static __always_inline enum verdict classify_ingress(void *data, void *data_end, __u32 wire_len)
{
	struct cursor c = { .pos = data, .end = data_end };
	struct icmphdr *icmp;
	struct iphdr *ip;
	__u32 l3;

	if (parse_eth(&c) != ETH_P_IP)
		return V_PASS;
	l3 = c.off;
	ip = parse_ipv4(&c);
	if (!ip || ip->protocol != IPPROTO_ICMP_ || ipv4_is_later_fragment(ip))
		return V_PASS;
	/* Truncated, or tot_len lies: the stack would drop it, so must we. */
	if (l3 + bpf_ntohs(ip->tot_len) > wire_len)
		return V_PASS;
	icmp = cursor_take(&c, sizeof(*icmp));
	if (!icmp || ipv4_payload_len(ip) < sizeof(*icmp))
		return V_PASS;
	switch (icmp->type) {
	case ICMP_ECHOREPLY_:
		return on_echo_reply(&c, ip, icmp);
	case ICMP_DEST_UNREACH_:
	case ICMP_TIME_EXCEEDED_:
	case ICMP_PARAMETERPROB_:
		return on_error(&c, ip, icmp);
	}
	return V_PASS;
}

SEC("xdp")
int icmpmon_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;

	if (classify_ingress(data, data_end, bpf_xdp_get_buff_len(ctx)) == V_OURS && consume)
		return XDP_DROP;
	return XDP_PASS;
}

#define TC_IN_PULL 256 /* enough for Ethernet, VLANs, IPv4 with options, ICMP and the cookie */

SEC("tc")
int icmpmon_tc_in(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	__u32 linear = (__u32)(data_end - data);

	/* Unlike XDP, tc may see a packet whose headers are not all in the linear part. */
	if (linear < TC_IN_PULL && skb->len > linear) {
		bpf_skb_pull_data(skb, skb->len < TC_IN_PULL ? skb->len : TC_IN_PULL);
		data = (void *)(long)skb->data;
		data_end = (void *)(long)skb->data_end;
	}
	if (classify_ingress(data, data_end, skb->len) == V_OURS && consume)
		return TC_ACT_SHOT;
	return TC_ACT_UNSPEC;
}

/* Egress: an echo request of this run gets its kernel send time. */
SEC("tc")
int icmpmon_egress(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct cursor c = { .pos = data, .end = data_end };
	struct probe_key key = {};
	struct probe_val val = {};
	struct target_stats *s;
	struct icmphdr *icmp;
	struct iphdr *ip;
	__u32 *idx;

	if (parse_eth(&c) != ETH_P_IP)
		return TC_ACT_UNSPEC;
	ip = parse_ipv4(&c);
	if (!ip || ip->protocol != IPPROTO_ICMP_ || ipv4_is_later_fragment(ip))
		return TC_ACT_UNSPEC;
	icmp = cursor_take(&c, sizeof(*icmp));
	if (!icmp || icmp->type != ICMP_ECHO_ || icmp->un.echo.id != run_id ||
	    ipv4_payload_len(ip) < sizeof(*icmp))
		return TC_ACT_UNSPEC;
	if (!cookie_ok(&c, ipv4_payload_len(ip) - sizeof(*icmp)))
		return TC_ACT_UNSPEC;
	addr_v4(&key.target, ip->daddr);
	idx = bpf_map_lookup_elem(&icmpmon_targets, &key.target);
	if (!idx)
		return TC_ACT_UNSPEC;
	key.id = icmp->un.echo.id;
	key.seq = bpf_ntohs(icmp->un.echo.sequence);
	val.t_tx_ns = bpf_ktime_get_ns();
	val.target_idx = *idx;
	if (bpf_map_update_elem(&icmpmon_probes, &key, &val, BPF_ANY))
		count(ICMPMON_CNT_TABLE_FULL);
	s = stats_of(val.target_idx);
	if (s)
		__sync_fetch_and_add(&s->stamped, 1);
	return TC_ACT_UNSPEC;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
