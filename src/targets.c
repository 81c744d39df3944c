// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "targets.h"

static int resolve_one(const char *name, struct sockaddr_in *out, int *is_numeric, char *err, size_t errlen)
{
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_RAW, .ai_protocol = IPPROTO_ICMP };
	struct addrinfo *res;
	int rc;

	if (inet_pton(AF_INET, name, &out->sin_addr) == 1) {
		out->sin_family = AF_INET;
		*is_numeric = 1;
		return 0;
	}
	rc = getaddrinfo(name, NULL, &hints, &res);
	if (rc) {
		snprintf(err, errlen, "%s: %s", name, rc == EAI_SYSTEM ? "resolver failed" : gai_strerror(rc));
		return -1;
	}
	memcpy(out, res->ai_addr, sizeof(*out));
	freeaddrinfo(res);
	*is_numeric = 0;
	return 0;
}

int targets_resolve(struct target_list *tl, char **names, uint32_t n, int skip_unresolved, char *err, size_t errlen)
{
	struct icmpmon_addr addr;
	struct sockaddr_in sin;
	struct target *t;
	int numeric;
	uint32_t i;

	tl->v = calloc((size_t)n, sizeof(*tl->v));
	tl->n = 0;
	tl->unresolved = 0;
	if (!tl->v || addr_index_init(&tl->index, n)) {
		snprintf(err, errlen, "out of memory for %u targets", n);
		return -1;
	}
	for (i = 0; i < n; i++) {
		memset(&sin, 0, sizeof(sin));
		if (resolve_one(names[i], &sin, &numeric, err, errlen)) {
			if (!skip_unresolved)
				return -1;
			fprintf(stderr, "%s\n", err);
			tl->unresolved++;
			continue;
		}
		memset(&addr, 0, sizeof(addr));
		addr.family = ICMPMON_AF_INET;
		addr.addr[0] = sin.sin_addr.s_addr;
		if (addr_index_put(&tl->index, &addr, tl->n) != tl->n)
			continue; /* a repeat */
		t = &tl->v[tl->n++];
		t->name = names[i];
		t->sin = sin;
		t->is_numeric = numeric;
		t->addr = addr;
		inet_ntop(AF_INET, &sin.sin_addr, t->addr_str, sizeof(t->addr_str));
	}
	return 0;
}

void targets_name_replies(struct target_list *tl, int numeric)
{
	char host[NI_MAXHOST];
	uint32_t i;

	for (i = 0; i < tl->n; i++) {
		struct target *t = &tl->v[i];
		int have_name = !numeric && !t->is_numeric &&
			!getnameinfo((struct sockaddr *)&t->sin, sizeof(t->sin), host, sizeof(host), NULL, 0, NI_NAMEREQD);

		if (have_name) {
			size_t len = strlen(host) + strlen(t->addr_str) + 4;

			t->reply_name = malloc(len);
			if (t->reply_name)
				snprintf(t->reply_name, len, "%s (%s)", host, t->addr_str);
		}
		if (!t->reply_name)
			t->reply_name = strdup(t->addr_str);
	}
}

void targets_free(struct target_list *tl)
{
	uint32_t i;

	for (i = 0; i < tl->n; i++)
		free(tl->v[i].reply_name);
	free(tl->v);
	addr_index_free(&tl->index);
	tl->v = NULL;
	tl->n = 0;
}
