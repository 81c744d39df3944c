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
/*
 * Only UAPI structs are read here (packet headers, xdp_md, __sk_buff), whose
 * layout never changes: without CO-RE relocations libbpf need not read and
 * parse the kernel's BTF at every start.
 */
#define BPF_NO_PRESERVE_ACCESS_INDEX
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
const volatile __u8 emit_events = 1; /* 0: nothing is printed per reply, the aggregates say it all */
/*
 * Reader wake-ups: 0 wakes it for every event. Else an event wakes it only
 * when it is not going to look within a tick by itself (reader_wake_ns, set
 * by userland before it sleeps) and wake_tick_ns passed since the last
 * wake-up, or when wake_bytes are waiting; the reader drains once more a tick
 * after each wake-up, so no event waits longer than about a tick.
 */
const volatile __u64 wake_tick_ns = 0;
const volatile __u64 wake_bytes = 0;

__u64 last_wake_ns = 0;
__u64 reader_wake_ns = ~0ULL; /* CLOCK_MONOTONIC, as bpf_ktime_get_ns(); until set: not looking */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, struct probe_key);
	__type(value, struct probe_val);
} icmpmon_probes SEC(".maps");

/*
 * Answered probes, kept to recognise duplicates; LRU so it never needs
 * sweeping. Per-CPU LRU lists: with the common list every insert could take
 * its global lock and rotate it, several microseconds on a cold cache between
 * the reply's stamp and its hand-off to the stack. Lookups still see every
 * CPU's entries. The kernel gives each possible CPU max_entries / CPUs; the
 * loader sizes it so each share holds what the common list held (on up to 4
 * possible CPUs: src/kernel/loader.c).
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(map_flags, BPF_F_NO_COMMON_LRU);
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

/* mmap-able too, but mapped a window at a time (src/engine/hists.c) */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct target_hists);
} icmpmon_hists SEC(".maps");

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

/*
 * The histogram bucket, in a global function: what it returns is not tracked
 * through the call, so the verifier does not follow each of the 64 paths of
 * icmpmon_log2() to its end (it would, the bucket being an array index).
 */
__noinline int hist_bucket(__u64 ns)
{
	return (int)icmpmon_hist_bucket(ns);
}

static __always_inline void record_rtt(struct target_stats *s, struct target_hists *h, __u64 rtt_ns, int dup)
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
	b = (__u32)hist_bucket(rtt_ns);
	if (h && b < ICMPMON_HIST_BUCKETS)
		__sync_fetch_and_add(&h->hist[b], 1);
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

static __always_inline void record_txq(struct target_stats *s, struct target_hists *h, const struct probe_val *v)
{
	__u64 d = v->t_wire_ns > v->t_tx_ns ? v->t_wire_ns - v->t_tx_ns : 0;
	__u32 b;

	if (!v->t_wire_ns)
		return;
	__sync_fetch_and_add(&s->txq_count, 1);
	__sync_fetch_and_add(&s->txq_sum_ns, d);
	set_max(&s->txq_max_ns, d);
	b = (__u32)hist_bucket(d);
	if (h && b < ICMPMON_HIST_BUCKETS)
		__sync_fetch_and_add(&h->txq_hist[b], 1);
}

/*
 * What one reply or ICMP error about a probe of ours says; the parsers fill
 * it, settle() checks it against the probe as it was sent.
 */
struct match {
	struct probe_key key;
	struct icmpmon_addr from; /* the error's sender */
	__u32 dst[4];             /* the packet's IP destination: must be the probe's source */
	__u32 qsrc[4];            /* an error: the quoted datagram's source, must be the probe's source */
	__u32 info;               /* the error's second header word, host order */
	__u16 icmp_len;
	__u8 ttl;
	__u8 type;
	__u8 code;
	__u8 is_error;
	__u8 err_kind;            /* enum icmpmon_err_kind */
	__u8 quote_ok;            /* an error: the quote has no IPv4 options and our cookie when it reaches it */
};

