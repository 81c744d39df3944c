// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Target names from arguments, files, CIDR blocks and ranges (target_source.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/config.h"
#include "engine/target_source.h"
#include "util/labels.h"

#define MAX_LINE TARGET_SOURCE_MAX_LINE

int name_list_add_labeled(struct name_list *l, const char *name, char *labels)
{
	if (l->n == TARGET_SOURCE_MAX)
		return -1;
	if (l->n == l->cap) {
		uint32_t cap = l->cap ? l->cap * 2 : 64;
		char **v = realloc(l->v, (size_t)cap * sizeof(*v));

		if (!v)
			return -1;
		l->v = v;
		v = realloc(l->labels, (size_t)cap * sizeof(*v));
		if (!v)
			return -1;
		l->labels = v;
		l->cap = cap;
	}
	l->v[l->n] = strdup(name);
	if (!l->v[l->n])
		return -1;
	l->labels[l->n] = labels;
	l->n++;
	return 0;
}

int name_list_add(struct name_list *l, const char *name)
{
	return name_list_add_labeled(l, name, NULL);
}

void name_list_free(struct name_list *l)
{
	uint32_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i]);
		free(l->labels[i]);
	}
	free(l->v);
	free(l->labels);
	memset(l, 0, sizeof(*l));
}

/*
 * The first word of a line, with comments and surrounding blanks removed;
 * NULL if none. *rest is what follows it on the line (its labels).
 */
static char *line_name(char *line, char **rest)
{
	char *p = line, *end;

	end = strchr(p, '#');
	if (end)
		*end = '\0';
	p += strspn(p, " \t\r\n");
	end = p + strcspn(p, " \t\r\n");
	*rest = *end ? end + 1 : end;
	*end = '\0';
	return *p ? p : NULL;
}

/*
 * One line of at most MAX_LINE bytes, its newline included, into buf (MAX_LINE + 1
 * bytes); returns its length, 0 at the end, -1 when the line is longer. Never
 * reads more than MAX_LINE + 1 bytes of a line: a file without newlines
 * (/dev/zero) must not grow memory without bound as getline() would.
 */
ssize_t target_source_line(FILE *in, char *buf)
{
	size_t n = 0;
	int c = 0;

	while (n < MAX_LINE && (c = getc(in)) != EOF) {
		buf[n++] = (char)c;
		if (c == '\n')
			break;
	}
	buf[n] = '\0';
	if (n == MAX_LINE && c != '\n' && (c = getc(in)) != EOF)
		return -1;
	return (ssize_t)n;
}

/* "what:line: " before the message in err. */
static void prefix_error(char *err, size_t errlen, const char *what, unsigned long lineno)
{
	char msg[256];

	snprintf(msg, sizeof(msg), "%s", err);
	snprintf(err, errlen, "%s:%lu: %s", what, lineno, msg);
}

