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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_frames),
	};

	return cmocka_run_group_tests_name("pkt builder", tests, NULL, NULL);
}
