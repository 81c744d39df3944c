// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The ingress case runner, shared by icmpmon_xdp and icmpmon_tc_in (and their
 * *_l3 variants): a case stamps its probes by running our echo request
 * through the egress program of the same link kind (or inserts one with a
 * chosen age, for the RTT/histogram cases), runs its frames, then checks
 * verdicts, every counter, every stats field of every target, the histogram
 * bucket of each reply's RTT, the events and what is left in icmpmon_probes
 * and icmpmon_answer.
 *
 * Sweeps run every proper prefix of a frame. Where BPF_PROG_TEST_RUN itself
 * refuses the size it must fail with exactly -EINVAL (run_refused).
 */
#include <errno.h>
#include <sched.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf/hist.h"
#include "table.h"

/*
 * Runs this thread on the (cpu % n)-th of the n CPUs it was allowed at its
 * first call (whatever their numbers); cpu < 0: on all of them again.
 */
static void run_on_cpu(int cpu)
{
	static cpu_set_t allowed;
	static int n;
	cpu_set_t one;
	int k, seen = 0;

	if (!n) {
		if (sched_getaffinity(0, sizeof(allowed), &allowed))
			fail_msg("sched_getaffinity: %s", strerror(errno));
		n = CPU_COUNT(&allowed);
	}
	if (cpu < 0 || n < 2) {
		if (sched_setaffinity(0, sizeof(allowed), &allowed))
			fail_msg("sched_setaffinity: %s", strerror(errno));
		return;
	}
	CPU_ZERO(&one);
	for (k = 0; k < CPU_SETSIZE; k++)
		if (CPU_ISSET(k, &allowed) && seen++ == cpu % n)
			CPU_SET(k, &one);
	if (sched_setaffinity(0, sizeof(one), &one))
		fail_msg("sched_setaffinity: %s", strerror(errno));
}

static uint64_t stamp_direct(const struct stamp *s)
{
	struct probe_key k = pkey(s->target, s->target6, s->seq);
	struct probe_val v;

	memset(&v, 0, sizeof(v));
	v.t_tx_ns = mono_ns() - s->ago_ns;
	v.target_idx = s->stale ? s->idx : (uint32_t)idx_of(s->target, s->target6);
	if (s->target6) {
		const struct icmpmon_addr local6 = taddr(0, LOCAL6);

		memcpy(v.src, local6.addr, sizeof(v.src));
	} else {
		v.src[0] = LOCAL;
	}
	assert_int_equal(bpf_map_update_elem(s->answered ? F.answer_fd : F.probes_fd, &k, &v, BPF_NOEXIST), 0);
	return v.t_tx_ns;
}

static void check_unchanged(const char *what, size_t len, const uint64_t cnt0[ICMPMON_CNT_MAX],
			    const struct target_snapshot st0[NTARGETS], unsigned int probes0)
{
	struct target_snapshot st[NTARGETS];
	uint64_t cnt[ICMPMON_CNT_MAX];
	unsigned int k;

	collect_events();
	if (F.nev)
		fail_msg("%s, %zu bytes: unexpected %s event for seq %u", what, len,
			 kind_name(F.ev[0].ev.kind), F.ev[0].ev.seq);
	read_counters(cnt);
	for (k = 0; k < ICMPMON_CNT_MAX; k++)
		if (cnt[k] != cnt0[k])
			fail_msg("%s, %zu bytes: counter %u changed by %llu", what, len, k,
				 (unsigned long long)(cnt[k] - cnt0[k]));
	read_stats(st);
	for (k = 0; k < NTARGETS; k++)
		if (memcmp(&st[k], &st0[k], sizeof(st[k])))
			fail_msg("%s, %zu bytes: stats of target %u changed (received %llu, errors[1] %llu)",
				 what, len, k, (unsigned long long)(st[k].c.received - st0[k].c.received),
				 (unsigned long long)(st[k].c.errors[1] - st0[k].c.errors[1]));
	if (probe_count(F.probes_fd) != probes0)
		fail_msg("%s, %zu bytes: outstanding probes changed", what, len);
}

