// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* One run: setup, the probing loop (send, read, sweep, report), teardown (run.h). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netdb.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "engine/reload.h"
#include "engine/unstamped.h"
#include "engine/run.h"
#include "engine/run_dgram.h"
#include "engine/unhooked.h"
#include "kernel/hwts.h"
#include "kernel/collector.h"
#include "util/clock.h"
#include "util/one_line.h"
#include "util/privileges.h"
#include "util/route.h"
#include "util/stats.h"

#define SEND_BUDGET 4096 /* probes per loop turn, so replies are read in between */
#define NS_PER_S 1000000000ull

static uint64_t seconds_ns(double s)
{
	return (uint64_t)(s * 1e9 + 0.5);
}

/*
 * How often the loop may wake. With --daemon nothing is printed per reply and
 * send times are stamped by the kernel, so a coarser tick only costs send jitter.
 */
static double tick_s(const struct config *cfg)
{
	if (cfg->tick_s >= 0)
		return cfg->tick_s;
	if (cfg->pace || cfg->adaptive)
		return 1e-9; /* -f, -i 0, -A: each reply sends the next probe, as ping's do; a tick would cap them at 1,000/s */
	return cfg->daemon ? 0.01 : 0.001;
}

static int random_ids(struct run *r)
{
	uint64_t v[2];

	if (getrandom(v, sizeof(v), 0) != sizeof(v))
		return -1;
	r->id_net = r->cfg->ident >= 0 ? htons((uint16_t)r->cfg->ident) : (uint16_t)v[0]; /* ping -e */
	r->cookie = v[1];
	return 0;
}

#define OUTSTANDING_MIN 64
#define OUTSTANDING_MAX ICMPMON_MAX_OUTSTANDING
/* Above any rate the sender reaches (one sendmmsg per batch of SEND_BUDGET): bounds what -i 1e-9 can put in flight. */
#define SENDER_MAX_PPS 2e6

#define PACE_MIN_NS 10000000ull /* ping's MININTERVAL: at least a probe every 10 ms when pacing */
#define ADAPTIVE_MIN_S 0.001    /* -A: the interval is the RTT in whole ms; below 1 ms it paces as -f */

/*
 * The rate at which probes can go unanswered: targets / interval. Paced runs
 * (-f, -i 0) send early only when the last probe was answered, so what stays
 * unanswered goes at most every 10 ms; -A at most every ms.
 */
static double unanswered_rate(const struct config *cfg, __u32 n)
{
	if (cfg->pace)
		return n / (PACE_MIN_NS / 1e9);
	if (cfg->adaptive)
		return n / ADAPTIVE_MIN_S;
	return cfg->interval_s > 0 ? n / cfg->interval_s : SENDER_MAX_PPS;
}

/*
 * Probes that can be in flight at once: that rate times the timeout, but
 * never more than the sender can send, plus two per target of slack (and
 * -l's preload); never more than -c probes per target in all.
 */
static double outstanding_needed(const struct config *cfg, __u32 n)
{
	double rate = unanswered_rate(cfg, n);
	double slack = 2.0 + (cfg->pace && cfg->preload > 1 ? cfg->preload : 0);
	double need = (rate < SENDER_MAX_PPS ? rate : SENDER_MAX_PPS) * cfg->timeout_s + slack * n;

	if (cfg->count > 0 && (double)cfg->count * n < need)
		need = (double)cfg->count * n;
	return need;
}

/* The outstanding-probe map's size; says so at start when it cannot hold every probe in flight. */
static __u32 outstanding_size(const struct config *cfg, __u32 n)
{
	double need = outstanding_needed(cfg, n);
	__u32 size;

	if (cfg->max_outstanding)
		size = cfg->max_outstanding;
	else
		size = need > OUTSTANDING_MAX ? OUTSTANDING_MAX : need < OUTSTANDING_MIN ? OUTSTANDING_MIN : (__u32)need + 1;
	if (size < need && !cfg->outstanding_exact)
		fprintf(stderr,
			"icmpmon: the outstanding-probe map holds %u probes, fewer than the %.0f that can be in flight; "
			"probes beyond it are counted and reported as not tracked\n", size, need);
	return size;
}

/* Interfaces to listen on: -I, or each one a target is routed through. */
static int pick_interfaces(struct run *r, int *ifs, int *n_ifs, char *err, size_t errlen)
{
	uint32_t i;
	int j, ifindex;

	*n_ifs = 0;
	if (r->cfg->ifname[0]) {
		ifs[0] = (int)if_nametoindex(r->cfg->ifname);
		if (!ifs[0]) {
			snprintf(err, errlen, "SO_BINDTODEVICE %s: %s", r->cfg->ifname, strerror(ENODEV)); /* ping's words */
			return -1;
		}
		*n_ifs = 1;
		return 0;
	}
	targets_route_all(&r->targets);
	for (i = 0; i < r->targets.n; i++) {
		ifindex = r->targets.v[i].ifindex;
		if (ifindex <= 0 && r->cfg->skip_unresolved)
			continue; /* fping: its sends fail and it is reported unreachable */
		if (ifindex <= 0) {
			snprintf(err, errlen, "%s: no route to host", r->targets.v[i].name);
			return -1;
		}
		for (j = 0; j < *n_ifs && ifs[j] != ifindex; j++)
			;
		if (j < *n_ifs)
			continue;
		if (*n_ifs == LOADER_MAX_IFS) {
			snprintf(err, errlen, "targets are routed over more than %d interfaces", LOADER_MAX_IFS);
			return -1;
		}
		ifs[(*n_ifs)++] = ifindex;
	}
	route_close();
	return 0;
}

