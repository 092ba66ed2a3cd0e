// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * cgroup.c - one cgroup per zone, under the cgroup of the process that boots
 * it, with the zone's limits applied; usage read back for `zonectl stat`.
 *
 * Theory:
 *   Where: for each hierarchy we use, the caller's own cgroup in that
 *   hierarchy (from /proc/self/cgroup) is the parent P.  We create
 *   P/zones-TAG/NAME, TAG being a hash of the zones root so that two stores
 *   on one host never collide.  We never write outside P, and never write
 *   anything in P itself except, on pure v2, enabling controllers in its
 *   subtree_control (delegation's contract).  v2 forbids processes in an
 *   inner node, so on pure v2 zoned first moves itself into
 *   P/zones-TAG.supervisor, a leaf of its own (zone_cgroup_enter_supervisor).
 *   Which: pure v2 uses the unified hierarchy with the controllers our
 *   parent offers.  Hybrid and v1 hosts use the v1 hierarchies memory,
 *   cpu, cpuacct, pids (always, for stat), devices (always), cpuset and
 *   blkio (only when a limit needs them).  The unified hierarchy of a hybrid
 *   host, which has no controllers, is not used.
 *   Devices: the zone's device allow-list (devices.c) goes into the v1
 *   devices leaf, or on pure v2 is a BPF program attached to the zone's
 *   cgroup, both before the paths are handed on: no zone process is in the
 *   cgroup without it.
 *   Record: the directories created are returned as a JSON array of
 *   absolute paths; the runtime stores it in the zone's state so that
 *   halt, login and stat use exactly what boot made, even if the daemon
 *   that reads it later runs in another cgroup.
 *   The zones-TAG directories are not recorded: they stay while zoned
 *   runs, and zone_cgroup_release() removes them when it stops.
 *   Teardown: a cgroup can be removed once empty; the zone's processes are
 *   gone when its pid namespace is (killing init kills them all), but their
 *   exit is asynchronous, so removal retries briefly on EBUSY.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>
#include <linux/magic.h>

#include "zone.h"
#include "util.h"
#include "runtime.h"

/* v1 controllers, in the order their directories are created. */
enum { CG_MEMORY, CG_CPU, CG_CPUACCT, CG_PIDS, CG_DEVICES, CG_CPUSET, CG_BLKIO, _CG_MAX };
static const char *const v1_names[_CG_MAX] = { "memory", "cpu", "cpuacct", "pids", "devices",
					       "cpuset", "blkio" };

struct hierarchy {
	char *parent; /* absolute directory of our own cgroup in it */
	char *mnt;    /* its mount point */
	char *ctrls;  /* the controllers mounted there ("cpu,cpuacct") */
};

struct layout {
	bool v2;
	char *v2_parent;                 /* pure v2: our cgroup's directory */
	bool v2_root;                    /* ... and it is the hierarchy's root */
	struct hierarchy v1[_CG_MAX];    /* v1: per controller, NULL if absent */
};

static void layout_free(struct layout *l)
{
	free(l->v2_parent);
	for (int i = 0; i < _CG_MAX; i++) {
		free(l->v1[i].parent);
		free(l->v1[i].mnt);
		free(l->v1[i].ctrls);
	}
}

/* Does the comma-separated option list `opts` contain `word`? */
static bool has_opt(const char *opts, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = opts; p && *p;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == n && strncmp(p, word, n) == 0)
			return true;
		p = e ? e + 1 : NULL;
	}
	return false;
}

/* A copy of the line at *cur without its newline, *cur moved past it;
 * 0 at the end of the text, -ENOMEM. */
static int next_line(const char **cur, char **out)
{
	const char *line = *cur;
	if (!line || !*line)
		return 0;
	const char *end = strchr(line, '\n');
	*cur = end ? end + 1 : NULL;
	*out = strndup(line, end ? (size_t)(end - line) : strlen(line));
	return *out ? 1 : -ENOMEM;
}

/*
 * Find the mount point of a cgroup hierarchy: for v2 (`controller` NULL) the
 * cgroup2 mount, else the cgroup (v1) mount whose options name the controller.
 * Returns mount point and mount root (mountinfo fields 5 and 4).
 */
static int find_mount(const char *mountinfo, const char *controller, char **mnt, char **mroot,
		      char **ctrls)
{
	const char *cur = mountinfo;
	for (;;) {
		_cleanup_free_ char *l = NULL;
		int r = next_line(&cur, &l);
		if (r <= 0)
			return r < 0 ? r : -ENOENT;
		char *sep = strstr(l, " - ");
		if (!sep)
			continue;
		char fstype[32], source[256], sopts[1024];
		if (sscanf(sep + 3, "%31s %255s %1023s", fstype, source, sopts) != 3)
			continue;
		bool match = controller ? strcmp(fstype, "cgroup") == 0 && has_opt(sopts, controller) :
					  strcmp(fstype, "cgroup2") == 0;
		if (!match)
			continue;
		char root[4096], point[4096];
		if (sscanf(l, "%*s %*s %*s %4095s %4095s", root, point) != 2)
			continue;
		*mnt = strdup(point);
		*mroot = strdup(root);
		if (ctrls) {
			/* the controllers among the super options */
			char list[256] = "";
			for (int i = 0; i < _CG_MAX; i++)
				if (has_opt(sopts, v1_names[i]))
					snprintf(list + strlen(list), sizeof(list) - strlen(list),
						 "%s%s", *list ? "," : "", v1_names[i]);
			*ctrls = strdup(list);
			if (!*ctrls)
				return -ENOMEM;
		}
		return *mnt && *mroot ? 0 : -ENOMEM;
	}
}

