// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * libFuzzer: where target names come from besides the command line
 * (target_source.h). The first input byte picks the entry point, the rest is
 * its input:
 *   0: target_source_stream on the bytes as a file (fmemopen);
 *   1: target_source_cidr on the bytes as a string (up to the first NUL);
 *   2: target_source_range on two strings (split at the first NUL).
 * Checked besides the sanitizers: success leaves only non-empty names without
 * blanks or '#', failure leaves an error message; a range or CIDR yields
 * exactly its addresses, starting with the first.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/target_source.h"

/* Ranges bigger than this are skipped: /8 is 16 Mi strdup'ed names per input. */
#define MAX_SPAN 65536u

static void check(int ok)
{
	if (!ok)
		__builtin_trap();
}

/* An error says something. (It may quote the input verbatim: run_setup makes it one printable line.) */
static void check_err(int rc, const char *err)
{
	if (rc)
		check(err[0] != '\0');
}

static void check_names(const struct name_list *l)
{
	uint32_t i;

	for (i = 0; i < l->n; i++) {
		const char *s = l->v[i];

		check(s && *s);
		check(strcspn(s, " \t\r\n#") == strlen(s));
	}
}

/* The number of addresses a CIDR string stands for, or 0 if it does not parse or is too big. */
static uint64_t cidr_span(const char *s)
{
	const char *slash = strchr(s, '/');
	char *end;
	long len;

	if (!slash)
		return 0;
	len = strtol(slash + 1, &end, 10);
	if (end == slash + 1 || *end || len < 0 || len > 32)
		return 0;
	if (len < 16)
		return UINT64_MAX;
	return len == 32 ? 1 : len == 31 ? 2 : (1ull << (32 - len)) - 2;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct name_list l = { 0 };
	char err[256] = "";
	char *a, *b;
	size_t alen;
	FILE *f;
	int rc;

	if (size < 1)
		return 0;
	switch (data[0] % 3) {
	case 0:
		if (size < 2)
			return 0; /* fmemopen does not take an empty buffer everywhere */
		f = fmemopen((void *)(data + 1), size - 1, "r");
		if (!f)
			return 0;
		rc = target_source_stream(&l, f, "fuzz", err, sizeof(err));
		fclose(f);
		check_err(rc, err);
		check_names(&l);
		if (!rc)
			check(l.n <= size); /* at most a name per line */
		break;
	case 1: {
		uint64_t span;

		a = strndup((const char *)data + 1, size - 1);
		if (!a)
			return 0;
		span = cidr_span(a);
		if (span > MAX_SPAN) {
			free(a);
			return 0;
		}
		rc = target_source_cidr(&l, a, err, sizeof(err));
		check_err(rc, err);
		if (!rc) {
			check(l.n == span);
			check_names(&l);
		}
		free(a);
		break;
	}
	case 2: {
		struct in_addr x, y;

		a = strndup((const char *)data + 1, size - 1);
		if (!a)
			return 0;
		alen = strlen(a);
		b = strndup(alen + 2 <= size ? (const char *)data + 2 + alen : "", alen + 2 <= size ? size - 2 - alen : 0);
		if (!b) {
			free(a);
			return 0;
		}
		if (inet_pton(AF_INET, a, &x) == 1 && inet_pton(AF_INET, b, &y) == 1 && ntohl(y.s_addr) >= ntohl(x.s_addr) &&
		    ntohl(y.s_addr) - ntohl(x.s_addr) >= MAX_SPAN) {
			free(a);
			free(b);
			return 0;
		}
		rc = target_source_range(&l, a, b, err, sizeof(err));
		check_err(rc, err);
		if (!rc) {
			struct in_addr first;

			check(l.n == ntohl(y.s_addr) - ntohl(x.s_addr) + 1);
			check(inet_pton(AF_INET, l.v[0], &first) == 1 && first.s_addr == x.s_addr);
			check_names(&l);
		}
		free(a);
		free(b);
		break;
	}
	}
	name_list_free(&l);
	return 0;
}
