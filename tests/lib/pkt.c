// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Crafted-packet builder: writes the frames a struct pkt_spec describes (see pkt.h). */
#include <string.h>

#include "pkt.h"


uint16_t pkt_csum(const void *p, size_t len, uint32_t sum)
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

void pkt_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

void pkt_put32(uint8_t *p, uint32_t v)
{
	pkt_put16(p, (uint16_t)(v >> 16));
	pkt_put16(p + 2, (uint16_t)v);
}

uint16_t pkt_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put_in6(uint8_t *p, pkt_in6_t a)
{
	int i;

	for (i = 15; i >= 0; i--, a >>= 8)
		p[i] = (uint8_t)a;
}

static uint8_t dgram_proto(const struct pkt_dgram *d)
{
	if (d->v6)
		return d->ip6.proto ? d->ip6.proto : PKT_PROTO_ICMPV6;
	return d->ip.proto ? d->ip.proto : PKT_PROTO_ICMP;
}

static unsigned int ext_count(const struct pkt_ip6 *ip6)
{
	unsigned int n = 0;

	while (n < PKT_MAX_EXT && ip6->ext[n].kind != PKT_EXT_END)
		n++;
	return n;
}

static size_t ext_size(const struct pkt_ext *e)
{
	return e->kind == PKT_EXT_FRAG ? 8 : ((size_t)e->len8 + 1) * 8;
}

static uint8_t ext_nexthdr(const struct pkt_ext *e)
{
	switch (e->kind) {
	case PKT_EXT_HOP:
		return PKT_NEXTHDR_HOP;
	case PKT_EXT_DEST:
		return PKT_NEXTHDR_DEST;
	case PKT_EXT_ROUTING:
		return PKT_NEXTHDR_ROUTING;
	default:
		return PKT_NEXTHDR_FRAGMENT;
	}
}

size_t pkt_dgram_hlen(const struct pkt_dgram *d)
{
	const struct pkt_ip *ip = &d->ip;
	unsigned int i, n;
	size_t len;

	if (!d->v6) {
		if (ip->ihl_set && ip->ihl_layout)
			return (size_t)(ip->ihl & 0xf) * 4;
		return 20 + ip->opt_len;
	}
	n = ext_count(&d->ip6);
	for (i = 0, len = PKT_IP6_HLEN; i < n; i++)
		len += ext_size(&d->ip6.ext[i]);
	return len;
}

static void fill_data(const struct pkt_data *d, uint8_t *p)
{
	size_t i = 0;

	if (d->has_cookie)
		for (; i < sizeof(d->cookie) && i < d->len; i++)
			p[i] = ((const uint8_t *)&d->cookie)[i];
	for (; i < d->len; i++)
		p[i] = (uint8_t)(d->fill + i);
}

uint16_t pkt_l4_csum(const struct pkt_dgram *d, uint8_t proto, const uint8_t *l4, size_t len)
{
	uint8_t ph[40];
	size_t n;

	memset(ph, 0, sizeof(ph));
	if (d->v6) {
		put_in6(ph, d->ip6.saddr);
		put_in6(ph + 16, d->ip6.daddr);
		pkt_put32(ph + 32, (uint32_t)len);
		ph[39] = proto;
		n = 40;
	} else {
		memcpy(ph, &d->ip.saddr, 4);
		memcpy(ph + 4, &d->ip.daddr, 4);
		ph[9] = proto;
		pkt_put16(ph + 10, (uint16_t)len);
		n = 12;
	}
	return pkt_csum(l4, len, (uint16_t)~pkt_csum(ph, n, 0));
}

/* The IPv4 header of d, for a datagram of `total` bytes. */
static void write_ip4(const struct pkt_dgram *d, size_t total, uint8_t *out)
{
	const struct pkt_ip *ip = &d->ip;
	uint16_t frag;
	int tot;

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
	out[9] = dgram_proto(d);
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
	pkt_put16(out + 10, (uint16_t)(pkt_csum(out, 20 + ip->opt_len, 0) + (ip->bad_csum ? 1 : 0)));
}