/* Our cgroup path in a hierarchy from /proc/self/cgroup ("" key = v2). */
static int own_path(const char *selfcg, const char *controller, char **out)
{
	const char *cur = selfcg;
	for (;;) {
		_cleanup_free_ char *l = NULL;
		int r = next_line(&cur, &l);
		if (r <= 0)
			return r < 0 ? r : -ENOENT;
		char *c1 = strchr(l, ':');
		char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c2 = '\0';
		const char *ctrls = c1 + 1, *path = c2 + 1;
		bool match = controller ? has_opt(ctrls, controller) : (l[0] == '0' && !*ctrls);
		if (match) {
			*out = strdup(path);
			return *out ? 0 : -ENOMEM;
		}
	}
}

static char *join_cg(const char *mnt, const char *mroot, const char *path)
{
	/* path is relative to the hierarchy root; the mount may show a subtree */
	size_t rl = strlen(mroot);
	if (strcmp(mroot, "/") != 0 && strncmp(path, mroot, rl) == 0)
		path += rl;
	if (strcmp(path, "/") == 0)
		path = "";
	return zone_strdup_printf("%s%s", mnt, path);
}

/* zoned in its own leaf P/zones-TAG.supervisor (v2): the zones' parent is P. */
static void strip_supervisor(char *path)
{
	char *last = strrchr(path, '/');
	unsigned tag;
	int n = 0;
	if (last && sscanf(last, "/zones-%8x.supervisor%n", &tag, &n) == 1 &&
	    last[n] == '\0' && n == (int)strlen("/zones-12345678.supervisor"))
		*(last == path ? last + 1 : last) = '\0';
}

static int detect_uncached(struct layout *l, struct zone_error *err)
{
	memset(l, 0, sizeof(*l));
	_cleanup_free_ char *mi = NULL, *selfcg = NULL;
	ssize_t n;
	if ((n = zone_read_file("/proc/self/mountinfo", &mi, 1 << 22)) < 0 ||
	    (n = zone_read_file("/proc/self/cgroup", &selfcg, 1 << 16)) < 0)
		return zone_error_errno(err, (int)-n, "cgroup: read /proc/self");

	/* Pure v2: no v1 memory hierarchy, and a cgroup2 mount. */
	_cleanup_free_ char *m = NULL, *r = NULL;
	if (find_mount(mi, "memory", &m, &r, NULL) == -ENOENT) {
		_cleanup_free_ char *m2 = NULL, *r2 = NULL, *p = NULL;
		if (find_mount(mi, NULL, &m2, &r2, NULL) < 0 || own_path(selfcg, NULL, &p) < 0)
			return zone_error_set(err, ENOENT,
					      "cgroup: no cgroup v1 memory hierarchy and no cgroup2 "
					      "mount; mount cgroup2 on /sys/fs/cgroup");
		l->v2 = true;
		strip_supervisor(p);
		l->v2_parent = join_cg(m2, r2, p);
		l->v2_root = strcmp(p, "/") == 0;
		return l->v2_parent ? 0 : zone_error_set(err, ENOMEM, "out of memory");
	}
	for (int i = 0; i < _CG_MAX; i++) {
		_cleanup_free_ char *mroot = NULL, *p = NULL;
		if (find_mount(mi, v1_names[i], &l->v1[i].mnt, &mroot, &l->v1[i].ctrls) < 0 ||
		    own_path(selfcg, v1_names[i], &p) < 0)
			continue;
		l->v1[i].parent = join_cg(l->v1[i].mnt, mroot, p);
		if (!l->v1[i].parent)
			return zone_error_set(err, ENOMEM, "out of memory");
	}
	static const int required[] = { CG_MEMORY, CG_CPU, CG_PIDS };
	for (size_t i = 0; i < ELEMENTSOF(required); i++)
		if (!l->v1[required[i]].parent)
			return zone_error_set(err, ENOENT, "cgroup: the v1 %s controller is not "
					      "mounted", v1_names[required[i]]);
	return 0;
}

static char *dup_or_null(const char *s, bool *oom)
{
	char *d = s ? strdup(s) : NULL;
	if (s && !d)
		*oom = true;
	return d;
}

/*
 * detect() reads and parses mountinfo and our cgroup: about 50 us, and a
 * boot asks twice (create, mounts).  The answer is kept per process (a
 * fork asks again) and forgotten when we move ourselves.
 */
static struct layout cached;
static pid_t cached_pid;

static void detect_forget(void)
{
	if (cached_pid)
		layout_free(&cached);
	cached_pid = 0;
}

