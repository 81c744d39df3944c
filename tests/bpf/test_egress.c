// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * icmpmon_egress and icmpmon_egr_l3 (tc egress) under BPF_PROG_TEST_RUN: which of the frames
 * leaving the host are stamped as this run's probes, with which key, target
 * index and time; everything else leaves no trace in the maps. The groups:
 * the table (IPv4 and IPv6, with 0 to 5 extension headers), plus table-full
 * and restamp; the few cases with cookie_len=0; icmpmon_egr_l3, the variant
 * for devices without a link header, with its own table.
 *
 * Needs root.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "table.h"

struct ecase {
	const char *name;
	struct pkt_spec pkt;
	bool stamped;
	uint32_t target;  /* the probe key when stamped: target or target6 */
	pkt_in6_t target6;
	uint16_t seq;
	uint32_t tidx;
	bool sweep;       /* every prefix: stamped exactly when it holds headers and cookie */
};

#define E_STAMPED(name_, dst, idx, seq_, ...) \
	{ .name = name_, .pkt = __VA_ARGS__, .stamped = true, .target = (dst), .seq = (seq_), .tidx = (idx) }
#define E_IGNORED(name_, ...) { .name = name_, .pkt = __VA_ARGS__ }
#define E_STAMPED6(name_, dst, idx, seq_, ...) \
	{ .name = name_, .pkt = __VA_ARGS__, .stamped = true, .target6 = (dst), .seq = (seq_), .tidx = (idx) }
