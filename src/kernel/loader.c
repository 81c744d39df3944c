// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Skeleton open -> rodata -> load -> attach (XDP link or tc), and detach (loader.h). */
#include <errno.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "icmpmon.skel.h"
#include "kernel/loader.h"
#include "kernel/tc_slots.h"
#include "kernel/tcx.h"
#include "kernel/xdp_dispatcher.h"

#ifndef ARPHRD_RAWIP
#define ARPHRD_RAWIP 519
#endif

/* struct ifmac of bpf/validate.bpf.h */
struct ifmac_val {
	__u8 addr[6];
	__u8 pad[2];
};

#ifndef BPF_FS_MAGIC
#define BPF_FS_MAGIC 0xcafe4a11
#endif

static size_t stats_bytes(__u32 n)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t len = (size_t)n * ((sizeof(struct target_stats) + 7) & ~(size_t)7);

	return (len + page - 1) / page * page;
}

/*
 * icmpmon_answer has per-CPU LRU lists, each with max_entries / CPUs slots,
 * and one CPU may receive every reply: max_outstanding for each of up to
 * ANSWER_CPU_SHARES CPUs (beyond that a CPU's share shrinks, so the map
 * costs at most that many times the outstanding map), within
 * ANSWER_MAX_ENTRIES unless max_outstanding alone is larger.
 */
__u32 answer_map_entries(__u32 max_outstanding, int ncpus)
{
	__u64 shares = ncpus < 1 ? 1 : ncpus > ANSWER_CPU_SHARES ? ANSWER_CPU_SHARES : (__u64)ncpus;
	__u64 want = (__u64)max_outstanding * shares;
	__u64 cap = max_outstanding > ANSWER_MAX_ENTRIES ? max_outstanding : ANSWER_MAX_ENTRIES;

	return (__u32)(want < cap ? want : cap);
}

static int size_maps(struct icmpmon_bpf *skel, const struct loader_opts *o)
{
	__u32 n = o->n_targets ? o->n_targets : 1;
	int rc = 0;

	rc |= bpf_map__set_max_entries(skel->maps.icmpmon_targets, n);
	rc |= bpf_map__set_max_entries(skel->maps.icmpmon_stats, n);
	rc |= bpf_map__set_max_entries(skel->maps.icmpmon_hists, n);
	rc |= bpf_map__set_max_entries(skel->maps.icmpmon_probes, o->max_outstanding);
	rc |= bpf_map__set_max_entries(skel->maps.icmpmon_answer,
				       answer_map_entries(o->max_outstanding, libbpf_num_possible_cpus()));
	rc |= bpf_map__set_max_entries(skel->maps.icmpmon_events, o->ringbuf_bytes);
	return rc;
}

static int on_bpffs(const char *path)
{
	struct statfs fs;

	return !statfs(path, &fs) && fs.f_type == BPF_FS_MAGIC;
}

/* DIR must be on a bpffs; it is created there (and removed at exit) when missing. */
static int bpffs_dir(struct loader *ld, const char *dir, char *err, size_t errlen)
{
	char parent[sizeof(ld->pin_dir)];
	char *slash;

	snprintf(parent, sizeof(parent), "%s", dir);
	slash = strrchr(parent, '/');
	if (slash && slash != parent)
		*slash = '\0';
	else
		snprintf(parent, sizeof(parent), "%s", slash ? "/" : ".");
	if (!on_bpffs(dir) && !on_bpffs(parent)) {
		snprintf(err, errlen, "--pin %s: not on a bpf filesystem (mount -t bpf bpf /sys/fs/bpf)", dir);
		return -1;
	}
	if (!mkdir(dir, 0700))
		ld->made_pin_dir = 1;
	else if (errno != EEXIST) {
		snprintf(err, errlen, "--pin %s: %s", dir, strerror(errno));
		return -1;
	}
	if (!on_bpffs(dir)) {
		snprintf(err, errlen, "--pin %s: not on a bpf filesystem (mount -t bpf bpf /sys/fs/bpf)", dir);
		return -1;
	}
	return 0;
}

