// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * --mode dgram parsing: replies as an ICMP datagram socket returns them (ICMP
 * header and data), error-queue messages (ICMP errors quoting our request,
 * send stamps with the request looped back), the probes in flight that decide
 * what a reply is, and net.ipv4.ping_group_range. Every datagram is handed
 * over in a heap buffer of exactly its length, so an overread shows under
 * -fsanitize=address.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <arpa/inet.h>
#include <linux/errqueue.h>
#include <cmocka.h>

#include "engine/dgram.h"
#include "engine/dgram_socket.h"
#include "engine/inflight.h"
#include "engine/targets.h"

#define COOKIE 0x1122334455667788ull
#define SIZE 56 /* payload bytes */
#define ICMP_LEN (8 + SIZE)
#define T0_NS 1700000000000000000ull /* a send time, CLOCK_REALTIME */

static char t0[] = "10.1.2.3", t1[] = "fd00::7", t2[] = "192.0.2.77";

struct fixture {
	struct target_list tl;
	struct dgram d;
};

static int setup(void **state)
{
	char *names[] = { t0, t1, t2 };
	struct fixture *f = calloc(1, sizeof(*f));
	char err[128];

	if (!f || targets_resolve(&f->tl, names, 3, AF_UNSPEC, 0, err, sizeof(err)) || f->tl.n != 3)
		return -1;
	/* What dgram_open sets up, without the sockets. */
	f->d.fd[0] = f->d.fd[1] = f->d.epfd = -1;
	f->d.tl = &f->tl;
	f->d.icmp_len = ICMP_LEN;
	f->d.cookie = COOKIE;
	f->d.cookie_len = 8;
	if (inflight_init(&f->d.inflight, f->tl.n, 16))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	inflight_free(&f->d.inflight);
	targets_free(&f->tl);
	free(f);
	return 0;
}

static struct icmpmon_addr addr(const char *s)
{
	struct icmpmon_addr a = { 0 };

	if (strchr(s, ':')) {
		a.family = ICMPMON_AF_INET6;
		assert_int_equal(inet_pton(AF_INET6, s, a.addr), 1);
	} else {
		a.family = ICMPMON_AF_INET;
		assert_int_equal(inet_pton(AF_INET, s, a.addr), 1);
	}
	return a;
}

/* An echo message (ICMP header and our payload) in a heap buffer of exactly len bytes. */
static unsigned char *echo(uint8_t type, uint16_t seq, uint64_t cookie, size_t len)
{
	unsigned char *b = malloc(len ? len : 1);
	unsigned char full[ICMP_LEN];
	size_t i;

	assert_non_null(b);
	memset(full, 0, sizeof(full));
	full[0] = type;
	full[4] = 0x12; /* the kernel's identifier: not ours to check */
	full[6] = (unsigned char)(seq >> 8);
	full[7] = (unsigned char)seq;
	for (i = 8; i < sizeof(full); i++)
		full[i] = (unsigned char)i;
	memcpy(full + 8, &cookie, 8);
	memcpy(b, full, len < sizeof(full) ? len : sizeof(full));
	return b;
}

static int reply(struct fixture *f, const char *from, uint8_t type, uint16_t seq, uint64_t cookie, size_t len,
		 uint64_t rx_ns, struct icmpmon_event *ev)
{
	struct icmpmon_addr a = addr(from);
	unsigned char *b = echo(type, seq, cookie, len);
	int rc = dgram_reply(&f->d, b, len, &a, rx_ns, 63, ev);

	free(b);
	return rc;
}

static void sent(struct fixture *f, uint32_t tidx, uint16_t seq, uint64_t mono_ns)
{
	assert_int_equal(inflight_add(&f->d.inflight, tidx, seq, mono_ns, T0_NS + mono_ns), 0);
}

/* ---- replies ------------------------------------------------------------- */