/* -A: ping's update_interval(): the interval is the RTT's moving average, rounded to ms. */
static void adapt_interval(struct run *r)
{
	uint64_t ms = ((uint64_t)r->pace_rtt8 / 8 + 500) / 1000, period = ms ? ms * 1000000ull : PACE_MIN_NS;

	r->pace_early = !ms;
	if (period == r->pace_period_ns)
		return;
	r->pace_period_ns = period;
	if (schedule_has_next(&r->sched))
		schedule_rebase(&r->sched, r->last_send_ns + period, period);
}

void run_note_event(struct run *r, const struct icmpmon_event *ev)
{
	struct target *t;

	if (ev->target_idx >= r->targets.n)
		return;
	t = &r->targets.v[ev->target_idx];
	/* as ping: IPv4 errors acknowledge a probe too, ICMPv6 ones do not */
	if (ev->kind != ICMPMON_EV_ERROR || t->family == AF_INET)
		target_acknowledge(t, ev->seq);
	if (r->cfg->adaptive && ev->kind == ICMPMON_EV_REPLY && ev->rtt_ns) {
		stats_ewma_add(&r->pace_rtt8, ev->rtt_ns);
		adapt_interval(r);
	}
}

static void on_kernel_event(void *ctx, const struct icmpmon_event *ev)
{
	struct run *r = ctx;

	unhooked_settled(r, ev->target_idx, ev->seq);
	run_note_event(r, ev);
	r->sink->event(r, ev);
}

/*
 * A probe settled without a reply: swept past its timeout, or left at the
 * end of the run. errored: an ICMP error quoted it, reported as an error
 * already (an error never settles a probe: its reply may still come).
 */
static void on_lost(void *ctx, __u32 tidx, __u16 seq, int errored)
{
	struct run *r = ctx;

	if (tidx >= r->targets.n)
		return;
	unhooked_settled(r, tidx, seq);
	if (errored) {
		r->targets.v[tidx].errored_swept++; /* reported as an error already */
		return;
	}
	r->targets.v[tidx].timeouts++;
	r->sink->timeout(r, tidx, seq);
}

void run_account_timeout(void *ctx, uint32_t tidx, uint16_t seq, int errored)
{
	on_lost(ctx, tidx, seq, errored);
}

/* --hw-timestamps: what the interface offers; RTTs stay on the kernel's software stamps either way. */
static void say_hw_timestamps(const struct attached_if *ai)
{
	struct hwts_caps c;
	char line[384];

	hwts_probe(ai->ifindex, ai->name, &c);
	hwts_describe(ai->name, &c, line, sizeof(line));
	fprintf(stderr, "icmpmon: %s; RTT from software stamps (this build does not read hardware ones)\n", line);
}

/* Where replies are caught on ai, in words (-v). */
static const char *hook_words(const struct attached_if *ai)
{
	if (attached_tc_ingress(ai))
		return "tc ingress";
	if (attached_dispatcher(ai))
		return ai->xdp_generic ? "XDP (libxdp dispatcher, generic)" : "XDP (libxdp dispatcher, native)";
	return ai->xdp_generic ? "XDP (generic)" : "XDP (native)";
}

/* Every target in its slot of the kernel's target map, in one batch. */
static int register_targets(struct run *r, char *err, size_t errlen)
{
	struct icmpmon_addr *keys = calloc(r->targets.n ? r->targets.n : 1, sizeof(*keys));
	uint32_t i, failed = 0;
	int rc;

	if (!keys) {
		snprintf(err, errlen, "out of memory for %u targets", r->targets.n);
		return -1;
	}
	for (i = 0; i < r->targets.n; i++)
		keys[i] = r->targets.v[i].addr;
	rc = loader_add_targets(&r->ld, keys, r->targets.n, &failed);
	free(keys);
	if (rc)
		snprintf(err, errlen, "cannot register target %s", r->targets.v[failed].addr_str);
	return rc;
}