/*
 * Where a received packet lies and what the hook knows about its link layer;
 * scalars only, so it can go through the global functions.
 */
struct rx {
	__u32 l3_off;  /* the IP header, from the packet's first byte */
	__u32 ifindex; /* XDP: the interface, for its MAC; 0 when the hook checked the MAC itself (tc) */
	__u8 foreign;  /* tc: the stack marked the frame for another host or a VLAN it has no device for */
	__u8 ip_link;  /* no link header (the *_l3 programs) */
	__u8 pad[2];
};

static __always_inline __u64 wake_flag(__u64 now)
{
	if (!wake_tick_ns)
		return 0;
	if (bpf_ringbuf_query(&icmpmon_events, BPF_RB_AVAIL_DATA) >= wake_bytes)
		return BPF_RB_FORCE_WAKEUP;
	if (reader_wake_ns <= now + wake_tick_ns)
		return BPF_RB_NO_WAKEUP;
	if (now - last_wake_ns >= wake_tick_ns) {
		last_wake_ns = now;
		return BPF_RB_FORCE_WAKEUP;
	}
	return BPF_RB_NO_WAKEUP;
}

/*
 * One ring-buffer record: a global function, verified once and not once for
 * each way settle() gets here.
 */
__noinline int emit_event(__u32 kind, const struct match *m, const struct probe_val *val, __u64 now)
{
	struct icmpmon_event *ev;

	if (!m || !val)
		return 0;
	ev = bpf_ringbuf_reserve(&icmpmon_events, sizeof(*ev), 0);
	if (!ev) {
		count(ICMPMON_CNT_RB_DROPPED);
		return 0;
	}
	ev->t_rx_ns = now;
	ev->rtt_ns = now - rtt_start(val);
	ev->target_idx = val->target_idx;
	ev->seq = m->key.seq;
	ev->kind = kind;
	ev->ttl = m->ttl;
	ev->icmp_len = m->icmp_len;
	ev->icmp_type = m->type;
	ev->icmp_code = m->code;
	ev->from = m->is_error ? m->from : m->key.target;
	ev->icmp_info = m->info;
	ev->txq_ns = txq_ns(val);
	bpf_ringbuf_submit(ev, wake_flag(now));
	return 0;
}

