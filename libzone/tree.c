// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * tree.c - what a zone root holds: an index of every entry with its
 * metadata (and, when asked, a SHA-256 of its content), and one digest of
 * the whole, for detach/attach, send/receive and move.
 *
 * Theory:
 *   The walk is by descriptor (openat O_NOFOLLOW, fstatat
 *   AT_SYMLINK_NOFOLLOW): a zone root is zone-controlled data, so no symlink
 *   is followed and no other file system is entered (an entry on another
 *   device is an error, as for removal).
 *
 *   The digest is SHA-256 (nettle, which libarchive loads already) over one
 *   record per entry in bytewise path order:
 *       PATH NUL TYPE MODE UID GID SIZE MTIME RDEV CONTENT XATTRS "\n"
 *   CONTENT is the SHA-256 of a regular file's bytes (holes read as
 *   zeros, so the sparse and the dense copy of a file agree) or of a
 *   symlink's target; XATTRS the SHA-256 of its extended attributes (name
 *   NUL value, sorted), ACLs and file capabilities included.  Owners are
 *   the ids on disk (unshifted: zone roots are mounted idmapped).  Times
 *   other than mtime, inode numbers and link counts are not in it: a copy
 *   cannot keep them.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <nettle/sha2.h>

#include "runtime.h"
#include "util.h"

#define MAX_DEPTH 256

void zone_tree_free(struct zone_tree *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].path);
		free(t->v[i].link);
	}
	free(t->v);
	free(t);
}

static void hex(const uint8_t *d, size_t n, char *out)
{
	static const char x[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = x[d[i] >> 4];
		out[2 * i + 1] = x[d[i] & 15];
	}
	out[2 * n] = '\0';
}

/* ---- hashing pieces ---------------------------------------------------------------- */

