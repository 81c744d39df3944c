// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * fping 5.1's command line, mapped onto icmpmon's run.
 *
 * Honoured: -4 -6 -a -A -b -B -c -C -d -D -e -f -g -h -H -I -l -M -n -o -O
 * -p -q -Q -r -s -S -t -u -v -x, with fping's long names. Without -4/-6 a
 * name is probed at the first address it resolves to, as fping does.
 *   -p  period per target (count/loop mode) -> cfg->interval_s
 *   -t  per-probe timeout -> cfg->timeout_s (in count/loop mode fping's
 *       auto-tuned default: the -p period, at most 2000 ms)
 *   -b  payload bytes -> cfg->size; -H -> cfg->ttl; -I -> cfg->ifname
 *   -Q  interval summaries -> cfg->report_s; -c/-C -> cfg->count; -l -> 0
 *   -r/-B retries with backoff in default mode (the fping sink paces them)
 *   -S/-O/-M are applied to the sending socket after setup (fping_main.c).
 * Accepted, no effect:
 *   -i  icmpmon does not keep fping's global gap between any two probes: a
 *       round's probes are spread evenly over the period (count/loop mode) or
 *       considered every tick (default mode); -i 0 in count/loop mode sends
 *       a round at once, as fping does (cfg->burst).
 *   -R  the payload carries the run cookie and is not randomised.
 *   -m  icmpmon probes one address per name (fping -m: all of them).
 *   -T  ignored by fping 5.1 too.
 * Refused (exit 1): -N (netdata output).
 *
 * Bad arguments: exit 1, as the fping 5.1 binary (its man page says 3), with
 * its messages word for word; where it prints its whole usage text, icmpmon
 * names the bad value and adds fping's "see 'fping -h'" line. Run under a
 * name containing "fping6" it is fping -6, as fping is.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <net/if.h>
#include <math.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/options.h"
#include "cli/fping_options.h"
#include "util/fail.h"
#include "util/version.h"

#define NS_PER_MS 1000000ll

static const struct option long_options[] = {
	{ "ipv4", no_argument, NULL, '4' },
	{ "ipv6", no_argument, NULL, '6' },
	{ "alive", no_argument, NULL, 'a' },
	{ "addr", no_argument, NULL, 'A' },
	{ "size", required_argument, NULL, 'b' },
	{ "backoff", required_argument, NULL, 'B' },
	{ "count", required_argument, NULL, 'c' },
	{ "vcount", required_argument, NULL, 'C' },
	{ "rdns", no_argument, NULL, 'd' },
	{ "timestamp", no_argument, NULL, 'D' },
	{ "elapsed", no_argument, NULL, 'e' },
	{ "file", required_argument, NULL, 'f' },
	{ "generate", no_argument, NULL, 'g' },
	{ "help", no_argument, NULL, 'h' },
	{ "ttl", required_argument, NULL, 'H' },
	{ "interval", required_argument, NULL, 'i' },
	{ "iface", required_argument, NULL, 'I' },
	{ "loop", no_argument, NULL, 'l' },
	{ "all", no_argument, NULL, 'm' },
	{ "dontfrag", no_argument, NULL, 'M' },
	{ "name", no_argument, NULL, 'n' },
	{ "netdata", no_argument, NULL, 'N' },
	{ "outage", no_argument, NULL, 'o' },
	{ "tos", required_argument, NULL, 'O' },
	{ "period", required_argument, NULL, 'p' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "squiet", required_argument, NULL, 'Q' },
	{ "retry", required_argument, NULL, 'r' },
	{ "random", no_argument, NULL, 'R' },
	{ "stats", no_argument, NULL, 's' },
	{ "src", required_argument, NULL, 'S' },
	{ "timeout", required_argument, NULL, 't' },
	{ "unreach", no_argument, NULL, 'u' },
	{ "version", no_argument, NULL, 'v' },
	{ "reachable", required_argument, NULL, 'x' },
	{ NULL, 0, NULL, 0 },
};

#define SEE_HELP "see 'fping -h' for usage information"

