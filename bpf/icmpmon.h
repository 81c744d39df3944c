/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Types shared by the BPF programs and userland: plain __u* fields only. */
#ifndef ICMPMON_H
#define ICMPMON_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define ICMPMON_AF_INET 2   /* AF_INET, spelled out for the BPF side */
#define ICMPMON_AF_INET6 10 /* AF_INET6 */

/* Bytes of payload that carry the run cookie (fewer when -s is smaller). */
#define ICMPMON_COOKIE_LEN 8

/*
 * An address as the maps key it: IPv4 in addr[0] (network order), the
 * other words zero; IPv6 in all four.
 */
struct icmpmon_addr {
	__u32 family;
	__u32 addr[4];
};

/* Outstanding-probe map key: one echo request in flight. */
struct probe_key {
	struct icmpmon_addr target;
	__u16 id;  /* network order, as on the wire */
	__u16 seq; /* host order */
};

/* probe_val.flags */
#define ICMPMON_PROBE_ERRORED 1 /* an ICMP error quoted it; a reply may still come */

struct probe_val {
	__u64 t_tx_ns;     /* bpf_ktime_get_ns() at tc egress, before the qdisc */
	__u32 target_idx;  /* index into the stats array */
	__u32 flags;       /* ICMPMON_PROBE_* */
	__u32 src[4];      /* the probe's source address: a reply must be sent to it, an error quote it */
	__u64 t_wire_ns;   /* at the hand-off to the driver (bpf/wire.bpf.c); 0: not seen there */
};
/* The same layout in bpf/icmpmon.bpf.c, bpf/wire.bpf.c and userland: no hidden padding. */
_Static_assert(sizeof(struct probe_val) == 40 && __builtin_offsetof(struct probe_val, t_wire_ns) % 8 == 0,
	       "struct probe_val: 40 bytes, t_wire_ns 8-byte aligned");

/* Log-linear histogram: unit 1024 ns; 16 linear buckets, then 16 per power of two. */
#define ICMPMON_HIST_UNIT_SHIFT 10
#define ICMPMON_HIST_SUB_BITS 4
#define ICMPMON_HIST_SUB (1 << ICMPMON_HIST_SUB_BITS)
#define ICMPMON_HIST_OCTAVES 21 /* up to 2^25 units, about 34 s */
#define ICMPMON_HIST_BUCKETS (ICMPMON_HIST_SUB + ICMPMON_HIST_OCTAVES * ICMPMON_HIST_SUB)

enum icmpmon_err_kind {
	ICMPMON_ERR_UNREACH = 0,
	ICMPMON_ERR_TIME_EXCEEDED,
	ICMPMON_ERR_PARAM_PROBLEM,
	ICMPMON_ERR_OTHER,
	ICMPMON_ERR_KINDS,
};

/* The kind of an ICMP (family ICMPMON_AF_INET) or ICMPv6 error type: one map for BPF and userland. */
static inline __attribute__((always_inline)) __u32 icmpmon_error_kind(__u32 family, __u8 type)
{
	if (family == ICMPMON_AF_INET6)
		return type == 1 ? ICMPMON_ERR_UNREACH : type == 3 ? ICMPMON_ERR_TIME_EXCEEDED
		       : type == 4 ? ICMPMON_ERR_PARAM_PROBLEM : ICMPMON_ERR_OTHER;
	return type == 3 ? ICMPMON_ERR_UNREACH : type == 11 ? ICMPMON_ERR_TIME_EXCEEDED
	       : type == 12 ? ICMPMON_ERR_PARAM_PROBLEM : ICMPMON_ERR_OTHER;
}

/*
 * Per-target counters, updated atomically by the BPF programs in a
 * mmap-able array (icmpmon_stats) and read by userland without syscalls.
 * Counters only grow, so an interval is the difference of two snapshots. RTT
 * sums include duplicates, as iputils ping's do. The histograms are in
 * struct target_hists, a map of their own: this one stays small enough to
 * keep mapped (userland's mapping of it is resident in full).
 */
struct target_stats {
	__u64 stamped;      /* echo requests seen by tc egress */
	__u64 received;     /* first replies */
	__u64 duplicates;   /* further replies to an answered probe */
	__u64 rtt_count;    /* received + duplicates */
	__u64 rtt_sum_ns;
	__u64 rtt_sum_us;   /* iputils computes mdev on whole microseconds */
	__u64 rtt_sum2_us;
	__u64 rtt_min_ns;   /* 0 until the first reply */
	__u64 rtt_max_ns;
	__u64 errors[ICMPMON_ERR_KINDS];
	__u64 rtt_first_sum_ns; /* first replies only: the sum that goes with target_hists.hist[] */
	__u64 errored;          /* probes quoted by at least one ICMP error (errors[] counts every error) */
	__u64 errored_replied;  /* of those, probes answered later all the same */
	/* Host transmit queue delay (driver hand-off - tc egress) of first replies with both stamps. */
	__u64 txq_count;
	__u64 txq_sum_ns;
	__u64 txq_max_ns;
};

/*
 * Per-target histograms, in their own array (icmpmon_hists, same slots as
 * icmpmon_stats), not mapped by userland: it copies a target's (or a few
 * hundred targets') when it prints or exports them. A reply is added to its
 * counts in struct target_stats before its bucket here.
 */
struct target_hists {
	__u32 hist[ICMPMON_HIST_BUCKETS];     /* RTT of first replies */
	__u32 txq_hist[ICMPMON_HIST_BUCKETS]; /* host transmit queue delay, as txq_count counts it */
};

enum icmpmon_event_kind {
	ICMPMON_EV_REPLY = 0,
	ICMPMON_EV_DUP,
	ICMPMON_EV_ERROR,
};

/* One ring-buffer record per reply (or ICMP error about one of our probes). */
struct icmpmon_event {
	__u64 t_rx_ns;
	__u64 rtt_ns;
	__u32 target_idx;
	__u16 seq;
	__u8 kind;      /* enum icmpmon_event_kind */
	__u8 ttl;       /* IPv4 TTL / IPv6 hop limit of the reply */
	__u16 icmp_len; /* ICMP header + data, as ping prints "N bytes" */
	__u8 icmp_type;
	__u8 icmp_code;
	struct icmpmon_addr from;
	__u32 icmp_info; /* an error's second header word, host order: MTU, parameter pointer */
	__u32 txq_ns;    /* host transmit queue delay of the probe, saturated; 0: no wire stamp */
};

/* Global per-CPU counters: what the kernel saw but could not use. */
enum icmpmon_counter {
	ICMPMON_CNT_RB_DROPPED = 0, /* event lost: ring buffer full */
	ICMPMON_CNT_BAD_COOKIE,     /* our id, wrong payload cookie */
	ICMPMON_CNT_UNMATCHED,      /* our id and cookie, no probe waiting (late, forged, wrong source) */
	ICMPMON_CNT_TABLE_FULL,     /* probe not stamped: outstanding map full */
	ICMPMON_CNT_FOREIGN_ERROR,  /* ICMP error quoting a packet that is not ours */
	ICMPMON_CNT_BAD_CSUM,       /* ours, but a bad IPv4 header or ICMP checksum: the host drops it */
	ICMPMON_CNT_NOT_FOR_US,     /* ours, but a frame the host would not take: foreign destination MAC,
				       VLAN it has no device for, IP destination not the probe's source */
	ICMPMON_CNT_BAD_QUOTE,      /* ICMP error quoting our id and an outstanding seq, but not as we sent it
				       (inner source, IHL or cookie differ) */
	ICMPMON_CNT_MAX,
};

#endif /* ICMPMON_H */