/* One extension header at p, followed by next header nh. */
static void write_ext(const struct pkt_ext *e, uint8_t nh, uint8_t *p)
{
	size_t size = ext_size(e), off;

	p[0] = nh;
	if (e->kind == PKT_EXT_FRAG) {
		pkt_put16(p + 2, (uint16_t)((e->frag_off & 0x1fff) << 3 | (e->mf ? 1 : 0)));
		pkt_put32(p + 4, 0x1c3d5e7f); /* identification */
		return;
	}
	p[1] = (uint8_t)(e->len8 + e->len_adj);
	if (e->kind == PKT_EXT_ROUTING) {
		p[2] = 4; /* segment routing header, segments left 0: the destination is final */
		return;
	}
	/* the options: PadN (at most 255 bytes each), a Pad1 for a last single byte */
	for (off = 2; off < size; off += 2 + p[off + 1]) {
		if (size - off == 1)
			break; /* Pad1 is a zero byte, already there */
		p[off] = 1;
		p[off + 1] = (uint8_t)(size - off - 2 > 255 ? 255 : size - off - 2);
	}
}

/* The IPv6 header and extension headers of d, for a datagram of `total` bytes. */
static void write_ip6(const struct pkt_dgram *d, size_t total, uint8_t *out)
{
	const struct pkt_ip6 *ip6 = &d->ip6;
	unsigned int i, n = ext_count(ip6);
	size_t off = PKT_IP6_HLEN;
	int plen;

	out[0] = (uint8_t)((ip6->version ? ip6->version : 6) << 4);
	plen = ip6->plen_set ? ip6->plen : (int)(total - PKT_IP6_HLEN);
	plen += ip6->plen_adj;
	pkt_put16(out + 4, (uint16_t)plen);
	out[6] = n ? ext_nexthdr(&ip6->ext[0]) : dgram_proto(d);
	out[7] = ip6->hop_limit ? ip6->hop_limit : 64;
	put_in6(out + 8, ip6->saddr);
	put_in6(out + 24, ip6->daddr);
	for (i = 0; i < n; i++) {
		write_ext(&ip6->ext[i], i + 1 < n ? ext_nexthdr(&ip6->ext[i + 1]) : dgram_proto(d), out + off);
		off += ext_size(&ip6->ext[i]);
	}
}

static size_t l4_hdr_len(uint8_t proto)
{
	switch (proto) {
	case PKT_PROTO_ICMP:
	case PKT_PROTO_ICMPV6:
	case PKT_PROTO_UDP:
		return 8;
	case PKT_PROTO_TCP:
		return 20;
	default:
		return 0;
	}
}

static int icmp_has_echo_fields(uint8_t type)
{
	return type == PKT_ICMP_ECHO || type == PKT_ICMP_ECHOREPLY || type == PKT_ICMP_TIMESTAMP ||
	       type == PKT_ICMP_TIMESTAMPREPLY || type == PKT_ICMPV6_ECHO_REQUEST || type == PKT_ICMPV6_ECHO_REPLY;
}

