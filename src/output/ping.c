// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* iputils ping's text formats, pure formatting (ping.h). */
#include "output/ping.h"

char *ping_format_from(char *buf, size_t len, const char *name, const char *addr)
{
	/* ping shows "name (addr)" for any non-empty name, even one equal to addr */
	if (name && *name)
		snprintf(buf, len, "%s (%s)", name, addr);
	else
		snprintf(buf, len, "%s", addr);
	return buf;
}

/* ping -I or -B: "from SOURCE DEVICE: " (the device empty when none was given) */
static void print_from(FILE *f, const char *src, const char *dev)
{
	if (src)
		fprintf(f, "from %s %s: ", src, dev ? dev : "");
}

void ping_print_header(FILE *f, const char *host, const char *addr, const char *src, const char *dev,
		       size_t payload, size_t ip_total)
{
	fprintf(f, "PING %s (%s) ", host, addr);
	print_from(f, src, dev);
	fprintf(f, "%zu(%zu) bytes of data.\n", payload, ip_total);
}

void ping_print_header6(FILE *f, const char *host, const char *addr, const char *src, const char *dev,
			size_t payload)
{
	fprintf(f, "PING %s(%s) ", host, addr);
	print_from(f, src, dev);
	fprintf(f, "%zu data bytes\n", payload);
}

void ping_print_pattern(FILE *f, const unsigned char *pattern, size_t len)
{
	size_t i;

	fputs("PATTERN: 0x", f);
	for (i = 0; i < len; i++)
		fprintf(f, "%02x", pattern[i]);
	fputc('\n', f);
}

void ping_print_stamp(FILE *f, const struct timespec *ts)
{
	fprintf(f, "[%lu.%06lu] ", (unsigned long)ts->tv_sec,
		(unsigned long)(ts->tv_nsec / 1000));
}

/* ping's rounding: 3 decimals below 1 ms (truncated), then 2, 1, 0 (rounded). */
static void print_time(FILE *f, long us)
{
	if (us >= 99950)
		fprintf(f, " time=%ld ms", (us + 500) / 1000);
	else if (us >= 9995)
		fprintf(f, " time=%ld.%01ld ms", (us + 50) / 1000, (us + 50) % 1000 / 100);
	else if (us >= 1000)
		fprintf(f, " time=%ld.%02ld ms", (us + 5) / 1000, (us + 5) % 1000 / 10);
	else
		fprintf(f, " time=%ld.%03ld ms", us / 1000, us % 1000);
}

void ping_print_reply(FILE *f, const struct ping_reply_line *r)
{
	if (r->stamp)
		ping_print_stamp(f, r->stamp);
	fprintf(f, "%u bytes from %s: icmp_seq=%u", r->bytes, r->from, r->seq);
	if (r->show_ident)
		fprintf(f, " ident=%u", r->ident);
	if (r->ttl >= 0)
		fprintf(f, " ttl=%d", r->ttl);
	if (r->timing)
		print_time(f, (long)(r->rtt_ns / 1000));
	if (r->dup)
		fputs(" (DUP!)", f);
	if (r->bell)
		fputc('\a', f); /* ping -a: before the newline, as ping prints it */
	fputc('\n', f);
}

/* "a.bcd": ping's fixed-point microseconds-as-milliseconds. */
static void print_ms(FILE *f, long us)
{
	fprintf(f, "%ld.%03ld", us / 1000, us % 1000);
}

static void print_counts(FILE *f, const struct ping_summary *s)
{
	fprintf(f, "%llu packets transmitted, %llu received",
		(unsigned long long)s->transmitted, (unsigned long long)s->received);
	if (s->duplicates)
		fprintf(f, ", +%llu duplicates", (unsigned long long)s->duplicates);
	if (s->corrupted)
		fprintf(f, ", +%llu corrupted", (unsigned long long)s->corrupted);
	if (s->errors)
		fprintf(f, ", +%llu errors", (unsigned long long)s->errors);
	if (s->transmitted) {
		fprintf(f, ", %g%% packet loss", stats_loss_pct(s->transmitted, s->received));
		fprintf(f, ", time %llums", (unsigned long long)((s->elapsed_ns + 500000) / 1000000));
	}
	fputc('\n', f);
}

static void print_rtt(FILE *f, const struct ping_rtt *r)
{
	fputs("rtt min/avg/max/mdev = ", f);
	print_ms(f, r->min_us);
	fputc('/', f);
	/* avg's integer part is printed unsigned by ping */
	fprintf(f, "%lu.%03ld/", (unsigned long)(r->avg_us / 1000), r->avg_us % 1000);
	print_ms(f, r->max_us);
	fputc('/', f);
	print_ms(f, r->mdev_us);
	fputs(" ms", f);
}

static void print_ewma(FILE *f, int ewma8)
{
	fprintf(f, "%d.%03d", ewma8 / 8000, ewma8 / 8 % 1000);
}

static void print_ipg_ewma(FILE *f, const struct ping_summary *s, const char *sep)
{
	int ipg = (int)((long long)(s->elapsed_ns / 1000) / (long long)(s->transmitted - 1));

	fprintf(f, "%sipg/ewma %d.%03d/", sep, ipg / 1000, ipg % 1000);
	print_ewma(f, s->ewma8);
	fputs(" ms", f);
}

/* Always ends with '\n', so a summary without these extras ends in a blank line. */
static void print_extras(FILE *f, const struct ping_summary *s)
{
	const char *sep = "";

	if (s->received && s->rtt) {
		print_rtt(f, s->rtt);
		sep = ", ";
	}
	if (s->pipe > 1) {
		fprintf(f, "%spipe %d", sep, s->pipe);
		sep = ", ";
	}
	if (s->received && s->ipg_ewma && s->transmitted > 1)
		print_ipg_ewma(f, s, sep);
	fputc('\n', f);
}

void ping_print_summary(FILE *f, const struct ping_summary *s)
{
	fprintf(f, "\n--- %s ping statistics ---\n", s->host);
	print_counts(f, s);
	print_extras(f, s);
}

void ping_print_host_queue(FILE *f, __u64 avg_ns, __u64 max_ns, int in_rtt)
{
	fputs("host transmit queue avg/max = ", f);
	print_ms(f, (long)(avg_ns / 1000));
	fputc('/', f);
	print_ms(f, (long)(max_ns / 1000));
	fprintf(f, " ms, %s\n", in_rtt ? "included in the rtt above (--rtt-from tc)" : "not part of the rtt above");
}

void ping_print_status(FILE *f, const struct ping_status *s)
{
	fprintf(f, "\r%llu/%llu packets, %d%% loss", (unsigned long long)s->received,
		(unsigned long long)s->transmitted,
		stats_loss_pct_int(s->transmitted, s->received));
	if (s->received && s->rtt) {
		fputs(", min/avg/ewma/max = ", f);
		print_ms(f, s->rtt->min_us);
		fprintf(f, "/%lu.%03ld/", (unsigned long)(s->rtt->avg_us / 1000),
			s->rtt->avg_us % 1000);
		print_ewma(f, s->ewma8);
		fputc('/', f);
		print_ms(f, s->rtt->max_us);
		fputs(" ms", f);
	}
	fputc('\n', f);
}