#define SHORT_OPTIONS ":46aAb:B:c:C:dDef:ghH:i:I:lmMnNoO:p:qQ:r:RsS:t:T:uvx:"

void fping_usage(FILE *out, const char *prog)
{
	fprintf(out, "Usage: %s [options] [targets...]\n", prog);
	fprintf(out, "\n");
	fprintf(out, "fping personality of icmpmon (replies are matched in the kernel).\n");
	fprintf(out, "\n");
	fprintf(out, "Probing options:\n");
	fprintf(out, "   -4, --ipv4         only ping IPv4 addresses\n");
	fprintf(out, "   -6, --ipv6         only ping IPv6 addresses\n");
	fprintf(out, "   -b, --size=BYTES   amount of ping data to send, in bytes (default: %d)\n", FPING_DEFAULT_SIZE);
	fprintf(out, "   -B, --backoff=N    set exponential backoff factor to N (default: 1.5)\n");
	fprintf(out, "   -c, --count=N      count mode: send N pings to each target\n");
	fprintf(out, "   -f, --file=FILE    read list of targets from a file ( - means stdin)\n");
	fprintf(out, "   -g, --generate     generate target list (only if no -f specified)\n");
	fprintf(out, "                      (give start and end IP in the target list, or a CIDR address)\n");
	fprintf(out, "                      (ex. %s -g 192.168.1.0 192.168.1.255 or %s -g 192.168.1.0/24)\n", prog, prog);
	fprintf(out, "   -H, --ttl=N        set the IP TTL value (Time To Live hops)\n");
	fprintf(out, "   -I, --iface=IFACE  bind to a particular interface\n");
	fprintf(out, "   -l, --loop         loop mode: send pings forever\n");
	fprintf(out, "   -M, --dontfrag     set the Don't Fragment flag\n");
	fprintf(out, "   -O, --tos=N        set the type of service (tos) flag on the ICMP packets\n");
	fprintf(out, "   -p, --period=MSEC  interval between ping packets to one target (in ms)\n");
	fprintf(out, "                      (in loop and count modes, default: %d ms)\n", FPING_DEFAULT_PERIOD_MS);
	fprintf(out, "   -r, --retry=N      number of retries (default: %d)\n", FPING_DEFAULT_RETRY);
	fprintf(out, "   -S, --src=IP       set source address\n");
	fprintf(out, "   -t, --timeout=MSEC individual target initial timeout (default: %d ms,\n", FPING_DEFAULT_TIMEOUT_MS);
	fprintf(out, "                      except with -l/-c/-C, where it's the -p period up to %d ms)\n",
		FPING_AUTOTUNE_TIMEOUT_MAX_MS);
	fprintf(out, "   -i, -m, -R, -T     accepted for compatibility, no effect\n");
	fprintf(out, "\n");
	fprintf(out, "Output options:\n");
	fprintf(out, "   -a, --alive        show targets that are alive\n");
	fprintf(out, "   -A, --addr         show targets by address\n");
	fprintf(out, "   -C, --vcount=N     same as -c, report results in verbose format\n");
	fprintf(out, "   -d, --rdns         show targets by name (force reverse-DNS lookup)\n");
	fprintf(out, "   -D, --timestamp    print timestamp before each output line\n");
	fprintf(out, "   -e, --elapsed      show elapsed time on return packets\n");
	fprintf(out, "   -n, --name         show targets by name (reverse-DNS lookup for target IPs)\n");
	fprintf(out, "   -o, --outage       show the accumulated outage time (lost packets * packet interval)\n");
	fprintf(out, "   -q, --quiet        quiet (don't show per-target/per-ping results)\n");
	fprintf(out, "   -Q, --squiet=SECS  same as -q, but add interval summary every SECS seconds\n");
	fprintf(out, "   -s, --stats        print final stats\n");
	fprintf(out, "   -u, --unreach      show targets that are unreachable\n");
	fprintf(out, "   -v, --version      show version\n");
	fprintf(out, "   -x, --reachable=N  shows if >=N hosts are reachable or not\n");
}

