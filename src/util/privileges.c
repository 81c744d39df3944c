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

int privileges_drop(int for_dispatcher, char *err, size_t errlen)
{
	/* CAP_NET_ADMIN first: with for_dispatcher 0 it is the only one kept */
	const cap_value_t keep[] = { CAP_NET_ADMIN, CAP_SYS_ADMIN, CAP_BPF, CAP_PERFMON };
	int n_keep = for_dispatcher ? 4 : 1, k, kept;
	cap_t caps;
	cap_value_t c;
	int rc;

	if (holds_none()) {
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		return 0;
	}

	for (c = 0; c <= CAP_LAST_CAP; c++) {
		for (k = 0, kept = 0; k < n_keep; k++)
			kept |= c == keep[k];
		if (!kept && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) && errno != EINVAL) {
			snprintf(err, errlen, "cannot drop capability %d from the bounding set: %s", c, strerror(errno));
			return -1;
		}
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