static void test_reply_then_duplicate(void **state)
{
	struct fixture *f = *state;
	struct icmpmon_event ev;

	sent(f, 0, 1, 1000);
	assert_int_equal(reply(f, t0, 0, 1, COOKIE, ICMP_LEN, T0_NS + 1000 + 250000, &ev), 1);
	assert_int_equal(ev.kind, ICMPMON_EV_REPLY);
	assert_int_equal(ev.target_idx, 0);
	assert_int_equal(ev.seq, 1);
	assert_int_equal(ev.rtt_ns, 250000); /* the sender's clock: no kernel stamp came */
	assert_int_equal(ev.ttl, 63);
	assert_int_equal(ev.icmp_len, ICMP_LEN);
	assert_int_equal(ev.from.family, ICMPMON_AF_INET);
	assert_int_equal(reply(f, t0, 0, 1, COOKIE, ICMP_LEN, T0_NS + 1000 + 300000, &ev), 1);
	assert_int_equal(ev.kind, ICMPMON_EV_DUP);
	assert_int_equal(ev.rtt_ns, 300000);
}

static void test_reply_v6(void **state)
{
	struct fixture *f = *state;
	struct icmpmon_event ev;

	sent(f, 1, 9, 0);
	assert_int_equal(reply(f, t1, 0, 9, COOKIE, ICMP_LEN, T0_NS + 5000, &ev), 0); /* an IPv4 type from ::/0 */
	assert_int_equal(reply(f, t1, 129, 9, COOKIE, ICMP_LEN, T0_NS + 5000, &ev), 1);
	assert_int_equal(ev.target_idx, 1);
	assert_int_equal(ev.from.family, ICMPMON_AF_INET6);
	assert_int_equal(ev.icmp_type, 129);
}

/* Only a reply to a probe sent and not yet settled counts; the rest is counted, not shown. */
static void test_reply_not_ours(void **state)
{
	struct fixture *f = *state;
	struct icmpmon_event ev;

	sent(f, 0, 1, 0);
	assert_int_equal(reply(f, t0, 0, 2, COOKIE, ICMP_LEN, T0_NS + 10, &ev), 0);  /* never sent */
	assert_int_equal(reply(f, t2, 0, 1, COOKIE, ICMP_LEN, T0_NS + 10, &ev), 0);  /* sent to t0, not t2 */
	assert_int_equal(reply(f, "10.9.9.9", 0, 1, COOKIE, ICMP_LEN, T0_NS + 10, &ev), 0); /* no target */
	assert_int_equal(f->d.unmatched, 3);
	assert_int_equal(reply(f, t0, 0, 1, COOKIE ^ 1, ICMP_LEN, T0_NS + 10, &ev), 0);
	assert_int_equal(reply(f, t0, 0, 1, COOKIE, 8 + 7, T0_NS + 10, &ev), 0); /* cut inside the cookie */
	assert_int_equal(f->d.bad_cookie, 2);
	assert_int_equal(reply(f, t0, 8, 1, COOKIE, ICMP_LEN, T0_NS + 10, &ev), 0); /* an echo request */
	assert_int_equal(reply(f, t0, 0, 1, COOKIE, 7, T0_NS + 10, &ev), 0);        /* shorter than a header */
	assert_int_equal(reply(f, t0, 0, 1, COOKIE, 0, T0_NS + 10, &ev), 0);
	/* all that left the probe waiting */
	assert_int_equal(reply(f, t0, 0, 1, COOKIE, ICMP_LEN, T0_NS + 10, &ev), 1);
	assert_int_equal(ev.kind, ICMPMON_EV_REPLY);
}

static void test_reply_without_cookie(void **state)
{
	struct fixture *f = *state;
	struct icmpmon_event ev;

	f->d.cookie_len = 0; /* -s below 8: nothing to check */
	sent(f, 2, 3, 0);
	assert_int_equal(reply(f, t2, 0, 3, 0, 8, T0_NS + 10, &ev), 1);
	assert_int_equal(ev.icmp_len, 8);
}

/* ---- the error queue ----------------------------------------------------- */

static struct sock_extended_err ee_of(uint8_t origin, uint8_t type, uint8_t code, uint32_t info)
{
	struct sock_extended_err ee;

	memset(&ee, 0, sizeof(ee));
	ee.ee_origin = origin;
	ee.ee_type = type;
	ee.ee_code = code;
	ee.ee_info = info;
	ee.ee_errno = origin == SO_EE_ORIGIN_TIMESTAMPING ? ENOMSG : EHOSTUNREACH;
	return ee;
}

