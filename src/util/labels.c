// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Target label sets: parsing, validation and walking (labels.h). */
#include <stdlib.h>
#include <string.h>

#include "util/fail.h"
#include "util/labels.h"

static const char *const reserved[] = { "target", "host", "interface", "kind", "le", "result", "version" };

int labels_valid_name(const char *s, size_t len)
{
	size_t i;

	if (!len || len > LABEL_NAME_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (i && c >= '0' && c <= '9')))
			return 0;
	}
	return 1;
}

int labels_reserved_name(const char *s, size_t len)
{
	size_t i;

	if (len >= 2 && s[0] == '_' && s[1] == '_')
		return 1;
	for (i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
		if (strlen(reserved[i]) == len && !memcmp(reserved[i], s, len))
			return 1;
	return 0;
}

int labels_next(const char **pos, const char **name, size_t *name_len, const char **value, size_t *value_len)
{
	const char *p = *pos, *eq, *end;

	if (!p || !*p)
		return 0;
	end = p + strcspn(p, " ");
	eq = memchr(p, '=', (size_t)(end - p));
	if (!eq)
		return 0; /* not a canonical set */
	*name = p;
	*name_len = (size_t)(eq - p);
	*value = eq + 1;
	*value_len = (size_t)(end - eq - 1);
	*pos = *end ? end + 1 : end;
	return 1;
}

const char *labels_value(const char *set, const char *name, char *buf, size_t len)
{
	const char *n, *v, *pos = set;
	size_t nl, vl;

	buf[0] = '\0';
	while (labels_next(&pos, &n, &nl, &v, &vl))
		if (nl == strlen(name) && !memcmp(n, name, nl)) {
			if (vl >= len)
				vl = len - 1;
			memcpy(buf, v, vl);
			buf[vl] = '\0';
			break;
		}
	return buf;
}

static int word_check(const char *w, size_t len, const char **names, size_t *name_lens, int n, char *err,
		      size_t errlen)
{
	const char *eq = memchr(w, '=', len);
	size_t nl;
	int k;

	if (!eq)
		return fail(err, errlen, "label '%.*s': expected name=value", (int)len, w);
	nl = (size_t)(eq - w);
	if (!labels_valid_name(w, nl))
		return fail(err, errlen, "label '%.*s': a name is [a-zA-Z_][a-zA-Z0-9_]* (at most %d bytes)", (int)len, w,
			    LABEL_NAME_MAX);
	if (labels_reserved_name(w, nl))
		return fail(err, errlen, "label '%.*s': '%.*s' is reserved", (int)len, w, (int)nl, w);
	if (nl + 1 == len)
		return fail(err, errlen, "label '%.*s': empty value", (int)len, w);
	for (k = 0; k < n; k++)
		if (name_lens[k] == nl && !memcmp(names[k], w, nl))
			return fail(err, errlen, "label '%.*s' given twice", (int)nl, w);
	return 0;
}

int labels_parse(const char *text, char **out, char *err, size_t errlen)
{
	const char *names[LABELS_MAX], *p = text;
	size_t name_lens[LABELS_MAX], len, used = 0;
	char *buf;
	int n = 0;

	*out = NULL;
	buf = malloc(strlen(text) + 1);
	if (!buf)
		return fail(err, errlen, "out of memory");
	for (;;) {
		p += strspn(p, " \t\r\n\v\f");
		if (!*p)
			break;
		len = strcspn(p, " \t\r\n\v\f");
		if (n == LABELS_MAX) {
			free(buf);
			return fail(err, errlen, "more than %d labels", LABELS_MAX);
		}
		if (word_check(p, len, names, name_lens, n, err, errlen)) {
			free(buf);
			return -1;
		}
		if (used)
			buf[used++] = ' ';
		memcpy(buf + used, p, len);
		names[n] = buf + used;
		name_lens[n] = (size_t)((const char *)memchr(p, '=', len) - p);
		used += len;
		n++;
		p += len;
	}
	if (!n) {
		free(buf);
		return 0;
	}
	buf[used] = '\0';
	*out = buf;
	return 0;
}