int target_source_stream(struct name_list *l, FILE *in, const char *what, char *err, size_t errlen)
{
	unsigned long lineno = 0;
	char *line, *name, *rest, *labels;
	ssize_t len;
	int rc = -1;

	line = malloc(MAX_LINE + 1);
	if (!line) {
		snprintf(err, errlen, "%s: out of memory", what);
		return -1;
	}
	while ((len = target_source_line(in, line)) != 0) {
		lineno++;
		if (len < 0) {
			snprintf(err, errlen, "%s:%lu: line too long", what, lineno);
			goto out;
		}
		if (memchr(line, '\0', (size_t)len)) {
			snprintf(err, errlen, "%s:%lu: binary data in a targets file", what, lineno);
			goto out;
		}
		name = line_name(line, &rest);
		if (!name)
			continue;
		if (labels_parse(rest, &labels, err, errlen)) {
			prefix_error(err, errlen, what, lineno);
			goto out;
		}
		if (name_list_add_labeled(l, name, labels)) {
			free(labels);
			snprintf(err, errlen, "%s: too many targets (at most %u)", what, TARGET_SOURCE_MAX);
			goto out;
		}
	}
	if (ferror(in)) {
		snprintf(err, errlen, "%s: read error: %s", what, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(line);
	return rc;
}

int target_source_file(struct name_list *l, const char *path, char *err, size_t errlen)
{
	FILE *in = strcmp(path, "-") ? fopen(path, "r") : stdin;
	int rc;

	if (!in) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	rc = target_source_stream(l, in, strcmp(path, "-") ? path : "stdin", err, errlen);
	if (in != stdin)
		fclose(in);
	return rc;
}

static int add_span(struct name_list *l, uint32_t first, uint32_t last, const char *what, char *err, size_t errlen)
{
	char buf[INET_ADDRSTRLEN];
	uint64_t a;

	if ((uint64_t)last - first + 1 > TARGET_SOURCE_MAX - l->n) {
		snprintf(err, errlen, "%s: too many targets (at most %u)", what, TARGET_SOURCE_MAX);
		return -1;
	}
	for (a = first; a <= last; a++) {
		struct in_addr in = { .s_addr = htonl((uint32_t)a) };

		inet_ntop(AF_INET, &in, buf, sizeof(buf));
		if (name_list_add(l, buf)) {
			snprintf(err, errlen, "out of memory for targets");
			return -1;
		}
	}
	return 0;
}

int target_source_cidr(struct name_list *l, const char *cidr, char *err, size_t errlen)
{
	char addr[INET_ADDRSTRLEN];
	const char *slash = strchr(cidr, '/');
	struct in_addr in;
	uint32_t base, mask, first, last;
	char *end;
	long len;

	if (!slash || (size_t)(slash - cidr) >= sizeof(addr))
		goto bad;
	memcpy(addr, cidr, (size_t)(slash - cidr));
	addr[slash - cidr] = '\0';
	errno = 0;
	len = strtol(slash + 1, &end, 10);
	if (errno || end == slash + 1 || *end || len < 0 || len > 32 || inet_pton(AF_INET, addr, &in) != 1)
		goto bad;
	mask = len ? ~0u << (32 - len) : 0;
	base = ntohl(in.s_addr) & mask;
	first = base;
	last = base | ~mask;
	if (len < 31) {
		first++;
		last--;
	}
	return add_span(l, first, last, cidr, err, errlen);
bad:
	snprintf(err, errlen, "invalid range '%s': expected A.B.C.D/LEN", cidr);
	return -1;
}

int target_source_range(struct name_list *l, const char *start, const char *end, char *err, size_t errlen)
{
	struct in_addr a, b;

	if (inet_pton(AF_INET, start, &a) != 1 || inet_pton(AF_INET, end, &b) != 1 || ntohl(a.s_addr) > ntohl(b.s_addr)) {
		snprintf(err, errlen, "invalid range '%s %s': expected two IPv4 addresses, the first not above the second",
			 start, end);
		return -1;
	}
	return add_span(l, ntohl(a.s_addr), ntohl(b.s_addr), start, err, errlen);
}

int target_sources_gather(const struct config *cfg, struct name_list *names, int again, char *err, size_t errlen)
{
	int i;

	for (i = 0; i < cfg->n_targets; i++)
		if (name_list_add(names, cfg->targets[i])) {
			snprintf(err, errlen, "out of memory for targets");
			return -1;
		}
	for (i = 0; i < cfg->n_files; i++) {
		if (again && !strcmp(cfg->files[i], "-")) {
			snprintf(err, errlen, "--file - (standard input) cannot be read again");
			return -1;
		}
		if (target_source_file(names, cfg->files[i], err, errlen))
			return -1;
	}
	for (i = 0; i < cfg->n_cidrs; i++)
		if (target_source_cidr(names, cfg->cidrs[i], err, errlen))
			return -1;
	return 0;
}
