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
 *   icmpmon_wire (tp_btf/net_dev_start_xmit, which BPF_PROG_TEST_RUN cannot
 *            run): attached for real in a private network namespace whose lo
 *            does not answer echo requests; --wire-packets datagrams per round
 *            are sent over that lo and the kernel's own statistics
 *            (BPF_ENABLE_STATS: bpf_prog_info run_time_ns / run_cnt, deltas)
 *            give the mean time per packet: udp (what every other packet the
 *            host sends pays), foreign-request, our-request (a waiting probe
 *            stamped). The hook sees every packet the host transmits on any
 *            device, so other traffic during a round is averaged in; a
 *            do-nothing program on the same tracepoint (noop_wire) shows what
 *            the statistics themselves add. The trampoline that calls the
 *            program is not in run_time_ns.
 *
 * Output: TSV on stdout, header first. Needs root.
 *
 *   prog_cost [--repeat N] [--rounds N] [--wire-packets N]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "bpf_harness.h"
#include "bpf/icmpmon.h"
#include "wire.skel.h"
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
	/*
	 * Destination MAC 00:00:00:00:00:00: a SCHED_CLS test run takes the frame
	 * as received on lo, whose address that is (any other would be
	 * PACKET_OTHERHOST, not for this host); XDP knows no MAC here (no
	 * icmpmon_ifmac entry) and takes any.
	 */
	memset(f->b, 0, 6);
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
	struct probe_val v = { .t_tx_ns = 1, .target_idx = 0, .src = { LOCAL } };

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

/* ---- icmpmon_wire: real transmissions, kernel run-time statistics ---------------------------- */

#define LO PKT_IP(127, 0, 0, 1)

static void die(const char *what)
{
	fprintf(stderr, "prog_cost: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* A network namespace of our own with lo up and echo requests unanswered: nothing leaves it. */
static void private_lo(void)
{
	struct ifreq ifr;
	int fd;
	FILE *f;

	if (unshare(CLONE_NEWNET))
		die("unshare(CLONE_NEWNET)");
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr))
		die("lo flags");
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr))
		die("lo up");
	close(fd);
	f = fopen("/proc/sys/net/ipv4/icmp_echo_ignore_all", "w");
	if (!f || fputs("1", f) < 0 || fclose(f))
		die("icmp_echo_ignore_all in the private namespace");
}

static void prog_stats(int fd, uint64_t *run_ns, uint64_t *cnt)
{
	struct bpf_prog_info info;
	uint32_t len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		die("bpf_obj_get_info_by_fd");
	*run_ns = info.run_time_ns;
	*cnt = info.run_cnt;
}

/* A program of the tracepoint's type that only returns 0. */
static int noop_wire(void)
{
	LIBBPF_OPTS(bpf_prog_load_opts, o, .expected_attach_type = BPF_TRACE_RAW_TP);
	struct bpf_insn insns[2];
	int id = libbpf_find_vmlinux_btf_id("net_dev_start_xmit", BPF_TRACE_RAW_TP), fd;

	if (id < 0) {
		fprintf(stderr, "prog_cost: no BTF for net_dev_start_xmit\n");
		exit(1);
	}
	o.attach_btf_id = (uint32_t)id;
	memset(insns, 0, sizeof(insns));
	insns[0].code = BPF_ALU64 | BPF_MOV | BPF_K;
	insns[0].dst_reg = BPF_REG_0;
	insns[1].code = BPF_JMP | BPF_EXIT;
	fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "noop_wire", "GPL", insns, 2, &o);
	if (fd < 0) {
		fprintf(stderr, "prog_cost: loading noop_wire: %s\n", strerror(-fd));
		exit(1);
	}
	if (bpf_raw_tracepoint_open(NULL, fd) < 0)
		die("attaching noop_wire");
	return fd;
}

enum wire_case { W_UDP, W_FOREIGN, W_OURS };

static void send_wire(int udp, int raw, enum wire_case c, const struct frame *icmp, int n)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(9), .sin_addr.s_addr = LO };
	static const uint8_t payload[DATA_LEN];
	int i;

	for (i = 0; i < n; i++) {
		ssize_t rc = c == W_UDP ? sendto(udp, payload, sizeof(payload), 0, (struct sockaddr *)&to, sizeof(to))
					: sendto(raw, icmp->b + PKT_ETH_HLEN, icmp->len - PKT_ETH_HLEN, 0,
						 (struct sockaddr *)&to, sizeof(to));
		if (rc < 0)
			die("sendto over lo");
	}
}

