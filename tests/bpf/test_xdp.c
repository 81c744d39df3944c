// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * BPF_PROG_TEST_RUN packet-table tests of the real icmpmon BPF object, in the
 * style of the kernel selftests: crafted frames (tests/bpf/pkt.h) go through
 * icmpmon_egress, icmpmon_xdp and icmpmon_tc_in; the verdicts, the maps and
 * the ring-buffer events are checked against one table per direction.
 *
 * Groups, one skeleton each (run_id 0xbeef, an 8-byte cookie, targets and
 * stats sized 4, probes 16, all set before load):
 *   icmpmon_egress            the egress table, plus table-full and restamp
 *   icmpmon_xdp / _tc_in      the one ingress table, each with consume=0 and
 *                             consume=1 (verdicts mapped per program)
 *   cookie_len=0              a few ingress cases without the cookie check
 * Each test starts from empty probe/answer maps, zero stats and counters and
 * a drained ring buffer. Ingress cases stamp their probes by running our echo
 * request through icmpmon_egress (or insert one with a chosen age, for the
 * RTT/histogram cases), then check verdicts, every counter, every stats field
 * of every target, the histogram bucket of each reply's RTT, the events and
 * what is left in icmpmon_probes / icmpmon_answer.
 *
 * Sweeps run every proper prefix of a frame. Where BPF_PROG_TEST_RUN itself
 * refuses the size it must fail with exactly -EINVAL: below ETH_HLEN for XDP;
 * for SCHED_CLS also an IPv4-EtherType frame shorter than the minimum the
 * running kernel enforces (probed at setup: 34 bytes on 6.18).
 *
 * Needs root.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "icmpmon.h"
#include "hist.h"
#include "icmpmon.skel.h"
#include "pkt.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define XDP_DROP_ 1
#define XDP_PASS_ 2
#define TC_ACT_UNSPEC_ (-1)
#define TC_ACT_SHOT_ 2

/* This run's identity as the loader would set it. */
#define RUN_ID 0xbeef                 /* host order; rodata holds it in network order */
#define COOKIE 0x216e6f6d706d6369ULL  /* in memory on little-endian: the bytes "icmpmon!" */
#define OTHER_ID 0x1234
#define OTHER_COOKIE 0x0706050403020100ULL

#define LOCAL PKT_IP(10, 0, 0, 2)
#define ROUTER PKT_IP(10, 0, 0, 1)
#define T0 PKT_IP(192, 0, 2, 1)     /* target index 0 */
#define T1 PKT_IP(192, 0, 2, 2)     /* target index 1 */
#define T3 PKT_IP(198, 51, 100, 7)  /* target index 3 (index 2 unused) */
#define STRANGER PKT_IP(203, 0, 113, 9)

#define NTARGETS 4 /* icmpmon_targets / icmpmon_stats max_entries */
#define NPROBES 16 /* icmpmon_probes max_entries */
#define DATA_LEN 56
#define ICMP_LEN (8 + DATA_LEN)
#define REPLY_TTL 57
#define ROUTER_TTL 250

static const struct {
	uint32_t addr;
	uint32_t idx;
} targets[] = { { T0, 0 }, { T1, 1 }, { T3, 3 } };

/* ---- packet shorthands ---------------------------------------------------------------- */

#define OUR_DATA { .len = DATA_LEN, .has_cookie = true, .cookie = COOKIE }
#define FOREIGN_DATA { .len = DATA_LEN, .has_cookie = true, .cookie = OTHER_COOKIE }
#define IPV4(src, dst, ...) { .saddr = (src), .daddr = (dst), __VA_ARGS__ }
#define ICMP(t, id_, seq_) { .type = (t), .id = (id_), .seq = (seq_) }
#define PKT(ipx, icmpx, datax, ...) { .d = { .ip = ipx, .icmp = icmpx, .data = datax }, __VA_ARGS__ }

