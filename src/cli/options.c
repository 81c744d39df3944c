// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Command line of the ping personality: iputils ping's letters, long options for the rest. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/socket.h>

#include "cli/options.h"
#include "util/fail.h"
#include "util/one_line.h"
#include "cli/metrics_options.h"
#include "util/version.h"
#include "cli/ping_values.h"

enum long_only {
	OPT_CONSUME = 256,
	OPT_XDP_MODE,
	OPT_PIN,
	OPT_MODE,
	OPT_RINGBUF_KIB,
	OPT_MAX_OUTSTANDING,
	OPT_VERSION,
	OPT_HELP,
	OPT_FILE,
	OPT_CIDR,
	OPT_PERIOD,
	OPT_BURST,
	OPT_REPORT,
	OPT_JSON,
	OPT_HIST,
	OPT_ATTACH,
	OPT_TC_LINK,
	OPT_METRICS,
	OPT_METRICS_BUCKETS,
	OPT_METRICS_GROUP_BY,
	OPT_METRICS_TARGET_HIST,
	OPT_METRICS_TARGET_LABELS,
	OPT_DAEMON,
	OPT_MAX_TARGETS,
	OPT_TICK,
	OPT_RTT_FROM,
	OPT_HW_TIMESTAMPS,
};

static const struct option long_options[] = {
	{ "consume", no_argument, NULL, OPT_CONSUME },
	{ "xdp-mode", required_argument, NULL, OPT_XDP_MODE },
	{ "attach", required_argument, NULL, OPT_ATTACH },
	{ "tc-link", required_argument, NULL, OPT_TC_LINK },
	{ "pin", required_argument, NULL, OPT_PIN },
	{ "mode", required_argument, NULL, OPT_MODE },
	{ "ringbuf-kib", required_argument, NULL, OPT_RINGBUF_KIB },
	{ "max-outstanding", required_argument, NULL, OPT_MAX_OUTSTANDING },
	{ "file", required_argument, NULL, OPT_FILE },
	{ "cidr", required_argument, NULL, OPT_CIDR },
	{ "period", required_argument, NULL, OPT_PERIOD },
	{ "burst", no_argument, NULL, OPT_BURST },
	{ "report", required_argument, NULL, OPT_REPORT },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "hist", no_argument, NULL, OPT_HIST },
	{ "metrics", required_argument, NULL, OPT_METRICS },
	{ "metrics-buckets", required_argument, NULL, OPT_METRICS_BUCKETS },
	{ "metrics-group-by", required_argument, NULL, OPT_METRICS_GROUP_BY },
	{ "metrics-target-histograms", required_argument, NULL, OPT_METRICS_TARGET_HIST },
	{ "metrics-target-labels", required_argument, NULL, OPT_METRICS_TARGET_LABELS },
	{ "daemon", no_argument, NULL, OPT_DAEMON },
	{ "max-targets", required_argument, NULL, OPT_MAX_TARGETS },
	{ "tick", required_argument, NULL, OPT_TICK },
	{ "rtt-from", required_argument, NULL, OPT_RTT_FROM },
	{ "hw-timestamps", no_argument, NULL, OPT_HW_TIMESTAMPS },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