/* One run per pin directory: a second one would unlink the first's live pins, and its exit theirs. */
static int lock_pin_dir(struct loader *ld, const char *dir, char *err, size_t errlen)
{
	ld->pin_lock_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (ld->pin_lock_fd < 0) {
		snprintf(err, errlen, "--pin %s: %s", dir, strerror(errno));
		return -1;
	}
	if (flock(ld->pin_lock_fd, LOCK_EX | LOCK_NB)) {
		snprintf(err, errlen, "--pin %s: %s", dir,
			 errno == EWOULDBLOCK ? "in use by another icmpmon (give each run its own directory)"
					      : strerror(errno));
		close(ld->pin_lock_fd);
		ld->pin_lock_fd = -1;
		ld->made_pin_dir = 0; /* not ours to remove */
		return -1;
	}
	return 0;
}

/* Is the pin at path still map m (and not something put there since)? */
static int pin_is(const char *path, const struct bpf_map *m)
{
	struct bpf_map_info a = {}, b = {};
	__u32 la = sizeof(a), lb = sizeof(b);
	int fd = bpf_obj_get(path), same;

	if (fd < 0)
		return 0;
	same = !bpf_obj_get_info_by_fd(fd, &a, &la) && !bpf_obj_get_info_by_fd(bpf_map__fd(m), &b, &lb) &&
	       a.id == b.id;
	close(fd);
	return same;
}

static struct bpf_map *pinned_maps(struct icmpmon_bpf *skel, int i)
{
	struct bpf_map *maps[] = { skel->maps.icmpmon_stats, skel->maps.icmpmon_hists, skel->maps.icmpmon_targets, skel->maps.icmpmon_probes,
				   skel->maps.icmpmon_answer, skel->maps.icmpmon_counter };

	return i < (int)(sizeof(maps) / sizeof(maps[0])) ? maps[i] : NULL;
}

static void pin_path(char *buf, size_t len, const char *dir, struct bpf_map *map)
{
	snprintf(buf, len, "%s/%s", dir, bpf_map__name(map));
}

static int pin_maps(struct loader *ld, const char *dir, char *err, size_t errlen)
{
	char path[512];
	struct bpf_map *m;
	int i, rc;

	snprintf(ld->pin_dir, sizeof(ld->pin_dir), "%s", dir);
	if (bpffs_dir(ld, dir, err, errlen) || lock_pin_dir(ld, dir, err, errlen))
		return -1;
	for (i = 0; (m = pinned_maps(ld->skel, i)); i++) {
		pin_path(path, sizeof(path), dir, m);
		unlink(path); /* a pin left by a killed run: the lock says no live run owns it */
		rc = bpf_map__pin(m, path);
		if (rc) {
			snprintf(err, errlen, "--pin: cannot pin %s: %s", path, strerror(-rc));
			return -1;
		}
		ld->pinned = i + 1;
	}
	return 0;
}

static void unpin_maps(struct loader *ld)
{
	char path[512];
	struct bpf_map *m;
	int i;

	for (i = 0; i < ld->pinned && (m = pinned_maps(ld->skel, i)); i++) {
		pin_path(path, sizeof(path), ld->pin_dir, m);
		if (pin_is(path, m))
			bpf_map__unpin(m, path);
	}
	ld->pinned = 0;
	if (ld->made_pin_dir)
		rmdir(ld->pin_dir);
	ld->made_pin_dir = 0;
}

/* The programs, by what they do and the kind of link they are for (0 Ethernet, 1 IP). */
enum prog_role { ROLE_XDP, ROLE_TC_IN, ROLE_EGRESS };

static const char *const prog_names[3][2] = {
	[ROLE_XDP] = { "icmpmon_xdp", "icmpmon_xdp_l3" },
	[ROLE_TC_IN] = { "icmpmon_tc_in", "icmpmon_tcin_l3" },
	[ROLE_EGRESS] = { "icmpmon_egress", "icmpmon_egr_l3" },
};

static int link_kind(const char *name, struct ifmac_val *mac, char *err, size_t errlen);

static void set_rodata(struct icmpmon_bpf *skel, const struct loader_opts *o)
{
	skel->rodata->run_id = o->run_id;
	skel->rodata->run_cookie = o->cookie;
	skel->rodata->cookie_len = o->cookie_len;
	skel->rodata->consume = (__u8)o->consume;
	skel->rodata->emit_events = (__u8)o->events;
	skel->rodata->wake_tick_ns = o->wake_tick_ns;
	skel->rodata->wake_bytes = o->wake_bytes;
	skel->rodata->rtt_from_tc = (__u8)o->rtt_from_tc;
}

/*
 * Verifying a program is most of a start's cost: load only those the
 * interfaces need (want[role][kind]); the tc ingress fallback, and the
 * programs of interfaces added later, are loaded when asked for.
 */