static void measure_wire(int prog_fd, const char *prog, enum wire_case c, const char *what, int packets,
			 int rounds)
{
	static const struct frame *icmp;
	struct frame foreign, ours;
	double v[64];
	uint64_t ns0, cnt0, ns1, cnt1;
	int udp, raw, sink, one = 1, i;
	struct sockaddr_in at = { .sin_family = AF_INET, .sin_port = htons(9), .sin_addr.s_addr = LO };

	build(&foreign, LO, LO, PKT_PROTO_ICMP, PKT_ICMP_ECHO, OTHER_ID, 3, 0x0706050403020100ULL);
	build(&ours, LO, LO, PKT_PROTO_ICMP, PKT_ICMP_ECHO, RUN_ID, 5, COOKIE);
	icmp = c == W_OURS ? &ours : &foreign;
	udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	raw = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	/* a receiver, so that no port unreachable (ICMP) comes back; what overflows it is dropped silently */
	sink = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (udp < 0 || raw < 0 || sink < 0 || setsockopt(sink, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(sink, (struct sockaddr *)&at, sizeof(at)))
		die("sockets over lo");
	for (i = 0; i < rounds && i < 64; i++) {
		prog_stats(prog_fd, &ns0, &cnt0);
		send_wire(udp, raw, c, icmp, packets);
		prog_stats(prog_fd, &ns1, &cnt1);
		v[i] = cnt1 > cnt0 ? (double)(ns1 - ns0) / (double)(cnt1 - cnt0) : 0;
	}
	close(udp);
	close(raw);
	close(sink);
	print_row(prog, what, v, i, packets, 0);
}

static void wire_costs(int packets, int rounds)
{
	struct wire_bpf *w;
	struct bpf_link *link;
	int stats_fd, noop_fd, fd, err;
	struct probe_key k;
	struct probe_val val = { .t_tx_ns = 1 };

	stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME); /* on while the fd is open */
	if (stats_fd < 0)
		die("bpf_enable_stats");
	private_lo();
	noop_fd = noop_wire();
	measure_wire(noop_fd, "noop_wire", W_UDP, "udp", packets, rounds);

	w = wire_bpf__open();
	if (!w)
		die("wire_bpf__open");
	w->rodata->run_id = htons(RUN_ID);
	w->rodata->run_cookie = COOKIE;
	w->rodata->cookie_len = ICMPMON_COOKIE_LEN;
	if (bpf_map__set_max_entries(w->maps.icmpmon_probes, 65536) ||
	    bpf_map__reuse_fd(w->maps.icmpmon_probes, bpf_map__fd(skel->maps.icmpmon_probes)))
		die("sharing the probe map");
	err = wire_bpf__load(w);
	if (err) {
		fprintf(stderr, "prog_cost: wire_bpf__load: %s\n", strerror(-err));
		exit(1);
	}
	link = bpf_program__attach(w->progs.icmpmon_wire);
	if (!link)
		die("attaching icmpmon_wire");
	fd = bpf_program__fd(w->progs.icmpmon_wire);
	k = key_of(LO, 5);
	if (bpf_map_update_elem(bpf_map__fd(skel->maps.icmpmon_probes), &k, &val, BPF_ANY))
		die("arming the probe");
	measure_wire(fd, "icmpmon_wire", W_UDP, "udp", packets, rounds);
	measure_wire(fd, "icmpmon_wire", W_FOREIGN, "foreign-request", packets, rounds);
	measure_wire(fd, "icmpmon_wire", W_OURS, "our-request", packets, rounds);
	if (bpf_map_lookup_elem(bpf_map__fd(skel->maps.icmpmon_probes), &k, &val) || !val.t_wire_ns) {
		fprintf(stderr, "prog_cost: icmpmon_wire did not stamp our request\n");
		exit(1);
	}
	bpf_link__destroy(link);
	wire_bpf__destroy(w);
	close(noop_fd);
	close(stats_fd);
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
	int repeat = 1000000, rounds = 5, wire_packets = 200000, i, fd;
	struct icmpmon_addr t0 = { .family = ICMPMON_AF_INET, .addr = { T0, 0, 0, 0 } };
	uint32_t idx0 = 0;
	const char *names[2] = { "icmpmon_xdp", "icmpmon_tc_in" };
	int fds[2];

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--repeat") && i + 1 < argc)
			repeat = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--rounds") && i + 1 < argc)
			rounds = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--wire-packets") && i + 1 < argc)
			wire_packets = atoi(argv[++i]);
		else {
			fprintf(stderr, "usage: prog_cost [--repeat N] [--rounds N] [--wire-packets N]\n");
			return 2;
		}
	}
	if (repeat < 1 || rounds < 1 || rounds > 64 || wire_packets < 1) {
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
	wire_costs(wire_packets, rounds);

	ring_buffer__consume(rb);
	fprintf(stderr,
		"prog_cost: %ld events read, %llu dropped (ring buffer full), %llu unmatched, %llu not for this host, "
		"%llu bad checksums\n",
		events, (unsigned long long)counter_sum(ICMPMON_CNT_RB_DROPPED),
		(unsigned long long)counter_sum(ICMPMON_CNT_UNMATCHED),
		(unsigned long long)counter_sum(ICMPMON_CNT_NOT_FOR_US),
		(unsigned long long)counter_sum(ICMPMON_CNT_BAD_CSUM));
	ring_buffer__free(rb);
	icmpmon_bpf__destroy(skel);
	return 0;
}
