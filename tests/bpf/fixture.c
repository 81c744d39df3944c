// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The packet tables' fixture: one loaded skeleton per group, a clean slate per test (see table.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf_harness.h"
#include "table.h"

struct fixture F;

static const struct {
	uint32_t addr;
	pkt_in6_t addr6;
	uint32_t idx;
} targets[] = {
	{ T0, 0, 0 }, { T1, 0, 1 }, { 0, T6, IDX_T6 }, { T3, 0, 3 }, { 0, T6B, IDX_T6B },
};

uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct fixture *f = ctx;

	if (f->nev >= MAX_EVENTS) {
		f->ev_lost++;
		return 0;
	}
	memset(&f->ev[f->nev], 0, sizeof(f->ev[0]));
	memcpy(&f->ev[f->nev].ev, data, size < sizeof(struct icmpmon_event) ? size : sizeof(struct icmpmon_event));
	f->ev[f->nev].size = size;
	f->nev++;
	return 0;
}

/* Events emitted since the last call are appended to F.ev. */
void collect_events(void)
{
	int n = ring_buffer__consume(F.rb);

	assert_true(n >= 0);
}

static void drain_events(void)
{
	collect_events();
	F.nev = 0;
	F.ev_lost = 0;
}

const char *kind_name(unsigned int k)
{
	static const char *names[] = { "REPLY", "DUP", "ERROR" };

	return k < ARRAY_SIZE(names) ? names[k] : "?";
}

struct icmpmon_addr taddr(uint32_t a4, pkt_in6_t a6)
{
	struct icmpmon_addr a;
	int i;

	memset(&a, 0, sizeof(a));
	if (!a6) {
		a.family = ICMPMON_AF_INET;
		a.addr[0] = a4;
		return a;
	}
	a.family = ICMPMON_AF_INET6;
	for (i = 3; i >= 0; i--, a6 >>= 32)
		a.addr[i] = htonl((uint32_t)a6);
	return a;
}

int idx_of(uint32_t a4, pkt_in6_t a6)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(targets); i++)
		if (a6 ? targets[i].addr6 == a6 : targets[i].addr == a4)
			return (int)targets[i].idx;
	return -1;
}

struct probe_key pkey(uint32_t a4, pkt_in6_t a6, uint16_t seq)
{
	struct probe_key k;

	memset(&k, 0, sizeof(k));
	k.target = taddr(a4, a6);
	k.id = htons(RUN_ID);
	k.seq = seq;
	return k;
}

unsigned int probe_count(int map_fd)
{
	return harness_map_count(map_fd, sizeof(struct probe_key));
}

void read_counters(uint64_t out[ICMPMON_CNT_MAX])
{
	uint32_t k;

	for (k = 0; k < ICMPMON_CNT_MAX; k++)
		assert_int_equal(harness_percpu_sum(F.counter_fd, k, &out[k]), 0);
}

void read_stats(struct target_snapshot out[NTARGETS])
{
	uint32_t k;

	for (k = 0; k < NTARGETS; k++) {
		assert_int_equal(bpf_map_lookup_elem(F.stats_fd, &k, &out[k].c), 0);
		assert_int_equal(bpf_map_lookup_elem(F.hists_fd, &k, &out[k].h), 0);
	}
}

size_t build(const struct pkt_spec *s, uint8_t *buf)
{
	size_t len = pkt_build(s, buf, PKT_MAX);

	assert_true(len > 0);
	return len;
}

int run_prog(int fd, const uint8_t *data, size_t len, int *retval)
{
	uint8_t frame[PKT_MAX];
	uint32_t rv;
	int err;

	/*
	 * A SCHED_CLS test run takes the frame as received on lo, whose address
	 * is all zeros: any other unicast destination is PACKET_OTHERHOST.
	 */
	if (fd != F.egress_fd && F.cfg->prog == PROG_TC_IN && !F.cfg->l3 && len >= 6 && len <= sizeof(frame)) {
		memcpy(frame, data, len);
		memset(frame, 0, 6);
		data = frame;
	}
	err = harness_run(fd, data, len, 1, &rv, NULL);

	*retval = (int)rv;
	return err;
}

