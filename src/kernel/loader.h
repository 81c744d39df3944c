/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* BPF side of a run: skeleton open -> rodata -> load -> attach, and the way back. */
#ifndef ICMPMON_LOADER_H
#define ICMPMON_LOADER_H

#include <net/if.h>
#include <stddef.h>

#include "bpf/icmpmon.h"
#include "kernel/attach.h"
#include "kernel/wire.h"

#define LOADER_MAX_IFS 16

struct icmpmon_bpf;
struct xdp_program;

struct loader_opts {
	__u16 run_id;      /* network order */
	__u64 cookie;
	__u32 cookie_len;
	int consume;
	__u32 n_targets;
	__u32 max_outstanding;
	__u32 ringbuf_bytes;
	const char *pin_dir;
	int events;          /* 0: nothing per reply is printed, the BPF side emits no event */
	__u64 wake_tick_ns;  /* 0: wake the reader per event; else batched (icmpmon.bpf.c) */
	__u32 wake_bytes;
	/* What to load up front: the programs these interfaces need with this hook; others on demand. */
	const int *ifs;
	int n_ifs;
	enum attach_hook hook;
	int all_progs;       /* load every program now: attaches after the privileges are dropped cannot load */
	enum tc_link tc_link; /* --tc-link: TCX links or clsact filters */
	int rtt_from_tc;   /* --rtt-from tc: RTT from tc egress even where the wire stamp exists */
};

struct attached_if {
	int ifindex;
	char name[IF_NAMESIZE];
	int xdp_link_fd;
	int xdp_generic;   /* XDP in generic (skb) mode, ours or the dispatcher's */
	/* icmpmon's XDP program run by libxdp's dispatcher (xdp-loader) instead of a link, else NULL */
	struct xdp_program *xdp_member;
	struct icmpmon_bpf *member_obj; /* the object libxdp loaded it from */
	int egress_slot;   /* tc handle slot, -1 when not attached */
	int ingress_slot;  /* tc ingress slot when replies are caught there, else -1 */
	int egress_link_fd;  /* TCX link instead of the egress slot, else -1 */
	int ingress_link_fd; /* TCX link instead of the ingress slot, else -1 */
	char fallback[160]; /* why XDP was not used, when tc ingress took over */
};

#define LOADER_MAX_EXTRA 6

static inline int attached_dispatcher(const struct attached_if *ai)
{
	return ai->xdp_member != NULL;
}

static inline int attached_tc_ingress(const struct attached_if *ai)
{
	return ai->ingress_slot >= 0 || ai->ingress_link_fd >= 0;
}

struct loader {
	struct icmpmon_bpf *skel;
	/* objects loaded later for one program each, sharing skel's maps */
	struct icmpmon_bpf *extra[LOADER_MAX_EXTRA];
	int n_extra;
	struct loader_opts opts;
	struct target_stats *stats; /* mmap of icmpmon_stats, read-only */
	size_t stats_len;
	struct attached_if ifs[LOADER_MAX_IFS];
	int n_ifs;
	char pin_dir[256];
	int pinned;
	int made_pin_dir;
	int load_errno;  /* why the kernel refused the programs (EPERM: no privilege), else 0 */
	int pin_lock_fd;        /* the pin directory, flock-ed while the run lasts; -1 without --pin */
	enum tc_link tc_link;   /* --tc-link */
	struct wire wire;      /* the wire-nearest transmit stamp */
	int tx_wire;           /* 1: the transmit hook is attached; 0: tc egress stamps only */
	char tx_why[160];      /* why not, when tx_wire is 0 */
};

/*
 * The answered-probe map's size for max_outstanding probes and ncpus CPUs:
 * its LRU lists are per CPU, one for each possible CPU, as the kernel counts
 * them (libbpf_num_possible_cpus()).
 */
#define ANSWER_MAX_ENTRIES (1u << 22)
#define ANSWER_CPU_SHARES 4
__u32 answer_map_entries(__u32 max_outstanding, int ncpus);

/* Loads the programs and attaches the transmit hook (or says in tx_why why it could not). */
int loader_load(struct loader *ld, const struct loader_opts *o, char *err, size_t errlen);
int loader_add_target(struct loader *ld, const struct icmpmon_addr *a, __u32 idx);
/* Registers keys[i] in slot i for every i < n, in one batch where the kernel can: 0, or -1 and *failed. */
int loader_add_targets(struct loader *ld, const struct icmpmon_addr *keys, __u32 n, __u32 *failed);
/* Stops matching replies from a; its slot's aggregates stay until loader_zero_stats. */
void loader_remove_target(struct loader *ld, const struct icmpmon_addr *a);
/* Fresh aggregates and histograms for slot idx (through the maps). */
int loader_zero_stats(struct loader *ld, __u32 idx);
/* Copies slot idx's histograms into out (one look-up); -1 on failure. */
int loader_read_hist(const struct loader *ld, __u32 idx, struct target_hists *out);
/*
 * Maps the histograms of slots first .. first + n - 1, read-only, and
 * returns slot first's; *map and *len are what to munmap. NULL on failure.
 */
const struct target_hists *loader_map_hists(const struct loader *ld, __u32 first, __u32 n, void **map, size_t *len);
/* Attaches the reply catcher (XDP or tc ingress) and tc egress on ifindex, once per interface. */
int loader_attach(struct loader *ld, int ifindex, enum attach_hook hook, enum xdp_mode mode, char *err,
		  size_t errlen);
/* Detaches from ifindex (or, when the device is gone, lets go of its links) and forgets it. */
void loader_forget(struct loader *ld, int ifindex);
/* 1 when a program of this run is in a libxdp dispatcher: leaving it at exit loads a new dispatcher. */
int loader_in_dispatcher(const struct loader *ld);
int loader_ringbuf_fd(const struct loader *ld);
/* Tells the BPF side when the reader looks at the ring buffer next by itself (icmpmon.bpf.c). */
void loader_set_reader_wake(struct loader *ld, __u64 mono_ns);
int loader_probes_fd(const struct loader *ld);
/* Sum of one global counter over all CPUs. */
__u64 loader_counter(const struct loader *ld, enum icmpmon_counter which);
void loader_destroy(struct loader *ld);

#endif /* ICMPMON_LOADER_H */
