// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * roots.c - zone roots on disk: made (a btrfs subvolume where it can be),
 * removed (never following a symlink or leaving the file system), and
 * made from another: a btrfs snapshot, reflinks, or a copy that keeps
 * everything a root needs.
 *
 * Theory:
 *   snapshot  the source root is a btrfs subvolume (install makes roots
 *             subvolumes on btrfs) and the target is on the same file
 *             system: BTRFS_IOC_SNAP_CREATE_V2, O(1), crash-consistent even
 *             while the source zone runs.
 *   reflink   the file system shares extents (btrfs; xfs with reflink=1):
 *             the tree is walked and every regular file cloned (FICLONE).
 *   copy      anything else: copy_file_range over the data extents only
 *             (SEEK_DATA/SEEK_HOLE), so holes stay holes.
 *   The walk (reflink, copy) keeps owners (the ids on disk: roots are
 *   unshifted and mounted idmapped, so nothing is ever chowned to another
 *   id), modes with set-id bits, times, extended attributes (ACLs and file
 *   capabilities are ones), hard links (by inode), symlinks, device nodes,
 *   fifos.  Order per entry: chown (which drops set-id bits and
 *   capabilities), then the xattrs, then chmod, then the times; a
 *   directory's times after its content.  It never follows a symlink and
 *   never enters another file system (a mount in the source root is an
 *   error).  The target is a new directory -- a subvolume on btrfs, so that
 *   its own clones can be snapshots -- and on failure the caller removes it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <linux/btrfs.h>
#include <linux/fs.h>
#include <linux/magic.h>

#include "runtime.h"
#include "util.h"

#define MAX_DEPTH 256

const char *zone_copy_method_name(enum zone_copy_method m)
{
	switch (m) {
	case ZONE_COPY_SNAPSHOT: return "snapshot";
	case ZONE_COPY_REFLINK: return "reflink";
	case ZONE_COPY_COPY: return "copy";
	default: return "auto";
	}
}

int zone_copy_method_parse(const char *s, enum zone_copy_method *out)
{
	static const enum zone_copy_method all[] = { ZONE_COPY_AUTO, ZONE_COPY_SNAPSHOT,
						     ZONE_COPY_REFLINK, ZONE_COPY_COPY };
	for (size_t i = 0; s && i < ELEMENTSOF(all); i++)
		if (!strcmp(s, zone_copy_method_name(all[i]))) {
			*out = all[i];
			return 0;
		}
	return -EINVAL;
}

static bool on_btrfs(int fd)
{
	struct statfs sf;
	return fstatfs(fd, &sf) == 0 && sf.f_type == BTRFS_SUPER_MAGIC;
}

/*
 * Are two descriptors on one btrfs file system?  Their device numbers cannot
 * say (each subvolume has one of its own), its fsid does.
 */
static bool same_btrfs(int a, int b)
{
	struct btrfs_ioctl_fs_info_args x = { 0 }, y = { 0 };
	return on_btrfs(a) && on_btrfs(b) && ioctl(a, BTRFS_IOC_FS_INFO, &x) == 0 &&
	       ioctl(b, BTRFS_IOC_FS_INFO, &y) == 0 && !memcmp(x.fsid, y.fsid, sizeof(x.fsid));
}

bool zone_is_subvolume(const char *path)
{
	struct stat st;
	_cleanup_close_ int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	/* a btrfs subvolume's root directory is always inode 256 */
	return fd >= 0 && on_btrfs(fd) && fstat(fd, &st) == 0 && st.st_ino == 256;
}

/* Remove everything below the directory `dfd` (same filesystem only). */
static int remove_tree_at(int dfd, dev_t dev, int depth)
{
	if (depth > 256)
		return -ELOOP;
	_cleanup_close_ int fd2 = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd2 < 0)
		return -errno;
	_cleanup_closedir_ DIR *d = fdopendir(fd2);
	if (!d)
		return -errno;
	TAKE_FD(fd2); /* d's now */
	int r = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		struct stat sb;
		if (fstatat(dfd, de->d_name, &sb, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno != ENOENT && r == 0)
				r = -errno;
			continue;
		}
		if (S_ISDIR(sb.st_mode)) {
			if (sb.st_dev != dev) {
				if (r == 0)
					r = -EXDEV; /* a mount point: leave it alone */
				continue;
			}
			int sub = openat(dfd, de->d_name,
					 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub < 0) {
				if (r == 0)
					r = -errno;
				continue;
			}
			int q = remove_tree_at(sub, dev, depth + 1);
			close(sub);
			if (q < 0 && r == 0)
				r = q;
			if (unlinkat(dfd, de->d_name, AT_REMOVEDIR) < 0 && errno != ENOENT && r == 0)
				r = -errno;
		} else if (unlinkat(dfd, de->d_name, 0) < 0 && errno != ENOENT && r == 0) {
			r = -errno;
		}
	}
	return r;
}

