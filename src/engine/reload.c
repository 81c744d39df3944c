// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* SIGHUP reload of the targets with stable slots (reload.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "engine/reload.h"
#include "engine/run.h"
#include "engine/target_source.h"
#include "util/clock.h"
#include "util/one_line.h"

#define RELOAD_MIN_SLOTS 1024
#define RELOAD_MAX_SLOTS (1u << 22)

struct reload {
	uint32_t slots;
	uint64_t *free_after_ns; /* per slot: a removed target's slot is reused only after this */
	char **owned;            /* per slot: the name, when a reload allocated it */
	char **owned_labels;     /* per slot: the label set, likewise */
	uint32_t cursor;         /* where the search for a free slot starts */
	struct target_list wanted; /* the last reload's targets, for those it left out */
	struct name_list wanted_names; /* their names point here */
	unsigned char *left_out;   /* per wanted target: no slot yet, retried as slots come free */
	uint32_t n_left_out;
	uint64_t retry_at_ns;      /* the next quarantine end while some are left out; 0: none */
};

static int reload_possible(const struct config *cfg)
{
	return cfg->daemon && cfg->n_files > 0 && (cfg->mode == RX_KERNEL || cfg->mode == RX_AUTO);
}

int reload_slots(const struct config *cfg, uint32_t n, uint32_t *slots, char *err, size_t errlen)
{
	uint32_t s;

	if (!reload_possible(cfg)) {
		*slots = n;
		return 0;
	}
	if (cfg->max_targets) {
		if (cfg->max_targets < n) {
			snprintf(err, errlen, "%u targets but --max-targets %u", n, cfg->max_targets);
			return -1;
		}
		*slots = cfg->max_targets;
		return 0;
	}
	s = n > RELOAD_MAX_SLOTS / 2 ? RELOAD_MAX_SLOTS : 2 * n;
	*slots = s < RELOAD_MIN_SLOTS ? RELOAD_MIN_SLOTS : s < n ? n : s;
	return 0;
}

int reload_init(struct run *r, char *err, size_t errlen)
{
	struct reload *rl;
	uint32_t n = r->targets.n;

	if (!reload_possible(r->cfg) || r->mode != RX_KERNEL)
		return 0;
	rl = calloc(1, sizeof(*rl));
	if (!rl)
		goto oom;
	r->reload = rl;
	rl->slots = r->slots > n ? r->slots : n;
	rl->free_after_ns = calloc(rl->slots, sizeof(*rl->free_after_ns));
	rl->owned = calloc(rl->slots, sizeof(*rl->owned));
	rl->owned_labels = calloc(rl->slots, sizeof(*rl->owned_labels));
	/* the free slots take memory only once a reload gives them a target (run_setup reserved them) */
	if (!rl->free_after_ns || !rl->owned || !rl->owned_labels || targets_reserve(&r->targets, rl->slots))
		goto oom;
	r->targets.n = rl->slots;
	rl->cursor = n;
	return 0;
oom:
	snprintf(err, errlen, "out of memory for %u target slots", r->slots);
	return -1;
}

void reload_free(struct run *r)
{
	struct reload *rl = r->reload;
	uint32_t i;

	if (!rl)
		return;
	for (i = 0; i < rl->slots && rl->owned; i++)
		free(rl->owned[i]);
	for (i = 0; i < rl->slots && rl->owned_labels; i++)
		free(rl->owned_labels[i]);
	free(rl->owned);
	free(rl->owned_labels);
	targets_free(&rl->wanted);
	name_list_free(&rl->wanted_names);
	free(rl->left_out);
	free(rl->free_after_ns);
	free(rl);
	r->reload = NULL;
}

int reload_slot_active(const struct run *r, uint32_t tidx)
{
	return tidx < r->targets.n && r->targets.v[tidx].name != NULL;
}

