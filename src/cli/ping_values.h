/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Option values read as iputils ping 20221126 reads them, with its messages:
 * integers must be whole and in range ("invalid argument: 'x': out of range:
 * MIN <= value <= MAX", exit 1); seconds may carry trailing garbage, which
 * is warned about and ignored; patterns are hex digits, two per byte.
 */
#ifndef ICMPMON_CLI_PING_VALUES_H
#define ICMPMON_CLI_PING_VALUES_H

#include <stddef.h>

/* Returned by a parser for a value ping refuses with exit status 1 (its strtol_or_err). */
#define PING_BAD_VALUE (-2)

/* A whole number in min..max; else PING_BAD_VALUE with ping's message in err. */
int ping_long(const char *s, long long min, long long max, long long *out, char *err, size_t errlen);

/* The same for ping's unsigned values (strtoul_or_err: -m). */
int ping_ulong(const char *s, unsigned long long min, unsigned long long max, long long *out, char *err,
	       size_t errlen);

/*
 * -Q: decimal, or hex after 0x, as ping's parsetos(); ping's messages ("bad
 * TOS value: x", "the decimal value of TOS bits must be in range 0-255: N"),
 * which exit 2: returns -1 with err set.
 */
int ping_tos(const char *s, int *tos, char *err, size_t errlen);

/*
 * Seconds as ping's -i and -W take them: the number at the start of s; what
 * follows it is reported on stderr as ping reports it (prog: "option argument
 * contains garbage") and ignored. No number at all reads as 0.
 */
double ping_seconds(const char *prog, const char *s);

/*
 * -p: at most 16 bytes from pairs of hex digits (a lone last digit is a byte
 * of its own, as ping's sscanf("%2x") reads it). NULL, or where s stops being hex.
 */
const char *ping_pattern(const char *s, unsigned char *pattern, int *len);

#endif
