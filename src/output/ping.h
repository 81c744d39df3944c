/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Text output byte-compatible with iputils ping 20221126 (IPv4 forms). */
#ifndef ICMPMON_OUTPUT_PING_H
#define ICMPMON_OUTPUT_PING_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "bpf/icmpmon.h"
#include "util/stats.h"

struct ping_reply_line {
	unsigned int bytes;   /* ICMP header + data ("64 bytes") */
	const char *from;     /* see ping_format_from() */
	unsigned int seq;
	int show_ident;       /* -v: " ident=N" after the seq */
	unsigned int ident;
	int ttl;              /* < 0: not printed */
	int timing;           /* 0 when the payload is too short to carry a timestamp */
	__u64 rtt_ns;
	int dup;              /* ping omits (DUP!) for multicast targets unless -v */
	const struct timespec *stamp; /* -D: wall clock when printed; NULL without -D */
	int bell;             /* -a: '\a' before the newline */
};

struct ping_summary {
	const char *host;
	__u64 transmitted, received, duplicates, corrupted, errors;
	__u64 elapsed_ns;            /* first send to last activity: "time Nms" */
	const struct ping_rtt *rtt;  /* NULL: no timing; printed only when received > 0 */
	int pipe;                    /* > 1 adds ", pipe N" */
	int ipg_ewma;                /* add ", ipg/ewma" (ping does with -f, -A or -i 0) */
	int ewma8;                   /* stats_ewma_add() accumulator */
};

struct ping_status {
	__u64 transmitted, received;
	const struct ping_rtt *rtt;  /* NULL: no timing */
	int ewma8;
};

/* "name (addr)" when a name was resolved, else "addr"; returns buf. */
char *ping_format_from(char *buf, size_t len, const char *name, const char *addr);

/*
 * "PING host (addr) 56(84) bytes of data." ip_total is payload + 28 for plain
 * IPv4. With src (ping -I, -B): "PING host (addr) from SRC DEV: 56(84) ...",
 * DEV empty when dev is NULL.
 */
void ping_print_header(FILE *f, const char *host, const char *addr, const char *src, const char *dev,
		       size_t payload, size_t ip_total);

/* IPv6 form "PING host(addr) [from SRC DEV: ]56 data bytes"; addr as ping_format_from() builds it. */
void ping_print_header6(FILE *f, const char *host, const char *addr, const char *src, const char *dev,
			size_t payload);

/* -p: "PATTERN: 0xff00", before the header. */
void ping_print_pattern(FILE *f, const unsigned char *pattern, size_t len);

/* -D prefix "[sec.usec] ". */
void ping_print_stamp(FILE *f, const struct timespec *ts);

void ping_print_reply(FILE *f, const struct ping_reply_line *r);

/* From the blank line before "--- host ping statistics ---" to the final newline. */
void ping_print_summary(FILE *f, const struct ping_summary *s);

/*
 * icmpmon's own line after a summary: time the probes waited in this host's
 * transmit queue, and whether the RTT above includes it (--rtt-from tc).
 */
void ping_print_host_queue(FILE *f, __u64 avg_ns, __u64 max_ns, int in_rtt);

/* The SIGQUIT line (ping writes it to stderr), leading '\r' included. */
void ping_print_status(FILE *f, const struct ping_status *s);

#endif /* ICMPMON_OUTPUT_PING_H */