/* The interface a new target is routed over is attached; 0 or -1 with err. */
static int ensure_interface(struct run *r, struct target *t, int *ifindex, char *err, size_t errlen)
{
	int k;

	*ifindex = 0;
	if (r->cfg->ifname[0])
		return 0; /* -I: every probe leaves, and every reply is caught, there */
	*ifindex = targets_route(t);
	if (*ifindex <= 0) {
		snprintf(err, errlen, "%s: no route to host", t->name);
		return -1;
	}
	for (k = 0; k < r->ld.n_ifs; k++)
		if (r->ld.ifs[k].ifindex == *ifindex)
			return 0;
	if (r->ld.n_ifs == LOADER_MAX_IFS) {
		snprintf(err, errlen, "%s: routed over a new interface, and %d are attached already", t->name,
			 LOADER_MAX_IFS);
		return -1;
	}
	return loader_attach(&r->ld, *ifindex, r->cfg->attach, r->cfg->xdp_mode, err, errlen);
}

static int take_slot(struct run *r, uint64_t now)
{
	struct reload *rl = r->reload;
	uint32_t k, i;

	for (k = 0; k < rl->slots; k++) {
		i = (rl->cursor + k) % rl->slots;
		if (!r->targets.v[i].name && rl->free_after_ns[i] <= now) {
			rl->cursor = (i + 1) % rl->slots;
			return (int)i;
		}
	}
	return -1;
}

static void drop_slot(struct run *r, uint32_t i, uint64_t free_after)
{
	struct reload *rl = r->reload;
	struct target *t = &r->targets.v[i];

	loader_remove_target(&r->ld, &t->addr);
	free(t->reply_name);
	t->reply_name = NULL;
	t->name = NULL;
	t->labels = NULL;
	free(rl->owned[i]);
	rl->owned[i] = NULL;
	free(rl->owned_labels[i]);
	rl->owned_labels[i] = NULL;
	rl->free_after_ns[i] = free_after;
}

static int same_labels(const char *a, const char *b)
{
	return a && b ? !strcmp(a, b) : a == b;
}

static int set_labels(struct run *r, uint32_t i, const char *labels)
{
	struct reload *rl = r->reload;
	char *s = NULL;

	if (labels && !(s = strdup(labels)))
		return -1;
	free(rl->owned_labels[i]);
	rl->owned_labels[i] = s;
	r->targets.v[i].labels = s;
	return 0;
}

static int set_name(struct run *r, uint32_t i, const char *name)
{
	struct reload *rl = r->reload;
	char *s = strdup(name);

	if (!s)
		return -1;
	free(rl->owned[i]);
	rl->owned[i] = s;
	r->targets.v[i].name = s;
	return 0;
}

/* A free slot gets target nt: fresh counters in the kernel and here. */
static int fill_slot(struct run *r, uint32_t i, const struct target *nt, int ifindex)
{
	struct target *t = &r->targets.v[i];

	if (loader_zero_stats(&r->ld, i))
		return -1;
	memset(t, 0, sizeof(*t));
	t->addr = nt->addr;
	t->sa = nt->sa;
	t->family = nt->family;
	t->is_numeric = nt->is_numeric;
	t->ifindex = ifindex;
	memcpy(t->addr_str, nt->addr_str, sizeof(t->addr_str));
	t->reply_name = strdup(nt->addr_str);
	if (!t->reply_name || set_name(r, i, nt->name) || set_labels(r, i, nt->labels) ||
	    loader_add_target(&r->ld, &t->addr, i)) {
		free(t->reply_name);
		t->reply_name = NULL;
		t->name = NULL;
		return -1;
	}
	if (r->ewma8)
		r->ewma8[i] = 0;
	return 0;
}

/*
 * A target listed again while its old slot is still in quarantine goes back
 * to that slot with its counters: late replies there are its own.
 */
static int revive_slot(struct run *r, uint32_t i, const struct target *nt)
{
	struct target *t = &r->targets.v[i];

	t->reply_name = strdup(nt->addr_str);
	if (!t->reply_name || set_name(r, i, nt->name) || set_labels(r, i, nt->labels) ||
	    loader_add_target(&r->ld, &t->addr, i)) {
		free(t->reply_name);
		t->reply_name = NULL;
		t->name = NULL;
		t->labels = NULL;
		return -1;
	}
	r->reload->free_after_ns[i] = 0;
	return 0;
}

