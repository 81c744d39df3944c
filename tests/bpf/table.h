/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The BPF_PROG_TEST_RUN packet tables of icmpmon's programs, in the style of
 * the kernel selftests: crafted frames (tests/lib/pkt.h) go through the real
 * programs; verdicts, maps and ring-buffer events are checked against tables.
 *
 * Each group loads its own skeleton (run_id 0xbeef, an 8-byte cookie,
 * targets and stats sized NTARGETS, probes NPROBES, all set before load) for
 * one program and one setting (struct config). Each test starts from empty
 * probe/answer maps, zero stats and counters and a drained ring buffer.
 *
 * This header holds what the test files share: the run's identity and
 * addresses, packet shorthands, the case types, the fixture and the ingress
 * runner (ingress.c), which test_xdp.c and test_tc_ingress.c both use.
 */
#ifndef ICMPMON_TEST_TABLE_H
#define ICMPMON_TEST_TABLE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "bpf/icmpmon.h"
#include "util/stats.h" /* struct target_snapshot */
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
#define T3 PKT_IP(198, 51, 100, 7)  /* target index 3 */
#define STRANGER PKT_IP(203, 0, 113, 9)

#define LOCAL6 PKT_IP6(0x20010db8, 0, 0, 2)
#define ROUTER6 PKT_IP6(0x20010db8, 0, 0, 1)
#define T6 PKT_IP6(0x20010db8, 0x10000, 0, 1)  /* 2001:db8:1::1, target index 2 */
#define T6B PKT_IP6(0x20010db8, 0x10000, 0, 2) /* 2001:db8:1::2, target index 4 (5 unused) */
#define STRANGER6 PKT_IP6(0x20010db8, 0xff0000, 0, 9)
/* c000:201::, whose first word is T0's address: told apart from T0 only by the family */
#define T0_AS6 PKT_IP6(0xc0000201, 0, 0, 0)
#define IDX_T6 2
#define IDX_T6B 4

#define NTARGETS 6 /* icmpmon_targets / icmpmon_stats max_entries */
#define NPROBES 16 /* icmpmon_probes max_entries */
#define DATA_LEN 56
#define ICMP_LEN (8 + DATA_LEN)
#define REPLY_TTL 57
#define ROUTER_TTL 250

/* ---- packet shorthands ---------------------------------------------------------------- */

#define OUR_DATA { .len = DATA_LEN, .has_cookie = true, .cookie = COOKIE }
#define FOREIGN_DATA { .len = DATA_LEN, .has_cookie = true, .cookie = OTHER_COOKIE }
#define OUR_DATA_LEN(n) { .len = (n), .has_cookie = true, .cookie = COOKIE }
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

/* Priority tags (VLAN id 0, PCP 1): the host takes them; any other VLAN id is not for its interface. */
#define VLAN1 .nvlan = 1, .vlan = { { .tci = 0x2000 } }
#define VLAN2 .nvlan = 2, .vlan = { { .tci = 0x2000 }, { .tci = 0x2000 } }
#define L3 .l3 = true

/* ICMP length of an error quoting a 20-byte inner header plus q bytes. */
#define ERR_LEN(q) (8 + 20 + (q))
#define FULL_QUOTE_LEN (8 + 20 + ICMP_LEN)

