// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The packet builder the BPF tables stand on (tests/lib/pkt.c): checksums
 * verify, lengths, offsets and the lies are where the tables assume them.
 * Needs no BPF and no root.
 */
#include <string.h>

#include "table.h"

/* IPv4: checksums verify, lengths and offsets are what the tables assume. */
static void test_ipv4_frames(void **state)
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
	assert_int_equal(pkt_l4_csum(&udp.d, PKT_PROTO_UDP, buf + 34, 8 + DATA_LEN), 0);

	len = pkt_build(&bad, buf, sizeof(buf));
	assert_false(pkt_csums_ok(buf, len, 14));
}

#define ABCD { .len = 4, .fill = 'a' }

/* ICMPv6 checksums against values computed apart from this code (RFC 4443 pseudo-header). */
static void test_icmpv6_known_checksums(void **state)
{
	const struct pkt_spec lo = PKT6(IPV6(PKT_IP6(0, 0, 0, 1), PKT_IP6(0, 0, 0, 1)),
					ICMP(PKT_ICMPV6_ECHO_REQUEST, 0x1234, 1), { .len = 0 }, L3);
	const struct pkt_spec r = PKT6(IPV6(LOCAL6, T6), ICMP(PKT_ICMPV6_ECHO_REPLY, 0xbeef, 7), ABCD, L3);
	uint8_t buf[PKT_MAX];
	size_t len;

	(void)state;
	len = pkt_build(&lo, buf, sizeof(buf));
	assert_int_equal(len, 40 + 8);
	assert_int_equal(pkt_get16(buf + 40 + 2), 0x6d86);
	len = pkt_build(&r, buf, sizeof(buf));
	assert_int_equal(len, 40 + 12);
	assert_memory_equal(buf + 48, "abcd", 4);
	assert_int_equal(pkt_get16(buf + 40 + 2), 0x9f85);
	assert_true(pkt_csums_ok(buf, len, 0));
	buf[49] ^= 1;
	assert_false(pkt_csums_ok(buf, len, 0));
}

/* The options of a hop-by-hop or destination header end exactly at its end (Pad1/PadN only). */
static void assert_options_fill(const uint8_t *ext)
{
	size_t size = ((size_t)ext[1] + 1) * 8, off = 2;

	while (off < size) {
		if (ext[off] == 0) {
			off++;
			continue;
		}
		assert_int_equal(ext[off], 1);
		off += 2 + (size_t)ext[off + 1];
	}
	assert_int_equal(off, size);
}