/* The echo reply to our probe seq from src, as the target sends it. */
#define REPLY(src, seq_, ...) \
	PKT(IPV4(src, LOCAL, .ttl = REPLY_TTL), ICMP(PKT_ICMP_ECHOREPLY, RUN_ID, seq_), OUR_DATA, ##__VA_ARGS__)
/* A reply whose IPv4 header is (ip options...) */
#define REPLY_IP(seq_, ...) \
	PKT(IPV4(T0, LOCAL, .ttl = REPLY_TTL, __VA_ARGS__), ICMP(PKT_ICMP_ECHOREPLY, RUN_ID, seq_), OUR_DATA)
/* Our echo request seq to dst. */
#define REQUEST(dst, seq_, ...) \
	PKT(IPV4(LOCAL, dst), ICMP(PKT_ICMP_ECHO, RUN_ID, seq_), OUR_DATA, ##__VA_ARGS__)
#define REQUEST_IP(seq_, ...) \
	PKT(IPV4(LOCAL, T0, __VA_ARGS__), ICMP(PKT_ICMP_ECHO, RUN_ID, seq_), OUR_DATA)

/* The datagram our probe seq to dst was (what an ICMP error quotes). */
#define PROBE_DGRAM(dst, id_, seq_) \
	{ .ip = IPV4(LOCAL, dst, .ttl = 1), .icmp = ICMP(PKT_ICMP_ECHO, id_, seq_), .data = OUR_DATA }
#define DGRAM(ipx, icmpx, datax) { .ip = ipx, .icmp = icmpx, .data = datax }
#define ROUTER_IP IPV4(ROUTER, LOCAL, .ttl = ROUTER_TTL)
/*
 * An ICMP error with outer IPv4 header ipx quoting dgram (qlen as
 * pkt_spec.quote_len). Bodies are spelled out, not forwarded, so that a
 * DGRAM()/PROBE_DGRAM() argument is never re-split at its commas.
 */
#define ICMP_ERR(ipx, type_, code_, rest_, dgram, qlen, ...)                                       \
	{ .d = { .ip = ipx, .icmp = { .type = (type_), .code = (code_), .rest = (rest_) } },       \
	  .quote = true, .inner = dgram, .quote_len = (qlen), ##__VA_ARGS__ }
#define TIME_EXCEEDED(dgram, qlen, ...)                                                            \
	{ .d = { .ip = ROUTER_IP, .icmp = { .type = PKT_ICMP_TIME_EXCEEDED } },                    \
	  .quote = true, .inner = dgram, .quote_len = (qlen), ##__VA_ARGS__ }
#define OUR_DATA_LEN(n) { .len = (n), .has_cookie = true, .cookie = COOKIE }

/* Priority tags (VLAN id 0, PCP 1): the host takes them; any other VLAN id is not for its interface. */
#define VLAN1 .nvlan = 1, .vlan = { { .tci = 0x2000 } }
#define VLAN2 .nvlan = 2, .vlan = { { .tci = 0x2000 }, { .tci = 0x2000 } }

/* ICMP length of an error quoting a 20-byte inner header plus q bytes. */
#define ERR_LEN(q) (8 + 20 + (q))
#define FULL_QUOTE_LEN (8 + 20 + ICMP_LEN)

/* ---- tables ----------------------------------------------------------------------------- */

enum verdict { PASS = 0, OURS };

struct stamp {
	uint32_t target;  /* network order; 0 ends the list */
	uint16_t seq;
	uint64_t ago_ns;  /* 0: stamp by running our request through icmpmon_egress;
			     else insert the probe directly with t_tx = now - ago_ns */
};

struct step {
	struct pkt_spec pkt;
	enum verdict v;
};

struct ev_exp {
	uint8_t kind;
	uint16_t seq;
	uint8_t ttl;
	uint16_t icmp_len;
	uint8_t type, code;
	uint32_t from;
};

#define MAX_STEPS 3
#define MAX_EVENTS 16

struct icase {
	const char *name;
	struct stamp stamps[3];
	unsigned int nsteps;  /* 0: 1 */
	struct step steps[MAX_STEPS];
	bool sweep;           /* first, every proper prefix of steps[0] must change nothing */
	uint32_t tidx;        /* the target all stats changes belong to */
	uint64_t received, dups, errors[ICMPMON_ERR_KINDS];
	uint64_t cnt[ICMPMON_CNT_MAX];
	unsigned int nev;
	struct ev_exp ev[MAX_STEPS];
	bool top_bucket;      /* the reply's RTT lands in the last histogram bucket */
};

#define STAMP(t, s) { .target = (t), .seq = (s) }
#define STAMP_AGO(t, s, ns) { .target = (t), .seq = (s), .ago_ns = (ns) }
#define EV(k, seq_, ttl_, len_, type_, code_, from_) \
	{ .kind = (k), .seq = (seq_), .ttl = (ttl_), .icmp_len = (len_), .type = (type_), .code = (code_), .from = (from_) }
#define EV_REPLY(seq_, len_, from_) EV(ICMPMON_EV_REPLY, seq_, REPLY_TTL, len_, 0, 0, from_)
#define EV_DUP(seq_, len_, from_) EV(ICMPMON_EV_DUP, seq_, REPLY_TTL, len_, 0, 0, from_)
#define EV_ERR(seq_, len_, type_, code_) EV(ICMPMON_EV_ERROR, seq_, ROUTER_TTL, len_, type_, code_, ROUTER)

/* A stamped probe seq to T0 is answered by pkt: matched as a first reply of icmp_len len_. */
#define MATCHED(name_, seq_, len_, ...) \
	{ .name = name_, .stamps = { STAMP(T0, seq_) }, .steps = { { __VA_ARGS__, OURS } }, \
	  .received = 1, .nev = 1, .ev = { EV_REPLY(seq_, len_, T0) } }
/* A stamped probe seq to T0 is left alone by pkt: no counter, no event, probe kept. */
#define IGNORED(name_, seq_, ...) \
	{ .name = name_, .stamps = { STAMP(T0, seq_) }, .steps = { { __VA_ARGS__, PASS } } }

#define OPTS_MATCHED(n) \
	MATCHED("IPv4 options, IHL " #n ", matched", 20 + (n), ICMP_LEN, \
		REPLY_IP(20 + (n), .opt_len = ((n) - 5) * 4))
/*
 * IHL n < 5 with the ICMP header where that IHL puts it: a parser trusting it
 * would find our reply at 4n (for n = 4 with the source address intact).
 */
#define BAD_IHL_IGNORED(n) \
	IGNORED("bad IHL " #n " (< 5), ICMP at " #n "*4, ignored", 40 + (n), \
		REPLY_IP(40 + (n), .ihl_set = true, .ihl = (n), .ihl_layout = true))

static const struct icase icases[] = {
	/* matching */
	MATCHED("echo reply to a stamped probe: REPLY", 7, ICMP_LEN, REPLY(T0, 7)),
	{ .name = "truncated at every byte: nothing until the whole frame",
	  .stamps = { STAMP(T0, 8) }, .sweep = true,
	  .steps = { { REPLY(T0, 8), OURS } },
	  .received = 1, .nev = 1, .ev = { EV_REPLY(8, ICMP_LEN, T0) } },
	{ .name = "duplicate reply: REPLY then DUP",
	  .stamps = { STAMP(T0, 9) }, .nsteps = 2,
	  .steps = { { REPLY(T0, 9), OURS }, { REPLY(T0, 9), OURS } },
	  .received = 1, .dups = 1, .nev = 2,
	  .ev = { EV_REPLY(9, ICMP_LEN, T0), EV_DUP(9, ICMP_LEN, T0) } },
	{ .name = "three copies: REPLY, DUP, DUP",
	  .stamps = { STAMP(T0, 10) }, .nsteps = 3,
	  .steps = { { REPLY(T0, 10), OURS }, { REPLY(T0, 10), OURS }, { REPLY(T0, 10), OURS } },
	  .received = 1, .dups = 2, .nev = 3,
	  .ev = { EV_REPLY(10, ICMP_LEN, T0), EV_DUP(10, ICMP_LEN, T0), EV_DUP(10, ICMP_LEN, T0) } },
	{ .name = "reply for target index 1",
	  .stamps = { STAMP(T0, 11), STAMP(T1, 11) }, .tidx = 1,
	  .steps = { { REPLY(T1, 11), OURS } },
	  .received = 1, .nev = 1, .ev = { EV_REPLY(11, ICMP_LEN, T1) } },
	{ .name = "reply for target index 3",
	  .stamps = { STAMP(T3, 12) }, .tidx = 3,
	  .steps = { { REPLY(T3, 12), OURS } },
	  .received = 1, .nev = 1, .ev = { EV_REPLY(12, ICMP_LEN, T3) } },
	{ .name = "RTT of 5 ms: its histogram bucket",
	  .stamps = { STAMP_AGO(T0, 13, 5000000) },
	  .steps = { { REPLY(T0, 13), OURS } },
	  .received = 1, .nev = 1, .ev = { EV_REPLY(13, ICMP_LEN, T0) } },
	{ .name = "RTT of 3 s: its histogram bucket",
	  .stamps = { STAMP_AGO(T0, 14, 3000000000ULL) },
	  .steps = { { REPLY(T0, 14), OURS } },
	  .received = 1, .nev = 1, .ev = { EV_REPLY(14, ICMP_LEN, T0) } },
	{ .name = "RTT of 100 s: clamped to the last bucket",
	  .stamps = { STAMP_AGO(T0, 15, 100000000000ULL) },
	  .steps = { { REPLY(T0, 15), OURS } }, .top_bucket = true,
	  .received = 1, .nev = 1, .ev = { EV_REPLY(15, ICMP_LEN, T0) } },
	MATCHED("seq 0 matched", 0, ICMP_LEN, REPLY(T0, 0)),
	MATCHED("seq 65535 matched", 65535, ICMP_LEN, REPLY(T0, 65535)),
	MATCHED("reply with DF set matched", 16, ICMP_LEN, REPLY_IP(16, .df = true)),
	MATCHED("reply followed by Ethernet padding matched", 17, ICMP_LEN, REPLY(T0, 17, .pad = 18)),
	MATCHED("first fragment (MF, offset 0) matched, icmp_len 0", 18, 0, REPLY_IP(18, .mf = true)),

	/* IPv4 options */
	OPTS_MATCHED(6), OPTS_MATCHED(7), OPTS_MATCHED(8), OPTS_MATCHED(9), OPTS_MATCHED(10),
	OPTS_MATCHED(11), OPTS_MATCHED(12), OPTS_MATCHED(13), OPTS_MATCHED(14), OPTS_MATCHED(15),
	{ .name = "IHL 15 behind two VLAN tags, truncated at every byte",
	  .stamps = { STAMP(T0, 36) }, .sweep = true,
	  .steps = { { PKT(IPV4(T0, LOCAL, .ttl = REPLY_TTL, .opt_len = 40),
			   ICMP(PKT_ICMP_ECHOREPLY, RUN_ID, 36), OUR_DATA, VLAN2), OURS } },
	  .received = 1, .nev = 1, .ev = { EV_REPLY(36, ICMP_LEN, T0) } },
	BAD_IHL_IGNORED(0), BAD_IHL_IGNORED(1), BAD_IHL_IGNORED(2), BAD_IHL_IGNORED(3),
	BAD_IHL_IGNORED(4),
	IGNORED("bad IHL 4, full 20-byte header, ignored", 45, REPLY_IP(45, .ihl_set = true, .ihl = 4)),
	IGNORED("IHL 6 without the option bytes, ignored", 46,
		REPLY_IP(46, .ihl_set = true, .ihl = 6)),

	/* VLAN */
	MATCHED("802.1Q tag matched", 50, ICMP_LEN, REPLY(T0, 50, VLAN1)),
	MATCHED("802.1ad + 802.1Q tags matched", 51, ICMP_LEN, REPLY(T0, 51, VLAN2)),
	MATCHED("802.1Q + 802.1Q tags matched", 52, ICMP_LEN,
		REPLY(T0, 52, .nvlan = 2, .vlan = { { .tpid = PKT_ETH_P_8021Q, .tci = 0x2000 },
						    { .tpid = PKT_ETH_P_8021Q, .tci = 0x2000 } })),
	MATCHED("single 802.1ad tag matched", 53, ICMP_LEN,
		REPLY(T0, 53, .nvlan = 1, .vlan = { { .tpid = PKT_ETH_P_8021AD, .tci = 0x2000 } })),
	IGNORED("three VLAN tags (beyond the parser), ignored", 54, REPLY(T0, 54, .nvlan = 3)),
	IGNORED("VLAN tag then IPv6 EtherType, ignored", 55,
		REPLY(T0, 55, VLAN1, .ethertype = PKT_ETH_P_IPV6)),

	/* not ours */
	IGNORED("other ICMP id, ignored", 60,
		PKT(IPV4(T0, LOCAL, .ttl = REPLY_TTL), ICMP(PKT_ICMP_ECHOREPLY, OTHER_ID, 60), OUR_DATA)),
	IGNORED("other ICMP id and cookie, ignored", 61,
		PKT(IPV4(T0, LOCAL), ICMP(PKT_ICMP_ECHOREPLY, OTHER_ID, 61), FOREIGN_DATA)),
	{ .name = "our id, wrong cookie: BAD_COOKIE",
	  .stamps = { STAMP(T0, 62) },
	  .steps = { { PKT(IPV4(T0, LOCAL), ICMP(PKT_ICMP_ECHOREPLY, RUN_ID, 62), FOREIGN_DATA), PASS } },
	  .cnt = { [ICMPMON_CNT_BAD_COOKIE] = 1 } },
	{ .name = "our id, payload shorter than the cookie: BAD_COOKIE",
	  .stamps = { STAMP(T0, 63) },
	  .steps = { { PKT(IPV4(T0, LOCAL), ICMP(PKT_ICMP_ECHOREPLY, RUN_ID, 63),
			   OUR_DATA_LEN(4)), PASS } },
	  .cnt = { [ICMPMON_CNT_BAD_COOKIE] = 1 } },
	{ .name = "our id, no payload: BAD_COOKIE",
	  .stamps = { STAMP(T0, 64) },
	  .steps = { { PKT(IPV4(T0, LOCAL), ICMP(PKT_ICMP_ECHOREPLY, RUN_ID, 64), { .len = 0 }), PASS } },
	  .cnt = { [ICMPMON_CNT_BAD_COOKIE] = 1 } },
	{ .name = "unknown seq (no probe at all): UNMATCHED",
	  .steps = { { REPLY(T0, 65), PASS } },
	  .cnt = { [ICMPMON_CNT_UNMATCHED] = 1 } },
	{ .name = "other seq than the stamped one: UNMATCHED, probe kept",
	  .stamps = { STAMP(T0, 66) },
	  .steps = { { REPLY(T0, 67), PASS } },
	  .cnt = { [ICMPMON_CNT_UNMATCHED] = 1 } },
	{ .name = "reply from a non-target address: UNMATCHED, no RTT",
	  .stamps = { STAMP(T0, 68) },
	  .steps = { { REPLY(STRANGER, 68), PASS } },
	  .cnt = { [ICMPMON_CNT_UNMATCHED] = 1 } },
	{ .name = "reply from another target than the probed one: UNMATCHED, no RTT",
	  .stamps = { STAMP(T0, 69) },
	  .steps = { { REPLY(T1, 69), PASS } },
	  .cnt = { [ICMPMON_CNT_UNMATCHED] = 1 } },
	IGNORED("UDP, ignored", 70,
		{ .d = { .ip = IPV4(T0, LOCAL, .proto = PKT_PROTO_UDP), .data = OUR_DATA } }),
	IGNORED("TCP, ignored", 71,
		{ .d = { .ip = IPV4(T0, LOCAL, .proto = PKT_PROTO_TCP), .data = OUR_DATA } }),
	IGNORED("IPv6 EtherType, ignored", 72, REPLY(T0, 72, .ethertype = PKT_ETH_P_IPV6)),
	IGNORED("ARP EtherType, ignored", 73, REPLY(T0, 73, .ethertype = PKT_ETH_P_ARP)),
	IGNORED("IPv4 EtherType, version 6 header, ignored", 74, REPLY_IP(74, .version = 6)),
	IGNORED("echo request (ours, seen on ingress), ignored", 75,
		PKT(IPV4(T0, LOCAL), ICMP(PKT_ICMP_ECHO, RUN_ID, 75), OUR_DATA)),
	IGNORED("timestamp request, ignored", 76,
		PKT(IPV4(T0, LOCAL), ICMP(PKT_ICMP_TIMESTAMP, RUN_ID, 76), OUR_DATA)),
	IGNORED("timestamp reply, ignored", 77,
		PKT(IPV4(T0, LOCAL), ICMP(PKT_ICMP_TIMESTAMPREPLY, RUN_ID, 77), OUR_DATA)),
	IGNORED("redirect quoting our probe, ignored", 78,
		ICMP_ERR(ROUTER_IP, PKT_ICMP_REDIRECT, 1, ROUTER, PROBE_DGRAM(T0, RUN_ID, 78), 0)),
	IGNORED("later fragment (offset 1, MF), ignored", 79, REPLY_IP(79, .frag_off = 1, .mf = true)),
	IGNORED("last fragment (offset 185, no MF), ignored", 80, REPLY_IP(80, .frag_off = 185)),

	/* total length lies */
	IGNORED("tot_len one byte beyond the frame, ignored", 90, REPLY_IP(90, .tot_len_adj = 1)),
	IGNORED("tot_len 1000 bytes beyond the frame, ignored", 91, REPLY_IP(91, .tot_len_adj = 1000)),
	IGNORED("tot_len 65535, ignored", 92, REPLY_IP(92, .tot_len_set = true, .tot_len = 65535)),
	IGNORED("tot_len 0, ignored", 93, REPLY_IP(93, .tot_len_set = true, .tot_len = 0)),
	IGNORED("tot_len 19 (< header), ignored", 94, REPLY_IP(94, .tot_len_set = true, .tot_len = 19)),
	IGNORED("tot_len 23 (< IHL 6 header), ignored", 95,
		REPLY_IP(95, .opt_len = 4, .tot_len_set = true, .tot_len = 23)),
	IGNORED("tot_len leaves 4 bytes of ICMP, ignored", 96,
		REPLY_IP(96, .tot_len_set = true, .tot_len = 24)),
	{ .name = "tot_len ends inside the cookie: BAD_COOKIE",
	  .stamps = { STAMP(T0, 97) },
	  .steps = { { REPLY_IP(97, .tot_len_set = true, .tot_len = 20 + 8 + 4), PASS } },
	  .cnt = { [ICMPMON_CNT_BAD_COOKIE] = 1 } },

	/* ICMP errors */
	{ .name = "time exceeded quoting our probe: ERROR, probe kept",
	  .stamps = { STAMP(T0, 100) },
	  .steps = { { TIME_EXCEEDED(PROBE_DGRAM(T0, RUN_ID, 100), 0), OURS } },
	  .errors = { [ICMPMON_ERR_TIME_EXCEEDED] = 1 },
	  .nev = 1, .ev = { EV_ERR(100, ERR_LEN(8), PKT_ICMP_TIME_EXCEEDED, 0) } },
	{ .name = "time exceeded, whole datagram quoted, truncated at every byte",
	  .stamps = { STAMP(T0, 101) }, .sweep = true,
	  .steps = { { TIME_EXCEEDED(PROBE_DGRAM(T0, RUN_ID, 101), PKT_QUOTE_ALL), OURS } },
	  .errors = { [ICMPMON_ERR_TIME_EXCEEDED] = 1 },
	  .nev = 1, .ev = { EV_ERR(101, FULL_QUOTE_LEN, PKT_ICMP_TIME_EXCEEDED, 0) } },
	{ .name = "time exceeded (fragment reassembly, code 1): ERROR",
	  .stamps = { STAMP(T0, 102) },
	  .steps = { { ICMP_ERR(ROUTER_IP, PKT_ICMP_TIME_EXCEEDED, 1, 0, PROBE_DGRAM(T0, RUN_ID, 102), 0), OURS } },
	  .errors = { [ICMPMON_ERR_TIME_EXCEEDED] = 1 },
	  .nev = 1, .ev = { EV_ERR(102, ERR_LEN(8), PKT_ICMP_TIME_EXCEEDED, 1) } },
	{ .name = "host unreachable: ERROR, errors[UNREACH]",
	  .stamps = { STAMP(T0, 103) },
	  .steps = { { ICMP_ERR(ROUTER_IP, PKT_ICMP_DEST_UNREACH, 1, 0, PROBE_DGRAM(T0, RUN_ID, 103), 0), OURS } },
	  .errors = { [ICMPMON_ERR_UNREACH] = 1 },
	  .nev = 1, .ev = { EV_ERR(103, ERR_LEN(8), PKT_ICMP_DEST_UNREACH, 1) } },
	{ .name = "fragmentation needed (MTU 1400): ERROR, errors[UNREACH]",
	  .stamps = { STAMP(T0, 104) },
	  .steps = { { ICMP_ERR(ROUTER_IP, PKT_ICMP_DEST_UNREACH, 4, 1400, PROBE_DGRAM(T0, RUN_ID, 104), 0), OURS } },
	  .errors = { [ICMPMON_ERR_UNREACH] = 1 },
	  .nev = 1, .ev = { EV_ERR(104, ERR_LEN(8), PKT_ICMP_DEST_UNREACH, 4) } },
	{ .name = "parameter problem: ERROR, errors[PARAM_PROBLEM]",
	  .stamps = { STAMP(T0, 105) },
	  .steps = { { ICMP_ERR(ROUTER_IP, PKT_ICMP_PARAMETERPROB, 0, 20u << 24, PROBE_DGRAM(T0, RUN_ID, 105), 0), OURS } },
	  .errors = { [ICMPMON_ERR_PARAM_PROBLEM] = 1 },
	  .nev = 1, .ev = { EV_ERR(105, ERR_LEN(8), PKT_ICMP_PARAMETERPROB, 0) } },
	{ .name = "time exceeded for target index 3",
	  .stamps = { STAMP(T3, 106) }, .tidx = 3,
	  .steps = { { TIME_EXCEEDED(PROBE_DGRAM(T3, RUN_ID, 106), 0), OURS } },
	  .errors = { [ICMPMON_ERR_TIME_EXCEEDED] = 1 },
	  .nev = 1, .ev = { EV_ERR(106, ERR_LEN(8), PKT_ICMP_TIME_EXCEEDED, 0) } },
	{ .name = "time exceeded behind two VLAN tags: ERROR",
	  .stamps = { STAMP(T0, 107) },
	  .steps = { { TIME_EXCEEDED(PROBE_DGRAM(T0, RUN_ID, 107), 0, VLAN2), OURS } },
	  .errors = { [ICMPMON_ERR_TIME_EXCEEDED] = 1 },
	  .nev = 1, .ev = { EV_ERR(107, ERR_LEN(8), PKT_ICMP_TIME_EXCEEDED, 0) } },
	{ .name = "time exceeded with options, quoting our probe: ERROR",
	  .stamps = { STAMP(T0, 108) },
	  .steps = { { { .d = { .ip = IPV4(ROUTER, LOCAL, .ttl = ROUTER_TTL, .opt_len = 12),
				 .icmp = { .type = PKT_ICMP_TIME_EXCEEDED } },
			   .quote = true, .quote_len = 8,
			   .inner = { .ip = IPV4(LOCAL, T0, .ttl = 1),
				      .icmp = ICMP(PKT_ICMP_ECHO, RUN_ID, 108), .data = OUR_DATA } }, OURS } },
	  .errors = { [ICMPMON_ERR_TIME_EXCEEDED] = 1 },
	  .nev = 1, .ev = { EV_ERR(108, 8 + 20 + 8, PKT_ICMP_TIME_EXCEEDED, 0) } },
	{ .name = "error quoting a header with options (we send none): BAD_QUOTE",
	  .stamps = { STAMP(T0, 122) },
	  .steps = { { { .d = { .ip = ROUTER_IP, .icmp = { .type = PKT_ICMP_TIME_EXCEEDED } },
			   .quote = true, .quote_len = 8,
			   .inner = { .ip = IPV4(LOCAL, T0, .ttl = 1, .opt_len = 8),
				      .icmp = ICMP(PKT_ICMP_ECHO, RUN_ID, 122), .data = OUR_DATA } }, PASS } },
	  .cnt = { [ICMPMON_CNT_BAD_QUOTE] = 1 } },
	{ .name = "error quoting someone else's echo (other id): FOREIGN_ERROR",
	  .stamps = { STAMP(T0, 109) },
	  .steps = { { TIME_EXCEEDED(PROBE_DGRAM(T0, OTHER_ID, 109), 0), PASS } },
	  .cnt = { [ICMPMON_CNT_FOREIGN_ERROR] = 1 } },
	{ .name = "error quoting our id, unknown seq: FOREIGN_ERROR",
	  .stamps = { STAMP(T0, 110) },
	  .steps = { { TIME_EXCEEDED(PROBE_DGRAM(T0, RUN_ID, 111), 0), PASS } },
	  .cnt = { [ICMPMON_CNT_FOREIGN_ERROR] = 1 } },
	{ .name = "error quoting our id and seq to another destination: FOREIGN_ERROR",
	  .stamps = { STAMP(T0, 112) },
	  .steps = { { TIME_EXCEEDED(PROBE_DGRAM(T1, RUN_ID, 112), 0), PASS } },
	  .cnt = { [ICMPMON_CNT_FOREIGN_ERROR] = 1 } },
	IGNORED("error quoting an echo reply, ignored", 113,
		TIME_EXCEEDED(DGRAM(IPV4(LOCAL, T0), ICMP(PKT_ICMP_ECHOREPLY, RUN_ID, 113), OUR_DATA), 0)),
	IGNORED("error quoting UDP, ignored", 114,
		TIME_EXCEEDED(DGRAM(IPV4(LOCAL, T0, .proto = PKT_PROTO_UDP), { .type = 0 }, OUR_DATA), 0)),
	IGNORED("error quoting a later fragment, ignored", 115,
		TIME_EXCEEDED(DGRAM(IPV4(LOCAL, T0, .frag_off = 3), ICMP(PKT_ICMP_ECHO, RUN_ID, 115), OUR_DATA), 0)),
	IGNORED("error quoting a bad-IHL header, ignored", 116,
		TIME_EXCEEDED(DGRAM(IPV4(LOCAL, T0, .ihl_set = true, .ihl = 4), ICMP(PKT_ICMP_ECHO, RUN_ID, 116), OUR_DATA), 0)),
	IGNORED("error quoting only the IPv4 header, ignored", 117,
		TIME_EXCEEDED(PROBE_DGRAM(T0, RUN_ID, 117), PKT_QUOTE_HDR_ONLY)),
	IGNORED("error quoting 4 bytes of ICMP, ignored", 118,
		TIME_EXCEEDED(PROBE_DGRAM(T0, RUN_ID, 118), 4)),
	IGNORED("error quoting nothing (ICMP header only), ignored", 119,
		{ .d = { .ip = IPV4(ROUTER, LOCAL), .icmp = { .type = PKT_ICMP_TIME_EXCEEDED } } }),
	IGNORED("error with tot_len beyond the frame, ignored", 120,
		ICMP_ERR(IPV4(ROUTER, LOCAL, .tot_len_adj = 1), PKT_ICMP_TIME_EXCEEDED, 0, 0,
			 PROBE_DGRAM(T0, RUN_ID, 120), 0)),
	IGNORED("error as a later fragment, ignored", 121,
		ICMP_ERR(IPV4(ROUTER, LOCAL, .frag_off = 2), PKT_ICMP_TIME_EXCEEDED, 0, 0,
			 PROBE_DGRAM(T0, RUN_ID, 121), 0)),

	/* sequences */
	{ .name = "reply after the error for the same probe: ERROR, then REPLY",
	  .stamps = { STAMP(T0, 130) }, .nsteps = 2,
	  .steps = { { TIME_EXCEEDED(PROBE_DGRAM(T0, RUN_ID, 130), 0), OURS }, { REPLY(T0, 130), OURS } },
	  .errors = { [ICMPMON_ERR_TIME_EXCEEDED] = 1 }, .received = 1,
	  .nev = 2, .ev = { EV_ERR(130, ERR_LEN(8), PKT_ICMP_TIME_EXCEEDED, 0), EV_REPLY(130, ICMP_LEN, T0) } },
	{ .name = "error after the reply for the same probe: FOREIGN_ERROR",
	  .stamps = { STAMP(T0, 131) }, .nsteps = 2,
	  .steps = { { REPLY(T0, 131), OURS }, { TIME_EXCEEDED(PROBE_DGRAM(T0, RUN_ID, 131), 0), PASS } },
	  .received = 1, .cnt = { [ICMPMON_CNT_FOREIGN_ERROR] = 1 },
	  .nev = 1, .ev = { EV_REPLY(131, ICMP_LEN, T0) } },
	{ .name = "the same error twice: ERROR twice (as ping counts them)",
	  .stamps = { STAMP(T0, 132) }, .nsteps = 2,
	  .steps = { { TIME_EXCEEDED(PROBE_DGRAM(T0, RUN_ID, 132), 0), OURS },
		     { TIME_EXCEEDED(PROBE_DGRAM(T0, RUN_ID, 132), 0), OURS } },
	  .errors = { [ICMPMON_ERR_TIME_EXCEEDED] = 2 },
	  .nev = 2, .ev = { EV_ERR(132, ERR_LEN(8), PKT_ICMP_TIME_EXCEEDED, 0),
			    EV_ERR(132, ERR_LEN(8), PKT_ICMP_TIME_EXCEEDED, 0) } },
	{ .name = "two probes, two replies, one target",
	  .stamps = { STAMP(T0, 133), STAMP(T0, 134) }, .nsteps = 2,
	  .steps = { { REPLY(T0, 134), OURS }, { REPLY(T0, 133), OURS } },
	  .received = 2, .nev = 2,
	  .ev = { EV_REPLY(134, ICMP_LEN, T0), EV_REPLY(133, ICMP_LEN, T0) } },
};

/* Run with cookie_len = 0 (payloads shorter than the cookie): any payload is accepted. */
static const struct icase nocookie_cases[] = {
	MATCHED("no cookie: reply with a foreign payload matched", 1, ICMP_LEN,
		PKT(IPV4(T0, LOCAL, .ttl = REPLY_TTL), ICMP(PKT_ICMP_ECHOREPLY, RUN_ID, 1), FOREIGN_DATA)),
	MATCHED("no cookie: reply without payload matched", 2, 8,
		PKT(IPV4(T0, LOCAL, .ttl = REPLY_TTL), ICMP(PKT_ICMP_ECHOREPLY, RUN_ID, 2), { .len = 0 })),
	MATCHED("no cookie: reply with 4 bytes of payload matched", 3, 12,
		PKT(IPV4(T0, LOCAL, .ttl = REPLY_TTL), ICMP(PKT_ICMP_ECHOREPLY, RUN_ID, 3), { .len = 4 })),
	IGNORED("no cookie: other id still ignored", 4,
		PKT(IPV4(T0, LOCAL), ICMP(PKT_ICMP_ECHOREPLY, OTHER_ID, 4), { .len = 0 })),
};

struct ecase {
	const char *name;
	struct pkt_spec pkt;
	bool stamped;
	uint32_t target;  /* the probe key when stamped */
	uint16_t seq;
	uint32_t tidx;
	bool sweep;       /* every prefix: stamped exactly when it holds headers and cookie */
};

#define E_STAMPED(name_, dst, idx, seq_, ...) \
	{ .name = name_, .pkt = __VA_ARGS__, .stamped = true, .target = (dst), .seq = (seq_), .tidx = (idx) }
#define E_IGNORED(name_, ...) { .name = name_, .pkt = __VA_ARGS__ }

static const struct ecase ecases[] = {
	E_STAMPED("our request to target 0: stamped", T0, 0, 1, REQUEST(T0, 1)),
	E_STAMPED("our request to target 1: stamped", T1, 1, 2, REQUEST(T1, 2)),
	E_STAMPED("our request to target 3: stamped", T3, 3, 3, REQUEST(T3, 3)),
	E_STAMPED("seq 65535: stamped", T0, 0, 65535, REQUEST(T0, 65535)),
	E_STAMPED("IPv4 options (IHL 15): stamped", T0, 0, 4, REQUEST_IP(4, .opt_len = 40)),
	E_STAMPED("802.1Q tag: stamped", T0, 0, 5, REQUEST(T0, 5, VLAN1)),
	E_STAMPED("802.1ad + 802.1Q tags: stamped", T0, 0, 6, REQUEST(T0, 6, VLAN2)),
	E_STAMPED("first fragment (MF): stamped", T0, 0, 7, REQUEST_IP(7, .mf = true)),
	E_STAMPED("DF set: stamped", T0, 0, 8, REQUEST_IP(8, .df = true)),
	{ .name = "truncated at every byte: stamped once headers and cookie are in",
	  .pkt = REQUEST(T0, 9), .stamped = true, .target = T0, .seq = 9, .sweep = true },
	{ .name = "VLAN + IHL 15, truncated at every byte",
	  .pkt = PKT(IPV4(LOCAL, T0, .opt_len = 40), ICMP(PKT_ICMP_ECHO, RUN_ID, 10), OUR_DATA, VLAN2),
	  .stamped = true, .target = T0, .seq = 10, .sweep = true },
	E_IGNORED("other id: not stamped",
		  PKT(IPV4(LOCAL, T0), ICMP(PKT_ICMP_ECHO, OTHER_ID, 20), OUR_DATA)),
	E_IGNORED("wrong cookie: not stamped",
		  PKT(IPV4(LOCAL, T0), ICMP(PKT_ICMP_ECHO, RUN_ID, 21), FOREIGN_DATA)),
	E_IGNORED("payload shorter than the cookie: not stamped",
		  PKT(IPV4(LOCAL, T0), ICMP(PKT_ICMP_ECHO, RUN_ID, 22), OUR_DATA_LEN(4))),
	E_IGNORED("not a target: not stamped", REQUEST(STRANGER, 23)),
	E_IGNORED("echo reply: not stamped",
		  PKT(IPV4(LOCAL, T0), ICMP(PKT_ICMP_ECHOREPLY, RUN_ID, 24), OUR_DATA)),
	E_IGNORED("timestamp request: not stamped",
		  PKT(IPV4(LOCAL, T0), ICMP(PKT_ICMP_TIMESTAMP, RUN_ID, 25), OUR_DATA)),
	E_IGNORED("UDP: not stamped", { .d = { .ip = IPV4(LOCAL, T0, .proto = PKT_PROTO_UDP), .data = OUR_DATA } }),
	E_IGNORED("TCP: not stamped", { .d = { .ip = IPV4(LOCAL, T0, .proto = PKT_PROTO_TCP), .data = OUR_DATA } }),
	E_IGNORED("IPv6 EtherType: not stamped", REQUEST(T0, 26, .ethertype = PKT_ETH_P_IPV6)),
	E_IGNORED("three VLAN tags: not stamped", REQUEST(T0, 27, .nvlan = 3)),
	E_IGNORED("later fragment: not stamped", REQUEST_IP(28, .frag_off = 1, .mf = true)),
	E_IGNORED("bad IHL 4: not stamped", REQUEST_IP(29, .ihl_set = true, .ihl = 4)),
	E_IGNORED("tot_len < header: not stamped", REQUEST_IP(30, .tot_len_set = true, .tot_len = 19)),
	E_IGNORED("tot_len leaves 4 bytes of ICMP: not stamped", REQUEST_IP(31, .tot_len_set = true, .tot_len = 24)),
	E_IGNORED("version 6 header: not stamped", REQUEST_IP(32, .version = 6)),
};

/* ---- fixture ---------------------------------------------------------------------------- */

enum prog_kind { PROG_EGRESS, PROG_XDP, PROG_TC_IN };

struct config {
	const char *name;
	enum prog_kind prog;
	uint8_t consume;
	bool no_cookie;
};

struct got_event {
	struct icmpmon_event ev;
	size_t size;
};

struct fixture {
	const struct config *cfg;
	struct icmpmon_bpf *skel;
	struct ring_buffer *rb;
	int prog_fd, egress_fd;
	int probes_fd, answer_fd, targets_fd, stats_fd, counter_fd, events_fd;
	int ncpus;
	size_t skb_ipv4_min; /* shortest IPv4-EtherType frame a SCHED_CLS test run accepts */
	struct got_event ev[MAX_EVENTS];
	unsigned int nev, ev_lost;
};

static struct fixture F;

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct fixture *f = ctx;

	if (f->nev >= MAX_EVENTS) {
		f->ev_lost++;
		return 0;
	}
	memset(&f->ev[f->nev], 0, sizeof(f->ev[0]));
	memcpy(&f->ev[f->nev].ev, data, size < sizeof(struct icmpmon_event) ? size : sizeof(struct icmpmon_event));
	f->ev[f->nev].size = size;
	f->nev++;
	return 0;
}

/* Events emitted since the last call are appended to F.ev. */
static void collect_events(void)
{
	int n = ring_buffer__consume(F.rb);

	assert_true(n >= 0);
}

static void drain_events(void)
{
	collect_events();
	F.nev = 0;
	F.ev_lost = 0;
}

static int idx_of(uint32_t addr)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(targets); i++)
		if (targets[i].addr == addr)
			return (int)targets[i].idx;
	return -1;
}

static struct icmpmon_addr v4(uint32_t addr)
{
	struct icmpmon_addr a;

	memset(&a, 0, sizeof(a));
	a.family = ICMPMON_AF_INET;
	a.addr[0] = addr;
	return a;
}

static struct probe_key pkey(uint32_t target, uint16_t seq)
{
	struct probe_key k;

	memset(&k, 0, sizeof(k));
	k.target = v4(target);
	k.id = htons(RUN_ID);
	k.seq = seq;
	return k;
}

static unsigned int map_count(int fd, size_t key_size)
{
	uint8_t key[64], next[64];
	unsigned int n = 0;
	void *prev = NULL;

	assert_true(key_size <= sizeof(key));
	while (!bpf_map_get_next_key(fd, prev, next)) {
		memcpy(key, next, key_size);
		prev = key;
		n++;
	}
	return n;
}

static void map_clear(int fd, size_t key_size)
{
	uint8_t key[64];

	assert_true(key_size <= sizeof(key));
	while (!bpf_map_get_next_key(fd, NULL, key))
		assert_int_equal(bpf_map_delete_elem(fd, key), 0);
}

static void read_counters(uint64_t out[ICMPMON_CNT_MAX])
{
	uint64_t vals[F.ncpus];
	uint32_t k;
	int c;

	for (k = 0; k < ICMPMON_CNT_MAX; k++) {
		assert_int_equal(bpf_map_lookup_elem(F.counter_fd, &k, vals), 0);
		out[k] = 0;
		for (c = 0; c < F.ncpus; c++)
			out[k] += vals[c];
	}
}

static void read_stats(struct target_stats out[NTARGETS])
{
	uint32_t k;

	for (k = 0; k < NTARGETS; k++)
		assert_int_equal(bpf_map_lookup_elem(F.stats_fd, &k, &out[k]), 0);
}

static int run_prog(int fd, const uint8_t *data, size_t len, int *retval);

/*
 * The shortest frame with EtherType IPv4 that a SCHED_CLS test run takes.
 * The kernel always wants ETH_HLEN; newer ones (6.18 here) also want the
 * 20-byte IPv4 header when skb->protocol says IPv4 (-EINVAL below that).
 */
static size_t probe_skb_ipv4_min(void)
{
	uint8_t frame[PKT_ETH_HLEN + 20];
	size_t len;
	int rv;

	memset(frame, 0, sizeof(frame));
	pkt_put16(frame + 12, PKT_ETH_P_IP);
	for (len = PKT_ETH_HLEN; len < sizeof(frame); len++)
		if (run_prog(F.egress_fd, frame, len, &rv) == 0)
			return len;
	return sizeof(frame);
}

static int group_setup(void **state)
{
	const struct config *cfg = F.cfg;
	struct icmpmon_bpf *skel;
	uint64_t cookie = COOKIE;
	size_t i;
	int err;

	*state = NULL; /* a group state would hide each test's case from it */
	F.ncpus = libbpf_num_possible_cpus();
	assert_true(F.ncpus > 0);

	skel = icmpmon_bpf__open();
	assert_non_null(skel);
	skel->rodata->run_id = htons(RUN_ID);
	memcpy(&skel->rodata->run_cookie, &cookie, sizeof(cookie));
	skel->rodata->cookie_len = cfg->no_cookie ? 0 : ICMPMON_COOKIE_LEN;
	skel->rodata->consume = cfg->consume;
	assert_int_equal(bpf_map__set_max_entries(skel->maps.icmpmon_targets, NTARGETS), 0);
	assert_int_equal(bpf_map__set_max_entries(skel->maps.icmpmon_stats, NTARGETS), 0);
	assert_int_equal(bpf_map__set_max_entries(skel->maps.icmpmon_probes, NPROBES), 0);
	err = icmpmon_bpf__load(skel);
	if (err) {
		icmpmon_bpf__destroy(skel);
		fail_msg("icmpmon_bpf__load: %d (%s); root needed", err, strerror(-err));
	}
	F.skel = skel;
	F.egress_fd = bpf_program__fd(skel->progs.icmpmon_egress);
	F.prog_fd = cfg->prog == PROG_XDP    ? bpf_program__fd(skel->progs.icmpmon_xdp)
		    : cfg->prog == PROG_TC_IN ? bpf_program__fd(skel->progs.icmpmon_tc_in)
					      : F.egress_fd;
	F.probes_fd = bpf_map__fd(skel->maps.icmpmon_probes);
	F.answer_fd = bpf_map__fd(skel->maps.icmpmon_answer);
	F.targets_fd = bpf_map__fd(skel->maps.icmpmon_targets);
	F.stats_fd = bpf_map__fd(skel->maps.icmpmon_stats);
	F.counter_fd = bpf_map__fd(skel->maps.icmpmon_counter);
	F.events_fd = bpf_map__fd(skel->maps.icmpmon_events);
	for (i = 0; i < ARRAY_SIZE(targets); i++) {
		struct icmpmon_addr a = v4(targets[i].addr);

		assert_int_equal(bpf_map_update_elem(F.targets_fd, &a, &targets[i].idx, BPF_NOEXIST), 0);
	}
	F.rb = ring_buffer__new(F.events_fd, on_event, &F, NULL);
	assert_non_null(F.rb);
	F.skb_ipv4_min = probe_skb_ipv4_min();
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	ring_buffer__free(F.rb);
	F.rb = NULL;
	icmpmon_bpf__destroy(F.skel);
	F.skel = NULL;
	return 0;
}

/* Before each test: no probes, no answers, zero stats and counters, no events. */
static int test_setup(void **state)
{
	struct target_stats zero_stats;
	uint64_t zeros[F.ncpus];
	uint32_t k;

	(void)state;
	map_clear(F.probes_fd, sizeof(struct probe_key));
	map_clear(F.answer_fd, sizeof(struct probe_key));
	memset(&zero_stats, 0, sizeof(zero_stats));
	for (k = 0; k < NTARGETS; k++)
		assert_int_equal(bpf_map_update_elem(F.stats_fd, &k, &zero_stats, BPF_ANY), 0);
	memset(zeros, 0, sizeof(zeros));
	for (k = 0; k < ICMPMON_CNT_MAX; k++)
		assert_int_equal(bpf_map_update_elem(F.counter_fd, &k, zeros, BPF_ANY), 0);
	drain_events();
	return 0;
}

/* ---- running programs ------------------------------------------------------------------- */

/* One BPF_PROG_TEST_RUN; returns the syscall's result, *retval the program's. */
static int run_prog(int fd, const uint8_t *data, size_t len, int *retval)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = data, .data_size_in = (uint32_t)len,
		    .repeat = 1);
	uint8_t frame[PKT_MAX];
	int err;

	/*
	 * A SCHED_CLS test run takes the frame as received on lo, whose address
	 * is all zeros: any other unicast destination is PACKET_OTHERHOST.
	 */
	if (fd != F.egress_fd && F.cfg->prog == PROG_TC_IN && len >= 6 && len <= sizeof(frame)) {
		memcpy(frame, data, len);
		memset(frame, 0, 6);
		opts.data_in = frame;
	}

	opts.retval = 0xdeadbeef;
	err = bpf_prog_test_run_opts(fd, &opts);
	*retval = (int)opts.retval;
	return err;
}