/* sscanf("%f")-like: a number must start the string; what follows it is ignored. */
static int parse_float(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

/* atoi()/sscanf("%u")-like: leading digits, the rest ignored; no sign. */
static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	s += strspn(s, " \t");
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || v > max)
		return -1;
	*out = v;
	return 0;
}

static int vsay(char *err, size_t errlen, const char *prog, int hint, const char *fmt, va_list ap)
{
	int n = snprintf(err, errlen, "%s: ", prog);

	if (n >= 0 && (size_t)n < errlen)
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	if (hint)
		strncat(err, "\n" SEE_HELP, errlen - strlen(err) - 1);
	return -1;
}

/* fping's one-line complaints: "PROG: what". */
static int say(char *err, size_t errlen, const char *prog, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(err, errlen, prog, 0, fmt, ap);
	va_end(ap);
	return -1;
}

/*
 * Where fping 5.1 prints its whole usage text (a bad value, a bad -g/-f
 * combination) icmpmon says what is wrong, then points at -h as fping does
 * for an unknown option.
 */
static int say_usage(char *err, size_t errlen, const char *prog, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(err, errlen, prog, 1, fmt, ap);
	va_end(ap);
	return -1;
}

static int bad_value(char *err, size_t errlen, const struct fping_opts *o, int opt, const char *arg)
{
	return say_usage(err, errlen, o->prog, "invalid argument '%s' for -%c", arg, opt);
}

static int ms_option(const struct fping_opts *o, int opt, const char *arg, int64_t *out_ns, char *err, size_t errlen)
{
	double v;

	if (parse_float(arg, &v) || v < 0 || v > 1e9)
		return bad_value(err, errlen, o, opt, arg);
	*out_ns = (int64_t)(v * NS_PER_MS);
	return 0;
}

struct parse_state {
	int timeout_set;
	int count_flag, loop_flag;
	unsigned long ttl;
	unsigned long size;
	int family;
};

