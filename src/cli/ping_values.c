// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Option values read as iputils ping reads them (ping_values.h). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/ping_values.h"
#include "engine/config.h"
#include "util/fail.h"

int ping_long(const char *s, long long min, long long max, long long *out, char *err, size_t errlen)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (end == s || *end || (errno && errno != ERANGE)) {
		fail_line(err, errlen, "invalid argument: '%s'", s);
		return PING_BAD_VALUE;
	}
	if (errno == ERANGE || v < min || v > max) {
		fail_line(err, errlen, "invalid argument: '%s': out of range: %lld <= value <= %lld", s, min, max);
		return PING_BAD_VALUE;
	}
	*out = v;
	return 0;
}

int ping_ulong(const char *s, unsigned long long min, unsigned long long max, long long *out, char *err,
	       size_t errlen)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (end == s || *end || (errno && errno != ERANGE)) {
		fail_line(err, errlen, "invalid argument: '%s'", s);
		return PING_BAD_VALUE;
	}
	if (errno == ERANGE || v < min || v > max) {
		fail_line(err, errlen, "invalid argument: '%s': out of range: %llu <= value <= %llu", s, min, max);
		return PING_BAD_VALUE;
	}
	*out = (long long)v;
	return 0;
}

int ping_tos(const char *s, int *tos, char *err, size_t errlen)
{
	char *end;
	long v;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		v = strtol(s + 2, &end, 16);
	else
		v = strtol(s, &end, 10);
	if (*end) {
		fail_line(err, errlen, "bad TOS value: %s", s);
		return -1;
	}
	if ((int)v > 255) {
		fail_line(err, errlen, "the decimal value of TOS bits must be in range 0-255: %d", (int)v);
		return -1;
	}
	*tos = (int)v;
	return 0;
}

double ping_seconds(const char *prog, const char *s)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (*end) {
		fprintf(stderr, "%s: option argument contains garbage: %s\n", prog, end);
		fprintf(stderr, "%s: this will become fatal error in the future\n", prog);
	}
	return end == s ? 0 : v;
}

static int hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

const char *ping_pattern(const char *s, unsigned char *pattern, int *len)
{
	size_t i, n = strlen(s);
	int k = 0;

	for (i = 0; i < n; i++)
		if (hex_nibble(s[i]) < 0)
			return s + i;
	memset(pattern, 0, ICMPMON_MAX_PATTERN);
	for (i = 0; i < n && k < ICMPMON_MAX_PATTERN; i += 2, k++) {
		pattern[k] = (unsigned char)hex_nibble(s[i]);
		if (i + 1 < n)
			pattern[k] = (unsigned char)(pattern[k] << 4 | hex_nibble(s[i + 1]));
	}
	*len = k;
	return NULL;
}