/* The L4 header at l4, its data already in place after it (len bytes in all). */
static void write_l4(const struct pkt_dgram *d, uint8_t proto, uint8_t *l4, size_t len)
{
	uint16_t csum;

	switch (proto) {
	case PKT_PROTO_ICMP:
	case PKT_PROTO_ICMPV6:
		l4[0] = d->icmp.type;
		l4[1] = d->icmp.code;
		if (icmp_has_echo_fields(d->icmp.type)) {
			pkt_put16(l4 + 4, d->icmp.id);
			pkt_put16(l4 + 6, d->icmp.seq);
		} else {
			pkt_put32(l4 + 4, d->icmp.rest);
		}
		/* ICMPv6 sums the pseudo-header, ICMP does not (also ICMP carried by IPv6, a lie) */
		csum = proto == PKT_PROTO_ICMPV6 ? pkt_l4_csum(d, proto, l4, len) : pkt_csum(l4, len, 0);
		pkt_put16(l4 + 2, (uint16_t)(csum + (d->icmp.bad_csum ? 1 : 0)));
		break;
	case PKT_PROTO_UDP:
		pkt_put16(l4, d->ports.sport ? d->ports.sport : 33434);
		pkt_put16(l4 + 2, d->ports.dport ? d->ports.dport : 7);
		pkt_put16(l4 + 4, (uint16_t)len);
		csum = pkt_l4_csum(d, proto, l4, len);
		pkt_put16(l4 + 6, csum ? csum : 0xffff);
		break;
	case PKT_PROTO_TCP:
		pkt_put16(l4, d->ports.sport ? d->ports.sport : 33434);
		pkt_put16(l4 + 2, d->ports.dport ? d->ports.dport : 7);
		pkt_put32(l4 + 4, 1);  /* sequence */
		l4[12] = 5 << 4;       /* data offset */
		l4[13] = 0x02;         /* SYN */
		pkt_put16(l4 + 14, 65535);
		pkt_put16(l4 + 16, pkt_l4_csum(d, proto, l4, len));
		break;
	}
}

size_t pkt_build_dgram(const struct pkt_dgram *d, const uint8_t *payload, size_t payload_len, uint8_t *out,
		       size_t cap)
{
	const struct pkt_ip *ip = &d->ip;
	uint8_t proto = dgram_proto(d);
	size_t hlen = pkt_dgram_hlen(d), l4hdr = l4_hdr_len(proto), dlen, total, written;
	uint8_t *l4 = out + hlen;

	/* IPv4: the header as written, which a lying IHL with ihl_layout may overlap */
	written = d->v6 ? hlen : 20 + (size_t)ip->opt_len;
	dlen = payload ? payload_len : d->data.len;
	total = hlen + l4hdr + dlen;
	if (total > cap || written > cap || (!d->v6 && (ip->opt_len > 40 || ip->opt_len % 4)))
		return 0;
	memset(out, 0, total > written ? total : written);
	if (d->v6)
		write_ip6(d, total, out);
	else
		write_ip4(d, total, out);
	if (payload)
		memcpy(l4 + l4hdr, payload, dlen);
	else
		fill_data(&d->data, l4 + l4hdr);
	write_l4(d, proto, l4, l4hdr + dlen);
	return total;
}

size_t pkt_l3_off(const struct pkt_spec *s)
{
	return s->l3 ? 0 : PKT_ETH_HLEN + 4u * s->nvlan;
}

size_t pkt_l4_off(const struct pkt_spec *s)
{
	return pkt_l3_off(s) + pkt_dgram_hlen(&s->d);
}

/* Ethernet header and tags; returns their length. */
static size_t write_link(const struct pkt_spec *s, uint8_t *out)
{
	static const uint8_t dst[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	static const uint8_t src[6] = { 0x02, 0, 0, 0, 0, 0x02 };
	size_t off;
	unsigned int i;

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
	pkt_put16(out + off, s->ethertype ? s->ethertype : s->d.v6 ? PKT_ETH_P_IPV6 : PKT_ETH_P_IP);
	return off + 2;
}

size_t pkt_build(const struct pkt_spec *s, uint8_t *out, size_t cap)
{
	uint8_t inner[PKT_MAX];
	size_t off, n, qlen = 0;

	if (s->nvlan > PKT_MAX_VLAN || cap < pkt_l3_off(s))
		return 0;
	off = s->l3 ? 0 : write_link(s, out);
	if (s->quote) {
		size_t ilen = pkt_build_dgram(&s->inner, NULL, 0, inner, sizeof(inner));
		size_t ihlen = pkt_dgram_hlen(&s->inner);

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
