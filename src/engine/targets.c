// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Name resolution and per-target send state (targets.h). */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "engine/targets.h"
#include "util/route.h"

socklen_t target_sockaddr_len(const struct target *t)
{
	return t->family == AF_INET6 ? sizeof(t->sa.sin6) : sizeof(t->sa.sin);
}

socklen_t addr_to_sockaddr(const struct icmpmon_addr *a, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (a->family == ICMPMON_AF_INET6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, a->addr, 16);
		return sizeof(*sin6);
	} else {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = a->addr[0];
		return sizeof(*sin);
	}
}

/* "fe80::1%eth0" or "fe80::1%2": the scope is kept (sin6_scope_id), as ping keeps it. */
static int resolve_scoped(const char *name, int family, struct target *t)
{
	struct addrinfo hints = { .ai_family = AF_INET6, .ai_socktype = SOCK_RAW, .ai_flags = AI_NUMERICHOST };
	struct addrinfo *res;

	if (family == AF_INET || !strchr(name, '%') || getaddrinfo(name, NULL, &hints, &res))
		return 0;
	memcpy(&t->sa.sin6, res->ai_addr, sizeof(t->sa.sin6));
	freeaddrinfo(res);
	return 1;
}

static int resolve_literal(const char *name, int family, struct target *t)
{
	if (resolve_scoped(name, family, t))
		return 1;
	if (family != AF_INET6 && inet_pton(AF_INET, name, &t->sa.sin.sin_addr) == 1) {
		t->sa.sin.sin_family = AF_INET;
		return 1;
	}
	if (family != AF_INET && inet_pton(AF_INET6, name, &t->sa.sin6.sin6_addr) == 1) {
		t->sa.sin6.sin6_family = AF_INET6;
		return 1;
	}
	return 0;
}

static int resolve_one(const char *name, int family, struct target *t, char *err, size_t errlen)
{
	struct addrinfo hints = { .ai_family = family, .ai_socktype = SOCK_RAW };
	struct addrinfo *res;
	int rc;

	t->is_numeric = resolve_literal(name, family, t);
	if (!t->is_numeric) {
		rc = getaddrinfo(name, NULL, &hints, &res);
		if (rc) {
			snprintf(err, errlen, "%s: %s", name, rc == EAI_SYSTEM ? "resolver failed" : gai_strerror(rc));
			return -1;
		}
		memcpy(&t->sa, res->ai_addr, res->ai_addrlen < sizeof(t->sa) ? res->ai_addrlen : sizeof(t->sa));
		freeaddrinfo(res);
	}
	t->family = t->sa.sa.sa_family;
	memset(&t->addr, 0, sizeof(t->addr));
	if (t->family == AF_INET6) {
		t->addr.family = ICMPMON_AF_INET6;
		memcpy(t->addr.addr, &t->sa.sin6.sin6_addr, 16);
		/* with its "%scope" if it has one, as ping prints it */
		if (getnameinfo(&t->sa.sa, sizeof(t->sa.sin6), t->addr_str, sizeof(t->addr_str), NULL, 0, NI_NUMERICHOST))
			inet_ntop(AF_INET6, &t->sa.sin6.sin6_addr, t->addr_str, sizeof(t->addr_str));
	} else {
		t->addr.family = ICMPMON_AF_INET;
		t->addr.addr[0] = t->sa.sin.sin_addr.s_addr;
		inet_ntop(AF_INET, &t->sa.sin.sin_addr, t->addr_str, sizeof(t->addr_str));
	}
	return 0;
}

static int resolve_all(struct target_list *tl, char **names, char **labels, uint32_t n, int family,
		       int skip_unresolved, char *err, size_t errlen)
{
	struct target *t;
	uint32_t i;

	uint32_t at;

	tl->v = calloc(n ? n : 1, sizeof(*tl->v));
	tl->by_name = calloc(n ? n : 1, sizeof(*tl->by_name));
	tl->n = 0;
	tl->cap = n ? n : 1;
	tl->n_names = n;
	tl->unresolved = 0;
	if (!tl->v || !tl->by_name || addr_index_init(&tl->index, n)) {
		snprintf(err, errlen, "out of memory for %u targets", n);
		return -1;
	}
	for (i = 0; i < n; i++) {
		t = &tl->v[tl->n];
		memset(t, 0, sizeof(*t));
		tl->by_name[i] = TARGETS_NONE;
		if (resolve_one(names[i], family, t, err, errlen)) {
			if (!skip_unresolved)
				return -1;
			fprintf(stderr, "%s\n", err);
			tl->unresolved++;
			continue;
		}
		at = addr_index_put(&tl->index, &t->addr, tl->n);
		tl->by_name[i] = at;
		if (at != tl->n)
			continue; /* a repeat */
		t->name = names[i];
		t->labels = labels ? labels[i] : NULL;
		tl->n++;
	}
	return 0;
}