static void choose_progs(struct icmpmon_bpf *skel, const struct loader_opts *o)
{
	int want[3][2] = { { 0 } }, k, kind, role;
	char name[IF_NAMESIZE], err[160];
	struct ifmac_val mac;

	for (k = 0; k < o->n_ifs; k++) {
		kind = if_indextoname((unsigned)o->ifs[k], name) ? link_kind(name, &mac, err, sizeof(err)) : -1;
		if (kind < 0)
			continue; /* loader_attach says why */
		want[ROLE_EGRESS][kind] = 1;
		want[o->hook == ATTACH_TC ? ROLE_TC_IN : ROLE_XDP][kind] = 1;
	}
	for (role = 0; role < 3; role++)
		for (kind = 0; kind < 2; kind++)
			bpf_program__set_autoload(bpf_object__find_program_by_name(skel->obj, prog_names[role][kind]),
						  o->all_progs || want[role][kind]);
}

static void attach_wire(struct loader *ld, const struct loader_opts *o)
{
	struct wire_opts w = {
		.run_id = o->run_id,
		.cookie = o->cookie,
		.cookie_len = o->cookie_len,
		.probes_fd = bpf_map__fd(ld->skel->maps.icmpmon_probes),
		.max_outstanding = o->max_outstanding,
	};

	ld->tx_wire = !wire_attach(&ld->wire, &w, ld->tx_why, sizeof(ld->tx_why));
}

static void *wire_job_run(void *arg)
{
	struct loader *ld = arg;

	attach_wire(ld, &ld->opts);
	return NULL;
}

/*
 * The outstanding-probe map, made before either object loads (with the main
 * object's BTF, so that bpftool still dumps it with field names) and handed
 * to both: then the transmit hook, whose load mostly reads and parses the
 * kernel's BTF in userland (some 20 ms of CPU), can load on a second thread
 * while the verifier checks the main programs. -1 when it cannot be made:
 * the two then load one after the other, as before.
 */
static int early_probes_map(struct icmpmon_bpf *skel, __u32 max_entries)
{
	struct btf *btf = bpf_object__btf(skel->obj);
	int key_id, val_id, fd;

	if (!btf || btf__load_into_kernel(btf))
		return -1;
	key_id = btf__find_by_name_kind(btf, "probe_key", BTF_KIND_STRUCT);
	val_id = btf__find_by_name_kind(btf, "probe_val", BTF_KIND_STRUCT);
	if (key_id <= 0 || val_id <= 0)
		return -1;
	LIBBPF_OPTS(bpf_map_create_opts, mo, .btf_fd = (__u32)btf__fd(btf), .btf_key_type_id = (__u32)key_id,
		    .btf_value_type_id = (__u32)val_id);
	fd = bpf_map_create(BPF_MAP_TYPE_HASH, "icmpmon_probes", sizeof(struct probe_key), sizeof(struct probe_val),
			    max_entries, &mo);
	if (fd < 0)
		return -1;
	if (bpf_map__reuse_fd(skel->maps.icmpmon_probes, fd)) {
		close(fd);
		return -1;
	}
	close(fd); /* reuse_fd keeps its own copy */
	return 0;
}

int loader_load(struct loader *ld, const struct loader_opts *o, char *err, size_t errlen)
{
	struct icmpmon_bpf *skel;
	pthread_t wire_thread;
	int rc, wire_started = 0;

	memset(ld, 0, sizeof(*ld));
	ld->opts = *o;
	ld->opts.ifs = NULL;
	ld->pin_lock_fd = -1;
	skel = icmpmon_bpf__open();
	if (!skel) {
		snprintf(err, errlen, "cannot open the BPF object: %s", strerror(errno));
		return -1;
	}
	ld->skel = skel;
	ld->tc_link = o->tc_link;
	set_rodata(skel, o);
	choose_progs(skel, o);
	if (size_maps(skel, o)) {
		snprintf(err, errlen, "cannot size the BPF maps");
		return -1;
	}
	if (!early_probes_map(skel, o->max_outstanding))
		wire_started = !pthread_create(&wire_thread, NULL, wire_job_run, ld);
	rc = icmpmon_bpf__load(skel);
	if (wire_started)
		pthread_join(wire_thread, NULL);
	if (rc) {
		ld->load_errno = -rc;
		snprintf(err, errlen, "cannot load the BPF programs: %s (run as root; see -v for the verifier log)",
			 strerror(-rc));
		return -1;
	}
	ld->stats_len = stats_bytes(o->n_targets ? o->n_targets : 1);
	/* writable: userland adds the ICMP errors only the send socket gets (engine/unhooked.c) */
	ld->stats = mmap(NULL, ld->stats_len, PROT_READ | PROT_WRITE, MAP_SHARED, bpf_map__fd(skel->maps.icmpmon_stats),
			 0);
	if (ld->stats == MAP_FAILED) {
		ld->stats = NULL;
		snprintf(err, errlen, "cannot map the statistics array: %s", strerror(errno));
		return -1;
	}
	if (o->pin_dir && pin_maps(ld, o->pin_dir, err, errlen))
		return -1;
	if (!wire_started)
		attach_wire(ld, o);
	return 0;
}

