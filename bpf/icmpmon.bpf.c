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
#include "parse.bpf.h"
#include "validate.bpf.h"
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
const volatile __u8 rtt_from_tc = 0; /* time from tc egress even when the probe has a wire stamp */

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

/* ifindex -> MAC address of each Ethernet interface the loader attached to (XDP has no pkt_type). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, struct ifmac);
} icmpmon_ifmac SEC(".maps");

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

/*
 * The network protocol after the link layer, the cursor past the link header.
 * ip_link: the interface has no link header (tun, WireGuard, ipip, sit); the
 * loader attaches the *_l3 variants of the programs there, so Ethernet
 * interfaces pay nothing for it.
 */
static __always_inline __u16 parse_link(struct cursor *c, const int ip_link)
{
	__u8 *v;

	if (!ip_link)
		return parse_eth(c);
	v = c->pos;
	if ((void *)(v + 1) > c->end)
		return 0;
	if ((*v >> 4) == 4)
		return ETH_P_IP;
	if ((*v >> 4) == 6)
		return ETH_P_IPV6;
	return 0;
}

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
	__sync_fetch_and_add(&s->rtt_first_sum_ns, rtt_ns);
	b = icmpmon_hist_bucket(rtt_ns);
	if (b < ICMPMON_HIST_BUCKETS)
		__sync_fetch_and_add(&s->hist[b], 1);
}

/* Where the round trip starts: the hand-off to the driver, after the host's own queue, when seen. */
static __always_inline __u64 rtt_start(const struct probe_val *v)
{
	return v->t_wire_ns && !rtt_from_tc ? v->t_wire_ns : v->t_tx_ns;
}

/* Host transmit queue delay, saturated to 32 bits; 0 when the probe has no wire stamp. */
static __always_inline __u32 txq_ns(const struct probe_val *v)
{
	__u64 d;

	if (!v->t_wire_ns)
		return 0;
	d = v->t_wire_ns > v->t_tx_ns ? v->t_wire_ns - v->t_tx_ns : 0;
	if (d >= 0xffffffffULL)
		return 0xffffffff;
	return d ? (__u32)d : 1;
}

static __always_inline void record_txq(struct target_stats *s, const struct probe_val *v)
{
	__u64 d = v->t_wire_ns > v->t_tx_ns ? v->t_wire_ns - v->t_tx_ns : 0;
	__u32 b;

	if (!v->t_wire_ns)
		return;
	__sync_fetch_and_add(&s->txq_count, 1);
	__sync_fetch_and_add(&s->txq_sum_ns, d);
	set_max(&s->txq_max_ns, d);
	b = icmpmon_hist_bucket(d);
	if (b < ICMPMON_HIST_BUCKETS)
		__sync_fetch_and_add(&s->txq_hist[b], 1);
}

static __always_inline void emit(__u8 kind, const struct probe_key *key, const struct probe_val *val,
				 __u64 now, __u8 ttl, __u16 icmp_len, __u8 type, __u8 code,
				 const struct icmpmon_addr *from, __u32 info)
{
	struct icmpmon_event *ev;

	ev = bpf_ringbuf_reserve(&icmpmon_events, sizeof(*ev), 0);
	if (!ev) {
		count(ICMPMON_CNT_RB_DROPPED);
		return;
	}
	ev->t_rx_ns = now;
	ev->rtt_ns = now - rtt_start(val);
	ev->target_idx = val->target_idx;
	ev->seq = key->seq;
	ev->kind = kind;
	ev->ttl = ttl;
	ev->icmp_len = icmp_len;
	ev->icmp_type = type;
	ev->icmp_code = code;
	ev->from = *from;
	ev->icmp_info = info;
	ev->txq_ns = txq_ns(val);
	bpf_ringbuf_submit(ev, 0);
}