void options_usage(FILE *out)
{
	fprintf(out,
		"Usage: icmpmon [options] TARGET...\n"
		"Echo replies are matched and timed in the kernel (from the driver hand-off, or tc egress, to XDP).\n"
		"\n"
		"ping options:\n"
		"  -4, -6        IPv4 or IPv6 only (default: what each name resolves to first)\n"
		"  -c COUNT      stop after COUNT probes per target\n"
		"  -i SECONDS    interval between probes to one target (default 1)\n"
		"  -s SIZE       ICMP payload bytes (default 56, at most 65507)\n"
		"  -t TTL        IP time to live (default 64)\n"
		"  -W SECONDS    time to wait for a reply before a probe counts as lost (default 10)\n"
		"  -w SECONDS    stop after this many seconds\n"
		"  -I IFACE|ADDR send from and listen on IFACE, or from source address ADDR\n"
		"  -p HEX        fill the payload with this pattern (up to 16 bytes)\n"
		"  -f            flood: next probe once answered (at least every 10 ms); '.' per probe,\n"
		"                \"\\b \\b\" per reply\n"
		"  -A            adaptive: the interval follows the RTT\n"
		"  -l N          preload: send N probes at once at the start\n"
		"  -O            report a probe with no answer when the next goes\n"
		"  -a            audible: a bell with each reply\n"
		"  -M PMTUDISC   do, dont, want or probe: path MTU discovery\n"
		"  -Q TOS        IP TOS / IPv6 traffic class of the probes\n"
		"  -m MARK       SO_MARK on the probes\n"
		"  -e ID         ICMP identifier of the probes (default random)\n"
		"  -S BYTES      send buffer size\n"
		"  -B            sticky source address\n"
		"  -r            SO_DONTROUTE: only on-link destinations\n"
		"  -b            allow pinging a broadcast address\n"
		"  -d, -L        SO_DEBUG; no multicast loopback\n"
		"  -q            quiet: only the summaries\n"
		"  -D            print a timestamp before each line\n"
		"  -n            numeric output only\n"
		"  -v, --verbose verbose output\n"
		"  -V, --version print the version and exit\n"
		"  -h, --help    print this help and exit\n"
		"\n"
		"icmpmon options:\n"
		"  --mode auto|kernel|socket|dgram   receive replies in the kernel, from a raw socket, or from ICMP\n"
		"                         datagram sockets as ping does without root (auto, the default: the kernel,\n"
		"                         or dgram without the privilege to load BPF programs)\n"
		"  --attach auto|xdp|tc   catch replies in XDP or tc ingress; auto uses tc when XDP is taken\n"
		"  --xdp-mode auto|native|generic   XDP attach mode (default auto)\n"
		"  --tc-link auto|tcx|clsact   tc programs as TCX links (first in line; auto: where the kernel has TCX)\n"
		"  --consume              drop matched replies in XDP instead of passing them on\n"
		"  --pin DIR              pin the maps under DIR (a bpffs directory)\n"
		"  --ringbuf-kib N        size of the reply ring buffer in KiB (power of two, >= 4)\n"
		"  --max-outstanding N    size of the outstanding-probe map (default: derived)\n"
		"  --tick MS              wake at most every MS ms: send what is due, read replies (default 1, 10 with --daemon; 0 = as due)\n"
		"  --rtt-from wire|tc     start the RTT where the driver takes the probe (default) or at\n"
		"                         tc egress, before this host's transmit queue\n"
		"  --hw-timestamps        say whether each interface offers hardware timestamps\n"
		"\n"
		"monitor options:\n"
		"  --file FILE            read targets from FILE, one per line, # comments (- for stdin)\n"
		"  --cidr A.B.C.D/LEN     probe every host address of a range\n"
		"  --period SECONDS       same as -i: how often each target is probed\n"
		"  --burst                send a round's probes at once instead of spreading them\n"
		"  --report SECONDS       print interval statistics with percentiles every SECONDS\n"
		"  --json                 NDJSON output, one object per line (docs/json-schema.md)\n"
		"  --hist                 an ASCII RTT histogram per target with the summaries\n"
		"\n"
		"service options:\n"
		"  --metrics [ADDR:]PORT  serve Prometheus /metrics on ADDR:PORT (default address 127.0.0.1)\n"
		"  --metrics-buckets S,S  RTT histogram bounds in seconds (default 0.00005 doubling to 26.2144)\n"
		"  --metrics-group-by L,L RTT histograms per value of these target labels, not per target\n"
		"  --metrics-target-histograms auto|always|never\n"
		"                         per-target RTT histograms (auto: up to 1024 targets, no --metrics-group-by)\n"
		"  --metrics-target-labels auto|inline|info\n"
		"                         target labels on every series, or once in icmpmon_target_info with the\n"
		"                         rarely non-zero counters only when non-zero (auto: info above 1024 targets)\n"
		"  --daemon               no terminal output, run until SIGTERM; SIGHUP re-reads --file\n"
		"  --max-targets N        target slots for SIGHUP reloads (default max(1024, 2 x targets))\n");
}


static int parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse_seconds(const char *s, double min, double max, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int push_arg(char ***v, int *n, char *arg)
{
	char **nv = realloc(*v, (size_t)(*n + 1) * sizeof(*nv));

	if (!nv)
		return -1;
	nv[(*n)++] = arg;
	*v = nv;
	return 0;
}

void config_free(struct config *cfg)
{
	free(cfg->files);
	free(cfg->cidrs);
	cfg->files = cfg->cidrs = NULL;
	cfg->n_files = cfg->n_cidrs = 0;
}

void config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->interval_s = 1.0;
	cfg->size = ICMPMON_DEFAULT_SIZE;
	cfg->ttl = ICMPMON_DEFAULT_TTL;
	cfg->timeout_s = 10.0;
	cfg->xdp_mode = XDP_MODE_AUTO;
	cfg->mode = RX_AUTO;
	cfg->ringbuf_kib = 1024;
	cfg->tick_s = -1; /* run.c: 1 ms, 10 ms with --daemon */
	cfg->preload = 1;
	cfg->pmtudisc = -1;
	cfg->ident = -1;
}