static int setup_kernel(struct run *r, const int *ifs, int n_ifs, char *err, size_t errlen)
{
	const struct config *cfg = r->cfg;
	struct loader_opts o = {
		.run_id = r->id_net,
		.cookie = r->cookie,
		.cookie_len = cfg->size >= ICMPMON_COOKIE_LEN ? ICMPMON_COOKIE_LEN : 0,
		.consume = cfg->consume,
		.n_targets = r->slots,
		.max_outstanding = outstanding_size(cfg, r->slots),
		/* the daemon's programs write no events: one page, the least a ring buffer can be */
		.ringbuf_bytes = cfg->daemon ? (unsigned)sysconf(_SC_PAGESIZE) : cfg->ringbuf_kib * 1024u,
		.pin_dir = cfg->pin_dir,
		.events = !cfg->daemon, /* the daemon prints nothing per reply: the aggregates are all it reads */
		.wake_tick_ns = seconds_ns(tick_s(cfg)),
		.wake_bytes = cfg->ringbuf_kib * 1024u / 2,
		.ifs = ifs,
		.n_ifs = n_ifs,
		.hook = cfg->attach,
		/* SIGHUP may attach new interfaces once only CAP_NET_ADMIN is left (privileges.h) */
		.all_progs = cfg->daemon,
		.tc_link = cfg->tc_link,
		.rtt_from_tc = cfg->rtt_from_tc,
	};
	const struct collector_ops collector_ops = { .event = on_kernel_event, .timeout = on_lost, .ctx = r };
	int k;

	if (loader_load(&r->ld, &o, err, errlen))
		return -1;
	if (!r->ld.tx_wire)
		fprintf(stderr, "icmpmon: %s; probes are stamped at tc egress only, so RTT includes this host's "
			"transmit queue\n", r->ld.tx_why);
	else if (cfg->verbose)
		fprintf(stderr, "icmpmon: RTT starts at the hand-off to the driver (net_dev_start_xmit)%s\n",
			cfg->rtt_from_tc ? "; --rtt-from tc: reported from tc egress" : "");
	if (register_targets(r, err, errlen))
		return -1;
	for (k = 0; k < n_ifs; k++) {
		const struct attached_if *ai;

		if (loader_attach(&r->ld, ifs[k], cfg->attach, cfg->xdp_mode, err, errlen))
			return -1;
		ai = &r->ld.ifs[r->ld.n_ifs - 1];
		if (ai->fallback[0])
			fprintf(stderr, "icmpmon: %s; catching replies in tc ingress instead\n", ai->fallback);
		else if (cfg->verbose)
			fprintf(stderr, "icmpmon: %s: replies caught in %s\n", ai->name, hook_words(ai));
		if (cfg->verbose)
			fprintf(stderr, "icmpmon: %s: probes stamped by %s\n", ai->name,
				ai->egress_link_fd >= 0 ? "a TCX egress link, first in line" : "a clsact egress filter");
		if (cfg->hw_timestamps)
			say_hw_timestamps(ai);
	}
	r->stats = r->ld.stats;
	if (links_open(&r->links, err, errlen))
		return -1;
	return collector_open(&r->col, loader_ringbuf_fd(&r->ld), loader_probes_fd(&r->ld), &collector_ops, err,
			      errlen);
}

static int has_ipv6_target(const struct target_list *tl)
{
	uint32_t i;

	for (i = 0; i < tl->n; i++)
		if (tl->v[i].family == AF_INET6)
			return 1;
	return 0;
}

/* A UDP socket connected to t: the source address the kernel picks, as ping finds it. */
static int route_source(const struct run *r, struct target *t, char *err, size_t errlen)
{
	const struct config *cfg = r->cfg;
	struct sockaddr_storage dst;
	socklen_t len = sizeof(t->src);
	int fd, one = 1, rc = 0;

	fd = socket(t->family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0; /* nothing to say: the send sockets will say it */
	if (cfg->ifname[0] && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, cfg->ifname, (socklen_t)strlen(cfg->ifname))) {
		rc = -snprintf(err, errlen, "SO_BINDTODEVICE %s: %s", cfg->ifname, strerror(errno));
		goto out;
	}
	if (cfg->mark_set)
		setsockopt(fd, SOL_SOCKET, SO_MARK, &cfg->mark, sizeof(cfg->mark));
	memcpy(&dst, &t->sa, target_sockaddr_len(t));
	((struct sockaddr_in *)&dst)->sin_port = htons(1025); /* same offset in sockaddr_in6 */
	errno = 0;
	if (connect(fd, (struct sockaddr *)&dst, target_sockaddr_len(t)) && errno == EACCES && t->family == AF_INET) {
		if (!cfg->broadcast) {
			rc = -snprintf(err, errlen, "Do you want to ping broadcast? Then -b. If not, check your local firewall rules");
			goto out;
		}
		fprintf(stderr, "WARNING: pinging broadcast address\n");
		setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one));
		if (connect(fd, (struct sockaddr *)&dst, target_sockaddr_len(t))) {
			rc = -snprintf(err, errlen, "connect: %s", strerror(errno));
			goto out;
		}
	} else if (errno && !t->has_src) {
		/* as ping: no route for these probes (their mark's, their interface's) */
		rc = -snprintf(err, errlen, "connect: %s", strerror(errno));
		goto out;
	}
	if (!getsockname(fd, (struct sockaddr *)&t->src, &len)) {
		((struct sockaddr_in *)&t->src)->sin_port = 0;
		t->has_src = 1;
	}
out:
	close(fd);
	return rc < 0 ? -1 : 0;
}

/*
 * ping's source address: -I ADDR as given, else what the route picks (over
 * -I IFACE); for the header's "from ADDR IFACE:", for -B, and, as ping
 * checks it, a broadcast target refused without -b.
 */