static int apply_option(int opt, char *arg, struct config *cfg, struct fping_opts *o, struct parse_state *ps,
			char *err, size_t errlen)
{
	unsigned long u;
	double v;
	char *end;
	long l;

	switch (opt) {
	case '4':
	case '6':
		if (ps->family && ps->family != (opt == '4' ? AF_INET : AF_INET6))
			return say(err, errlen, o->prog, "can't specify both -4 and -6");
		ps->family = opt == '4' ? AF_INET : AF_INET6;
		return 0;
	case 'm':
	case 'R':
	case 'T':
		return 0;
	case 'N':
		return say(err, errlen, o->prog, "-N (netdata output) is not supported");
	case 'M':
		o->dontfrag = 1;
		return 0;
	case 't':
		if (ms_option(o, opt, arg, &o->timeout_ns, err, errlen))
			return -1;
		ps->timeout_set = 1;
		return 0;
	case 'r':
		if (parse_uint(arg, 1000000, &u))
			return bad_value(err, errlen, o, opt, arg);
		o->retry = (unsigned)u;
		return 0;
	case 'i':
		return ms_option(o, opt, arg, &o->interval_ns, err, errlen);
	case 'p':
		return ms_option(o, opt, arg, &o->period_ns, err, errlen);
	case 'c':
	case 'C':
		if (parse_uint(arg, 0x7fffffffUL, &u) || !u)
			return bad_value(err, errlen, o, opt, arg);
		o->count = (long)u;
		ps->count_flag = 1;
		if (opt == 'C')
			o->report_all_rtts = 1;
		return 0;
	case 'b':
		if (parse_uint(arg, 0xffffffffUL, &u))
			return bad_value(err, errlen, o, opt, arg);
		ps->size = u;
		return 0;
	case 'q':
		o->verbose = 0;
		o->quiet = 1;
		return 0;
	case 'Q':
		o->verbose = 0;
		o->quiet = 1;
		if (parse_float(arg, &v) || v < 0 || v > 1e7)
			return bad_value(err, errlen, o, opt, arg);
		o->report_ns = (int64_t)(v * 1e9);
		return 0;
	case 'e':
		o->elapsed = 1;
		return 0;
	case 'n':
		if (o->rdns_flag)
			return say(err, errlen, o->prog, "use either one of -d or -n");
		o->name_flag = 1;
		return 0;
	case 'd':
		if (o->name_flag)
			return say(err, errlen, o->prog, "use either one of -d or -n");
		o->rdns_flag = 1;
		return 0;
	case 'A':
		o->addr_flag = 1;
		return 0;
	case 'B':
		if (parse_float(arg, &v) || v == 0)
			return bad_value(err, errlen, o, opt, arg);
		o->backoff = v;
		return 0;
	case 's':
		o->stats = 1;
		return 0;
	case 'D':
		o->timestamp = 1;
		return 0;
	case 'l':
		ps->loop_flag = 1;
		return 0;
	case 'u':
		o->unreach = 1;
		return 0;
	case 'a':
		o->alive = 1;
		return 0;
	case 'H':
		if (parse_uint(arg, 0xffffffffUL, &u) || !u)
			return bad_value(err, errlen, o, opt, arg);
		ps->ttl = u;
		return 0;
	case 'x':
		if (parse_uint(arg, 0x7fffffffUL, &u) || !u)
			return bad_value(err, errlen, o, opt, arg);
		o->min_reachable = (unsigned)u;
		return 0;
	case 'f':
		o->file = arg;
		return 0;
	case 'g':
		o->generate = 1;
		return 0;
	case 'S':
		if (inet_pton(AF_INET, arg, &o->src) == 1) {
			o->src_set = 1;
			return 0;
		}
		if (inet_pton(AF_INET6, arg, &o->src6) == 1) {
			o->src6_set = 1;
			return 0;
		}
		return say(err, errlen, o->prog, "can't parse source address: %s", arg);
	case 'I':
		/* fping binds its sockets here and exits on failure, with perror()'s words */
		if (*arg && (strlen(arg) >= sizeof(cfg->ifname) || !if_nametoindex(arg)))
			return fail(err, errlen, "binding to specific interface (SO_BINTODEVICE): %s", strerror(ENODEV));
		snprintf(cfg->ifname, sizeof(cfg->ifname), "%s", arg);
		return 0;
	case 'O':
		/* sscanf("%i"): decimal, 0x hex or 0 octal; any int (the sockets decide, fping_main.c) */
		errno = 0;
		l = strtol(arg, &end, 0);
		if (end == arg || errno || l < INT_MIN || l > INT_MAX)
			return bad_value(err, errlen, o, opt, arg);
		o->tos = (int)l;
		o->tos_set = 1;
		return 0;
	case 'o':
		o->outage = 1;
		return 0;
	}
	return say_usage(err, errlen, o->prog, "invalid option -- '%c'", opt);
}

/* fping names a long option without its dashes (and without "=value"). */
static void long_name(const char *arg, char *buf, size_t len)
{
	size_t n;

	arg += strspn(arg, "-");
	n = strcspn(arg, "=");
	snprintf(buf, len, "%.*s", (int)n, arg);
}

static void defaults(struct config *cfg, struct fping_opts *o, char *prog)
{
	config_defaults(cfg);
	memset(o, 0, sizeof(*o));
	o->prog = prog ? prog : "fping";
	o->verbose = 1;
	o->retry = FPING_DEFAULT_RETRY;
	o->backoff = FPING_DEFAULT_BACKOFF;
	o->timeout_ns = FPING_DEFAULT_TIMEOUT_MS * NS_PER_MS;
	o->period_ns = FPING_DEFAULT_PERIOD_MS * NS_PER_MS;
	o->interval_ns = FPING_DEFAULT_INTERVAL_MS * NS_PER_MS;
	o->count = 1;
}

