// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Kernel cost of icmpmon's BPF programs, per packet, measured by the kernel
 * itself: BPF_PROG_TEST_RUN (bpf_prog_test_run_opts) runs a program `repeat`
 * times on one crafted frame (tests/lib/pkt.h) and reports the mean time per
 * run in opts.duration (ns, measured with ktime_get_ns around the loop).
 *
 * Programs: icmpmon_xdp and icmpmon_tc_in (ingress), icmpmon_egress, plus a
 * two-instruction program of each type that only returns "pass": the cost of
 * the test harness itself, to subtract by eye.
 *
 * What is measured (one line per program and case, median of --rounds):
 *   ingress  udp          a UDP datagram: not ICMP, leaves after the IPv4 header
 *            echo-request an ICMP echo request (what the flooder sends)
 *            foreign-reply an echo reply with another prober's identifier
 *            dup-reply    a reply of ours whose probe was already answered: the
 *                         outstanding-probe lookup misses, the answered-probe
 *                         LRU hits, the stats are updated (as a duplicate) and
 *                         an event goes into the ring buffer. This is the
 *                         matching path that repeats without re-arming; it
 *                         differs from a first reply by the probes-map delete
 *                         and answer-map update.
 *            first-reply  a reply to an outstanding probe: the probe is
 *                         re-inserted (from userland) before every single run,
 *                         so repeat is 1 and the time includes the harness's
 *                         fixed per-call cost; the udp case is measured the
 *                         same way (udp@repeat1) to show that cost.
 *   egress   udp, foreign-request (another prober's echo request),
 *            echo-reply (the prober answering the flood), our-request (one of
 *            our probes: stamped in the outstanding map, restamping the same
 *            key every run).
 *
 * Output: TSV on stdout, header first. Needs root.
 *
 *   prog_cost [--repeat N] [--rounds N]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "bpf_harness.h"
#include "bpf/icmpmon.h"
#include "pkt.h"

#define RUN_ID 0xbeef
#define OTHER_ID 0x1234
#define COOKIE 0x216e6f6d706d6369ULL
#define LOCAL PKT_IP(10, 200, 0, 1)
#define FLOODER PKT_IP(10, 200, 0, 3)
#define T0 PKT_IP(10, 201, 0, 1)
#define DATA_LEN 56
#define FIRST_REPLY_RUNS 20000
#define RINGBUF_BYTES (1u << 27) /* holds one round of dup-reply events at repeat 1e6 */

struct frame {
	uint8_t b[PKT_MAX];
	size_t len;
};

static struct icmpmon_bpf *skel;
static struct ring_buffer *rb;
static long events;

static int on_event(void *ctx, void *data, size_t len)
{
	(void)ctx;
	(void)data;
	(void)len;
	events++;
	return 0;
}

static void build(struct frame *f, uint32_t src, uint32_t dst, uint8_t proto, uint8_t type, uint16_t id,
		  uint16_t seq, uint64_t cookie)
{
	struct pkt_spec s;

	memset(&s, 0, sizeof(s));
	s.d.ip.saddr = src;
	s.d.ip.daddr = dst;
	s.d.ip.proto = proto;
	s.d.icmp.type = type;
	s.d.icmp.id = id;
	s.d.icmp.seq = seq;
	s.d.data.len = DATA_LEN;
	s.d.data.has_cookie = true;
	s.d.data.cookie = cookie;
	f->len = pkt_build(&s, f->b, sizeof(f->b));
	if (!f->len) {
		fprintf(stderr, "prog_cost: cannot build a frame\n");
		exit(1);
	}
}

static void test_run(int fd, const struct frame *f, int repeat, uint32_t *ns, uint32_t *retval)
{
	int err = harness_run(fd, f->b, f->len, (uint32_t)repeat, retval, ns);

	if (err) {
		fprintf(stderr, "prog_cost: bpf_prog_test_run_opts: %s\n", strerror(-err));
		exit(1);
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static struct probe_key key_of(uint32_t target, uint16_t seq)
{
	struct probe_key k;

	memset(&k, 0, sizeof(k));
	k.target.family = ICMPMON_AF_INET;
	k.target.addr[0] = target;
	k.id = htons(RUN_ID);
	k.seq = seq;
	return k;
}

static void arm_probe(uint16_t seq)
{
	struct probe_key k = key_of(T0, seq);
	struct probe_val v = { .t_tx_ns = 1, .target_idx = 0 };

	if (bpf_map_update_elem(bpf_map__fd(skel->maps.icmpmon_probes), &k, &v, BPF_ANY)) {
		perror("prog_cost: probes update");
		exit(1);
	}
}

static void print_row(const char *prog, const char *what, double *v, int n, int repeat, uint32_t retval)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	printf("%s\t%s\t%.2f\t%.2f\t%.2f\t%d\t%d\t%u\n", prog, what, v[n / 2], v[0], v[n - 1], repeat, n, retval);
	fflush(stdout);
}

/* Median over rounds of the mean ns per run at `repeat`. */
static void measure(const char *prog, int fd, const char *what, const struct frame *f, int repeat, int rounds)
{
	double v[64];
	uint32_t ns, retval = 0;
	int i;

	for (i = 0; i < rounds && i < 64; i++) {
		test_run(fd, f, repeat, &ns, &retval);
		v[i] = ns;
		ring_buffer__consume(rb);
	}
	print_row(prog, what, v, i, repeat, retval);
}

/* repeat = 1 per call, FIRST_REPLY_RUNS calls per round; re-arms the probe before each when arm. */
static void measure_single(const char *prog, int fd, const char *what, const struct frame *f, int arm, uint16_t seq,
			   int rounds)
{
	double v[64];
	uint32_t ns, retval = 0;
	int i, k;

	for (i = 0; i < rounds && i < 64; i++) {
		double sum = 0;

		for (k = 0; k < FIRST_REPLY_RUNS; k++) {
			if (arm)
				arm_probe(seq);
			test_run(fd, f, 1, &ns, &retval);
			sum += ns;
			if ((k & 1023) == 1023)
				ring_buffer__consume(rb);
		}
		ring_buffer__consume(rb);
		v[i] = sum / FIRST_REPLY_RUNS;
	}
	print_row(prog, what, v, i, 1, retval);
}

static int noop_prog(enum bpf_prog_type type, int ret)
{
	struct bpf_insn insns[2];
	int fd;

	memset(insns, 0, sizeof(insns));
	insns[0].code = BPF_ALU64 | BPF_MOV | BPF_K;
	insns[0].dst_reg = BPF_REG_0;
	insns[0].imm = ret;
	insns[1].code = BPF_JMP | BPF_EXIT;
	fd = bpf_prog_load(type, "noop", "GPL", insns, 2, NULL);
	if (fd < 0) {
		fprintf(stderr, "prog_cost: loading a noop program: %s\n", strerror(-fd));
		exit(1);
	}
	return fd;
}

static uint64_t counter_sum(uint32_t which)
{
	uint64_t s = 0;

	if (harness_percpu_sum(bpf_map__fd(skel->maps.icmpmon_counter), which, &s))
		return 0;
	return s;
}

int main(int argc, char **argv)
{
	struct frame udp, echo_req, foreign_reply, dup_reply, first_reply, e_udp, e_foreign, e_reply, e_ours;
	const struct harness_cfg cfg = {
		.run_id = RUN_ID,
		.cookie = COOKIE,
		.cookie_len = ICMPMON_COOKIE_LEN,
		.targets = 4,
		.probes = 65536,
		.answers = 65536,
		.ringbuf = RINGBUF_BYTES,
	};
	char why[4096];
	int repeat = 1000000, rounds = 5, i, fd;
	struct icmpmon_addr t0 = { .family = ICMPMON_AF_INET, .addr = { T0, 0, 0, 0 } };
	uint32_t idx0 = 0;
	const char *names[2] = { "icmpmon_xdp", "icmpmon_tc_in" };
	int fds[2];

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--repeat") && i + 1 < argc)
			repeat = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--rounds") && i + 1 < argc)
			rounds = atoi(argv[++i]);
		else {
			fprintf(stderr, "usage: prog_cost [--repeat N] [--rounds N]\n");
			return 2;
		}
	}
	if (repeat < 1 || rounds < 1 || rounds > 64) {
		fprintf(stderr, "prog_cost: bad --repeat or --rounds\n");
		return 2;
	}

	skel = harness_load(&cfg, why, sizeof(why));
	if (!skel) {
		fprintf(stderr, "prog_cost: %s\n", why);
		return 1;
	}
	if (bpf_map_update_elem(bpf_map__fd(skel->maps.icmpmon_targets), &t0, &idx0, BPF_ANY)) {
		perror("prog_cost: targets update");
		return 1;
	}
	rb = ring_buffer__new(bpf_map__fd(skel->maps.icmpmon_events), on_event, NULL, NULL);
	if (!rb) {
		fprintf(stderr, "prog_cost: ring_buffer__new failed\n");
		return 1;
	}

	/* Ingress frames: the target T0 answers LOCAL. */
	build(&udp, T0, LOCAL, PKT_PROTO_UDP, 0, 0, 0, 0);
	build(&echo_req, FLOODER, LOCAL, PKT_PROTO_ICMP, PKT_ICMP_ECHO, 0x4242, 1, 0);
	build(&foreign_reply, T0, LOCAL, PKT_PROTO_ICMP, PKT_ICMP_ECHOREPLY, OTHER_ID, 7, 0x0706050403020100ULL);
	build(&dup_reply, T0, LOCAL, PKT_PROTO_ICMP, PKT_ICMP_ECHOREPLY, RUN_ID, 7, COOKIE);
	build(&first_reply, T0, LOCAL, PKT_PROTO_ICMP, PKT_ICMP_ECHOREPLY, RUN_ID, 9, COOKIE);
	/* Egress frames: LOCAL sends. */
	build(&e_udp, LOCAL, T0, PKT_PROTO_UDP, 0, 0, 0, 0);
	build(&e_foreign, LOCAL, T0, PKT_PROTO_ICMP, PKT_ICMP_ECHO, OTHER_ID, 3, 0x0706050403020100ULL);
	build(&e_reply, LOCAL, FLOODER, PKT_PROTO_ICMP, PKT_ICMP_ECHOREPLY, 0x4242, 1, 0);
	build(&e_ours, LOCAL, T0, PKT_PROTO_ICMP, PKT_ICMP_ECHO, RUN_ID, 11, COOKIE);

	printf("prog\tcase\tns_per_pkt\tmin\tmax\trepeat\trounds\tretval\n");

	fd = noop_prog(BPF_PROG_TYPE_XDP, 2);
	measure("noop_xdp", fd, "udp", &udp, repeat, rounds);
	measure_single("noop_xdp", fd, "udp@repeat1", &udp, 0, 0, rounds);
	close(fd);
	fd = noop_prog(BPF_PROG_TYPE_SCHED_CLS, -1);
	measure("noop_tc", fd, "udp", &udp, repeat, rounds);
	close(fd);

	fds[0] = bpf_program__fd(skel->progs.icmpmon_xdp);
	fds[1] = bpf_program__fd(skel->progs.icmpmon_tc_in);
	for (i = 0; i < 2; i++) {
		measure(names[i], fds[i], "udp", &udp, repeat, rounds);
		measure(names[i], fds[i], "echo-request", &echo_req, repeat, rounds);
		measure(names[i], fds[i], "foreign-reply", &foreign_reply, repeat, rounds);
		/* Answer probe seq 7 once: from then on every run is a duplicate. */
		arm_probe(7);
		measure(names[i], fds[i], "dup-reply", &dup_reply, repeat, rounds);
		measure_single(names[i], fds[i], "udp@repeat1", &udp, 0, 0, rounds);
		measure_single(names[i], fds[i], "first-reply", &first_reply, 1, 9, rounds);
	}

	fd = bpf_program__fd(skel->progs.icmpmon_egress);
	measure("icmpmon_egress", fd, "udp", &e_udp, repeat, rounds);
	measure("icmpmon_egress", fd, "foreign-request", &e_foreign, repeat, rounds);
	measure("icmpmon_egress", fd, "echo-reply", &e_reply, repeat, rounds);
	measure("icmpmon_egress", fd, "our-request", &e_ours, repeat, rounds);

	ring_buffer__consume(rb);
	fprintf(stderr, "prog_cost: %ld events read, %llu dropped (ring buffer full), %llu unmatched\n", events,
		(unsigned long long)counter_sum(ICMPMON_CNT_RB_DROPPED),
		(unsigned long long)counter_sum(ICMPMON_CNT_UNMATCHED));
	ring_buffer__free(rb);
	icmpmon_bpf__destroy(skel);
	return 0;
}
