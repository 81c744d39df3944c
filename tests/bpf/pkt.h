/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Crafted-packet builder for BPF_PROG_TEST_RUN tests (header only).
 *
 * A struct pkt_spec describes one Ethernet frame: up to PKT_MAX_VLAN
 * 802.1Q/802.1ad tags, an IPv4 datagram (options, fragment bits) carrying
 * ICMP, UDP or TCP, and for ICMP errors a quoted inner IPv4 datagram. Every
 * field left zero takes a sensible default, so a spec names only what
 * matters. pkt_build() writes correct IPv4, ICMP, UDP and TCP checksums;
 * the knobs in struct pkt_ip / pkt_icmp make the packet lie on purpose
 * (IHL, total length, version, checksums). Truncation is the caller's:
 * pass a prefix of the built frame.
 *
 * Addresses are network order (use PKT_IP()); ids, sequence numbers, ports
 * and EtherTypes are host order and written big-endian.
 */
#ifndef ICMPMON_TEST_PKT_H
#define ICMPMON_TEST_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

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

#define PKT_ICMP_ECHOREPLY 0
#define PKT_ICMP_DEST_UNREACH 3
#define PKT_ICMP_REDIRECT 5
#define PKT_ICMP_ECHO 8
#define PKT_ICMP_TIME_EXCEEDED 11
#define PKT_ICMP_PARAMETERPROB 12
#define PKT_ICMP_TIMESTAMP 13
#define PKT_ICMP_TIMESTAMPREPLY 14

/* pkt_spec.quote_len sentinels (0 means 8 bytes: RFC 792's "64 bits of data"). */
#define PKT_QUOTE_HDR_ONLY (-1) /* only the inner IPv4 header */
#define PKT_QUOTE_ALL (-2)      /* the whole inner datagram (what Linux sends) */

/* IPv4 address a.b.c.d in network order, usable in static initialisers. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define PKT_IP(a, b, c, d) \
	((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)
#else
#define PKT_IP(a, b, c, d) \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))
#endif

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

/* One IPv4 datagram. */
struct pkt_dgram {
	struct pkt_ip ip;
	struct pkt_icmp icmp;   /* when ip.proto is ICMP */
	struct pkt_ports ports; /* when ip.proto is UDP or TCP */
	struct pkt_data data;   /* ignored for the outer datagram of a quote */
};

struct pkt_spec {
	uint8_t nvlan;
	struct pkt_vlan vlan[PKT_MAX_VLAN]; /* outermost first */
	uint16_t ethertype;                 /* after the tags; 0: IPv4 */
	struct pkt_dgram d;
	bool quote;            /* the ICMP data of d is the quoted datagram `inner` */
	struct pkt_dgram inner;
	int quote_len;         /* inner bytes after its IPv4 header; 0: 8; PKT_QUOTE_* */
	uint16_t pad;          /* zero bytes after the datagram (Ethernet padding) */
};

