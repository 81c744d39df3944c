// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * socket_rx_parse: IPv4 datagrams as a raw ICMP socket returns them, built
 * here byte by byte. Every packet is handed over in a heap buffer of exactly
 * its length, so an overread shows under -fsanitize=address.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/icmp.h>
#include <netinet/ip.h>
#include <cmocka.h>

#include "util/checksum.h"
#include "engine/sender.h"
#include "engine/socket_rx.h"
#include "engine/targets.h"

#define OUR_ID 0x4d2
#define COOKIE 0x1122334455667788ull
#define TX_SEC 1700000000ll
#define TX_NSEC 123456789ll
#define TX_NS ((uint64_t)TX_SEC * 1000000000ull + (uint64_t)TX_NSEC)

struct fixture {
	struct target_list tl;
	struct socket_rx s;
	struct target_stats stats[3];
};

/* Replies rejected for their cookie or their source. */
#define REJECTED(f) ((f)->s.cnt[ICMPMON_CNT_BAD_COOKIE] + (f)->s.cnt[ICMPMON_CNT_UNMATCHED])

/* Every sequence number of every target sent and waiting for its reply. */
static void send_all(struct fixture *f)
{
	uint32_t t;
	unsigned int seq;

	for (t = 0; t < f->tl.n; t++)
		for (seq = 0; seq < SOCKET_RX_WINDOW; seq++)
			socket_rx_note_sent(&f->s, t, (uint16_t)seq, 0);
}

static uint32_t ip4(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a.s_addr;
}

/* Targets 0, 1, 2. */
static char t0[] = "10.1.2.3", t1[] = "10.9.9.9", t2[] = "192.0.2.77";

