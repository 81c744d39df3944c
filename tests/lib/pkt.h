/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Crafted-packet builder for BPF_PROG_TEST_RUN tests and the kernel-cost bench.
 *
 * A struct pkt_spec describes one frame: an Ethernet header with up to
 * PKT_MAX_VLAN 802.1Q/802.1ad tags (or no link header at all, for the
 * programs of L3 devices), then an IPv4 datagram (options, fragment bits) or
 * an IPv6 one (up to PKT_MAX_EXT extension headers: hop-by-hop, destination
 * options, routing, fragment) carrying ICMP/ICMPv6, UDP or TCP, and for ICMP
 * errors a quoted inner datagram. Every field left zero takes a sensible
 * default, so a spec names only what matters. pkt_build() writes correct
 * IPv4, ICMP, ICMPv6, UDP and TCP checksums; the knobs in struct pkt_ip,
 * pkt_ip6, pkt_ext and pkt_icmp make the packet lie on purpose (IHL, total
 * or payload length, extension header length, version, checksums).
 * Truncation is the caller's: pass a prefix of the built frame.
 *
 * IPv4 addresses are network order (use PKT_IP()), IPv6 ones are numbers
 * (PKT_IP6()); ids, sequence numbers, ports and EtherTypes are host order
 * and written big-endian.
 */
#ifndef ICMPMON_TEST_PKT_H
#define ICMPMON_TEST_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PKT_MAX 2048
#define PKT_MAX_VLAN 3 /* one more than icmpmon parses, to test the limit */

#define PKT_ETH_HLEN 14
#define PKT_ETH_P_IP 0x0800
#define PKT_ETH_P_ARP 0x0806
#define PKT_ETH_P_IPV6 0x86DD
#define PKT_ETH_P_8021Q 0x8100
#define PKT_ETH_P_8021AD 0x88A8

#define PKT_PROTO_ICMP 1
#define PKT_PROTO_TCP 6
#define PKT_PROTO_UDP 17
#define PKT_PROTO_ICMPV6 58

#define PKT_IP6_HLEN 40
#define PKT_NEXTHDR_HOP 0
#define PKT_NEXTHDR_ROUTING 43
#define PKT_NEXTHDR_FRAGMENT 44
#define PKT_NEXTHDR_DEST 60

#define PKT_ICMPV6_DEST_UNREACH 1
#define PKT_ICMPV6_PKT_TOOBIG 2
#define PKT_ICMPV6_TIME_EXCEED 3
#define PKT_ICMPV6_PARAMPROB 4
#define PKT_ICMPV6_ECHO_REQUEST 128
#define PKT_ICMPV6_ECHO_REPLY 129
#define PKT_ICMPV6_NEIGH_SOLICIT 135

#define PKT_ICMP_ECHOREPLY 0
#define PKT_ICMP_DEST_UNREACH 3
#define PKT_ICMP_REDIRECT 5
#define PKT_ICMP_ECHO 8
#define PKT_ICMP_TIME_EXCEEDED 11
#define PKT_ICMP_PARAMETERPROB 12
#define PKT_ICMP_TIMESTAMP 13
#define PKT_ICMP_TIMESTAMPREPLY 14

/* pkt_spec.quote_len sentinels (0 means 8 bytes: RFC 792's "64 bits of data"). */
#define PKT_QUOTE_HDR_ONLY (-1) /* only the inner IP (and extension) headers */
#define PKT_QUOTE_ALL (-2)      /* the whole inner datagram (what Linux sends) */

/* IPv4 address a.b.c.d in network order, usable in static initialisers. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define PKT_IP(a, b, c, d) \
	((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)
#else
#define PKT_IP(a, b, c, d) \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))
#endif

/*
 * IPv6 address a:b:c:d (four 32-bit groups, e.g. 0x20010db8, 0, 0, 1) as one
 * number: a scalar, so it passes through nested macros and static
 * initialisers like an IPv4 address does.
 */
typedef unsigned __int128 pkt_in6_t;
#define PKT_IP6(a, b, c, d) \
	((pkt_in6_t)(uint32_t)(a) << 96 | (pkt_in6_t)(uint32_t)(b) << 64 | (pkt_in6_t)(uint32_t)(c) << 32 | (uint32_t)(d))

struct pkt_vlan {
	uint16_t tpid; /* 0: 802.1ad for the outer of several tags, else 802.1Q */
	uint16_t tci;  /* 0: VID 100 + tag index */
};

struct pkt_ip {
	uint32_t saddr, daddr; /* network order */
	uint8_t ttl;           /* 0: 64 */
	uint8_t proto;         /* 0: ICMP */
	uint8_t version;       /* 0: 4; anything else is a lie */
	uint8_t tos;
	uint16_t ip_id;
	uint8_t opt_len;       /* option bytes actually written: multiple of 4, at most 40 */
	bool ihl_set;          /* lie: write ihl instead of 5 + opt_len / 4 */
	uint8_t ihl;
	bool ihl_layout;       /* with ihl_set: the L4 header starts where that IHL says (ihl * 4),
				  overwriting or leaving a gap after the written header */
	bool tot_len_set;      /* lie: write tot_len instead of the true length */
	uint16_t tot_len;
	int tot_len_adj;       /* lie: add this to the (true or set) total length */
	uint16_t frag_off;     /* fragment offset in 8-byte units */
	bool mf, df;
	bool bad_csum;         /* header checksum off by one */
};

