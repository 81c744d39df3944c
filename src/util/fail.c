// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The one error-message helper (fail.h). */
#include <stdarg.h>
#include <stdio.h>

#include "util/fail.h"
#include "util/one_line.h"

int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

int fail_line(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	if (errlen)
		one_line(err);
	return -1;
}
