/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Small JSON writing helpers: string escaping, numbers, RFC 3339 timestamps. */
#ifndef ICMPMON_JSON_H
#define ICMPMON_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Writes s as a JSON string, quotes included. '"' and '\\' are escaped, control
 * characters become \b \f \n \r \t or \u00XX, DEL becomes \u007f; well-formed
 * UTF-8 passes through unchanged; any byte that is not part of a well-formed
 * UTF-8 sequence (overlong forms, surrogates, above U+10FFFF, truncated) is
 * written as \ufffd, so the output is always valid JSON. NULL writes null.
 */
void json_str(FILE *f, const char *s);

/*
 * A finite number with at most `decimals` digits after the point, trailing
 * zeros (and a trailing point) removed: 0.031 -> 0.031, 20.000 -> 20,
 * -0.000 -> 0. NaN and infinities are written as null.
 */
void json_num(FILE *f, double v, int decimals);

/* Nanoseconds as milliseconds with nanosecond resolution (6 decimals, trimmed). */
void json_ms(FILE *f, uint64_t ns);

/*
 * RFC 3339 UTC with microseconds: "2026-11-21T10:00:05.123456Z" (27 bytes and
 * the NUL). real_ns is CLOCK_REALTIME in ns. Returns buf.
 */
#define JSON_TS_LEN 28
char *json_rfc3339(char *buf, size_t len, uint64_t real_ns);

/* The timestamp of real_ns as a JSON string (quotes included). */
void json_ts(FILE *f, uint64_t real_ns);
/* A canonical label set (util/labels.h) as a JSON object of strings. */
void json_labels(FILE *f, const char *set);

#endif /* ICMPMON_JSON_H */