int zone_remove_tree(const char *path, struct zone_error *err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		return zone_error_errno(err, errno, "remove %s", path);
	}
	struct stat sb;
	if (fstat(fd, &sb) < 0)
		return zone_error_errno(err, errno, "remove %s", path);
	int r = remove_tree_at(fd, sb.st_dev, 0);
	if (r < 0)
		return zone_error_errno(err, -r, "remove %s", path);
	if (rmdir(path) < 0 && errno != ENOENT)
		return zone_error_errno(err, errno, "remove %s", path);
	return 0;
}

int zone_remove_tree_contents(const char *path, struct zone_error *err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : zone_error_errno(err, errno, "remove %s", path);
	struct stat sb;
	if (fstat(fd, &sb) < 0)
		return zone_error_errno(err, errno, "remove %s", path);
	int r = remove_tree_at(fd, sb.st_dev, 0);
	return r < 0 ? zone_error_errno(err, -r, "remove %s", path) : 0;
}

/* Split path into an open parent directory and the last component. */
static int open_parent(const char *path, char **base, struct zone_error *err)
{
	_cleanup_free_ char *d = strdup(path), *b = strdup(path);
	if (!d || !b)
		return zone_error_set(err, ENOMEM, "out of memory");
	int fd = open(dirname(d), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return zone_error_errno(err, errno, "open the directory of %s", path);
	*base = strdup(basename(b));
	if (!*base) {
		close(fd);
		return zone_error_set(err, ENOMEM, "out of memory");
	}
	return fd;
}

int zone_mkroot(const char *path, struct zone_error *err)
{
	_cleanup_free_ char *base = NULL;
	_cleanup_close_ int pfd = open_parent(path, &base, err);
	if (pfd < 0)
		return pfd;
	if (on_btrfs(pfd)) {
		struct btrfs_ioctl_vol_args a = { 0 };
		snprintf(a.name, sizeof(a.name), "%s", base);
		if (ioctl(pfd, BTRFS_IOC_SUBVOL_CREATE, &a) < 0)
			return zone_error_errno(err, errno, "create the btrfs subvolume %s", path);
		if (fchmodat(pfd, base, 0755, 0) < 0)
			return zone_error_errno(err, errno, "chmod %s", path);
		return 0;
	}
	if (mkdirat(pfd, base, 0755) < 0)
		return zone_error_errno(err, errno, "create %s", path);
	return 0;
}

int zone_rmroot(const char *path, struct zone_error *err)
{
	if (zone_is_subvolume(path)) {
		/*
		 * Dropped whole: the kernel deletes a subvolume without walking it
		 * (no symlink in it is ever followed), which for a snapshot costs
		 * nothing of what emptying it file by file would.  One that holds a
		 * subvolume of its own cannot go so: empty it our way first.
		 */
		_cleanup_free_ char *base = NULL;
		_cleanup_close_ int pfd = open_parent(path, &base, err);
		if (pfd < 0)
			return pfd;
		struct btrfs_ioctl_vol_args a = { 0 };
		snprintf(a.name, sizeof(a.name), "%s", base);
		if (ioctl(pfd, BTRFS_IOC_SNAP_DESTROY, &a) == 0)
			return 0;
		int r = zone_remove_tree_contents(path, err);
		if (r < 0)
			return r;
		if (ioctl(pfd, BTRFS_IOC_SNAP_DESTROY, &a) < 0)
			return zone_error_errno(err, errno, "delete the btrfs subvolume %s", path);
		return 0;
	}
	return zone_remove_tree(path, err);
}

/* ---- the walk ------------------------------------------------------------------------ */

struct link_seen {
	ino_t ino;
	char *path; /* in the target, relative to its root */
};

struct copy {
	enum zone_copy_method m;
	int dst_root;       /* the target root, for linkat of hard links */
	dev_t dev;
	struct link_seen *links;
	size_t n_links, cap_links;
	struct zone_copy_stats *stats;
	struct zone_error *err;
	bool read_write;    /* copy_file_range cannot reach the target: read and write */
};

static int copy_xattrs(struct copy *c, int sfd, const char *sproc, int dfd, const char *dproc,
		       const char *what)
{
	_cleanup_free_ char *names = NULL;
	ssize_t len = 0;
	int r = zone_xattrs_list(sfd, sproc, &names, &len);
	if (r < 0)
		return zone_error_errno(c->err, -r, "%s: list extended attributes", what);
	for (ssize_t i = 0; i < len; i += (ssize_t)strlen(names + i) + 1) {
		_cleanup_free_ char *v = NULL;
		ssize_t vl = zone_xattr_get(sfd, sproc, names + i, &v);
		if (vl == -ENODATA)
			continue;
		if (vl < 0)
			return zone_error_errno(c->err, (int)-vl, "%s: read %s", what, names + i);
		int q = dproc ? lsetxattr(dproc, names + i, v, (size_t)vl, 0) :
				fsetxattr(dfd, names + i, v, (size_t)vl, 0);
		if (q < 0)
			return zone_error_errno(c->err, errno, "%s: set %s", what, names + i);
	}
	return 0;
}

/*
 * A path for the l*xattr calls that names the entry NAME of the directory
 * DIRFD itself: /proc/self/fd/DIRFD/NAME (the directory's magic link is
 * followed, NAME is not).  Not /proc/self/fd/FD of an O_PATH descriptor of
 * the entry: unfollowed, that is the proc link, which has no xattrs, so the
 * ACLs and xattrs of symlinks, fifos and device nodes would be lost.
 */
#define ENTRY_PATH_MAX (sizeof("/proc/self/fd//") + 12 + NAME_MAX)
static void entry_path(char *buf, int dirfd, const char *name)
{
	snprintf(buf, ENTRY_PATH_MAX, "/proc/self/fd/%d/%s", dirfd, name);
}

/* Owner, xattrs, mode, times of a target entry (fd, or path-only for symlinks). */
static int finish_entry(struct copy *c, int sfd, const char *sproc, int dfd, int ddir,
			const char *name, const struct stat *st, const char *what)
{
	bool lnk = S_ISLNK(st->st_mode);
	char dproc[ENTRY_PATH_MAX];
	if (lnk)
		entry_path(dproc, ddir, name);
	if (lnk ? fchownat(ddir, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) :
		  fchown(dfd, st->st_uid, st->st_gid) < 0)
		return zone_error_errno(c->err, errno, "%s: chown", what);
	int r = copy_xattrs(c, sfd, sproc, dfd, lnk ? dproc : NULL, what);
	if (r < 0)
		return r;
	if (!lnk && fchmod(dfd, st->st_mode & 07777) < 0)
		return zone_error_errno(c->err, errno, "%s: chmod", what);
	struct timespec ts[2] = { st->st_atim, st->st_mtim };
	if (lnk ? utimensat(ddir, name, ts, AT_SYMLINK_NOFOLLOW) : futimens(dfd, ts) < 0)
		return zone_error_errno(c->err, errno, "%s: set times", what);
	return 0;
}

/* Bytes [in, end) of sfd to the same offsets of dfd, by read and write. */
static int copy_range_rw(struct copy *c, int sfd, int dfd, off_t in, off_t end, const char *what)
{
	char buf[64 * 1024];
	while (in < end) {
		size_t want = end - in < (off_t)sizeof(buf) ? (size_t)(end - in) : sizeof(buf);
		ssize_t n = pread(sfd, buf, want, in);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return zone_error_errno(c->err, errno, "%s: read", what);
		if (n == 0)
			break; /* shrank meanwhile */
		for (ssize_t w = 0; w < n;) {
			ssize_t k = pwrite(dfd, buf + w, (size_t)(n - w), in + w);
			if (k < 0 && errno == EINTR)
				continue;
			if (k < 0)
				return zone_error_errno(c->err, errno, "%s: copy", what);
			w += k;
		}
		in += n;
		c->stats->bytes += (uint64_t)n;
	}
	return 0;
}

/* The data: one clone of the whole file, or its data extents copied. */
static int copy_data(struct copy *c, int sfd, int dfd, const struct stat *st, const char *what)
{
	if (c->m == ZONE_COPY_REFLINK) {
		if (ioctl(dfd, FICLONE, sfd) < 0)
			return zone_error_errno(c->err, errno, "%s: clone (reflink)", what);
		c->stats->bytes += (uint64_t)st->st_size;
		return 0;
	}
	off_t end = st->st_size, off = 0;
	while (off < end) {
		off_t data = lseek(sfd, off, SEEK_DATA);
		if (data < 0 && errno == ENXIO)
			break; /* a hole to the end */
		if (data < 0)
			return zone_error_errno(c->err, errno, "%s: find data", what);
		off_t hole = lseek(sfd, data, SEEK_HOLE);
		if (hole < 0)
			return zone_error_errno(c->err, errno, "%s: find a hole", what);
		off_t in = data, out = data;
		while (in < hole && !c->read_write) {
			ssize_t n = copy_file_range(sfd, &in, dfd, &out, (size_t)(hole - in), 0);
			if (n < 0 && errno == EINTR)
				continue;
			/* between two file systems (but two of one type that can), the
			 * kernel says EXDEV; ENOSYS, EOPNOTSUPP where it has none */
			if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EOPNOTSUPP)) {
				c->read_write = true;
				break;
			}
			if (n < 0)
				return zone_error_errno(c->err, errno, "%s: copy", what);
			if (n == 0)
				break; /* shrank meanwhile */
			c->stats->bytes += (uint64_t)n;
		}
		if (c->read_write && in < hole) {
			int r = copy_range_rw(c, sfd, dfd, in, hole, what);
			if (r < 0)
				return r;
		}
		off = hole;
	}
	/* a trailing hole: the size, not the data */
	if (ftruncate(dfd, end) < 0)
		return zone_error_errno(c->err, errno, "%s: set the size", what);
	return 0;
}