/* Quarantined slots by the address that last had them. */
static int quarantined_index(const struct run *r, struct addr_index *ix, uint64_t now)
{
	const struct reload *rl = r->reload;
	uint32_t i;

	if (addr_index_init(ix, rl->slots))
		return -1;
	for (i = 0; i < rl->slots; i++)
		if (!r->targets.v[i].name && rl->free_after_ns[i] > now)
			addr_index_put(ix, &r->targets.v[i].addr, i);
	return 0;
}

enum add_result { ADD_OK, ADD_REVIVED, ADD_NO_SLOT, ADD_SKIPPED };

static enum add_result add_one(struct run *r, struct target *nt, const struct addr_index *quarantined,
			       uint64_t now)
{
	uint32_t old = quarantined ? addr_index_get(quarantined, &nt->addr) : UINT32_MAX;
	char err[512];
	int ifindex, slot;

	if (old != UINT32_MAX && !r->targets.v[old].name && r->reload->free_after_ns[old] > now) {
		if (!revive_slot(r, old, nt))
			return ADD_REVIVED;
		fprintf(stderr, "icmpmon: reload: cannot register target %s; not probing it\n", nt->addr_str);
		return ADD_SKIPPED;
	}
	slot = take_slot(r, now);
	if (slot < 0)
		return ADD_NO_SLOT;
	if (r->snd.path[nt->family == AF_INET6].fd < 0) {
		fprintf(stderr, "icmpmon: reload: %s: no %s target at the start, so no socket for it; not probing it\n",
			nt->addr_str, nt->family == AF_INET6 ? "IPv6" : "IPv4");
		return ADD_SKIPPED;
	}
	if (ensure_interface(r, nt, &ifindex, err, sizeof(err))) {
		fprintf(stderr, "icmpmon: reload: %s; not probing it\n", one_line(err));
		return ADD_SKIPPED;
	}
	if (fill_slot(r, (uint32_t)slot, nt, ifindex)) {
		fprintf(stderr, "icmpmon: reload: cannot register target %s; not probing it\n", nt->addr_str);
		return ADD_SKIPPED;
	}
	return ADD_OK;
}

/* When the targets left out may get a slot: the first quarantine to end. */
static void plan_retry(struct run *r, uint64_t now)
{
	struct reload *rl = r->reload;
	uint32_t i;

	rl->retry_at_ns = 0;
	if (!rl->n_left_out)
		return;
	for (i = 0; i < rl->slots; i++)
		if (!r->targets.v[i].name && rl->free_after_ns[i] > now &&
		    (!rl->retry_at_ns || rl->free_after_ns[i] < rl->retry_at_ns))
			rl->retry_at_ns = rl->free_after_ns[i];
}

static void rebuild_index(struct run *r)
{
	struct addr_index ix;
	uint32_t i;

	if (addr_index_init(&ix, r->targets.n))
		return; /* the old index stays: only socket mode reads it */
	for (i = 0; i < r->targets.n; i++)
		if (r->targets.v[i].name)
			addr_index_put(&ix, &r->targets.v[i].addr, i);
	addr_index_free(&r->targets.index);
	r->targets.index = ix;
}