static int find_sources(struct run *r, char *err, size_t errlen)
{
	const struct config *cfg = r->cfg;
	int need = cfg->ifname[0] || cfg->has_source || cfg->sticky_source;
	int check = cfg->check_broadcast && !cfg->n_files && !cfg->n_cidrs;
	uint32_t i;

	if (!cfg->check_broadcast)
		return 0; /* not ping's command line (fping reports an unroutable target per probe) */
	if (cfg->has_source && cfg->source.ss_family == AF_INET6 && cfg->ifname[0])
		((struct sockaddr_in6 *)&cfg->source)->sin6_scope_id = if_nametoindex(cfg->ifname);
	for (i = 0; i < r->targets.n; i++) {
		struct target *t = &r->targets.v[i];
		int scoped_by_iface = t->family == AF_INET6 && cfg->ifname[0] && !t->sa.sin6.sin6_scope_id &&
				      IN6_IS_ADDR_LINKLOCAL(&t->sa.sin6.sin6_addr);

		if (scoped_by_iface)
			t->sa.sin6.sin6_scope_id = if_nametoindex(cfg->ifname); /* ping -I IFACE fe80::1 */
		if (cfg->has_source && cfg->source.ss_family == t->family) {
			memcpy(&t->src, &cfg->source, sizeof(t->src));
			t->has_src = 1;
		}
		if ((need || (check && t->family == AF_INET)) && !t->has_src && route_source(r, t, err, errlen))
			return -1;
		if (scoped_by_iface && !cfg->has_source) {
			/* ping looks no source up for it: its header says "from :: IFACE" */
			memset(&t->src, 0, sizeof(t->src));
			t->src.sin6.sin6_family = AF_INET6;
		}
		if (!need)
			t->has_src = 0;
	}
	return 0;
}

static int setup(struct run *r, const struct config *cfg, const struct sink *sink,
		 const struct run_service *service, char *err, size_t errlen)
{
	int ifs[LOADER_MAX_IFS], n_ifs;

	memset(r, 0, sizeof(*r));
	r->cfg = cfg;
	r->sink = sink;
	r->service = service;
	pthread_mutex_init(&r->slots_lock, NULL);
	if (cfg->daemon) {
		/* a reload asked for during setup (seconds in the verifier) waits for run_loop's signalfd */
		sigset_t hup;

		sigemptyset(&hup);
		sigaddset(&hup, SIGHUP);
		sigprocmask(SIG_BLOCK, &hup, NULL);
	}
	r->snd.path[0].fd = r->snd.path[1].fd = -1;
	r->srx.fd = -1;
	r->dg.epfd = -1;
	links_init(&r->links);
	if (target_sources_gather(cfg, &r->names, 0, err, errlen))
		return -1;
	if (targets_resolve_list(&r->targets, &r->names, cfg->family, cfg->skip_unresolved, err, errlen))
		return -1;
	if (!r->targets.n) {
		snprintf(err, errlen, "no target to probe");
		return -1;
	}
	if (pick_interfaces(r, ifs, &n_ifs, err, errlen))
		return -1;
	if (find_sources(r, err, errlen))
		return -1;
	targets_name_replies(&r->targets, cfg->numeric || cfg->flood); /* with the scope find_sources may give */
	if (random_ids(r)) {
		snprintf(err, errlen, "cannot read random bytes: %s", strerror(errno));
		return -1;
	}
	if (reload_slots(cfg, r->targets.n, &r->slots, err, errlen))
		return -1;
	/* the reload room now, while the slot array is alone: its copy does not add to the maps' memory */
	if (targets_reserve(&r->targets, r->slots)) {
		snprintf(err, errlen, "out of memory for %u target slots", r->slots);
		return -1;
	}
	r->ewma8 = calloc(r->slots, sizeof(*r->ewma8));
	if (!r->ewma8) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	r->mode = cfg->mode == RX_AUTO ? RX_KERNEL : cfg->mode;
	if (r->mode == RX_KERNEL) {
		if (setup_kernel(r, ifs, n_ifs, err, errlen) && !run_dgram_fallback(r))
			return -1;
	} else if (r->mode == RX_SOCKET) {
		if (has_ipv6_target(&r->targets)) {
			snprintf(err, errlen, "--mode socket supports IPv4 targets only");
			return -1;
		}
		if (run_own_aggregates(r, err, errlen))
			return -1;
		if (socket_rx_open(&r->srx, r->targets.n, r->own_stats, r->id_net, r->cookie,
				   cfg->size >= ICMPMON_COOKIE_LEN ? ICMPMON_COOKIE_LEN : 0, cfg->ifname, err, errlen))
			return -1;
	}
	if (r->mode == RX_DGRAM ? run_dgram_setup(r, err, errlen)
				: sender_open(&r->snd, cfg, &r->targets, r->id_net, r->cookie, err, errlen))
		return -1;
	unhooked_start(r);
	if (reload_init(r, err, errlen))
		return -1;
	return r->service ? r->service->start(r, err, errlen) : 0; /* last: serves what is attached */
}

/* err quotes names, paths and interfaces as given (a targets file may hold any byte): one printable line. */
int run_setup(struct run *r, const struct config *cfg, const struct sink *sink, const struct run_service *service,
	      char *err, size_t errlen)
{
	if (!setup(r, cfg, sink, service, err, errlen))
		return 0;
	one_line(err);
	return -1;
}

uint64_t run_errors(const struct run *r, uint32_t tidx)
{
	return stats_errors(&r->stats[tidx]);
}

uint64_t run_outstanding(const struct run *r)
{
	uint64_t stamped = 0, settled = 0;
	uint32_t i;

	for (i = 0; i < r->targets.n; i++) {
		stamped += r->stats[i].stamped;
		/* a probe with an error stays outstanding: its reply may still come */
		settled += r->stats[i].received + r->targets.v[i].timeouts + r->targets.v[i].errored_swept;
	}
	return stamped > settled ? stamped - settled : 0;
}