#define E_STAMPED6_T6(name_, seq_, ...) E_STAMPED6(name_, T6, IDX_T6, seq_, __VA_ARGS__)
#define FRAG_AT(off, more) { .kind = PKT_EXT_FRAG, .frag_off = (off), .mf = (more) }

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
	E_IGNORED("IPv4 bytes under the IPv6 EtherType: not stamped", REQUEST(T0, 26, .ethertype = PKT_ETH_P_IPV6)),
	E_IGNORED("three VLAN tags: not stamped", REQUEST(T0, 27, .nvlan = 3)),
	E_IGNORED("later fragment: not stamped", REQUEST_IP(28, .frag_off = 1, .mf = true)),
	E_IGNORED("bad IHL 4: not stamped", REQUEST_IP(29, .ihl_set = true, .ihl = 4)),
	E_IGNORED("tot_len < header: not stamped", REQUEST_IP(30, .tot_len_set = true, .tot_len = 19)),
	E_IGNORED("tot_len leaves 4 bytes of ICMP: not stamped", REQUEST_IP(31, .tot_len_set = true, .tot_len = 24)),
	E_IGNORED("version 6 header: not stamped", REQUEST_IP(32, .version = 6)),

	/* IPv6 */
	E_STAMPED6_T6("IPv6 request to target index 2: stamped", 40, REQUEST6(T6, 40)),
	E_STAMPED6("IPv6 request to target index 4: stamped", T6B, IDX_T6B, 41, REQUEST6(T6B, 41)),
	{ .name = "IPv6 request truncated at every byte: stamped once headers and cookie are in",
	  .pkt = REQUEST6(T6, 42), .stamped = true, .target6 = T6, .seq = 42, .tidx = IDX_T6, .sweep = true },
	E_STAMPED6_T6("IPv6 behind 802.1ad + 802.1Q tags: stamped", 43, REQUEST6(T6, 43, VLAN2)),
	E_STAMPED6_T6("IPv6, 1 extension header: stamped", 44, REQUEST6_IP(44, EXTS(HOP))),
	E_STAMPED6_T6("IPv6, 2 extension headers: stamped", 45, REQUEST6_IP(45, EXTS(HOP, DEST))),
	E_STAMPED6_T6("IPv6, 3 extension headers: stamped", 46, REQUEST6_IP(46, EXTS(HOP, DEST, RTG))),
	E_STAMPED6_T6("IPv6, 4 extension headers ending in a first fragment: stamped", 47,
		      REQUEST6_IP(47, EXTS(HOP, DEST, RTG, FRAG_AT(0, true)))),
	{ .name = "IPv6, 4 extension headers, truncated at every byte",
	  .pkt = REQUEST6_IP(48, EXTS(HOP, DEST, { .kind = PKT_EXT_ROUTING, .len8 = 2 }, DEST)),
	  .stamped = true, .target6 = T6, .seq = 48, .tidx = IDX_T6, .sweep = true },
	E_IGNORED("IPv6, 5 extension headers: not stamped", REQUEST6_IP(49, EXTS(HOP, DEST, RTG, DEST, DEST))),
	E_IGNORED("IPv6, hop-by-hop length past the frame: not stamped",
		  REQUEST6_IP(50, EXTS({ .kind = PKT_EXT_HOP, .len_adj = 200 }))),
	E_IGNORED("IPv6, payload length shorter than the extension headers: not stamped",
		  REQUEST6_IP(51, EXTS(HOP, DEST), .plen_set = true, .plen = 8)),
	E_IGNORED("IPv6, payload length leaves 4 bytes of ICMPv6: not stamped",
		  REQUEST6_IP(52, .plen_set = true, .plen = 4)),
	E_IGNORED("IPv6 later fragment: not stamped", REQUEST6_IP(53, EXTS(FRAG_AT(1, true)))),
	E_IGNORED("IPv6 other id: not stamped",
		  PKT6(IPV6(LOCAL6, T6), ICMP(PKT_ICMPV6_ECHO_REQUEST, OTHER_ID, 54), OUR_DATA)),
	E_IGNORED("IPv6 wrong cookie: not stamped",
		  PKT6(IPV6(LOCAL6, T6), ICMP(PKT_ICMPV6_ECHO_REQUEST, RUN_ID, 55), FOREIGN_DATA)),
	E_IGNORED("IPv6 not a target: not stamped", REQUEST6(STRANGER6, 56)),
	E_IGNORED("IPv6 c000:201:: (192.0.2.1's word, other family): not stamped", REQUEST6(T0_AS6, 57)),
	E_IGNORED("ICMPv6 echo reply: not stamped",
		  PKT6(IPV6(LOCAL6, T6), ICMP(PKT_ICMPV6_ECHO_REPLY, RUN_ID, 58), OUR_DATA)),
	E_IGNORED("ICMPv6 type 8 (ICMP's echo request): not stamped",
		  PKT6(IPV6(LOCAL6, T6), ICMP(PKT_ICMP_ECHO, RUN_ID, 59), OUR_DATA)),
	E_IGNORED("ICMP (protocol 1) echo request carried by IPv6: not stamped",
		  PKT6(IPV6(LOCAL6, T6, .proto = PKT_PROTO_ICMP), ICMP(PKT_ICMP_ECHO, RUN_ID, 60), OUR_DATA)),
	E_IGNORED("IPv6 bytes under the IPv4 EtherType: not stamped", REQUEST6(T6, 61, .ethertype = PKT_ETH_P_IP)),
};