static __always_inline void addr_set(struct icmpmon_addr *a, __u32 family, const __u32 *words)
{
	a->family = family;
	a->addr[0] = words[0];
	a->addr[1] = words[1];
	a->addr[2] = words[2];
	a->addr[3] = words[3];
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

/* ICMP bytes the datagram carries (ICMP header + data). */
static __always_inline __u32 icmp_bytes(const struct l3 *l)
{
	return l->total_len - l->hdr_len;
}

enum verdict { V_PASS, V_OURS };

/* Where a received packet lies, and what the hook knows about its link layer. */
struct rx {
	void *ctx;     /* struct xdp_md or struct __sk_buff */
	void *data;
	void *end;
	void *l3;      /* the IP header */
	__u32 l3_off;
	__u32 ifindex; /* XDP: the interface, for its MAC; 0 when the hook checked the MAC itself (tc) */
	__u8 foreign;  /* tc: the stack marked the frame for another host or a VLAN it has no device for */
};

/* Would the host have taken this packet of ours? Counts why not. */
static __always_inline int host_takes(const struct rx *rx, const struct l3 *l, const int ip_link, const int xdp)
{
	const struct ifmac *mac = NULL;

	if (rx->foreign) {
		count(ICMPMON_CNT_NOT_FOR_US);
		return 0;
	}
	if (!ip_link) {
		if (rx->ifindex)
			mac = bpf_map_lookup_elem(&icmpmon_ifmac, &rx->ifindex);
		if (!frame_for_us(rx->data, rx->end, rx->l3_off, mac)) {
			count(ICMPMON_CNT_NOT_FOR_US);
			return 0;
		}
	}
	if (!csums_ok(rx->ctx, xdp, rx->l3_off, l)) {
		count(ICMPMON_CNT_BAD_CSUM);
		return 0;
	}
	return 1;
}

static __always_inline int same_addr(const __u32 *a, const __u32 *b)
{
	return a[0] == b[0] && a[1] == b[1] && a[2] == b[2] && a[3] == b[3];
}

/*
 * The probe's slot still belongs to its target: a reload may have removed
 * the target and given the slot to another, whose counters must never get
 * the old target's late replies, duplicates or errors.
 */
static __always_inline int slot_current(const struct probe_key *key, const struct probe_val *val)
{
	__u32 *idx = bpf_map_lookup_elem(&icmpmon_targets, &key->target);

	return idx && *idx == val->target_idx;
}

/* A reply to val's probe: sent to the probe's source, for a target that still holds the slot. */
static __always_inline int reply_fits(const struct probe_key *key, const struct probe_val *val, const struct l3 *l)
{
	if (!same_addr(val->src, l->daddr)) {
		count(ICMPMON_CNT_NOT_FOR_US);
		return 0;
	}
	if (!slot_current(key, val)) {
		count(ICMPMON_CNT_UNMATCHED);
		return 0;
	}
	return 1;
}

static __always_inline enum verdict on_echo_reply(struct cursor *c, const struct rx *rx, const struct l3 *l,
						  struct icmphdr *icmp, const int ip_link, const int xdp)
{
	__u32 len = icmp_bytes(l);
	struct probe_key key = {};
	struct probe_val *found, val;
	struct target_stats *s;
	__u64 now;
	__u8 kind;

	if (icmp->un.echo.id != run_id)
		return V_PASS;
	if (!cookie_ok(c, len - sizeof(*icmp))) {
		count(ICMPMON_CNT_BAD_COOKIE);
		return V_PASS;
	}
	if (!host_takes(rx, l, ip_link, xdp))
		return V_PASS;
	now = bpf_ktime_get_ns();
	addr_set(&key.target, l->family, l->saddr);
	key.id = icmp->un.echo.id;
	key.seq = bpf_ntohs(icmp->un.echo.sequence);

	kind = ICMPMON_EV_REPLY;
	found = bpf_map_lookup_elem(&icmpmon_probes, &key);
	if (found) {
		val = *found;
		if (!reply_fits(&key, &val, l))
			return V_PASS;
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
		if (!reply_fits(&key, &val, l))
			return V_PASS;
		kind = ICMPMON_EV_DUP;
	}
	s = stats_of(val.target_idx);
	if (s && kind == ICMPMON_EV_REPLY && (val.flags & ICMPMON_PROBE_ERRORED))
		__sync_fetch_and_add(&s->errored_replied, 1);
	if (s) {
		record_rtt(s, now - rtt_start(&val), kind == ICMPMON_EV_DUP);
		if (kind == ICMPMON_EV_REPLY)
			record_txq(s, &val);
	}
	emit(kind, &key, &val, now, l->ttl, l->fragment ? 0 : len, icmp->type, 0, &key.target, 0);
	return V_OURS;
}

static __always_inline __u8 echo_request_type(__u32 family)
{
	return family == ICMPMON_AF_INET6 ? ICMPV6_ECHO_REQUEST_ : ICMP_ECHO_;
}

/*
 * The quote is of the probe as we sent it: from the probe's source, without
 * IP options (we send none), and with our cookie when it quotes that far
 * (RFC 792 asks for 8 bytes after the IP header only, so it may not).
 */
static __always_inline int quote_fits(struct cursor *c, const struct l3 *l, const struct l3 *q,
				       const struct probe_val *val)
{
	__u32 quoted = icmp_bytes(l) - sizeof(struct icmphdr) - q->hdr_len - sizeof(struct icmphdr);

	if (!same_addr(val->src, q->saddr) || (q->family == ICMPMON_AF_INET && q->hdr_len != sizeof(struct iphdr)))
		return 0;
	if (quoted < ICMPMON_COOKIE_LEN)
		return 1;
	return cookie_ok(c, quoted);
}

/*
 * An ICMP error quoting one of our echo requests. It is counted and
 * reported, but it settles nothing: anyone can send one (the quote is
 * mostly predictable), and the probe's reply may still come, as ping counts
 * it too.
 */
static __always_inline enum verdict on_error(struct cursor *c, const struct rx *rx, const struct l3 *l,
					     struct icmphdr *icmp, const int ip_link, const int xdp)
{
	struct icmpmon_addr from;
	struct probe_key key = {};
	struct probe_val *found, val;
	struct target_stats *s;
	struct icmphdr *qicmp;
	struct l3 q;
	__u32 kind, flags;

	if (parse_l3(c, l->family == ICMPMON_AF_INET6 ? ETH_P_IPV6 : ETH_P_IP, &q) || q.family != l->family ||
	    !l3_is_icmp(&q) || q.later_fragment)
		return V_PASS;
	qicmp = cursor_take(c, sizeof(*qicmp));
	if (!qicmp || qicmp->type != echo_request_type(q.family))
		return V_PASS;
	if (qicmp->un.echo.id != run_id || icmp_bytes(l) < 2 * sizeof(*qicmp) + q.hdr_len) {
		count(ICMPMON_CNT_FOREIGN_ERROR);
		return V_PASS;
	}
	if (!host_takes(rx, l, ip_link, xdp))
		return V_PASS;
	addr_set(&key.target, q.family, q.daddr);
	key.id = qicmp->un.echo.id;
	key.seq = bpf_ntohs(qicmp->un.echo.sequence);
	found = bpf_map_lookup_elem(&icmpmon_probes, &key);
	if (!found) {
		count(ICMPMON_CNT_FOREIGN_ERROR);
		return V_PASS;
	}
	val = *found;
	if (!same_addr(val.src, l->daddr)) {
		count(ICMPMON_CNT_NOT_FOR_US);
		return V_PASS;
	}
	if (!quote_fits(c, l, &q, &val)) {
		count(ICMPMON_CNT_BAD_QUOTE);
		return V_PASS;
	}
	if (!slot_current(&key, &val)) {
		count(ICMPMON_CNT_FOREIGN_ERROR);
		return V_PASS;
	}
	kind = icmpmon_error_kind(l->family, icmp->type);
	s = stats_of(val.target_idx);
	if (!s)
		return V_PASS;
	if (kind < ICMPMON_ERR_KINDS)
		__sync_fetch_and_add(&s->errors[kind], 1);
	flags = __sync_fetch_and_or(&found->flags, ICMPMON_PROBE_ERRORED);
	if (!(flags & ICMPMON_PROBE_ERRORED))
		__sync_fetch_and_add(&s->errored, 1);
	addr_set(&from, l->family, l->saddr);
	emit(ICMPMON_EV_ERROR, &key, &val, bpf_ktime_get_ns(), l->ttl, icmp_bytes(l), icmp->type, icmp->code, &from,
	     bpf_ntohl(icmp->un.gateway));
	return V_OURS;
}

static __always_inline int is_error_type(__u32 family, __u8 type)
{
	if (family == ICMPMON_AF_INET6)
		return type == ICMPV6_DEST_UNREACH_ || type == ICMPV6_PKT_TOOBIG_ || type == ICMPV6_TIME_EXCEED_ ||
		       type == ICMPV6_PARAMPROB_;
	return type == ICMP_DEST_UNREACH_ || type == ICMP_TIME_EXCEEDED_ || type == ICMP_PARAMETERPROB_;
}

/*
 * rx: data, end, ifindex and foreign set by the hook. wire_len: the whole
 * frame's length, data_end may stop short of it (non-linear skb).
 */
static __always_inline enum verdict classify_ingress(struct rx *rx, __u32 wire_len, const int ip_link, const int xdp)
{
	struct cursor c = { .pos = rx->data, .end = rx->end };
	struct icmphdr *icmp;
	__u16 ethertype;
	struct l3 l;

	ethertype = parse_link(&c, ip_link);
	rx->l3_off = c.off;
	rx->l3 = c.pos;
	if (parse_l3(&c, ethertype, &l) || !l3_is_icmp(&l) || l.later_fragment)
		return V_PASS;
	/* Truncated, or the length field lies: the stack would drop it, so must we. */
	if (rx->l3_off + l.total_len > wire_len)
		return V_PASS;
	icmp = cursor_take(&c, sizeof(*icmp));
	if (!icmp || icmp_bytes(&l) < sizeof(*icmp))
		return V_PASS;
	if (icmp->type == (l.family == ICMPMON_AF_INET6 ? ICMPV6_ECHO_REPLY_ : ICMP_ECHOREPLY_))
		return on_echo_reply(&c, rx, &l, icmp, ip_link, xdp);
	if (is_error_type(l.family, icmp->type))
		return on_error(&c, rx, &l, icmp, ip_link, xdp);
	return V_PASS;
}

static __always_inline int xdp_verdict(struct xdp_md *ctx, const int ip_link)
{
	struct rx rx = {
		.ctx = ctx,
		.data = (void *)(long)ctx->data,
		.end = (void *)(long)ctx->data_end,
		.ifindex = ctx->ingress_ifindex,
	};

	/* Not loaded with xdp.frags, so the frame is always linear: its length is data_end - data. */
	if (classify_ingress(&rx, (__u32)(rx.end - rx.data), ip_link, 1) == V_OURS && consume)
		return XDP_DROP;
	return XDP_PASS;
}

SEC("xdp")
int icmpmon_xdp(struct xdp_md *ctx)
{
	return xdp_verdict(ctx, 0);
}

SEC("xdp")
int icmpmon_xdp_l3(struct xdp_md *ctx)
{
	return xdp_verdict(ctx, 1);
}

#define TC_IN_PULL 256 /* enough for Ethernet, VLANs, IPv4 with options, ICMP and the cookie */

/* 0 only when the linear headers show a packet that is not ICMP. */
static __always_inline int maybe_icmp(void *data, void *data_end, const int ip_link)
{
	struct cursor c = { .pos = data, .end = data_end };
	struct l3 l;

	if (parse_l3(&c, parse_link(&c, ip_link), &l))
		return 1;
	return l3_is_icmp(&l);
}

static __always_inline int tc_in_verdict(struct __sk_buff *skb, const int ip_link)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	__u32 linear = (__u32)(data_end - data);
	struct rx rx = {};

	/*
	 * Unlike XDP, tc may see a packet whose headers are not all in the linear
	 * part; pull them, but only for what may be ICMP: a big GRO'd TCP packet
	 * whose headers are already linear is not worth a pull.
	 */
	if (linear < TC_IN_PULL && skb->len > linear && maybe_icmp(data, data_end, ip_link)) {
		bpf_skb_pull_data(skb, skb->len < TC_IN_PULL ? skb->len : TC_IN_PULL);
		data = (void *)(long)skb->data;
		data_end = (void *)(long)skb->data_end;
	}
	rx.ctx = skb;
	rx.data = data;
	rx.end = data_end;
	/*
	 * PACKET_OTHERHOST (an L3 device has no link-layer destination: there the
	 * type is no verdict of the stack's); an outer tag the stack took off is
	 * still in vlan_tci
	 */
	rx.foreign = (!ip_link && skb->pkt_type == 3) || (skb->vlan_present && (skb->vlan_tci & VLAN_VID_MASK_));
	if (classify_ingress(&rx, skb->len, ip_link, 0) == V_OURS && consume)
		return TC_ACT_SHOT;
	return TC_ACT_UNSPEC;
}