void run_expire_before(struct run *r, uint64_t before_ns)
{
	if (r->col.rb) {
		collector_sweep(&r->col, before_ns);
		/* the unseen list keeps timed-out probes a while for their late errors: "all" is what was sent by now */
		unhooked_sweep(r, before_ns == UINT64_MAX ? clock_mono_ns() : before_ns);
	} else if (r->mode == RX_DGRAM) {
		dgram_expire(&r->dg, before_ns);
	} else if (r->mode == RX_SOCKET) {
		socket_rx_expire(&r->srx, before_ns, on_lost, r);
	}
}

void run_sweep(struct run *r, uint64_t now_ns)
{
	uint64_t timeout_ns = (uint64_t)(r->cfg->timeout_s * 1e9);

	run_expire_before(r, now_ns > timeout_ns ? now_ns - timeout_ns : 0);
}

void run_poll_replies(struct run *r, int timeout_ms)
{
	if (r->col.rb) {
		/* The caller sleeps in the poll, not on the tick: replies wake it again (icmpmon.bpf.c). */
		loader_set_reader_wake(&r->ld, UINT64_MAX);
		collector_poll(&r->col, timeout_ms);
		collector_consume(&r->col); /* what came without a wake-up (batched) */
		unhooked_read_errors(r, 0);
		unhooked_read_errors(r, 1);
	} else if (r->mode == RX_DGRAM) {
		dgram_poll(&r->dg, timeout_ms);
	}
}

const char *run_target_ifname(const struct run *r, uint32_t tidx, char buf[IF_NAMESIZE])
{
	const struct loader *ld = &r->ld;
	int ifindex = tidx < r->targets.n ? r->targets.v[tidx].ifindex : 0;
	int k;

	if (r->cfg && r->cfg->ifname[0])
		return r->cfg->ifname;
	if (ifindex <= 0 && ld->n_ifs == 1)
		return ld->ifs[0].name;
	for (k = 0; k < ld->n_ifs; k++)
		if (ld->ifs[k].ifindex == ifindex)
			return ld->ifs[k].name;
	if (ifindex <= 0 || !if_indextoname((unsigned)ifindex, buf))
		return "";
	return buf;
}

void run_slots_lock(struct run *r)
{
	pthread_mutex_lock(&r->slots_lock);
}

void run_slots_unlock(struct run *r)
{
	pthread_mutex_unlock(&r->slots_lock);
}

const char *run_mode_name(const struct run *r)
{
	return r->mode == RX_DGRAM ? "dgram" : r->mode == RX_SOCKET ? "socket" : "kernel";
}

int run_settles_probes(const struct run *r)
{
	return r->col.rb || r->mode == RX_DGRAM;
}

uint64_t run_replies(const struct run *r)
{
	uint64_t n = 0;
	uint32_t i;

	for (i = 0; i < r->targets.n; i++)
		n += r->stats[i].received;
	return n;
}

/* -w: when the run ends; UINT64_MAX without one. */
static uint64_t deadline_ns(const struct run *r)
{
	return r->cfg->deadline_s > 0 ? r->start_ns + seconds_ns(r->cfg->deadline_s) : UINT64_MAX;
}

/*
 * ping -f, -i 0, -A on a fast path: the next probe goes as soon as its target
 * has fewer than -l probes in flight, else when the schedule says (10 ms).
 */
static void pace(struct run *r, uint64_t now)
{
	const struct target *t;

	if (!r->pace_early || !schedule_has_next(&r->sched) || schedule_next_due(&r->sched, now))
		return;
	t = &r->targets.v[r->sched.next % r->targets.n];
	if (target_in_flight(t) < (uint64_t)r->cfg->preload)
		schedule_rebase(&r->sched, now, r->pace_period_ns);
}

uint64_t run_rejected(const struct run *r, enum icmpmon_counter which)
{
	if (r->mode == RX_KERNEL)
		return r->ld.skel ? loader_counter(&r->ld, which) : 0;
	if (r->mode == RX_SOCKET)
		return r->srx.cnt[which];
	return 0;
}

void run_print_rejected(const struct run *r, FILE *f)
{
	static const char *const why[ICMPMON_CNT_MAX] = {
		[ICMPMON_CNT_BAD_COOKIE] = "bad cookie",
		[ICMPMON_CNT_UNMATCHED] = "unmatched (no probe waiting)",
		[ICMPMON_CNT_BAD_CSUM] = "bad checksum",
		[ICMPMON_CNT_NOT_FOR_US] = "not for this host",
		[ICMPMON_CNT_FOREIGN_ERROR] = "errors about other packets",
		[ICMPMON_CNT_BAD_QUOTE] = "errors misquoting a probe",
	};
	const char *sep = "icmpmon: rejected: ";
	uint64_t n;
	int c;

	for (c = 0; c < ICMPMON_CNT_MAX; c++) {
		if (!why[c] || !(n = run_rejected(r, (enum icmpmon_counter)c)))
			continue;
		fprintf(f, "%s%llu %s", sep, (unsigned long long)n, why[c]);
		sep = ", ";
	}
	if (*sep == ',')
		fputc('\n', f);
}

/* What is queued goes out; the sink hears of a refusal and of what the kernel took. */
static void flush_sends(struct run *r)
{
	int pending = sender_pending(&r->snd), refused = sender_flush(&r->snd);

	if (refused)
		r->sink->send_error(r, r->snd.last_refused, r->snd.last_errno);
	if (r->sink->accepted && pending > refused)
		r->sink->accepted(r, pending - refused);
}