int loader_add_target(struct loader *ld, const struct icmpmon_addr *a, __u32 idx)
{
	return bpf_map__update_elem(ld->skel->maps.icmpmon_targets, a, sizeof(*a), &idx, sizeof(idx), BPF_NOEXIST);
}

int loader_add_targets(struct loader *ld, const struct icmpmon_addr *keys, __u32 n, __u32 *failed)
{
	__u32 *slots = NULL, done = 0, i;

	/*
	 * One system call for the lot into the map this run created (a batch
	 * cannot say BPF_NOEXIST; the targets are distinct addresses): with --pin
	 * the map may hold another run's targets, which must make this one fail.
	 */
	if (ld->pin_lock_fd < 0 && n)
		slots = malloc(n * sizeof(*slots));
	if (slots) {
		for (i = 0; i < n; i++)
			slots[i] = i;
		done = n;
		/* on a refusal count says how far it got */
		if (bpf_map_update_batch(bpf_map__fd(ld->skel->maps.icmpmon_targets), keys, slots, &done, NULL))
			done = done < n ? done : 0;
		free(slots);
	}
	/* the rest one by one: a kernel without batch updates, or to find the target that failed */
	for (i = done; i < n; i++)
		if (loader_add_target(ld, &keys[i], i)) {
			*failed = i;
			return -1;
		}
	return 0;
}

void loader_remove_target(struct loader *ld, const struct icmpmon_addr *a)
{
	bpf_map__delete_elem(ld->skel->maps.icmpmon_targets, a, sizeof(*a), 0);
}

int loader_zero_stats(struct loader *ld, __u32 idx)
{
	static const struct target_stats zero;
	static const struct target_hists zero_hists;

	if (bpf_map__update_elem(ld->skel->maps.icmpmon_stats, &idx, sizeof(idx), &zero, sizeof(zero), BPF_ANY))
		return -1;
	return bpf_map__update_elem(ld->skel->maps.icmpmon_hists, &idx, sizeof(idx), &zero_hists, sizeof(zero_hists),
				    BPF_ANY);
}

int loader_read_hist(const struct loader *ld, __u32 idx, struct target_hists *out)
{
	return bpf_map__lookup_elem(ld->skel->maps.icmpmon_hists, &idx, sizeof(idx), out, sizeof(*out), 0) ? -1 : 0;
}

const struct target_hists *loader_map_hists(const struct loader *ld, __u32 first, __u32 n, void **map, size_t *len)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), off = (size_t)first * sizeof(struct target_hists);
	size_t start = off / page * page;
	char *p;

	*len = (off + (size_t)n * sizeof(struct target_hists) - start + page - 1) / page * page;
	p = mmap(NULL, *len, PROT_READ, MAP_SHARED, bpf_map__fd(ld->skel->maps.icmpmon_hists), (off_t)start);
	if (p == MAP_FAILED) {
		*map = NULL;
		return NULL;
	}
	*map = p;
	return (const struct target_hists *)(p + (off - start));
}

static int xdp_link(int prog_fd, int ifindex, __u32 flags)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts, .flags = flags);
	int fd = bpf_link_create(prog_fd, ifindex, BPF_XDP, &opts);

	return fd < 0 ? -errno : fd;
}

static int taken(int rc)
{
	return rc == -EBUSY || rc == -EEXIST;
}

/*
 * Native first in auto mode; generic when the driver has no XDP support.
 * 0, or -errno of the last try (-EBUSY, -EEXIST: another program has XDP there).
 */
