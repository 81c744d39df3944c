// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Checks a built frame's checksums, reading the headers as a receiver would (see pkt.h). */
#include "pkt.h"

static int ip4_csums_ok(const uint8_t *ip, size_t avail)
{
	size_t hlen = (size_t)(ip[0] & 0xf) * 4, tot = pkt_get16(ip + 2);

	if (hlen < 20 || tot > avail || tot < hlen)
		return 0;
	if (pkt_csum(ip, hlen, 0))
		return 0;
	if (ip[9] == PKT_PROTO_ICMP && pkt_csum(ip + hlen, tot - hlen, 0))
		return 0;
	return 1;
}

static pkt_in6_t get_in6(const uint8_t *p)
{
	pkt_in6_t a = 0;
	int i;

	for (i = 0; i < 16; i++)
		a = a << 8 | p[i];
	return a;
}

static int is_ext(uint8_t nh)
{
	return nh == PKT_NEXTHDR_HOP || nh == PKT_NEXTHDR_ROUTING || nh == PKT_NEXTHDR_DEST ||
	       nh == PKT_NEXTHDR_FRAGMENT;
}

static int ip6_csums_ok(const uint8_t *ip, size_t avail)
{
	struct pkt_dgram d = { .v6 = true };
	size_t end, off = PKT_IP6_HLEN, size;
	unsigned int i;
	uint8_t nh;

	if (avail < PKT_IP6_HLEN)
		return 0;
	end = PKT_IP6_HLEN + pkt_get16(ip + 4);
	if (end > avail)
		return 0;
	nh = ip[6];
	for (i = 0; i < PKT_MAX_EXT && is_ext(nh); i++) {
		if (off + 8 > end)
			return 0;
		size = nh == PKT_NEXTHDR_FRAGMENT ? 8 : ((size_t)ip[off + 1] + 1) * 8;
		nh = ip[off];
		off += size;
	}
	if (off > end)
		return 0;
	if (nh != PKT_PROTO_ICMPV6)
		return 1;
	d.ip6.saddr = get_in6(ip + 8);
	d.ip6.daddr = get_in6(ip + 24);
	return pkt_l4_csum(&d, nh, ip + off, end - off) == 0;
}

int pkt_csums_ok(const uint8_t *frame, size_t len, size_t l3_off)
{
	if (len < l3_off + 20)
		return 0;
	if ((frame[l3_off] >> 4) == 6)
		return ip6_csums_ok(frame + l3_off, len - l3_off);
	return ip4_csums_ok(frame + l3_off, len - l3_off);
}