/* fping's checks after the options, in its order. */
static int validate(struct fping_opts *o, struct parse_state *ps, char *err, size_t errlen)
{
	if (ps->ttl > 255)
		return say(err, errlen, o->prog, "ttl %lu out of range", ps->ttl);
	if (o->unreach && o->alive)
		return say(err, errlen, o->prog, "specify only one of a, u");
	if (ps->count_flag && ps->loop_flag)
		return say(err, errlen, o->prog, "specify only one of c, l");
	if (ps->size > FPING_MAX_DATA)
		return say(err, errlen, o->prog, "data size %lu not valid, must be lower than %u", ps->size,
			    (unsigned)FPING_MAX_DATA);
	if (o->backoff > FPING_MAX_BACKOFF || o->backoff < FPING_MIN_BACKOFF)
		return say(err, errlen, o->prog, "backoff factor %.1f not valid, must be between %.1f and %.1f", o->backoff,
			    FPING_MIN_BACKOFF, FPING_MAX_BACKOFF);
	if ((o->n_args && o->file) || (o->file && o->generate) || (o->generate && !o->n_args))
		return say_usage(err, errlen, o->prog, "%s", o->generate && !o->n_args ? "-g needs a CIDR range or a start and an end address"
					       : o->generate ? "use either -f or -g"
							     : "targets given with -f and on the command line");
	if (o->generate && o->n_args > 2)
		return say_usage(err, errlen, o->prog, "-g takes a CIDR range or a start and an end address");
	return 0;
}

/* fping's switches after its own post-processing: who prints what. */
static void settle_flags(struct fping_opts *o, const struct parse_state *ps)
{
	if (o->alive || o->unreach || o->min_reachable)
		o->verbose = 0;
	if (ps->count_flag) {
		o->mode = FPING_MODE_COUNT;
		if (o->verbose)
			o->per_recv = 1;
		o->alive = o->unreach = o->verbose = 0;
	} else if (ps->loop_flag) {
		o->mode = FPING_MODE_LOOP;
		if (!o->report_ns)
			o->per_recv = 1;
		o->alive = o->unreach = o->verbose = 0;
	} else {
		o->mode = FPING_MODE_ALIVE;
	}
	if (o->mode != FPING_MODE_ALIVE && !ps->timeout_set) {
		o->timeout_ns = o->period_ns;
		if (o->timeout_ns > FPING_AUTOTUNE_TIMEOUT_MAX_MS * NS_PER_MS)
			o->timeout_ns = FPING_AUTOTUNE_TIMEOUT_MAX_MS * NS_PER_MS;
	}
	if (!o->n_args && !o->file && !o->generate)
		o->file = "-";
}

/*
 * Default mode runs as a schedule of ticks: every tick each target's slot
 * comes up once, and the fping sink sends a (re)try in it when the previous
 * one has timed out. The run lasts at most the sum of the backed-off timeouts.
 */
static void map_alive_mode(const struct fping_opts *o, struct config *cfg)
{
	double t = (double)o->timeout_ns, sum = 0, last = t, rounds;
	unsigned k;

	for (k = 0; k <= o->retry && sum < 1e15; k++) {
		sum += t;
		last = t;
		t *= o->backoff;
	}
	rounds = sum / (double)o->tick_ns + o->retry + 4;
	if (rounds > 0x7fffffff)
		rounds = 0x7fffffff;
	cfg->count = (long)rounds;
	cfg->interval_s = (double)o->tick_ns / 1e9;
	/* the kernel keeps every probe at least as long as the sink waits for it */
	cfg->timeout_s = (last + 2.0 * (double)o->tick_ns) / 1e9;
	if (cfg->timeout_s > 86400)
		cfg->timeout_s = 86400;
}