int zone_hash_fd(int fd, uint64_t size, uint8_t out[32], struct zone_error *err)
{
	struct sha256_ctx c;
	sha256_init(&c);
	uint8_t buf[128 * 1024];
	const size_t bl = sizeof(buf);
	uint64_t off = 0;
	while (off < size) {
		size_t want = size - off < bl ? (size_t)(size - off) : bl;
		ssize_t n = pread(fd, buf, want, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return zone_error_errno(err, errno, "read");
		if (n == 0)
			break; /* shrank meanwhile: hash what is there */
		sha256_update(&c, (size_t)n, buf);
		off += (uint64_t)n;
	}
	sha256_digest(&c, 32, out);
	return 0;
}

/* Extended attributes of fd (or of path under dirfd for a symlink), hashed sorted. */
static int cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int zone_xattrs_list(int fd, const char *proc_path, char **names_out, ssize_t *len_out)
{
	ssize_t n = proc_path ? llistxattr(proc_path, NULL, 0) : flistxattr(fd, NULL, 0);
	if (n < 0)
		return errno == ENOTSUP ? 0 : -errno;
	if (n == 0) {
		*names_out = NULL;
		*len_out = 0;
		return 0;
	}
	char *names = malloc((size_t)n + 1);
	if (!names)
		return -ENOMEM;
	n = proc_path ? llistxattr(proc_path, names, (size_t)n) : flistxattr(fd, names, (size_t)n);
	if (n < 0) {
		int e = errno;
		free(names);
		return e == ERANGE ? -EAGAIN : -e;
	}
	*names_out = names;
	*len_out = n;
	return 0;
}

ssize_t zone_xattr_get(int fd, const char *proc_path, const char *name, char **out)
{
	ssize_t n = proc_path ? lgetxattr(proc_path, name, NULL, 0) : fgetxattr(fd, name, NULL, 0);
	if (n < 0)
		return -errno;
	char *v = malloc((size_t)n + 1);
	if (!v)
		return -ENOMEM;
	n = proc_path ? lgetxattr(proc_path, name, v, (size_t)n) : fgetxattr(fd, name, v, (size_t)n);
	if (n < 0) {
		int e = errno;
		free(v);
		return -e;
	}
	*out = v;
	return n;
}

int zone_xattrs_hash(int fd, const char *proc_path, uint8_t out[32], bool *any,
		     void (*each)(void *arg, const char *name, const void *value, size_t len),
		     void *arg)
{
	_cleanup_free_ char *names = NULL;
	ssize_t len = 0;
	int r = zone_xattrs_list(fd, proc_path, &names, &len);
	if (r < 0)
		return r;
	*any = len > 0;
	if (!*any)
		return 0;
	size_t k = 0;
	for (ssize_t i = 0; i < len; i += (ssize_t)strlen(names + i) + 1)
		k++;
	_cleanup_free_ char **v = calloc(k, sizeof(char *));
	if (!v)
		return -ENOMEM;
	k = 0;
	for (ssize_t i = 0; i < len; i += (ssize_t)strlen(names + i) + 1)
		v[k++] = names + i;
	qsort(v, k, sizeof(char *), cmp_cstr);
	struct sha256_ctx c;
	sha256_init(&c);
	for (size_t i = 0; i < k; i++) {
		_cleanup_free_ char *val = NULL;
		ssize_t vl = zone_xattr_get(fd, proc_path, v[i], &val);
		if (vl == -ENODATA)
			continue; /* removed meanwhile */
		if (vl < 0)
			return (int)vl;
		zone_xattr_record(&c, v[i], val, (size_t)vl);
		if (each)
			each(arg, v[i], val, (size_t)vl);
	}
	sha256_digest(&c, 32, out);
	return 0;
}

void zone_xattr_record(struct sha256_ctx *c, const char *name, const void *value, size_t len)
{
	char lenbuf[24];
	int ln = snprintf(lenbuf, sizeof(lenbuf), "%zu:", len);
	sha256_update(c, strlen(name) + 1, (const uint8_t *)name);
	sha256_update(c, (size_t)ln, (const uint8_t *)lenbuf);
	sha256_update(c, len, (const uint8_t *)value);
}

int zone_tree_entry_stat(struct zone_tree_entry *e, int dirfd, const char *name,
			 const struct stat *st, struct zone_error *err)
{
	e->mode = st->st_mode;
	e->uid = st->st_uid;
	e->gid = st->st_gid;
	e->size = S_ISREG(st->st_mode) ? (uint64_t)st->st_size : 0;
	e->mtime_sec = st->st_mtim.tv_sec;
	e->mtime_nsec = st->st_mtim.tv_nsec;
	e->ctime_sec = st->st_ctim.tv_sec;
	e->ctime_nsec = st->st_ctim.tv_nsec;
	e->ino = st->st_ino;
	e->nlink = st->st_nlink;
	e->rdev = S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode) ? st->st_rdev : 0;
	if (!S_ISLNK(st->st_mode))
		return 0;
	char target[PATH_MAX];
	ssize_t n = readlinkat(dirfd, name, target, sizeof(target) - 1);
	if (n < 0)
		return zone_error_errno(err, errno, "%s: readlink", e->path);
	target[n] = '\0';
	if (!(e->link = strdup(target)))
		return zone_error_set(err, ENOMEM, "out of memory");
	return 0;
}

/* ---- the walk -------------------------------------------------------------------------- */

struct walk {
	struct zone_tree *t;
	size_t cap;
	dev_t dev;
	unsigned flags;
	struct zone_error *err;
};

static struct zone_tree_entry *add(struct walk *w)
{
	if (w->t->n == w->cap) {
		size_t nc = w->cap ? w->cap * 2 : 256;
		struct zone_tree_entry *nv = realloc(w->t->v, nc * sizeof(*nv));
		if (!nv)
			return NULL;
		w->t->v = nv;
		w->cap = nc;
	}
	struct zone_tree_entry *e = &w->t->v[w->t->n++];
	memset(e, 0, sizeof(*e));
	return e;
}