SEC("tc")
int icmpmon_tc_in(struct __sk_buff *skb)
{
	return tc_in_verdict(skb, 0);
}

SEC("tc")
int icmpmon_tcin_l3(struct __sk_buff *skb)
{
	return tc_in_verdict(skb, 1);
}

/* Egress: an echo request of this run gets its kernel send time. */
static __always_inline int stamp(struct __sk_buff *skb, const int ip_link)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct cursor c = { .pos = data, .end = data_end };
	struct probe_key key = {};
	struct probe_val val = {};
	struct target_stats *s;
	struct icmphdr *icmp;
	struct l3 l;
	__u32 *idx;

	if (parse_l3(&c, parse_link(&c, ip_link), &l) || !l3_is_icmp(&l) || l.later_fragment)
		return TC_ACT_UNSPEC;
	icmp = cursor_take(&c, sizeof(*icmp));
	if (!icmp || icmp->type != echo_request_type(l.family) || icmp->un.echo.id != run_id ||
	    icmp_bytes(&l) < sizeof(*icmp))
		return TC_ACT_UNSPEC;
	if (!cookie_ok(&c, icmp_bytes(&l) - sizeof(*icmp)))
		return TC_ACT_UNSPEC;
	addr_set(&key.target, l.family, l.daddr);
	idx = bpf_map_lookup_elem(&icmpmon_targets, &key.target);
	if (!idx)
		return TC_ACT_UNSPEC;
	key.id = icmp->un.echo.id;
	key.seq = bpf_ntohs(icmp->un.echo.sequence);
	val.t_tx_ns = bpf_ktime_get_ns();
	val.target_idx = *idx;
	__builtin_memcpy(val.src, l.saddr, sizeof(val.src));
	if (bpf_map_update_elem(&icmpmon_probes, &key, &val, BPF_ANY))
		count(ICMPMON_CNT_TABLE_FULL);
	s = stats_of(val.target_idx);
	if (s)
		__sync_fetch_and_add(&s->stamped, 1);
	return TC_ACT_UNSPEC;
}

SEC("tc")
int icmpmon_egress(struct __sk_buff *skb)
{
	return stamp(skb, 0);
}

SEC("tc")
int icmpmon_egr_l3(struct __sk_buff *skb)
{
	return stamp(skb, 1);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