static int error(struct fixture *f, int v6, const struct sock_extended_err *ee, const char *offender,
		 const char *dst, const unsigned char *data, size_t len, uint64_t at, struct icmpmon_event *ev)
{
	struct icmpmon_addr o = addr(offender), d = addr(dst);
	unsigned char *b = malloc(len ? len : 1);
	int rc;

	assert_non_null(b);
	memcpy(b, data, len);
	rc = dgram_error(&f->d, v6, ee, &o, &d, b, len, at, ev);
	free(b);
	return rc;
}

static void test_icmp_error(void **state)
{
	struct fixture *f = *state;
	struct sock_extended_err ee = ee_of(SO_EE_ORIGIN_ICMP, 3, 4, 1400); /* frag needed, mtu 1400 */
	struct icmpmon_event ev;
	unsigned char *q = echo(8, 5, COOKIE, 28); /* the quoted request: header and 20 bytes */

	sent(f, 0, 5, 100);
	assert_int_equal(error(f, 0, &ee, "10.200.0.2", t0, q, 28, T0_NS + 100 + 7000, &ev), 1);
	assert_int_equal(ev.kind, ICMPMON_EV_ERROR);
	assert_int_equal(ev.target_idx, 0);
	assert_int_equal(ev.seq, 5);
	assert_int_equal(ev.icmp_type, 3);
	assert_int_equal(ev.icmp_code, 4);
	assert_int_equal(ev.icmp_info, 1400);
	assert_true(ev.from.addr[0] == addr("10.200.0.2").addr[0]);
	assert_int_equal(ev.rtt_ns, 7000);
	/* an error settles nothing: a second error is reported, the reply still counts, then no more errors */
	assert_int_equal(error(f, 0, &ee, "10.200.0.2", t0, q, 28, T0_NS + 9000, &ev), 1);
	assert_int_equal(reply(f, t0, 0, 5, COOKIE, ICMP_LEN, T0_NS + 9000, &ev), 1);
	assert_int_equal(ev.kind, ICMPMON_EV_REPLY);
	assert_int_equal(error(f, 0, &ee, "10.200.0.2", t0, q, 28, T0_NS + 9500, &ev), 0);
	assert_int_equal(f->d.foreign_errors, 1);
	free(q);
}

static void test_icmp_error_not_ours(void **state)
{
	struct fixture *f = *state;
	struct sock_extended_err ee = ee_of(SO_EE_ORIGIN_ICMP, 11, 0, 0);
	struct sock_extended_err local = ee_of(SO_EE_ORIGIN_LOCAL, 0, 0, 1500);
	struct sock_extended_err v6 = ee_of(SO_EE_ORIGIN_ICMP6, 1, 0, 0);
	struct icmpmon_event ev;
	unsigned char *q = echo(8, 6, COOKIE, 8), *q6 = echo(128, 6, COOKIE, 8), *r = echo(0, 6, COOKIE, 8);

	sent(f, 0, 6, 0);
	sent(f, 1, 6, 0);
	assert_int_equal(error(f, 0, &ee, "10.200.0.2", t0, r, 8, T0_NS, &ev), 0);  /* quotes a reply */
	assert_int_equal(error(f, 0, &ee, "10.200.0.2", t0, q, 7, T0_NS, &ev), 0);  /* quote cut short */
	assert_int_equal(error(f, 0, &ee, "10.200.0.2", t2, q, 8, T0_NS, &ev), 0);  /* never sent there */
	assert_int_equal(error(f, 0, &local, "10.200.0.1", t0, q, 8, T0_NS, &ev), 0); /* the sender counted it */
	assert_int_equal(error(f, 1, &ee, "fd00::1", t1, q6, 8, T0_NS, &ev), 0);    /* an ICMP origin on IPv6 */
	assert_int_equal(error(f, 1, &v6, "fd00::1", t1, q6, 8, T0_NS + 3, &ev), 1);
	assert_int_equal(ev.target_idx, 1);
	assert_int_equal(ev.icmp_type, 1);
	assert_int_equal(ev.from.family, ICMPMON_AF_INET6);
	/* t0's probe still waits */
	assert_int_equal(reply(f, t0, 0, 6, COOKIE, ICMP_LEN, T0_NS + 4, &ev), 1);
	free(q);
	free(q6);
	free(r);
}

