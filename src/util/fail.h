/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef ICMPMON_FAIL_H
#define ICMPMON_FAIL_H

#include <stddef.h>

/* Formats an error into err and returns -1: `return fail(err, errlen, "...", ...);`. */
int fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The same for messages that quote user input: control characters become '?' (one_line.h). */
int fail_line(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