static int attach_xdp(struct attached_if *ai, int prog_fd, enum xdp_mode mode, char *err, size_t errlen)
{
	int fd = -EOPNOTSUPP;

	if (mode != XDP_MODE_GENERIC)
		fd = xdp_link(prog_fd, ai->ifindex, XDP_FLAGS_DRV_MODE);
	if (fd < 0 && mode != XDP_MODE_NATIVE && !taken(fd)) {
		fd = xdp_link(prog_fd, ai->ifindex, XDP_FLAGS_SKB_MODE);
		ai->xdp_generic = 1;
	}
	if (fd >= 0) {
		ai->xdp_link_fd = fd;
		return 0;
	}
	if (taken(fd))
		snprintf(err, errlen, "%s: another XDP program is attached; icmpmon leaves it in place", ai->name);
	else
		snprintf(err, errlen, "%s: cannot attach XDP (%s mode): %s", ai->name,
			 ai->xdp_generic ? "generic" : "native", strerror(-fd));
	return fd;
}

/*
 * A second object with only program prog, not loaded yet, sharing every map
 * of the first one, its globals (.rodata, .data, .bss) included: one state
 * however many objects the programs came from.
 */
static struct icmpmon_bpf *open_sharing(struct loader *ld, const char *prog, char *err, size_t errlen)
{
	struct icmpmon_bpf *x = icmpmon_bpf__open();
	struct bpf_program *p;
	struct bpf_map *m, *mine;
	int rc = 0;

	if (!x) {
		snprintf(err, errlen, "cannot open the BPF object: %s", strerror(errno));
		return NULL;
	}
	bpf_object__for_each_program(p, x->obj)
		bpf_program__set_autoload(p, !strcmp(bpf_program__name(p), prog));
	bpf_object__for_each_map(m, x->obj) {
		mine = bpf_object__find_map_by_name(ld->skel->obj, bpf_map__name(m));
		if (mine)
			rc |= bpf_map__reuse_fd(m, bpf_map__fd(mine));
	}
	if (rc) {
		snprintf(err, errlen, "cannot share the BPF maps with a second object for %s", prog);
		icmpmon_bpf__destroy(x);
		return NULL;
	}
	return x;
}

/* A second object with only this program, using the first one's maps, loaded. */
static int load_extra(struct loader *ld, const char *prog, char *err, size_t errlen)
{
	struct icmpmon_bpf *x;
	int rc;

	if (ld->n_extra == LOADER_MAX_EXTRA) {
		snprintf(err, errlen, "cannot load %s: too many BPF objects", prog);
		return -1;
	}
	x = open_sharing(ld, prog, err, errlen);
	if (!x)
		return -1;
	ld->extra[ld->n_extra++] = x;
	rc = icmpmon_bpf__load(x);
	if (rc) {
		int e = rc < 0 ? -rc : errno;

		/* After the start only CAP_NET_ADMIN is left (privileges.h): nothing can be loaded then. */
		snprintf(err, errlen, "cannot load the BPF program %s: %s%s", prog, strerror(e),
			 e == EPERM ? " (a run loads programs only at its start; --daemon loads them all)"
				    : " (see -v for the verifier log)");
		return -1;
	}
	return 0;
}

/* The fd of a program, loading it first when the start did not. */
static int prog_fd(struct loader *ld, enum prog_role role, int ip_link, char *err, size_t errlen)
{
	const char *name = prog_names[role][ip_link];
	struct bpf_program *p;
	int i, fd;

	for (i = -1; i < ld->n_extra; i++) {
		p = bpf_object__find_program_by_name(i < 0 ? ld->skel->obj : ld->extra[i]->obj, name);
		fd = p ? bpf_program__fd(p) : -1;
		if (fd >= 0)
			return fd;
	}
	if (load_extra(ld, name, err, errlen))
		return -1;
	return bpf_program__fd(bpf_object__find_program_by_name(ld->extra[ld->n_extra - 1]->obj, name));
}

/* A tc program: a TCX link where the kernel has them (unless --tc-link clsact), else a clsact filter. */
static int attach_tc(const struct loader *ld, struct attached_if *ai, enum bpf_tc_attach_point where, int prog_fd,
		     char *err, size_t errlen)
{
	int egress = where == BPF_TC_EGRESS;
	int rc = -EOPNOTSUPP;

	if (ld->tc_link != TC_LINK_CLSACT) {
		rc = tcx_attach(prog_fd, ai->ifindex, egress);
		if (rc >= 0) {
			*(egress ? &ai->egress_link_fd : &ai->ingress_link_fd) = rc;
			return 0;
		}
	}
	if (ld->tc_link != TC_LINK_TCX) {
		rc = tc_slot_attach(ai->ifindex, where, prog_fd);
		if (rc >= 0) {
			*(egress ? &ai->egress_slot : &ai->ingress_slot) = rc;
			return 0;
		}
	}
	snprintf(err, errlen, "%s: cannot attach the tc %s program%s: %s", ai->name, egress ? "egress" : "ingress",
		 ld->tc_link == TC_LINK_TCX ? " as a TCX link" : "", strerror(-rc));
	return -1;
}