int reload_run(struct run *r)
{
	const struct config *cfg = r->cfg;
	struct reload *rl = r->reload;
	struct name_list names = { 0 };
	struct target_list nt = { 0 };
	uint32_t i, j, kept = 0, added = 0, removed = 0, renamed = 0, relabelled = 0, skipped = 0, over = 0;
	uint64_t now = clock_mono_ns(), quarantine;
	unsigned char *keep = NULL;
	struct addr_index quarantined;
	int have_quarantined;
	char err[512];

	if (!rl) {
		fprintf(stderr, "icmpmon: SIGHUP: nothing to reload (needs --daemon, --file and --mode kernel)\n");
		return -1;
	}
	if (target_sources_gather(cfg, &names, 1, err, sizeof(err)) ||
	    targets_resolve_list(&nt, &names, cfg->family, cfg->skip_unresolved, err, sizeof(err)))
		goto fail;
	if (!nt.n) {
		snprintf(err, sizeof(err), "no target listed");
		goto fail;
	}
	keep = calloc(nt.n, 1);
	if (!keep) {
		snprintf(err, sizeof(err), "out of memory");
		goto fail;
	}
	/* Probes of a removed target may still be answered or swept until the timeout has passed. */
	quarantine = now + (uint64_t)(cfg->timeout_s * 1e9) + 2 * r->sweep_period_ns + 1000000000ull;
	run_slots_lock(r);
	for (i = 0; i < r->targets.n; i++) {
		struct target *t = &r->targets.v[i];

		if (!t->name)
			continue;
		j = addr_index_get(&nt.index, &t->addr);
		if (j == UINT32_MAX || j >= nt.n) {
			drop_slot(r, i, quarantine);
			removed++;
			continue;
		}
		keep[j] = 1;
		kept++;
		if (strcmp(t->name, nt.v[j].name)) {
			if (!set_name(r, i, nt.v[j].name))
				renamed++;
		}
		if (!same_labels(t->labels, nt.v[j].labels)) {
			if (!set_labels(r, i, nt.v[j].labels))
				relabelled++;
		}
	}
	have_quarantined = !quarantined_index(r, &quarantined, now);
	for (j = 0; j < nt.n; j++) {
		if (keep[j])
			continue;
		switch (add_one(r, &nt.v[j], have_quarantined ? &quarantined : NULL, now)) {
		case ADD_REVIVED:
		case ADD_OK:
			added++;
			break;
		case ADD_NO_SLOT:
			keep[j] = 2;
			over++;
			break;
		case ADD_SKIPPED:
			skipped++;
			break;
		}
	}
	if (have_quarantined)
		addr_index_free(&quarantined);
	/* the targets left out wait for the quarantine of a slot to end (reload_tick) */
	for (j = 0; j < nt.n; j++)
		keep[j] = keep[j] == 2;
	targets_free(&rl->wanted);
	name_list_free(&rl->wanted_names);
	free(rl->left_out);
	rl->wanted = nt;
	rl->wanted_names = names;
	rl->left_out = keep;
	rl->n_left_out = over;
	memset(&nt, 0, sizeof(nt));
	memset(&names, 0, sizeof(names));
	keep = NULL;
	plan_retry(r, now);
	rebuild_index(r);
	r->reloads.ok++;
	r->reloads.over_capacity = over;
	run_slots_unlock(r);
	fprintf(stderr, "icmpmon: reloaded targets: %u kept, %u added, %u removed, %u renamed", kept, added, removed,
		renamed);
	if (relabelled)
		fprintf(stderr, ", %u relabelled", relabelled);
	if (skipped)
		fprintf(stderr, ", %u skipped", skipped);
	if (over)
		fprintf(stderr, ", %u left out: all %u slots taken (raise --max-targets)%s", over, rl->slots,
			rl->retry_at_ns ? "; retried as removed targets' slots come free" : "");
	fputc('\n', stderr);
	free(keep);
	targets_free(&nt);
	name_list_free(&names);
	return 0;
fail:
	r->reloads.failed++;
	fprintf(stderr, "icmpmon: reload failed, targets unchanged: %s\n", one_line(err));
	free(keep);
	targets_free(&nt);
	name_list_free(&names);
	return -1;
}

void reload_tick(struct run *r, uint64_t now)
{
	struct reload *rl = r->reload;
	uint32_t j, added = 0, skipped = 0;

	if (!rl || !rl->n_left_out || !rl->retry_at_ns || now < rl->retry_at_ns)
		return;
	run_slots_lock(r);
	for (j = 0; j < rl->wanted.n && rl->n_left_out; j++) {
		enum add_result res;

		if (!rl->left_out[j])
			continue;
		res = add_one(r, &rl->wanted.v[j], NULL, now);
		if (res == ADD_NO_SLOT)
			break;
		rl->left_out[j] = 0;
		rl->n_left_out--;
		if (res == ADD_SKIPPED)
			skipped++;
		else
			added++;
	}
	if (added)
		rebuild_index(r);
	r->reloads.over_capacity = rl->n_left_out;
	plan_retry(r, now);
	run_slots_unlock(r);
	if (!added && !skipped)
		return;
	fprintf(stderr, "icmpmon: reload: %u targets left out are probed now that slots came free", added);
	if (skipped)
		fprintf(stderr, ", %u skipped", skipped);
	if (rl->n_left_out)
		fprintf(stderr, ", %u still left out", rl->n_left_out);
	fputc('\n', stderr);
}