/*
 * The shortest frame with this EtherType that a SCHED_CLS test run takes.
 * The kernel always wants ETH_HLEN; newer ones (6.18 here) also want the
 * network header when skb->protocol says IPv4 (-EINVAL below that).
 */
static size_t probe_skb_min(uint16_t ethertype)
{
	uint8_t frame[PKT_ETH_HLEN + 40];
	size_t len;
	int rv;

	memset(frame, 0, sizeof(frame));
	pkt_put16(frame + 12, ethertype);
	for (len = PKT_ETH_HLEN; len < sizeof(frame); len++)
		if (run_prog(F.egress_fd, frame, len, &rv) == 0)
			return len;
	return sizeof(frame);
}

/*
 * Below ETH_HLEN always; for SCHED_CLS programs also an IP-EtherType frame
 * shorter than the kernel's minimum. The test run reads the EtherType where
 * Ethernet has it, bytes 12-13, even in a frame meant for an L3 device.
 */
bool run_refused(int fd, const uint8_t *frame, size_t len)
{
	bool skb = fd == F.egress_fd || F.cfg->prog != PROG_XDP;
	uint16_t ethertype;

	if (len < PKT_ETH_HLEN)
		return true;
	ethertype = pkt_get16(frame + 12);
	if (skb && ethertype == PKT_ETH_P_IP)
		return len < F.skb_min_ip4;
	if (skb && ethertype == PKT_ETH_P_IPV6)
		return len < F.skb_min_ip6;
	return false;
}

int expected_retval(enum verdict v)
{
	bool drop = v == OURS && F.cfg->consume;

	if (F.cfg->prog == PROG_XDP)
		return drop ? XDP_DROP_ : XDP_PASS_;
	return drop ? TC_ACT_SHOT_ : TC_ACT_UNSPEC_;
}

uint64_t stamp_via_egress(uint32_t a4, pkt_in6_t a6, uint16_t seq)
{
	struct pkt_spec req = REQUEST(a4, seq);
	const struct pkt_spec req6 = REQUEST6(a6, seq);
	struct probe_key k = pkey(a4, a6, seq);
	struct probe_val v;
	uint8_t buf[PKT_MAX];
	uint64_t t0, t1;
	size_t len;
	int rv;

	if (a6)
		req = req6;
	req.l3 = F.cfg->l3;
	len = build(&req, buf);
	t0 = mono_ns();
	assert_int_equal(run_prog(F.egress_fd, buf, len, &rv), 0);
	t1 = mono_ns();
	assert_int_equal(rv, TC_ACT_UNSPEC_);
	assert_int_equal(bpf_map_lookup_elem(F.probes_fd, &k, &v), 0);
	assert_int_equal(v.target_idx, idx_of(a4, a6));
	assert_in_range(v.t_tx_ns, t0, t1);
	return v.t_tx_ns;
}

static int prog_fd_of(const struct config *cfg, struct icmpmon_bpf *skel)
{
	switch (cfg->prog) {
	case PROG_XDP:
		return bpf_program__fd(cfg->l3 ? skel->progs.icmpmon_xdp_l3 : skel->progs.icmpmon_xdp);
	case PROG_TC_IN:
		return bpf_program__fd(cfg->l3 ? skel->progs.icmpmon_tcin_l3 : skel->progs.icmpmon_tc_in);
	default:
		return bpf_program__fd(cfg->l3 ? skel->progs.icmpmon_egr_l3 : skel->progs.icmpmon_egress);
	}
}

