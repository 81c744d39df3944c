// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The wire-nearest transmit stamp, on the real BPF objects.
 *
 * rtt table (BPF_PROG_TEST_RUN of icmpmon_xdp, run with rtt_from_tc 0 and 1):
 *   a probe is put in icmpmon_probes with chosen ages for t_tx (tc egress)
 *   and t_wire (driver hand-off, 0: none), our echo reply (tests/lib/pkt.h)
 *   goes through XDP; checked: the event's rtt_ns starts at t_wire (t_tx with
 *   rtt_from_tc or without a wire stamp), its txq_ns is exactly t_wire - t_tx,
 *   the stats' RTT and host queue aggregates and histogram buckets.
 *
 * live table (icmpmon_wire attached to tp_btf/net_dev_start_xmit, which
 *   BPF_PROG_TEST_RUN cannot run): real datagrams are sent to 127.0.0.1 and ::1
 *   with a probe waiting in the shared map; checked: which of them get
 *   t_wire_ns (within the send call) and which leave the map untouched.
 *
 * Needs root.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cmocka.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf/icmpmon.h"
#include "bpf/hist.h"
#include "icmpmon.skel.h"
#include "wire.skel.h"
#include "pkt.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define XDP_PASS_ 2

#define RUN_ID 0xbeef
#define COOKIE 0x216e6f6d706d6369ULL
#define OTHER_ID 0x1234
#define OTHER_COOKIE 0x0706050403020100ULL
#define LOCAL PKT_IP(10, 0, 0, 2)
#define T0 PKT_IP(192, 0, 2, 1)
#define LO PKT_IP(127, 0, 0, 1)
#define DATA_LEN 56
#define MS 1000000ull

static struct {
	struct icmpmon_bpf *skel;
	struct wire_bpf *wire;
	struct bpf_link *link;
	struct ring_buffer *rb;
	int xdp_fd, probes_fd, answer_fd, stats_fd, hists_fd;
	struct icmpmon_event ev[4];
	int nev;
	int rtt_from_tc;
} F;

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int on_event(void *ctx, void *data, size_t len)
{
	(void)ctx;
	assert_int_equal(len, sizeof(struct icmpmon_event));
	if (F.nev < (int)ARRAY_SIZE(F.ev))
		memcpy(&F.ev[F.nev], data, sizeof(F.ev[0]));
	F.nev++;
	return 0;
}

static struct probe_key key4(uint32_t target, uint16_t id, uint16_t seq)
{
	struct probe_key k;

	memset(&k, 0, sizeof(k));
	k.target.family = ICMPMON_AF_INET;
	k.target.addr[0] = target;
	k.id = htons(id);
	k.seq = seq;
	return k;
}

static void map_clear(int fd)
{
	struct probe_key k, next;

	while (!bpf_map_get_next_key(fd, NULL, &next)) {
		k = next;
		assert_int_equal(bpf_map_delete_elem(fd, &k), 0);
	}
}