/* A request looped back with its send stamp: Ethernet, IP, then our ICMP bytes. */
static size_t looped(unsigned char *b, int v6, const char *dst, uint16_t seq, int ip_options)
{
	size_t l2 = 14, ip = v6 ? 40 : 20 + (ip_options ? 4 : 0);
	struct icmpmon_addr a = addr(dst);
	unsigned char *icmp;

	memset(b, 0xee, l2);
	memset(b + l2, 0, ip);
	if (v6) {
		b[l2] = 0x60;
		b[l2 + 6] = 58;
		memcpy(b + l2 + 24, a.addr, 16);
	} else {
		b[l2] = (unsigned char)(0x40 | (ip / 4));
		b[l2 + 9] = 1;
		memcpy(b + l2 + 16, a.addr, 4);
	}
	icmp = echo(v6 ? 128 : 8, seq, COOKIE, ICMP_LEN);
	memcpy(b + l2 + ip, icmp, ICMP_LEN);
	free(icmp);
	return l2 + ip + ICMP_LEN;
}

static void test_send_stamp(void **state)
{
	struct fixture *f = *state;
	struct sock_extended_err ts = ee_of(SO_EE_ORIGIN_TIMESTAMPING, 0, 0, 0);
	unsigned char pkt[200];
	struct icmpmon_event ev;
	size_t len;

	sent(f, 0, 7, 1000);   /* the sender's clock says T0 + 1000 */
	sent(f, 1, 7, 1000);
	len = looped(pkt, 0, t0, 7, 0);
	assert_int_equal(error(f, 0, &ts, "0.0.0.0", "0.0.0.0", pkt, len, T0_NS + 1500, &ev), 0);
	assert_int_equal(f->d.kernel_tx, 1);
	assert_int_equal(reply(f, t0, 0, 7, COOKIE, ICMP_LEN, T0_NS + 9500, &ev), 1);
	assert_int_equal(ev.rtt_ns, 8000); /* from the kernel's stamp */
	len = looped(pkt, 1, t1, 7, 0);
	assert_int_equal(error(f, 1, &ts, "::", "::", pkt, len, T0_NS + 1200, &ev), 0);
	assert_int_equal(reply(f, t1, 129, 7, COOKIE, ICMP_LEN, T0_NS + 2200, &ev), 1);
	assert_int_equal(ev.rtt_ns, 1000);
	assert_int_equal(f->d.kernel_tx, 2);
}

static void test_send_stamp_ignored(void **state)
{
	struct fixture *f = *state;
	struct sock_extended_err ts = ee_of(SO_EE_ORIGIN_TIMESTAMPING, 0, 0, 0);
	unsigned char pkt[200];
	struct icmpmon_event ev;
	size_t len;

	sent(f, 0, 8, 1000);
	len = looped(pkt, 0, t0, 8, 1); /* IP options: not where our request would be */
	assert_int_equal(error(f, 0, &ts, "0.0.0.0", "0.0.0.0", pkt, len, T0_NS + 1500, &ev), 0);
	len = looped(pkt, 0, t2, 8, 0); /* a destination never probed with seq 8 */
	assert_int_equal(error(f, 0, &ts, "0.0.0.0", "0.0.0.0", pkt, len, T0_NS + 1500, &ev), 0);
	len = looped(pkt, 0, t0, 8, 0);
	assert_int_equal(error(f, 0, &ts, "0.0.0.0", "0.0.0.0", pkt, 30, T0_NS + 1500, &ev), 0); /* too short */
	assert_int_equal(error(f, 1, &ts, "::", "::", pkt, len, T0_NS + 1500, &ev), 0);         /* wrong family */
	assert_int_equal(f->d.kernel_tx, 0);
	assert_int_equal(reply(f, t0, 0, 8, COOKIE, ICMP_LEN, T0_NS + 9000, &ev), 1);
	assert_int_equal(ev.rtt_ns, 8000); /* the sender's clock */
	/* a stamp after the reply changes nothing */
	assert_int_equal(error(f, 0, &ts, "0.0.0.0", "0.0.0.0", pkt, len, T0_NS + 1500, &ev), 0);
	assert_int_equal(f->d.kernel_tx, 0);
}