/* IPv6: header fields, the extension-header chain and its lengths, the lies. */
static void test_ipv6_frames(void **state)
{
	const struct pkt_spec plain = REPLY6(T6, 1);
	const struct pkt_spec four = REPLY6_IP(2, EXTS(HOP, DEST, { .kind = PKT_EXT_ROUTING, .len8 = 2 },
						       { .kind = PKT_EXT_FRAG, .frag_off = 0, .mf = true }));
	const struct pkt_spec lying = REPLY6_IP(3, EXTS({ .kind = PKT_EXT_HOP, .len8 = 1, .len_adj = 254 }),
					       .plen_adj = 7, .version = 5);
	const struct pkt_spec later = REPLY6_IP(4, EXTS({ .kind = PKT_EXT_FRAG, .frag_off = 185 }));
	const struct pkt_spec err = ICMP6_ERR(ROUTER6_IP, PKT_ICMPV6_TIME_EXCEED, 0, 0,
					      PROBE6_DGRAM(T6, RUN_ID, 5), PKT_QUOTE_ALL, VLAN1);
	const struct pkt_spec l3 = REPLY6(T6, 6, L3);
	const struct pkt_spec big = REPLY6_IP(7, EXTS({ .kind = PKT_EXT_HOP, .len8 = 100 }, DEST));
	uint8_t buf[PKT_MAX], want_src[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 1 };
	uint64_t cookie;
	size_t len;

	(void)state;
	len = pkt_build(&plain, buf, sizeof(buf));
	assert_int_equal(len, 14 + 40 + ICMP_LEN);
	assert_int_equal(pkt_get16(buf + 12), PKT_ETH_P_IPV6);
	assert_int_equal(buf[14] >> 4, 6);
	assert_int_equal(pkt_get16(buf + 14 + 4), ICMP_LEN);
	assert_int_equal(buf[14 + 6], PKT_PROTO_ICMPV6);
	assert_int_equal(buf[14 + 7], REPLY_TTL);
	assert_memory_equal(buf + 14 + 8, want_src, 16);
	assert_int_equal(buf[54], PKT_ICMPV6_ECHO_REPLY);
	assert_int_equal(pkt_get16(buf + 54 + 4), RUN_ID);
	assert_int_equal(pkt_get16(buf + 54 + 6), 1);
	memcpy(&cookie, buf + 54 + 8, sizeof(cookie));
	assert_true(cookie == COOKIE);
	assert_true(pkt_csums_ok(buf, len, 14));

	len = pkt_build(&four, buf, sizeof(buf));
	assert_int_equal(pkt_l4_off(&four), 14 + 40 + 8 + 8 + 24 + 8);
	assert_int_equal(len, pkt_l4_off(&four) + ICMP_LEN);
	assert_int_equal(pkt_get16(buf + 18), 8 + 8 + 24 + 8 + ICMP_LEN);
	assert_int_equal(buf[20], 0);                 /* hop-by-hop */
	assert_int_equal(buf[54], 60);                /* then destination options */
	assert_int_equal(buf[55], 0);
	assert_int_equal(buf[62], 43);                /* then routing, 24 bytes */
	assert_int_equal(buf[70], 44);                /* then fragment */
	assert_int_equal(buf[71], 2);
	assert_int_equal(buf[94], 58);                /* then ICMPv6 */
	assert_int_equal(pkt_get16(buf + 96), 1);     /* offset 0, M */
	assert_options_fill(buf + 54);
	assert_options_fill(buf + 62);
	assert_int_equal(buf[102], PKT_ICMPV6_ECHO_REPLY);
	assert_true(pkt_csums_ok(buf, len, 14));

	len = pkt_build(&lying, buf, sizeof(buf));
	assert_int_equal(len, 14 + 40 + 16 + ICMP_LEN);
	assert_int_equal(buf[14] >> 4, 5);
	assert_int_equal(buf[55], 255);               /* Hdr Ext Len lies, the layout does not */
	assert_int_equal(buf[70], PKT_ICMPV6_ECHO_REPLY);
	assert_int_equal(pkt_get16(buf + 18), 16 + ICMP_LEN + 7);
	assert_false(pkt_csums_ok(buf, len, 14));

	len = pkt_build(&later, buf, sizeof(buf));
	assert_int_equal(pkt_get16(buf + 54 + 2), 185 << 3);

	len = pkt_build(&err, buf, sizeof(buf));
	assert_int_equal(len, 18 + 40 + 8 + 40 + ICMP_LEN);
	assert_int_equal(pkt_get16(buf + 16), PKT_ETH_P_IPV6);
	assert_true(pkt_csums_ok(buf, len, 18));
	assert_true(pkt_csums_ok(buf, len, 18 + 48)); /* the quoted datagram, whole */
	assert_int_equal(buf[18 + 48 + 40], PKT_ICMPV6_ECHO_REQUEST);

	len = pkt_build(&big, buf, sizeof(buf));
	assert_int_equal(len, 14 + 40 + 808 + 8 + ICMP_LEN);
	assert_options_fill(buf + 54);
	assert_options_fill(buf + 54 + 808);
	assert_true(pkt_csums_ok(buf, len, 14));

	len = pkt_build(&l3, buf, sizeof(buf));
	assert_int_equal(len, 40 + ICMP_LEN);
	assert_int_equal(pkt_l3_off(&l3), 0);
	assert_int_equal(buf[0] >> 4, 6);
	assert_true(pkt_csums_ok(buf, len, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_frames),
		cmocka_unit_test(test_ipv6_frames),
		cmocka_unit_test(test_icmpv6_known_checksums),
	};

	return cmocka_run_group_tests_name("pkt builder", tests, NULL, NULL);
}