static int load(int rtt_from_tc)
{
	uint64_t cookie = COOKIE;
	struct icmpmon_addr t0 = { .family = ICMPMON_AF_INET, .addr = { T0 } };
	uint32_t idx = 0;
	int err;

	memset(&F, 0, sizeof(F));
	F.rtt_from_tc = rtt_from_tc;
	F.skel = icmpmon_bpf__open();
	assert_non_null(F.skel);
	F.skel->rodata->run_id = htons(RUN_ID);
	memcpy(&F.skel->rodata->run_cookie, &cookie, sizeof(cookie));
	F.skel->rodata->cookie_len = ICMPMON_COOKIE_LEN;
	F.skel->rodata->rtt_from_tc = (__u8)rtt_from_tc;
	assert_int_equal(bpf_map__set_max_entries(F.skel->maps.icmpmon_targets, 1), 0);
	assert_int_equal(bpf_map__set_max_entries(F.skel->maps.icmpmon_stats, 1), 0);
	assert_int_equal(bpf_map__set_max_entries(F.skel->maps.icmpmon_hists, 1), 0);
	assert_int_equal(bpf_map__set_max_entries(F.skel->maps.icmpmon_probes, 16), 0);
	err = icmpmon_bpf__load(F.skel);
	if (err)
		fail_msg("icmpmon_bpf__load: %s; root needed", strerror(-err));
	F.xdp_fd = bpf_program__fd(F.skel->progs.icmpmon_xdp);
	F.probes_fd = bpf_map__fd(F.skel->maps.icmpmon_probes);
	F.answer_fd = bpf_map__fd(F.skel->maps.icmpmon_answer);
	F.stats_fd = bpf_map__fd(F.skel->maps.icmpmon_stats);
	F.hists_fd = bpf_map__fd(F.skel->maps.icmpmon_hists);
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(F.skel->maps.icmpmon_targets), &t0, &idx, BPF_NOEXIST), 0);
	F.rb = ring_buffer__new(bpf_map__fd(F.skel->maps.icmpmon_events), on_event, NULL, NULL);
	assert_non_null(F.rb);
	return 0;
}

static int setup_wire(void **state)
{
	(void)state;
	return load(0);
}

static int setup_tc(void **state)
{
	(void)state;
	return load(1);
}

static int teardown(void **state)
{
	(void)state;
	bpf_link__destroy(F.link);
	wire_bpf__destroy(F.wire);
	ring_buffer__free(F.rb);
	icmpmon_bpf__destroy(F.skel);
	memset(&F, 0, sizeof(F));
	return 0;
}

static int fresh(void **state)
{
	struct target_stats zero;
	struct target_hists zero_hists;
	uint32_t idx = 0;

	(void)state;
	map_clear(F.probes_fd);
	map_clear(F.answer_fd);
	memset(&zero, 0, sizeof(zero));
	memset(&zero_hists, 0, sizeof(zero_hists));
	assert_int_equal(bpf_map_update_elem(F.stats_fd, &idx, &zero, BPF_ANY), 0);
	assert_int_equal(bpf_map_update_elem(F.hists_fd, &idx, &zero_hists, BPF_ANY), 0);
	ring_buffer__consume(F.rb);
	F.nev = 0;
	return 0;
}

/* ---- rtt table: XDP with wire stamps ------------------------------------------------------ */

struct rcase {
	const char *name;
	uint64_t tx_ago, wire_ago; /* ages of the stamps when the reply comes; wire_ago 0: no wire stamp */
	int dup;                   /* the reply comes twice */
};

static const struct rcase rcases[] = {
	{ "probe queued 4 ms in the host: the wire stamp starts the RTT", 5 * MS, 1 * MS, 0 },
	{ "no wire stamp (hook missing, extension headers): tc egress starts it", 5 * MS, 0, 0 },
	{ "queue of 300 ms (beyond 32-bit microseconds of nothing): exact", 301 * MS, 1 * MS, 0 },
	{ "duplicate: both events from the wire stamp, the queue counted once", 3 * MS, 2 * MS, 1 },
	{ "wire stamp equal to tc egress: queue 0, reported as known", 2 * MS, 2 * MS, 0 },
};

static void reply_frame(uint16_t seq, uint8_t *buf, size_t *len)
{
	const struct pkt_spec s = { .d = { .ip = { .saddr = T0, .daddr = LOCAL, .ttl = 57 },
					   .icmp = { .type = PKT_ICMP_ECHOREPLY, .id = RUN_ID, .seq = seq },
					   .data = { .len = DATA_LEN, .has_cookie = true, .cookie = COOKIE } } };

	*len = pkt_build(&s, buf, PKT_MAX);
	assert_true(*len > 0);
}