static __always_inline void emit(__u8 kind, const struct match *m, const struct probe_val *val, __u64 now)
{
	if (emit_events)
		emit_event(kind, m, val, now);
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

/* Would the host have taken this packet of ours? Counts why not. */
static __always_inline int host_takes(void *ctx, const int xdp, void *data, void *data_end, const struct rx *rx,
				      const struct l3 *l)
{
	const struct ifmac *mac = NULL;

	if (rx->foreign) {
		count(ICMPMON_CNT_NOT_FOR_US);
		return 0;
	}
	if (!rx->ip_link) {
		if (rx->ifindex)
			mac = bpf_map_lookup_elem(&icmpmon_ifmac, &rx->ifindex);
		if (!frame_for_us(data, data_end, rx->l3_off, mac)) {
			count(ICMPMON_CNT_NOT_FOR_US);
			return 0;
		}
	}
	if (!csums_ok(ctx, xdp, rx->l3_off, l)) {
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
static __always_inline int reply_fits(const struct match *m, const struct probe_val *val)
{
	if (!same_addr(val->src, m->dst)) {
		count(ICMPMON_CNT_NOT_FOR_US);
		return 0;
	}
	if (!slot_current(&m->key, val)) {
		count(ICMPMON_CNT_UNMATCHED);
		return 0;
	}
	return 1;
}

/*
 * An ICMP error quoting one of our echo requests, as we sent it. It is
 * counted and reported, but it settles nothing: anyone can send one (the
 * quote is mostly predictable), and the probe's reply may still come, as
 * ping counts it too. The probe only gets ICMPMON_PROBE_ERRORED.
 */
static __always_inline int on_probe_error(struct match *m, struct probe_val *found, __u64 now)
{
	struct probe_val val;
	struct target_stats *s;
	__u32 flags;

	if (!found) {
		count(ICMPMON_CNT_FOREIGN_ERROR);
		return V_PASS;
	}
	val = *found;
	if (!same_addr(val.src, m->dst)) {
		count(ICMPMON_CNT_NOT_FOR_US);
		return V_PASS;
	}
	if (!m->quote_ok || !same_addr(val.src, m->qsrc)) {
		count(ICMPMON_CNT_BAD_QUOTE);
		return V_PASS;
	}
	if (!slot_current(&m->key, &val)) {
		count(ICMPMON_CNT_FOREIGN_ERROR);
		return V_PASS;
	}
	s = stats_of(val.target_idx);
	if (!s)
		return V_PASS;
	if (m->err_kind < ICMPMON_ERR_KINDS)
		__sync_fetch_and_add(&s->errors[m->err_kind], 1);
	flags = __sync_fetch_and_or(&found->flags, ICMPMON_PROBE_ERRORED);
	if (!(flags & ICMPMON_PROBE_ERRORED))
		__sync_fetch_and_add(&s->errored, 1);
	emit(ICMPMON_EV_ERROR, m, &val, now);
	return V_OURS;
}

/*
 * A reply's or duplicate's aggregates: a global function, verified once and
 * not once for each way settle() gets here.
 */
__noinline int record(__u32 kind, const struct probe_val *val, __u64 now)
{
	struct target_hists *h;
	struct target_stats *s;
	__u32 idx;

	if (!val)
		return 0;
	idx = val->target_idx;
	s = stats_of(idx);
	if (!s)
		return 0;
	h = bpf_map_lookup_elem(&icmpmon_hists, &idx);
	if (kind == ICMPMON_EV_REPLY && (val->flags & ICMPMON_PROBE_ERRORED))
		__sync_fetch_and_add(&s->errored_replied, 1);
	record_rtt(s, h, now - rtt_start(val), kind == ICMPMON_EV_DUP);
	if (kind == ICMPMON_EV_REPLY)
		record_txq(s, h, val);
	return 0;
}

/*
 * Settles the probe a reply is about (the outstanding-probe map, the
 * aggregates, the event), or notes an error about it. A global function, so
 * the verifier checks it once, not once for every way the headers before it
 * can be laid out.
 */
__noinline int settle(struct match *m)
{
	struct probe_val *found, val;
	__u64 now = bpf_ktime_get_ns();
	__u8 kind;

	if (!m)
		return V_PASS;
	found = bpf_map_lookup_elem(&icmpmon_probes, &m->key);
	if (m->is_error)
		return on_probe_error(m, found, now);
	kind = ICMPMON_EV_REPLY;
	if (found) {
		val = *found;
		if (!reply_fits(m, &val))
			return V_PASS;
		/* Deleting decides the race with the userland sweeper and other CPUs. */
		if (bpf_map_delete_elem(&icmpmon_probes, &m->key))
			found = NULL;
		else
			bpf_map_update_elem(&icmpmon_answer, &m->key, &val, BPF_ANY);
	}
	if (!found) {
		found = bpf_map_lookup_elem(&icmpmon_answer, &m->key);
		if (!found) {
			count(ICMPMON_CNT_UNMATCHED);
			return V_PASS;
		}
		val = *found;
		if (!reply_fits(m, &val))
			return V_PASS;
		kind = ICMPMON_EV_DUP;
	}
	record(kind, &val, now);
	emit(kind, m, &val, now);
	return V_OURS;
}

/* An echo reply with our id: 1 when it may answer a probe of ours, m (zeroed) then says what it is. */
static __always_inline int on_echo_reply(struct cursor *c, const struct l3 *l, struct icmphdr *icmp, struct match *m)
{
	__u32 len = icmp_bytes(l);

	if (icmp->un.echo.id != run_id)
		return 0;
	if (!cookie_ok(c, len - sizeof(*icmp))) {
		count(ICMPMON_CNT_BAD_COOKIE);
		return 0;
	}
	addr_set(&m->key.target, l->family, l->saddr);
	__builtin_memcpy(m->dst, l->daddr, sizeof(m->dst));
	m->key.id = icmp->un.echo.id;
	m->key.seq = bpf_ntohs(icmp->un.echo.sequence);
	m->ttl = l->ttl;
	m->icmp_len = l->fragment ? 0 : len;
	m->type = icmp->type;
	return 1;
}

static __always_inline __u8 echo_request_type(__u32 family)
{
	return family == ICMPMON_AF_INET6 ? ICMPV6_ECHO_REQUEST_ : ICMP_ECHO_;
}

#define QUOTE_MAX_OFF 1024 /* where the quoted header can start: past link, IP and extension headers */

/*
 * The quote is of the probe as we sent it: without IP options (we send
 * none), and with our cookie when it quotes that far (RFC 792 asks for 8
 * bytes after the IP header only, so it may not). Its source is checked
 * against the probe's in settle().
 */
static __always_inline int quote_fits(struct cursor *c, const struct l3 *l, const struct l3 *q)
{
	__u32 quoted = icmp_bytes(l) - sizeof(struct icmphdr) - q->hdr_len - sizeof(struct icmphdr);

	if (q->family == ICMPMON_AF_INET && q->hdr_len != sizeof(struct iphdr))
		return 0;
	if (quoted < ICMPMON_COOKIE_LEN)
		return 1;
	return cookie_ok(c, quoted);
}

/*
 * An ICMP error quoting one of our echo requests: the probe may have failed,
 * it is not a reply. 1 when it quotes our id; m (zeroed) then holds the
 * error's fields and what the quote says. The quoted datagram starts at c.
 * Inlined into the global functions below, so the quoted headers are
 * checked once per context type, not once per layout of the outer ones.
 */
static __always_inline int on_error(struct cursor *c, const struct l3 *l, struct icmphdr *icmp, struct match *m)
{
	struct icmphdr *qicmp;
	struct l3 q;

	if (parse_l3(c, l->family == ICMPMON_AF_INET6 ? ETH_P_IPV6 : ETH_P_IP, &q) || q.family != l->family ||
	    !l3_is_icmp(&q) || q.later_fragment)
		return 0;
	qicmp = cursor_take(c, sizeof(*qicmp));
	if (!qicmp || qicmp->type != echo_request_type(q.family))
		return 0;
	if (qicmp->un.echo.id != run_id || icmp_bytes(l) < 2 * sizeof(*qicmp) + q.hdr_len) {
		count(ICMPMON_CNT_FOREIGN_ERROR);
		return 0;
	}
	addr_set(&m->key.target, q.family, q.daddr);
	m->key.id = qicmp->un.echo.id;
	m->key.seq = bpf_ntohs(qicmp->un.echo.sequence);
	__builtin_memcpy(m->qsrc, q.saddr, sizeof(m->qsrc));
	m->quote_ok = quote_fits(c, l, &q);
	addr_set(&m->from, l->family, l->saddr);
	__builtin_memcpy(m->dst, l->daddr, sizeof(m->dst));
	m->is_error = 1;
	m->err_kind = (__u8)icmpmon_error_kind(l->family, icmp->type);
	m->ttl = l->ttl;
	m->icmp_len = (__u16)icmp_bytes(l);
	m->type = icmp->type;
	m->code = icmp->code;
	m->info = bpf_ntohl(icmp->un.gateway);
	return 1;
}

static __always_inline int is_error_type(__u32 family, __u8 type)
{
	if (family == ICMPMON_AF_INET6)
		return type == ICMPV6_DEST_UNREACH_ || type == ICMPV6_PKT_TOOBIG_ || type == ICMPV6_TIME_EXCEED_ ||
		       type == ICMPV6_PARAMPROB_;
	return type == ICMP_DEST_UNREACH_ || type == ICMP_TIME_EXCEEDED_ || type == ICMP_PARAMETERPROB_;
}

/*
 * An echo reply or ICMP error whose header starts at off, after the IP
 * header l describes (at rx->l3_off).
 */
static __always_inline int on_icmp(void *ctx, const int xdp, void *data, void *data_end, __u32 off,
				   const struct l3 *l, const struct rx *rx)
{
	struct cursor c = { .end = data_end, .off = off };
	struct icmphdr *icmp;
	struct match m = {};

	if (!l || !rx || off > QUOTE_MAX_OFF)
		return V_PASS;
	c.pos = data + off;
	icmp = cursor_take(&c, sizeof(*icmp));
	if (!icmp)
		return V_PASS;
	if (icmp->type == (l->family == ICMPMON_AF_INET6 ? ICMPV6_ECHO_REPLY_ : ICMP_ECHOREPLY_)) {
		if (!on_echo_reply(&c, l, icmp, &m))
			return V_PASS;
	} else if (!on_error(&c, l, icmp, &m)) {
		return V_PASS;
	}
	/* Ours by id (and cookie): would the host take it, and what does it say about the probe. */
	if (!host_takes(ctx, xdp, data, data_end, rx, l))
		return V_PASS;
	return settle(&m) == V_OURS ? V_OURS : V_PASS;
}

/*
 * Global functions, one per context type: the verifier checks what follows
 * the IP header once, not once for every link and IP header layout.
 */
__noinline int icmp_xdp(struct xdp_md *ctx, __u32 off, const struct l3 *l, const struct rx *rx)
{
	return on_icmp(ctx, 1, (void *)(long)ctx->data, (void *)(long)ctx->data_end, off, l, rx);
}

__noinline int icmp_skb(struct __sk_buff *ctx, __u32 off, const struct l3 *l, const struct rx *rx)
{
	return on_icmp(ctx, 0, (void *)(long)ctx->data, (void *)(long)ctx->data_end, off, l, rx);
}

/* Where the IP header can start: after Ethernet and up to MAX_VLAN_TAGS tags. */
#define L3_MAX_OFF (sizeof(struct ethhdr) + MAX_VLAN_TAGS * sizeof(struct vlan_tag))

/*
 * From the IP header on (at rx->l3_off). wire_len: the whole frame's length,
 * data_end may stop short of it (non-linear skb).
 */
static __always_inline enum verdict classify_l3(void *ctx, int is_xdp, void *data, void *data_end, __u32 wire_len,
						__u16 ethertype, const struct rx *rx)
{
	struct cursor c = { .end = data_end, .off = rx->l3_off };
	struct icmphdr *icmp;
	struct l3 l;
	__u32 icmp_off;

	c.pos = data + rx->l3_off;
	if (parse_l3(&c, ethertype, &l) || !l3_is_icmp(&l) || l.later_fragment)
		return V_PASS;
	/* Truncated, or the length field lies: the stack would drop it, so must we. */
	if (rx->l3_off + l.total_len > wire_len)
		return V_PASS;
	icmp_off = c.off;
	icmp = cursor_take(&c, sizeof(*icmp));
	if (!icmp || icmp_bytes(&l) < sizeof(*icmp))
		return V_PASS;
	/* What is not ours leaves here, without a call (the flood's echo requests, other probers' replies). */
	if (icmp->type == (l.family == ICMPMON_AF_INET6 ? ICMPV6_ECHO_REPLY_ : ICMP_ECHOREPLY_)) {
		if (icmp->un.echo.id != run_id)
			return V_PASS;
	} else if (!is_error_type(l.family, icmp->type)) {
		return V_PASS;
	}
	if (is_xdp)
		return icmp_xdp(ctx, icmp_off, &l, rx) == V_OURS ? V_OURS : V_PASS;
	return icmp_skb(ctx, icmp_off, &l, rx) == V_OURS ? V_OURS : V_PASS;
}

/*
 * Global functions, one per context type: the verifier checks the IP layer
 * once, with the link header's length unknown, instead of once per link
 * layout (no tag, one, two). rx->l3_off: where the IP header starts.
 */
__noinline int l3_xdp(struct xdp_md *ctx, __u32 ethertype, const struct rx *rx)
{
	void *data, *data_end;

	if (!ctx || !rx || rx->l3_off > L3_MAX_OFF)
		return V_PASS;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	/* Not loaded with xdp.frags, so the frame is always linear: its length is data_end - data. */
	return classify_l3(ctx, 1, data, data_end, (__u32)(data_end - data), (__u16)ethertype, rx);
}

__noinline int l3_skb(struct __sk_buff *ctx, __u32 ethertype, const struct rx *rx)
{
	if (!ctx || !rx || rx->l3_off > L3_MAX_OFF)
		return V_PASS;
	return classify_l3(ctx, 0, (void *)(long)ctx->data, (void *)(long)ctx->data_end, ctx->len, (__u16)ethertype,
			   rx);
}

/* rx: ifindex, foreign and ip_link set by the hook. */
static __always_inline enum verdict classify_ingress(void *ctx, int is_xdp, void *data, void *data_end, struct rx *rx)
{
	struct cursor c = { .pos = data, .end = data_end };
	__u16 ethertype;

	ethertype = parse_link(&c, rx->ip_link);
	if (ethertype != ETH_P_IP && ethertype != ETH_P_IPV6)
		return V_PASS;
	rx->l3_off = c.off;
	if (is_xdp)
		return l3_xdp(ctx, ethertype, rx) == V_OURS ? V_OURS : V_PASS;
	return l3_skb(ctx, ethertype, rx) == V_OURS ? V_OURS : V_PASS;
}

static __always_inline int xdp_verdict(struct xdp_md *ctx, const int ip_link)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct rx rx = { .ifindex = ctx->ingress_ifindex, .ip_link = ip_link };

	if (classify_ingress(ctx, 1, data, data_end, &rx) == V_OURS && consume)
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
	rx.ip_link = ip_link;
	/*
	 * PACKET_OTHERHOST (an L3 device has no link-layer destination: there the
	 * type is no verdict of the stack's); an outer tag the stack took off is
	 * still in vlan_tci
	 */
	rx.foreign = (!ip_link && skb->pkt_type == 3) || (skb->vlan_present && (skb->vlan_tci & VLAN_VID_MASK_));
	if (classify_ingress(skb, 0, data, data_end, &rx) == V_OURS && consume)
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

/*
 * Egress: an echo request of this run gets its kernel send time. A global
 * function from the IP header on (at l3_off), verified once for every link
 * layout, as l3_xdp() and l3_skb() are.
 */
__noinline int stamp_l3(struct __sk_buff *skb, __u32 ethertype, __u32 l3_off)
{
	struct cursor c = { .off = l3_off };
	struct probe_key key = {};
	struct probe_val val = {};
	struct target_stats *s;
	struct icmphdr *icmp;
	struct l3 l;
	__u32 *idx;

	if (!skb || l3_off > L3_MAX_OFF)
		return TC_ACT_UNSPEC;
	c.pos = (void *)(long)skb->data + l3_off;
	c.end = (void *)(long)skb->data_end;
	if (parse_l3(&c, (__u16)ethertype, &l) || !l3_is_icmp(&l) || l.later_fragment)
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

static __always_inline int stamp(struct __sk_buff *skb, const int ip_link)
{
	struct cursor c = { .pos = (void *)(long)skb->data, .end = (void *)(long)skb->data_end };
	__u16 ethertype = parse_link(&c, ip_link);

	if (ethertype == ETH_P_IP || ethertype == ETH_P_IPV6)
		stamp_l3(skb, ethertype, c.off);
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
