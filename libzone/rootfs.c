// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * rootfs.c - the zone's file system view: its root through an idmapped
 * mount, binds, /proc with masked and read-only paths, a fresh /dev, /sys.
 *
 * Theory: two processes build it.  The monitor (host root, host mount
 * namespace) prepares detached mount trees with open_tree(): the zone root
 * idmapped through the zone's user namespace (only the host's initial user
 * namespace may create idmapped mounts), and the binds the config and brand
 * ask for.  It passes them over a socket to the zone's first process, which
 * runs in the zone's new user, mount, pid, net ... namespaces and attaches
 * them with move_mount(), mounts proc, sysfs, tmpfs and devpts with the new
 * mount API, masks what policy/mounts.json says, and pivots into the root.
 *
 * Every path inside the zone root is zone-controlled data (a previous
 * zone root may have left a symlink at /proc pointing anywhere), so every
 * mount target is resolved with openat2(RESOLVE_IN_ROOT|RESOLVE_NO_SYMLINKS|
 * RESOLVE_NO_MAGICLINKS) from a descriptor of the root and mounted onto by
 * descriptor (MOVE_MOUNT_T_EMPTY_PATH): a symlinked mount target makes the
 * boot fail; it never redirects a mount.  The first process has no host
 * privilege (it is root only in the zone's user namespace), so even a
 * mistake here cannot write host files.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/magic.h>

#include "runtime.h"
#include "util.h"

/* ---- monitor side ------------------------------------------------------------ */

static const char *fs_name(long type)
{
	switch (type) {
	case TMPFS_MAGIC: return "tmpfs";
	case EXT4_SUPER_MAGIC: return "ext4";
	case BTRFS_SUPER_MAGIC: return "btrfs";
	case XFS_SUPER_MAGIC: return "xfs";
	case NFS_SUPER_MAGIC: return "nfs";
	case OVERLAYFS_SUPER_MAGIC: return "overlayfs";
	case RAMFS_MAGIC: return "ramfs";
	default: return "this filesystem";
	}
}

static int clone_tree(const char *path, bool idmap, int userns_fd, bool readonly,
		      struct zone_error *err)
{
	_cleanup_close_ int fd = open_tree(AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
							   AT_RECURSIVE);
	if (fd < 0)
		return zone_error_errno(err, errno, "clone the mount of %s", path);
	struct mount_attr attr = { 0 };
	if (idmap) {
		attr.attr_set |= MOUNT_ATTR_IDMAP;
		attr.userns_fd = (uint64_t)userns_fd;
	}
	if (readonly)
		attr.attr_set |= MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
	if (attr.attr_set &&
	    mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0) {
		int e = errno;
		if (idmap && (e == EINVAL || e == EPERM || e == EOPNOTSUPP)) {
			struct statfs sf;
			const char *fs = statfs(path, &sf) == 0 ? fs_name(sf.f_type) : "?";
			return zone_error_set(err, e,
					      "%s is on %s, which this kernel cannot mount idmapped "
					      "(%s); put the zone on ext4, xfs or btrfs, or set "
					      "\"userns\": \"none\"",
					      path, fs, strerror(e));
		}
		return zone_error_errno(err, e, "set attributes on the mount of %s", path);
	}
	return TAKE_FD(fd);
}

/* The zone root's tree, then one per bind, appended to v (*k of them so far). */
static int clone_trees(const struct zone_plan *p, int userns, int *v, size_t *k,
		       struct zone_error *err)
{
	int fd = clone_tree(p->root, p->userns, userns, false, err);
	if (fd < 0)
		return fd;
	v[(*k)++] = fd;
	for (size_t i = 0; i < p->n_binds; i++) {
		const struct zone_bind *b = &p->binds[i];
		fd = clone_tree(b->source, b->idmap && p->userns, userns, b->readonly, err);
		if (fd < 0)
			return zone_error_wrap(err, "bind %s", b->target);
		v[(*k)++] = fd;
	}
	return 0;
}

int zone_rootfs_prepare(const struct zone_plan *p, pid_t child, int **mfds, size_t *n,
			struct zone_error *err)
{
	_cleanup_close_ int userns = -1;
	if (p->userns) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)child);
		userns = open(path, O_RDONLY | O_CLOEXEC);
		if (userns < 0)
			return zone_error_errno(err, errno, "open %s", path);
	}
	_cleanup_free_ int *v = calloc(p->n_binds + 1, sizeof(int));
	if (!v)
		return zone_error_set(err, ENOMEM, "out of memory");
	size_t k = 0;
	int r = clone_trees(p, userns, v, &k, err);
	if (r < 0) {
		for (size_t i = 0; i < k; i++)
			close(v[i]);
		return r;
	}
	*mfds = TAKE_PTR(v);
	*n = k;
	return 0;
}

