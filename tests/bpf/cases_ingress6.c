// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The IPv6 ingress table, run through icmpmon_xdp and icmpmon_tc_in with
 * consume=0 and consume=1: echo replies and ICMPv6 errors behind 0 to 4
 * extension headers (the walk's limit, bpf/parse.bpf.h MAX_IPV6_EXT), the 5th
 * that makes the parser give up, and lying lengths.
 */
#include "table.h"

#define ROUTING_N(n) { .kind = PKT_EXT_ROUTING, .len8 = (n) }
#define HOP_N(n) { .kind = PKT_EXT_HOP, .len8 = (n) }
#define DEST_N(n) { .kind = PKT_EXT_DEST, .len8 = (n) }
#define FRAG_AT(off, more) { .kind = PKT_EXT_FRAG, .frag_off = (off), .mf = (more) }
#define HOP_LIE(adj) { .kind = PKT_EXT_HOP, .len_adj = (adj) }
#define DEST_LIE(adj) { .kind = PKT_EXT_DEST, .len_adj = (adj) }

/* An ICMPv6 error from ROUTER6 of type_ quoting our probe seq to T6 (8 bytes after its header). */
#define ERR6_MATCHED(name_, seq_, type_, code_, rest_, kind_)                                               \
	{ .name = name_, .stamps = { STAMP6(T6, seq_) }, .tidx = IDX_T6,                                    \
	  .steps = { { ICMP6_ERR(ROUTER6_IP, type_, code_, rest_, PROBE6_DGRAM(T6, RUN_ID, seq_), 0), OURS } }, \
	  .errors = { [kind_] = 1 }, .errored = 1, .nev = 1, .ev = { EV6_ERR(seq_, ERR6_LEN(8), type_, code_, .info = (rest_)) } }

/* Spelled out, not forwarded to ICMP6_ERR: a dgram argument would be re-split at its commas. */
#define TIME_EXCEEDED6(dgram, qlen, ...)                                                      \
	{ .d = { .v6 = true, .ip6 = ROUTER6_IP, .icmp = { .type = PKT_ICMPV6_TIME_EXCEED } }, \
	  .quote = true, .inner = dgram, .quote_len = (qlen), ##__VA_ARGS__ }
#define DGRAM_V6(icmpx) { .v6 = true, .ip6 = IPV6(LOCAL6, T6), .icmp = icmpx, .data = OUR_DATA }
#define PROBE6_DGRAM_IP(seq_, ...) \
	{ .v6 = true, .ip6 = IPV6(LOCAL6, T6, .hop_limit = 1, __VA_ARGS__), \
	  .icmp = ICMP(PKT_ICMPV6_ECHO_REQUEST, RUN_ID, seq_), .data = OUR_DATA }

const struct icase ingress6_cases[] = {
	/* matching */
	MATCHED6("IPv6 echo reply to a stamped probe: REPLY", 1, ICMP_LEN, REPLY6(T6, 1)),
	{ .name = "IPv6 reply truncated at every byte: nothing until the whole frame",
	  .stamps = { STAMP6(T6, 2) }, .sweep = true, .tidx = IDX_T6,
	  .steps = { { REPLY6(T6, 2), OURS } },
	  .received = 1, .nev = 1, .ev = { EV6_REPLY(2, ICMP_LEN, T6) } },
	{ .name = "IPv6 duplicate reply: REPLY then DUP",
	  .stamps = { STAMP6(T6, 3) }, .nsteps = 2, .tidx = IDX_T6,
	  .steps = { { REPLY6(T6, 3), OURS }, { REPLY6(T6, 3), OURS } },
	  .received = 1, .dups = 1, .nev = 2, .ev = { EV6_REPLY(3, ICMP_LEN, T6), EV6_DUP(3, ICMP_LEN, T6) } },
	{ .name = "IPv6 reply for target index 4",
	  .stamps = { STAMP6(T6, 4), STAMP6(T6B, 4) }, .tidx = IDX_T6B,
	  .steps = { { REPLY6(T6B, 4), OURS } },
	  .received = 1, .nev = 1, .ev = { EV6_REPLY(4, ICMP_LEN, T6B) } },
	{ .name = "IPv6 RTT of 5 ms: its histogram bucket",
	  .stamps = { { .target6 = T6, .seq = 5, .ago_ns = 5000000 } }, .tidx = IDX_T6,
	  .steps = { { REPLY6(T6, 5), OURS } },
	  .received = 1, .nev = 1, .ev = { EV6_REPLY(5, ICMP_LEN, T6) } },
	MATCHED6("IPv6 reply behind an 802.1Q tag matched", 6, ICMP_LEN, REPLY6(T6, 6, VLAN1)),
	MATCHED6("IPv6 reply behind 802.1ad + 802.1Q tags matched", 7, ICMP_LEN, REPLY6(T6, 7, VLAN2)),
	MATCHED6("IPv6 reply followed by Ethernet padding matched", 8, ICMP_LEN, REPLY6(T6, 8, .pad = 18)),
	MATCHED6("payload length 8 bytes short of the frame, checksum over the payload: matched, icmp_len from "
		 "the header", 9, ICMP_LEN - 8,
		 PKT6(IPV6(T6, LOCAL6, .hop_limit = REPLY_TTL), ICMP(PKT_ICMPV6_ECHO_REPLY, RUN_ID, 9),
		      OUR_DATA_LEN(DATA_LEN - 8), .pad = 8)),
	{ .name = "payload length 8 bytes short of the frame, checksum over the frame: BAD_CSUM (the host drops it)",
	  .stamps = { STAMP6(T6, 19) },
	  .steps = { { REPLY6_IP(19, .plen_adj = -8), PASS } },
	  .cnt = { [ICMPMON_CNT_BAD_CSUM] = 1 } },

	/* extension headers: the walk takes up to 4 */
	MATCHED6("1 extension header (hop-by-hop) matched", 10, ICMP_LEN, REPLY6_IP(10, EXTS(HOP))),
	MATCHED6("1 extension header (destination options) matched", 11, ICMP_LEN, REPLY6_IP(11, EXTS(DEST))),
	MATCHED6("1 extension header (routing) matched", 12, ICMP_LEN, REPLY6_IP(12, EXTS(RTG))),
	MATCHED6("2 extension headers (hop-by-hop, destination) matched", 13, ICMP_LEN,
		 REPLY6_IP(13, EXTS(HOP, DEST))),
	MATCHED6("3 extension headers (hop-by-hop, destination, routing) matched", 14, ICMP_LEN,
		 REPLY6_IP(14, EXTS(HOP, DEST, RTG))),
	MATCHED6("4 extension headers (hop-by-hop, destination, routing, destination) matched", 15, ICMP_LEN,
		 REPLY6_IP(15, EXTS(HOP, DEST, RTG, DEST))),
	{ .name = "4 extension headers of 8, 16, 24, 32 bytes, truncated at every byte",
	  .stamps = { STAMP6(T6, 16) }, .sweep = true, .tidx = IDX_T6,
	  .steps = { { REPLY6_IP(16, EXTS(HOP_N(0), DEST_N(1), ROUTING_N(2), DEST_N(3))), OURS } },
	  .received = 1, .nev = 1, .ev = { EV6_REPLY(16, ICMP_LEN, T6) } },
	MATCHED6("4 extension headers ending in a fragment header (offset 0, MF): matched, icmp_len 0", 17, 0,
		 REPLY6_IP(17, EXTS(HOP, DEST, RTG, FRAG_AT(0, true)))),
	MATCHED6("hop-by-hop of 808 bytes (Hdr Ext Len 100) matched", 18, ICMP_LEN,
		 REPLY6_IP(18, EXTS(HOP_N(100)))),
	IGNORED6("5 extension headers (one beyond the walk), ignored", 19,
		 REPLY6_IP(19, EXTS(HOP, DEST, RTG, FRAG, DEST))),
	IGNORED6("5 destination options headers, ignored", 20, REPLY6_IP(20, EXTS(DEST, DEST, DEST, DEST, DEST))),
	IGNORED6("6 extension headers, ignored", 21, REPLY6_IP(21, EXTS(HOP, DEST, RTG, DEST, DEST, DEST))),

	/* fragments */
	MATCHED6("first fragment (offset 0, MF) matched, icmp_len 0", 22, 0, REPLY6_IP(22, EXTS(FRAG_AT(0, true)))),
	MATCHED6("atomic fragment (offset 0, no MF) matched, icmp_len 0", 23, 0, REPLY6_IP(23, EXTS(FRAG))),
	IGNORED6("later fragment (offset 1, MF), ignored", 24, REPLY6_IP(24, EXTS(FRAG_AT(1, true)))),
	IGNORED6("last fragment (offset 185), ignored", 25, REPLY6_IP(25, EXTS(HOP, FRAG_AT(185, false)))),

	/* extension header lengths lie */
	IGNORED6("hop-by-hop length running past the frame (Hdr Ext Len 255), ignored", 30,
		 REPLY6_IP(30, EXTS(HOP_LIE(255)))),
	IGNORED6("4th header's length running past the frame, ignored", 31,
		 REPLY6_IP(31, EXTS(HOP, DEST, RTG, DEST_LIE(20)))),
	IGNORED6("destination options 8 bytes longer than laid out: ICMPv6 header misplaced, ignored", 32,
		 REPLY6_IP(32, EXTS(DEST_LIE(1)))),
	IGNORED6("extension header past the payload length, inside the frame's padding: ignored", 33,
		 PKT6(IPV6(T6, LOCAL6, .hop_limit = REPLY_TTL, EXTS(HOP_LIE(10))),
		      ICMP(PKT_ICMPV6_ECHO_REPLY, RUN_ID, 33), OUR_DATA, .pad = 200)),

	/* payload length lies */
	IGNORED6("payload length one byte beyond the frame, ignored", 40, REPLY6_IP(40, .plen_adj = 1)),
	IGNORED6("payload length 65535, ignored", 41, REPLY6_IP(41, .plen_set = true, .plen = 65535)),
	IGNORED6("payload length 0, ignored", 42, REPLY6_IP(42, .plen_set = true, .plen = 0)),
	IGNORED6("payload length shorter than the extension headers, ignored", 43,
		 REPLY6_IP(43, EXTS(HOP, DEST), .plen_set = true, .plen = 8)),
	IGNORED6("payload length leaves 4 bytes of ICMPv6, ignored", 44,
		 REPLY6_IP(44, .plen_set = true, .plen = 4)),
	IGNORED6("payload length leaves 4 bytes of ICMPv6 after 2 extension headers, ignored", 45,
		 REPLY6_IP(45, EXTS(HOP, DEST), .plen_set = true, .plen = 16 + 4)),
	{ .name = "payload length ends inside the cookie: BAD_COOKIE",
	  .stamps = { STAMP6(T6, 46) },
	  .steps = { { REPLY6_IP(46, .plen_set = true, .plen = 8 + 4), PASS } },
	  .cnt = { [ICMPMON_CNT_BAD_COOKIE] = 1 } },

	/* not ours */
	IGNORED6("IPv6 bytes under the IPv4 EtherType, ignored", 50, REPLY6(T6, 50, .ethertype = PKT_ETH_P_IP)),
	IGNORED6("IPv6 EtherType, version 4 header, ignored", 51, REPLY6_IP(51, .version = 4)),
	IGNORED6("IPv6 other ICMP id, ignored", 52,
		 PKT6(IPV6(T6, LOCAL6), ICMP(PKT_ICMPV6_ECHO_REPLY, OTHER_ID, 52), OUR_DATA)),
	{ .name = "IPv6 our id, wrong cookie: BAD_COOKIE",
	  .stamps = { STAMP6(T6, 53) },
	  .steps = { { PKT6(IPV6(T6, LOCAL6), ICMP(PKT_ICMPV6_ECHO_REPLY, RUN_ID, 53), FOREIGN_DATA), PASS } },
	  .cnt = { [ICMPMON_CNT_BAD_COOKIE] = 1 } },
	{ .name = "IPv6 unknown seq: UNMATCHED",
	  .stamps = { STAMP6(T6, 54) },
	  .steps = { { REPLY6(T6, 55), PASS } },
	  .cnt = { [ICMPMON_CNT_UNMATCHED] = 1 } },
	{ .name = "IPv6 reply from a non-target address: UNMATCHED",
	  .stamps = { STAMP6(T6, 56) },
	  .steps = { { REPLY6(STRANGER6, 56), PASS } },
	  .cnt = { [ICMPMON_CNT_UNMATCHED] = 1 } },
	{ .name = "IPv6 reply from the other IPv6 target than the probed one: UNMATCHED",
	  .stamps = { STAMP6(T6, 57) },
	  .steps = { { REPLY6(T6B, 57), PASS } },
	  .cnt = { [ICMPMON_CNT_UNMATCHED] = 1 } },
	{ .name = "IPv6 reply from c000:201:: to an IPv4 probe of 192.0.2.1: UNMATCHED (the family is in the key)",
	  .stamps = { STAMP(T0, 58) },
	  .steps = { { REPLY6(T0_AS6, 58), PASS } },
	  .cnt = { [ICMPMON_CNT_UNMATCHED] = 1 } },
	{ .name = "IPv4 reply to an IPv6 probe with the same seq: UNMATCHED",
	  .stamps = { STAMP6(T6, 59) },
	  .steps = { { REPLY(T0, 59), PASS } },
	  .cnt = { [ICMPMON_CNT_UNMATCHED] = 1 } },
	IGNORED6("ICMPv6 echo request (ours, seen on ingress), ignored", 60,
		 PKT6(IPV6(T6, LOCAL6), ICMP(PKT_ICMPV6_ECHO_REQUEST, RUN_ID, 60), OUR_DATA)),
	IGNORED6("ICMPv6 type 0 (ICMP's echo reply), ignored", 61,
		 PKT6(IPV6(T6, LOCAL6), ICMP(PKT_ICMP_ECHOREPLY, RUN_ID, 61), OUR_DATA)),
	IGNORED6("ICMP (protocol 1) echo reply carried by IPv6, ignored", 62,
		 PKT6(IPV6(T6, LOCAL6, .proto = PKT_PROTO_ICMP), ICMP(PKT_ICMP_ECHOREPLY, RUN_ID, 62), OUR_DATA)),
	IGNORED6("neighbour solicitation, ignored", 63,
		 PKT6(IPV6(T6, LOCAL6), { .type = PKT_ICMPV6_NEIGH_SOLICIT }, OUR_DATA)),
	IGNORED6("UDP over IPv6, ignored", 64,
		 { .d = { .v6 = true, .ip6 = IPV6(T6, LOCAL6, .proto = PKT_PROTO_UDP), .data = OUR_DATA } }),

	/* ICMPv6 errors */
	ERR6_MATCHED("time exceeded quoting our IPv6 probe: ERROR, probe kept", 70, PKT_ICMPV6_TIME_EXCEED, 0, 0,
		     ICMPMON_ERR_TIME_EXCEEDED),
	ERR6_MATCHED("destination unreachable (port, code 4): ERROR, errors[UNREACH]", 71,
		     PKT_ICMPV6_DEST_UNREACH, 4, 0, ICMPMON_ERR_UNREACH),
	ERR6_MATCHED("packet too big (MTU 1280): ERROR, errors[OTHER], info 1280", 72, PKT_ICMPV6_PKT_TOOBIG, 0,
		     1280, ICMPMON_ERR_OTHER),
	ERR6_MATCHED("parameter problem (pointer 40): ERROR, errors[PARAM_PROBLEM], info 40", 73,
		     PKT_ICMPV6_PARAMPROB, 1, 40, ICMPMON_ERR_PARAM_PROBLEM),
	{ .name = "time exceeded, whole IPv6 probe quoted, truncated at every byte",
	  .stamps = { STAMP6(T6, 74) }, .sweep = true, .tidx = IDX_T6,
	  .steps = { { TIME_EXCEEDED6(PROBE6_DGRAM(T6, RUN_ID, 74), PKT_QUOTE_ALL), OURS } },
	  .errors = { [ICMPMON_ERR_TIME_EXCEEDED] = 1 }, .errored = 1,
	  .nev = 1, .ev = { EV6_ERR(74, ERR6_LEN(ICMP_LEN), PKT_ICMPV6_TIME_EXCEED, 0) } },
	{ .name = "time exceeded with 2 extension headers quoting a probe with 2: ERROR",
	  .stamps = { STAMP6(T6, 75) }, .tidx = IDX_T6,
	  .steps = { { ICMP6_ERR(IPV6(ROUTER6, LOCAL6, .hop_limit = ROUTER_TTL, EXTS(HOP, DEST)),
				 PKT_ICMPV6_TIME_EXCEED, 0, 0, PROBE6_DGRAM_IP(75, EXTS(HOP, RTG)), 0), OURS } },
	  .errors = { [ICMPMON_ERR_TIME_EXCEEDED] = 1 }, .errored = 1,
	  .nev = 1, .ev = { EV6_ERR(75, ERR6_LEN(16 + 8), PKT_ICMPV6_TIME_EXCEED, 0) } },
	{ .name = "time exceeded quoting a probe with 4 extension headers: ERROR",
	  .stamps = { STAMP6(T6, 76) }, .tidx = IDX_T6,
	  .steps = { { TIME_EXCEEDED6(PROBE6_DGRAM_IP(76, EXTS(HOP, DEST, RTG, DEST)), 0), OURS } },
	  .errors = { [ICMPMON_ERR_TIME_EXCEEDED] = 1 }, .errored = 1,
	  .nev = 1, .ev = { EV6_ERR(76, ERR6_LEN(32 + 8), PKT_ICMPV6_TIME_EXCEED, 0) } },
	IGNORED6("time exceeded quoting a probe with 5 extension headers, ignored", 77,
		 TIME_EXCEEDED6(PROBE6_DGRAM_IP(77, EXTS(HOP, DEST, RTG, DEST, DEST)), 0)),
	IGNORED6("time exceeded with 5 extension headers of its own, ignored", 78,
		 ICMP6_ERR(IPV6(ROUTER6, LOCAL6, EXTS(HOP, DEST, RTG, DEST, DEST)), PKT_ICMPV6_TIME_EXCEED, 0, 0,
			   PROBE6_DGRAM(T6, RUN_ID, 78), 0)),
	{ .name = "IPv6 error quoting someone else's echo (other id): FOREIGN_ERROR",
	  .stamps = { STAMP6(T6, 79) },
	  .steps = { { TIME_EXCEEDED6(PROBE6_DGRAM(T6, OTHER_ID, 79), 0), PASS } },
	  .cnt = { [ICMPMON_CNT_FOREIGN_ERROR] = 1 } },
	{ .name = "IPv6 error quoting our id, unknown seq: FOREIGN_ERROR",
	  .stamps = { STAMP6(T6, 80) },
	  .steps = { { TIME_EXCEEDED6(PROBE6_DGRAM(T6, RUN_ID, 81), 0), PASS } },
	  .cnt = { [ICMPMON_CNT_FOREIGN_ERROR] = 1 } },
	{ .name = "IPv6 error quoting our id and seq to another destination: FOREIGN_ERROR",
	  .stamps = { STAMP6(T6, 82) },
	  .steps = { { TIME_EXCEEDED6(PROBE6_DGRAM(T6B, RUN_ID, 82), 0), PASS } },
	  .cnt = { [ICMPMON_CNT_FOREIGN_ERROR] = 1 } },
	IGNORED("ICMPv6 error quoting an IPv4 probe, ignored", 83,
		TIME_EXCEEDED6(PROBE_DGRAM(T0, RUN_ID, 83), 0)),
	IGNORED6("ICMP error quoting an IPv6 probe, ignored", 84, TIME_EXCEEDED(PROBE6_DGRAM(T6, RUN_ID, 84), 0)),
	IGNORED6("IPv6 error quoting only the IPv6 header, ignored", 85,
		 TIME_EXCEEDED6(PROBE6_DGRAM(T6, RUN_ID, 85), PKT_QUOTE_HDR_ONLY)),
	IGNORED6("IPv6 error quoting 4 bytes of ICMPv6, ignored", 86, TIME_EXCEEDED6(PROBE6_DGRAM(T6, RUN_ID, 86), 4)),
	IGNORED6("IPv6 error quoting a later fragment, ignored", 87,
		 TIME_EXCEEDED6(PROBE6_DGRAM_IP(87, EXTS(FRAG_AT(3, false))), 0)),
	IGNORED6("IPv6 error quoting an echo reply, ignored", 88,
		 TIME_EXCEEDED6(DGRAM_V6(ICMP(PKT_ICMPV6_ECHO_REPLY, RUN_ID, 88)), 0)),
	IGNORED6("IPv6 error with payload length beyond the frame, ignored", 89,
		 ICMP6_ERR(IPV6(ROUTER6, LOCAL6, .plen_adj = 1), PKT_ICMPV6_TIME_EXCEED, 0, 0,
			   PROBE6_DGRAM(T6, RUN_ID, 89), 0)),
	IGNORED6("IPv6 error as a later fragment, ignored", 90,
		 ICMP6_ERR(IPV6(ROUTER6, LOCAL6, EXTS(FRAG_AT(2, false))), PKT_ICMPV6_TIME_EXCEED, 0, 0,
			   PROBE6_DGRAM(T6, RUN_ID, 90), 0)),
	{ .name = "IPv6 reply after the error for the same probe: ERROR, then REPLY",
	  .stamps = { STAMP6(T6, 91) }, .nsteps = 2, .tidx = IDX_T6,
	  .steps = { { TIME_EXCEEDED6(PROBE6_DGRAM(T6, RUN_ID, 91), 0), OURS }, { REPLY6(T6, 91), OURS } },
	  .errors = { [ICMPMON_ERR_TIME_EXCEEDED] = 1 }, .errored = 1, .errored_replied = 1, .received = 1,
	  .nev = 2, .ev = { EV6_ERR(91, ERR6_LEN(8), PKT_ICMPV6_TIME_EXCEED, 0), EV6_REPLY(91, ICMP_LEN, T6) } },
};

const size_t ingress6_ncases = ARRAY_SIZE(ingress6_cases);
