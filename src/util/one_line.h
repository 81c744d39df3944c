/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef ICMPMON_ONE_LINE_H
#define ICMPMON_ONE_LINE_H

/*
 * Error messages quote what the user gave (arguments, names from a targets
 * file), which may hold any byte: control characters become '?', so the
 * message stays one printable line.
 */
static inline char *one_line(char *s)
{
	char *p;

	for (p = s; *p; p++)
		if ((unsigned char)*p < ' ' || *p == 0x7f)
			*p = '?';
	return s;
}

#endif