int group_setup(void **state)
{
	const struct config *cfg = F.cfg;
	const struct harness_cfg hc = {
		.run_id = RUN_ID,
		.cookie = COOKIE,
		.cookie_len = cfg->no_cookie ? 0 : ICMPMON_COOKIE_LEN,
		.consume = cfg->consume,
		.targets = NTARGETS,
		.probes = NPROBES,
	};
	struct icmpmon_bpf *skel;
	char why[4096];
	size_t i;

	*state = NULL; /* a group state would hide each test's case from it */
	skel = harness_load(&hc, why, sizeof(why));
	if (!skel)
		fail_msg("%s", why);
	F.skel = skel;
	F.egress_fd = bpf_program__fd(cfg->l3 ? skel->progs.icmpmon_egr_l3 : skel->progs.icmpmon_egress);
	F.prog_fd = prog_fd_of(cfg, skel);
	F.probes_fd = bpf_map__fd(skel->maps.icmpmon_probes);
	F.answer_fd = bpf_map__fd(skel->maps.icmpmon_answer);
	F.targets_fd = bpf_map__fd(skel->maps.icmpmon_targets);
	F.stats_fd = bpf_map__fd(skel->maps.icmpmon_stats);
	F.hists_fd = bpf_map__fd(skel->maps.icmpmon_hists);
	F.counter_fd = bpf_map__fd(skel->maps.icmpmon_counter);
	F.events_fd = bpf_map__fd(skel->maps.icmpmon_events);
	for (i = 0; i < ARRAY_SIZE(targets); i++) {
		struct icmpmon_addr a = taddr(targets[i].addr, targets[i].addr6);

		assert_int_equal(bpf_map_update_elem(F.targets_fd, &a, &targets[i].idx, BPF_NOEXIST), 0);
	}
	F.rb = ring_buffer__new(F.events_fd, on_event, &F, NULL);
	assert_non_null(F.rb);
	F.skb_min_ip4 = probe_skb_min(PKT_ETH_P_IP);
	F.skb_min_ip6 = probe_skb_min(PKT_ETH_P_IPV6);
	return 0;
}

int group_teardown(void **state)
{
	(void)state;
	ring_buffer__free(F.rb);
	F.rb = NULL;
	icmpmon_bpf__destroy(F.skel);
	F.skel = NULL;
	return 0;
}

/* Before each test: no probes, no answers, zero stats and counters, no events. */
int test_setup(void **state)
{
	struct target_stats zero_stats;
	struct target_hists zero_hists;
	uint64_t zeros[512];
	int ncpus = libbpf_num_possible_cpus();
	uint32_t k;

	(void)state;
	assert_in_range(ncpus, 1, ARRAY_SIZE(zeros));
	assert_int_equal(harness_map_clear(F.probes_fd, sizeof(struct probe_key)), 0);
	assert_int_equal(harness_map_clear(F.answer_fd, sizeof(struct probe_key)), 0);
	memset(&zero_stats, 0, sizeof(zero_stats));
	memset(&zero_hists, 0, sizeof(zero_hists));
	for (k = 0; k < NTARGETS; k++) {
		assert_int_equal(bpf_map_update_elem(F.stats_fd, &k, &zero_stats, BPF_ANY), 0);
		assert_int_equal(bpf_map_update_elem(F.hists_fd, &k, &zero_hists, BPF_ANY), 0);
	}
	memset(zeros, 0, sizeof(zeros));
	for (k = 0; k < ICMPMON_CNT_MAX; k++)
		assert_int_equal(bpf_map_update_elem(F.counter_fd, &k, zeros, BPF_ANY), 0);
	drain_events();
	return 0;
}

int run_groups(const struct config *cfgs, size_t ncfgs, const struct CMUnitTest *tests, size_t ntests)
{
	int failed = 0;
	size_t i;

	for (i = 0; i < ncfgs; i++) {
		F.cfg = &cfgs[i];
		/* cmocka 1.1 does not print group names; say which program and settings follow */
		printf("[ PROGRAM  ] %s\n", cfgs[i].name);
		fflush(stdout);
		/* the function behind cmocka_run_group_tests_name, which wants an array, not a pointer */
		failed += _cmocka_run_group_tests(cfgs[i].name, tests, ntests, group_setup, group_teardown);
	}
	return failed;
}