static const char *seen_link(struct copy *c, ino_t ino)
{
	for (size_t i = 0; i < c->n_links; i++)
		if (c->links[i].ino == ino)
			return c->links[i].path;
	return NULL;
}

static int remember_link(struct copy *c, ino_t ino, const char *path)
{
	if (c->n_links == c->cap_links) {
		size_t nc = c->cap_links ? c->cap_links * 2 : 64;
		struct link_seen *nv = realloc(c->links, nc * sizeof(*nv));
		if (!nv)
			return zone_error_set(c->err, ENOMEM, "out of memory");
		c->links = nv;
		c->cap_links = nc;
	}
	if (!(c->links[c->n_links].path = strdup(path)))
		return zone_error_set(c->err, ENOMEM, "out of memory");
	c->links[c->n_links++].ino = ino;
	return 0;
}

/* One level of the copy: the source walks, the destination directory follows it. */
struct copy_level {
	struct copy *c;
	int ddir;
};
static int copy_visit(void *arg, int sdir, const char *name, const char *path,
		      const struct stat *st, int depth);

static int copy_entry(struct copy *c, int sdir, int ddir, const char *name, const char *path,
		      const struct stat *stp, int depth)
{
	struct stat st = *stp;
	c->stats->files++;
	int r;
	if (S_ISDIR(st.st_mode)) {
		if (mkdirat(ddir, name, 0700) < 0)
			return zone_error_errno(c->err, errno, "%s: create", path);
		_cleanup_close_ int s = openat(sdir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					       O_CLOEXEC);
		_cleanup_close_ int d = openat(ddir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					       O_CLOEXEC);
		if (s < 0 || d < 0)
			return zone_error_errno(c->err, errno, "%s: open", path);
		struct copy_level sub = { c, d };
		if ((r = zone_dir_each(s, path, depth + 1, c->dev, copy_visit, &sub, c->err)) < 0)
			return r;
		return finish_entry(c, s, NULL, d, ddir, name, &st, path);
	}
	if (S_ISREG(st.st_mode)) {
		if (st.st_nlink > 1) {
			const char *first = seen_link(c, st.st_ino);
			if (first) {
				if (linkat(c->dst_root, first, ddir, name, 0) < 0)
					return zone_error_errno(c->err, errno, "%s: link to %s", path,
								first);
				return 0;
			}
			if ((r = remember_link(c, st.st_ino, path)) < 0)
				return r;
		}
		_cleanup_close_ int s = openat(sdir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
					       O_NOCTTY | O_NONBLOCK);
		if (s < 0)
			return zone_error_errno(c->err, errno, "%s: open", path);
		_cleanup_close_ int d = openat(ddir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
					       O_CLOEXEC, 0600);
		if (d < 0)
			return zone_error_errno(c->err, errno, "%s: create", path);
		if ((r = copy_data(c, s, d, &st, path)) < 0)
			return r;
		return finish_entry(c, s, NULL, d, ddir, name, &st, path);
	}
	if (S_ISLNK(st.st_mode)) {
		char target[4096];
		ssize_t n = readlinkat(sdir, name, target, sizeof(target) - 1);
		if (n < 0)
			return zone_error_errno(c->err, errno, "%s: readlink", path);
		target[n] = '\0';
		if (symlinkat(target, ddir, name) < 0)
			return zone_error_errno(c->err, errno, "%s: create", path);
	} else if (mknodat(ddir, name, st.st_mode & (S_IFMT | 0600), st.st_rdev) < 0) {
		return zone_error_errno(c->err, errno, "%s: create", path);
	}
	/* symlinks, devices, fifos, sockets: by path in their directory (no descriptor of
	 * their own can read or write their xattrs) */
	char sproc[ENTRY_PATH_MAX];
	entry_path(sproc, sdir, name);
	if (!S_ISLNK(st.st_mode)) {
		/* a special file's owner, mode and times through its path */
		if (fchownat(ddir, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0 ||
		    fchmodat(ddir, name, st.st_mode & 07777, 0) < 0)
			return zone_error_errno(c->err, errno, "%s: chown/chmod", path);
		char dproc[ENTRY_PATH_MAX];
		entry_path(dproc, ddir, name);
		if ((r = copy_xattrs(c, -1, sproc, -1, dproc, path)) < 0)
			return r;
		struct timespec ts[2] = { st.st_atim, st.st_mtim };
		if (utimensat(ddir, name, ts, AT_SYMLINK_NOFOLLOW) < 0)
			return zone_error_errno(c->err, errno, "%s: set times", path);
		return 0;
	}
	return finish_entry(c, -1, sproc, -1, ddir, name, &st, path);
}

static int copy_visit(void *arg, int sdir, const char *name, const char *path,
		      const struct stat *st, int depth)
{
	struct copy_level *l = arg;
	struct copy *c = l->c;
	int r = copy_entry(c, sdir, l->ddir, name, path, st, depth);
	if (r >= 0 && c->stats->progress && c->stats->files % 2048 == 0)
		c->stats->progress(c->stats->progress_arg, c->stats);
	return r;
}

/* Can this file system clone extents from src's into dst's directory? */
static bool reflink_works(int sroot, int droot)
{
	_cleanup_close_ int a = openat(sroot, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	_cleanup_close_ int b = openat(droot, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (a < 0 || b < 0)
		return false;
	char blk[4096] = { 1 };
	if (pwrite(a, blk, sizeof(blk), 0) != sizeof(blk) || fsync(a) < 0)
		return false;
	return ioctl(b, FICLONE, a) == 0;
}

/* Can the method m copy the root sroot (src) into the directory dfd (of dst)? */
static int check_method(int sroot, int dfd, const char *src, const char *dst,
			enum zone_copy_method m, struct zone_error *err)
{
	struct stat sst, dst_st;
	if (fstat(sroot, &sst) < 0 || fstat(dfd, &dst_st) < 0)
		return zone_error_errno(err, errno, "stat %s", src);
	bool subvol = on_btrfs(sroot) && sst.st_ino == 256;
	bool same_fs = sst.st_dev == dst_st.st_dev || same_btrfs(sroot, dfd);
	if (m == ZONE_COPY_SNAPSHOT && !subvol)
		return zone_error_set(err, EOPNOTSUPP, "--method snapshot: %s is not a btrfs "
				      "subvolume", src);
	if (m == ZONE_COPY_SNAPSHOT && !(on_btrfs(dfd) && same_fs))
		return zone_error_set(err, EXDEV, "--method snapshot: %s is not on the btrfs "
				      "file system of %s", dst, src);
	if (m == ZONE_COPY_REFLINK && !reflink_works(sroot, dfd))
		return zone_error_set(err, EOPNOTSUPP, "--method reflink: the file system of %s "
				      "cannot share extents with %s's (btrfs, or xfs made with "
				      "reflink=1, can)", dst, src);
	return 0;
}

int zone_copy_check(const char *src, const char *dst, enum zone_copy_method m,
		    struct zone_error *err)
{
	if (m != ZONE_COPY_SNAPSHOT && m != ZONE_COPY_REFLINK)
		return 0;
	_cleanup_close_ int sroot = open(src, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sroot < 0)
		return zone_error_errno(err, errno, "open the source root %s", src);
	/* dst's nearest directory that exists stands for the file system it will be on */
	_cleanup_free_ char *up = strdup(dst);
	if (!up)
		return zone_error_set(err, ENOMEM, "out of memory");
	_cleanup_close_ int dfd = -1;
	char *slash;
	while (dfd < 0 && (slash = strrchr(up, '/'))) {
		if (slash == up)
			slash[1] = '\0'; /* up to / itself */
		else
			*slash = '\0';
		dfd = open(up, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0 && (errno != ENOENT || !strcmp(up, "/")))
			return zone_error_errno(err, errno, "open %s", up);
	}
	if (dfd < 0)
		return zone_error_set(err, EINVAL, "%s: not an absolute path", dst);
	return check_method(sroot, dfd, src, dst, m, err);
}

int zone_copy_root(const char *src, const char *dst, enum zone_copy_method m,
		   struct zone_copy_stats *stats, struct zone_error *err)
{
	_cleanup_close_ int sroot = open(src, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sroot < 0)
		return zone_error_errno(err, errno, "open the source root %s", src);
	_cleanup_free_ char *base = NULL;
	_cleanup_close_ int pfd = open_parent(dst, &base, err);
	if (pfd < 0)
		return pfd;
	struct stat sst, pst;
	if (fstat(sroot, &sst) < 0 || fstat(pfd, &pst) < 0)
		return zone_error_errno(err, errno, "stat %s", src);
	bool same_fs = sst.st_dev == pst.st_dev || same_btrfs(sroot, pfd);
	bool subvol = on_btrfs(sroot) && sst.st_ino == 256;

	/* chosen and checked before anything is made: a refusal leaves nothing */
	if (m == ZONE_COPY_AUTO)
		m = subvol && on_btrfs(pfd) && same_fs ? ZONE_COPY_SNAPSHOT :
		    reflink_works(sroot, pfd) ? ZONE_COPY_REFLINK : ZONE_COPY_COPY;
	int r = check_method(sroot, pfd, src, dst, m, err);
	if (r < 0)
		return r;
	if (m == ZONE_COPY_SNAPSHOT) {
		struct btrfs_ioctl_vol_args_v2 a = { .fd = sroot };
		snprintf(a.name, sizeof(a.name), "%s", base);
		if (ioctl(pfd, BTRFS_IOC_SNAP_CREATE_V2, &a) < 0)
			return zone_error_errno(err, errno, "snapshot %s as %s", src, dst);
		stats->method = ZONE_COPY_SNAPSHOT;
		stats->files = 0;
		stats->bytes = 0;
		return 0;
	}
	if ((r = zone_mkroot(dst, err)) < 0)
		return r;
	_cleanup_close_ int droot = openat(pfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					   O_CLOEXEC);
	if (droot < 0)
		return zone_error_errno(err, errno, "open %s", dst);
	stats->method = m;
	struct copy c = { .m = m, .dst_root = droot, .dev = sst.st_dev, .stats = stats, .err = err };
	struct copy_level top = { &c, droot };
	r = zone_dir_each(sroot, ".", 0, c.dev, copy_visit, &top, err);
	if (r >= 0)
		r = finish_entry(&c, sroot, NULL, droot, pfd, base, &sst, ".");
	for (size_t i = 0; i < c.n_links; i++)
		free(c.links[i].path);
	free(c.links);
	return r;
}