#define PKT_MAX_EXT 6 /* two more than icmpmon walks, to test the limit */

enum pkt_ext_kind { PKT_EXT_END = 0, PKT_EXT_HOP, PKT_EXT_DEST, PKT_EXT_ROUTING, PKT_EXT_FRAG };

/* One IPv6 extension header; the list ends at the first PKT_EXT_END. */
struct pkt_ext {
	uint8_t kind;      /* enum pkt_ext_kind */
	uint8_t len8;      /* not FRAG: 8-octet units beyond the first 8, as laid out (options are PadN) */
	int len_adj;       /* lie: add this to the Hdr Ext Len field written (the layout keeps len8) */
	uint16_t frag_off; /* FRAG: offset in 8-byte units */
	bool mf;           /* FRAG: more fragments */
};

struct pkt_ip6 {
	pkt_in6_t saddr, daddr;
	uint8_t hop_limit;     /* 0: 64 */
	uint8_t proto;         /* upper layer after the extension headers; 0: ICMPv6 */
	uint8_t version;       /* 0: 6; anything else is a lie */
	struct pkt_ext ext[PKT_MAX_EXT];
	bool plen_set;         /* lie: write plen as the payload length */
	uint16_t plen;
	int plen_adj;          /* lie: add this to the (true or set) payload length */
};

struct pkt_icmp {
	uint8_t type, code;
	uint16_t id, seq; /* echo/timestamp: identifier and sequence, host order */
	uint32_t rest;    /* other types: the header's second word (pointer, MTU, gateway), host order */
	bool bad_csum;
};

struct pkt_ports {
	uint16_t sport, dport; /* UDP/TCP, host order; 0: 33434 and 7 */
};

struct pkt_data {
	uint16_t len;    /* bytes after the L4 header */
	bool has_cookie; /* the first 8 of them are `cookie` as it lies in memory */
	uint64_t cookie;
	uint8_t fill;    /* filler byte i is fill + i */
};

/* One IPv4 or IPv6 datagram. */
struct pkt_dgram {
	bool v6;                /* ip6 describes the header, else ip */
	struct pkt_ip ip;
	struct pkt_ip6 ip6;
	struct pkt_icmp icmp;   /* when the protocol is ICMP or ICMPv6 (types as in that protocol) */
	struct pkt_ports ports; /* when it is UDP or TCP */
	struct pkt_data data;   /* ignored for the outer datagram of a quote */
};

struct pkt_spec {
	bool l3;                            /* no link header: the frame starts with the datagram */
	uint8_t nvlan;
	struct pkt_vlan vlan[PKT_MAX_VLAN]; /* outermost first */
	uint16_t ethertype;                 /* after the tags; 0: IPv4 or IPv6, as the datagram is */
	struct pkt_dgram d;
	bool quote;            /* the ICMP data of d is the quoted datagram `inner` */
	struct pkt_dgram inner;
	int quote_len;         /* inner bytes after its IP (and extension) headers; 0: 8; PKT_QUOTE_* */
	uint16_t pad;          /* zero bytes after the datagram (Ethernet padding) */
};

/* Internet checksum of p[0..len) folded into sum (pass 0 to start). */
uint16_t pkt_csum(const void *p, size_t len, uint32_t sum);
void pkt_put16(uint8_t *p, uint16_t v);
void pkt_put32(uint8_t *p, uint32_t v);
uint16_t pkt_get16(const uint8_t *p);

/* Bytes of the datagram's IP header as written, IPv6 extension headers included (IHL may say otherwise). */
size_t pkt_dgram_hlen(const struct pkt_dgram *d);

/* Checksum of the L4 segment at l4 (len bytes) under d's IPv4 or IPv6 pseudo-header. */
uint16_t pkt_l4_csum(const struct pkt_dgram *d, uint8_t proto, const uint8_t *l4, size_t len);

/*
 * Writes datagram d into out; the ICMP data is `payload` (payload_len bytes)
 * when not NULL, else d->data. Returns the bytes written, 0 if cap is short.
 */
size_t pkt_build_dgram(const struct pkt_dgram *d, const uint8_t *payload, size_t payload_len, uint8_t *out,
		       size_t cap);

/* Bytes before the IP header: Ethernet plus tags, or none for an L3 frame. */
size_t pkt_l3_off(const struct pkt_spec *s);

/* Bytes before the L4 (ICMP) header, as written. */
size_t pkt_l4_off(const struct pkt_spec *s);

/* Builds the whole frame into out; returns its length, 0 when cap is too small. */
size_t pkt_build(const struct pkt_spec *s, uint8_t *out, size_t cap);

/*
 * 1 when the datagram at l3_off is whole and its checksums verify: the IPv4
 * header's, and the ICMP or ICMPv6 one (IPv6: after walking the extension
 * headers; the pseudo-header's destination is the header's).
 */
int pkt_csums_ok(const uint8_t *frame, size_t len, size_t l3_off);

#endif /* ICMPMON_TEST_PKT_H */