/* ---- probes in flight ---------------------------------------------------- */

struct timeouts {
	int n;
	uint32_t tidx[8];
	uint16_t seq[8];
	int errored[8];
};

static void on_timeout(void *ctx, uint32_t tidx, uint16_t seq, int errored)
{
	struct timeouts *t = ctx;

	assert_true(t->n < 8);
	t->tidx[t->n] = tidx;
	t->errored[t->n] = errored;
	t->seq[t->n++] = seq;
}

static void test_inflight_expire(void **state)
{
	struct inflight f;
	struct timeouts t = { 0 };
	uint64_t tx;
	uint16_t s;

	(void)state;
	assert_int_equal(inflight_init(&f, 2, 4), 0);
	for (s = 1; s <= 3; s++)
		assert_int_equal(inflight_add(&f, 0, s, s * 100, s), 0);
	assert_int_equal(inflight_add(&f, 1, 1, 150, 0), 0);
	assert_int_equal(inflight_answer(&f, 0, 2, &tx), INFLIGHT_FIRST);
	assert_int_equal(tx, 2);
	/* an error settles nothing: the probe still waits, errored */
	assert_int_equal(inflight_fail(&f, 1, 1, &tx), INFLIGHT_FIRST);
	assert_int_equal(inflight_fail(&f, 1, 1, &tx), INFLIGHT_DUP);
	assert_int_equal(inflight_errored(&f, 1, 1), 1);
	assert_int_equal(inflight_errored(&f, 0, 1), 0);
	assert_int_equal(inflight_fail(&f, 0, 2, &tx), INFLIGHT_NONE); /* answered already */
	inflight_expire(&f, 99, on_timeout, &t);
	assert_int_equal(t.n, 0);
	inflight_expire(&f, 250, on_timeout, &t); /* 0/1 waited; 0/2 answered; 0/3 (300) stops the queue */
	assert_int_equal(t.n, 1);
	assert_int_equal(t.tidx[0], 0);
	assert_int_equal(t.seq[0], 1);
	assert_int_equal(t.errored[0], 0);
	/* timed out: a late reply is not the probe's; an answered one is forgotten */
	assert_int_equal(inflight_answer(&f, 0, 1, &tx), INFLIGHT_NONE);
	assert_int_equal(inflight_answer(&f, 0, 2, &tx), INFLIGHT_NONE);
	assert_int_equal(inflight_fail(&f, 0, 3, &tx), INFLIGHT_FIRST);
	assert_int_equal(inflight_answer(&f, 0, 3, &tx), INFLIGHT_FIRST); /* the reply still counts */
	assert_int_equal(inflight_errored(&f, 0, 3), 1);
	inflight_expire(&f, 1000, on_timeout, &t); /* 0/3 answered; 1/1 still waited, errored */
	assert_int_equal(t.n, 2);
	assert_int_equal(t.tidx[1], 1);
	assert_int_equal(t.seq[1], 1);
	assert_int_equal(t.errored[1], 1);
	inflight_free(&f);
}

/* More probes of a target in flight than its window: the newer are not kept, as a full kernel map. */
static void test_inflight_window_full(void **state)
{
	struct inflight f;
	struct timeouts t = { 0 };
	uint64_t tx;
	uint16_t s;

	(void)state;
	assert_int_equal(inflight_init(&f, 1, 4), 0);
	for (s = 1; s <= 4; s++)
		assert_int_equal(inflight_add(&f, 0, s, s, 0), 0);
	assert_int_equal(inflight_add(&f, 0, 5, 5, 0), -1); /* seq 1 still waits in its slot */
	assert_int_equal(f.untracked, 1);
	assert_int_equal(inflight_answer(&f, 0, 1, &tx), INFLIGHT_FIRST);
	assert_int_equal(inflight_add(&f, 0, 5, 6, 0), 0); /* the answered one gives way */
	assert_int_equal(inflight_answer(&f, 0, 1, &tx), INFLIGHT_NONE);
	inflight_expire(&f, 100, on_timeout, &t);
	assert_int_equal(t.n, 4); /* 2, 3, 4, 5: 1's entry found its slot taken */
	assert_int_equal(t.seq[0], 2);
	assert_int_equal(t.seq[3], 5);
	inflight_free(&f);
}

