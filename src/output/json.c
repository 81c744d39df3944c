// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Minimal JSON writer for the NDJSON output (json.h). */
#include <math.h>
#include <string.h>
#include <time.h>

#include "output/json.h"
#include "util/labels.h"

/* Length of the well-formed UTF-8 sequence at p (RFC 3629, table 3-7 of Unicode), 0 if none. */
static size_t utf8_len(const unsigned char *p)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;      /* overlong */
	else if (c == 0xed)
		hi = 0x9f;      /* surrogates */
	else if (c == 0xf0)
		lo = 0x90;      /* overlong */
	else if (c == 0xf4)
		hi = 0x8f;      /* above U+10FFFF */
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0; /* also stops at the terminating NUL */
	return n;
}

void json_str(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	while (*p) {
		unsigned char c = *p;
		size_t n;

		if (c == '"' || c == '\\') {
			fputc('\\', f);
			fputc(c, f);
			p++;
		} else if (c < 0x20 || c == 0x7f) {
			switch (c) {
			case '\b': fputs("\\b", f); break;
			case '\f': fputs("\\f", f); break;
			case '\n': fputs("\\n", f); break;
			case '\r': fputs("\\r", f); break;
			case '\t': fputs("\\t", f); break;
			default: fprintf(f, "\\u%04x", c); break;
			}
			p++;
		} else if (c < 0x80) {
			fputc(c, f);
			p++;
		} else if ((n = utf8_len(p))) {
			fwrite(p, 1, n, f);
			p += n;
		} else {
			fputs("\\ufffd", f);
			p++;
		}
	}
	fputc('"', f);
}

void json_num(FILE *f, double v, int decimals)
{
	char buf[64], *e;

	if (!isfinite(v)) {
		fputs("null", f);
		return;
	}
	snprintf(buf, sizeof(buf), "%.*f", decimals, v);
	if (strchr(buf, '.')) {
		e = buf + strlen(buf) - 1;
		while (*e == '0')
			*e-- = '\0';
		if (*e == '.')
			*e = '\0';
	}
	fputs(strcmp(buf, "-0") ? buf : "0", f);
}

void json_ms(FILE *f, uint64_t ns)
{
	char buf[32], *e;

	/* exact: integer milliseconds and a 6-digit nanosecond fraction, no floating point */
	snprintf(buf, sizeof(buf), "%llu.%06llu", (unsigned long long)(ns / 1000000),
		 (unsigned long long)(ns % 1000000));
	e = buf + strlen(buf) - 1;
	while (*e == '0')
		*e-- = '\0';
	if (*e == '.')
		*e = '\0';
	fputs(buf, f);
}

char *json_rfc3339(char *buf, size_t len, uint64_t real_ns)
{
	time_t sec = (time_t)(real_ns / 1000000000ull);
	unsigned us = (unsigned)(real_ns % 1000000000ull / 1000);
	struct tm tm;
	size_t n;

	if (!len)
		return buf;
	buf[0] = '\0';
	if (!gmtime_r(&sec, &tm))
		return buf;
	n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	if (n)
		snprintf(buf + n, len - n, ".%06uZ", us);
	return buf;
}

void json_ts(FILE *f, uint64_t real_ns)
{
	char buf[64];

	fprintf(f, "\"%s\"", json_rfc3339(buf, sizeof(buf), real_ns));
}

static void json_span(FILE *f, const char *s, size_t len)
{
	char buf[TARGET_LABELS_TEXT_MAX + 1];

	if (len > TARGET_LABELS_TEXT_MAX)
		len = TARGET_LABELS_TEXT_MAX;
	memcpy(buf, s, len);
	buf[len] = '\0';
	json_str(f, buf);
}

void json_labels(FILE *f, const char *set)
{
	const char *pos = set, *n, *v;
	size_t nl, vl;
	int first = 1;

	fputc('{', f);
	while (labels_next(&pos, &n, &nl, &v, &vl)) {
		if (!first)
			fputc(',', f);
		first = 0;
		json_span(f, n, nl);
		fputc(':', f);
		json_span(f, v, vl);
	}
	fputc('}', f);
}