static int is_power_of_two(unsigned long v)
{
	return v && !(v & (v - 1));
}

static const char *prog = "icmpmon";

const char *options_prog(void)
{
	return prog;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* A letter of iputils ping that has no sense for a kernel-side prober: ping's error form, exit 2. */
static int unsupported(char *err, size_t errlen, int opt, const char *why)
{
	return fail_line(err, errlen, "option -%c is not supported: %s", opt, why);
}

/* ping -I: an IPv6 address (with an optional %IFACE), an IPv4 address, or an interface name. */
static int ping_source(const char *arg, struct config *cfg, char *err, size_t errlen)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&cfg->source;
	struct sockaddr_in *sin = (struct sockaddr_in *)&cfg->source;
	char addr[INET6_ADDRSTRLEN + IF_NAMESIZE + 1];
	const char *dev = NULL;
	char *pct;

	memset(&cfg->source, 0, sizeof(cfg->source));
	cfg->has_source = 0;
	cfg->ifname[0] = 0;
	if (strchr(arg, ':')) {
		snprintf(addr, sizeof(addr), "%s", arg);
		pct = strchr(addr, '%');
		if (pct) {
			*pct = 0;
			dev = arg + (pct - addr) + 1;
		}
		if (inet_pton(AF_INET6, addr, &sin6->sin6_addr) <= 0)
			return fail_line(err, errlen, "invalid source address: %s", arg);
		sin6->sin6_family = AF_INET6;
		cfg->has_source = 1;
	} else if (inet_pton(AF_INET, arg, &sin->sin_addr) > 0) {
		sin->sin_family = AF_INET;
		cfg->has_source = 1;
	} else if (*arg) {
		dev = arg;
	} else {
		return fail_line(err, errlen, "invalid source %s", arg); /* later iputils' words */
	}
	if (dev) {
		if (!*dev || strlen(dev) >= sizeof(cfg->ifname))
			return fail_line(err, errlen, "SO_BINDTODEVICE %s: No such device", dev);
		strcpy(cfg->ifname, dev);
	}
	return 0;
}

/* ping's letters, with ping's value rules and messages (ping_values.h). */
static int apply_ping_option(int opt, char *arg, struct config *cfg, int *interval_set, char *err, size_t errlen)
{
	long long v;
	const char *bad;
	int rc;

	switch (opt) {
	case 'c':
		if ((rc = ping_long(arg, 1, 0x7fffffffffffffffLL, &v, err, errlen)))
			return rc;
		cfg->count = (long)v;
		return 0;
	case 's':
		/* ping takes up to 2^31-1 and then fails every send: the most one IPv4 datagram holds */
		if ((rc = ping_long(arg, 0, ICMPMON_MAX_PAYLOAD, &v, err, errlen)))
			return rc;
		cfg->size = (int)v;
		return 0;
	case 't':
		if ((rc = ping_long(arg, 0, 255, &v, err, errlen)))
			return rc;
		cfg->ttl = (int)v;
		return 0;
	case 'w':
		/* ping takes whole seconds only; fractions are icmpmon's. 0: no deadline. */
		rc = ping_long(arg, 0, 0x7fffffff, &v, err, errlen);
		if (!rc) {
			cfg->deadline_s = (double)v;
			return 0;
		}
		return parse_seconds(arg, 0, 0x7fffffff, &cfg->deadline_s) ? rc : 0;
	case 'i':
		cfg->interval_s = ping_seconds(prog, arg);
		if (!(cfg->interval_s >= 0 && cfg->interval_s <= 0x7fffffff / 1000))
			return fail_line(err, errlen, "bad timing interval: %s", arg);
		*interval_set = 2; /* by ping's -i: -i 0 paces as ping's does */
		return 0;
	case 'W':
		cfg->timeout_s = ping_seconds(prog, arg);
		if (!(cfg->timeout_s >= 0 && cfg->timeout_s <= 0x7fffffff / 1000))
			return fail_line(err, errlen, "bad linger time: %s", arg);
		if (cfg->timeout_s < 0.001)
			cfg->timeout_s = 0.001; /* ping's -W 0: no wait past the last probe; here a probe needs a lifetime */
		return 0;
	case 'l':
		if ((rc = ping_long(arg, 1, 65536, &v, err, errlen)))
			return rc;
		cfg->preload = (int)v;
		return 0;
	case 'e':
		if ((rc = ping_long(arg, 0, 65535, &v, err, errlen)))
			return rc;
		cfg->ident = (int)v;
		return 0;
	case 'm':
		if ((rc = ping_ulong(arg, 0, 0xffffffffULL, &v, err, errlen)))
			return rc;
		cfg->mark = (unsigned)v;
		cfg->mark_set = 1;
		return 0;
	case 'S':
		if ((rc = ping_long(arg, 1, 0x7fffffff, &v, err, errlen)))
			return rc;
		cfg->sndbuf = (int)v;
		return 0;
	case 'Q':
		return ping_tos(arg, &cfg->tos, err, errlen);
	case 'M':
		/* ping 20221126 takes do, dont and want; later iputils also probe */
		if (!strcmp(arg, "do"))
			cfg->pmtudisc = IP_PMTUDISC_DO;
		else if (!strcmp(arg, "dont"))
			cfg->pmtudisc = IP_PMTUDISC_DONT;
		else if (!strcmp(arg, "want"))
			cfg->pmtudisc = IP_PMTUDISC_WANT;
		else if (!strcmp(arg, "probe"))
			cfg->pmtudisc = IP_PMTUDISC_PROBE;
		else
			return fail_line(err, errlen, "invalid -M argument: %s", arg);
		return 0;
	case 'I':
		return ping_source(arg, cfg, err, errlen);
	case 'p':
		bad = ping_pattern(arg, cfg->pattern, &cfg->pattern_len);
		if (bad)
			return fail_line(err, errlen, "patterns must be specified as hex digits: %s", bad);
		return 0;
	}
	return 1; /* not one of these */
}