static void run_xdp(const uint8_t *buf, size_t len)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = buf, .data_size_in = (uint32_t)len, .repeat = 1);

	assert_int_equal(bpf_prog_test_run_opts(F.xdp_fd, &opts), 0);
	assert_int_equal(opts.retval, XDP_PASS_);
}

static void check_rcase(const struct rcase *c)
{
	struct probe_key k = key4(T0, RUN_ID, 7);
	struct probe_val v = { 0 };
	struct target_stats st;
	struct target_hists h;
	uint8_t buf[PKT_MAX];
	uint64_t now, t0, t1, start, txq;
	uint32_t idx = 0, b;
	size_t len;
	int i, n = c->dup ? 2 : 1;

	print_message("  rtt_from_tc=%d: %s\n", F.rtt_from_tc, c->name);
	reply_frame(7, buf, &len);
	now = mono_ns();
	v.t_tx_ns = now - c->tx_ago;
	v.t_wire_ns = c->wire_ago ? now - c->wire_ago : 0;
	v.target_idx = 0;
	v.src[0] = LOCAL; /* the reply goes to the probe's source (bpf/validate.bpf.h) */
	assert_int_equal(bpf_map_update_elem(F.probes_fd, &k, &v, BPF_NOEXIST), 0);
	t0 = mono_ns();
	for (i = 0; i < n; i++)
		run_xdp(buf, len);
	t1 = mono_ns();
	ring_buffer__consume(F.rb);
	assert_int_equal(F.nev, n);

	start = v.t_wire_ns && !F.rtt_from_tc ? v.t_wire_ns : v.t_tx_ns;
	txq = v.t_wire_ns ? v.t_wire_ns - v.t_tx_ns : 0;
	for (i = 0; i < n; i++) {
		assert_int_equal(F.ev[i].kind, i ? ICMPMON_EV_DUP : ICMPMON_EV_REPLY);
		assert_in_range(F.ev[i].rtt_ns, t0 - start, t1 - start);
		/* 0 only without a wire stamp; a measured 0 is said as 1 ns */
		assert_int_equal(F.ev[i].txq_ns, v.t_wire_ns ? (txq ? txq : 1) : 0);
	}
	assert_int_equal(bpf_map_lookup_elem(F.stats_fd, &idx, &st), 0);
	assert_int_equal(bpf_map_lookup_elem(F.hists_fd, &idx, &h), 0);
	assert_int_equal(st.received, 1);
	assert_int_equal(st.duplicates, (uint64_t)(n - 1));
	assert_in_range(st.rtt_first_sum_ns, t0 - start, t1 - start);
	assert_int_equal(h.hist[icmpmon_hist_bucket(st.rtt_first_sum_ns)], 1);
	assert_int_equal(st.txq_count, v.t_wire_ns ? 1 : 0);
	assert_int_equal(st.txq_sum_ns, txq);
	assert_int_equal(st.txq_max_ns, txq);
	for (b = 0; b < ICMPMON_HIST_BUCKETS; b++)
		assert_int_equal(h.txq_hist[b], v.t_wire_ns && b == icmpmon_hist_bucket(txq) ? 1 : 0);
}

static void test_rtt_table(void **state)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rcases); i++) {
		fresh(state);
		check_rcase(&rcases[i]);
	}
}