static void send_due(struct run *r, uint64_t now)
{
	int budget = SEND_BUDGET, queued = 0;

	/* as ping, a probe due at the deadline or later does not go */
	while (budget--) {
		uint64_t g;
		uint32_t tidx;
		uint16_t seq;

		pace(r, now);
		if (!schedule_next_due(&r->sched, now) || schedule_due_ns(&r->sched, r->sched.next) >= deadline_ns(r))
			break;
		g = r->sched.next++;
		tidx = (uint32_t)(g % r->targets.n);
		seq = (uint16_t)(g / r->targets.n + 1);
		if (r->sink->wants_probe && !r->sink->wants_probe(r, tidx))
			continue;
		if (r->mode == RX_SOCKET)
			socket_rx_note_sent(&r->srx, tidx, seq, now);
		sender_queue(&r->snd, tidx, seq);
		r->sink->sent(r, tidx, seq);
		queued++;
		/* pacing counts what is in flight: each probe leaves before the next is considered */
		if (r->pace_early)
			flush_sends(r);
	}
	if (sender_pending(&r->snd))
		flush_sends(r);
	if (queued)
		r->last_activity_ns = r->last_send_ns = now;
}

int run_own_aggregates(struct run *r, char *err, size_t errlen)
{
	r->own_stats = calloc(r->targets.n, sizeof(*r->own_stats));
	r->own_hists = calloc(r->targets.n, sizeof(*r->own_hists));
	if (!r->own_stats || !r->own_hists) {
		snprintf(err, errlen, "out of memory for %u targets", r->targets.n);
		return -1;
	}
	r->stats = r->own_stats;
	return 0;
}

void run_account_event(void *ctx, const struct icmpmon_event *ev)
{
	struct run *r = ctx;
	struct icmpmon_event e = *ev;
	struct target_stats *s = &r->stats[e.target_idx];

	e.t_rx_ns = run_mono_ns(r, e.t_rx_ns);
	if (e.kind == ICMPMON_EV_ERROR) {
		/* errored and errored_replied are socket_rx's or dgram's (run_dgram.c) */
		s->errors[icmpmon_error_kind(r->targets.v[e.target_idx].addr.family, e.icmp_type)]++;
	} else {
		stats_add_rtt(s, &r->own_hists[e.target_idx], e.rtt_ns, e.kind == ICMPMON_EV_DUP);
	}
	run_note_event(r, &e);
	r->sink->event(r, &e);
}

static void read_replies(struct run *r)
{
	/*
	 * With batched wake-ups the events that follow the one that woke us wake
	 * no one for a tick (icmpmon.bpf.c): look again a tick later.
	 */
	if (r->mode == RX_KERNEL) {
		if (collector_consume(&r->col) > 0 && r->tick_ns)
			r->redrain_ns = clock_mono_ns() + r->tick_ns;
	} else if (r->mode == RX_DGRAM) {
		dgram_drain(&r->dg);
	} else {
		socket_rx_drain(&r->srx, &r->targets, run_account_event, r);
	}
}

/* Probes of the target that had an ICMP error and, so far, no reply. */
static uint64_t errored_open(const struct target_stats *s)
{
	return s->errored > s->errored_replied ? s->errored - s->errored_replied : 0;
}

/*
 * Every target has its count of probes answered by a reply or an error:
 * ping's "nreceived + nerrors >= npackets", but a probe with an error and a
 * reply is one probe. *by_reply: all of them by replies.
 */
static int all_answered(const struct run *r, int *by_reply)
{
	uint32_t i;

	*by_reply = 1;
	for (i = 0; i < r->targets.n; i++) {
		const struct target_stats *s = &r->stats[i];

		if (s->received >= (uint64_t)r->cfg->count)
			continue;
		*by_reply = 0;
		if (s->received + errored_open(s) < (uint64_t)r->cfg->count)
			return 0;
	}
	return 1;
}

static uint64_t max_rtt_ns(const struct run *r)
{
	uint64_t m = 0;
	uint32_t i;

	for (i = 0; i < r->targets.n; i++)
		if (r->stats[i].rtt_max_ns > m)
			m = r->stats[i].rtt_max_ns;
	return m;
}

/* Once every probe is sent, ping waits max(2 RTT, interval) if it heard anything, else -W. */
static uint64_t linger_until(const struct run *r)
{
	uint64_t wait = seconds_ns(r->cfg->timeout_s);

	if (run_replies(r)) {
		uint64_t two_rtt = 2 * max_rtt_ns(r), interval = seconds_ns(r->cfg->interval_s);

		wait = two_rtt > interval ? two_rtt : interval;
	}
	return r->last_activity_ns + wait;
}

static int finished(struct run *r, uint64_t now, uint64_t *wake)
{
	const struct config *cfg = r->cfg;
	int answered, by_reply;

	if (cfg->deadline_s > 0) {
		uint64_t end = deadline_ns(r);

		if (now >= end)
			return 1;
		if (end < *wake)
			*wake = end;
	}
	/*
	 * With -w, -c counts replies and probing goes on until they are in. A
	 * probe answered by an error alone may still get its reply (an error
	 * may be forged, or come from a router before the target answers):
	 * once replies have been heard, wait two of the longest RTTs for it.
	 */
	answered = cfg->count && all_answered(r, &by_reply);
	if (answered && (cfg->deadline_s > 0 || !schedule_has_next(&r->sched))) {
		uint64_t until = r->last_activity_ns + 2 * max_rtt_ns(r);

		if (by_reply || !run_replies(r) || now >= until)
			return 1;
		if (until < *wake)
			*wake = until;
		return 0;
	}
	if (cfg->count && !schedule_has_next(&r->sched)) {
		uint64_t until = linger_until(r);

		if (now >= until)
			return 1;
		if (until < *wake)
			*wake = until;
	}
	return 0;
}