enum fping_parse_result fping_parse(int argc, char **argv, struct config *cfg, struct fping_opts *o,
				    char *err, size_t errlen)
{
	struct parse_state ps = { .size = FPING_DEFAULT_SIZE };
	char name[64];
	int opt, idx;

	defaults(cfg, o, argc > 0 ? argv[0] : NULL);
	if (strstr(o->prog, "fping6"))
		ps.family = AF_INET6;
	optind = 0; /* GNU: reinitialise, permutation state included */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, SHORT_OPTIONS, long_options, &idx)) != -1) {
		switch (opt) {
		case 'h':
			fping_usage(stdout, o->prog);
			return FPING_PARSE_EXIT;
		case 'v':
			printf("%s: Version %s (icmpmon %s)\n", o->prog, FPING_VERSION, ICMPMON_VERSION);
			return FPING_PARSE_EXIT;
		case ':':
			if (optopt && strncmp(argv[optind - 1], "--", 2))
				say_usage(err, errlen, o->prog, "option requires an argument -- '%c'", optopt);
			else {
				long_name(argv[optind - 1], name, sizeof(name));
				say_usage(err, errlen, o->prog, "option requires an argument -- '%s'", name);
			}
			return FPING_PARSE_ERROR;
		case '?':
			if (optopt)
				say_usage(err, errlen, o->prog, "invalid option -- '%c'", optopt);
			else {
				long_name(argv[optind - 1], name, sizeof(name));
				say_usage(err, errlen, o->prog, "invalid option -- '%s'", name);
			}
			return FPING_PARSE_ERROR;
		default:
			if (apply_option(opt, optarg, cfg, o, &ps, err, errlen))
				return FPING_PARSE_ERROR;
		}
	}
	o->args = argv + optind;
	o->n_args = argc - optind;
	if (validate(o, &ps, err, errlen))
		return FPING_PARSE_ERROR;
	settle_flags(o, &ps);

	cfg->size = (int)ps.size;
	if (ps.ttl)
		cfg->ttl = (int)ps.ttl;
	cfg->family = ps.family;
	cfg->quiet = o->quiet;
	cfg->numeric = 1;         /* the sink names targets itself (-n/-d/-A) */
	cfg->skip_unresolved = 1; /* fping reports a bad name and goes on */
	cfg->mode = RX_AUTO;
	cfg->sink_opts = o;
	o->tick_ns = 10 * NS_PER_MS;
	if (o->timeout_ns / 4 < o->tick_ns)
		o->tick_ns = o->timeout_ns / 4 > NS_PER_MS ? o->timeout_ns / 4 : NS_PER_MS;
	switch (o->mode) {
	case FPING_MODE_ALIVE:
		map_alive_mode(o, cfg);
		break;
	case FPING_MODE_COUNT:
	case FPING_MODE_LOOP:
		cfg->count = o->mode == FPING_MODE_COUNT ? o->count : 0;
		cfg->interval_s = (double)o->period_ns / 1e9;
		cfg->burst = o->interval_ns == 0;
		cfg->timeout_s = (double)o->timeout_ns / 1e9;
		cfg->report_s = (double)o->report_ns / 1e9;
		break;
	}
	return FPING_PARSE_RUN;
}

void fping_size_run(const struct fping_opts *o, struct config *cfg, uint32_t n)
{
	uint64_t want;

	if (o->mode != FPING_MODE_ALIVE)
		return;
	/* at most retry + 1 probes per target, ever */
	want = (uint64_t)n * ((uint64_t)o->retry + 1) + 64;
	cfg->max_outstanding = want > ICMPMON_MAX_OUTSTANDING ? ICMPMON_MAX_OUTSTANDING : (unsigned)want;
	cfg->outstanding_exact = want <= ICMPMON_MAX_OUTSTANDING;
}

static int add(struct name_list *names, const char *name, const char *prog, char *err, size_t errlen)
{
	if (name_list_add(names, name))
		return say(err, errlen, prog, "too many targets (at most %u)", TARGET_SOURCE_MAX);
	return 0;
}

static int add_span(struct name_list *names, uint64_t first, uint64_t last, const char *prog, char *err,
		    size_t errlen)
{
	char buf[INET_ADDRSTRLEN];
	uint64_t a;

	for (a = first; a <= last; a++) {
		struct in_addr in = { .s_addr = htonl((uint32_t)a) };

		inet_ntop(AF_INET, &in, buf, sizeof(buf));
		if (add(names, buf, prog, err, errlen))
			return -1;
	}
	return 0;
}

/*
 * A numeric address for -g, as fping parses it (any family, then IPv4 only).
 * fping's complaint about a CIDR address starts "fping," (sep ","), about a range "fping:".
 */