/* icmpmon_egr_l3: packets without a link header. */
static const struct ecase l3_ecases[] = {
	E_STAMPED("L3: IPv4 request to target 0: stamped", T0, 0, 1, REQUEST(T0, 1, L3)),
	E_STAMPED("L3: IPv4 request to target 3: stamped", T3, 3, 2, REQUEST(T3, 2, L3)),
	{ .name = "L3: IPv4 request with IHL 15, truncated at every byte",
	  .pkt = PKT(IPV4(LOCAL, T0, .opt_len = 40), ICMP(PKT_ICMP_ECHO, RUN_ID, 3), OUR_DATA, L3),
	  .stamped = true, .target = T0, .seq = 3, .sweep = true },
	E_STAMPED6_T6("L3: IPv6 request: stamped", 4, REQUEST6(T6, 4, L3)),
	{ .name = "L3: IPv6 request behind 4 extension headers, truncated at every byte",
	  .pkt = PKT6(IPV6(LOCAL6, T6, EXTS(HOP, DEST, RTG, DEST)), ICMP(PKT_ICMPV6_ECHO_REQUEST, RUN_ID, 5),
		      OUR_DATA, L3),
	  .stamped = true, .target6 = T6, .seq = 5, .tidx = IDX_T6, .sweep = true },
	E_IGNORED("L3: IPv6 request behind 5 extension headers: not stamped",
		  PKT6(IPV6(LOCAL6, T6, EXTS(HOP, DEST, RTG, DEST, DEST)), ICMP(PKT_ICMPV6_ECHO_REQUEST, RUN_ID, 6),
		       OUR_DATA, L3)),
	E_IGNORED("L3: other id: not stamped",
		  PKT(IPV4(LOCAL, T0), ICMP(PKT_ICMP_ECHO, OTHER_ID, 7), OUR_DATA, L3)),
	E_IGNORED("L3: wrong cookie: not stamped",
		  PKT(IPV4(LOCAL, T0), ICMP(PKT_ICMP_ECHO, RUN_ID, 8), FOREIGN_DATA, L3)),
	E_IGNORED("L3: not a target: not stamped", REQUEST(STRANGER, 9, L3)),
	E_IGNORED("L3: later fragment: not stamped",
		  PKT(IPV4(LOCAL, T0, .frag_off = 1), ICMP(PKT_ICMP_ECHO, RUN_ID, 10), OUR_DATA, L3)),
	E_IGNORED("L3: the request with an Ethernet header in front: not stamped", REQUEST(T0, 11)),
	E_IGNORED("L3: IPv6 request with an Ethernet header in front: not stamped", REQUEST6(T6, 12)),
};

/* ---- egress table ----------------------------------------------------------------------- */

/* Run with cookie_len = 0 (payloads shorter than the cookie): any payload is stamped. */
static const struct ecase nocookie_ecases[] = {
	E_STAMPED("no cookie: request without payload stamped", T0, 0, 5,
		  PKT(IPV4(LOCAL, T0), ICMP(PKT_ICMP_ECHO, RUN_ID, 5), { .len = 0 })),
	E_STAMPED("no cookie: request with 4 bytes of payload stamped", T0, 0, 6,
		  PKT(IPV4(LOCAL, T0), ICMP(PKT_ICMP_ECHO, RUN_ID, 6), { .len = 4 })),
	E_STAMPED("no cookie: request with a foreign payload stamped", T0, 0, 7,
		  PKT(IPV4(LOCAL, T0), ICMP(PKT_ICMP_ECHO, RUN_ID, 7), FOREIGN_DATA)),
	E_IGNORED("no cookie: other id still not stamped",
		  PKT(IPV4(LOCAL, T0), ICMP(PKT_ICMP_ECHO, OTHER_ID, 8), { .len = 0 })),
};

