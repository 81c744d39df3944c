/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Joining libxdp's multi-program XDP dispatcher (xdp-tools' xdp-loader) on an
 * interface that runs one, instead of falling back to tc ingress; and leaving
 * it again, taking out only icmpmon's program.
 */
#ifndef ICMPMON_XDP_DISPATCHER_H
#define ICMPMON_XDP_DISPATCHER_H

#include <stdarg.h>
#include <stddef.h>

struct bpf_object;
struct xdp_program;

/*
 * icmpmon's run priority among the dispatcher's programs (lower runs first;
 * libxdp's default is 50): ahead of programs that may drop or redirect a
 * reply before icmpmon saw it. Every packet that is not one of its replies
 * (and its replies too, without --consume) it returns XDP_PASS, which the
 * dispatcher chains on to the next program.
 */
#define XDP_DISPATCHER_RUN_PRIO 10

enum dispatcher_found {
	DISPATCHER_NONE,       /* no XDP program, or one that is no libxdp dispatcher */
	DISPATCHER_FOUND,      /* a libxdp dispatcher whose state libxdp can read */
	DISPATCHER_UNREADABLE, /* a dispatcher program, but its state under bpffs is not there (why says) */
};

/* What runs XDP on ifindex; *generic: the dispatcher runs in skb (generic) mode. */
enum dispatcher_found xdp_dispatcher_find(int ifindex, int *generic, char *why, size_t whylen);

/*
 * Has libxdp load program prog_name of obj (opened, not loaded; its maps
 * already shared with the loaded objects) as an extension of the dispatcher
 * on ifindex, in the dispatcher's mode. NULL and err (what failed) if not.
 */
struct xdp_program *xdp_dispatcher_join(struct bpf_object *obj, const char *prog_name, int ifindex, char *err,
					size_t errlen);

/*
 * Takes p out of the dispatcher on ifindex and closes it: libxdp rebuilds the
 * dispatcher without it, or removes it when p was the last program. When the
 * interface is gone, removes the state libxdp kept for it under bpffs.
 */
void xdp_dispatcher_leave(struct xdp_program *p, int ifindex);

/*
 * Takes out of the dispatcher on ifindex the programs named one of names[]
 * that no live process holds: left by runs that were killed (libxdp pins each
 * program's place in the dispatcher, so it outlives its process). How many.
 */
int xdp_dispatcher_remove_stale(int ifindex, const char *const names[], int n_names);

/*
 * libxdp's messages: fn gets each (level 0 warning, 1 info, 2 debug) with
 * a printf format; NULL silences them.
 */
typedef int (*xdp_dispatcher_print_fn)(int level, const char *fmt, va_list args);
void xdp_dispatcher_set_print(xdp_dispatcher_print_fn fn);

#endif /* ICMPMON_XDP_DISPATCHER_H */