/*
 * Whether BPF_PROG_TEST_RUN itself refuses a len-byte prefix of frame (-EINVAL):
 * below ETH_HLEN always; for SCHED_CLS programs also an IPv4-EtherType frame
 * shorter than the kernel's minimum (probe_skb_ipv4_min).
 */
static bool run_refused(int fd, const struct pkt_spec *s, size_t len)
{
	uint16_t ethertype = s->nvlan ? (s->vlan[0].tpid ? s->vlan[0].tpid
				       : s->nvlan > 1 ? PKT_ETH_P_8021AD : PKT_ETH_P_8021Q)
				      : (s->ethertype ? s->ethertype : PKT_ETH_P_IP);
	bool skb = fd == F.egress_fd || F.cfg->prog == PROG_TC_IN;

	if (len < PKT_ETH_HLEN)
		return true;
	return skb && ethertype == PKT_ETH_P_IP && len < F.skb_ipv4_min;
}

static int expected_retval(enum verdict v)
{
	bool drop = v == OURS && F.cfg->consume;

	if (F.cfg->prog == PROG_XDP)
		return drop ? XDP_DROP_ : XDP_PASS_;
	return drop ? TC_ACT_SHOT_ : TC_ACT_UNSPEC_;
}

static const char *kind_name(unsigned int k)
{
	static const char *names[] = { "REPLY", "DUP", "ERROR" };

	return k < ARRAY_SIZE(names) ? names[k] : "?";
}

