/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The probed targets: names as given, resolved addresses, per-target send state. */
#ifndef ICMPMON_TARGETS_H
#define ICMPMON_TARGETS_H

#include <netinet/in.h>
#include <sys/socket.h>
#include <stdint.h>

#include "engine/addr_index.h"
#include "engine/target_source.h"
#include "bpf/icmpmon.h"

struct target {
	char *name;                 /* as given */
	const char *labels;         /* canonical label set from the targets file (util/labels.h), or NULL */
	char addr_str[INET6_ADDRSTRLEN + 16]; /* with "%IFNAME" (IF_NAMESIZE 16) for a scoped IPv6 address, as ping prints it */
	char *reply_name;           /* "name (addr)" or "addr", as ping prints the source */
	struct icmpmon_addr addr;
	union {
		struct sockaddr sa;
		struct sockaddr_in sin;
		struct sockaddr_in6 sin6;
	} sa;
	int family;                 /* AF_INET or AF_INET6 */
	int is_numeric;             /* given as an address, not a name */
	int ifindex;                /* its route's output interface; 0 when unknown */
	uint64_t sent;              /* probes sent, refused ones included (lost, as ping counts them) */
	uint64_t send_errors;       /* of which the socket refused */
	uint64_t timeouts;          /* probes with no reply (and no ICMP error): swept, or outstanding at exit */
	uint64_t errored_swept;     /* probes with an ICMP error and no reply, swept */
	uint64_t unseen_noted;      /* sent probes tc egress did not stamp at once (unseen.h), less those it stamped later */
	uint64_t unstamped;         /* accepted by the socket, never stamped by tc egress (unstamped.h) */
	uint64_t accepted_at_check; /* sent - send_errors at the last unstamped_check */
	uint64_t unstamped_excused; /* unstamped, but the kernel said why (an error of its own: ARP/ND failed) */
	uint64_t neigh_quiet_until_ns; /* its next hop was unresolved: not asked again before (unstamped.c) */
	uint64_t last_send_ns;
	uint16_t acked;             /* ping's "acked": the newest probe answered (replies; errors for IPv4) */
	union {                     /* the source address its probes leave with (ping -I, -B), when has_src */
		struct sockaddr sa;
		struct sockaddr_in sin;
		struct sockaddr_in6 sin6;
	} src;                      /* not a sockaddr_storage: 100 bytes less a target */
	int has_src;
};

#define TARGETS_NONE UINT32_MAX

struct target_list {
	struct target *v;
	uint32_t n;
	uint32_t cap;            /* slots v has room for; those past n are zero */
	uint32_t unresolved;     /* names skipped because they did not resolve */
	struct addr_index index; /* address -> position in v */
	/*
	 * Per name given to targets_resolve, in order: the index in v of its
	 * address (a repeat shares the first name's target), TARGETS_NONE when
	 * it did not resolve. For outputs that report every name (fping); as
	 * resolved at setup (a --daemon reload does not change it).
	 */
	uint32_t *by_name;
	uint32_t n_names;
};

/*
 * Resolves each name (family AF_INET, AF_INET6 or AF_UNSPEC for the
 * resolver's first answer, as ping does) and probes each address once: a
 * name that repeats an address only gets its by_name entry. A name that does not resolve
 * fails the whole list (err says which and why), or with skip_unresolved is
 * reported on stderr as fping does and counted.
 */
int targets_resolve(struct target_list *tl, char **names, uint32_t n, int family, int skip_unresolved, char *err,
		    size_t errlen);
/* The same for a name list whose names may carry labels (the targets point at both). */
int targets_resolve_list(struct target_list *tl, const struct name_list *names, int family, int skip_unresolved,
			 char *err, size_t errlen);
/*
 * Room for cap slots in v (the first n kept): fresh zero pages from calloc,
 * which take no memory until a slot is used. Nothing to do with room enough.
 */
int targets_reserve(struct target_list *tl, uint32_t cap);
socklen_t target_sockaddr_len(const struct target *t);
/* Probes of t that have left and are not answered yet, as ping's in_flight() counts them. */
uint64_t target_in_flight(const struct target *t);
/* ping's acknowledge(): a reply (or error) for seq. */
void target_acknowledge(struct target *t, uint16_t seq);
/* Looks up the target's route: sets and returns t->ifindex, <= 0 when there is none. */
int targets_route(struct target *t);
/* targets_route() for every target, the look-ups batched (setup over thousands of targets). */
void targets_route_all(struct target_list *tl);
/* A socket address for a map-style address; returns its length. */
socklen_t addr_to_sockaddr(const struct icmpmon_addr *a, struct sockaddr_storage *ss);
/* Fills reply_name: reverse name for targets given by name unless numeric. */
void targets_name_replies(struct target_list *tl, int numeric);
void targets_free(struct target_list *tl);

#endif /* ICMPMON_TARGETS_H */