/* Fill e from st and, with ZONE_TREE_HASH, its content and xattrs (fd: the entry, or -1). */
static int describe(struct walk *w, struct zone_tree_entry *e, int dirfd, const char *name,
		    const struct stat *st)
{
	int r = zone_tree_entry_stat(e, dirfd, name, st, w->err);
	if (r < 0)
		return r;
	if (!(w->flags & ZONE_TREE_HASH))
		return 0;
	/* content and xattrs, through a descriptor of the entry itself */
	int fl = S_ISREG(st->st_mode) ? O_RDONLY : O_PATH;
	_cleanup_close_ int fd = openat(dirfd, name, fl | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY |
					 (S_ISREG(st->st_mode) ? O_NONBLOCK : 0));
	if (fd < 0)
		return zone_error_errno(w->err, errno, "%s: open", e->path);
	struct stat again;
	if (fstat(fd, &again) < 0 || again.st_ino != st->st_ino || again.st_dev != st->st_dev)
		return zone_error_set(w->err, EAGAIN, "%s: replaced while it was read", e->path);
	if (S_ISREG(st->st_mode)) {
		if ((r = zone_hash_fd(fd, e->size, e->content, w->err)) < 0)
			return zone_error_wrap(w->err, "%s", e->path);
		e->has_content = true;
	} else if (S_ISLNK(st->st_mode)) {
		struct sha256_ctx c;
		sha256_init(&c);
		sha256_update(&c, strlen(e->link), (const uint8_t *)e->link);
		sha256_digest(&c, 32, e->content);
		e->has_content = true;
	}
	/* a symlink's, fifo's or device's xattrs by its path in its directory: the
	 * directory's magic link followed, the entry not (/proc/self/fd/FD of its
	 * own O_PATH descriptor, unfollowed, is the proc link, which has none) */
	char proc[sizeof("/proc/self/fd//") + 12 + NAME_MAX];
	bool path_only = !S_ISREG(st->st_mode) && !S_ISDIR(st->st_mode);
	if (path_only)
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d/%s", dirfd, name);
	if (S_ISDIR(st->st_mode)) {
		/* O_PATH descriptors cannot fgetxattr: a directory opens for reading */
		_cleanup_close_ int d = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					       O_CLOEXEC);
		if (d < 0)
			return zone_error_errno(w->err, errno, "%s: open", e->path);
		r = zone_xattrs_hash(d, NULL, e->xattrs, &e->has_xattrs, NULL, NULL);
	} else {
		r = zone_xattrs_hash(fd, path_only ? proc : NULL, e->xattrs, &e->has_xattrs, NULL, NULL);
	}
	if (r < 0)
		return zone_error_errno(w->err, -r, "%s: extended attributes", e->path);
	return 0;
}

int zone_dir_each(int dfd, const char *prefix, int depth, dev_t dev, zone_dir_visit visit,
		  void *arg, struct zone_error *err)
{
	if (depth > MAX_DEPTH)
		return zone_error_set(err, ELOOP, "%s: more than %d directories deep", prefix,
				      MAX_DEPTH);
	int d2 = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d2 < 0)
		return zone_error_errno(err, errno, "%s", prefix);
	_cleanup_closedir_ DIR *d = fdopendir(d2);
	if (!d) {
		close(d2);
		return zone_error_errno(err, errno, "%s", prefix);
	}
	struct dirent *de;
	errno = 0;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		_cleanup_free_ char *rel = strcmp(prefix, ".") ?
			zone_strdup_printf("%s/%s", prefix, de->d_name) : strdup(de->d_name);
		if (!rel)
			return zone_error_set(err, ENOMEM, "out of memory");
		struct stat st;
		if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno == ENOENT)
				continue; /* gone meanwhile (a live zone) */
			return zone_error_errno(err, errno, "%s", rel);
		}
		if (st.st_dev != dev)
			return zone_error_set(err, EXDEV, "%s: on another file system (a mount or "
					      "a subvolume inside the zone root)", rel);
		int r = visit(arg, dfd, de->d_name, rel, &st, depth);
		if (r < 0)
			return r;
		errno = 0;
	}
	if (errno)
		return zone_error_errno(err, errno, "%s: read the directory", prefix);
	return 0;
}