static int apply_option(int opt, char *arg, struct config *cfg, int *interval_set,
			char *err, size_t errlen)
{
	long l;
	int rc = apply_ping_option(opt, arg, cfg, interval_set, err, errlen);

	if (rc <= 0)
		return rc;
	switch (opt) {
	case OPT_PERIOD:
		if (parse_seconds(arg, 0, 86400 * 7, &cfg->interval_s))
			return fail_line(err, errlen, "invalid interval '%s' for --period: expected seconds >= 0", arg);
		*interval_set = 1;
		return 0;
	case '4':
	case '6':
		/* as iputils ping: -4 -6 is a contradiction, not "the last one wins" */
		if (cfg->family && cfg->family != (opt == '4' ? AF_INET : AF_INET6))
			return fail_line(err, errlen, "only one -4 or -6 option may be specified");
		cfg->family = opt == '4' ? AF_INET : AF_INET6;
		return 0;
	case 'q': cfg->quiet = 1; return 0;
	case 'D': cfg->timestamps = 1; return 0;
	case 'n': cfg->numeric = 1; return 0;
	case 'f': cfg->flood = 1; return 0;
	case 'v': cfg->verbose++; return 0;
	case 'A': cfg->adaptive = 1; return 0;
	case 'O': cfg->outstanding = 1; return 0;
	case 'a': cfg->audible = 1; return 0;
	case 'B': cfg->sticky_source = 1; return 0;
	case 'r': cfg->dontroute = 1; return 0;
	case 'b': cfg->broadcast = 1; return 0;
	case 'd': cfg->so_debug = 1; return 0;
	case 'L': cfg->noloop = 1; return 0;
	case 'R': return unsupported(err, errlen, opt, "record route: the route is in the replies' IP options, which the kernel matcher does not pass on");
	case 'T': return unsupported(err, errlen, opt, "IP timestamps: they are in the replies' IP options, which the kernel matcher does not pass on");
	case 'U': return unsupported(err, errlen, opt, "user-to-user latency: the RTT is measured in the kernel, from the driver hand-off (or tc egress) to XDP");
	case 'F': return unsupported(err, errlen, opt, "flow labels: the send sockets carry no flow label lease");
	case 'N': return unsupported(err, errlen, opt, "node information queries are not echo requests");
	case 'C': return unsupported(err, errlen, opt, "one send socket per family serves every target, so it is never connected");
	case OPT_CONSUME: cfg->consume = 1; return 0;
	case OPT_BURST: cfg->burst = 1; return 0;
	case OPT_JSON: cfg->json = 1; return 0;
	case OPT_HIST: cfg->hist = 1; return 0;
	case OPT_HW_TIMESTAMPS: cfg->hw_timestamps = 1; return 0;
	case OPT_DAEMON: cfg->daemon = 1; return 0;
	case OPT_METRICS:
		return metrics_parse_listen(arg, &cfg->metrics_addr, &cfg->metrics_port, err, errlen);
	case OPT_METRICS_BUCKETS:
		return metrics_parse_buckets(arg, cfg->metrics_le, &cfg->n_metrics_le, err, errlen);
	case OPT_METRICS_GROUP_BY:
		return metrics_parse_group_by(arg, cfg, err, errlen);
	case OPT_METRICS_TARGET_HIST:
		return metrics_parse_target_hist(arg, &cfg->metrics_target_hist, err, errlen);
	case OPT_METRICS_TARGET_LABELS:
		return metrics_parse_target_labels(arg, &cfg->metrics_target_labels, err, errlen);
	case OPT_TICK:
		if (parse_seconds(arg, 0, 100, &cfg->tick_s))
			return fail_line(err, errlen, "invalid --tick '%s': expected 0..100 milliseconds", arg);
		cfg->tick_s /= 1000;
		return 0;
	case OPT_MAX_TARGETS:
		if (parse_long(arg, 1, 1L << 22, &l))
			return fail_line(err, errlen, "invalid --max-targets '%s': expected 1..4194304", arg);
		cfg->max_targets = (unsigned)l;
		return 0;
	case OPT_FILE:
		if (!*arg)
			return fail_line(err, errlen, "--file needs a file name");
		return push_arg(&cfg->files, &cfg->n_files, arg) ? fail_line(err, errlen, "out of memory") : 0;
	case OPT_CIDR:
		return push_arg(&cfg->cidrs, &cfg->n_cidrs, arg) ? fail_line(err, errlen, "out of memory") : 0;
	case OPT_REPORT:
		if (parse_seconds(arg, 0.01, 86400, &cfg->report_s))
			return fail_line(err, errlen, "invalid --report '%s': expected 0.01..86400 seconds", arg);
		return 0;
	case OPT_PIN:
		if (!*arg)
			return fail_line(err, errlen, "--pin needs a directory");
		cfg->pin_dir = arg;
		return 0;
	case OPT_XDP_MODE:
		if (!strcmp(arg, "auto"))
			cfg->xdp_mode = XDP_MODE_AUTO;
		else if (!strcmp(arg, "native"))
			cfg->xdp_mode = XDP_MODE_NATIVE;
		else if (!strcmp(arg, "generic"))
			cfg->xdp_mode = XDP_MODE_GENERIC;
		else
			return fail_line(err, errlen, "invalid --xdp-mode '%s': expected auto, native or generic", arg);
		return 0;
	case OPT_ATTACH:
		if (!strcmp(arg, "auto"))
			cfg->attach = ATTACH_AUTO;
		else if (!strcmp(arg, "xdp"))
			cfg->attach = ATTACH_XDP;
		else if (!strcmp(arg, "tc"))
			cfg->attach = ATTACH_TC;
		else
			return fail_line(err, errlen, "invalid --attach '%s': expected auto, xdp or tc", arg);
		return 0;
	case OPT_TC_LINK:
		if (!strcmp(arg, "auto"))
			cfg->tc_link = TC_LINK_AUTO;
		else if (!strcmp(arg, "tcx"))
			cfg->tc_link = TC_LINK_TCX;
		else if (!strcmp(arg, "clsact"))
			cfg->tc_link = TC_LINK_CLSACT;
		else
			return fail_line(err, errlen, "invalid --tc-link '%s': expected auto, tcx or clsact", arg);
		return 0;
	case OPT_RTT_FROM:
		if (!strcmp(arg, "wire") || !strcmp(arg, "tc"))
			cfg->rtt_from_tc = !strcmp(arg, "tc");
		else
			return fail_line(err, errlen, "invalid --rtt-from '%s': expected wire or tc", arg);
		return 0;
	case OPT_MODE:
		if (!strcmp(arg, "auto"))
			cfg->mode = RX_AUTO;
		else if (!strcmp(arg, "kernel"))
			cfg->mode = RX_KERNEL;
		else if (!strcmp(arg, "socket"))
			cfg->mode = RX_SOCKET;
		else if (!strcmp(arg, "dgram"))
			cfg->mode = RX_DGRAM;
		else
			return fail_line(err, errlen, "invalid --mode '%s': expected auto, kernel, socket or dgram", arg);
		return 0;
	case OPT_RINGBUF_KIB:
		if (parse_long(arg, 4, ICMPMON_MAX_RINGBUF_KIB, &l) || !is_power_of_two((unsigned long)l))
			return fail_line(err, errlen, "invalid --ringbuf-kib '%s': expected a power of two, 4..%u", arg,
					 ICMPMON_MAX_RINGBUF_KIB);
		cfg->ringbuf_kib = (unsigned)l;
		return 0;
	case OPT_MAX_OUTSTANDING:
		if (parse_long(arg, 1, ICMPMON_MAX_OUTSTANDING, &l))
			return fail_line(err, errlen, "invalid --max-outstanding '%s': expected 1..%u", arg,
					 ICMPMON_MAX_OUTSTANDING);
		cfg->max_outstanding = (unsigned)l;
		return 0;
	}
	return fail_line(err, errlen, "unknown option");
}