static int detect(struct layout *l, struct zone_error *err)
{
	if (cached_pid != getpid()) {
		if (cached_pid)
			layout_free(&cached);
		cached_pid = 0;
		int r = detect_uncached(&cached, err);
		if (r < 0) {
			layout_free(&cached);
			memset(l, 0, sizeof(*l));
			return r;
		}
		cached_pid = getpid();
	}
	bool oom = false;
	memset(l, 0, sizeof(*l));
	l->v2 = cached.v2;
	l->v2_root = cached.v2_root;
	l->v2_parent = dup_or_null(cached.v2_parent, &oom);
	for (int i = 0; i < _CG_MAX; i++) {
		l->v1[i].parent = dup_or_null(cached.v1[i].parent, &oom);
		l->v1[i].mnt = dup_or_null(cached.v1[i].mnt, &oom);
		l->v1[i].ctrls = dup_or_null(cached.v1[i].ctrls, &oom);
	}
	return oom ? zone_error_set(err, ENOMEM, "out of memory") : 0;
}

/* Write a string to DIR/FILE; the error names the file and the value. */
static int cg_write_path(const char *p, const char *val, struct zone_error *err)
{
	_cleanup_close_ int fd = open(p, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return zone_error_errno(err, errno, "cgroup: open %s", p);
	if (write(fd, val, strlen(val)) < 0)
		return zone_error_errno(err, errno, "cgroup: write \"%s\" to %s", val, p);
	return 0;
}

static int cg_write(const char *dir, const char *file, const char *val, struct zone_error *err)
{
	_cleanup_free_ char *p = zone_strdup_printf("%s/%s", dir, file);
	if (!p)
		return zone_error_set(err, ENOMEM, "out of memory");
	return cg_write_path(p, val, err);
}

static bool cg_has(const char *dir, const char *file)
{
	_cleanup_free_ char *p = zone_strdup_printf("%s/%s", dir, file);
	return p && access(p, F_OK) == 0;
}

static int cg_read(const char *dir, const char *file, char **out)
{
	_cleanup_free_ char *p = zone_strdup_printf("%s/%s", dir, file);
	if (!p)
		return -ENOMEM;
	ssize_t n = zone_read_file(p, out, 1 << 16);
	return n < 0 ? (int)n : 0;
}

/* mkdir that tolerates an existing directory (ours from an earlier boot). */
static int cg_mkdir(const char *p, struct zone_error *err)
{
	if (mkdir(p, 0755) < 0 && errno != EEXIST)
		return zone_error_errno(err, errno, "cgroup: create %s", p);
	return 0;
}

/* v1 cpuset: a new cgroup has empty cpus/mems until set; copy the parent's. */
static int cpuset_inherit(const char *parent, const char *dir, struct zone_error *err)
{
	static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
	for (size_t i = 0; i < ELEMENTSOF(files); i++) {
		_cleanup_free_ char *mine = NULL, *theirs = NULL;
		if (cg_read(dir, files[i], &mine) == 0 && mine[0] != '\n' && mine[0])
			continue;
		if (cg_read(parent, files[i], &theirs) < 0)
			return zone_error_errno(err, EIO, "cgroup: read %s/%s", parent, files[i]);
		int r = cg_write(dir, files[i], theirs, err);
		if (r < 0)
			return r;
	}
	return 0;
}

char *zone_cgroup_tag(const char *root)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (const char *c = root; *c; c++) {
		h ^= (unsigned char)*c;
		h *= 16777619u;
	}
	return zone_strdup_printf("zones-%08x", h);
}