static int setup(void **state)
{
	char *names[] = { t0, t1, t2 };
	struct fixture *f = calloc(1, sizeof(*f));
	char err[128];

	if (!f || targets_resolve(&f->tl, names, 3, AF_INET, 0, err, sizeof(err)) || f->tl.n != 3)
		return -1;
	/* What socket_rx_open sets up, without the raw socket. */
	f->s.fd = -1;
	f->s.id_net = htons(OUR_ID);
	f->s.cookie = COOKIE;
	f->s.cookie_len = ICMPMON_COOKIE_LEN;
	f->s.n_targets = f->tl.n;
	f->s.stats = f->stats;
	f->s.probes = calloc((size_t)f->tl.n * SOCKET_RX_WINDOW, sizeof(*f->s.probes));
	if (!f->s.probes)
		return -1;
	send_all(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	socket_rx_close(&f->s);
	targets_free(&f->tl);
	free(f);
	return 0;
}

/* ---- packet building ---------------------------------------------------- */

static size_t put_ip(unsigned char *b, unsigned ihl, uint32_t saddr, uint32_t daddr, uint8_t ttl, uint8_t proto,
		     size_t total)
{
	struct iphdr ip;

	memset(b, 0, ihl * 4);
	memset(&ip, 0, sizeof(ip));
	ip.version = 4;
	ip.ihl = ihl & 0xf;
	ip.tot_len = htons((uint16_t)total);
	ip.ttl = ttl;
	ip.protocol = proto;
	ip.saddr = saddr;
	ip.daddr = daddr;
	memcpy(b, &ip, sizeof(ip));
	if (ihl > 5)
		memset(b + sizeof(ip), 1, ihl * 4 - sizeof(ip)); /* NOP options */
	ip.check = inet_checksum(b, ihl * 4);
	memcpy(b, &ip, sizeof(ip));
	return ihl * 4;
}

static size_t put_icmp_echo(unsigned char *b, uint8_t type, uint16_t id_net, uint16_t seq, const void *payload,
			    size_t plen)
{
	struct icmphdr h;

	memset(&h, 0, sizeof(h));
	h.type = type;
	h.un.echo.id = id_net;
	h.un.echo.sequence = htons(seq);
	memcpy(b, &h, sizeof(h));
	memcpy(b + sizeof(h), payload, plen);
	h.checksum = inet_checksum(b, sizeof(h) + plen);
	memcpy(b, &h, sizeof(h));
	return sizeof(h) + plen;
}

/* The payload icmpmon sends: cookie, {sec, nsec}, then 0x10, 0x11, ... */
static size_t make_payload(unsigned char *p, size_t len, uint64_t cookie, int64_t sec, int64_t nsec)
{
	int64_t ts[2] = { sec, nsec };
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (unsigned char)i;
	memcpy(p, &cookie, len < 8 ? len : 8);
	if (len >= SENDER_TS_OFFSET + SENDER_TS_LEN)
		memcpy(p + SENDER_TS_OFFSET, ts, sizeof(ts));
	return len;
}

struct reply {
	const char *src;
	unsigned ihl;
	uint8_t ttl;
	uint8_t type;
	uint16_t id;
	uint16_t seq;
	uint64_t cookie;
	size_t plen;
};

static const struct reply good = { "10.1.2.3", 5, 57, ICMP_ECHOREPLY, OUR_ID, 7, COOKIE, 56 };

static size_t build_reply(unsigned char *b, const struct reply *r)
{
	unsigned char payload[2048];
	size_t hl = r->ihl * 4, icmp_len;

	make_payload(payload, r->plen, r->cookie, TX_SEC, TX_NSEC);
	icmp_len = put_icmp_echo(b + hl, r->type, htons(r->id), r->seq, payload, r->plen);
	put_ip(b, r->ihl, ip4(r->src), ip4("192.0.2.200"), r->ttl, IPPROTO_ICMP, hl + icmp_len);
	return hl + icmp_len;
}

struct icmp_err {
	const char *router;  /* outer source */
	unsigned ihl;        /* outer */
	uint8_t type, code;
	unsigned inner_ihl;
	uint8_t inner_proto;
	uint8_t inner_type;
	const char *inner_dst;
	uint16_t inner_id;
	uint16_t inner_seq;
	size_t inner_data;   /* bytes quoted after the inner ICMP header */
};

static const struct icmp_err time_exceeded = {
	"198.51.100.1", 5, ICMP_TIME_EXCEEDED, ICMP_EXC_TTL, 5, IPPROTO_ICMP, ICMP_ECHO, "10.9.9.9", OUR_ID, 42, 8,
};

static size_t build_error(unsigned char *b, const struct icmp_err *e)
{
	size_t hl = e->ihl * 4, qhl = e->inner_ihl * 4, off, quoted;
	unsigned char payload[64];
	struct icmphdr h;

	/* The quoted datagram: our echo request, as it left. */
	off = hl + sizeof(h);
	make_payload(payload, e->inner_data, COOKIE, TX_SEC, TX_NSEC);
	quoted = put_icmp_echo(b + off + qhl, e->inner_type, htons(e->inner_id), e->inner_seq, payload,
			       e->inner_data);
	put_ip(b + off, e->inner_ihl, ip4("192.0.2.200"), ip4(e->inner_dst), 1, e->inner_proto, qhl + 64);
	quoted += qhl;
	memset(&h, 0, sizeof(h));
	h.type = e->type;
	h.code = e->code;
	memcpy(b + hl, &h, sizeof(h));
	h.checksum = inet_checksum(b + hl, sizeof(h) + quoted);
	memcpy(b + hl, &h, sizeof(h));
	put_ip(b, e->ihl, ip4(e->router), ip4("192.0.2.200"), 250, IPPROTO_ICMP, off + quoted);
	return off + quoted;
}

/* Parses a copy of the first len bytes, in a buffer of exactly that size. */
static int parse_n(struct fixture *f, const unsigned char *b, size_t len, uint64_t rx, struct icmpmon_event *ev)
{
	unsigned char *copy = malloc(len ? len : 1);
	int rc;

	assert_non_null(copy);
	memcpy(copy, b, len);
	rc = socket_rx_parse(&f->s, &f->tl, copy, len, rx, ev);
	free(copy);
	return rc;
}

static void clear_seen(struct fixture *f)
{
	send_all(f);
}

/* ---- echo replies ------------------------------------------------------- */

static void test_reply_match(void **state)
{
	struct fixture *f = *state;
	unsigned char b[256];
	struct icmpmon_event ev;
	size_t len = build_reply(b, &good);

	assert_int_equal(len, 20 + 8 + 56);
	memset(&ev, 0xa5, sizeof(ev));
	assert_int_equal(parse_n(f, b, len, TX_NS + 1234567, &ev), 1);
	assert_int_equal(ev.kind, ICMPMON_EV_REPLY);
	assert_int_equal(ev.target_idx, 0);
	assert_int_equal(ev.seq, 7);
	assert_int_equal(ev.ttl, 57);
	assert_int_equal(ev.rtt_ns, 1234567);
	assert_int_equal(ev.t_rx_ns, TX_NS + 1234567);
	assert_int_equal(ev.icmp_len, 8 + 56);
	assert_int_equal(ev.icmp_type, 0);
	assert_int_equal(ev.icmp_code, 0);
	assert_int_equal(ev.from.family, ICMPMON_AF_INET);
	assert_int_equal(ev.from.addr[0], ip4("10.1.2.3"));
	assert_int_equal(ev.from.addr[1], 0);
	assert_int_equal(ev.from.addr[2], 0);
	assert_int_equal(ev.from.addr[3], 0);
	assert_int_equal(REJECTED(f), 0);
}

static void test_reply_other_targets(void **state)
{
	struct fixture *f = *state;
	struct reply r = good;
	unsigned char b[256];
	struct icmpmon_event ev;
	size_t len;

	r.src = "192.0.2.77";
	r.seq = 65535;
	r.ttl = 1;
	len = build_reply(b, &r);
	socket_rx_note_sent(&f->s, 2, 65535, 0);
	assert_int_equal(parse_n(f, b, len, TX_NS + 1, &ev), 1);
	assert_int_equal(ev.target_idx, 2);
	assert_int_equal(ev.seq, 65535);
	assert_int_equal(ev.ttl, 1);
	assert_int_equal(ev.rtt_ns, 1);
	assert_int_equal(ev.from.addr[0], ip4("192.0.2.77"));

	r.src = "10.9.9.9";
	r.seq = 0;
	len = build_reply(b, &r);
	assert_int_equal(parse_n(f, b, len, TX_NS + 5000000000ull, &ev), 1);
	assert_int_equal(ev.target_idx, 1);
	assert_int_equal(ev.seq, 0);
	assert_int_equal(ev.rtt_ns, 5000000000ull);
}

static void test_reply_with_ip_options(void **state)
{
	struct fixture *f = *state;
	struct reply r = good;
	unsigned char b[256];
	struct icmpmon_event ev;
	unsigned ihl;

	for (ihl = 6; ihl <= 15; ihl++) {
		size_t len;

		r.ihl = ihl;
		r.seq = (uint16_t)ihl;
		len = build_reply(b, &r);
		assert_int_equal(len, ihl * 4 + 8 + 56);
		assert_int_equal(parse_n(f, b, len, TX_NS + 99, &ev), 1);
		assert_int_equal(ev.kind, ICMPMON_EV_REPLY);
		assert_int_equal(ev.seq, ihl);
		assert_int_equal(ev.rtt_ns, 99);
		assert_int_equal(ev.icmp_len, 8 + 56);
	}
}

static void test_duplicates(void **state)
{
	struct fixture *f = *state;
	struct reply r = good;
	unsigned char b[256];
	struct icmpmon_event ev;
	size_t len = build_reply(b, &good);

	assert_int_equal(parse_n(f, b, len, TX_NS + 10, &ev), 1);
	assert_int_equal(ev.kind, ICMPMON_EV_REPLY);
	assert_int_equal(parse_n(f, b, len, TX_NS + 20, &ev), 1);
	assert_int_equal(ev.kind, ICMPMON_EV_DUP);
	assert_int_equal(ev.seq, 7);
	assert_int_equal(ev.rtt_ns, 20); /* duplicates are timed too */
	assert_int_equal(parse_n(f, b, len, TX_NS + 30, &ev), 1);
	assert_int_equal(ev.kind, ICMPMON_EV_DUP);

	/* Sending seq 7 again (after the 16-bit wrap) forgets the old reply. */
	socket_rx_note_sent(&f->s, 0, 7, 0);
	assert_int_equal(parse_n(f, b, len, TX_NS + 40, &ev), 1);
	assert_int_equal(ev.kind, ICMPMON_EV_REPLY);

	/* The same seq from another target is its own reply. */
	r.src = "10.9.9.9";
	len = build_reply(b, &r);
	assert_int_equal(parse_n(f, b, len, TX_NS + 50, &ev), 1);
	assert_int_equal(ev.kind, ICMPMON_EV_REPLY);
	assert_int_equal(ev.target_idx, 1);

	/* Neighbouring seqs are independent, across a 64-bit word boundary too. */
	r.src = "10.1.2.3";
	for (r.seq = 60; r.seq < 70; r.seq++) {
		len = build_reply(b, &r);
		assert_int_equal(parse_n(f, b, len, TX_NS, &ev), 1);
		assert_int_equal(ev.kind, r.seq == 7 ? ICMPMON_EV_DUP : ICMPMON_EV_REPLY);
	}

	/*
	 * The window is SOCKET_RX_WINDOW seqs: seq + 1024 shares seq's bit,
	 * which the sender clears with note_sent before it goes out.
	 */
	r.seq = 7 + SOCKET_RX_WINDOW;
	socket_rx_note_sent(&f->s, 0, r.seq, 0);
	len = build_reply(b, &r);
	assert_int_equal(parse_n(f, b, len, TX_NS, &ev), 1);
	assert_int_equal(ev.kind, ICMPMON_EV_REPLY);
	assert_int_equal(parse_n(f, b, len, TX_NS, &ev), 1);
	assert_int_equal(ev.kind, ICMPMON_EV_DUP);

	/* note_sent for one target leaves the others alone. */
	r.seq = 100;
	len = build_reply(b, &r);
	assert_int_equal(parse_n(f, b, len, TX_NS, &ev), 1);
	socket_rx_note_sent(&f->s, 1, 100, 0);
	socket_rx_note_sent(&f->s, 2, 100, 0);
	assert_int_equal(parse_n(f, b, len, TX_NS, &ev), 1);
	assert_int_equal(ev.kind, ICMPMON_EV_DUP);
	assert_int_equal(REJECTED(f), 0);
}

static void test_not_ours(void **state)
{
	struct fixture *f = *state;
	struct reply r;
	unsigned char b[256];
	struct icmpmon_event ev;
	size_t len;

	/* Another process's echo: not counted anywhere. */
	r = good;
	r.id = OUR_ID + 1;
	len = build_reply(b, &r);
	assert_int_equal(parse_n(f, b, len, TX_NS, &ev), 0);
	r.id = (uint16_t)(OUR_ID << 8 | OUR_ID >> 8); /* byte-swapped id */
	len = build_reply(b, &r);
	assert_int_equal(parse_n(f, b, len, TX_NS, &ev), 0);
	assert_int_equal(REJECTED(f), 0);

	/* Our id, not our cookie: counted as unmatched. */
	r = good;
	r.cookie = COOKIE ^ 1;
	len = build_reply(b, &r);
	assert_int_equal(parse_n(f, b, len, TX_NS, &ev), 0);
	assert_int_equal(REJECTED(f), 1);
	r.cookie = COOKIE ^ (0x80ull << 56);
	len = build_reply(b, &r);
	assert_int_equal(parse_n(f, b, len, TX_NS, &ev), 0);
	assert_int_equal(REJECTED(f), 2);

	/* Our id and cookie, from an address we do not probe. */
	r = good;
	r.src = "10.1.2.4";
	len = build_reply(b, &r);
	assert_int_equal(parse_n(f, b, len, TX_NS, &ev), 0);
	assert_int_equal(REJECTED(f), 3);

	/* Echo requests, and ICMP that is not ICMP. */
	r = good;
	r.type = ICMP_ECHO;
	len = build_reply(b, &r);
	assert_int_equal(parse_n(f, b, len, TX_NS, &ev), 0);
	r = good;
	len = build_reply(b, &r);
	b[9] = IPPROTO_UDP;
	assert_int_equal(parse_n(f, b, len, TX_NS, &ev), 0);
	b[9] = IPPROTO_ICMP;
	b[0] = (unsigned char)(6 << 4 | 5); /* version 6 */
	assert_int_equal(parse_n(f, b, len, TX_NS, &ev), 0);
	assert_int_equal(REJECTED(f), 3);

	/* None of these marked seq 7 as seen. */
	len = build_reply(b, &good);
	assert_int_equal(parse_n(f, b, len, TX_NS, &ev), 1);
	assert_int_equal(ev.kind, ICMPMON_EV_REPLY);
}

/* IHL under 5 is no IPv4 header; over the length is a truncated one. */
static void test_bad_ihl(void **state)
{
	struct fixture *f = *state;
	unsigned char b[256];
	struct icmpmon_event ev;
	size_t len = build_reply(b, &good);
	unsigned ihl;

	for (ihl = 0; ihl < 5; ihl++) {
		b[0] = (unsigned char)(4 << 4 | ihl);
		assert_int_equal(parse_n(f, b, len, TX_NS, &ev), 0);
	}
	/* IHL 15 claims 60 bytes of header: only 24 bytes are left for ICMP. */
	b[0] = 4 << 4 | 15;
	assert_int_equal(parse_n(f, b, 60 + 7, TX_NS, &ev), 0);
	assert_int_equal(REJECTED(f), 0);
}

/* Timestamps: missing (short payload), or a reply stamped before its send. */
static void test_rtt_edges(void **state)
{
	struct fixture *f = *state;
	struct reply r = good;
	unsigned char b[256];
	struct icmpmon_event ev;
	size_t len, plen;

	/* The receive clock stepped back: no negative RTT. */
	len = build_reply(b, &r);
	assert_int_equal(parse_n(f, b, len, TX_NS - 1, &ev), 1);
	assert_int_equal(ev.rtt_ns, 0);
	assert_int_equal(ev.kind, ICMPMON_EV_REPLY);
	assert_int_equal(parse_n(f, b, len, TX_NS, &ev), 1);
	assert_int_equal(ev.rtt_ns, 0);

	/* -s 8 .. 23: cookie, no room for the send time. */
	for (plen = 8; plen < 24; plen++) {
		r.plen = plen;
		r.seq = (uint16_t)(200 + plen);
		len = build_reply(b, &r);
		assert_int_equal(parse_n(f, b, len, TX_NS + 1000, &ev), 1);
		assert_int_equal(ev.rtt_ns, 0);
		assert_int_equal(ev.icmp_len, 8 + plen);
	}
	/* -s 24 is the first size with a send time. */
	r.plen = 24;
	r.seq = 300;
	len = build_reply(b, &r);
	assert_int_equal(parse_n(f, b, len, TX_NS + 1000, &ev), 1);
	assert_int_equal(ev.rtt_ns, 1000);

	/* A large payload. */
	r.plen = 1400;
	r.seq = 301;
	{
		unsigned char *big = malloc(20 + 8 + 1400);

		assert_non_null(big);
		len = build_reply(big, &r);
		assert_int_equal(parse_n(f, big, len, TX_NS + 77, &ev), 1);
		assert_int_equal(ev.rtt_ns, 77);
		assert_int_equal(ev.icmp_len, 1408);
		free(big);
	}
}

/* -s under 8: no cookie is sent, so none is checked. */
static void test_no_cookie(void **state)
{
	struct fixture *f = *state;
	struct reply r = good;
	unsigned char b[256];
	struct icmpmon_event ev;
	size_t plen, len;

	f->s.cookie_len = 0;
	for (plen = 0; plen < 8; plen++) {
		r.plen = plen;
		r.seq = (uint16_t)(400 + plen);
		r.cookie = 0; /* whatever the payload holds */
		len = build_reply(b, &r);
		assert_int_equal(parse_n(f, b, len, TX_NS + 5, &ev), 1);
		assert_int_equal(ev.kind, ICMPMON_EV_REPLY);
		assert_int_equal(ev.seq, 400 + plen);
		assert_int_equal(ev.rtt_ns, 0);
	}
	/* Still matched by id and source. */
	r.id = OUR_ID + 1;
	len = build_reply(b, &r);
	assert_int_equal(parse_n(f, b, len, TX_NS, &ev), 0);
	r.id = OUR_ID;
	r.src = "10.1.2.4";
	len = build_reply(b, &r);
	assert_int_equal(parse_n(f, b, len, TX_NS, &ev), 0);
	assert_int_equal(REJECTED(f), 1);
}

/* Every prefix of a reply: 0 until the cookie is whole, then a reply. */
static void test_reply_truncated(void **state)
{
	struct fixture *f = *state;
	struct reply r = good;
	unsigned char b[256];
	struct icmpmon_event ev;
	unsigned ihl;

	for (ihl = 5; ihl <= 6; ihl++) {
		size_t full, n, need = ihl * 4 + 8 + ICMPMON_COOKIE_LEN;

		r.ihl = ihl;
		full = build_reply(b, &r);
		for (n = 0; n <= full; n++) {
			int rc;

			clear_seen(f);
			rc = parse_n(f, b, n, TX_NS + 3, &ev);
			if (rc != (n >= need))
				print_error("ihl %u: length %zu of %zu gave %d\n", ihl, n, full, rc);
			assert_int_equal(rc, n >= need);
			if (rc) {
				assert_int_equal(ev.kind, ICMPMON_EV_REPLY);
				assert_int_equal(ev.seq, 7);
				assert_int_equal(ev.icmp_len, n - ihl * 4);
				/* The send time is used only when it was received whole. */
				assert_int_equal(ev.rtt_ns, n >= ihl * 4 + 8 + 24 ? 3 : 0);
			}
		}
	}
}

/* ---- ICMP errors quoting our probes ------------------------------------ */

static void test_error_time_exceeded(void **state)
{
	struct fixture *f = *state;
	unsigned char b[256];
	struct icmpmon_event ev;
	size_t len = build_error(b, &time_exceeded);

	assert_int_equal(len, 20 + 8 + 20 + 8 + 8);
	memset(&ev, 0xa5, sizeof(ev));
	assert_int_equal(parse_n(f, b, len, TX_NS + 500, &ev), 1);
	assert_int_equal(ev.kind, ICMPMON_EV_ERROR);
	assert_int_equal(ev.icmp_type, ICMP_TIME_EXCEEDED);
	assert_int_equal(ev.icmp_code, ICMP_EXC_TTL);
	assert_int_equal(ev.target_idx, 1);
	assert_int_equal(ev.seq, 42);
	assert_int_equal(ev.ttl, 250);
	assert_int_equal(ev.t_rx_ns, TX_NS + 500);
	assert_int_equal(ev.rtt_ns, 0);
	assert_int_equal(ev.icmp_len, len - 20);
	assert_int_equal(ev.from.family, ICMPMON_AF_INET);
	assert_int_equal(ev.from.addr[0], ip4("198.51.100.1"));
	assert_int_equal(ev.from.addr[1], 0);
	assert_int_equal(REJECTED(f), 0);

	/* An error does not count as the reply: the real one is still first. */
	{
		struct reply r = good;

		r.src = "10.9.9.9";
		r.seq = 42;
		len = build_reply(b, &r);
		assert_int_equal(parse_n(f, b, len, TX_NS, &ev), 1);
		assert_int_equal(ev.kind, ICMPMON_EV_REPLY);
	}
}

static void test_error_variants(void **state)
{
	struct fixture *f = *state;
	struct icmp_err e;
	unsigned char b[256];
	struct icmpmon_event ev;
	unsigned ihl;
	size_t len;

	/* Destination unreachable, from the target itself. */
	e = time_exceeded;
	e.type = ICMP_DEST_UNREACH;
	e.code = ICMP_HOST_UNREACH;
	e.router = "10.9.9.9";
	len = build_error(b, &e);
	assert_int_equal(parse_n(f, b, len, TX_NS, &ev), 1);
	assert_int_equal(ev.kind, ICMPMON_EV_ERROR);
	assert_int_equal(ev.icmp_type, ICMP_DEST_UNREACH);
	assert_int_equal(ev.icmp_code, ICMP_HOST_UNREACH);
	assert_int_equal(ev.from.addr[0], ip4("10.9.9.9"));

	/* Parameter problem; outer IP options; no quoted data past the ICMP header. */
	e = time_exceeded;
	e.type = ICMP_PARAMETERPROB;
	e.ihl = 7;
	e.inner_data = 0;
	e.inner_dst = "192.0.2.77";
	e.inner_seq = 65535;
	len = build_error(b, &e);
	assert_int_equal(len, 28 + 8 + 20 + 8);
	assert_int_equal(parse_n(f, b, len, TX_NS, &ev), 0); /* seq 65535 was not sent */
	assert_int_equal(f->s.cnt[ICMPMON_CNT_FOREIGN_ERROR], 1);
	socket_rx_note_sent(&f->s, 2, 65535, 0);
	assert_int_equal(parse_n(f, b, len, TX_NS, &ev), 1);
	assert_int_equal(ev.icmp_type, ICMP_PARAMETERPROB);
	assert_int_equal(ev.target_idx, 2);
	assert_int_equal(ev.seq, 65535);
	assert_int_equal(ev.icmp_len, len - 28);

	/* Quoting another process's echo. */
	e = time_exceeded;
	e.inner_id = OUR_ID + 1;
	len = build_error(b, &e);
	assert_int_equal(parse_n(f, b, len, TX_NS, &ev), 0);

	/* Quoting an echo to an address we do not probe. */
	e = time_exceeded;
	e.inner_dst = "10.9.9.8";
	len = build_error(b, &e);
	assert_int_equal(parse_n(f, b, len, TX_NS, &ev), 0);

	/* Quoting an echo reply, or a UDP datagram, with our id where the ICMP id would be. */
	e = time_exceeded;
	e.inner_type = ICMP_ECHOREPLY;
	len = build_error(b, &e);
	assert_int_equal(parse_n(f, b, len, TX_NS, &ev), 0);
	e = time_exceeded;
	e.inner_proto = IPPROTO_UDP;
	len = build_error(b, &e);
	assert_int_equal(parse_n(f, b, len, TX_NS, &ev), 0);

	/* A quoted header with IHL under 5. */
	e = time_exceeded;
	len = build_error(b, &e);
	for (ihl = 0; ihl < 5; ihl++) {
		b[20 + 8] = (unsigned char)(4 << 4 | ihl);
		assert_int_equal(parse_n(f, b, len, TX_NS, &ev), 0);
	}
	/* A quoted IHL longer than what was quoted. */
	e = time_exceeded;
	e.inner_data = 0;
	len = build_error(b, &e);
	b[20 + 8] = (unsigned char)(4 << 4 | 6);
	assert_int_equal(parse_n(f, b, len, TX_NS, &ev), 0);
	assert_int_equal(REJECTED(f), 0);
}

/* Every prefix of an ICMP error: 0 until the quoted ICMP header is whole. */
static void test_error_truncated(void **state)
{
	struct fixture *f = *state;
	struct icmp_err e = time_exceeded;
	unsigned char b[256];
	struct icmpmon_event ev;
	unsigned ihl;

	for (ihl = 5; ihl <= 6; ihl++) {
		size_t full, n, need;

		e.ihl = ihl;
		e.inner_ihl = 5; /* a quote with IP options is not of our probe: see test_error_variants */
		need = ihl * 4 + 8 + e.inner_ihl * 4 + 8;
		full = build_error(b, &e);
		for (n = 0; n <= full; n++) {
			int rc = parse_n(f, b, n, TX_NS, &ev);

			if (rc != (n >= need))
				print_error("ihl %u: length %zu of %zu gave %d\n", ihl, n, full, rc);
			assert_int_equal(rc, n >= need);
			if (rc) {
				assert_int_equal(ev.kind, ICMPMON_EV_ERROR);
				assert_int_equal(ev.seq, 42);
			}
		}
	}
}

/*
 * Only a probe sent and not settled takes a reply (a forger who copies the
 * cookie cannot answer seq + 1 early, or a probe already timed out); a bad
 * ICMP checksum is rejected as the kernel's ICMP layer would.
 */
static int lost_calls;
static void count_lost(void *ctx, uint32_t tidx, uint16_t seq, int errored)
{
	(void)ctx;
	(void)tidx;
	(void)seq;
	(void)errored;
	lost_calls++;
}

static void test_reply_needs_sent_probe(void **state)
{
	struct fixture *f = *state;
	struct reply r = good;
	unsigned char b[256];
	struct icmpmon_event ev;
	size_t len;

	memset(f->s.probes, 0, (size_t)f->tl.n * SOCKET_RX_WINDOW * sizeof(*f->s.probes));
	len = build_reply(b, &r);
	assert_int_equal(parse_n(f, b, len, TX_NS, &ev), 0);
	assert_int_equal(f->s.cnt[ICMPMON_CNT_UNMATCHED], 1);
	socket_rx_note_sent(&f->s, 0, r.seq, 100);
	assert_int_equal(parse_n(f, b, len, TX_NS, &ev), 1);
	assert_int_equal(ev.kind, ICMPMON_EV_REPLY);
	assert_int_equal(parse_n(f, b, len, TX_NS, &ev), 1);
	assert_int_equal(ev.kind, ICMPMON_EV_DUP);
	/* seq + 1024 shares the slot, but was not sent */
	r.seq = (uint16_t)(r.seq + SOCKET_RX_WINDOW);
	len = build_reply(b, &r);
	assert_int_equal(parse_n(f, b, len, TX_NS, &ev), 0);
	assert_int_equal(f->s.cnt[ICMPMON_CNT_UNMATCHED], 2);
	/* sent, then settled as lost: a late reply is unmatched */
	socket_rx_note_sent(&f->s, 0, r.seq, 200);
	lost_calls = 0;
	socket_rx_expire(&f->s, 199, count_lost, NULL);
	assert_int_equal(lost_calls, 0);
	socket_rx_expire(&f->s, 200, count_lost, NULL);
	assert_int_equal(lost_calls, 1);
	assert_int_equal(parse_n(f, b, len, TX_NS, &ev), 0);
	assert_int_equal(f->s.cnt[ICMPMON_CNT_UNMATCHED], 3);
	/* a bad ICMP checksum */
	socket_rx_note_sent(&f->s, 0, r.seq, 300);
	b[20 + 2] ^= 1;
	assert_int_equal(parse_n(f, b, len, TX_NS, &ev), 0);
	assert_int_equal(f->s.cnt[ICMPMON_CNT_BAD_CSUM], 1);
	b[20 + 2] ^= 1;
	assert_int_equal(parse_n(f, b, len, TX_NS, &ev), 1);
}

/* Random bytes and random damage to good packets: no crash (run under ASan). */
static void test_garbage(void **state)
{
	struct fixture *f = *state;
	unsigned char good_b[256], err_b[256], b[256];
	size_t good_len = build_reply(good_b, &good), err_len = build_error(err_b, &time_exceeded);
	struct icmpmon_event ev;
	uint32_t seed = 1;
	int i;

	for (i = 0; i < 200000; i++) {
		size_t len, k;
		int rc;

		seed = seed * 1664525u + 1013904223u;
		if (i % 3 == 0) {
			len = (seed >> 8) % sizeof(b);
			for (k = 0; k < len; k++) {
				seed = seed * 1664525u + 1013904223u;
				b[k] = (unsigned char)(seed >> 24);
			}
			b[0] = (unsigned char)(0x40 | (b[0] & 0x0f)); /* IPv4, any IHL */
			if (len > 9)
				b[9] = IPPROTO_ICMP;
		} else {
			const unsigned char *src = i % 3 == 1 ? good_b : err_b;

			len = i % 3 == 1 ? good_len : err_len;
			memcpy(b, src, len);
			for (k = 0; k < 3; k++) {
				seed = seed * 1664525u + 1013904223u;
				b[(seed >> 8) % len] ^= (unsigned char)(1u << (seed >> 29));
			}
			seed = seed * 1664525u + 1013904223u;
			if (seed & 1)
				len = (seed >> 8) % (len + 1);
		}
		rc = parse_n(f, b, len, TX_NS, &ev);
		assert_true(rc == 0 || rc == 1);
		if (rc)
			assert_true(ev.target_idx < f->tl.n);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reply_match, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reply_other_targets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reply_with_ip_options, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_ours, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_ihl, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rtt_edges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_cookie, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reply_truncated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_time_exceeded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_variants, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_truncated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_garbage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reply_needs_sent_probe, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