static uint64_t next_wake(struct run *r, uint64_t now)
{
	uint64_t wake = now + 3600 * NS_PER_S;

	if (schedule_has_next(&r->sched)) {
		uint64_t due = schedule_due_ns(&r->sched, r->sched.next);

		if (due < wake)
			wake = due;
	}
	if (r->next_sweep_ns < wake)
		wake = r->next_sweep_ns;
	if (r->next_report_ns && r->next_report_ns < wake)
		wake = r->next_report_ns;
	if (r->redrain_ns && r->redrain_ns < wake)
		wake = r->redrain_ns;
	return wake;
}

/*
 * Before the reader sleeps until wake: the BPF side learns when it looks next,
 * then what came meanwhile is read. Returns the time to wake at: wake, or a
 * tick from now when an event may have come without waking anyone.
 */
static uint64_t before_sleep(struct run *r, uint64_t wake, uint64_t now)
{
	uint64_t soon = now + r->tick_ns;
	int got;

	loader_set_reader_wake(&r->ld, wake);
	/* An event reserved before the store above may have decided not to wake us: read it now. */
	got = collector_consume(&r->col);
	/* ...or it is still being written (reserved, not committed): look again in a tick. */
	if ((got > 0 || collector_pending(&r->col)) && soon < wake) {
		wake = soon;
		loader_set_reader_wake(&r->ld, wake);
	}
	return wake;
}

/* The next tick at or after wake: everything due by then goes out in one batch. */
static uint64_t on_tick(const struct run *r, uint64_t wake)
{
	uint64_t ticks;

	if (!r->tick_ns || wake <= r->start_ns)
		return wake;
	ticks = (wake - r->start_ns + r->tick_ns - 1) / r->tick_ns;
	return r->start_ns + ticks * r->tick_ns;
}

static int arm_timer(int tfd, uint64_t at_ns)
{
	struct itimerspec its = { .it_value = { .tv_sec = (time_t)(at_ns / NS_PER_S), .tv_nsec = (long)(at_ns % NS_PER_S) } };

	if (!at_ns)
		its.it_value.tv_nsec = 1;
	return timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL);
}

static int on_signal(struct run *r, int sfd)
{
	struct signalfd_siginfo si;

	while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGQUIT)
			r->sink->interim(r);
		else if (si.ssi_signo == SIGHUP)
			reload_run(r);
		else
			r->stop = 1;
	}
	return 0;
}

/* SIGINT, SIGTERM and SIGQUIT, taken through run_loop()'s signalfd. */
static void stop_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGQUIT);
}

void run_signals_take(void)
{
	sigset_t set;

	/* An ignored signal is discarded, blocked or not: reset what was inherited first. */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
	signal(SIGPIPE, SIG_IGN); /* a closed stdout shows as EPIPE, and the loop ends on it */
	stop_signals(&set);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

/* Nobody reads the output any more (EPIPE, or any other write error). */
static int output_gone(void)
{
	return ferror(stdout);
}

static int add_fd(int epfd, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };

	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
}

/* Kernel mode: the send sockets' error queues (EPOLLERR when an ICMP error waits there). */
static int add_error_queues(struct run *r, int epfd)
{
	int f;

	if (r->mode != RX_KERNEL)
		return 0;
	for (f = 0; f < 2; f++)
		if (r->snd.path[f].fd >= 0 && add_fd(epfd, r->snd.path[f].fd))
			return -1;
	return 0;
}

static void setup_schedule(struct run *r)
{
	const struct config *cfg = r->cfg;
	uint64_t rounds = cfg->deadline_s > 0 ? 0 : (uint64_t)cfg->count;

	r->start_ns = clock_mono_ns();
	r->mono_to_real_ns = (int64_t)(clock_real_ns() - r->start_ns);
	r->tick_ns = seconds_ns(tick_s(cfg));
	r->sweep_period_ns = seconds_ns(cfg->timeout_s) / 10;
	if (r->sweep_period_ns < 10000000)
		r->sweep_period_ns = 10000000;
	if (r->sweep_period_ns > NS_PER_S)
		r->sweep_period_ns = NS_PER_S;
	r->next_sweep_ns = r->start_ns + r->sweep_period_ns;
	if (cfg->report_s > 0 && r->sink->report)
		r->next_report_ns = r->start_ns + seconds_ns(cfg->report_s);
	r->pace_period_ns = seconds_ns(cfg->interval_s);
	r->pace_early = cfg->pace || (cfg->adaptive && cfg->interval_s == 0);
	if (r->pace_early && r->pace_period_ns < PACE_MIN_NS)
		r->pace_period_ns = PACE_MIN_NS;
	r->last_send_ns = r->start_ns;
	schedule_init(&r->sched, r->start_ns, r->pace_period_ns, r->targets.n, rounds, cfg->burst);
	schedule_preload(&r->sched, (uint64_t)cfg->preload);
}