/*
 * Where libxdp's dispatcher (xdp-loader) holds XDP, icmpmon's XDP program
 * joins it as one more of its programs: libxdp loads a second object, with
 * only that program and the first object's maps, as an extension of the
 * dispatcher. 1: no dispatcher there; -1: there is one, err says why icmpmon
 * could not join it.
 */
static int join_dispatcher(struct loader *ld, struct attached_if *ai, int ip_link, enum xdp_mode mode, char *err,
			   size_t errlen)
{
	const char *name = prog_names[ROLE_XDP][ip_link];
	struct icmpmon_bpf *x;
	char why[200] = "";
	int generic;

	switch (xdp_dispatcher_find(ai->ifindex, &generic, why, sizeof(why))) {
	case DISPATCHER_NONE:
		return 1;
	case DISPATCHER_UNREADABLE:
		snprintf(err, errlen, "%s: %s", ai->name, why);
		return -1;
	case DISPATCHER_FOUND:
		break;
	}
	if ((mode == XDP_MODE_NATIVE && generic) || (mode == XDP_MODE_GENERIC && !generic)) {
		snprintf(err, errlen, "%s: the libxdp dispatcher there runs in %s mode, --xdp-mode asks for %s",
			 ai->name, generic ? "generic" : "native", generic ? "native" : "generic");
		return -1;
	}
	x = open_sharing(ld, name, why, sizeof(why));
	if (x) {
		ai->xdp_member = xdp_dispatcher_join(x->obj, name, ai->ifindex, why, sizeof(why));
		if (!ai->xdp_member)
			icmpmon_bpf__destroy(x);
	}
	if (!x || !ai->xdp_member) {
		snprintf(err, errlen, "%s: cannot join the libxdp dispatcher there: %s", ai->name, why);
		return -1;
	}
	ai->member_obj = x;
	ai->xdp_generic = generic;
	return 0;
}

static int attach_catcher(struct loader *ld, struct attached_if *ai, int ip_link, enum attach_hook hook,
			  enum xdp_mode mode, char *err, size_t errlen)
{
	int fd, rc;

	if (hook == ATTACH_TC) {
		fd = prog_fd(ld, ROLE_TC_IN, ip_link, err, errlen);
		return fd < 0 ? -1 : attach_tc(ld, ai, BPF_TC_INGRESS, fd, err, errlen);
	}
	fd = prog_fd(ld, ROLE_XDP, ip_link, err, errlen);
	if (fd < 0)
		return -1;
	rc = attach_xdp(ai, fd, mode, err, errlen);
	if (taken(rc) && xdp_dispatcher_remove_stale(ai->ifindex, prog_names[ROLE_XDP], 2)) {
		ai->xdp_generic = 0; /* the dispatcher may have gone with the last of them */
		rc = attach_xdp(ai, fd, mode, err, errlen);
	}
	if (!rc || (taken(rc) && !join_dispatcher(ld, ai, ip_link, mode, err, errlen)))
		return 0;
	if (hook == ATTACH_XDP)
		return -1;
	snprintf(ai->fallback, sizeof(ai->fallback), "%s", err);
	fd = prog_fd(ld, ROLE_TC_IN, ip_link, err, errlen);
	return fd < 0 ? -1 : attach_tc(ld, ai, BPF_TC_INGRESS, fd, err, errlen);
}

/* Filters a killed run left, whichever kind of link they were made for. */
static void remove_stale_filters(int ifindex)
{
	static const char *const egress[] = { "icmpmon_egress", "icmpmon_egr_l3" };
	static const char *const ingress[] = { "icmpmon_tc_in", "icmpmon_tcin_l3" };
	int i;

	for (i = 0; i < 2; i++) {
		tc_slot_remove_stale(ifindex, BPF_TC_EGRESS, egress[i]);
		tc_slot_remove_stale(ifindex, BPF_TC_INGRESS, ingress[i]);
	}
}

/*
 * 0: Ethernet header, 1: frames start with the IP header, -1: neither (refused).
 * mac gets an Ethernet interface's address, else stays zero.
 */