/* ---- zone side --------------------------------------------------------------- */

/* Create the directories of `path` inside the root, refusing symlinks. */
static int mkdir_in_root(int rootfd, const char *path, struct zone_error *err)
{
	_cleanup_free_ char *copy = strdup(path);
	if (!copy)
		return zone_error_set(err, ENOMEM, "out of memory");
	char *p = copy;
	while (*p == '/')
		p++;
	for (char *s = p;; s++) {
		if (*s != '/' && *s)
			continue;
		char saved = *s;
		*s = '\0';
		_cleanup_close_ int fd = zone_open_in_root(rootfd, p, O_PATH | O_DIRECTORY);
		if (fd == -ENOENT) {
			char *slash = strrchr(p, '/');
			_cleanup_close_ int parent = -1;
			const char *leaf = p;
			if (slash) {
				*slash = '\0';
				parent = zone_open_in_root(rootfd, p, O_PATH | O_DIRECTORY);
				*slash = '/';
				leaf = slash + 1;
			} else if ((parent = fcntl(rootfd, F_DUPFD_CLOEXEC, 3)) < 0) {
				parent = -errno;
			}
			if (parent < 0)
				return zone_error_errno(err, -parent, "create /%s in the zone", p);
			if (mkdirat(parent, leaf, 0755) < 0 && errno != EEXIST)
				return zone_error_errno(err, errno, "create /%s in the zone", p);
			fd = zone_open_in_root(rootfd, p, O_PATH | O_DIRECTORY);
		}
		if (fd < 0)
			return zone_error_errno(err, -fd, "/%s in the zone%s", p,
						fd == -ELOOP ? " is a symbolic link" : "");
		*s = saved;
		if (!saved)
			return 0;
	}
}

/* Resolve a mount target inside the root; create it unless `optional` (then
 * a missing one is -ENOENT, a symlink -ELOOP, which the caller may skip). */
static int target_fd(int rootfd, const char *target, bool dir, bool optional,
		     struct zone_error *err)
{
	int fd = zone_open_in_root(rootfd, target, O_PATH | (dir ? O_DIRECTORY : 0));
	if (fd >= 0)
		return fd;
	if (fd == -ELOOP)
		return zone_error_errno(err, ELOOP, "%s in the zone is a symbolic link", target);
	if (fd != -ENOENT || optional)
		return zone_error_errno(err, -fd, "%s in the zone", target);
	int r;
	if (dir) {
		if ((r = mkdir_in_root(rootfd, target, err)) < 0)
			return r;
	} else {
		_cleanup_free_ char *parent = strdup(target);
		if (!parent)
			return zone_error_set(err, ENOMEM, "out of memory");
		char *slash = strrchr(parent, '/');
		if (slash)
			*slash = '\0';
		if (slash && *parent && (r = mkdir_in_root(rootfd, parent, err)) < 0)
			return r;
		_cleanup_close_ int pfd = zone_open_in_root(rootfd, *parent ? parent : "/",
							    O_PATH | O_DIRECTORY);
		if (pfd < 0)
			return zone_error_errno(err, -pfd, "create %s in the zone", target);
		const char *leaf = slash ? slash + 1 : target;
		_cleanup_close_ int f = openat(pfd, leaf, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC |
						       O_NOFOLLOW, 0644);
		if (f < 0 && errno != EEXIST)
			return zone_error_errno(err, errno, "create %s in the zone", target);
	}
	fd = zone_open_in_root(rootfd, target, O_PATH | (dir ? O_DIRECTORY : 0));
	if (fd < 0)
		return zone_error_errno(err, -fd, "%s in the zone", target);
	return fd;
}