static int parse_g_addr(const char *s, uint32_t *out, const char *prog, const char *sep, char *err, size_t errlen)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_flags = AI_NUMERICHOST };
	struct addrinfo *res;
	int rc = getaddrinfo(s, NULL, &hints, &res);

	if (rc)
		return fail(err, errlen, "%s%s can't parse address %s: %s", prog, sep, s, gai_strerror(rc));
	if (res->ai_family != AF_INET) {
		freeaddrinfo(res);
		return say(err, errlen, prog, "-g works only with IPv4 addresses");
	}
	*out = ntohl(((struct sockaddr_in *)res->ai_addr)->sin_addr.s_addr);
	freeaddrinfo(res);
	return 0;
}

static int gather_cidr(const char *arg, struct name_list *names, const char *prog, char *err, size_t errlen)
{
	char addr[256];
	const char *slash = strchr(arg, '/');
	uint64_t first, last;
	uint32_t a, bitmask;
	long mask;

	if (!slash || (size_t)(slash - arg) >= sizeof(addr))
		return say_usage(err, errlen, prog, "-g needs A.B.C.D/LEN or a start and an end address: '%s'", arg);
	memcpy(addr, arg, (size_t)(slash - arg));
	addr[slash - arg] = '\0';
	mask = atol(slash + 1);
	if (parse_g_addr(addr, &a, prog, ",", err, errlen))
		return -1;
	if (mask < 1 || mask > 32)
		return say(err, errlen, prog, "netmask must be between 1 and 32 (is: %s)", slash + 1);
	bitmask = (uint32_t)(0xffffffffull << (32 - mask));
	first = a & bitmask;
	last = first + (1ull << (32 - mask)) - 1;
	if (mask < 31) {
		first++;
		last--;
	}
	return add_span(names, first, last, prog, err, errlen);
}

static int gather_range(const char *start, const char *end, struct name_list *names, const char *prog, char *err,
			size_t errlen)
{
	uint32_t a, b;

	if (parse_g_addr(start, &a, prog, ":", err, errlen) || parse_g_addr(end, &b, prog, ":", err, errlen))
		return -1;
	if ((uint64_t)b > (uint64_t)a + FPING_MAX_GENERATE)
		return say(err, errlen, prog, "-g parameter generates too many addresses");
	if (b < a)
		return 0; /* fping generates nothing */
	return add_span(names, a, b, prog, err, errlen);
}

/* fping reads the first word of each line and skips words starting with '#'. */
static int gather_file(const char *path, struct name_list *names, const char *prog, char *err, size_t errlen)
{
	FILE *in = strcmp(path, "-") ? fopen(path, "r") : stdin;
	char line[TARGET_SOURCE_MAX_LINE + 1], *word, *save;
	ssize_t len;
	int rc = 0;

	if (!in) {
		say(err, errlen, prog, "fopen : %s", strerror(errno));
		return FPING_EXIT_SYSTEM;
	}
	while ((len = target_source_line(in, line)) > 0) {
		word = strtok_r(line, " \t\r\n\v\f", &save);
		if (!word || word[0] == '#')
			continue;
		if (add(names, word, prog, err, errlen)) {
			rc = FPING_EXIT_USAGE;
			break;
		}
	}
	if (len < 0) {
		say(err, errlen, prog, "%s: line too long", path);
		rc = FPING_EXIT_USAGE;
	}
	if (in != stdin)
		fclose(in);
	return rc;
}

int fping_gather_names(const struct fping_opts *o, struct name_list *names, char *err, size_t errlen)
{
	int i;

	if (o->generate) {
		if (o->n_args == 1 ? gather_cidr(o->args[0], names, o->prog, err, errlen)
				   : gather_range(o->args[0], o->args[1], names, o->prog, err, errlen))
			return FPING_EXIT_USAGE;
		return 0;
	}
	if (o->file)
		return gather_file(o->file, names, o->prog, err, errlen);
	for (i = 0; i < o->n_args; i++)
		if (add(names, o->args[i], o->prog, err, errlen))
			return FPING_EXIT_USAGE;
	return 0;
}