/* Stamps our echo request seq to target through icmpmon_egress; returns the probe's t_tx. */
static uint64_t stamp_via_egress(uint32_t target, uint16_t seq)
{
	const struct pkt_spec req = REQUEST(target, seq);
	struct probe_key k = pkey(target, seq);
	struct probe_val v;
	uint8_t buf[PKT_MAX];
	uint64_t t0, t1;
	size_t len;
	int rv;

	len = pkt_build(&req, buf, sizeof(buf));
	assert_true(len > 0);
	t0 = mono_ns();
	assert_int_equal(run_prog(F.egress_fd, buf, len, &rv), 0);
	t1 = mono_ns();
	assert_int_equal(rv, TC_ACT_UNSPEC_);
	assert_int_equal(bpf_map_lookup_elem(F.probes_fd, &k, &v), 0);
	assert_int_equal(v.target_idx, idx_of(target));
	assert_in_range(v.t_tx_ns, t0, t1);
	return v.t_tx_ns;
}

static uint64_t stamp_direct(uint32_t target, uint16_t seq, uint64_t ago_ns)
{
	struct probe_key k = pkey(target, seq);
	struct probe_val v;

	memset(&v, 0, sizeof(v));
	v.t_tx_ns = mono_ns() - ago_ns;
	v.src[0] = LOCAL;
	v.target_idx = (uint32_t)idx_of(target);
	assert_int_equal(bpf_map_update_elem(F.probes_fd, &k, &v, BPF_NOEXIST), 0);
	return v.t_tx_ns;
}