/*
 * Every proper prefix of the frame is a no-op: where the test run itself
 * refuses it (run_refused) the syscall must fail with exactly -EINVAL;
 * otherwise the program passes it and touches nothing.
 */
static void sweep_prefixes(int fd, const uint8_t *buf, size_t full, int pass_rv,
			   const uint64_t cnt0[ICMPMON_CNT_MAX], const struct target_snapshot st0[NTARGETS])
{
	unsigned int probes0 = probe_count(F.probes_fd);
	size_t len;
	int err, rv;

	for (len = 0; len < full; len++) {
		err = run_prog(fd, buf, len, &rv);
		if (run_refused(fd, buf, len)) {
			if (err != -EINVAL)
				fail_msg("prefix of %zu bytes: test run returned %d, want -EINVAL", len, err);
			continue;
		}
		if (err)
			fail_msg("prefix of %zu bytes: test run failed: %d", len, err);
		if (rv != pass_rv)
			fail_msg("prefix of %zu bytes: verdict %d, want %d", len, rv, pass_rv);
		check_unchanged("prefix", len, cnt0, st0, probes0);
	}
}


/* The stamp of case c whose probe event e is about; -1 when there is none. */
static int stamp_of(const struct icase *c, unsigned int nstamps, const struct icmpmon_event *e)
{
	unsigned int k;

	for (k = 0; k < nstamps; k++)
		if (c->stamps[k].seq == e->seq &&
		    (uint32_t)idx_of(c->stamps[k].target, c->stamps[k].target6) == e->target_idx)
			return (int)k;
	return -1;
}