/* iputils ping 20221126's letters, each with ping's meaning (-R -T -U -F -N -C are refused) */
#define OPTSTRING ":c:i:s:t:W:w:I:p:l:e:m:M:Q:S:T:F:N:qDnfvVh46aAbBdLOrRUC"

enum options_result options_parse(int argc, char **argv, struct config *cfg, char *err, size_t errlen)
{
	int opt, rc, interval_set = 0;

	config_defaults(cfg);
	if (argc > 0 && argv[0] && *argv[0])
		prog = base_name(argv[0]);
	optind = 0; /* 0, not 1: glibc then also forgets its position in the previous argv */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, OPTSTRING, long_options, NULL)) != -1) {
		switch (opt) {
		case 'h':
			return OPTIONS_HELP; /* ping: the usage on stderr, exit 2 */
		case OPT_HELP:
			options_usage(stdout);
			return OPTIONS_EXIT;
		case 'V':
		case OPT_VERSION:
			/* ping's "ping from iputils 20221126" line: checks for "iputils" and a date still pass */
			printf("%s from icmpmon %s (iputils %s compatible)\n", prog, ICMPMON_VERSION, ICMPMON_PING_COMPAT);
			return OPTIONS_EXIT;
		case ':':
			/* glibc's own words, which ping prints */
			if (!strncmp(argv[optind - 1], "--", 2))
				fail_line(err, errlen, "option '%s' requires an argument", argv[optind - 1]);
			else
				fail_line(err, errlen, "option requires an argument -- '%c'", optopt);
			return OPTIONS_USAGE;
		case '?':
			/* glibc: optopt is the letter of a bad short option; 0 for an unknown long
			 * one; a long option's code when it was given a value it does not take. */
			if (!optopt)
				fail_line(err, errlen, "unrecognized option '%s'", argv[optind - 1]);
			else if (!strncmp(argv[optind - 1], "--", 2))
				fail_line(err, errlen, "option '%s' doesn't allow an argument", argv[optind - 1]);
			else
				fail_line(err, errlen, "invalid option -- '%c'", optopt);
			return OPTIONS_USAGE;
		default:
			rc = apply_option(opt, optarg, cfg, &interval_set, err, errlen);
			if (rc)
				return rc == PING_BAD_VALUE ? OPTIONS_BAD_VALUE : OPTIONS_ERROR;
		}
	}
	/*
	 * As ping: -f without -i, or -i 0, sends the next probe as soon as the
	 * last is answered (fewer than -l in flight), and at least every 10 ms.
	 */
	if (cfg->flood && !interval_set)
		cfg->interval_s = 0;
	if (cfg->interval_s == 0 && (cfg->flood || interval_set == 2))
		cfg->pace = 1;
	if (cfg->flood && cfg->quiet)
		cfg->flood = 0;
	cfg->check_broadcast = 1;
	if (optind >= argc && !cfg->n_files && !cfg->n_cidrs) {
		fail_line(err, errlen, "usage error: Destination address required");
		return OPTIONS_BAD_VALUE;
	}
	if (cfg->consume && (cfg->mode == RX_SOCKET || cfg->mode == RX_DGRAM)) {
		fail_line(err, errlen, "--consume needs --mode kernel");
		return OPTIONS_ERROR;
	}
	if (metrics_check_config(cfg, err, errlen))
		return OPTIONS_ERROR;
	cfg->targets = argv + optind;
	cfg->n_targets = argc - optind;
	return OPTIONS_RUN;
}