static void check_unchanged(const char *what, size_t len, const uint64_t cnt0[ICMPMON_CNT_MAX],
			    const struct target_stats st0[NTARGETS], unsigned int probes0)
{
	struct target_stats st[NTARGETS];
	uint64_t cnt[ICMPMON_CNT_MAX];
	unsigned int k;

	collect_events();
	if (F.nev)
		fail_msg("%s, %zu bytes: unexpected %s event for seq %u", what, len,
			 kind_name(F.ev[0].ev.kind), F.ev[0].ev.seq);
	read_counters(cnt);
	for (k = 0; k < ICMPMON_CNT_MAX; k++)
		if (cnt[k] != cnt0[k])
			fail_msg("%s, %zu bytes: counter %u changed by %llu", what, len, k,
				 (unsigned long long)(cnt[k] - cnt0[k]));
	read_stats(st);
	for (k = 0; k < NTARGETS; k++)
		if (memcmp(&st[k], &st0[k], sizeof(st[k])))
			fail_msg("%s, %zu bytes: stats of target %u changed (received %llu, errors[1] %llu)",
				 what, len, k, (unsigned long long)(st[k].received - st0[k].received),
				 (unsigned long long)(st[k].errors[1] - st0[k].errors[1]));
	if (map_count(F.probes_fd, sizeof(struct probe_key)) != probes0)
		fail_msg("%s, %zu bytes: outstanding probes changed", what, len);
}