/* The send-order queue grows past its first size and keeps its order. */
static void test_inflight_many(void **state)
{
	struct inflight f;
	struct timeouts t = { 0 };
	uint32_t i;

	(void)state;
	assert_int_equal(inflight_init(&f, 1000, 4), 0);
	for (i = 0; i < 1000; i++)
		assert_int_equal(inflight_add(&f, i, 1, i, 0), 0);
	for (i = 0; i < 1000; i++)
		if (i != 500) {
			uint64_t tx;

			assert_int_equal(inflight_answer(&f, i, 1, &tx), INFLIGHT_FIRST);
		}
	inflight_expire(&f, 2000, on_timeout, &t);
	assert_int_equal(t.n, 1);
	assert_int_equal(t.tidx[0], 500);
	inflight_free(&f);
}

static void test_inflight_window(void **state)
{
	(void)state;
	assert_int_equal(inflight_window(10, 1), 16);     /* ping's defaults: 12 in flight */
	assert_int_equal(inflight_window(0.5, 1), 4);
	assert_int_equal(inflight_window(1, 0.001), 1024);
	assert_int_equal(inflight_window(10, 0), 65536);  /* no interval: every sequence number */
	assert_int_equal(inflight_window(1e9, 1e-9), 65536);
	assert_int_equal(inflight_init(&(struct inflight){ 0 }, 1, 3), -1);
}

/* ---- net.ipv4.ping_group_range ----------------------------------------- */

static void test_group_range_parse(void **state)
{
	long long lo, hi;

	(void)state;
	assert_int_equal(ping_group_range_parse("1\t0\n", &lo, &hi), 0);
	assert_int_equal(lo, 1);
	assert_int_equal(hi, 0);
	assert_int_equal(ping_group_range_parse("0 2147483647", &lo, &hi), 0);
	assert_int_equal(hi, 2147483647);
	assert_int_equal(ping_group_range_parse("", &lo, &hi), -1);
	assert_int_equal(ping_group_range_parse("1", &lo, &hi), -1);
	assert_int_equal(ping_group_range_parse("1\t", &lo, &hi), -1);
	assert_int_equal(ping_group_range_parse("1 2 3", &lo, &hi), -1);
	assert_int_equal(ping_group_range_parse("a b", &lo, &hi), -1);
	assert_int_equal(ping_group_range_parse("1x 2", &lo, &hi), -1);
}

static void test_group_range_explain(void **state)
{
	char err[256];

	(void)state;
	ping_group_range_explain("1\t0\n", 65534, err, sizeof(err));
	assert_string_equal(err, "cannot open an ICMP datagram socket: group 65534 is outside net.ipv4.ping_group_range "
				 "(1 0); allow it with sysctl -w net.ipv4.ping_group_range=\"0 2147483647\"");
	ping_group_range_explain("100 200", 150, err, sizeof(err));
	assert_non_null(strstr(err, "group 150 is inside net.ipv4.ping_group_range 100 200"));
	ping_group_range_explain("", 150, err, sizeof(err));
	assert_string_equal(err, "cannot open an ICMP datagram socket: Permission denied");
	ping_group_range_explain("1 0", 1, err, 20); /* cut, still a string */
	assert_int_equal(strlen(err), 19);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reply_then_duplicate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reply_v6, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reply_not_ours, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reply_without_cookie, setup, teardown),
		cmocka_unit_test_setup_teardown(test_icmp_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_icmp_error_not_ours, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_stamp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_stamp_ignored, setup, teardown),
		cmocka_unit_test(test_inflight_expire),
		cmocka_unit_test(test_inflight_window_full),
		cmocka_unit_test(test_inflight_many),
		cmocka_unit_test(test_inflight_window),
		cmocka_unit_test(test_group_range_parse),
		cmocka_unit_test(test_group_range_explain),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
