/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Where target names come from besides the command line: files (one per line, # comments) and CIDR ranges. */
#ifndef ICMPMON_TARGET_SOURCE_H
#define ICMPMON_TARGET_SOURCE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define TARGET_SOURCE_MAX (1u << 24) /* 16 Mi names: a /8 */
#define TARGET_SOURCE_MAX_LINE 1024  /* bytes of one line of a targets file */

struct name_list {
	char **v;
	char **labels; /* per name: its canonical label set (util/labels.h), or NULL */
	uint32_t n, cap;
};

int name_list_add(struct name_list *l, const char *name);
/* The same with a label set, which the list then owns (freed with it). */
int name_list_add_labeled(struct name_list *l, const char *name, char *labels);
/*
 * One line of at most TARGET_SOURCE_MAX_LINE bytes, newline included, into buf
 * (TARGET_SOURCE_MAX_LINE + 1 bytes); returns its length, 0 at the end, -1 when
 * the line is longer. A file without newlines (/dev/zero) never grows memory.
 */
ssize_t target_source_line(FILE *in, char *buf);
void name_list_free(struct name_list *l);

/*
 * Appends each name of a targets file ("-" reads stdin), with the labels that
 * follow it on its line; err (with file and line) on unreadable or binary
 * input and on bad labels.
 */
int target_source_file(struct name_list *l, const char *path, char *err, size_t errlen);
int target_source_stream(struct name_list *l, FILE *in, const char *what, char *err, size_t errlen);
/*
 * Appends every host address of an IPv4 range: "A.B.C.D/len", or start and
 * end addresses. Like fping, a prefix shorter than /31 leaves out the network
 * and broadcast addresses.
 */
int target_source_cidr(struct name_list *l, const char *cidr, char *err, size_t errlen);
int target_source_range(struct name_list *l, const char *start, const char *end, char *err, size_t errlen);

struct config;
/*
 * Every name the configuration lists: operands, then --file, then --cidr.
 * again: a SIGHUP re-read, where standard input cannot be read a second time.
 */
int target_sources_gather(const struct config *cfg, struct name_list *names, int again, char *err, size_t errlen);

#endif