/*
 * Every proper prefix of the frame is a no-op: where the test run itself
 * refuses it (run_refused) the syscall must fail with exactly -EINVAL;
 * otherwise the program passes it and touches nothing.
 */
static void sweep_prefixes(int fd, const struct pkt_spec *s, const uint8_t *buf, size_t full, int pass_rv,
			   const uint64_t cnt0[ICMPMON_CNT_MAX], const struct target_stats st0[NTARGETS])
{
	unsigned int probes0 = map_count(F.probes_fd, sizeof(struct probe_key));
	size_t len;
	int err, rv;

	for (len = 0; len < full; len++) {
		err = run_prog(fd, buf, len, &rv);
		if (run_refused(fd, s, len)) {
			if (err != -EINVAL)
				fail_msg("prefix of %zu bytes: test run returned %d, want -EINVAL", len, err);
			continue;
		}
		if (err)
			fail_msg("prefix of %zu bytes: test run failed: %d", len, err);
		if (rv != pass_rv)
			fail_msg("prefix of %zu bytes: verdict %d, want %d", len, rv, pass_rv);
		check_unchanged("prefix", len, cnt0, st0, probes0);
	}
}

/* ---- ingress table ---------------------------------------------------------------------- */

static void run_ingress_case(void **state)
{
	const struct icase *c = *state;
	unsigned int nsteps = c->nsteps ? c->nsteps : 1, nstamps = 0, i, k;
	uint64_t t_tx[ARRAY_SIZE(c->stamps)], cnt0[ICMPMON_CNT_MAX], cnt[ICMPMON_CNT_MAX];
	uint64_t win_lo[MAX_EVENTS], win_hi[MAX_EVENTS];
	struct target_stats st0[NTARGETS], st[NTARGETS], want;
	unsigned int replies = 0, consumed = 0;
	uint8_t buf[PKT_MAX];
	size_t len;

	/* the probes the case starts from */
	for (i = 0; i < ARRAY_SIZE(c->stamps) && c->stamps[i].target; i++, nstamps++)
		t_tx[i] = c->stamps[i].ago_ns ? stamp_direct(c->stamps[i].target, c->stamps[i].seq,
							     c->stamps[i].ago_ns)
					      : stamp_via_egress(c->stamps[i].target, c->stamps[i].seq);
	collect_events();
	assert_int_equal(F.nev, 0);
	read_counters(cnt0);
	read_stats(st0);

	if (c->sweep) {
		len = pkt_build(&c->steps[0].pkt, buf, sizeof(buf));
		assert_true(len > 0);
		sweep_prefixes(F.prog_fd, &c->steps[0].pkt, buf, len, expected_retval(PASS), cnt0, st0);
	}

	for (i = 0; i < nsteps; i++) {
		unsigned int before = F.nev;
		uint64_t lo, hi;
		int rv;

		len = pkt_build(&c->steps[i].pkt, buf, sizeof(buf));
		assert_true(len > 0);
		lo = mono_ns();
		assert_int_equal(run_prog(F.prog_fd, buf, len, &rv), 0);
		hi = mono_ns();
		if (rv != expected_retval(c->steps[i].v))
			fail_msg("step %u: verdict %d, want %d", i, rv, expected_retval(c->steps[i].v));
		collect_events();
		for (k = before; k < F.nev; k++) {
			win_lo[k] = lo;
			win_hi[k] = hi;
		}
	}

	/* events */
	assert_int_equal(F.ev_lost, 0);
	if (F.nev != c->nev)
		fail_msg("%u events (first: %s seq %u), want %u", F.nev,
			 F.nev ? kind_name(F.ev[0].ev.kind) : "-", F.nev ? F.ev[0].ev.seq : 0, c->nev);
	for (i = 0; i < c->nev; i++) {
		const struct icmpmon_event *e = &F.ev[i].ev;
		const struct ev_exp *x = &c->ev[i];
		struct icmpmon_addr from = v4(x->from);
		struct probe_key key;
		struct probe_val pv;
		bool found = false;

		assert_int_equal(F.ev[i].size, sizeof(struct icmpmon_event));
		if (e->kind != x->kind)
			fail_msg("event %u: kind %s, want %s", i, kind_name(e->kind), kind_name(x->kind));
		assert_int_equal(e->seq, x->seq);
		assert_int_equal(e->ttl, x->ttl);
		assert_int_equal(e->icmp_len, x->icmp_len);
		assert_int_equal(e->icmp_type, x->type);
		assert_int_equal(e->icmp_code, x->code);
		assert_memory_equal(&e->from, &from, sizeof(from));
		assert_int_equal(e->target_idx, c->tidx);
		assert_in_range(e->t_rx_ns, win_lo[i], win_hi[i]);
		/* the RTT is measured from the stamp of the probe with this seq */
		for (k = 0; k < nstamps; k++) {
			if (c->stamps[k].seq == e->seq && (uint32_t)idx_of(c->stamps[k].target) == e->target_idx) {
				assert_int_equal(e->rtt_ns, e->t_rx_ns - t_tx[k]);
				assert_true(e->rtt_ns >= c->stamps[k].ago_ns);
				found = true;
			}
		}
		assert_true(found);
		key = pkey(c->stamps[0].target, e->seq);
		for (k = 0; k < nstamps; k++)
			if (c->stamps[k].seq == e->seq && (uint32_t)idx_of(c->stamps[k].target) == e->target_idx)
				key = pkey(c->stamps[k].target, e->seq);
		/* answered, the probe is no longer outstanding; an error settles nothing */
		if (e->kind == ICMPMON_EV_REPLY || e->kind == ICMPMON_EV_DUP) {
			assert_int_not_equal(bpf_map_lookup_elem(F.probes_fd, &key, &pv), 0);
			assert_int_equal(bpf_map_lookup_elem(F.answer_fd, &key, &pv), 0);
		}
		if (e->kind == ICMPMON_EV_REPLY)
			replies++;
		if (e->kind == ICMPMON_EV_REPLY)
			consumed++;
	}

	/* counters */
	read_counters(cnt);
	for (k = 0; k < ICMPMON_CNT_MAX; k++)
		if (cnt[k] - cnt0[k] != c->cnt[k])
			fail_msg("counter %u: +%llu, want +%llu", k, (unsigned long long)(cnt[k] - cnt0[k]),
				 (unsigned long long)c->cnt[k]);

	/* per-target aggregates: all changes belong to tidx and match the events */
	read_stats(st);
	for (k = 0; k < NTARGETS; k++)
		if (k != c->tidx && memcmp(&st[k], &st0[k], sizeof(st[k])))
			fail_msg("stats of target %u changed, only %u should", k, c->tidx);
	want = st0[c->tidx];
	want.received += c->received;
	want.duplicates += c->dups;
	for (k = 0; k < ICMPMON_ERR_KINDS; k++)
		want.errors[k] += c->errors[k];
	for (i = 0; i < F.nev; i++) {
		const struct icmpmon_event *e = &F.ev[i].ev;
		uint64_t rtt = e->rtt_ns ? e->rtt_ns : 1;

		if (e->kind == ICMPMON_EV_ERROR)
			continue;
		want.rtt_count++;
		want.rtt_sum_ns += rtt;
		want.rtt_sum_us += e->rtt_ns / 1000;
		want.rtt_sum2_us += (e->rtt_ns / 1000) * (e->rtt_ns / 1000);
		if (!want.rtt_min_ns || rtt < want.rtt_min_ns)
			want.rtt_min_ns = rtt;
		if (rtt > want.rtt_max_ns)
			want.rtt_max_ns = rtt;
		if (e->kind == ICMPMON_EV_REPLY) {
			uint32_t b = icmpmon_hist_bucket(rtt);

			assert_true(b < ICMPMON_HIST_BUCKETS);
			if (c->top_bucket)
				assert_int_equal(b, ICMPMON_HIST_BUCKETS - 1);
			want.hist[b]++;
			want.rtt_first_sum_ns += rtt;
		}
	}
	assert_int_equal(st[c->tidx].stamped, want.stamped);
	assert_int_equal(st[c->tidx].received, want.received);
	assert_int_equal(st[c->tidx].duplicates, want.duplicates);
	for (k = 0; k < ICMPMON_ERR_KINDS; k++)
		assert_int_equal(st[c->tidx].errors[k], want.errors[k]);
	assert_int_equal(st[c->tidx].rtt_count, want.rtt_count);
	assert_int_equal(st[c->tidx].rtt_sum_ns, want.rtt_sum_ns);
	assert_int_equal(st[c->tidx].rtt_first_sum_ns, want.rtt_first_sum_ns);
	assert_int_equal(st[c->tidx].rtt_sum_us, want.rtt_sum_us);
	assert_int_equal(st[c->tidx].rtt_sum2_us, want.rtt_sum2_us);
	assert_int_equal(st[c->tidx].rtt_min_ns, want.rtt_min_ns);
	assert_int_equal(st[c->tidx].rtt_max_ns, want.rtt_max_ns);
	for (k = 0; k < ICMPMON_HIST_BUCKETS; k++)
		if (st[c->tidx].hist[k] != want.hist[k])
			fail_msg("hist[%u] = %u, want %u", k, st[c->tidx].hist[k], want.hist[k]);

	/* outstanding probes: the stamped ones minus those answered or failed */
	assert_int_equal(map_count(F.probes_fd, sizeof(struct probe_key)), nstamps - consumed);
	assert_int_equal(map_count(F.answer_fd, sizeof(struct probe_key)), replies);
}