static int link_kind(const char *name, struct ifmac_val *mac, char *err, size_t errlen)
{
	struct ifreq ifr;
	int fd, type;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || ioctl(fd, SIOCGIFHWADDR, &ifr)) {
		snprintf(err, errlen, "%s: cannot read the link type: %s", name, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	type = ifr.ifr_hwaddr.sa_family;
	switch (type) {
	case ARPHRD_ETHER:
		memcpy(mac->addr, ifr.ifr_hwaddr.sa_data, sizeof(mac->addr));
		return 0;
	case ARPHRD_LOOPBACK:
		return 0;
	case ARPHRD_NONE:
	case ARPHRD_TUNNEL:
	case ARPHRD_TUNNEL6:
	case ARPHRD_SIT:
	case ARPHRD_RAWIP:
		return 1;
	}
	snprintf(err, errlen, "%s: link type %d is neither Ethernet nor IP; icmpmon cannot listen there", name, type);
	return -1;
}

/* The tc egress attach, run beside the catcher's. */
struct egress_job {
	const struct loader *ld;
	struct attached_if *ai;
	int prog_fd;
	int rc;
	char err[256];
};

static void *egress_job_run(void *arg)
{
	struct egress_job *j = arg;

	j->rc = attach_tc(j->ld, j->ai, BPF_TC_EGRESS, j->prog_fd, j->err, sizeof(j->err));
	return NULL;
}

/*
 * The catcher (XDP or tc ingress) and tc egress, attached at the same time:
 * each attach waits for an RCU grace period in the kernel (the XDP
 * dispatcher, the TCX entry swap), about 10 ms apiece on a busy VM, and two
 * waits side by side end about together. The two write distinct fields of ai.
 */
static int attach_both(struct loader *ld, struct attached_if *ai, int ip_link, enum attach_hook hook,
		       enum xdp_mode mode, int egress_fd, char *err, size_t errlen)
{
	struct egress_job j = { .ld = ld, .ai = ai, .prog_fd = egress_fd };
	pthread_t t;
	int threaded, rc;

	threaded = !pthread_create(&t, NULL, egress_job_run, &j);
	rc = attach_catcher(ld, ai, ip_link, hook, mode, err, errlen);
	if (threaded)
		pthread_join(t, NULL);
	else
		egress_job_run(&j);
	if (rc)
		return -1;
	if (j.rc) {
		snprintf(err, errlen, "%s", j.err);
		return -1;
	}
	return 0;
}

int loader_attach(struct loader *ld, int ifindex, enum attach_hook hook, enum xdp_mode mode, char *err,
		  size_t errlen)
{
	struct ifmac_val mac = { 0 };
	struct attached_if *ai;
	__u32 key = (__u32)ifindex;
	int i, kind, egress;

	for (i = 0; i < ld->n_ifs; i++)
		if (ld->ifs[i].ifindex == ifindex)
			return 0;
	if (ld->n_ifs == LOADER_MAX_IFS) {
		snprintf(err, errlen, "targets are routed over more than %d interfaces", LOADER_MAX_IFS);
		return -1;
	}
	ai = &ld->ifs[ld->n_ifs];
	memset(ai, 0, sizeof(*ai));
	ai->ifindex = ifindex;
	ai->egress_slot = -1;
	ai->ingress_slot = -1;
	ai->xdp_link_fd = -1;
	ai->egress_link_fd = -1;
	ai->ingress_link_fd = -1;
	if (!if_indextoname((unsigned)ifindex, ai->name))
		snprintf(ai->name, sizeof(ai->name), "if%d", ifindex);
	ld->n_ifs++;

	kind = link_kind(ai->name, &mac, err, errlen);
	if (kind < 0)
		return -1;
	/* XDP checks a unicast reply's destination against it; tc has the stack's pkt_type */
	if (memcmp(mac.addr, (__u8[6]){ 0 }, sizeof(mac.addr)) &&
	    bpf_map__update_elem(ld->skel->maps.icmpmon_ifmac, &key, sizeof(key), &mac, sizeof(mac), BPF_ANY)) {
		snprintf(err, errlen, "%s: cannot record the interface's address: %s", ai->name, strerror(errno));
		return -1;
	}
	remove_stale_filters(ifindex);
	egress = prog_fd(ld, ROLE_EGRESS, kind, err, errlen);
	if (egress < 0)
		return -1;
	return attach_both(ld, ai, kind, hook, mode, egress, err, errlen);
}

int loader_in_dispatcher(const struct loader *ld)
{
	int i;

	for (i = 0; i < ld->n_ifs; i++)
		if (attached_dispatcher(&ld->ifs[i]))
			return 1;
	return 0;
}

int loader_ringbuf_fd(const struct loader *ld)
{
	return bpf_map__fd(ld->skel->maps.icmpmon_events);
}

void loader_set_reader_wake(struct loader *ld, __u64 mono_ns)
{
	/* the later objects share this .data (open_sharing) */
	__atomic_store_n(&ld->skel->data->reader_wake_ns, mono_ns, __ATOMIC_SEQ_CST);
}

int loader_probes_fd(const struct loader *ld)
{
	return bpf_map__fd(ld->skel->maps.icmpmon_probes);
}

__u64 loader_counter(const struct loader *ld, enum icmpmon_counter which)
{
	int ncpu = libbpf_num_possible_cpus();
	__u32 key = which;
	__u64 sum = 0;
	__u64 *vals;
	int i;

	if (ncpu <= 0)
		return 0;
	vals = calloc((size_t)ncpu, sizeof(*vals));
	if (!vals)
		return 0;
	if (!bpf_map_lookup_elem(bpf_map__fd(ld->skel->maps.icmpmon_counter), &key, vals))
		for (i = 0; i < ncpu; i++)
			sum += vals[i];
	free(vals);
	return sum;
}

static void *close_fd_run(void *arg)
{
	close(*(int *)arg);
	return NULL;
}

/*
 * Closes the links together: releasing an XDP or TCX link waits for an RCU
 * grace period, and waits side by side end about together.
 */
static void close_links(int *fds, int n)
{
	pthread_t t[3];
	int i, started[3] = { 0 };

	for (i = 1; i < n && i < 3; i++)
		started[i] = !pthread_create(&t[i], NULL, close_fd_run, &fds[i]);
	if (n > 0)
		close(fds[0]);
	for (i = 1; i < n && i < 3; i++) {
		if (started[i])
			pthread_join(t[i], NULL);
		else
			close(fds[i]);
	}
}

static void detach_if(struct attached_if *ai)
{
	int fds[3], n = 0;

	if (ai->xdp_member)
		xdp_dispatcher_leave(ai->xdp_member, ai->ifindex);
	ai->xdp_member = NULL;
	if (ai->member_obj)
		icmpmon_bpf__destroy(ai->member_obj);
	ai->member_obj = NULL;
	if (ai->egress_slot >= 0)
		tc_slot_detach(ai->ifindex, BPF_TC_EGRESS, ai->egress_slot);
	if (ai->ingress_slot >= 0)
		tc_slot_detach(ai->ifindex, BPF_TC_INGRESS, ai->ingress_slot);
	if (ai->xdp_link_fd >= 0)
		fds[n++] = ai->xdp_link_fd;
	if (ai->egress_link_fd >= 0)
		fds[n++] = ai->egress_link_fd;
	if (ai->ingress_link_fd >= 0)
		fds[n++] = ai->ingress_link_fd;
	close_links(fds, n);
}

void loader_forget(struct loader *ld, int ifindex)
{
	int k;

	for (k = 0; k < ld->n_ifs; k++)
		if (ld->ifs[k].ifindex == ifindex)
			break;
	if (k == ld->n_ifs)
		return;
	detach_if(&ld->ifs[k]); /* a deleted device took its filters along: the tc calls fail harmlessly */
	memmove(&ld->ifs[k], &ld->ifs[k + 1], (size_t)(ld->n_ifs - k - 1) * sizeof(ld->ifs[0]));
	ld->n_ifs--;
}

void loader_destroy(struct loader *ld)
{
	int i;

	for (i = 0; i < ld->n_ifs; i++)
		detach_if(&ld->ifs[i]);
	ld->n_ifs = 0;
	wire_detach(&ld->wire);
	ld->tx_wire = 0;
	if (ld->stats)
		munmap(ld->stats, ld->stats_len);
	ld->stats = NULL;
	if (ld->skel && (ld->pinned || ld->made_pin_dir))
		unpin_maps(ld);
	if (ld->pin_lock_fd >= 0)
		close(ld->pin_lock_fd); /* after the unpinning: the next run may take the directory */
	ld->pin_lock_fd = -1;
	for (i = 0; i < ld->n_extra; i++)
		icmpmon_bpf__destroy(ld->extra[i]);
	ld->n_extra = 0;
	icmpmon_bpf__destroy(ld->skel);
	ld->skel = NULL;
}