/* IPv6: the same shapes. Extension headers: .ext = { HOP, DEST, ... } via EXTS(). */
#define IPV6(src, dst, ...) { .saddr = (src), .daddr = (dst), __VA_ARGS__ }
#define PKT6(ipx, icmpx, datax, ...) { .d = { .v6 = true, .ip6 = ipx, .icmp = icmpx, .data = datax }, __VA_ARGS__ }
#define REPLY6(src, seq_, ...) \
	PKT6(IPV6(src, LOCAL6, .hop_limit = REPLY_TTL), ICMP(PKT_ICMPV6_ECHO_REPLY, RUN_ID, seq_), OUR_DATA, \
	     ##__VA_ARGS__)
#define REPLY6_IP(seq_, ...) \
	PKT6(IPV6(T6, LOCAL6, .hop_limit = REPLY_TTL, __VA_ARGS__), ICMP(PKT_ICMPV6_ECHO_REPLY, RUN_ID, seq_), \
	     OUR_DATA)
#define REQUEST6(dst, seq_, ...) \
	PKT6(IPV6(LOCAL6, dst), ICMP(PKT_ICMPV6_ECHO_REQUEST, RUN_ID, seq_), OUR_DATA, ##__VA_ARGS__)
#define REQUEST6_IP(seq_, ...) \
	PKT6(IPV6(LOCAL6, T6, __VA_ARGS__), ICMP(PKT_ICMPV6_ECHO_REQUEST, RUN_ID, seq_), OUR_DATA)
#define PROBE6_DGRAM(dst, id_, seq_) \
	{ .v6 = true, .ip6 = IPV6(LOCAL6, dst, .hop_limit = 1), .icmp = ICMP(PKT_ICMPV6_ECHO_REQUEST, id_, seq_), \
	  .data = OUR_DATA }
#define ROUTER6_IP IPV6(ROUTER6, LOCAL6, .hop_limit = ROUTER_TTL)
#define ICMP6_ERR(ipx, type_, code_, rest_, dgram, qlen, ...)                                                \
	{ .d = { .v6 = true, .ip6 = ipx, .icmp = { .type = (type_), .code = (code_), .rest = (rest_) } }, \
	  .quote = true, .inner = dgram, .quote_len = (qlen), ##__VA_ARGS__ }
#define EXTS(...) .ext = { __VA_ARGS__ }
#define HOP { .kind = PKT_EXT_HOP }
#define DEST { .kind = PKT_EXT_DEST }
#define RTG { .kind = PKT_EXT_ROUTING }
#define FRAG { .kind = PKT_EXT_FRAG } /* atomic: offset 0, no MF */
/* ICMPv6 length of an error quoting a 40-byte inner header plus q bytes. */
#define ERR6_LEN(q) (8 + 40 + (q))

/* ---- tables ----------------------------------------------------------------------------- */

enum verdict { PASS = 0, OURS };

/* A probe a case starts from; target (IPv4) or target6 (IPv6), both 0 end the list. */
struct stamp {
	uint32_t target;
	pkt_in6_t target6;
	uint16_t seq;
	uint64_t ago_ns;  /* 0: stamp by running our request through the egress program;
			     else insert the probe directly with t_tx = now - ago_ns */
	bool stale;       /* insert directly with target_idx = idx, whatever icmpmon_targets says
			     (a slot a reload took away and gave to another target) */
	uint32_t idx;
	bool answered;    /* (stale only) into icmpmon_answer: a probe already answered */
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
	uint32_t from;     /* IPv4, or */
	pkt_in6_t from6;   /* IPv6 */
	uint32_t info;     /* an error's second header word */
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
	uint64_t errored, errored_replied; /* probes an error quoted; of those, answered afterwards */
	uint64_t cnt[ICMPMON_CNT_MAX];
	unsigned int nev;
	struct ev_exp ev[MAX_STEPS];
	bool top_bucket;      /* the reply's RTT lands in the last histogram bucket */
};

#define STAMP(t, s) { .target = (t), .seq = (s) }
#define STAMP6(t, s) { .target6 = (t), .seq = (s) }
#define STAMP_AGO(t, s, ns) { .target = (t), .seq = (s), .ago_ns = (ns) }
/* A probe to t whose slot is now idx's (see struct stamp), outstanding or already answered. */
#define STAMP_STALE(t, s, idx_) { .target = (t), .seq = (s), .stale = true, .idx = (idx_) }
#define ANSWERED_STALE(t, s, idx_) { .target = (t), .seq = (s), .stale = true, .idx = (idx_), .answered = true }
#define EV(k, seq_, ttl_, len_, type_, code_, from_, ...) \
	{ .kind = (k), .seq = (seq_), .ttl = (ttl_), .icmp_len = (len_), .type = (type_), .code = (code_), \
	  .from = (from_), ##__VA_ARGS__ }
#define EV_REPLY(seq_, len_, from_) EV(ICMPMON_EV_REPLY, seq_, REPLY_TTL, len_, 0, 0, from_)
#define EV_DUP(seq_, len_, from_) EV(ICMPMON_EV_DUP, seq_, REPLY_TTL, len_, 0, 0, from_)
#define EV_ERR(seq_, len_, type_, code_, ...) \
	EV(ICMPMON_EV_ERROR, seq_, ROUTER_TTL, len_, type_, code_, ROUTER, ##__VA_ARGS__)
#define EV6_REPLY(seq_, len_, from_) \
	EV(ICMPMON_EV_REPLY, seq_, REPLY_TTL, len_, PKT_ICMPV6_ECHO_REPLY, 0, 0, .from6 = (from_))
#define EV6_DUP(seq_, len_, from_) \
	EV(ICMPMON_EV_DUP, seq_, REPLY_TTL, len_, PKT_ICMPV6_ECHO_REPLY, 0, 0, .from6 = (from_))
#define EV6_ERR(seq_, len_, type_, code_, ...) \
	EV(ICMPMON_EV_ERROR, seq_, ROUTER_TTL, len_, type_, code_, 0, .from6 = ROUTER6, ##__VA_ARGS__)

/* A stamped probe seq to T0 is answered by pkt: matched as a first reply of icmp_len len_. */
#define MATCHED(name_, seq_, len_, ...) \
	{ .name = name_, .stamps = { STAMP(T0, seq_) }, .steps = { { __VA_ARGS__, OURS } }, \
	  .received = 1, .nev = 1, .ev = { EV_REPLY(seq_, len_, T0) } }
/* A stamped probe seq to T0 is left alone by pkt: no counter, no event, probe kept. */
#define IGNORED(name_, seq_, ...) \
	{ .name = name_, .stamps = { STAMP(T0, seq_) }, .steps = { { __VA_ARGS__, PASS } } }
/* The same for a probe to T6. */
#define MATCHED6(name_, seq_, len_, ...) \
	{ .name = name_, .stamps = { STAMP6(T6, seq_) }, .steps = { { __VA_ARGS__, OURS } }, .tidx = IDX_T6, \
	  .received = 1, .nev = 1, .ev = { EV6_REPLY(seq_, len_, T6) } }
#define IGNORED6(name_, seq_, ...) \
	{ .name = name_, .stamps = { STAMP6(T6, seq_) }, .steps = { { __VA_ARGS__, PASS } } }

/* The ingress tables (cases_*.c). */
extern const struct icase ingress4_cases[], nocookie_cases[], ingress6_cases[], l3_cases[];
extern const size_t ingress4_ncases, nocookie_ncases, ingress6_ncases, l3_ncases;

/* ---- fixture (fixture.c) ---------------------------------------------------------------- */

enum prog_kind { PROG_EGRESS, PROG_XDP, PROG_TC_IN };

/* One group: a program and the settings it is loaded with. */
struct config {
	const char *name;
	enum prog_kind prog;
	uint8_t consume;
	bool no_cookie;
	bool l3;         /* the *_l3 variant, fed frames without a link header */
	bool cpu_per_step; /* step i runs on CPU i % CPUs: the answered-probe map's LRU lists are per CPU */
};

struct got_event {
	struct icmpmon_event ev;
	size_t size;
};

struct fixture {
	const struct config *cfg;
	struct icmpmon_bpf *skel;
	struct ring_buffer *rb;
	int prog_fd, egress_fd; /* egress_fd: the egress program of the same link kind */
	int probes_fd, answer_fd, targets_fd, stats_fd, hists_fd, counter_fd, events_fd;
	size_t skb_min_ip4, skb_min_ip6; /* shortest IP-EtherType frames a SCHED_CLS test run accepts */
	struct got_event ev[MAX_EVENTS];
	unsigned int nev, ev_lost;
};

extern struct fixture F;

int group_setup(void **state);
int group_teardown(void **state);
int test_setup(void **state);

/* Runs tests once per config, each config a group with its own skeleton. Returns the failures. */
int run_groups(const struct config *cfgs, size_t ncfgs, const struct CMUnitTest *tests, size_t ntests);

uint64_t mono_ns(void);
void collect_events(void);
const char *kind_name(unsigned int k);

/* The map key of an address: IPv6 when a6 is not 0, else IPv4 a4. */
struct icmpmon_addr taddr(uint32_t a4, pkt_in6_t a6);
int idx_of(uint32_t a4, pkt_in6_t a6);
struct probe_key pkey(uint32_t a4, pkt_in6_t a6, uint16_t seq);
unsigned int probe_count(int map_fd);
void read_counters(uint64_t out[ICMPMON_CNT_MAX]);
/* Each target's counters (icmpmon_stats) and histograms (icmpmon_hists). */
void read_stats(struct target_snapshot out[NTARGETS]);

/* Builds s into buf (PKT_MAX bytes), failing the test when it does not fit. */
size_t build(const struct pkt_spec *s, uint8_t *buf);
/* One BPF_PROG_TEST_RUN; returns the syscall's result, *retval the program's. */
int run_prog(int fd, const uint8_t *data, size_t len, int *retval);
/* Whether BPF_PROG_TEST_RUN itself refuses a len-byte prefix of frame (-EINVAL). */
bool run_refused(int fd, const uint8_t *frame, size_t len);
int expected_retval(enum verdict v);

/* Stamps our echo request seq to the target through the egress program; returns its t_tx. */
uint64_t stamp_via_egress(uint32_t a4, pkt_in6_t a6, uint16_t seq);

/* ---- ingress (ingress.c) ---------------------------------------------------------------- */

void run_ingress_case(void **state);

/* Runs the ingress tables that fit each config (plain, cookie_len 0, or *_l3). */
int run_ingress_tables(const struct config *cfgs, size_t ncfgs);

#endif /* ICMPMON_TEST_TABLE_H */