/* ---- egress table ----------------------------------------------------------------------- */

static void check_egress_result(const struct ecase *c, bool stamped, uint64_t t0, uint64_t t1,
				size_t len)
{
	struct target_stats st[NTARGETS];
	uint64_t cnt[ICMPMON_CNT_MAX];
	unsigned int k;

	read_stats(st);
	for (k = 0; k < NTARGETS; k++) {
		uint64_t want = stamped && k == c->tidx ? 1 : 0;

		if (st[k].stamped != want)
			fail_msg("%zu bytes: target %u stamped %llu, want %llu", len, k,
				 (unsigned long long)st[k].stamped, (unsigned long long)want);
		assert_int_equal(st[k].received + st[k].duplicates + st[k].rtt_count, 0);
	}
	read_counters(cnt);
	for (k = 0; k < ICMPMON_CNT_MAX; k++)
		assert_int_equal(cnt[k], 0);
	collect_events();
	assert_int_equal(F.nev, 0);
	assert_int_equal(map_count(F.answer_fd, sizeof(struct probe_key)), 0);
	if (map_count(F.probes_fd, sizeof(struct probe_key)) != (stamped ? 1u : 0u))
		fail_msg("%zu bytes: %u outstanding probes, want %u", len,
			 map_count(F.probes_fd, sizeof(struct probe_key)), stamped ? 1u : 0u);
	if (stamped) {
		struct probe_key key = pkey(c->target, c->seq);
		struct probe_val v;

		assert_int_equal(bpf_map_lookup_elem(F.probes_fd, &key, &v), 0);
		assert_int_equal(v.target_idx, c->tidx);
		assert_in_range(v.t_tx_ns, t0, t1);
	}
}

static void run_egress_case(void **state)
{
	const struct ecase *c = *state;
	uint8_t buf[PKT_MAX];
	uint64_t t0, t1;
	size_t len, need, l;
	int rv, err;

	len = pkt_build(&c->pkt, buf, sizeof(buf));
	assert_true(len > 0);
	if (c->sweep) {
		/* headers, the ICMP header and the cookie must be in the linear data; the
		 * rest of a datagram leaving through tc may legitimately be in page frags */
		need = pkt_l4_off(&c->pkt) + 8 + ICMPMON_COOKIE_LEN;
		for (l = 0; l < len; l++) {
			test_setup(NULL);
			t0 = mono_ns();
			err = run_prog(F.egress_fd, buf, l, &rv);
			t1 = mono_ns();
			if (run_refused(F.egress_fd, &c->pkt, l)) {
				if (err != -EINVAL)
					fail_msg("prefix of %zu bytes: test run returned %d, want -EINVAL", l, err);
				continue;
			}
			assert_int_equal(err, 0);
			assert_int_equal(rv, TC_ACT_UNSPEC_);
			check_egress_result(c, l >= need, t0, t1, l);
		}
		test_setup(NULL);
	}
	t0 = mono_ns();
	assert_int_equal(run_prog(F.egress_fd, buf, len, &rv), 0);
	t1 = mono_ns();
	assert_int_equal(rv, TC_ACT_UNSPEC_);
	check_egress_result(c, c->stamped, t0, t1, len);
}

