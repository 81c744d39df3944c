// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* fping 5.1's text formats, pure formatting (fping.h). */
#include "output/fping.h"

char *fping_format_ms(char *buf, size_t len, int64_t ns)
{
	double ms = (double)ns / 1e6;

	if (ms < 0.0)
		snprintf(buf, len, "%.2g", ms);
	else if (ms < 1.0)
		snprintf(buf, len, "%.3f", ms);
	else if (ms < 10.0)
		snprintf(buf, len, "%.2f", ms);
	else if (ms < 100.0)
		snprintf(buf, len, "%.1f", ms);
	else if (ms < 1000000.0)
		snprintf(buf, len, "%.0f", ms);
	else
		snprintf(buf, len, "%.3e", ms);
	return buf;
}

void fping_print_stamp(FILE *f, int64_t real_ns)
{
	fprintf(f, "[%.5f] ", (double)real_ns / 1e9);
}

void fping_print_alive(FILE *f, const char *host, int verbose, int elapsed, int64_t rtt_ns)
{
	char ms[FPING_MS_LEN];

	fputs(host, f);
	if (verbose)
		fputs(" is alive", f);
	if (elapsed)
		fprintf(f, " (%s ms)", fping_format_ms(ms, sizeof(ms), rtt_ns));
	fputc('\n', f);
}

void fping_print_unreachable(FILE *f, const char *host, int verbose)
{
	fputs(host, f);
	if (verbose)
		fputs(" is unreachable", f);
	fputc('\n', f);
}

/* fping keeps some averages in an int of nanoseconds (it wraps above 2.1 s); so do we. */
static int64_t int_avg(int64_t total, int n)
{
	return n ? (int64_t)(int)(total / n) : 0;
}

/* " (0.045 avg, 0% loss)" or, once replies outnumber probes, "N% return". */
static void print_avg_loss(FILE *f, int64_t avg_ns, int have_avg, const struct fping_counts *c)
{
	char ms[FPING_MS_LEN];

	if (have_avg)
		fprintf(f, " (%s avg, ", fping_format_ms(ms, sizeof(ms), avg_ns));
	else
		fputs(" (NaN avg, ", f);
	if (c->recv <= c->sent)
		fprintf(f, "%d%% loss)", c->sent ? (c->sent - c->recv) * 100 / c->sent : 0);
	else
		fprintf(f, "%d%% return)", c->sent ? c->recv_total * 100 / c->sent : 0);
}

void fping_print_reply(FILE *f, const char *host, int width, int index, int bytes, int64_t rtt_ns,
		       const struct fping_counts *c)
{
	char ms[FPING_MS_LEN];

	fprintf(f, "%-*s : [%d], %d bytes, %s ms", width, host, index, bytes, fping_format_ms(ms, sizeof(ms), rtt_ns));
	print_avg_loss(f, int_avg(c->total_ns, c->recv), 1, c);
	fputc('\n', f);
}

void fping_print_timeout(FILE *f, const char *host, int width, int index, const struct fping_counts *c)
{
	fprintf(f, "%-*s : [%d], timed out", width, host, index);
	/* here fping divides in 64 bits: no int wrap */
	print_avg_loss(f, c->recv > 0 ? c->total_ns / c->recv : 0, c->recv > 0, c);
	fputc('\n', f);
}

void fping_print_duplicate(FILE *f, const char *host, int index, int bytes, int64_t rtt_ns)
{
	char ms[FPING_MS_LEN];

	fprintf(f, "%s : duplicate for [%d], %d bytes, %s ms\n", host, index, bytes,
		fping_format_ms(ms, sizeof(ms), rtt_ns));
}

void fping_print_host_stats(FILE *f, const char *host, int width, const struct fping_host_stats *s)
{
	char a[FPING_MS_LEN], b[FPING_MS_LEN], c[FPING_MS_LEN];

	fprintf(f, "%-*s :", width, host);
	if (s->recv <= s->sent) {
		fprintf(f, " xmt/rcv/%%loss = %d/%d/%d%%", s->sent, s->recv,
			s->sent > 0 ? (s->sent - s->recv) * 100 / s->sent : 0);
		if (s->outage)
			fprintf(f, ", outage(ms) = %d", (int)((double)((int64_t)(s->sent - s->recv) * s->period_ns) / 1e6));
	} else {
		fprintf(f, " xmt/rcv/%%return = %d/%d/%d%%", s->sent, s->recv, s->sent > 0 ? s->recv * 100 / s->sent : 0);
	}
	if (s->recv)
		fprintf(f, ", min/avg/max = %s/%s/%s", fping_format_ms(a, sizeof(a), s->min_ns),
			fping_format_ms(b, sizeof(b), int_avg(s->total_ns, s->recv)),
			fping_format_ms(c, sizeof(c), s->max_ns));
	fputc('\n', f);
}