/* Internet checksum of p[0..len) folded into sum (pass 0 to start). */
static inline uint16_t pkt_csum(const void *p, size_t len, uint32_t sum)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)b[i] << 8 | b[i + 1];
	if (len & 1)
		sum += (uint32_t)b[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static inline void pkt_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void pkt_put32(uint8_t *p, uint32_t v)
{
	pkt_put16(p, (uint16_t)(v >> 16));
	pkt_put16(p + 2, (uint16_t)v);
}

static inline uint16_t pkt_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint8_t pkt_proto(const struct pkt_ip *ip)
{
	return ip->proto ? ip->proto : PKT_PROTO_ICMP;
}

/* Offset of the L4 header in the datagram: the header written (IHL may say otherwise). */
static inline size_t pkt_ip_hlen(const struct pkt_ip *ip)
{
	if (ip->ihl_set && ip->ihl_layout)
		return (size_t)(ip->ihl & 0xf) * 4;
	return 20 + ip->opt_len;
}

static inline void pkt_fill_data(const struct pkt_data *d, uint8_t *p)
{
	size_t i = 0;

	if (d->has_cookie)
		for (; i < sizeof(d->cookie) && i < d->len; i++)
			p[i] = ((const uint8_t *)&d->cookie)[i];
	for (; i < d->len; i++)
		p[i] = (uint8_t)(d->fill + i);
}

/* Checksum over the IPv4 pseudo-header plus the L4 segment at l4. */
static inline uint16_t pkt_l4_csum(const struct pkt_ip *ip, uint8_t proto, const uint8_t *l4,
				   size_t len)
{
	uint8_t ph[12];

	memcpy(ph, &ip->saddr, 4);
	memcpy(ph + 4, &ip->daddr, 4);
	ph[8] = 0;
	ph[9] = proto;
	pkt_put16(ph + 10, (uint16_t)len);
	return pkt_csum(l4, len, (uint16_t)~pkt_csum(ph, sizeof(ph), 0));
}

/*
 * Writes datagram d into out; the ICMP data is `payload` (payload_len bytes)
 * when not NULL, else d->data. Returns the bytes written, 0 if cap is short.
 */
static inline size_t pkt_build_dgram(const struct pkt_dgram *d, const uint8_t *payload,
				     size_t payload_len, uint8_t *out, size_t cap)
{
	const struct pkt_ip *ip = &d->ip;
	uint8_t proto = pkt_proto(ip);
	size_t hlen = pkt_ip_hlen(ip), l4hdr, dlen, total;
	uint8_t *l4 = out + hlen;
	uint16_t frag, csum;
	int tot;

	switch (proto) {
	case PKT_PROTO_ICMP:
		l4hdr = 8;
		break;
	case PKT_PROTO_UDP:
		l4hdr = 8;
		break;
	case PKT_PROTO_TCP:
		l4hdr = 20;
		break;
	default:
		l4hdr = 0;
		break;
	}
	dlen = payload ? payload_len : d->data.len;
	total = hlen + l4hdr + dlen;
	if (total > cap || 20 + (size_t)ip->opt_len > cap || ip->opt_len > 40 || ip->opt_len % 4)
		return 0;
	memset(out, 0, total > 20 + (size_t)ip->opt_len ? total : 20 + (size_t)ip->opt_len);

	/* IPv4 header */
	out[0] = (uint8_t)((ip->version ? ip->version : 4) << 4 |
			   ((ip->ihl_set ? ip->ihl : (20 + ip->opt_len) / 4) & 0xf));
	out[1] = ip->tos;
	tot = ip->tot_len_set ? ip->tot_len : (int)total;
	tot += ip->tot_len_adj;
	pkt_put16(out + 2, (uint16_t)tot);
	pkt_put16(out + 4, ip->ip_id);
	frag = (uint16_t)((ip->df ? 0x4000 : 0) | (ip->mf ? 0x2000 : 0) | (ip->frag_off & 0x1fff));
	pkt_put16(out + 6, frag);
	out[8] = ip->ttl ? ip->ttl : 64;
	out[9] = proto;
	memcpy(out + 12, &ip->saddr, 4);
	memcpy(out + 16, &ip->daddr, 4);
	if (ip->opt_len >= 8) {
		/* Record Route with empty slots, then End of Options */
		out[20] = 7;
		out[21] = (uint8_t)(ip->opt_len - 1);
		out[22] = 4;
	} else if (ip->opt_len) {
		out[20] = out[21] = out[22] = 1; /* NOP NOP NOP EOL */
	}
	csum = pkt_csum(out, 20 + ip->opt_len, 0);
	pkt_put16(out + 10, (uint16_t)(csum + (ip->bad_csum ? 1 : 0)));

	/* L4 */
	if (payload)
		memcpy(l4 + l4hdr, payload, dlen);
	else
		pkt_fill_data(&d->data, l4 + l4hdr);
	switch (proto) {
	case PKT_PROTO_ICMP:
		l4[0] = d->icmp.type;
		l4[1] = d->icmp.code;
		if (d->icmp.type == PKT_ICMP_ECHO || d->icmp.type == PKT_ICMP_ECHOREPLY ||
		    d->icmp.type == PKT_ICMP_TIMESTAMP || d->icmp.type == PKT_ICMP_TIMESTAMPREPLY) {
			pkt_put16(l4 + 4, d->icmp.id);
			pkt_put16(l4 + 6, d->icmp.seq);
		} else {
			pkt_put32(l4 + 4, d->icmp.rest);
		}
		csum = pkt_csum(l4, l4hdr + dlen, 0);
		pkt_put16(l4 + 2, (uint16_t)(csum + (d->icmp.bad_csum ? 1 : 0)));
		break;
	case PKT_PROTO_UDP:
		pkt_put16(l4, d->ports.sport ? d->ports.sport : 33434);
		pkt_put16(l4 + 2, d->ports.dport ? d->ports.dport : 7);
		pkt_put16(l4 + 4, (uint16_t)(l4hdr + dlen));
		csum = pkt_l4_csum(ip, proto, l4, l4hdr + dlen);
		pkt_put16(l4 + 6, csum ? csum : 0xffff);
		break;
	case PKT_PROTO_TCP:
		pkt_put16(l4, d->ports.sport ? d->ports.sport : 33434);
		pkt_put16(l4 + 2, d->ports.dport ? d->ports.dport : 7);
		pkt_put32(l4 + 4, 1);  /* sequence */
		l4[12] = 5 << 4;       /* data offset */
		l4[13] = 0x02;         /* SYN */
		pkt_put16(l4 + 14, 65535);
		pkt_put16(l4 + 16, pkt_l4_csum(ip, proto, l4, l4hdr + dlen));
		break;
	}
	return total;
}

/* Bytes before the IPv4 header: Ethernet plus tags. */
static inline size_t pkt_l3_off(const struct pkt_spec *s)
{
	return PKT_ETH_HLEN + 4u * s->nvlan;
}

/* Bytes before the L4 (ICMP) header, as written. */
static inline size_t pkt_l4_off(const struct pkt_spec *s)
{
	return pkt_l3_off(s) + pkt_ip_hlen(&s->d.ip);
}

/* Builds the whole frame into out; returns its length, 0 when cap is too small. */
static inline size_t pkt_build(const struct pkt_spec *s, uint8_t *out, size_t cap)
{
	static const uint8_t dst[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	static const uint8_t src[6] = { 0x02, 0, 0, 0, 0, 0x02 };
	uint8_t inner[PKT_MAX];
	size_t off = 0, n, qlen = 0;
	unsigned int i;

	if (s->nvlan > PKT_MAX_VLAN || cap < pkt_l3_off(s))
		return 0;
	memcpy(out, dst, 6);
	memcpy(out + 6, src, 6);
	off = 12;
	for (i = 0; i < s->nvlan; i++) {
		uint16_t tpid = s->vlan[i].tpid;

		if (!tpid)
			tpid = (s->nvlan > 1 && i == 0) ? PKT_ETH_P_8021AD : PKT_ETH_P_8021Q;
		pkt_put16(out + off, tpid);
		pkt_put16(out + off + 2, s->vlan[i].tci ? s->vlan[i].tci : (uint16_t)(100 + i));
		off += 4;
	}
	pkt_put16(out + off, s->ethertype ? s->ethertype : PKT_ETH_P_IP);
	off += 2;

	if (s->quote) {
		size_t ilen = pkt_build_dgram(&s->inner, NULL, 0, inner, sizeof(inner));
		size_t ihlen = pkt_ip_hlen(&s->inner.ip);

		if (!ilen)
			return 0;
		if (s->quote_len == PKT_QUOTE_ALL)
			qlen = ilen;
		else if (s->quote_len == PKT_QUOTE_HDR_ONLY)
			qlen = ihlen;
		else
			qlen = ihlen + (size_t)(s->quote_len ? s->quote_len : 8);
		if (qlen > ilen)
			qlen = ilen;
	}
	n = pkt_build_dgram(&s->d, s->quote ? inner : NULL, qlen, out + off, cap - off);
	if (!n || off + n + s->pad > cap)
		return 0;
	memset(out + off + n, 0, s->pad);
	return off + n + s->pad;
}

/* 1 when the IPv4 header checksum and (for a full, unfragmented ICMP datagram) the ICMP checksum verify. */
static inline int pkt_csums_ok(const uint8_t *frame, size_t len, size_t l3_off)
{
	const uint8_t *ip = frame + l3_off;
	size_t hlen, tot;

	if (len < l3_off + 20)
		return 0;
	hlen = (size_t)(ip[0] & 0xf) * 4;
	tot = pkt_get16(ip + 2);
	if (hlen < 20 || l3_off + tot > len || tot < hlen)
		return 0;
	if (pkt_csum(ip, hlen, 0))
		return 0;
	if (ip[9] == PKT_PROTO_ICMP && pkt_csum(ip + hlen, tot - hlen, 0))
		return 0;
	return 1;
}

#endif /* ICMPMON_TEST_PKT_H */