static int walk_entry(void *arg, int dfd, const char *name, const char *rel,
		      const struct stat *st, int depth)
{
	struct walk *w = arg;
	struct zone_tree_entry *e = add(w);
	if (!e || !(e->path = strdup(rel)))
		return zone_error_set(w->err, ENOMEM, "out of memory");
	int r = describe(w, e, dfd, name, st);
	if (r < 0 || !S_ISDIR(st->st_mode))
		return r;
	_cleanup_close_ int sub = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					 O_CLOEXEC);
	if (sub < 0)
		return zone_error_errno(w->err, errno, "%s", rel);
	return zone_dir_each(sub, rel, depth + 1, w->dev, walk_entry, w, w->err);
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct zone_tree_entry *)a)->path,
		      ((const struct zone_tree_entry *)b)->path);
}

int zone_tree_scan(int rootfd, unsigned flags, struct zone_tree **out, struct zone_error *err)
{
	struct stat st;
	if (fstat(rootfd, &st) < 0)
		return zone_error_errno(err, errno, "stat the root");
	if (!S_ISDIR(st.st_mode))
		return zone_error_set(err, ENOTDIR, "the root is not a directory");
	struct zone_tree *t = calloc(1, sizeof(*t));
	if (!t)
		return zone_error_set(err, ENOMEM, "out of memory");
	struct walk w = { .t = t, .dev = st.st_dev, .flags = flags, .err = err };
	struct zone_tree_entry *e = add(&w);
	int r = 0;
	if (!e || !(e->path = strdup(".")))
		r = zone_error_set(err, ENOMEM, "out of memory");
	if (r >= 0)
		r = describe(&w, e, rootfd, ".", &st);
	if (r >= 0)
		r = zone_dir_each(rootfd, ".", 0, w.dev, walk_entry, &w, err);
	if (r < 0) {
		zone_tree_free(t);
		return r;
	}
	qsort(t->v, t->n, sizeof(t->v[0]), cmp_entry);
	for (size_t i = 0; i < t->n; i++)
		if (S_ISREG(t->v[i].mode))
			t->bytes += t->v[i].size;
	*out = t;
	return 0;
}

struct zone_tree_entry *zone_tree_find(const struct zone_tree *t, const char *path)
{
	struct zone_tree_entry key = { .path = (char *)path };
	return t ? bsearch(&key, t->v, t->n, sizeof(t->v[0]), cmp_entry) : NULL;
}

/* ---- the digest ----------------------------------------------------------------------- */

void zone_tree_entry_record(const struct zone_tree_entry *e, struct sha256_ctx *c)
{
	char line[512], ch[65] = "-", xh[65] = "-";
	if (e->has_content)
		hex(e->content, 32, ch);
	if (e->has_xattrs)
		hex(e->xattrs, 32, xh);
	char type = S_ISDIR(e->mode) ? 'd' : S_ISREG(e->mode) ? 'f' : S_ISLNK(e->mode) ? 'l' :
		    S_ISCHR(e->mode) ? 'c' : S_ISBLK(e->mode) ? 'b' : S_ISFIFO(e->mode) ? 'p' : 's';
	int n = snprintf(line, sizeof(line), "%c %o %u %u %llu %lld.%09ld %u:%u %s %s\n", type,
			 (unsigned)(e->mode & 07777), (unsigned)e->uid, (unsigned)e->gid,
			 (unsigned long long)e->size, (long long)e->mtime_sec, e->mtime_nsec,
			 major(e->rdev), minor(e->rdev), ch, xh);
	sha256_update(c, strlen(e->path) + 1, (const uint8_t *)e->path);
	sha256_update(c, (size_t)n, (const uint8_t *)line);
}

void zone_tree_digest(const struct zone_tree *t, char out[65])
{
	struct sha256_ctx c;
	sha256_init(&c);
	for (size_t i = 0; i < t->n; i++)
		zone_tree_entry_record(&t->v[i], &c);
	uint8_t d[32];
	sha256_digest(&c, 32, d);
	hex(d, 32, out);
}
