/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Captures what a formatting function writes to a FILE *, for comparison (include after cmocka.h). */
#ifndef ICMPMON_TEST_CAPTURE_H
#define ICMPMON_TEST_CAPTURE_H

#include <stdio.h>
#include <stdlib.h>

struct capture {
	char *buf;
	size_t len;
	FILE *f;
};

static inline FILE *cap_open(struct capture *c)
{
	c->buf = NULL;
	c->f = open_memstream(&c->buf, &c->len);
	assert_non_null(c->f);
	return c->f;
}

static inline void cap_expect(struct capture *c, const char *want)
{
	fclose(c->f);
	assert_string_equal(c->buf, want);
	free(c->buf);
}

#endif
