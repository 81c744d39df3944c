/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Target labels from a targets file: "10.0.0.7 dc=ams rack=r12". A label set
 * is kept as its canonical text, "name=value" words joined by one space, in
 * the order given; names follow Prometheus' rules and values hold no blank.
 */
#ifndef ICMPMON_LABELS_H
#define ICMPMON_LABELS_H

#include <stddef.h>

#define LABELS_MAX 16     /* labels on one target */
#define LABEL_NAME_MAX 64 /* bytes of a label name */
#define TARGET_LABELS_TEXT_MAX 1024 /* bytes of a label set: a targets-file line holds it */

/*
 * Validates the words of text (blank-separated name=value pairs) and returns
 * their canonical form in *out (malloc-ed; NULL when text has no word).
 * Refuses bad names, names starting with "__", the names icmpmon sets itself
 * (target, host, interface, kind, le, result, version), repeats and empty
 * values: -1 with one line in err.
 */
int labels_parse(const char *text, char **out, char *err, size_t errlen);

/*
 * Walks a canonical label set: *pos starts at the set (may be NULL) and moves
 * on. Returns 0 at the end, else 1 with name/value spans.
 */
int labels_next(const char **pos, const char **name, size_t *name_len, const char **value, size_t *value_len);

/* The value of label name in a canonical set, copied into buf; "" when absent. */
const char *labels_value(const char *set, const char *name, char *buf, size_t len);

/* A label name as Prometheus accepts it: [a-zA-Z_][a-zA-Z0-9_]*. */
int labels_valid_name(const char *s, size_t len);

/* A name icmpmon itself puts on its metrics, or one starting with "__". */
int labels_reserved_name(const char *s, size_t len);

#endif