static int attach(int mntfd, int tfd, const char *what, struct zone_error *err)
{
	if (move_mount(mntfd, "", tfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return zone_error_errno(err, errno, "mount %s", what);
	return 0;
}

/* A new filesystem instance: fsopen, options (key, value pairs; NULL value = flag). */
static int new_fs(const char *type, const char *const *opts, unsigned attrs,
		  struct zone_error *err)
{
	_cleanup_close_ int fs = fsopen(type, FSOPEN_CLOEXEC);
	if (fs < 0)
		return zone_error_errno(err, errno, "create a %s filesystem", type);
	for (size_t i = 0; opts && opts[i]; i += 2) {
		int r = opts[i + 1] ? fsconfig(fs, FSCONFIG_SET_STRING, opts[i], opts[i + 1], 0) :
				      fsconfig(fs, FSCONFIG_SET_FLAG, opts[i], NULL, 0);
		if (r < 0)
			return zone_error_errno(err, errno, "%s option %s", type, opts[i]);
	}
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return zone_error_errno(err, errno, "create a %s filesystem", type);
	int m = fsmount(fs, FSMOUNT_CLOEXEC, attrs);
	if (m < 0)
		return zone_error_errno(err, errno, "mount a %s filesystem", type);
	return m;
}

/* A new filesystem onto the directory t (named `target` in errors). */
static int mount_new_on(int t, const char *target, const char *type, const char *const *opts,
			unsigned attrs, struct zone_error *err)
{
	_cleanup_close_ int m = new_fs(type, opts, attrs, err);
	if (m < 0)
		return zone_error_wrap(err, "%s", target);
	return attach(m, t, target, err);
}

static int mount_new_at(int rootfd, const char *target, const char *type,
			const char *const *opts, unsigned attrs, struct zone_error *err)
{
	_cleanup_close_ int t = target_fd(rootfd, target, true, false, err);
	if (t < 0)
		return t;
	return mount_new_on(t, target, type, opts, attrs, err);
}

/*
 * Masked: an empty read-only tmpfs over a directory, /dev/null over a file.
 * One tmpfs serves every directory: the first is a new instance, the others
 * clones of where it was attached (a clone costs far less than a superblock).
 */
static int mask_path(int rootfd, const char *path, int *empty, struct zone_error *err)
{
	_cleanup_close_ int t = zone_open_in_root(rootfd, path, O_PATH);
	if (t < 0)
		return t == -ENOENT ? 0 : zone_error_errno(err, -t, "mask %s", path);
	struct stat sb;
	if (fstat(t, &sb) < 0)
		return zone_error_errno(err, errno, "mask %s", path);
	_cleanup_close_ int m = -1;
	if (S_ISDIR(sb.st_mode) && *empty >= 0) {
		m = open_tree(*empty, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
		if (m < 0)
			return zone_error_errno(err, errno, "mask %s", path);
	} else if (S_ISDIR(sb.st_mode)) {
		static const char *const opts[] = { "size", "0", "mode", "0555", NULL };
		m = new_fs("tmpfs", opts, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
				       MOUNT_ATTR_NOEXEC, err);
		if (m < 0)
			return zone_error_wrap(err, "mask %s", path);
		int r = attach(m, t, path, err);
		if (r < 0)
			return r;
		/* the attached instance, as the source of the next clones */
		*empty = zone_open_in_root(rootfd, path, O_PATH | O_DIRECTORY);
		return 0;
	} else {
		m = open_tree(AT_FDCWD, "/dev/null", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
		if (m < 0)
			return zone_error_errno(err, errno, "mask %s: bind /dev/null", path);
	}
	return attach(m, t, path, err);
}

static int readonly_path(int rootfd, const char *path, struct zone_error *err)
{
	_cleanup_close_ int t = zone_open_in_root(rootfd, path, O_PATH);
	if (t < 0)
		return t == -ENOENT ? 0 : zone_error_errno(err, -t, "read-only %s", path);
	_cleanup_close_ int m = open_tree(t, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
						     AT_EMPTY_PATH | AT_RECURSIVE);
	if (m < 0)
		return zone_error_errno(err, errno, "read-only %s", path);
	struct mount_attr attr = {
		.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
			    MOUNT_ATTR_NOEXEC,
	};
	if (mount_setattr(m, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
		return zone_error_errno(err, errno, "read-only %s", path);
	return attach(m, t, path, err);
}

/*
 * In the fresh /dev tmpfs (dev: its root) nothing is the zone's yet, so
 * names are created and mounted onto relative to it, with no resolution
 * in the root.  A host file (a device node) bound onto a new file there:
 */
static int dev_bind(int dev, const char *host, const char *name, struct zone_error *err)
{
	_cleanup_close_ int t = openat(dev, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW |
						  O_CLOEXEC, 0644);
	if (t < 0)
		return zone_error_errno(err, errno, "create /dev/%s in the zone", name);
	_cleanup_close_ int m = open_tree(AT_FDCWD, host, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (m < 0)
		return zone_error_errno(err, errno, "bind %s", host);
	return attach(m, t, host, err);
}

/* A new filesystem on a new directory of /dev. */
static int dev_fs(int dev, const char *name, const char *type, const char *const *opts,
		  unsigned attrs, struct zone_error *err)
{
	if (mkdirat(dev, name, 0755) < 0)
		return zone_error_errno(err, errno, "create /dev/%s in the zone", name);
	_cleanup_close_ int t = openat(dev, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (t < 0)
		return zone_error_errno(err, errno, "/dev/%s in the zone", name);
	char target[64];
	snprintf(target, sizeof(target), "dev/%s", name);
	return mount_new_on(t, target, type, opts, attrs, err);
}

static int setup_dev(int rootfd, const struct zone_plan *p, const char *console,
		     struct zone_error *err)
{
	static const char *const devopts[] = { "mode", "0755", "size", "1m", "nr_inodes", "1024",
					       NULL };
	_cleanup_close_ int t = target_fd(rootfd, "dev", true, false, err);
	if (t < 0)
		return t;
	_cleanup_close_ int dev = new_fs("tmpfs", devopts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, err);
	if (dev < 0)
		return zone_error_wrap(err, "/dev");
	int r = attach(dev, t, "/dev", err);
	if (r < 0)
		return r;
	json_t *v;
	size_t i;
	json_array_foreach(json_object_get(p->mounts, "devices"), i, v) {
		const char *d = json_string_value(v);
		if (!d || strchr(d, '/') || d[0] == '.' || !d[0])
			continue;
		char host[64];
		snprintf(host, sizeof(host), "/dev/%s", d);
		if ((r = dev_bind(dev, host, d, err)) < 0)
			return r;
	}
	/* The console: the pty slave the monitor holds the master of (by path:
	 * a descriptor would name the host's mount, not our copy of it). */
	if ((r = dev_bind(dev, console, "console", err)) < 0)
		return r;
	static const char *const ptsopts[] = { "newinstance", NULL, "ptmxmode", "0666",
					       "mode", "0620", "gid", "5", NULL };
	if ((r = dev_fs(dev, "pts", "devpts", ptsopts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC,
			err)) < 0)
		return r;
	static const char *const shmopts[] = { "mode", "1777", "size", "64m", NULL };
	if ((r = dev_fs(dev, "shm", "tmpfs", shmopts,
			MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, err)) < 0)
		return r;
	if ((r = dev_fs(dev, "mqueue", "mqueue", NULL,
			MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, err)) < 0)
		return r;
	static const char *const links[][2] = {
		{ "pts/ptmx", "ptmx" },        { "/proc/self/fd", "fd" },
		{ "/proc/self/fd/0", "stdin" }, { "/proc/self/fd/1", "stdout" },
		{ "/proc/self/fd/2", "stderr" },
	};
	for (i = 0; i < ELEMENTSOF(links); i++)
		if (symlinkat(links[i][0], dev, links[i][1]) < 0 && errno != EEXIST)
			return zone_error_errno(err, errno, "create /dev/%s", links[i][1]);
	return 0;
}

/* "sys/fs/cgroup/memory" under "sys/fs/cgroup": "memory"; else NULL. */
static const char *child_of(const char *parent, const char *target)
{
	size_t n = strlen(parent);
	if (strncmp(target, parent, n) || target[n] != '/' || !target[n + 1] ||
	    strchr(target + n + 1, '/'))
		return NULL;
	return target + n + 1;
}

/*
 * The zone's own cgroups, read-only, through its cgroup namespace: what a
 * program inside sees as / is the zone's cgroup, so `cat
 * /sys/fs/cgroup/memory/memory.limit_in_bytes` shows the zone's cap.  On v1
 * the hierarchies sit in a tmpfs that gets its directories while it is still
 * detached and goes read-only before it is attached (no path walks, no
 * second mount to make it read-only).
 */
static int mount_cgroups(int rootfd, const struct zone_plan *p, struct zone_error *err)
{
	size_t i, k;
	json_t *m, *e;
	int r;
	const unsigned ro = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
			    MOUNT_ATTR_NOEXEC;
	_cleanup_close_ int holder = -1;
	const char *htarget = NULL;
	json_array_foreach(p->cgmounts, i, m) {
		const char *target = json_string_value(json_object_get(m, "target"));
		const char *type = json_string_value(json_object_get(m, "type"));
		const char *opts = json_string_value(json_object_get(m, "options"));
		if (!target || !type)
			return zone_error_set(err, EPROTO, "internal: bad cgroup mount");
		if (!strcmp(type, "tmpfs") && !htarget) {
			static const char *const o[] = { "mode", "0755", "size", "64k", NULL };
			holder = new_fs("tmpfs", o, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
					MOUNT_ATTR_NOEXEC, err);
			if (holder < 0)
				return zone_error_wrap(err, "%s", target);
			json_array_foreach(p->cgmounts, k, e) {
				const char *leaf = child_of(target, json_string_value(
							   json_object_get(e, "target")) ?: "");
				if (leaf && mkdirat(holder, leaf, 0755) < 0)
					return zone_error_errno(err, errno, "%s/%s", target, leaf);
			}
			struct mount_attr a = { .attr_set = MOUNT_ATTR_RDONLY };
			if (mount_setattr(holder, "", AT_EMPTY_PATH, &a, sizeof(a)) < 0)
				return zone_error_errno(err, errno, "read-only %s", target);
			_cleanup_close_ int t = target_fd(rootfd, target, true, false, err);
			if (t < 0 || (r = attach(holder, t, target, err)) < 0)
				return t < 0 ? t : r;
			htarget = target;
			continue;
		}
		const char *leaf = htarget ? child_of(htarget, target) : NULL;
		_cleanup_close_ int t = leaf ? openat(holder, leaf, O_PATH | O_DIRECTORY |
						      O_NOFOLLOW | O_CLOEXEC) :
					       target_fd(rootfd, target, true, false, err);
		if (t < 0)
			return leaf ? zone_error_errno(err, errno, "%s", target) : t;
		_cleanup_close_ int fs = fsopen(type, FSOPEN_CLOEXEC);
		if (fs < 0)
			return zone_error_errno(err, errno, "mount %s", target);
		/* v1: the hierarchy's controllers, each a flag ("cpu", "cpuacct") */
		_cleanup_free_ char *copy = opts ? strdup(opts) : NULL;
		char *save = NULL;
		for (char *c = copy ? strtok_r(copy, ",", &save) : NULL; c;
		     c = strtok_r(NULL, ",", &save))
			if (fsconfig(fs, FSCONFIG_SET_FLAG, c, NULL, 0) < 0)
				return zone_error_errno(err, errno, "mount %s: %s", target, c);
		_cleanup_close_ int mnt = -1;
		if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0 ||
		    (mnt = fsmount(fs, FSMOUNT_CLOEXEC, ro)) < 0)
			return zone_error_errno(err, errno, "mount %s (%s)", target, type);
		if ((r = attach(mnt, t, target, err)) < 0)
			return r;
	}
	return 0;
}

/* Is path dir or below it ("/sys", "sys/fs/..." under "sys")? */
static bool under(const char *path, const char *dir)
{
	while (*path == '/')
		path++;
	size_t n = strlen(dir);
	return !strncmp(path, dir, n) && (path[n] == '/' || path[n] == '\0');
}

/*
 * Late: what needs the zone's network namespace first -- /sys (sysfs is
 * the namespace's) and, read-only, /proc/sys (written below once we are
 * in it: /proc/sys/net is the reader's namespace's).
 */
static bool late(const char *path, bool readonly)
{
	return under(path, "sys") || (readonly && under(path, "proc/sys"));
}

/* The masked and read-only paths, the late ones or the others. */
static int policy_paths(const struct zone_plan *p, int rootfd, bool is_late,
			struct zone_error *err)
{
	/* one empty tmpfs for every masked directory, /proc's and /sys's (only
	 * the zone's first process runs this, once) */
	static int empty = -1;
	json_t *v;
	size_t i;
	int r;
	json_array_foreach(json_object_get(p->mounts, "masked"), i, v) {
		const char *path = json_string_value(v);
		if (path && late(path, false) == is_late &&
		    (r = mask_path(rootfd, path, &empty, err)) < 0)
			return r;
	}
	json_array_foreach(json_object_get(p->mounts, "readonly"), i, v) {
		const char *path = json_string_value(v);
		if (path && late(path, true) == is_late &&
		    (r = readonly_path(rootfd, path, err)) < 0)
			return r;
	}
	return 0;
}

int zone_rootfs_setup(const struct zone_plan *p, const int *mfds, size_t n_mfds,
		      const char *console, struct zone_error *err)
{
	int r;
	if (p->userns) {
		/* Root of the zone's user namespace; drop the host's groups. */
		if (setgroups(0, NULL) < 0 || setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
			return zone_error_errno(err, errno, "become root in the zone's user namespace");
	}
	if (unshare(CLONE_NEWCGROUP) < 0)
		return zone_error_errno(err, errno, "create the cgroup namespace");
	/* Nothing we mount may propagate back to the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return zone_error_errno(err, errno, "make mounts private");
	if (n_mfds < 1 + p->n_binds)
		return zone_error_set(err, EPROTO, "internal: missing mount descriptors");
	/*
	 * We cannot walk to the root by its path (the zonepath is 0700 and
	 * host-owned, and we are not host root): the monitor started us with
	 * the root as our working directory, which clone translated into our
	 * mount namespace.  Once attached, the tree's descriptor is the root of
	 * the zone's view.
	 */
	if (move_mount(mfds[0], "", AT_FDCWD, ".", MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return zone_error_errno(err, errno, "mount the zone root %s", p->root);
	int rootfd = mfds[0];

	for (size_t i = 0; i < p->n_binds; i++) {
		const struct zone_bind *b = &p->binds[i];
		if (b->late)
			continue;
		struct stat sb;
		bool dir = fstat(mfds[1 + i], &sb) == 0 && S_ISDIR(sb.st_mode);
		_cleanup_close_ int t = target_fd(rootfd, b->target, dir, b->optional, err);
		if (t < 0) {
			if (b->optional)
				continue; /* e.g. /bin is a symlink to usr/bin in this root */
			return t;
		}
		if ((r = attach(mfds[1 + i], t, b->target, err)) < 0)
			return r;
	}

	if ((r = mount_new_at(rootfd, "proc", "proc", NULL,
			      MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, err)) < 0)
		return r;
	if ((r = policy_paths(p, rootfd, false, err)) < 0)
		return r;
	if ((r = setup_dev(rootfd, p, console, err)) < 0)
		return r;
	/* The zone's devices[], over the fresh /dev. */
	for (size_t k = 0; k < p->n_binds; k++) {
		if (!p->binds[k].late)
			continue;
		_cleanup_close_ int t = target_fd(rootfd, p->binds[k].target, false, false, err);
		if (t < 0 || (r = attach(mfds[1 + k], t, p->binds[k].target, err)) < 0)
			return t < 0 ? t : r;
	}
	if (sethostname(p->hostname, strlen(p->hostname)) < 0)
		return zone_error_errno(err, errno, "set the host name");
	return 0;
}

/* In the zone's network namespace now: what depends on it, then into the root. */
int zone_rootfs_finish(const struct zone_plan *p, int rootfd, struct zone_error *err)
{
	int r;
	if (p->netns) {
		/* ping sockets for every group of the zone (as systemd sets; best
		 * effort).  Through the zone's own /proc: the dentries of the host's
		 * /proc/sys/net would pile up there, one set per network namespace,
		 * and every lookup walk them all. */
		_cleanup_close_ int fd = zone_open_in_root(rootfd, "proc/sys/net/ipv4/ping_group_range",
							   O_WRONLY);
		if (fd >= 0 && write(fd, "0 65535", 7) < 0) {
			/* the zone works without */
		}
		r = mount_new_at(rootfd, "sys", "sysfs", NULL,
				 MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
					 MOUNT_ATTR_NOEXEC, err);
	} else {
		/* A zone on the host's network stack cannot mount its own sysfs. */
		_cleanup_close_ int t = target_fd(rootfd, "sys", true, false, err);
		_cleanup_close_ int m = -1;
		r = t;
		if (t >= 0) {
			m = open_tree(AT_FDCWD, "/sys", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
								AT_RECURSIVE);
			struct mount_attr a = { .attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
							    MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC };
			if (m < 0 || mount_setattr(m, "", AT_EMPTY_PATH | AT_RECURSIVE, &a,
						   sizeof(a)) < 0)
				r = zone_error_errno(err, errno, "bind /sys read-only");
			else
				r = attach(m, t, "/sys", err);
		}
	}
	if (r < 0)
		return r;
	if (p->netns && (r = mount_cgroups(rootfd, p, err)) < 0)
		return r;
	if ((r = policy_paths(p, rootfd, true, err)) < 0)
		return r;

	/* Enter the root; the old root is detached and gone from the zone. */
	if (fchdir(rootfd) < 0 || syscall(SYS_pivot_root, ".", ".") < 0)
		return zone_error_errno(err, errno, "pivot_root into %s", p->root);
	if (umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		return zone_error_errno(err, errno, "detach the host root");
	return 0;
}