/* The outstanding-probe map full: the request is still counted as stamped, plus TABLE_FULL. */
static void test_egress_table_full(void **state)
{
	struct target_stats st[NTARGETS];
	uint64_t cnt[ICMPMON_CNT_MAX];
	uint8_t buf[PKT_MAX];
	unsigned int i;
	size_t len;
	int rv;

	(void)state;
	for (i = 0; i <= NPROBES; i++) {
		const struct pkt_spec req = REQUEST(T0, (uint16_t)(1000 + i));

		len = pkt_build(&req, buf, sizeof(buf));
		assert_int_equal(run_prog(F.egress_fd, buf, len, &rv), 0);
		assert_int_equal(rv, TC_ACT_UNSPEC_);
	}
	read_counters(cnt);
	assert_int_equal(cnt[ICMPMON_CNT_TABLE_FULL], 1);
	read_stats(st);
	assert_int_equal(st[0].stamped, NPROBES + 1);
	assert_int_equal(map_count(F.probes_fd, sizeof(struct probe_key)), NPROBES);
}

/* The same seq sent again (e.g. a wrapped counter): one entry, restamped, stamped twice. */
static void test_egress_restamp(void **state)
{
	const struct pkt_spec req = REQUEST(T0, 42);
	struct probe_key key = pkey(T0, 42);
	struct target_stats st[NTARGETS];
	struct probe_val v1, v2;
	uint8_t buf[PKT_MAX];
	size_t len;
	int rv;

	(void)state;
	len = pkt_build(&req, buf, sizeof(buf));
	assert_int_equal(run_prog(F.egress_fd, buf, len, &rv), 0);
	assert_int_equal(bpf_map_lookup_elem(F.probes_fd, &key, &v1), 0);
	assert_int_equal(run_prog(F.egress_fd, buf, len, &rv), 0);
	assert_int_equal(bpf_map_lookup_elem(F.probes_fd, &key, &v2), 0);
	assert_true(v2.t_tx_ns >= v1.t_tx_ns);
	read_stats(st);
	assert_int_equal(st[0].stamped, 2);
	assert_int_equal(map_count(F.probes_fd, sizeof(struct probe_key)), 1);
}

/* The builder itself: checksums verify, lengths and offsets are what the tables assume. */
static void test_pkt_builder(void **state)
{
	const struct pkt_spec reply = REPLY(T0, 1, VLAN2);
	const struct pkt_spec opts = REPLY_IP(1, .opt_len = 40);
	const struct pkt_spec err = TIME_EXCEEDED(PROBE_DGRAM(T0, RUN_ID, 1), PKT_QUOTE_ALL);
	const struct pkt_spec udp = { .d = { .ip = IPV4(T0, LOCAL, .proto = PKT_PROTO_UDP), .data = OUR_DATA } };
	const struct pkt_spec bad = REPLY_IP(1, .bad_csum = true);
	uint8_t buf[PKT_MAX];
	uint64_t cookie;
	size_t len;

	(void)state;
	len = pkt_build(&reply, buf, sizeof(buf));
	assert_int_equal(len, 14 + 8 + 20 + ICMP_LEN);
	assert_true(pkt_csums_ok(buf, len, pkt_l3_off(&reply)));
	assert_int_equal(pkt_get16(buf + 12), PKT_ETH_P_8021AD);
	assert_int_equal(pkt_get16(buf + 16), PKT_ETH_P_8021Q);
	assert_int_equal(pkt_get16(buf + 20), PKT_ETH_P_IP);
	assert_int_equal(pkt_get16(buf + 22 + 20 + 4), RUN_ID);
	memcpy(&cookie, buf + 22 + 28, sizeof(cookie));
	assert_true(cookie == COOKIE);

	len = pkt_build(&opts, buf, sizeof(buf));
	assert_int_equal(len, 14 + 60 + ICMP_LEN);
	assert_int_equal(buf[14], 0x4f);
	assert_true(pkt_csums_ok(buf, len, 14));

	len = pkt_build(&err, buf, sizeof(buf));
	assert_int_equal(len, 14 + 20 + FULL_QUOTE_LEN);
	assert_true(pkt_csums_ok(buf, len, 14));
	assert_true(pkt_csums_ok(buf, len, 14 + 28)); /* the quoted datagram, whole */

	len = pkt_build(&udp, buf, sizeof(buf));
	assert_int_equal(len, 14 + 20 + 8 + DATA_LEN);
	assert_int_equal(pkt_l4_csum(&udp.d.ip, PKT_PROTO_UDP, buf + 34, 8 + DATA_LEN), 0);

	len = pkt_build(&bad, buf, sizeof(buf));
	assert_false(pkt_csums_ok(buf, len, 14));
}

/* cookie_len 0: a request without payload is stamped too. */
static void test_nocookie_egress_empty(void **state)
{
	const struct pkt_spec req = PKT(IPV4(LOCAL, T0), ICMP(PKT_ICMP_ECHO, RUN_ID, 5), { .len = 0 });
	struct probe_key key = pkey(T0, 5);
	struct probe_val v;
	uint8_t buf[PKT_MAX];
	size_t len;
	int rv;

	(void)state;
	len = pkt_build(&req, buf, sizeof(buf));
	assert_int_equal(run_prog(F.egress_fd, buf, len, &rv), 0);
	assert_int_equal(rv, TC_ACT_UNSPEC_);
	assert_int_equal(bpf_map_lookup_elem(F.probes_fd, &key, &v), 0);
}

/* ---- groups ----------------------------------------------------------------------------- */

static const struct config cfg_egress = { "icmpmon_egress", PROG_EGRESS, 0, false };
static const struct config cfg_ingress[] = {
	{ "icmpmon_xdp (consume=0)", PROG_XDP, 0, false },
	{ "icmpmon_xdp (consume=1)", PROG_XDP, 1, false },
	{ "icmpmon_tc_in (consume=0)", PROG_TC_IN, 0, false },
	{ "icmpmon_tc_in (consume=1)", PROG_TC_IN, 1, false },
};
static const struct config cfg_nocookie[] = {
	{ "icmpmon_xdp (cookie_len=0)", PROG_XDP, 0, true },
	{ "icmpmon_tc_in (cookie_len=0, consume=1)", PROG_TC_IN, 1, true },
};

/* cmocka 1.1 does not print group names; say which program and settings follow. */
static void announce(const struct config *cfg)
{
	printf("[ PROGRAM  ] %s\n", cfg->name);
	fflush(stdout);
}

static struct CMUnitTest ingress_tests[ARRAY_SIZE(icases)];
static struct CMUnitTest nocookie_tests[ARRAY_SIZE(nocookie_cases) + 1];
static struct CMUnitTest egress_tests[ARRAY_SIZE(ecases) + 3];

int main(void)
{
	int failed = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(icases); i++)
		ingress_tests[i] = (struct CMUnitTest){ icases[i].name, run_ingress_case, test_setup,
							NULL, (void *)&icases[i] };
	for (i = 0; i < ARRAY_SIZE(nocookie_cases); i++)
		nocookie_tests[i] = (struct CMUnitTest){ nocookie_cases[i].name, run_ingress_case,
							 test_setup, NULL, (void *)&nocookie_cases[i] };
	nocookie_tests[i] = (struct CMUnitTest)cmocka_unit_test_setup(test_nocookie_egress_empty, test_setup);
	egress_tests[0] = (struct CMUnitTest)cmocka_unit_test(test_pkt_builder);
	for (i = 0; i < ARRAY_SIZE(ecases); i++)
		egress_tests[i + 1] = (struct CMUnitTest){ ecases[i].name, run_egress_case, test_setup,
							   NULL, (void *)&ecases[i] };
	egress_tests[i + 1] = (struct CMUnitTest)cmocka_unit_test_setup(test_egress_table_full, test_setup);
	egress_tests[i + 2] = (struct CMUnitTest)cmocka_unit_test_setup(test_egress_restamp, test_setup);

	F.cfg = &cfg_egress;
	announce(F.cfg);
	failed += cmocka_run_group_tests_name(cfg_egress.name, egress_tests, group_setup, group_teardown);
	for (i = 0; i < ARRAY_SIZE(cfg_ingress); i++) {
		F.cfg = &cfg_ingress[i];
		announce(F.cfg);
		failed += cmocka_run_group_tests_name(cfg_ingress[i].name, ingress_tests, group_setup,
						      group_teardown);
	}
	for (i = 0; i < ARRAY_SIZE(cfg_nocookie); i++) {
		F.cfg = &cfg_nocookie[i];
		announce(F.cfg);
		failed += cmocka_run_group_tests_name(cfg_nocookie[i].name, nocookie_tests, group_setup,
						      group_teardown);
	}
	return failed ? 1 : 0;
}