int run_loop(struct run *r)
{
	int src_fd = r->mode == RX_KERNEL ? collector_epoll_fd(&r->col) : r->mode == RX_DGRAM ? r->dg.epfd : r->srx.fd;
	int epfd = -1, tfd = -1, sfd = -1, n, i, due;
	struct epoll_event evs[8];
	char err[256];
	sigset_t mask;
	int status;

	stop_signals(&mask);
	if (r->cfg->daemon)
		sigaddset(&mask, SIGHUP); /* reload.h */
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (sfd < 0 || tfd < 0 || epfd < 0 || add_fd(epfd, sfd) || add_fd(epfd, tfd) || add_fd(epfd, src_fd) ||
	    add_error_queues(r, epfd) ||
	    (r->links.fd >= 0 && add_fd(epfd, r->links.fd))) {
		fprintf(stderr, "icmpmon: cannot set up the event loop: %s\n", strerror(errno));
		status = 2;
		goto out;
	}
	if (privileges_drop(r->mode == RX_KERNEL && loader_in_dispatcher(&r->ld), err, sizeof(err)))
		fprintf(stderr, "icmpmon: %s\n", err); /* still safe to run, so say it and go on */
	if (r->mode == RX_DGRAM && run_dgram_start(r, err, sizeof(err))) {
		fprintf(stderr, "icmpmon: %s\n", err);
		status = 2;
		goto out;
	}
	if (r->service && r->service->serve(r, err, sizeof(err))) {
		fprintf(stderr, "icmpmon: %s\n", err);
		status = 2;
		goto out;
	}
	r->sink->start(r);
	setup_schedule(r);
	on_signal(r, sfd); /* those that came during setup */
	while (!r->stop && !output_gone()) {
		uint64_t now = clock_mono_ns(), wake;

		send_due(r, now);
		if (r->redrain_ns && now >= r->redrain_ns) {
			r->redrain_ns = 0;
			read_replies(r);
		}
		if (now >= r->next_sweep_ns) {
			run_sweep(r, now);
			unstamped_check(r, 0);
			run_slots_lock(r);
			links_tick(r);
			run_slots_unlock(r);
			reload_tick(r, now);
			/* Wall time is only for printing; follow clock adjustments on long runs. */
			r->mono_to_real_ns = (int64_t)(clock_real_ns() - clock_mono_ns());
			r->next_sweep_ns = now + r->sweep_period_ns;
		}
		if (r->next_report_ns && now >= r->next_report_ns) {
			read_replies(r);
			r->sink->report(r);
			r->next_report_ns += seconds_ns(r->cfg->report_s);
		}
		wake = next_wake(r, now);
		if (finished(r, now, &wake))
			break;
		wake = on_tick(r, wake);
		if (r->mode == RX_KERNEL && r->tick_ns)
			wake = before_sleep(r, wake, clock_mono_ns());
		/* due already (a paced run's reply came in): only look at the other fds, a timer's slack is 50 us */
		due = wake <= clock_mono_ns();
		if (!due)
			arm_timer(tfd, wake);
		n = epoll_wait(epfd, evs, 8, due ? 0 : -1);
		if (r->mode == RX_KERNEL && r->tick_ns)
			loader_set_reader_wake(&r->ld, 0); /* awake: events need not wake us until before_sleep */
		for (i = 0; i < n; i++) {
			if (evs[i].data.fd == sfd) {
				on_signal(r, sfd);
			} else if (evs[i].data.fd == r->links.fd) {
				run_slots_lock(r); /* the exporter reads the interfaces for its labels */
				links_read(r);
				links_tick(r); /* a route that moved: attach before more probes leave unwatched */
				run_slots_unlock(r);
			} else if (evs[i].data.fd == tfd) {
				uint64_t ticks;

				if (read(tfd, &ticks, sizeof(ticks)) < 0)
					continue;
			} else if (evs[i].data.fd == r->snd.path[0].fd || evs[i].data.fd == r->snd.path[1].fd) {
				unhooked_read_errors(r, evs[i].data.fd == r->snd.path[1].fd);
			} else {
				read_replies(r);
			}
		}
	}
	read_replies(r);
	unhooked_read_errors(r, 0);
	unhooked_read_errors(r, 1);
	/* What is still unanswered at the end is lost, as ping counts it: say so in every count. */
	run_expire_before(r, UINT64_MAX);
	unstamped_check(r, 1);
	status = r->sink->finish(r);
out:
	if (epfd >= 0)
		close(epfd);
	if (tfd >= 0)
		close(tfd);
	if (sfd >= 0)
		close(sfd);
	return status;
}

void run_teardown(struct run *r)
{
	if (r->service)
		r->service->stop(r); /* first: its thread reads the targets */
	reload_free(r);
	links_close(&r->links);
	if (r->col.rb)
		collector_close(&r->col);
	if (r->ld.skel)
		loader_destroy(&r->ld);
	sender_close(&r->snd);
	unseen_free(&r->unseen);
	if (r->srx.fd >= 0)
		socket_rx_close(&r->srx);
	if (r->mode == RX_DGRAM)
		run_dgram_teardown(r);
	free(r->own_stats);
	free(r->own_hists);
	free(r->ewma8);
	targets_free(&r->targets);
	name_list_free(&r->names);
	pthread_mutex_destroy(&r->slots_lock);
	route_close();
}