void run_ingress_case(void **state)
{
	const struct icase *c = *state;
	unsigned int nsteps = c->nsteps ? c->nsteps : 1, nstamps = 0, i, k;
	uint64_t t_tx[ARRAY_SIZE(c->stamps)], cnt0[ICMPMON_CNT_MAX], cnt[ICMPMON_CNT_MAX];
	uint64_t win_lo[MAX_EVENTS], win_hi[MAX_EVENTS];
	struct target_snapshot st0[NTARGETS], st[NTARGETS], want;
	unsigned int replies = 0, consumed = 0, answered = 0;
	uint8_t buf[PKT_MAX];
	size_t len;

	/* the probes the case starts from */
	for (i = 0; i < ARRAY_SIZE(c->stamps) && (c->stamps[i].target || c->stamps[i].target6); i++, nstamps++) {
		t_tx[i] = c->stamps[i].ago_ns || c->stamps[i].stale
				  ? stamp_direct(&c->stamps[i])
				  : stamp_via_egress(c->stamps[i].target, c->stamps[i].target6, c->stamps[i].seq);
		answered += c->stamps[i].answered;
	}
	collect_events();
	assert_int_equal(F.nev, 0);
	read_counters(cnt0);
	read_stats(st0);

	run_on_cpu(-1); /* a case that failed while pinned left the thread on one CPU */
	if (c->sweep) {
		len = build(&c->steps[0].pkt, buf);
		sweep_prefixes(F.prog_fd, buf, len, expected_retval(PASS), cnt0, st0);
	}

	for (i = 0; i < nsteps; i++) {
		unsigned int before = F.nev;
		uint64_t lo, hi;
		int rv;

		if (F.cfg->cpu_per_step)
			run_on_cpu((int)i);
		len = build(&c->steps[i].pkt, buf);
		lo = mono_ns();
		assert_int_equal(run_prog(F.prog_fd, buf, len, &rv), 0);
		hi = mono_ns();
		if (rv != expected_retval(c->steps[i].v))
			fail_msg("step %u: verdict %d, want %d", i, rv, expected_retval(c->steps[i].v));
		collect_events();
		for (k = before; k < F.nev; k++) {
			win_lo[k] = lo;
			win_hi[k] = hi;
		}
	}

	if (F.cfg->cpu_per_step)
		run_on_cpu(-1);
	/* events */
	assert_int_equal(F.ev_lost, 0);
	if (F.nev != c->nev)
		fail_msg("%u events (first: %s seq %u), want %u", F.nev,
			 F.nev ? kind_name(F.ev[0].ev.kind) : "-", F.nev ? F.ev[0].ev.seq : 0, c->nev);
	for (i = 0; i < c->nev; i++) {
		const struct icmpmon_event *e = &F.ev[i].ev;
		const struct ev_exp *x = &c->ev[i];
		struct icmpmon_addr from = taddr(x->from, x->from6);
		struct probe_key key;
		struct probe_val pv;
		int s;

		assert_int_equal(F.ev[i].size, sizeof(struct icmpmon_event));
		if (e->kind != x->kind)
			fail_msg("event %u: kind %s, want %s", i, kind_name(e->kind), kind_name(x->kind));
		assert_int_equal(e->seq, x->seq);
		assert_int_equal(e->ttl, x->ttl);
		assert_int_equal(e->icmp_len, x->icmp_len);
		assert_int_equal(e->icmp_type, x->type);
		assert_int_equal(e->icmp_code, x->code);
		assert_int_equal(e->icmp_info, x->info);
		assert_memory_equal(&e->from, &from, sizeof(from));
		assert_int_equal(e->target_idx, c->tidx);
		assert_in_range(e->t_rx_ns, win_lo[i], win_hi[i]);
		/* the RTT is measured from the stamp of the probe with this seq */
		s = stamp_of(c, nstamps, e);
		if (s < 0)
			fail_msg("event %u: seq %u, target %u: no such probe", i, e->seq, e->target_idx);
		assert_int_equal(e->rtt_ns, e->t_rx_ns - t_tx[s]);
		assert_true(e->rtt_ns >= c->stamps[s].ago_ns);
		key = pkey(c->stamps[s].target, c->stamps[s].target6, e->seq);
		/* answered, the probe is no longer outstanding; an error settles nothing */
		if (e->kind == ICMPMON_EV_REPLY || e->kind == ICMPMON_EV_DUP) {
			assert_int_not_equal(bpf_map_lookup_elem(F.probes_fd, &key, &pv), 0);
			assert_int_equal(bpf_map_lookup_elem(F.answer_fd, &key, &pv), 0);
		}
		if (e->kind == ICMPMON_EV_REPLY)
			replies++;
		if (e->kind == ICMPMON_EV_REPLY)
			consumed++;
	}

	/* counters */
	read_counters(cnt);
	for (k = 0; k < ICMPMON_CNT_MAX; k++)
		if (cnt[k] - cnt0[k] != c->cnt[k])
			fail_msg("counter %u: +%llu, want +%llu", k, (unsigned long long)(cnt[k] - cnt0[k]),
				 (unsigned long long)c->cnt[k]);

	/* per-target aggregates: all changes belong to tidx and match the events */
	read_stats(st);
	for (k = 0; k < NTARGETS; k++)
		if (k != c->tidx && memcmp(&st[k], &st0[k], sizeof(st[k])))
			fail_msg("stats of target %u changed, only %u should", k, c->tidx);
	want = st0[c->tidx];
	want.c.received += c->received;
	want.c.duplicates += c->dups;
	for (k = 0; k < ICMPMON_ERR_KINDS; k++)
		want.c.errors[k] += c->errors[k];
	want.c.errored += c->errored;
	want.c.errored_replied += c->errored_replied;
	for (i = 0; i < F.nev; i++) {
		const struct icmpmon_event *e = &F.ev[i].ev;
		uint64_t rtt = e->rtt_ns ? e->rtt_ns : 1;

		if (e->kind == ICMPMON_EV_ERROR)
			continue;
		want.c.rtt_count++;
		want.c.rtt_sum_ns += rtt;
		want.c.rtt_sum_us += e->rtt_ns / 1000;
		want.c.rtt_sum2_us += (e->rtt_ns / 1000) * (e->rtt_ns / 1000);
		if (!want.c.rtt_min_ns || rtt < want.c.rtt_min_ns)
			want.c.rtt_min_ns = rtt;
		if (rtt > want.c.rtt_max_ns)
			want.c.rtt_max_ns = rtt;
		if (e->kind == ICMPMON_EV_REPLY) {
			uint32_t b = icmpmon_hist_bucket(rtt);

			assert_true(b < ICMPMON_HIST_BUCKETS);
			if (c->top_bucket)
				assert_int_equal(b, ICMPMON_HIST_BUCKETS - 1);
			want.h.hist[b]++;
			want.c.rtt_first_sum_ns += rtt;
		}
	}
	assert_int_equal(st[c->tidx].c.stamped, want.c.stamped);
	assert_int_equal(st[c->tidx].c.received, want.c.received);
	assert_int_equal(st[c->tidx].c.duplicates, want.c.duplicates);
	for (k = 0; k < ICMPMON_ERR_KINDS; k++)
		assert_int_equal(st[c->tidx].c.errors[k], want.c.errors[k]);
	assert_int_equal(st[c->tidx].c.errored, want.c.errored);
	assert_int_equal(st[c->tidx].c.errored_replied, want.c.errored_replied);
	assert_int_equal(st[c->tidx].c.rtt_count, want.c.rtt_count);
	assert_int_equal(st[c->tidx].c.rtt_sum_ns, want.c.rtt_sum_ns);
	assert_int_equal(st[c->tidx].c.rtt_first_sum_ns, want.c.rtt_first_sum_ns);
	assert_int_equal(st[c->tidx].c.rtt_sum_us, want.c.rtt_sum_us);
	assert_int_equal(st[c->tidx].c.rtt_sum2_us, want.c.rtt_sum2_us);
	assert_int_equal(st[c->tidx].c.rtt_min_ns, want.c.rtt_min_ns);
	assert_int_equal(st[c->tidx].c.rtt_max_ns, want.c.rtt_max_ns);
	for (k = 0; k < ICMPMON_HIST_BUCKETS; k++)
		if (st[c->tidx].h.hist[k] != want.h.hist[k])
			fail_msg("hist[%u] = %u, want %u", k, st[c->tidx].h.hist[k], want.h.hist[k]);

	/* outstanding probes: the stamped ones minus those answered or failed */
	assert_int_equal(probe_count(F.probes_fd), nstamps - answered - consumed);
	assert_int_equal(probe_count(F.answer_fd), answered + replies);
}

/* Tests from a table, each running the case its state points to. */
static size_t add_cases(struct CMUnitTest *out, const struct icase *cases, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		out[i] = (struct CMUnitTest){ cases[i].name, run_ingress_case, test_setup, NULL, (void *)&cases[i] };
	return n;
}

int run_ingress_tables(const struct config *cfgs, size_t ncfgs)
{
	size_t n = ingress4_ncases + ingress6_ncases + nocookie_ncases + l3_ncases, k, i;
	struct CMUnitTest *tests = calloc(n, sizeof(*tests));
	int failed = 0;

	assert_non_null(tests);
	for (i = 0; i < ncfgs; i++) {
		if (cfgs[i].l3) {
			k = add_cases(tests, l3_cases, l3_ncases);
		} else if (cfgs[i].no_cookie) {
			k = add_cases(tests, nocookie_cases, nocookie_ncases);
		} else {
			k = add_cases(tests, ingress4_cases, ingress4_ncases);
			k += add_cases(tests + k, ingress6_cases, ingress6_ncases);
		}
		failed += run_groups(&cfgs[i], 1, tests, k);
	}
	free(tests);
	return failed;
}