void fping_print_host_rtts(FILE *f, const char *host, int width, const int64_t *rtts, int n)
{
	char ms[FPING_MS_LEN];
	int j;

	fprintf(f, "%-*s :", width, host);
	for (j = 0; j < n; j++) {
		if (rtts[j] >= 0)
			fprintf(f, " %s", fping_format_ms(ms, sizeof(ms), rtts[j]));
		else
			fputs(" -", f);
	}
	fputc('\n', f);
}

void fping_print_split_header(FILE *f, const struct tm *tm)
{
	fprintf(f, "[%2.2d:%2.2d:%2.2d]\n", tm->tm_hour, tm->tm_min, tm->tm_sec);
}

void fping_print_global_stats(FILE *f, const struct fping_global_stats *g)
{
	char ms[FPING_MS_LEN];
	int64_t min = g->min_ns, max = g->max_ns, sum = g->sum_ns, n = g->replies;

	if (n == 0) {
		min = max = sum = 0;
		n = 1;
	}
	fputc('\n', f);
	fprintf(f, " %7d targets\n", g->targets);
	fprintf(f, " %7d alive\n", g->alive);
	fprintf(f, " %7d unreachable\n", g->unreachable);
	fprintf(f, " %7d unknown addresses\n", g->unknown);
	fputc('\n', f);
	fprintf(f, " %7d timeouts (waiting for response)\n", g->timeouts);
	fprintf(f, " %7d ICMP Echos sent\n", g->sent);
	fprintf(f, " %7d ICMP Echo Replies received\n", g->received);
	fprintf(f, " %7d other ICMP received\n", g->other_icmp);
	fputc('\n', f);
	fprintf(f, " %s ms (min round trip time)\n", fping_format_ms(ms, sizeof(ms), min));
	fprintf(f, " %s ms (avg round trip time)\n", fping_format_ms(ms, sizeof(ms), sum / n));
	fprintf(f, " %s ms (max round trip time)\n", fping_format_ms(ms, sizeof(ms), max));
	fprintf(f, " %12.3f sec (elapsed real time)\n", (double)g->elapsed_ns / 1e9);
	fputc('\n', f);
}

static const char *const unreach_text[16] = {
	"ICMP Network Unreachable",
	"ICMP Host Unreachable",
	"ICMP Protocol Unreachable",
	"ICMP Port Unreachable",
	"ICMP Unreachable (Fragmentation Needed)",
	"ICMP Unreachable (Source Route Failed)",
	"ICMP Unreachable (Destination Network Unknown)",
	"ICMP Unreachable (Destination Host Unknown)",
	"ICMP Unreachable (Source Host Isolated)",
	"ICMP Unreachable (Communication with Network Prohibited)",
	"ICMP Unreachable (Communication with Host Prohibited)",
	"ICMP Unreachable (Network Unreachable For Type Of Service)",
	"ICMP Unreachable (Host Unreachable For Type Of Service)",
	"ICMP Unreachable (Communication Administratively Prohibited)",
	"ICMP Unreachable (Host Precedence Violation)",
	"ICMP Unreachable (Precedence cutoff in effect)",
};

const char *fping_icmp_error_text(int type, int code)
{
	switch (type) {
	case 3:
		return code >= 0 && code < 16 ? unreach_text[code] : "ICMP Unreachable (Invalid Code)";
	case 4:
		return "ICMP Source Quench";
	case 5:
		return "ICMP Redirect";
	case 11:
		return "ICMP Time Exceeded";
	case 12:
		return "ICMP Parameter Problem";
	}
	return NULL;
}

void fping_print_icmp_error(FILE *f, const char *text, const char *from, const char *host)
{
	fprintf(f, "%s from %s for ICMP Echo sent to %s\n", text, from, host);
}

void fping_print_reachable(FILE *f, int required, int reachable)
{
	fprintf(f, "%s hosts reachable (required: %d, reachable: %d)\n",
		reachable >= required ? "Enough" : "Not enough", required, reachable);
}