static void check_egress_result(const struct ecase *c, bool stamped, uint64_t t0, uint64_t t1,
				size_t len)
{
	struct target_snapshot st[NTARGETS];
	uint64_t cnt[ICMPMON_CNT_MAX];
	unsigned int k;

	read_stats(st);
	for (k = 0; k < NTARGETS; k++) {
		uint64_t want = stamped && k == c->tidx ? 1 : 0;

		if (st[k].c.stamped != want)
			fail_msg("%zu bytes: target %u stamped %llu, want %llu", len, k,
				 (unsigned long long)st[k].c.stamped, (unsigned long long)want);
		assert_int_equal(st[k].c.received + st[k].c.duplicates + st[k].c.rtt_count, 0);
	}
	read_counters(cnt);
	for (k = 0; k < ICMPMON_CNT_MAX; k++)
		assert_int_equal(cnt[k], 0);
	collect_events();
	assert_int_equal(F.nev, 0);
	assert_int_equal(probe_count(F.answer_fd), 0);
	if (probe_count(F.probes_fd) != (stamped ? 1u : 0u))
		fail_msg("%zu bytes: %u outstanding probes, want %u", len,
			 probe_count(F.probes_fd), stamped ? 1u : 0u);
	if (stamped) {
		struct probe_key key = pkey(c->target, c->target6, c->seq);
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

	len = build(&c->pkt, buf);
	if (c->sweep) {
		/* headers, the ICMP header and the cookie must be in the linear data; the
		 * rest of a datagram leaving through tc may legitimately be in page frags */
		need = pkt_l4_off(&c->pkt) + 8 + ICMPMON_COOKIE_LEN;
		for (l = 0; l < len; l++) {
			test_setup(NULL);
			t0 = mono_ns();
			err = run_prog(F.egress_fd, buf, l, &rv);
			t1 = mono_ns();
			if (run_refused(F.egress_fd, buf, l)) {
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
	struct target_snapshot st[NTARGETS];
	uint64_t cnt[ICMPMON_CNT_MAX];
	uint8_t buf[PKT_MAX];
	unsigned int i;
	size_t len;
	int rv;

	(void)state;
	for (i = 0; i <= NPROBES; i++) {
		const struct pkt_spec req = REQUEST(T0, (uint16_t)(1000 + i));

		len = build(&req, buf);
		assert_int_equal(run_prog(F.egress_fd, buf, len, &rv), 0);
		assert_int_equal(rv, TC_ACT_UNSPEC_);
	}
	read_counters(cnt);
	assert_int_equal(cnt[ICMPMON_CNT_TABLE_FULL], 1);
	read_stats(st);
	assert_int_equal(st[0].c.stamped, NPROBES + 1);
	assert_int_equal(probe_count(F.probes_fd), NPROBES);
}

/* The same seq sent again (e.g. a wrapped counter): one entry, restamped, stamped twice. */
static void test_egress_restamp(void **state)
{
	const struct pkt_spec req = REQUEST(T0, 42);
	struct probe_key key = pkey(T0, 0, 42);
	struct target_snapshot st[NTARGETS];
	struct probe_val v1, v2;
	uint8_t buf[PKT_MAX];
	size_t len;
	int rv;

	(void)state;
	len = build(&req, buf);
	assert_int_equal(run_prog(F.egress_fd, buf, len, &rv), 0);
	assert_int_equal(bpf_map_lookup_elem(F.probes_fd, &key, &v1), 0);
	assert_int_equal(run_prog(F.egress_fd, buf, len, &rv), 0);
	assert_int_equal(bpf_map_lookup_elem(F.probes_fd, &key, &v2), 0);
	assert_true(v2.t_tx_ns >= v1.t_tx_ns);
	read_stats(st);
	assert_int_equal(st[0].c.stamped, 2);
	assert_int_equal(probe_count(F.probes_fd), 1);
}


static size_t add_ecases(struct CMUnitTest *out, const struct ecase *cases, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		out[i] = (struct CMUnitTest){ cases[i].name, run_egress_case, test_setup, NULL, (void *)&cases[i] };
	return n;
}

static const struct config cfg_egress = { .name = "icmpmon_egress", .prog = PROG_EGRESS };
static const struct config cfg_nocookie = { .name = "icmpmon_egress (cookie_len=0)", .prog = PROG_EGRESS,
					    .no_cookie = true };

static const struct config cfg_l3 = { .name = "icmpmon_egr_l3", .prog = PROG_EGRESS, .l3 = true };

static struct CMUnitTest egress_tests[ARRAY_SIZE(ecases) + 2];
static struct CMUnitTest nocookie_tests[ARRAY_SIZE(nocookie_ecases)];
static struct CMUnitTest l3_tests[ARRAY_SIZE(l3_ecases)];

int main(void)
{
	size_t n;
	int failed = 0;

	n = add_ecases(egress_tests, ecases, ARRAY_SIZE(ecases));
	egress_tests[n++] = (struct CMUnitTest)cmocka_unit_test_setup(test_egress_table_full, test_setup);
	egress_tests[n++] = (struct CMUnitTest)cmocka_unit_test_setup(test_egress_restamp, test_setup);
	failed += run_groups(&cfg_egress, 1, egress_tests, n);
	n = add_ecases(nocookie_tests, nocookie_ecases, ARRAY_SIZE(nocookie_ecases));
	failed += run_groups(&cfg_nocookie, 1, nocookie_tests, n);
	n = add_ecases(l3_tests, l3_ecases, ARRAY_SIZE(l3_ecases));
	failed += run_groups(&cfg_l3, 1, l3_tests, n);
	return failed ? 1 : 0;
}
