/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Run configuration: what the engine needs to know, filled by the command line (cli/options.h). */
#ifndef ICMPMON_CONFIG_H
#define ICMPMON_CONFIG_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/socket.h>

#include "kernel/attach.h"
#include "util/labels.h"

enum metrics_target_hist { METRICS_HIST_AUTO = 0, METRICS_HIST_ALWAYS, METRICS_HIST_NEVER };
/* --metrics-target-labels: where the targets' own labels go (serve/scrape.c) */
enum metrics_target_labels { METRICS_LABELS_AUTO = 0, METRICS_LABELS_INLINE, METRICS_LABELS_INFO };

/* RX_AUTO: kernel, or dgram where the BPF programs may not be loaded (engine/run_dgram.h). */
enum rx_mode { RX_AUTO, RX_KERNEL, RX_SOCKET, RX_DGRAM };

#define ICMPMON_MAX_PAYLOAD 65507
#define ICMPMON_MAX_PATTERN 16
#define ICMPMON_DEFAULT_SIZE 56
#define ICMPMON_DEFAULT_TTL 64
/*
 * Sane maxima of the size options, refused beyond (exit 2): the maps are
 * kernel memory charged to the run and allocated up front at load time.
 * 4 M outstanding probes are ~0.8 GB across the outstanding and answered maps
 * and seconds of start-up; a 64 MiB ring buffer holds over a million replies.
 */
#define ICMPMON_MAX_OUTSTANDING (1u << 22)
#define ICMPMON_MAX_RINGBUF_KIB (1u << 16)

struct config {
	long count;            /* -c: probes per target; 0 = until interrupted */
	double interval_s;     /* -i */
	int size;              /* -s: ICMP payload bytes */
	int ttl;               /* -t */
	double timeout_s;      /* -W: a probe with no reply by then is lost */
	double deadline_s;     /* -w: stop after this long; 0 = none */
	char ifname[16];       /* -I (IFNAMSIZ) */
	int quiet;             /* -q */
	int timestamps;        /* -D */
	int numeric;           /* -n */
	int family;            /* -4 / -6: AF_INET, AF_INET6; 0 = what the name resolves to first */
	int flood;             /* -f */
	int verbose;           /* -v */
	/* ping's socket and pacing options (iputils ping's meanings) */
	int pace;              /* next probe as soon as the last is answered, else after 10 ms: ping -f, -i 0 */
	int adaptive;          /* -A: the interval follows the RTT (ping's update_interval) */
	int preload;           /* -l: probes sent at once at the start (default 1) */
	int outstanding;       /* -O: "no answer yet for icmp_seq=N" */
	int audible;           /* -a: a bell with each reply */
	int pmtudisc;          /* -M: IP_PMTUDISC_*; -1: the kernel's default */
	int tos;               /* -Q: IP_TOS / IPV6_TCLASS; 0: not set */
	unsigned mark;         /* -m: SO_MARK */
	int mark_set;
	int sticky_source;     /* -B: bind to the source address chosen at the start */
	int dontroute;         /* -r: SO_DONTROUTE */
	int broadcast;         /* -b: SO_BROADCAST */
	int sndbuf;            /* -S: SO_SNDBUF; 0: icmpmon's default */
	int ident;             /* -e: ICMP identifier; -1: random per run */
	int so_debug;          /* -d: SO_DEBUG */
	int noloop;            /* -L: no multicast loopback */
	int check_broadcast;   /* ping's command line: source look-ups, a broadcast target refused without -b */
	struct sockaddr_storage source; /* -I ADDR: bind to this source address */
	int has_source;
	unsigned char pattern[ICMPMON_MAX_PATTERN]; /* -p */
	int pattern_len;
	int consume;           /* --consume */
	enum xdp_mode xdp_mode;
	enum attach_hook attach; /* --attach: where replies are caught */
	enum tc_link tc_link;    /* --tc-link: TCX links or clsact filters */
	const char *pin_dir;   /* --pin */
	int hw_timestamps;     /* --hw-timestamps: report what each interface offers (kernel/hwts.h) */
	int rtt_from_tc;       /* --rtt-from tc: RTT from tc egress (before the qdisc), not the driver hand-off */
	enum rx_mode mode;     /* --mode auto|kernel|socket|dgram */
	unsigned ringbuf_kib;  /* --ringbuf-kib */
	double tick_s;         /* --tick: the loop wakes at most this often (batched sends, reads); 0 = as due, < 0 = default */
	unsigned max_outstanding; /* --max-outstanding: outstanding-probe map size, 0 = derived */
	int outstanding_exact;    /* max_outstanding is a proven bound on probes in flight (fping's retries) */
	char **targets;        /* points into argv */
	int n_targets;
	char **files;          /* --file (repeatable; "-" is stdin) */
	int n_files;
	char **cidrs;          /* --cidr */
	int n_cidrs;
	int burst;             /* --burst: a round's probes all at once */
	double report_s;       /* --report: interval summaries every so many seconds; 0 = none */
	int json;              /* --json: NDJSON on stdout */
	int hist;              /* --hist: ASCII RTT histogram with the summaries */
	int skip_unresolved;   /* report a name that does not resolve and go on (fping) */
	const void *sink_opts; /* options of the output personality */
	/* --metrics, --daemon: Prometheus exporter and service mode (serve/exporter.h, engine/reload.h) */
	unsigned metrics_addr; /* --metrics address, IPv4 in network order (default 127.0.0.1) */
	int metrics_port;      /* --metrics port; 0 = no exporter */
	double metrics_le[64]; /* --metrics-buckets: histogram bounds in seconds, increasing */
	int n_metrics_le;      /* 0 = the default bounds */
	char metrics_group_by[LABELS_MAX][LABEL_NAME_MAX + 1]; /* --metrics-group-by label names */
	int n_metrics_group_by;
	int metrics_target_hist; /* --metrics-target-histograms: METRICS_HIST_* */
	int metrics_target_labels; /* --metrics-target-labels: METRICS_LABELS_* */
	int daemon;            /* --daemon: no terminal output, SIGHUP re-reads --file */
	unsigned max_targets;  /* --max-targets: target slots with --daemon --file; 0 = derived */
};

#endif /* ICMPMON_CONFIG_H */