int targets_resolve(struct target_list *tl, char **names, uint32_t n, int family, int skip_unresolved, char *err,
		    size_t errlen)
{
	return resolve_all(tl, names, NULL, n, family, skip_unresolved, err, errlen);
}

int targets_resolve_list(struct target_list *tl, const struct name_list *names, int family, int skip_unresolved,
			 char *err, size_t errlen)
{
	return resolve_all(tl, names->v, names->labels, names->n, family, skip_unresolved, err, errlen);
}

void targets_name_replies(struct target_list *tl, int numeric)
{
	char host[NI_MAXHOST];
	uint32_t i;

	for (i = 0; i < tl->n; i++) {
		struct target *t = &tl->v[i];
		int have_name = !numeric && !t->is_numeric &&
			!getnameinfo(&t->sa.sa, target_sockaddr_len(t), host, sizeof(host), NULL, 0, 0);
		char addr[sizeof(t->addr_str)];

		/* the address as replies come from it: with the scope -I IFACE gave a link-local one */
		if (getnameinfo(&t->sa.sa, target_sockaddr_len(t), addr, sizeof(addr), NULL, 0, NI_NUMERICHOST))
			memcpy(addr, t->addr_str, sizeof(addr));
		if (have_name) {
			size_t len = strlen(host) + strlen(addr) + 4;

			t->reply_name = malloc(len);
			if (t->reply_name)
				snprintf(t->reply_name, len, "%s (%s)", host, addr);
		}
		if (!t->reply_name)
			t->reply_name = strdup(addr);
	}
}

void targets_free(struct target_list *tl)
{
	uint32_t i;

	for (i = 0; i < tl->n; i++)
		free(tl->v[i].reply_name);
	free(tl->v);
	free(tl->by_name);
	addr_index_free(&tl->index);
	tl->v = NULL;
	tl->by_name = NULL;
	tl->n = 0;
	tl->cap = 0;
	tl->n_names = 0;
}

int targets_reserve(struct target_list *tl, uint32_t cap)
{
	struct target *v;

	if (cap <= tl->cap)
		return 0;
	v = calloc(cap, sizeof(*v));
	if (!v)
		return -1;
	if (tl->n)
		memcpy(v, tl->v, (size_t)tl->n * sizeof(*v));
	free(tl->v);
	tl->v = v;
	tl->cap = cap;
	return 0;
}

uint64_t target_in_flight(const struct target *t)
{
	uint16_t diff = (uint16_t)((uint16_t)t->sent - t->acked);

	return diff <= 0x7fff ? diff : 0;
}

void target_acknowledge(struct target *t, uint16_t seq)
{
	uint16_t diff = (uint16_t)((uint16_t)t->sent - seq);

	if (diff <= 0x7fff && ((int16_t)(seq - t->acked) > 0 || (uint16_t)((uint16_t)t->sent - t->acked) > 0x7fff))
		t->acked = seq;
}

/* A scoped (link-local) address leaves through its scope's interface: sets it, 1. */
static int scoped(struct target *t)
{
	if (t->family != AF_INET6 || !t->sa.sin6.sin6_scope_id)
		return 0;
	t->ifindex = (int)t->sa.sin6.sin6_scope_id;
	return 1;
}

void targets_route_all(struct target_list *tl)
{
	const struct sockaddr **dst = calloc(tl->n ? tl->n : 1, sizeof(*dst));
	int *oif = calloc(tl->n ? tl->n : 1, sizeof(*oif));
	uint32_t i, n = 0;

	if (!dst || !oif) {
		for (i = 0; i < tl->n; i++)
			targets_route(&tl->v[i]);
		goto out;
	}
	for (i = 0; i < tl->n; i++)
		if (!scoped(&tl->v[i]))
			dst[n++] = &tl->v[i].sa.sa;
	route_oifs(dst, oif, n);
	for (i = 0, n = 0; i < tl->n; i++)
		if (!scoped(&tl->v[i]))
			tl->v[i].ifindex = oif[n++];
out:
	free(dst);
	free(oif);
}

int targets_route(struct target *t)
{
	if (scoped(t))
		return t->ifindex;
	t->ifindex = route_oif(&t->sa.sa);
	return t->ifindex;
}
