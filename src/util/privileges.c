// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Keep only CAP_NET_ADMIN once attached, and what leaving libxdp's dispatcher needs (privileges.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "util/privileges.h"

/* An ordinary user's process (--mode dgram): nothing to drop, and no right to touch the bounding set. */
static int holds_none(void)
{
	cap_t now = cap_get_proc(), none = cap_init();
	int rc = now && none && !cap_compare(now, none);

	cap_free(now);
	cap_free(none);
	return rc;
}

/* Is c in this process' permitted set? */
static int permitted(cap_t now, cap_value_t c)
{
	cap_flag_value_t v = CAP_CLEAR;

	return now && !cap_get_flag(now, c, CAP_PERMITTED, &v) && v == CAP_SET;
}

/*
 * What is kept: CAP_NET_ADMIN, and with for_dispatcher those of the others
 * the process has (a joined dispatcher means it had them).
 */
static int kept_caps(int for_dispatcher, cap_value_t *keep)
{
	static const cap_value_t dispatcher[] = { CAP_SYS_ADMIN, CAP_BPF, CAP_PERFMON };
	cap_t now = cap_get_proc();
	int n = 0;
	size_t i;

	keep[n++] = CAP_NET_ADMIN;
	for (i = 0; for_dispatcher && i < sizeof(dispatcher) / sizeof(dispatcher[0]); i++)
		if (permitted(now, dispatcher[i]))
			keep[n++] = dispatcher[i];
	cap_free(now);
	return n;
}

static int is_kept(cap_value_t c, const cap_value_t *keep, int n_keep)
{
	int k;

	for (k = 0; k < n_keep; k++)
		if (c == keep[k])
			return 1;
	return 0;
}

int privileges_drop(int for_dispatcher, char *err, size_t errlen)
{
	cap_value_t keep[4];
	int n_keep, rc;
	cap_t caps;
	cap_value_t c;

	if (holds_none()) {
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		return 0;
	}

	n_keep = kept_caps(for_dispatcher, keep);
	for (c = 0; c <= CAP_LAST_CAP; c++)
		if (!is_kept(c, keep, n_keep) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) && errno != EINVAL) {
			snprintf(err, errlen, "cannot drop capability %d from the bounding set: %s", c, strerror(errno));
			return -1;
		}
	caps = cap_init();
	if (!caps) {
		snprintf(err, errlen, "cannot drop capabilities: %s", strerror(errno));
		return -1;
	}
	rc = cap_set_flag(caps, CAP_PERMITTED, n_keep, keep, CAP_SET) ||
	     cap_set_flag(caps, CAP_EFFECTIVE, n_keep, keep, CAP_SET) || cap_set_proc(caps);
	if (rc)
		snprintf(err, errlen, "cannot drop capabilities: %s", strerror(errno));
	cap_free(caps);
	if (!rc)
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	return rc ? -1 : 0;
}