/* An ICMP error about a probe that waited in the queue: its event carries the queue too. */
static void test_error_carries_queue(void **state)
{
	const struct pkt_spec s = {
		.d = { .ip = { .saddr = PKT_IP(10, 0, 0, 1), .daddr = LOCAL, .ttl = 250 },
		       .icmp = { .type = PKT_ICMP_TIME_EXCEEDED } },
		.quote = true,
		.inner = { .ip = { .saddr = LOCAL, .daddr = T0, .ttl = 1 },
			   .icmp = { .type = PKT_ICMP_ECHO, .id = RUN_ID, .seq = 9 },
			   .data = { .len = DATA_LEN, .has_cookie = true, .cookie = COOKIE } },
		.quote_len = PKT_QUOTE_ALL,
	};
	struct probe_key k = key4(T0, RUN_ID, 9);
	struct probe_val v = { 0 };
	uint8_t buf[PKT_MAX];
	size_t len = pkt_build(&s, buf, sizeof(buf));
	uint64_t now = mono_ns();

	fresh(state);
	v.t_tx_ns = now - 7 * MS;
	v.t_wire_ns = now - 2 * MS;
	v.src[0] = LOCAL; /* the error is sent to, and quotes, the probe's source */
	assert_int_equal(bpf_map_update_elem(F.probes_fd, &k, &v, BPF_NOEXIST), 0);
	run_xdp(buf, len);
	ring_buffer__consume(F.rb);
	assert_int_equal(F.nev, 1);
	assert_int_equal(F.ev[0].kind, ICMPMON_EV_ERROR);
	assert_int_equal(F.ev[0].txq_ns, 5 * MS);
}

/* ---- live table: icmpmon_wire on real transmissions over lo ------------------------------- */

static void attach_wire(void)
{
	uint64_t cookie = COOKIE;
	int err;

	F.wire = wire_bpf__open();
	assert_non_null(F.wire);
	F.wire->rodata->run_id = htons(RUN_ID);
	memcpy(&F.wire->rodata->run_cookie, &cookie, sizeof(cookie));
	F.wire->rodata->cookie_len = ICMPMON_COOKIE_LEN;
	assert_int_equal(bpf_map__set_max_entries(F.wire->maps.icmpmon_probes, 16), 0);
	assert_int_equal(bpf_map__reuse_fd(F.wire->maps.icmpmon_probes, F.probes_fd), 0);
	err = wire_bpf__load(F.wire);
	if (err)
		fail_msg("wire_bpf__load: %s (root needed; a kernel with BTF and bpf_rdonly_cast)", strerror(-err));
	F.link = bpf_program__attach(F.wire->progs.icmpmon_wire);
	assert_non_null(F.link);
}

enum lkind { L_V4, L_V6, L_UDP };

struct lcase {
	const char *name;
	enum lkind kind;
	uint16_t id;       /* ICMP identifier sent (host order) */
	uint8_t type;      /* ICMP type sent */
	uint16_t data_len; /* ICMP data bytes; 0: DATA_LEN */
	uint64_t cookie;   /* 0: COOKIE */
	uint8_t opt_len;   /* IPv4 option bytes */
	int stamped;       /* the waiting probe gets t_wire_ns */
};

#define E PKT_ICMP_ECHO
static const struct lcase lcases[] = {
	{ "our echo request to 127.0.0.1: stamped", L_V4, RUN_ID, E, 0, 0, 0, 1 },
	{ "our echo request with 8 bytes of IPv4 options: stamped", L_V4, RUN_ID, E, 0, 0, 8, 1 },
	{ "our echo request to ::1: stamped", L_V6, RUN_ID, E, 0, 0, 0, 1 },
	{ "another identifier: left alone", L_V4, OTHER_ID, E, 0, 0, 0, 0 },
	{ "another cookie: left alone", L_V4, RUN_ID, E, 0, OTHER_COOKIE, 0, 0 },
	{ "payload shorter than the cookie: left alone", L_V4, RUN_ID, E, 4, 0, 0, 0 },
	{ "echo reply type with our id: left alone", L_V4, RUN_ID, PKT_ICMP_ECHOREPLY, 0, 0, 0, 0 },
	{ "timestamp request with our id: left alone", L_V4, RUN_ID, PKT_ICMP_TIMESTAMP, 0, 0, 0, 0 },
	{ "UDP datagram: left alone", L_UDP, RUN_ID, E, 0, 0, 0, 0 },
};

