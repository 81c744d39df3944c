// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Joining and leaving libxdp's multi-program XDP dispatcher (xdp_dispatcher.h). */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "kernel/prog_holders.h"
#include "kernel/xdp_dispatcher.h"

/* The name of libxdp's dispatcher program (xdp-dispatcher.o), as the kernel has it. */
#define DISPATCHER_PROG_NAME "xdp_dispatcher"

static xdp_dispatcher_print_fn user_print;
/*
 * The first warning or notice libxdp gave since a join began: what failed
 * first, when something did (the later ones tell how libxdp tried to cope).
 */
static char first_message[160];

static void keep_first(const char *fmt, va_list args)
{
	static const char prefix[] = "libxdp: ";
	char line[sizeof(first_message) + sizeof(prefix)];
	const char *text = line;
	size_t n;

	if (first_message[0])
		return;
	vsnprintf(line, sizeof(line), fmt, args);
	if (!strncmp(text, prefix, sizeof(prefix) - 1))
		text += sizeof(prefix) - 1;
	n = strnlen(text, sizeof(first_message) - 1);
	memcpy(first_message, text, n);
	first_message[n] = '\0';
	while (n && (first_message[n - 1] == '\n' || first_message[n - 1] == ' '))
		first_message[--n] = '\0';
}

static int route_print(enum libxdp_print_level level, const char *fmt, va_list args)
{
	int lvl = level == LIBXDP_WARN ? 0 : level == LIBXDP_INFO ? 1 : 2;
	va_list copy;

	if (lvl < 2) {
		va_copy(copy, args);
		keep_first(fmt, copy);
		va_end(copy);
	}
	return user_print ? user_print(lvl, fmt, args) : 0;
}

void xdp_dispatcher_set_print(xdp_dispatcher_print_fn fn)
{
	user_print = fn;
}

/* Before any libxdp call: its default prints to stderr; here nothing unless a printer was set. */
static void route_messages(void)
{
	libxdp_set_print(route_print);
}

static void say_libxdp_error(char *buf, size_t len, long rc)
{
	char why[128];

	if (libxdp_strerror((int)rc, why, sizeof(why)))
		snprintf(why, sizeof(why), "%s", strerror((int)-rc));
	if (first_message[0])
		snprintf(buf, len, "%s (libxdp: %s)", why, first_message);
	else
		snprintf(buf, len, "%s", why);
}

enum dispatcher_found xdp_dispatcher_find(int ifindex, int *generic, char *why, size_t whylen)
{
	struct xdp_multiprog *mp;
	enum dispatcher_found found = DISPATCHER_NONE;
	struct xdp_program *main_prog;

	route_messages();
	*generic = 0;
	mp = xdp_multiprog__get_from_ifindex(ifindex);
	if (!mp || libxdp_get_error(mp))
		return DISPATCHER_NONE;
	main_prog = xdp_multiprog__main_prog(mp);
	if (!xdp_multiprog__is_legacy(mp)) {
		found = DISPATCHER_FOUND;
		*generic = xdp_multiprog__attach_mode(mp) == XDP_MODE_SKB;
	} else if (main_prog && !strcmp(xdp_program__name(main_prog), DISPATCHER_PROG_NAME)) {
		/* libxdp reads which programs it runs from its pins: without them it sees a plain program */
		found = DISPATCHER_UNREADABLE;
		snprintf(why, whylen,
			 "a libxdp dispatcher runs there, but libxdp finds no state of it under its bpf filesystem "
			 "(/sys/fs/bpf/xdp, or $LIBXDP_BPFFS/xdp)");
	}
	xdp_multiprog__close(mp);
	return found;
}

struct xdp_program *xdp_dispatcher_join(struct bpf_object *obj, const char *prog_name, int ifindex, char *err,
					size_t errlen)
{
	DECLARE_LIBXDP_OPTS(xdp_program_opts, opts, .obj = obj, .prog_name = prog_name);
	struct xdp_multiprog *mp;
	struct xdp_program *p;
	enum xdp_attach_mode mode;
	long rc;

	route_messages();
	first_message[0] = '\0';
	mp = xdp_multiprog__get_from_ifindex(ifindex);
	if (!mp || libxdp_get_error(mp)) {
		snprintf(err, errlen, "the libxdp dispatcher is gone");
		return NULL;
	}
	mode = xdp_multiprog__attach_mode(mp);
	xdp_multiprog__close(mp);
	p = xdp_program__create(&opts);
	rc = p ? 0 : errno ? -errno : -EINVAL;
	if (rc) {
		say_libxdp_error(err, errlen, rc);
		return NULL;
	}
	rc = xdp_program__set_run_prio(p, XDP_DISPATCHER_RUN_PRIO);
	if (!rc)
		rc = xdp_program__set_chain_call_enabled(p, XDP_PASS, true);
	if (!rc)
		rc = xdp_program__attach(p, ifindex, mode, 0);
	if (rc) {
		say_libxdp_error(err, errlen, rc);
		xdp_program__close(p);
		return NULL;
	}
	return p;
}

static int named(const struct xdp_program *p, const char *const names[], int n_names)
{
	int i;

	for (i = 0; i < n_names; i++)
		if (!strcmp(xdp_program__name(p), names[i]))
			return 1;
	return 0;
}

int xdp_dispatcher_remove_stale(int ifindex, const char *const names[], int n_names)
{
	struct xdp_multiprog *mp;
	struct xdp_program *p;
	int removed = 0;

	route_messages();
	mp = xdp_multiprog__get_from_ifindex(ifindex);
	if (!mp || libxdp_get_error(mp))
		return 0;
	if (!xdp_multiprog__is_legacy(mp))
		for (p = xdp_multiprog__next_prog(NULL, mp); p; p = xdp_multiprog__next_prog(p, mp))
			if (named(p, names, n_names) && !prog_held_elsewhere(xdp_program__id(p)))
				removed += !xdp_program__detach(p, ifindex, XDP_MODE_UNSPEC, 0);
	xdp_multiprog__close(mp);
	return removed;
}

void xdp_dispatcher_leave(struct xdp_program *p, int ifindex)
{
	char name[IF_NAMESIZE];

	if (!p)
		return;
	route_messages();
	if (xdp_program__detach(p, ifindex, XDP_MODE_UNSPEC, 0) && !if_indextoname((unsigned)ifindex, name))
		libxdp_clean_references(ifindex); /* the device took the dispatcher along; its pins stay */
	xdp_program__close(p);
}