/* Remove a directory we created, retrying while its last tasks exit. */
static int cg_rmdir(const char *p, int timeout_ms)
{
	for (int waited = 0;; waited += 5) {
		if (rmdir(p) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY || waited >= timeout_ms)
			return -errno;
		struct timespec ts = { 0, 5 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
}

/* The leaves are the paths below a zones-TAG directory (the zones' own). */
static bool is_leaf(const char *p)
{
	const char *last = strrchr(p, '/');
	if (!last || last == p)
		return false;
	const char *prev = last - 1;
	while (prev > p && *prev != '/')
		prev--;
	return strncmp(prev, "/zones-", 7) == 0;
}

int zone_cgroup_destroy(json_t *paths, struct zone_error *err)
{
	int r = 0;
	/* Leaves first: they were appended after their parents. */
	for (size_t i = json_array_size(paths); i-- > 0;) {
		const char *p = json_string_value(json_array_get(paths, i));
		if (!p)
			continue;
		bool leaf = is_leaf(p);
		int q = cg_rmdir(p, leaf ? 2000 : 0);
		/* a zones-TAG directory is shared with other zones: busy is fine */
		if (q < 0 && !(q == -EBUSY && !leaf) && r == 0)
			r = zone_error_errno(err, -q, "cgroup: remove %s", p);
	}
	return r;
}

/*
 * Pure v2: cgroup v2 lets no process live in a cgroup that hands controllers
 * to its children (the root excepted), and zoned's own cgroup P -- a systemd
 * unit's, say -- is where the zones' cgroups go.  So zoned, before it serves
 * anyone, moves itself into a leaf of its own, P/zones-TAG.supervisor; the
 * workers and monitors it forks are born there, and detect() still takes P
 * as the zones' parent.  Nothing to do on v1 or hybrid hosts or in the root.
 */
int zone_cgroup_enter_supervisor(const char *root, struct zone_error *err)
{
	struct layout lay;
	int r = detect(&lay, err);
	if (r < 0 || !lay.v2 || lay.v2_root) {
		layout_free(&lay);
		return r < 0 ? r : 0;
	}
	_cleanup_free_ char *tag = zone_cgroup_tag(root);
	_cleanup_free_ char *sup = tag ? zone_strdup_printf("%s/%s.supervisor", lay.v2_parent,
							    tag) : NULL;
	layout_free(&lay);
	if (!sup)
		return zone_error_set(err, ENOMEM, "out of memory");
	if ((r = cg_mkdir(sup, err)) < 0)
		return r;
	detect_forget();
	return cg_write(sup, "cgroup.procs", "0", err);
}

/*
 * Remove the store's zones-TAG directories once no zone is under them.  They
 * outlive each zone on purpose: creating and removing them on every boot and
 * halt cost two mkdir and two rmdir per hierarchy.  zoned calls this when it
 * stops; a directory that still holds a running zone's cgroup stays.
 */
void zone_cgroup_release(const char *root)
{
	struct layout lay;
	struct zone_error e = { 0 };
	_cleanup_free_ char *tag = zone_cgroup_tag(root);
	if (!tag || detect(&lay, &e) < 0) {
		layout_free(&lay);
		return;
	}
	if (lay.v2) {
		_cleanup_free_ char *mid = zone_strdup_printf("%s/%s", lay.v2_parent, tag);
		if (mid)
			rmdir(mid);
	}
	for (int i = 0; i < _CG_MAX; i++) {
		if (!lay.v1[i].parent)
			continue;
		_cleanup_free_ char *mid = zone_strdup_printf("%s/%s", lay.v1[i].parent, tag);
		if (mid)
			rmdir(mid);
	}
	layout_free(&lay);
}

/* Create parent/TAG and parent/TAG/NAME, recording the zone's own. */
static int make_dirs(const char *parent, const char *tag, const char *name, json_t *paths,
		     char **leaf, struct zone_error *err)
{
	_cleanup_free_ char *mid = zone_strdup_printf("%s/%s", parent, tag);
	_cleanup_free_ char *dir = zone_strdup_printf("%s/%s/%s", parent, tag, name);
	if (!mid || !dir)
		return zone_error_set(err, ENOMEM, "out of memory");
	int r = cg_mkdir(mid, err);
	if (r < 0)
		return r;
	/* not recorded: zones-TAG outlives each zone (see zone_cgroup_release) */
	if ((r = cg_mkdir(dir, err)) < 0)
		return r;
	json_array_append_new(paths, json_string(dir));
	*leaf = TAKE_PTR(dir);
	return 0;
}

static int apply_v1(struct layout *lay, const char *tag, const char *name,
		    const struct zone_limits *l, const struct zone_devrules *devs, json_t *paths,
		    struct zone_error *err)
{
	char buf[64];
	int r;
	if (!lay->v1[CG_DEVICES].parent)
		return zone_error_set(err, ENOENT, "cgroup: the v1 devices controller is not "
				      "mounted: the zone's device list cannot be enforced");
	for (int i = 0; i < _CG_MAX; i++) {
		if (!lay->v1[i].parent)
			continue;
		if (i == CG_CPUSET && !l->cpuset)
			continue;
		if (i == CG_BLKIO && !l->io_weight)
			continue;
		_cleanup_free_ char *dir = NULL;
		if ((r = make_dirs(lay->v1[i].parent, tag, name, paths, &dir, err)) < 0)
			return r;
		switch (i) {
		case CG_MEMORY:
			if (l->memory_cap) {
				snprintf(buf, sizeof(buf), "%llu", (unsigned long long)l->memory_cap);
				if ((r = cg_write(dir, "memory.limit_in_bytes", buf, err)) < 0)
					return zone_error_wrap(err, "limits.memory_cap");
			}
			if (l->swap_cap) {
				if (!cg_has(dir, "memory.memsw.limit_in_bytes"))
					return zone_error_set(err, EOPNOTSUPP,
							      "limits.swap_cap: this host does not "
							      "account swap (boot with swapaccount=1)");
				snprintf(buf, sizeof(buf), "%llu",
					 (unsigned long long)(l->memory_cap + l->swap_cap));
				if ((r = cg_write(dir, "memory.memsw.limit_in_bytes", buf, err)) < 0)
					return zone_error_wrap(err, "limits.swap_cap");
			}
			break;
		case CG_CPU:
			if (l->cpu_cap) {
				if ((r = cg_write(dir, "cpu.cfs_period_us", "100000", err)) < 0)
					return zone_error_wrap(err, "limits.cpu_cap");
				snprintf(buf, sizeof(buf), "%llu",
					 (unsigned long long)l->cpu_cap * 1000);
				if ((r = cg_write(dir, "cpu.cfs_quota_us", buf, err)) < 0)
					return zone_error_wrap(err, "limits.cpu_cap");
			}
			if (l->cpu_shares) {
				snprintf(buf, sizeof(buf), "%llu", (unsigned long long)l->cpu_shares);
				if ((r = cg_write(dir, "cpu.shares", buf, err)) < 0)
					return zone_error_wrap(err, "limits.cpu_shares");
			}
			break;
		case CG_PIDS:
			if (l->max_processes) {
				snprintf(buf, sizeof(buf), "%llu",
					 (unsigned long long)l->max_processes);
				if ((r = cg_write(dir, "pids.max", buf, err)) < 0)
					return zone_error_wrap(err, "limits.max_processes");
			}
			break;
		case CG_DEVICES:
			if ((r = zone_devices_apply_v1(dir, devs, err)) < 0)
				return r;
			break;
		case CG_CPUSET: {
			_cleanup_free_ char *mid = zone_strdup_printf("%s/%s", lay->v1[i].parent, tag);
			if (!mid)
				return zone_error_set(err, ENOMEM, "out of memory");
			if ((r = cpuset_inherit(lay->v1[i].parent, mid, err)) < 0 ||
			    (r = cpuset_inherit(mid, dir, err)) < 0)
				return r;
			if ((r = cg_write(dir, "cpuset.cpus", l->cpuset, err)) < 0)
				return zone_error_wrap(err, "limits.cpuset");
			break;
		}
		case CG_BLKIO: {
			/* v1 weights run 10..1000; ours (v2's) 1..10000 */
			unsigned long long w = l->io_weight / 10;
			w = w < 10 ? 10 : w > 1000 ? 1000 : w;
			snprintf(buf, sizeof(buf), "%llu", w);
			const char *f = cg_has(dir, "blkio.weight")     ? "blkio.weight" :
					cg_has(dir, "blkio.bfq.weight") ? "blkio.bfq.weight" :
									  NULL;
			if (!f)
				return zone_error_set(err, EOPNOTSUPP,
						      "limits.io_weight: %llu: this host's blkio "
						      "controller has no weight control (no CFQ/BFQ "
						      "scheduler)",
						      (unsigned long long)l->io_weight);
			if ((r = cg_write(dir, f, buf, err)) < 0)
				return zone_error_wrap(err, "limits.io_weight");
			break;
		}
		}
	}
	return 0;
}

static bool word_in(const char *list, const char *w)
{
	size_t n = strlen(w);
	for (const char *p = list; (p = strstr(p, w)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\n' || !p[n]))
			return true;
	return false;
}

/* Pure v2: enable the controllers we need in our own cgroup's subtree. */
static int v2_enable(struct layout *lay, const char *want, struct zone_error *err)
{
	_cleanup_free_ char *avail = NULL, *on = NULL;
	if (cg_read(lay->v2_parent, "cgroup.controllers", &avail) < 0)
		return zone_error_errno(err, EIO, "cgroup: read %s/cgroup.controllers",
					lay->v2_parent);
	cg_read(lay->v2_parent, "cgroup.subtree_control", &on);
	char cmd[256] = "";
	_cleanup_free_ char *w = strdup(want);
	if (!w)
		return zone_error_set(err, ENOMEM, "out of memory");
	char *save = NULL;
	for (char *c = strtok_r(w, " ", &save); c; c = strtok_r(NULL, " ", &save)) {
		if (!word_in(avail, c) || (on && word_in(on, c)))
			continue;
		snprintf(cmd + strlen(cmd), sizeof(cmd) - strlen(cmd), "%s+%s", *cmd ? " " : "", c);
	}
	if (!*cmd)
		return 0;
	struct zone_error e2 = { 0 };
	if (cg_write(lay->v2_parent, "cgroup.subtree_control", cmd, &e2) == 0)
		return 0;
	if (e2.code != EBUSY) {
		*err = e2;
		return -e2.code;
	}
	/* zoned left it (zone_cgroup_enter_supervisor); someone else lives there */
	return zone_error_set(err, EBUSY, "cgroup: %s holds processes other than zoned's, and "
			      "cgroup v2 gives no controllers to the children of such a "
			      "cgroup: run zoned in a cgroup of its own (zoned.service, or "
			      "systemd-run -p Delegate=yes)", lay->v2_parent);
}

static int apply_v2(struct layout *lay, const char *tag, const char *name,
		    const struct zone_limits *l, const struct zone_devrules *devs, json_t *paths,
		    struct zone_error *err)
{
	int r = v2_enable(lay, "cpu memory pids cpuset io", err);
	if (r < 0)
		return zone_error_wrap(err, "cgroup: enable controllers in %s", lay->v2_parent);
	_cleanup_free_ char *mid = zone_strdup_printf("%s/%s", lay->v2_parent, tag);
	if (!mid)
		return zone_error_set(err, ENOMEM, "out of memory");
	if ((r = cg_mkdir(mid, err)) < 0)
		return r;
	_cleanup_free_ char *on = NULL;
	cg_read(lay->v2_parent, "cgroup.subtree_control", &on);
	if (on && *on && *on != '\n') {
		/* pass the same controllers on to the zone cgroups */
		char cmd[256] = "";
		char *save = NULL;
		on[strcspn(on, "\n")] = '\0';
		for (char *c = strtok_r(on, " ", &save); c; c = strtok_r(NULL, " ", &save))
			snprintf(cmd + strlen(cmd), sizeof(cmd) - strlen(cmd), "%s+%s",
				 *cmd ? " " : "", c);
		if ((r = cg_write(mid, "cgroup.subtree_control", cmd, err)) < 0)
			return r;
	}
	_cleanup_free_ char *dir = zone_strdup_printf("%s/%s", mid, name);
	if (!dir)
		return zone_error_set(err, ENOMEM, "out of memory");
	if ((r = cg_mkdir(dir, err)) < 0)
		return r;
	json_array_append_new(paths, json_string(dir));
	if ((r = zone_devices_attach_v2(dir, devs, err)) < 0)
		return r;

	char buf[64];
	struct { uint64_t v; const char *file, *field; } simple[] = {
		{ l->memory_cap, "memory.max", "limits.memory_cap" },
		{ l->swap_cap, "memory.swap.max", "limits.swap_cap" },
		{ l->max_processes, "pids.max", "limits.max_processes" },
	};
	for (size_t i = 0; i < ELEMENTSOF(simple); i++) {
		if (!simple[i].v)
			continue;
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)simple[i].v);
		if ((r = cg_write(dir, simple[i].file, buf, err)) < 0)
			return zone_error_wrap(err, "%s", simple[i].field);
	}
	if (l->cpu_cap) {
		snprintf(buf, sizeof(buf), "%llu 100000", (unsigned long long)l->cpu_cap * 1000);
		if ((r = cg_write(dir, "cpu.max", buf, err)) < 0)
			return zone_error_wrap(err, "limits.cpu_cap");
	}
	if (l->cpu_shares) {
		/* shares 1024 (v1's default) is weight 100 (v2's default) */
		unsigned long long w = l->cpu_shares * 100 / 1024;
		w = w < 1 ? 1 : w > 10000 ? 10000 : w;
		snprintf(buf, sizeof(buf), "%llu", w);
		if ((r = cg_write(dir, "cpu.weight", buf, err)) < 0)
			return zone_error_wrap(err, "limits.cpu_shares");
	}
	if (l->cpuset && (r = cg_write(dir, "cpuset.cpus", l->cpuset, err)) < 0)
		return zone_error_wrap(err, "limits.cpuset");
	if (l->io_weight) {
		if (!cg_has(dir, "io.weight"))
			return zone_error_set(err, EOPNOTSUPP,
					      "limits.io_weight: %llu: the io controller is not "
					      "available in %s",
					      (unsigned long long)l->io_weight, lay->v2_parent);
		snprintf(buf, sizeof(buf), "default %llu", (unsigned long long)l->io_weight);
		if ((r = cg_write(dir, "io.weight", buf, err)) < 0)
			return zone_error_wrap(err, "limits.io_weight");
	}
	return 0;
}

int zone_cgroup_create(const char *root, const struct zone_config *c, json_t *policy_mounts,
		       json_t **out, struct zone_error *err)
{
	const char *name = c->name;
	const struct zone_limits *l = &c->limits;
	/* first: a missing device fails the boot before anything is made */
	_cleanup_(zone_devrules_free) struct zone_devrules devs = { 0 };
	int r = zone_devices_rules(c->devices, c->n_devices,
				   json_object_get(policy_mounts, "devices"), &devs, err);
	if (r < 0)
		return r;
	struct layout lay;
	if ((r = detect(&lay, err)) < 0) {
		layout_free(&lay);
		return r;
	}
	_cleanup_free_ char *tag = zone_cgroup_tag(root);
	json_t *paths = json_array();
	if (!tag || !paths) {
		layout_free(&lay);
		json_decref(paths);
		return zone_error_set(err, ENOMEM, "out of memory");
	}
	r = lay.v2 ? apply_v2(&lay, tag, name, l, &devs, paths, err) :
		     apply_v1(&lay, tag, name, l, &devs, paths, err);
	layout_free(&lay);
	if (r < 0) {
		zone_cgroup_destroy(paths, NULL); /* roll back what we made */
		json_decref(paths);
		return r;
	}
	*out = paths;
	return 0;
}

/* Write val into each of the zone's own cgroups: to v1file where a v1
 * hierarchy has it (NULL: never), else to cgroup.procs. */
static int write_leaves(json_t *paths, const char *file, const char *val,
			struct zone_error *err)
{
	size_t i;
	json_t *v;
	json_array_foreach(paths, i, v) {
		const char *p = json_string_value(v);
		if (!p || !is_leaf(p))
			continue;
		int r = cg_write(p, file, val, err);
		if (r < 0)
			return r;
	}
	return 0;
}

/* The files a process writes "0" to to move itself into the zone's cgroups:
 * each hierarchy's `tasks` on v1, `cgroup.procs` on v2.  NULL-ended; NULL
 * when out of memory. */
char **zone_cgroup_self_files(json_t *paths)
{
	const char *file = zone_cgroup_is_v1(paths) ? "tasks" : "cgroup.procs";
	size_t n = json_array_size(paths), k = 0;
	char **v = calloc(n + 1, sizeof(char *));
	for (size_t i = 0; v && i < n; i++) {
		const char *p = json_string_value(json_array_get(paths, i));
		if (p && is_leaf(p) && !(v[k++] = zone_strdup_printf("%s/%s", p, file))) {
			strv_freep(&v);
			return NULL;
		}
	}
	return v;
}

/* Move ourselves into them.  Allocates nothing: the network namespace helper
 * (monitor.c) shares the monitor's memory when it calls this. */
int zone_cgroup_join_files(char *const *files, struct zone_error *err)
{
	for (size_t i = 0; files && files[i]; i++) {
		int r = cg_write_path(files[i], "0", err);
		if (r < 0)
			return r;
	}
	return 0;
}

int zone_cgroup_attach(json_t *paths, pid_t pid, struct zone_error *err)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%d", (int)pid);
	return write_leaves(paths, "cgroup.procs", buf, err);
}

/*
 * Move the calling (single-threaded) process into the zone's cgroups.  On v1
 * we write "0" to each hierarchy's `tasks` file: migrating oneself, one
 * thread, is the one migration the kernel does without the global
 * threadgroup lock, whose first writer waits a whole RCU grace period
 * (7-30 ms measured here) -- it was most of a zone's boot time.  The zone's
 * first process does this (and login's helper); on v2 it writes "0" to
 * cgroup.procs.
 */
int zone_cgroup_join_self(json_t *paths, struct zone_error *err)
{
	detect_forget();
	_cleanup_strv_ char **files = zone_cgroup_self_files(paths);
	if (!files)
		return zone_error_set(err, ENOMEM, "out of memory");
	return zone_cgroup_join_files(files, err);
}

bool zone_cgroup_is_v1(json_t *paths)
{
	size_t i;
	json_t *v;
	json_array_foreach(paths, i, v) {
		const char *p = json_string_value(v);
		if (p && is_leaf(p))
			return cg_has(p, "tasks");
	}
	return false;
}

/* Find the leaf of a hierarchy by a file it must contain. */
static const char *leaf_with(json_t *paths, const char *file)
{
	size_t i;
	json_t *v;
	json_array_foreach(paths, i, v) {
		const char *p = json_string_value(v);
		if (p && is_leaf(p) && cg_has(p, file))
			return p;
	}
	return NULL;
}

static long long read_num(const char *dir, const char *file)
{
	_cleanup_free_ char *s = NULL;
	if (!dir || cg_read(dir, file, &s) < 0)
		return -1;
	if (strncmp(s, "max", 3) == 0)
		return -1;
	return strtoll(s, NULL, 10);
}

/* "key N" lines (memory.events, pids.events, cpu.stat, memory.oom_control). */
static long long read_key(const char *dir, const char *file, const char *key)
{
	_cleanup_free_ char *s = NULL;
	if (!dir || cg_read(dir, file, &s) < 0)
		return -1;
	size_t n = strlen(key);
	for (char *line = s; line && *line;) {
		if (strncmp(line, key, n) == 0 && line[n] == ' ')
			return strtoll(line + n + 1, NULL, 10);
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return -1;
}

static json_t *num_or_null(long long v)
{
	return v >= 0 ? json_integer(v) : json_null();
}

int zone_cgroup_stat(json_t *paths, json_t **out, struct zone_error *err)
{
	json_t *o = json_object();
	if (!o)
		return zone_error_set(err, ENOMEM, "out of memory");
	const char *mem = leaf_with(paths, "memory.usage_in_bytes");
	if (mem) { /* v1 */
		long long lim = read_num(mem, "memory.limit_in_bytes");
		json_object_set_new(o, "memory", json_pack("{s:o,s:o,s:o,s:o,s:o}",
			"current", num_or_null(read_num(mem, "memory.usage_in_bytes")),
			"peak", num_or_null(read_num(mem, "memory.max_usage_in_bytes")),
			"max", lim >= 0 && lim < (1LL << 62) ? json_integer(lim) : json_null(),
			"limit_hits", num_or_null(read_num(mem, "memory.failcnt")),
			"oom_kills", num_or_null(read_key(mem, "memory.oom_control", "oom_kill"))));
		const char *cpuacct = leaf_with(paths, "cpuacct.usage");
		long long ns = read_num(cpuacct, "cpuacct.usage");
		const char *cpu = leaf_with(paths, "cpu.cfs_quota_us");
		long long quota = read_num(cpu, "cpu.cfs_quota_us");
		long long period = read_num(cpu, "cpu.cfs_period_us");
		json_object_set_new(o, "cpu", json_pack("{s:o,s:o,s:o}",
			"usage_usec", ns >= 0 ? json_integer(ns / 1000) : json_null(),
			"cap_percent", quota > 0 && period > 0 ? json_integer(quota * 100 / period) :
								  json_null(),
			"throttled", num_or_null(read_key(cpu, "cpu.stat", "nr_throttled"))));
	} else if ((mem = leaf_with(paths, "memory.current"))) { /* v2 */
		json_object_set_new(o, "memory", json_pack("{s:o,s:o,s:o,s:o,s:o}",
			"current", num_or_null(read_num(mem, "memory.current")),
			"peak", num_or_null(read_num(mem, "memory.peak")),
			"max", num_or_null(read_num(mem, "memory.max")),
			"limit_hits", num_or_null(read_key(mem, "memory.events", "max")),
			"oom_kills", num_or_null(read_key(mem, "memory.events", "oom_kill"))));
		const char *cpu = leaf_with(paths, "cpu.stat");
		_cleanup_free_ char *max = NULL;
		long long cap = -1;
		if (cpu && cg_read(cpu, "cpu.max", &max) == 0 && strncmp(max, "max", 3) != 0) {
			long long q = 0, p = 0;
			if (sscanf(max, "%lld %lld", &q, &p) == 2 && p > 0)
				cap = q * 100 / p;
		}
		json_object_set_new(o, "cpu", json_pack("{s:o,s:o,s:o}",
			"usage_usec", num_or_null(read_key(cpu, "cpu.stat", "usage_usec")),
			"cap_percent", num_or_null(cap),
			"throttled", num_or_null(read_key(cpu, "cpu.stat", "nr_throttled"))));
	}
	const char *pids = leaf_with(paths, "pids.current");
	if (pids)
		json_object_set_new(o, "processes", json_pack("{s:o,s:o,s:o}",
			"current", num_or_null(read_num(pids, "pids.current")),
			"max", num_or_null(read_num(pids, "pids.max")),
			"limit_hits", num_or_null(read_key(pids, "pids.events", "max"))));
	*out = o;
	return 0;
}

/* Pids in the zone's cgroup (from the pids or memory leaf). */
int zone_cgroup_pids(json_t *paths, pid_t **out, size_t *n, struct zone_error *err)
{
	const char *leaf = leaf_with(paths, "pids.current");
	if (!leaf)
		leaf = leaf_with(paths, "cgroup.procs");
	*out = NULL;
	*n = 0;
	if (!leaf)
		return zone_error_set(err, ENOENT, "cgroup: the zone has no cgroup");
	_cleanup_free_ char *s = NULL;
	int r = cg_read(leaf, "cgroup.procs", &s);
	if (r < 0)
		return zone_error_errno(err, -r, "cgroup: read %s/cgroup.procs", leaf);
	size_t cap = 16, k = 0;
	_cleanup_free_ pid_t *v = malloc(cap * sizeof(pid_t));
	if (!v)
		return zone_error_set(err, ENOMEM, "out of memory");
	for (char *p = s; *p;) {
		char *end;
		long pid = strtol(p, &end, 10);
		if (end == p)
			break;
		if (k == cap) {
			pid_t *nv = realloc(v, (cap *= 2) * sizeof(pid_t));
			if (!nv)
				return zone_error_set(err, ENOMEM, "out of memory");
			v = nv;
		}
		v[k++] = (pid_t)pid;
		p = end;
		while (*p == '\n')
			p++;
	}
	*out = TAKE_PTR(v);
	*n = k;
	return 0;
}

/*
 * What the zone mounts at /sys/fs/cgroup (read-only, seen through its cgroup
 * namespace): pure v2, the cgroup2 hierarchy; v1, a tmpfs with one
 * directory per hierarchy the zone has a cgroup in (`paths`), named as on
 * the host.
 * [{"target": "sys/fs/cgroup/memory", "type": "cgroup", "options": "memory"}, ...]
 */
int zone_cgroup_mounts(json_t *paths, json_t **out, struct zone_error *err)
{
	struct layout lay;
	int r = detect(&lay, err);
	if (r < 0) {
		layout_free(&lay);
		return r;
	}
	json_t *a = json_array();
	if (lay.v2) {
		json_array_append_new(a, json_pack("{s:s,s:s}", "target", "sys/fs/cgroup", "type",
						   "cgroup2"));
	} else {
		json_array_append_new(a, json_pack("{s:s,s:s}", "target", "sys/fs/cgroup", "type",
						   "tmpfs"));
		for (int i = 0; i < _CG_MAX; i++) {
			if (!lay.v1[i].mnt || !*lay.v1[i].ctrls)
				continue;
			/* only hierarchies where the zone has a cgroup of its own: in the
			 * others its namespace root would be the host's cgroup */
			bool own = false;
			size_t pi;
			json_t *pv;
			size_t ml = strlen(lay.v1[i].mnt);
			json_array_foreach(paths, pi, pv) {
				const char *pp = json_string_value(pv);
				if (pp && is_leaf(pp) && !strncmp(pp, lay.v1[i].mnt, ml) && pp[ml] == '/')
					own = true;
			}
			if (!own)
				continue;
			const char *base = strrchr(lay.v1[i].mnt, '/');
			base = base ? base + 1 : lay.v1[i].mnt;
			_cleanup_free_ char *t = zone_strdup_printf("sys/fs/cgroup/%s", base);
			bool dup = false;
			size_t k;
			json_t *e;
			json_array_foreach(a, k, e)
				if (t && !strcmp(json_string_value(json_object_get(e, "target")), t))
					dup = true;
			if (t && !dup && !strchr(base, '.') && *base)
				json_array_append_new(a, json_pack("{s:s,s:s,s:s}", "target", t, "type",
								   "cgroup", "options",
								   lay.v1[i].ctrls));
		}
	}
	layout_free(&lay);
	*out = a;
	return 0;
}