static void send_v4(const struct lcase *c, uint16_t seq)
{
	const struct pkt_dgram d = {
		.ip = { .saddr = LO, .daddr = LO, .opt_len = c->opt_len,
			.proto = c->kind == L_UDP ? PKT_PROTO_UDP : PKT_PROTO_ICMP },
		.icmp = { .type = c->type, .id = c->id, .seq = seq },
		.ports = { .sport = 40000, .dport = 9 },
		.data = { .len = c->data_len ? c->data_len : DATA_LEN, .has_cookie = true,
			  .cookie = c->cookie ? c->cookie : COOKIE },
	};
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr.s_addr = LO };
	uint8_t buf[PKT_MAX];
	size_t len = pkt_build_dgram(&d, NULL, 0, buf, sizeof(buf));
	int fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);

	assert_true(fd >= 0 && len > 0);
	assert_int_equal(sendto(fd, buf, len, 0, (struct sockaddr *)&to, sizeof(to)), (ssize_t)len);
	close(fd);
}

static void send_v6(const struct lcase *c, uint16_t seq)
{
	struct sockaddr_in6 to = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	uint64_t cookie = c->cookie ? c->cookie : COOKIE;
	uint8_t buf[8 + DATA_LEN];
	int fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);

	assert_true(fd >= 0);
	memset(buf, 0, sizeof(buf));
	buf[0] = 128; /* echo request; the kernel writes the checksum */
	pkt_put16(buf + 4, c->id);
	pkt_put16(buf + 6, seq);
	memcpy(buf + 8, &cookie, sizeof(cookie));
	assert_int_equal(sendto(fd, buf, sizeof(buf), 0, (struct sockaddr *)&to, sizeof(to)), (ssize_t)sizeof(buf));
	close(fd);
}

static void test_live_table(void **state)
{
	uint16_t seq = 100;
	size_t i;

	attach_wire();
	for (i = 0; i < ARRAY_SIZE(lcases); i++, seq++) {
		const struct lcase *c = &lcases[i];
		struct probe_key k = key4(LO, c->id, seq);
		struct probe_val v = { .t_tx_ns = 1 }, got;
		uint64_t t0, t1;

		print_message("  %s\n", c->name);
		fresh(state);
		if (c->kind == L_V6) {
			k.target.family = ICMPMON_AF_INET6;
			k.target.addr[0] = 0;
			k.target.addr[3] = htonl(1);
		}
		assert_int_equal(bpf_map_update_elem(F.probes_fd, &k, &v, BPF_NOEXIST), 0);
		t0 = mono_ns();
		if (c->kind == L_V6)
			send_v6(c, seq);
		else
			send_v4(c, seq);
		t1 = mono_ns();
		assert_int_equal(bpf_map_lookup_elem(F.probes_fd, &k, &got), 0);
		assert_int_equal(got.t_tx_ns, 1);
		if (c->stamped)
			assert_in_range(got.t_wire_ns, t0, t1);
		else
			assert_int_equal(got.t_wire_ns, 0);
	}
}

/* A transmission with no probe waiting adds nothing to the map. */
static void test_live_no_probe(void **state)
{
	const struct lcase c = { "", L_V4, RUN_ID, E, 0, 0, 0, 1 };
	struct probe_key k;

	if (!F.link)
		attach_wire();
	fresh(state);
	send_v4(&c, 300);
	assert_int_equal(bpf_map_get_next_key(F.probes_fd, NULL, &k), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest wire[] = {
		cmocka_unit_test(test_rtt_table),
		cmocka_unit_test(test_error_carries_queue),
		cmocka_unit_test(test_live_table),
		cmocka_unit_test(test_live_no_probe),
	};
	const struct CMUnitTest tc[] = {
		cmocka_unit_test(test_rtt_table),
		cmocka_unit_test(test_error_carries_queue),
	};
	int failed = 0;

	failed += cmocka_run_group_tests_name("rtt from the wire stamp", wire, setup_wire, teardown);
	failed += cmocka_run_group_tests_name("--rtt-from tc", tc, setup_tc, teardown);
	return failed ? 1 : 0;
}
