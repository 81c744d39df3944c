// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Our own tc filter handles: claim, find stale ones, never touch a foreign one (tc_slots.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "kernel/prog_holders.h"
#include "kernel/tc_slots.h"

static void hook_init(struct bpf_tc_hook *hook, int ifindex, enum bpf_tc_attach_point where)
{
	memset(hook, 0, sizeof(*hook));
	hook->sz = sizeof(*hook);
	hook->ifindex = ifindex;
	hook->attach_point = where;
}

static void slot_opts(struct bpf_tc_opts *o, int slot, int prog_fd)
{
	memset(o, 0, sizeof(*o));
	o->sz = sizeof(*o);
	o->handle = TC_SLOT_HANDLE_BASE + (unsigned)slot;
	o->priority = TC_SLOT_PRIO;
	o->prog_fd = prog_fd;
}

int tc_slot_attach(int ifindex, enum bpf_tc_attach_point where, int prog_fd)
{
	struct bpf_tc_hook hook;
	struct bpf_tc_opts o;
	int slot, rc;

	hook_init(&hook, ifindex, where);
	rc = bpf_tc_hook_create(&hook);
	if (rc && rc != -EEXIST)
		return rc;
	for (slot = 0; slot < TC_SLOT_COUNT; slot++) {
		slot_opts(&o, slot, prog_fd);
		rc = bpf_tc_attach(&hook, &o);
		if (!rc)
			return slot;
		if (rc != -EEXIST)
			return rc;
	}
	return -EBUSY;
}

void tc_slot_detach(int ifindex, enum bpf_tc_attach_point where, int slot)
{
	struct bpf_tc_hook hook;
	struct bpf_tc_opts o;

	hook_init(&hook, ifindex, where);
	slot_opts(&o, slot, 0);
	bpf_tc_detach(&hook, &o);
}

static int prog_name_is(unsigned prog_id, const char *name)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	int fd, same;

	fd = bpf_prog_get_fd_by_id(prog_id);
	if (fd < 0)
		return 0;
	same = !bpf_obj_get_info_by_fd(fd, &info, &len) && !strcmp(info.name, name);
	close(fd);
	return same;
}

int tc_slot_remove_stale(int ifindex, enum bpf_tc_attach_point where, const char *prog_name)
{
	struct bpf_tc_hook hook;
	struct bpf_tc_opts o;
	int slot, removed = 0;

	hook_init(&hook, ifindex, where);
	for (slot = 0; slot < TC_SLOT_COUNT; slot++) {
		slot_opts(&o, slot, 0);
		if (bpf_tc_query(&hook, &o))
			continue;
		if (!prog_name_is(o.prog_id, prog_name) || prog_held_elsewhere(o.prog_id))
			continue;
		slot_opts(&o, slot, 0);
		if (!bpf_tc_detach(&hook, &o))
			removed++;
	}
	return removed;
}
