// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Loads bpf/wire.bpf.c onto the outstanding-probe map and attaches it (wire.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "wire.skel.h"
#include "kernel/wire.h"

/* ICMPMON_TX_STAMP=tc: behave as a kernel without the hook would (the fallback, on purpose). */
static int forced_off(void)
{
	const char *v = getenv("ICMPMON_TX_STAMP");

	return v && !strcmp(v, "tc");
}

static int fail(struct wire *w, char *why, size_t whylen, const char *what, int rc)
{
	snprintf(why, whylen, "%s: %s", what, strerror(rc < 0 ? -rc : rc));
	wire_detach(w);
	return -1;
}

int wire_attach(struct wire *w, const struct wire_opts *o, char *why, size_t whylen)
{
	struct wire_bpf *skel;
	int rc;

	memset(w, 0, sizeof(*w));
	if (forced_off()) {
		snprintf(why, whylen, "ICMPMON_TX_STAMP=tc");
		return -1;
	}
	skel = wire_bpf__open();
	if (!skel)
		return fail(w, why, whylen, "cannot open the transmit hook", errno);
	w->skel = skel;
	skel->rodata->run_id = o->run_id;
	skel->rodata->run_cookie = o->cookie;
	skel->rodata->cookie_len = o->cookie_len;
	rc = bpf_map__set_max_entries(skel->maps.icmpmon_probes, o->max_outstanding);
	if (!rc)
		rc = bpf_map__reuse_fd(skel->maps.icmpmon_probes, o->probes_fd);
	if (rc)
		return fail(w, why, whylen, "cannot share the probe map with the transmit hook", rc);
	/*
	 * libbpf reads the kernel's BTF (some 3.6 MB, 5-15 ms) once, here: no
	 * look-up of the tracepoint beforehand, which would read it a second time.
	 * Without the kernel's BTF or the tracepoint in it the load fails with
	 * ESRCH (no kernel BTF: ENOENT or ESRCH).
	 */
	rc = wire_bpf__load(skel);
	if (rc == -ESRCH || rc == -ENOENT) {
		snprintf(why, whylen, "the kernel has no BTF for the net_dev_start_xmit tracepoint");
		wire_detach(w);
		return -1;
	}
	if (rc)
		return fail(w, why, whylen, "cannot load the transmit hook", rc);
	w->link = bpf_program__attach(skel->progs.icmpmon_wire);
	if (!w->link) {
		rc = -errno;
		return fail(w, why, whylen, "cannot attach the transmit hook to net_dev_start_xmit", rc);
	}
	return 0;
}

void wire_detach(struct wire *w)
{
	bpf_link__destroy(w->link);
	w->link = NULL;
	wire_bpf__destroy(w->skel);
	w->skel = NULL;
}
