// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * stream.c - send and receive: a zone as one portable stream, and its
 * safe extraction.
 *
 * Theory:
 *   The stream is a pax archive (libarchive), compressed with zstd, gzip or
 *   not at all, of these members in this order:
 *     zone/manifest.json  the manifest (manifest.c): config, brand and its
 *                         version, architecture, the root's entries and
 *                         bytes (its digest comes last: see below)
 *     zone/config.json    the config (zone.json(5)), the manifest's own
 *     zone/delta.json     a delta stream only (move's second pass): the base
 *                         it applies to and the paths deleted since
 *     root, root/...      the root, directories before what they hold, with
 *                         owners as on disk, modes, mtimes, extended
 *                         attributes (ACLs and file capabilities are ones),
 *                         hard links, symlinks, and sparse maps for holes
 *     zone/digest.json    {"digest", "files", "bytes"}: the digest (tree.c) of
 *                         the root as sent, hashed while it was read, less
 *                         its device nodes (sent, but never made: below)
 *   A digest last lets a zone be sent in one read of its root.
 *
 *   A stream is hostile input.  The receiver reads only tar formats and the
 *   three filters; refuses a member that is not one of the above, out of
 *   order, or twice; a path with "..", an empty or "." component, an
 *   absolute one, one of PATH_MAX bytes or a component of more than
 *   NAME_MAX, or more than 256 directories deep; a hard link to anything but
 *   a regular file received before; a root that is not a directory; more
 *   entries or bytes than the manifest declares or than
 *   --max-files/--max-size allow (500,000 files and the free space of the
 *   target by default; a file counts its whole size, holes too, at its
 *   header, before any of it is made); a live stream outside a move's first
 *   pass (transfer.c); a compression ratio over 1000:1 (a decompression
 *   bomb); a stream that ends early; a digest that is not the one of what
 *   arrived; a brand or architecture this host does not run.  Device nodes
 *   are not made: they are stripped and listed.  A name from the stream is
 *   quoted (zone_quote) in any message, which may reach a terminal.  Every
 *   path is created under a descriptor of its parent, found with
 *   openat2(RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS |
 *   RESOLVE_NO_XDEV) from the zone root: a symlink in the stream is made as
 *   a link and never followed, so nothing lands outside the root.  Set-id
 *   files are kept (the zonepath is 0700).  A directory's owner, mode,
 *   xattrs and times are set once everything is in, deepest first.  A
 *   refused stream leaves nothing: what was extracted and the zone made for
 *   it are removed.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <archive.h>
#include <archive_entry.h>
#include <linux/openat2.h>
#include <nettle/sha2.h>

#include "runtime.h"
#include "util.h"

#define MEMBER_MAX (1 << 20)       /* each zone/ member (JSON) */
#define MAX_DEPTH 256
#define DEFAULT_MAX_FILES 500000
#define BOMB_RATIO 1000
#define BOMB_AFTER (16ull << 20)   /* judge the ratio once this much came out */
/* progress: at the start, then every so many entries or bytes (zoned shows ten a second) */
#define PROGRESS_FILES 128
#define PROGRESS_BYTES (4ull << 20)
#define IN_ROOT (RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV)

static const uint8_t zeros[64 * 1024];

/* ---- the index of a tree, kept between a move's two passes ------------------------------ */

static void hex32(const uint8_t *d, char *out)
{
	static const char x[] = "0123456789abcdef";
	for (int i = 0; i < 32; i++) {
		out[2 * i] = x[d[i] >> 4];
		out[2 * i + 1] = x[d[i] & 15];
	}
	out[64] = '\0';
}

static bool unhex32(const char *s, uint8_t *out)
{
	if (!s || strlen(s) != 64)
		return false;
	for (int i = 0; i < 32; i++) {
		unsigned v;
		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return false;
		out[i] = (uint8_t)v;
	}
	return true;
}

int zone_index_save(const struct zone_tree *t, const char *path, struct zone_error *err)
{
	_cleanup_json_ json_t *a = json_array();
	if (!a)
		return zone_error_set(err, ENOMEM, "out of memory");
	for (size_t i = 0; i < t->n; i++) {
		const struct zone_tree_entry *e = &t->v[i];
		char c[65] = "", x[65] = "";
		if (e->has_content)
			hex32(e->content, c);
		if (e->has_xattrs)
			hex32(e->xattrs, x);
		json_t *r = json_pack("[s,I,I,I,I,I,I,I,I,I,I,s?,s,s]", e->path, (json_int_t)e->mode,
				      (json_int_t)e->uid, (json_int_t)e->gid, (json_int_t)e->size,
				      (json_int_t)e->mtime_sec, (json_int_t)e->mtime_nsec,
				      (json_int_t)e->ctime_sec, (json_int_t)e->ctime_nsec,
				      (json_int_t)e->ino, (json_int_t)e->rdev, e->link, c, x);
		if (!r || json_array_append_new(a, r) < 0)
			return zone_error_set(err, ENOMEM, "out of memory");
	}
	_cleanup_free_ char *text = json_dumps(a, JSON_COMPACT);
	if (!text)
		return zone_error_set(err, ENOMEM, "out of memory");
	return zone_file_replace(path, text, strlen(text), 0600, err);
}

int zone_index_load(const char *path, struct zone_tree **out, struct zone_error *err)
{
	json_error_t je;
	_cleanup_json_ json_t *a = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!json_is_array(a))
		return zone_error_set(err, EINVAL, "%s: not an index (%s)", path, je.text);
	struct zone_tree *t = calloc(1, sizeof(*t));
	if (!t || !(t->v = calloc(json_array_size(a) + 1, sizeof(t->v[0])))) {
		free(t);
		return zone_error_set(err, ENOMEM, "out of memory");
	}
	size_t i;
	json_t *r;
	json_array_foreach(a, i, r) {
		struct zone_tree_entry *e = &t->v[t->n];
		const char *p = NULL, *c = NULL, *x = NULL;
		json_t *lj = NULL;
		json_int_t v[10];
		/* (jansson unpacks no "s?": the link is null or a string) */
		if (json_unpack(r, "[s,I,I,I,I,I,I,I,I,I,I,o,s,s]", &p, &v[0], &v[1], &v[2], &v[3],
				&v[4], &v[5], &v[6], &v[7], &v[8], &v[9], &lj, &c, &x) < 0 ||
		    !(json_is_null(lj) || json_is_string(lj))) {
			zone_tree_free(t);
			return zone_error_set(err, EINVAL, "%s: entry %zu: bad", path, i);
		}
		const char *link = json_string_value(lj);
		e->path = strdup(p);
		e->link = link ? strdup(link) : NULL;
		t->n++;
		if (!e->path || (link && !e->link)) {
			zone_tree_free(t);
			return zone_error_set(err, ENOMEM, "out of memory");
		}
		e->mode = (mode_t)v[0];
		e->uid = (uid_t)v[1];
		e->gid = (gid_t)v[2];
		e->size = (uint64_t)v[3];
		e->mtime_sec = v[4];
		e->mtime_nsec = (long)v[5];
		e->ctime_sec = v[6];
		e->ctime_nsec = (long)v[7];
		e->ino = (ino_t)v[8];
		e->rdev = (dev_t)v[9];
		e->has_content = unhex32(c, e->content);
		e->has_xattrs = unhex32(x, e->xattrs);
		if (S_ISREG(e->mode))
			t->bytes += e->size;
	}
	*out = t;
	return 0;
}

/* ---- shared -------------------------------------------------------------------------------- */

/*
 * A message of libarchive's or jansson's, made printable: they may quote bytes
 * of the stream, and a message reaches a terminal.  (Names of members are
 * quoted with zone_quote where they are put in a message.)
 */
static const char *printable(const char *m, char *buf, size_t size)
{
	snprintf(buf, size, "%s", m);
	for (char *c = buf; *c; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
			*c = '?';
	return buf;
}

static int arch_error(struct archive *a, struct zone_error *err, const char *what)
{
	int e = archive_errno(a);
	const char *m = archive_error_string(a);
	char buf[256];
	return zone_error_set(err, e > 0 ? e : EIO, "%s: %s", what,
			      printable(m ? m : "failed", buf, sizeof(buf)));
}

struct tree_builder {
	struct zone_tree *t;
	size_t cap;
};

static struct zone_tree_entry *tb_add(struct tree_builder *b, const char *path)
{
	if (b->t->n == b->cap) {
		size_t nc = b->cap ? b->cap * 2 : 256;
		struct zone_tree_entry *nv = realloc(b->t->v, nc * sizeof(*nv));
		if (!nv)
			return NULL;
		b->t->v = nv;
		b->cap = nc;
	}
	struct zone_tree_entry *e = &b->t->v[b->t->n];
	memset(e, 0, sizeof(*e));
	if (!(e->path = strdup(path)))
		return NULL;
	b->t->n++;
	return e;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct zone_tree_entry *)a)->path,
		      ((const struct zone_tree_entry *)b)->path);
}

static void tb_finish(struct zone_tree *t)
{
	qsort(t->v, t->n, sizeof(t->v[0]), cmp_entry);
	t->bytes = 0;
	for (size_t i = 0; i < t->n; i++)
		if (S_ISREG(t->v[i].mode))
			t->bytes += t->v[i].size;
}

/* ---- send ----------------------------------------------------------------------------------- */

struct sender {
	struct archive *a;
	struct archive_entry *e;
	dev_t dev;
	struct tree_builder tb;
	const struct zone_tree *base;  /* delta: what the other side has */
	struct zone_tree *now;         /* delta: what is here now (metadata only) */
	struct { ino_t ino; char *path; } *links;
	size_t n_links, cap_links;
	uint64_t sent_files, sent_bytes, total_bytes;
	const struct zone_progress *prog;
	const char *name;
	struct zone_error *err;
};

static void send_progress(struct sender *s)
{
	if (!s->prog || !s->prog->fn)
		return;
	_cleanup_json_ json_t *j = json_pack("{s:s,s:s,s:I,s:I,s:I}", "phase", "send", "name",
					     s->name, "files", (json_int_t)s->sent_files, "bytes",
					     (json_int_t)s->sent_bytes, "total_bytes",
					     (json_int_t)s->total_bytes);
	if (j)
		s->prog->fn(s->prog->arg, j);
}

static int write_member(struct archive *a, const char *name, const char *data, size_t len,
			struct zone_error *err)
{
	struct archive_entry *e = archive_entry_new();
	if (!e)
		return zone_error_set(err, ENOMEM, "out of memory");
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0600);
	archive_entry_set_size(e, (la_int64_t)len);
	archive_entry_set_mtime(e, time(NULL), 0);
	int r = archive_write_header(a, e);
	archive_entry_free(e);
	if (r < ARCHIVE_OK)
		return arch_error(a, err, name);
	if (len && archive_write_data(a, data, len) != (la_ssize_t)len)
		return arch_error(a, err, name);
	return 0;
}

static int write_json_member(struct archive *a, const char *name, json_t *j,
			     struct zone_error *err)
{
	_cleanup_free_ char *text = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	if (!text)
		return zone_error_set(err, ENOMEM, "out of memory");
	return write_member(a, name, text, strlen(text), err);
}

/* Extended attributes onto the archive entry, and hashed as tree.c hashes them. */
static void add_xattr(void *arg, const char *name, const void *value, size_t len)
{
	archive_entry_xattr_add_entry(arg, name, value, len);
}

static int send_xattrs(struct sender *s, int fd, const char *proc, struct zone_tree_entry *te,
		       const char *path)
{
	int r = zone_xattrs_hash(fd, proc, te->xattrs, &te->has_xattrs, add_xattr, s->e);
	if (r < 0)
		return zone_error_errno(s->err, -r, "%s: extended attributes", path);
	return 0;
}

/* A regular file's data: holes as a sparse map, the data regions written. */
static int send_data(struct sender *s, int fd, uint64_t size, struct zone_tree_entry *te,
		     const char *path, bool header_only_sparse)
{
	struct sha256_ctx c;
	sha256_init(&c);
	uint8_t buf[128 * 1024];
	uint64_t off = 0;
	while (off < size) {
		off_t data = lseek(fd, (off_t)off, SEEK_DATA);
		uint64_t dstart = data < 0 ? size : (uint64_t)data;
		if (dstart > size)
			dstart = size;
		/* a hole: zeros to the writer (which skips them) and to the hash */
		while (off < dstart) {
			size_t n = dstart - off < sizeof(zeros) ? (size_t)(dstart - off) : sizeof(zeros);
			sha256_update(&c, n, zeros);
			if (archive_write_data(s->a, zeros, n) < 0)
				return arch_error(s->a, s->err, path);
			off += n;
		}
		if (off >= size)
			break;
		off_t hole = lseek(fd, (off_t)off, SEEK_HOLE);
		uint64_t dend = hole < 0 || (uint64_t)hole > size ? size : (uint64_t)hole;
		while (off < dend) {
			size_t want = dend - off < sizeof(buf) ? (size_t)(dend - off) : sizeof(buf);
			ssize_t n = pread(fd, buf, want, (off_t)off);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return zone_error_errno(s->err, errno, "%s: read", path);
			if (n == 0) {
				/* shrank while we read (a live zone): zeros to the declared size */
				memset(buf, 0, want);
				n = (ssize_t)want;
			}
			sha256_update(&c, (size_t)n, buf);
			if (archive_write_data(s->a, buf, (size_t)n) < 0)
				return arch_error(s->a, s->err, path);
			off += (uint64_t)n;
			s->sent_bytes += (uint64_t)n;
			if (s->sent_bytes / PROGRESS_BYTES != (s->sent_bytes - (uint64_t)n) / PROGRESS_BYTES)
				send_progress(s);
		}
	}
	(void)header_only_sparse;
	sha256_digest(&c, 32, te->content);
	te->has_content = true;
	return 0;
}

/* The data regions of fd as a sparse map on the entry; true if it has a hole. */
static bool sparse_map(struct archive_entry *e, int fd, uint64_t size)
{
	if (size == 0)
		return false;
	off_t first_hole = lseek(fd, 0, SEEK_HOLE);
	if (first_hole < 0 || (uint64_t)first_hole >= size)
		return false;
	uint64_t off = 0;
	bool any = false;
	while (off < size) {
		off_t d = lseek(fd, (off_t)off, SEEK_DATA);
		if (d < 0 || (uint64_t)d >= size)
			break;
		off_t h = lseek(fd, d, SEEK_HOLE);
		uint64_t end = h < 0 || (uint64_t)h > size ? size : (uint64_t)h;
		archive_entry_sparse_add_entry(e, d, (la_int64_t)(end - (uint64_t)d));
		any = true;
		off = end;
	}
	if (!any)
		archive_entry_sparse_add_entry(e, 0, 0); /* all hole */
	return true;
}

static const char *seen_link(struct sender *s, ino_t ino)
{
	for (size_t i = 0; i < s->n_links; i++)
		if (s->links[i].ino == ino)
			return s->links[i].path;
	return NULL;
}

/* Unchanged since the base (a delta's second pass): same metadata, same inode. */
static const struct zone_tree_entry *unchanged(struct sender *s, const char *rel,
					       const struct stat *st)
{
	const struct zone_tree_entry *b = s->base ? zone_tree_find(s->base, rel) : NULL;
	if (!b || b->mode != st->st_mode || b->uid != st->st_uid || b->gid != st->st_gid ||
	    b->ino != st->st_ino || b->mtime_sec != st->st_mtim.tv_sec ||
	    b->mtime_nsec != st->st_mtim.tv_nsec || b->ctime_sec != st->st_ctim.tv_sec ||
	    b->ctime_nsec != st->st_ctim.tv_nsec ||
	    (S_ISREG(st->st_mode) && b->size != (uint64_t)st->st_size))
		return NULL;
	return b;
}

static int send_entry(struct sender *s, int dirfd, const char *name, const char *rel,
		      const struct stat *st)
{
	/*
	 * A device node is sent, so that the receiver can list what it did not
	 * make, but is not in the digest: no receiver makes one, and the digest
	 * is of the root that arrives.
	 */
	struct zone_tree_entry device = { 0 };
	bool is_dev = S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode);
	struct zone_tree_entry *te = is_dev ? &device : tb_add(&s->tb, rel);
	if (!te)
		return zone_error_set(s->err, ENOMEM, "out of memory");
	int r = zone_tree_entry_stat(te, dirfd, name, st, s->err);
	if (r < 0)
		return r;
	const struct zone_tree_entry *same = unchanged(s, rel, st);
	if (same && (!S_ISLNK(st->st_mode) || (same->link && !strcmp(same->link, te->link)))) {
		/* the other side has it: its hashes stand */
		memcpy(te->content, same->content, 32);
		memcpy(te->xattrs, same->xattrs, 32);
		te->has_content = same->has_content;
		te->has_xattrs = same->has_xattrs;
		return 0;
	}
	s->sent_files++;
	struct archive_entry *e = s->e;
	archive_entry_clear(e);
	_cleanup_free_ char *pname = strcmp(rel, ".") ? zone_strdup_printf("root/%s", rel) :
							strdup("root");
	if (!pname)
		return zone_error_set(s->err, ENOMEM, "out of memory");
	archive_entry_set_pathname(e, pname);
	archive_entry_set_uid(e, st->st_uid);
	archive_entry_set_gid(e, st->st_gid);
	archive_entry_set_perm(e, st->st_mode & 07777);
	archive_entry_set_mtime(e, st->st_mtim.tv_sec, st->st_mtim.tv_nsec);
	int fl = S_ISREG(st->st_mode) ? O_RDONLY | O_NONBLOCK | O_NOCTTY :
		 S_ISDIR(st->st_mode) ? O_RDONLY | O_DIRECTORY : O_PATH;
	_cleanup_close_ int fd = openat(dirfd, name, fl | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return zone_error_errno(s->err, errno, "%s: open", rel);
	struct stat again;
	if (fstat(fd, &again) < 0 || again.st_ino != st->st_ino)
		return zone_error_set(s->err, EAGAIN, "%s: replaced while it was read", rel);
	char proc[64];
	bool by_path = !S_ISREG(st->st_mode) && !S_ISDIR(st->st_mode);
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (S_ISREG(st->st_mode) && st->st_nlink > 1) {
		const char *first = seen_link(s, st->st_ino);
		if (first) {
			/* a hard link: a header naming the first, no data */
			_cleanup_free_ char *ln = zone_strdup_printf("root/%s", first);
			if (!ln)
				return zone_error_set(s->err, ENOMEM, "out of memory");
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_hardlink(e, ln);
			archive_entry_set_size(e, 0);
			const struct zone_tree_entry *fe = NULL;
			for (size_t i = s->tb.t->n; i-- > 0;)
				if (!strcmp(s->tb.t->v[i].path, first)) {
					fe = &s->tb.t->v[i];
					break;
				}
			if (fe) {
				memcpy(te->content, fe->content, 32);
				memcpy(te->xattrs, fe->xattrs, 32);
				te->has_content = fe->has_content;
				te->has_xattrs = fe->has_xattrs;
			}
			if (archive_write_header(s->a, e) < ARCHIVE_OK)
				return arch_error(s->a, s->err, rel);
			return 0;
		}
		if (s->n_links == s->cap_links) {
			size_t nc = s->cap_links ? s->cap_links * 2 : 64;
			void *nv = realloc(s->links, nc * sizeof(*s->links));
			if (!nv)
				return zone_error_set(s->err, ENOMEM, "out of memory");
			s->links = nv;
			s->cap_links = nc;
		}
		if (!(s->links[s->n_links].path = strdup(rel)))
			return zone_error_set(s->err, ENOMEM, "out of memory");
		s->links[s->n_links++].ino = st->st_ino;
	}
	if ((r = send_xattrs(s, fd, by_path ? proc : NULL, te, rel)) < 0)
		return r;
	if (S_ISDIR(st->st_mode)) {
		archive_entry_set_filetype(e, AE_IFDIR);
	} else if (S_ISREG(st->st_mode)) {
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_size(e, st->st_size);
		sparse_map(e, fd, (uint64_t)st->st_size);
	} else if (S_ISLNK(st->st_mode)) {
		archive_entry_set_filetype(e, AE_IFLNK);
		archive_entry_set_symlink(e, te->link);
		struct sha256_ctx c;
		sha256_init(&c);
		sha256_update(&c, strlen(te->link), (const uint8_t *)te->link);
		sha256_digest(&c, 32, te->content);
		te->has_content = true;
	} else if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode)) {
		archive_entry_set_filetype(e, S_ISCHR(st->st_mode) ? AE_IFCHR : AE_IFBLK);
		archive_entry_set_rdev(e, st->st_rdev);
	} else if (S_ISFIFO(st->st_mode)) {
		archive_entry_set_filetype(e, AE_IFIFO);
	} else {
		return 0; /* a socket: meaningless elsewhere, not sent */
	}
	if (archive_write_header(s->a, e) < ARCHIVE_OK)
		return arch_error(s->a, s->err, rel);
	if (S_ISREG(st->st_mode) && (r = send_data(s, fd, (uint64_t)st->st_size, te, rel, false)) < 0)
		return r;
	if (s->sent_files % PROGRESS_FILES == 0)
		send_progress(s);
	return 0;
}

static int send_visit(void *arg, int dfd, const char *name, const char *rel,
		      const struct stat *st, int depth)
{
	struct sender *s = arg;
	if (S_ISSOCK(st->st_mode))
		return 0; /* meaningless elsewhere, not sent */
	int r = send_entry(s, dfd, name, rel, st);
	if (r < 0 || !S_ISDIR(st->st_mode))
		return r;
	_cleanup_close_ int sub = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					 O_CLOEXEC);
	if (sub < 0)
		return zone_error_errno(s->err, errno, "%s", rel);
	return zone_dir_each(sub, rel, depth + 1, s->dev, send_visit, s, s->err);
}

static int stream_send(const struct zone_send *o, struct zone_error *err)
{
	_cleanup_close_ int rootfd = open(o->root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (rootfd < 0)
		return zone_error_errno(err, errno, "open %s", o->root);
	struct stat rst;
	if (fstat(rootfd, &rst) < 0)
		return zone_error_errno(err, errno, "stat %s", o->root);
	/* what is declared first: the number of entries and bytes, from a walk without reading */
	struct zone_tree *pre = NULL;
	int r = zone_tree_scan(rootfd, 0, &pre, err);
	if (r < 0)
		return zone_error_wrap(err, "%s", o->root);
	_cleanup_json_ json_t *manifest = NULL;
	r = zone_manifest_make(o->config, o->brand, pre, false, &manifest, err);
	uint64_t total = pre->bytes;
	zone_tree_free(pre);
	if (r < 0)
		return r;
	if (o->live)
		json_object_set_new(manifest, "live", json_true());

	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	struct zone_tree *t = calloc(1, sizeof(*t));
	if (!a || !e || !t) {
		archive_write_free(a);
		archive_entry_free(e);
		free(t);
		return zone_error_set(err, ENOMEM, "out of memory");
	}
	struct sender s = { .a = a, .e = e, .dev = rst.st_dev, .tb = { .t = t }, .base = o->base,
			    .total_bytes = total, .prog = o->progress, .name = o->config->name,
			    .err = err };
	const char *comp = o->compress ? o->compress : "zstd";
	if (archive_write_set_format_pax(a) != ARCHIVE_OK)
		r = arch_error(a, err, "pax");
	else if (!strcmp(comp, "zstd") && archive_write_add_filter_zstd(a) != ARCHIVE_OK)
		r = arch_error(a, err, "zstd");
	else if (!strcmp(comp, "gzip") && archive_write_add_filter_gzip(a) != ARCHIVE_OK)
		r = arch_error(a, err, "gzip");
	else if (strcmp(comp, "zstd") && strcmp(comp, "gzip") && strcmp(comp, "none"))
		r = zone_error_set(err, EINVAL, "--compress: \"%s\": not one of zstd, gzip, none",
				   comp);
	else if (archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
		 archive_write_open_fd(a, o->fd) != ARCHIVE_OK)
		r = arch_error(a, err, "open the stream");
	_cleanup_json_ json_t *cfg = zone_config_to_json(o->config);
	if (r >= 0 && !cfg)
		r = zone_error_set(err, ENOMEM, "out of memory");
	if (r >= 0)
		r = write_json_member(a, "zone/manifest.json", manifest, err);
	if (r >= 0)
		r = write_json_member(a, "zone/config.json", cfg, err);
	if (r >= 0 && o->base) {
		/* what the other side has and we no longer do */
		_cleanup_json_ json_t *gone = json_array();
		struct zone_tree *now = NULL;
		if (!gone || zone_tree_scan(rootfd, 0, &now, err) < 0) {
			r = gone ? -err->code : zone_error_set(err, ENOMEM, "out of memory");
		} else {
			for (size_t i = 0; i < o->base->n; i++)
				if (!zone_tree_find(now, o->base->v[i].path))
					json_array_append_new(gone, json_string(o->base->v[i].path));
			zone_tree_free(now);
			_cleanup_json_ json_t *delta = json_pack("{s:s,s:O}", "base", o->base_id,
								 "deleted", gone);
			r = delta ? write_json_member(a, "zone/delta.json", delta, err) :
				    zone_error_set(err, ENOMEM, "out of memory");
		}
	}
	if (r >= 0) {
		send_progress(&s);
		r = send_entry(&s, rootfd, ".", ".", &rst);
	}
	if (r >= 0)
		r = zone_dir_each(rootfd, ".", 0, s.dev, send_visit, &s, err);
	char digest[65] = "";
	if (r >= 0) {
		tb_finish(t);
		zone_tree_digest(t, digest);
		_cleanup_json_ json_t *trailer = json_pack("{s:s,s:I,s:I}", "digest", digest, "files",
							   (json_int_t)t->n, "bytes",
							   (json_int_t)t->bytes);
		r = trailer ? write_json_member(a, "zone/digest.json", trailer, err) :
			      zone_error_set(err, ENOMEM, "out of memory");
	}
	if (r >= 0 && archive_write_close(a) != ARCHIVE_OK)
		r = arch_error(a, err, "finish the stream");
	archive_write_free(a);
	archive_entry_free(e);
	for (size_t i = 0; i < s.n_links; i++)
		free(s.links[i].path);
	free(s.links);
	if (r >= 0 && o->save_index)
		r = zone_index_save(t, o->save_index, err);
	if (r >= 0 && o->report)
		*o->report = json_pack("{s:s,s:s,s:I,s:I,s:I,s:I,s:s}", "name", o->config->name,
				       "digest", digest, "files", (json_int_t)t->n, "bytes",
				       (json_int_t)t->bytes, "sent_files", (json_int_t)s.sent_files,
				       "sent_bytes", (json_int_t)s.sent_bytes, "compress", comp);
	zone_tree_free(t);
	return r;
}

int zone_stream_send(const struct zone_send *o, struct zone_error *err)
{
	int r = stream_send(o, err);
	if (r < 0 && err) {
		/* the names in a message are the zone's own, which its users chose */
		char buf[sizeof(err->msg)];
		snprintf(err->msg, sizeof(err->msg), "%s", printable(err->msg, buf, sizeof(buf)));
	}
	return r;
}

/* ---- receive -------------------------------------------------------------------------------- */

struct pending_dir {
	char *path;
	mode_t mode;
	uid_t uid;
	gid_t gid;
	struct timespec mtime;
	struct archive_entry *xattrs; /* a clone holding the xattrs */
};

struct receiver {
	struct archive *a;
	int rootfd;
	const struct zone_receive *o;
	struct zone_tree *tree;  /* what the root holds (as received, or base + delta) */
	struct tree_builder tb;
	struct pending_dir *dirs;
	size_t n_dirs, cap_dirs;
	uint64_t files, bytes;     /* entries, and regular files' sizes (as declared) */
	uint64_t done;             /* of those bytes, how many are in (progress) */
	uint64_t max_files, max_bytes;
	uint64_t declared_files, declared_bytes;
	bool live, delta;
	bool had_root;           /* the member "root" came */
	json_t *stripped;
	struct zone_error *err;
};

static void recv_progress(struct receiver *rc)
{
	if (!rc->o->progress || !rc->o->progress->fn)
		return;
	_cleanup_json_ json_t *j = json_pack("{s:s,s:I,s:I,s:I}", "phase", "receive", "files",
					     (json_int_t)rc->files, "bytes", (json_int_t)rc->done,
					     "total_bytes", (json_int_t)rc->declared_bytes);
	if (j)
		rc->o->progress->fn(rc->o->progress->arg, j);
}

/* rc->done advanced by n bytes: progress when it crossed a step. */
static void recv_advance(struct receiver *rc, uint64_t n)
{
	rc->done += n;
	if (rc->done / PROGRESS_BYTES != (rc->done - n) / PROGRESS_BYTES)
		recv_progress(rc);
}

/* Validate a member's path under root/ and split it into parent and last component. */
static int check_path(struct receiver *rc, const char *member, char **rel, char **parent,
		      char **base)
{
	if (!member)
		return zone_error_set(rc->err, EINVAL, "a member whose name is not readable");
	size_t len = strlen(member);
	if (len >= PATH_MAX)
		return zone_error_set(rc->err, ENAMETOOLONG, "a member name of %zu bytes (PATH_MAX "
				      "is %d)", len, PATH_MAX);
	_cleanup_free_ char *q = zone_quote(member, 100);
	if (!q)
		return zone_error_set(rc->err, ENOMEM, "out of memory");
	const char *p = member;
	if (*p == '/')
		return zone_error_set(rc->err, EINVAL, "member %s: an absolute name", q);
	if (strncmp(p, "root/", 5) != 0)
		return zone_error_set(rc->err, EINVAL, "member %s: not under root/", q);
	p += 5;
	while (*p == '/')
		p++;
	if (!*p)
		return zone_error_set(rc->err, EINVAL, "member %s: an empty path", q);
	/* ., .., empty components, NAME_MAX, depth */
	int depth = 0;
	for (const char *c = p; *c;) {
		const char *slash = strchr(c, '/');
		size_t n = slash ? (size_t)(slash - c) : strlen(c);
		if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return zone_error_set(rc->err, EINVAL, "member %s: a \"%.*s\" component", q,
					      (int)n, c); /* "", "." or ".." */
		if (n > NAME_MAX)
			return zone_error_set(rc->err, ENAMETOOLONG, "member %s: a name of %zu bytes "
					      "(NAME_MAX is %d)", q, n, NAME_MAX);
		if (++depth > MAX_DEPTH)
			return zone_error_set(rc->err, ELOOP, "member %s: more than %d "
					      "directories deep", q, MAX_DEPTH);
		c += n;
		while (*c == '/')
			c++;
	}
	_cleanup_free_ char *r = strdup(p);
	if (!r)
		return zone_error_set(rc->err, ENOMEM, "out of memory");
	size_t l = strlen(r);
	while (l > 1 && r[l - 1] == '/')
		r[--l] = '\0';
	char *slash = strrchr(r, '/');
	*parent = slash ? strndup(r, (size_t)(slash - r)) : strdup(".");
	*base = strdup(slash ? slash + 1 : r);
	if (!*parent || !*base) {
		free(*parent);
		free(*base);
		return zone_error_set(rc->err, ENOMEM, "out of memory");
	}
	*rel = TAKE_PTR(r);
	return 0;
}

static int open_parent_in_root(struct receiver *rc, const char *parent, const char *shown)
{
	int fd = zone_openat2(rc->rootfd, parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW,
			      IN_ROOT);
	if (fd < 0) {
		_cleanup_free_ char *qp = zone_quote(parent, 200);
		return zone_error_errno(rc->err, -fd, "%s: its directory %s (a symlink on the way, "
					"or not there)", shown, qp ? qp : "?");
	}
	return fd;
}

static int apply_xattrs(struct receiver *rc, struct archive_entry *e, int fd, const char *proc,
			const char *shown, uint8_t out[32], bool *any)
{
	const char *name;
	const void *value;
	size_t size;
	size_t n = (size_t)archive_entry_xattr_reset(e);
	*any = n > 0;
	if (!n)
		return 0;
	/* hashed sorted, as tree.c does */
	struct kv { const char *n; const void *v; size_t s; } *kv = calloc(n, sizeof(*kv));
	if (!kv)
		return zone_error_set(rc->err, ENOMEM, "out of memory");
	size_t k = 0;
	while (k < n && archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK) {
		if (!name || !*name || strlen(name) > 255) {
			free(kv);
			return zone_error_set(rc->err, EINVAL, "%s: an extended attribute with a bad "
					      "name", shown);
		}
		/* libarchive 3.6 reads a pax xattr twice (its LIBARCHIVE. and SCHILY.
		 * keys, both written): the first counts */
		bool seen = false;
		for (size_t i = 0; i < k && !seen; i++)
			seen = !strcmp(kv[i].n, name);
		if (seen)
			continue;
		int q = proc ? lsetxattr(proc, name, value, size, 0) : fsetxattr(fd, name, value, size, 0);
		if (q < 0) {
			int e2 = errno;
			free(kv);
			_cleanup_free_ char *qn = zone_quote(name, 64);
			return zone_error_errno(rc->err, e2, "%s: set the extended attribute %s", shown,
						qn ? qn : "?");
		}
		kv[k++] = (struct kv){ name, value, size };
	}
	/* stable: of one name given twice, the last stays last (and is what was set) */
	for (size_t i = 1; i < k; i++)
		for (size_t j = i; j > 0 && strcmp(kv[j - 1].n, kv[j].n) > 0; j--) {
			struct kv t = kv[j];
			kv[j] = kv[j - 1];
			kv[j - 1] = t;
		}
	struct sha256_ctx c;
	sha256_init(&c);
	for (size_t i = 0; i < k; i++) {
		/*
		 * libarchive's pax writer stores each attribute twice (as
		 * LIBARCHIVE.xattr.* and SCHILY.xattr.*) and its reader returns
		 * both: the file has it once, and tree.c hashes it once.
		 */
		if (i + 1 < k && !strcmp(kv[i].n, kv[i + 1].n))
			continue;
		zone_xattr_record(&c, kv[i].n, kv[i].v, kv[i].s);
	}
	sha256_digest(&c, 32, out);
	free(kv);
	return 0;
}

/* A delta may replace what is there: anything but a directory goes first. */
static int make_room(struct receiver *rc, int pfd, const char *base, const char *shown,
		     bool want_dir)
{
	struct stat st;
	if (fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;
	if (!rc->delta)
		return zone_error_set(rc->err, EEXIST, "%s: in the stream twice", shown);
	if (S_ISDIR(st.st_mode)) {
		if (want_dir)
			return 1; /* kept: its metadata is updated */
		return zone_error_set(rc->err, EISDIR, "%s: a directory here, something else in "
				      "the delta (delete it first)", shown);
	}
	if (unlinkat(pfd, base, 0) < 0)
		return zone_error_errno(rc->err, errno, "%s: replace", shown);
	return 0;
}

static struct zone_tree_entry *record(struct receiver *rc, const char *rel)
{
	struct zone_tree_entry *e = tb_add(&rc->tb, rel);
	if (!e)
		zone_error_set(rc->err, ENOMEM, "out of memory");
	return e;
}

static int receive_entry(struct receiver *rc, struct archive_entry *e)
{
	const char *member = archive_entry_pathname(e);
	bool is_root = member && (!strcmp(member, "root") || !strcmp(member, "root/"));
	_cleanup_free_ char *rel = NULL, *parent = NULL, *base = NULL;
	if (is_root) {
		/* once, and a directory: its metadata is set once everything is in */
		if (rc->had_root)
			return zone_error_set(rc->err, EEXIST, "the root: in the stream twice");
		if (archive_entry_filetype(e) != AE_IFDIR || archive_entry_hardlink(e))
			return zone_error_set(rc->err, EINVAL, "the root: not a directory");
		rc->had_root = true;
		rel = strdup(".");
		parent = strdup(".");
		base = strdup(".");
		if (!rel || !parent || !base)
			return zone_error_set(rc->err, ENOMEM, "out of memory");
	} else {
		int r = check_path(rc, member, &rel, &parent, &base);
		if (r < 0)
			return r;
	}
	_cleanup_free_ char *shown = zone_quote(rel, 200);
	if (!shown)
		return zone_error_set(rc->err, ENOMEM, "out of memory");
	if (++rc->files > rc->max_files)
		return zone_error_set(rc->err, EFBIG, "more than %llu files (--max-files)",
				      (unsigned long long)rc->max_files);
	if (!rc->live && !rc->delta && rc->files > rc->declared_files)
		return zone_error_set(rc->err, EFBIG, "more entries than the manifest declares (%llu)",
				      (unsigned long long)rc->declared_files);
	mode_t type = archive_entry_filetype(e);
	mode_t perm = archive_entry_perm(e) & 07777;
	la_int64_t uid = archive_entry_uid(e), gid = archive_entry_gid(e);
	if (uid < 0 || uid > 65535 || gid < 0 || gid > 65535)
		return zone_error_set(rc->err, EINVAL, "%s: owner %lld:%lld outside a zone's ids "
				      "0-65535", shown, (long long)uid, (long long)gid);
	struct timespec mt = { archive_entry_mtime(e), archive_entry_mtime_nsec(e) };
	const char *hardlink = archive_entry_hardlink(e);

	if (type == AE_IFCHR || type == AE_IFBLK) {
		/* device nodes are not made in a zone root: stripped, listed (quoted if the
		 * name is not UTF-8, which a JSON string cannot hold) */
		json_t *name = json_string(rel);
		json_array_append_new(rc->stripped, name ? name : json_string(shown));
		rc->files--;
		return 0;
	}
	_cleanup_close_ int pfd = is_root ? fcntl(rc->rootfd, F_DUPFD_CLOEXEC, 3) :
					   open_parent_in_root(rc, parent, shown);
	if (pfd < 0)
		return is_root ? zone_error_errno(rc->err, errno, "the root") : pfd;
	int r;
	if (hardlink) {
		_cleanup_free_ char *lrel = NULL, *lp = NULL, *lb = NULL;
		if ((r = check_path(rc, hardlink, &lrel, &lp, &lb)) < 0)
			return zone_error_wrap(rc->err, "%s: hard link", shown);
		_cleanup_free_ char *lshown = zone_quote(lrel, 200);
		if (!lshown)
			return zone_error_set(rc->err, ENOMEM, "out of memory");
		_cleanup_close_ int t = zone_openat2(rc->rootfd, lrel, O_PATH | O_NOFOLLOW | O_CLOEXEC,
						     IN_ROOT);
		struct stat ts;
		if (t < 0 || fstat(t, &ts) < 0 || !S_ISREG(ts.st_mode))
			return zone_error_set(rc->err, EINVAL, "%s: a hard link to %s, which is no "
					      "regular file received before", shown, lshown);
		if ((r = make_room(rc, pfd, base, shown, false)) < 0)
			return r;
		if (linkat(t, "", pfd, base, AT_EMPTY_PATH) < 0)
			return zone_error_errno(rc->err, errno, "%s: link to %s", shown, lshown);
		/* the same content and metadata as its first name */
		struct zone_tree_entry *first = NULL;
		for (size_t i = rc->tb.t->n; i-- > 0;)
			if (!strcmp(rc->tb.t->v[i].path, lrel)) {
				first = &rc->tb.t->v[i];
				break;
			}
		struct zone_tree_entry *te = record(rc, rel);
		if (!te)
			return -ENOMEM;
		if (first) {
			char *p = te->path;
			*te = *first;
			te->path = p;
			te->link = NULL;
		}
		return 0;
	}
	struct zone_tree_entry *te = NULL;
	if (type == AE_IFDIR) {
		if (!is_root) {
			int room = make_room(rc, pfd, base, shown, true);
			if (room < 0)
				return room;
			if (!room && mkdirat(pfd, base, 0700) < 0)
				return zone_error_errno(rc->err, errno, "%s: create", shown);
		}
		/* owner, mode, xattrs, times: once everything is in */
		if (rc->n_dirs == rc->cap_dirs) {
			size_t nc = rc->cap_dirs ? rc->cap_dirs * 2 : 256;
			struct pending_dir *nv = realloc(rc->dirs, nc * sizeof(*nv));
			if (!nv)
				return zone_error_set(rc->err, ENOMEM, "out of memory");
			rc->dirs = nv;
			rc->cap_dirs = nc;
		}
		struct pending_dir *d = &rc->dirs[rc->n_dirs];
		*d = (struct pending_dir){ .path = strdup(rel), .mode = perm, .uid = (uid_t)uid,
					   .gid = (gid_t)gid, .mtime = mt,
					   .xattrs = archive_entry_clone(e) };
		if (!d->path || !d->xattrs) {
			free(d->path);
			archive_entry_free(d->xattrs);
			return zone_error_set(rc->err, ENOMEM, "out of memory");
		}
		rc->n_dirs++;
		if (!(te = record(rc, rel)))
			return -ENOMEM;
		te->mode = S_IFDIR | perm;
	} else if (type == AE_IFREG) {
		la_int64_t size = archive_entry_size(e);
		if (size < 0)
			return zone_error_set(rc->err, EINVAL, "%s: a negative size", shown);
		/*
		 * Counted whole, holes too, as the manifest counts it, before any of
		 * it is made: a sparse member of a few bytes may declare an exabyte,
		 * whose holes would be hashed as zeros for hours.
		 */
		if ((uint64_t)size > rc->max_bytes - rc->bytes)
			return zone_error_set(rc->err, EFBIG, "%s: %lld bytes, more than %llu in all "
					      "(--max-size, or the free space here)", shown,
					      (long long)size, (unsigned long long)rc->max_bytes);
		rc->bytes += (uint64_t)size;
		if (!rc->live && !rc->delta && rc->bytes > rc->declared_bytes)
			return zone_error_set(rc->err, EFBIG, "%s: more bytes than the manifest "
					      "declares (%llu)", shown,
					      (unsigned long long)rc->declared_bytes);
		if ((r = make_room(rc, pfd, base, shown, false)) < 0)
			return r;
		_cleanup_close_ int fd = openat(pfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
						O_CLOEXEC, 0600);
		if (fd < 0)
			return zone_error_errno(rc->err, errno, "%s: create", shown);
		if (!(te = record(rc, rel)))
			return -ENOMEM;
		struct sha256_ctx c;
		sha256_init(&c);
		uint64_t at = 0;
		for (;;) {
			const void *buf;
			size_t n;
			la_int64_t off;
			int ar = archive_read_data_block(rc->a, &buf, &n, &off);
			if (ar == ARCHIVE_EOF)
				break;
			if (ar < ARCHIVE_OK)
				return arch_error(rc->a, rc->err, shown);
			if (off < 0 || (uint64_t)off < at || (uint64_t)off + n > (uint64_t)size)
				return zone_error_set(rc->err, EINVAL, "%s: data outside the file's %lld "
						      "bytes", shown, (long long)size);
			recv_advance(rc, (uint64_t)off + n - at); /* the hole before, and the data */
			while (at < (uint64_t)off) { /* a hole: zeros, as tree.c hashes it */
				size_t z = (uint64_t)off - at < sizeof(zeros) ?
						   (size_t)((uint64_t)off - at) : sizeof(zeros);
				sha256_update(&c, z, zeros);
				at += z;
			}
			la_int64_t in = archive_filter_bytes(rc->a, -1);
			la_int64_t outb = archive_filter_bytes(rc->a, 0);
			if ((uint64_t)outb > BOMB_AFTER && in > 0 && outb / in > BOMB_RATIO)
				return zone_error_set(rc->err, EFBIG, "the stream expands more than "
						      "%d:1 (a decompression bomb?)", BOMB_RATIO);
			const uint8_t *p = buf;
			size_t left = n;
			while (left) {
				ssize_t w = pwrite(fd, p, left, off);
				if (w < 0 && errno == EINTR)
					continue;
				if (w < 0)
					return zone_error_errno(rc->err, errno, "%s: write", shown);
				p += w;
				left -= (size_t)w;
				off += w;
			}
			sha256_update(&c, n, buf);
			at += n;
		}
		recv_advance(rc, (uint64_t)size - at);
		while (at < (uint64_t)size) {
			size_t z = (uint64_t)size - at < sizeof(zeros) ? (size_t)((uint64_t)size - at) :
									 sizeof(zeros);
			sha256_update(&c, z, zeros);
			at += z;
		}
		if (ftruncate(fd, size) < 0)
			return zone_error_errno(rc->err, errno, "%s: set the size", shown);
		sha256_digest(&c, 32, te->content);
		te->has_content = true;
		te->size = (uint64_t)size;
		if (fchown(fd, (uid_t)uid, (gid_t)gid) < 0)
			return zone_error_errno(rc->err, errno, "%s: chown", shown);
		if ((r = apply_xattrs(rc, e, fd, NULL, shown, te->xattrs, &te->has_xattrs)) < 0)
			return r;
		struct timespec ts[2] = { mt, mt };
		if (fchmod(fd, perm) < 0 || futimens(fd, ts) < 0)
			return zone_error_errno(rc->err, errno, "%s: mode and times", shown);
		te->mode = S_IFREG | perm;
	} else if (type == AE_IFLNK || type == AE_IFIFO) {
		if ((r = make_room(rc, pfd, base, shown, false)) < 0)
			return r;
		const char *target = type == AE_IFLNK ? archive_entry_symlink(e) : NULL;
		if (type == AE_IFLNK && (!target || !*target || strlen(target) >= PATH_MAX))
			return zone_error_set(rc->err, EINVAL, "%s: a symlink with no usable target", shown);
		if (type == AE_IFLNK ? symlinkat(target, pfd, base) < 0 :
				       mkfifoat(pfd, base, 0600) < 0)
			return zone_error_errno(rc->err, errno, "%s: create", shown);
		if (!(te = record(rc, rel)))
			return -ENOMEM;
		_cleanup_close_ int fd = openat(pfd, base, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return zone_error_errno(rc->err, errno, "%s: open", shown);
		char proc[64];
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		if (fchownat(pfd, base, (uid_t)uid, (gid_t)gid, AT_SYMLINK_NOFOLLOW) < 0)
			return zone_error_errno(rc->err, errno, "%s: chown", shown);
		if ((r = apply_xattrs(rc, e, fd, proc, shown, te->xattrs, &te->has_xattrs)) < 0)
			return r;
		if (type == AE_IFIFO && fchmodat(pfd, base, perm, 0) < 0)
			return zone_error_errno(rc->err, errno, "%s: chmod", shown);
		struct timespec ts[2] = { mt, mt };
		if (utimensat(pfd, base, ts, AT_SYMLINK_NOFOLLOW) < 0)
			return zone_error_errno(rc->err, errno, "%s: set times", shown);
		if (type == AE_IFLNK) {
			te->mode = S_IFLNK | 0777;
			if (!(te->link = strdup(target)))
				return zone_error_set(rc->err, ENOMEM, "out of memory");
			struct sha256_ctx c;
			sha256_init(&c);
			sha256_update(&c, strlen(target), (const uint8_t *)target);
			sha256_digest(&c, 32, te->content);
			te->has_content = true;
			struct stat ls;
			if (fstatat(pfd, base, &ls, AT_SYMLINK_NOFOLLOW) == 0)
				te->mode = ls.st_mode;
		} else {
			te->mode = S_IFIFO | perm;
		}
	} else {
		return zone_error_set(rc->err, EINVAL, "%s: a member of a kind a zone root does not "
				      "hold", shown);
	}
	te->uid = (uid_t)uid;
	te->gid = (gid_t)gid;
	te->mtime_sec = mt.tv_sec;
	te->mtime_nsec = mt.tv_nsec;
	if (rc->files % PROGRESS_FILES == 0)
		recv_progress(rc);
	return 0;
}

/* The directories' owners, modes, xattrs and times, deepest first. */
static int finish_dirs(struct receiver *rc)
{
	for (size_t i = rc->n_dirs; i-- > 0;) {
		struct pending_dir *d = &rc->dirs[i];
		_cleanup_free_ char *shown = zone_quote(d->path, 200);
		if (!shown)
			return zone_error_set(rc->err, ENOMEM, "out of memory");
		_cleanup_close_ int fd = strcmp(d->path, ".") ?
			zone_openat2(rc->rootfd, d->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
				     O_CLOEXEC, IN_ROOT) : fcntl(rc->rootfd, F_DUPFD_CLOEXEC, 3);
		if (fd < 0)
			return zone_error_errno(rc->err, fd == -1 ? errno : -fd, "%s", shown);
		struct zone_tree_entry *te = NULL;
		for (size_t k = rc->tb.t->n; k-- > 0;)
			if (!strcmp(rc->tb.t->v[k].path, d->path)) {
				te = &rc->tb.t->v[k];
				break;
			}
		uint8_t xh[32];
		bool any = false;
		int r;
		if (fchown(fd, d->uid, d->gid) < 0)
			return zone_error_errno(rc->err, errno, "%s: chown", shown);
		if ((r = apply_xattrs(rc, d->xattrs, fd, NULL, shown, xh, &any)) < 0)
			return r;
		struct timespec ts[2] = { d->mtime, d->mtime };
		if (fchmod(fd, d->mode) < 0 || futimens(fd, ts) < 0)
			return zone_error_errno(rc->err, errno, "%s: mode and times", shown);
		if (te) {
			memcpy(te->xattrs, xh, 32);
			te->has_xattrs = any;
			te->uid = d->uid;
			te->gid = d->gid;
			te->mtime_sec = d->mtime.tv_sec;
			te->mtime_nsec = d->mtime.tv_nsec;
		}
	}
	return 0;
}

static void receiver_free(struct receiver *rc)
{
	for (size_t i = 0; i < rc->n_dirs; i++) {
		free(rc->dirs[i].path);
		archive_entry_free(rc->dirs[i].xattrs);
	}
	free(rc->dirs);
	json_decref(rc->stripped);
	zone_tree_free(rc->tb.t);
}

/* A member under zone/ (JSON): a small regular file, parsed. */
static int read_json_member(struct archive *a, struct archive_entry *e, const char *want,
			    json_t **out, struct zone_error *err)
{
	const char *name = archive_entry_pathname(e);
	if (!name || strcmp(name, want) != 0) {
		_cleanup_free_ char *q = zone_quote(name ? name : "?", 100);
		return zone_error_set(err, EINVAL, "the stream has %s where %s was due",
				      q ? q : "a member", want);
	}
	if (archive_entry_filetype(e) != AE_IFREG || archive_entry_size(e) < 0 ||
	    archive_entry_size(e) > MEMBER_MAX)
		return zone_error_set(err, EINVAL, "%s: not a file of at most %d bytes", want,
				      MEMBER_MAX);
	size_t len = (size_t)archive_entry_size(e);
	_cleanup_free_ char *buf = malloc(len + 1);
	if (!buf)
		return zone_error_set(err, ENOMEM, "out of memory");
	la_ssize_t n = archive_read_data(a, buf, len);
	if (n < 0 || (size_t)n != len)
		return n < 0 ? arch_error(a, err, want) :
			       zone_error_set(err, EIO, "%s: the stream ended inside it", want);
	json_error_t je;
	*out = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	char text[sizeof(je.text)];
	if (!*out)
		return zone_error_set(err, EINVAL, "%s: line %d: %s", want, je.line,
				      printable(je.text, text, sizeof(text)));
	return 0;
}

int zone_stream_open(const struct zone_receive *o, struct zone_stream **out, struct zone_error *err)
{
	struct zone_stream *st = calloc(1, sizeof(*st));
	if (!st)
		return zone_error_set(err, ENOMEM, "out of memory");
	st->a = archive_read_new();
	if (!st->a) {
		free(st);
		return zone_error_set(err, ENOMEM, "out of memory");
	}
	archive_read_support_format_tar(st->a);
	archive_read_support_filter_zstd(st->a);
	archive_read_support_filter_gzip(st->a);
	archive_read_support_filter_none(st->a);
	int r = 0;
	struct archive_entry *e;
	if (archive_read_open_fd(st->a, o->fd, 64 * 1024) != ARCHIVE_OK) {
		r = arch_error(st->a, err, "read the stream");
	} else if (archive_read_next_header(st->a, &e) != ARCHIVE_OK) {
		r = arch_error(st->a, err, "the stream's first member");
	} else if ((r = read_json_member(st->a, e, "zone/manifest.json", &st->manifest_json,
					 err)) >= 0 &&
		   (r = zone_manifest_parse(st->manifest_json, &st->manifest, err)) >= 0) {
		if (archive_read_next_header(st->a, &e) != ARCHIVE_OK)
			r = arch_error(st->a, err, "the stream's second member");
		else if ((r = read_json_member(st->a, e, "zone/config.json", &st->config_json,
					       err)) >= 0 &&
			 !json_equal(st->config_json, json_object_get(st->manifest_json, "config")))
			r = zone_error_set(err, EINVAL, "zone/config.json: not the manifest's config");
		st->live = json_is_true(json_object_get(st->manifest_json, "live"));
	}
	if (r < 0) {
		zone_stream_close(st);
		return r;
	}
	*out = st;
	return 0;
}

void zone_stream_close(struct zone_stream *st)
{
	if (!st)
		return;
	archive_read_free(st->a);
	json_decref(st->manifest_json);
	json_decref(st->config_json);
	zone_manifest_free(st->manifest);
	free(st);
}

/*
 * A directory the delta does not carry did not change there, but here it
 * did when the delta replaced or linked an entry in it (a file rewritten in
 * place, say a log): its mtime goes back to the base's, the sender's.
 */
static int keep_dir_time(int rootfd, struct zone_tree_entry *me, const struct zone_tree_entry *b,
			 struct zone_error *err)
{
	_cleanup_close_ int fd = strcmp(me->path, ".") ?
		zone_openat2(rootfd, me->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC,
			     IN_ROOT) : fcntl(rootfd, F_DUPFD_CLOEXEC, 3);
	struct timespec ts[2] = { { b->mtime_sec, b->mtime_nsec }, { b->mtime_sec, b->mtime_nsec } };
	if (fd < 0)
		return zone_error_errno(err, fd == -1 ? errno : -fd, "%s", me->path);
	if (futimens(fd, ts) < 0)
		return zone_error_errno(err, errno, "%s: set times", me->path);
	me->mtime_sec = b->mtime_sec;
	me->mtime_nsec = b->mtime_nsec;
	return 0;
}

int zone_stream_extract(struct zone_stream *st, const struct zone_receive *o, int rootfd,
			struct zone_tree *base, json_t **report, struct zone_error *err)
{
	struct zone_manifest *m = st->manifest;
	struct receiver rc = {
		.a = st->a, .rootfd = rootfd, .o = o, .err = err,
		.max_files = o->max_files ? o->max_files : DEFAULT_MAX_FILES,
		.max_bytes = o->max_bytes ? o->max_bytes : UINT64_MAX,
		.declared_files = m->files, .declared_bytes = m->bytes,
		.live = st->live, .delta = base != NULL,
		.stripped = json_array(),
	};
	rc.tb.t = calloc(1, sizeof(*rc.tb.t));
	if (!rc.tb.t || !rc.stripped) {
		receiver_free(&rc);
		return zone_error_set(err, ENOMEM, "out of memory");
	}
	if (!rc.live && !rc.delta && m->files > rc.max_files) {
		receiver_free(&rc);
		return zone_error_set(err, EFBIG, "the manifest declares %llu files, more than "
				      "%llu (--max-files)", (unsigned long long)m->files,
				      (unsigned long long)rc.max_files);
	}
	if (!rc.live && !rc.delta && m->bytes > rc.max_bytes) {
		receiver_free(&rc);
		return zone_error_set(err, EFBIG, "the manifest declares %llu bytes, more than "
				      "%llu (--max-size, or the free space here)",
				      (unsigned long long)m->bytes, (unsigned long long)rc.max_bytes);
	}
	int r = 0;
	struct archive_entry *e;
	json_t *delta = NULL, *trailer = NULL;
	bool first = true;
	recv_progress(&rc);
	for (;;) {
		int ar = archive_read_next_header(st->a, &e);
		if (ar == ARCHIVE_EOF) {
			r = zone_error_set(err, EIO, "the stream ended before its digest (truncated?)");
			break;
		}
		if (ar < ARCHIVE_WARN) {
			r = arch_error(st->a, err, "the stream");
			break;
		}
		const char *name = archive_entry_pathname(e);
		if (first && base) {
			first = false;
			if ((r = read_json_member(st->a, e, "zone/delta.json", &delta, err)) < 0)
				break;
			/* what the sender no longer has goes here too */
			json_t *gone = json_object_get(delta, "deleted");
			if (!json_is_array(gone)) {
				r = zone_error_set(err, EINVAL, "zone/delta.json: deleted: not a list");
				break;
			}
			size_t i;
			json_t *v;
			json_array_foreach(gone, i, v) {
				_cleanup_free_ char *member = zone_strdup_printf("root/%s",
										  json_string_value(v) ?: "");
				_cleanup_free_ char *rel = NULL, *par = NULL, *bn = NULL;
				if (!member || (r = check_path(&rc, member, &rel, &par, &bn)) < 0)
					break;
				_cleanup_close_ int pfd = zone_openat2(rootfd, par, O_RDONLY |
								       O_DIRECTORY | O_NOFOLLOW |
								       O_CLOEXEC, IN_ROOT);
				struct stat s2;
				if (pfd >= 0 && fstatat(pfd, bn, &s2, AT_SYMLINK_NOFOLLOW) == 0) {
					if (S_ISDIR(s2.st_mode)) {
						_cleanup_close_ int sub = openat(pfd, bn, O_RDONLY |
										 O_DIRECTORY | O_NOFOLLOW |
										 O_CLOEXEC);
						_cleanup_free_ char *pp = zone_strdup_printf(
							"/proc/self/fd/%d", sub);
						if (sub >= 0 && pp)
							zone_remove_tree_contents(pp, NULL);
						unlinkat(pfd, bn, AT_REMOVEDIR);
					} else {
						unlinkat(pfd, bn, 0);
					}
				}
			}
			if (r < 0)
				break;
			continue;
		}
		first = false;
		if (name && !strcmp(name, "zone/digest.json")) {
			if ((r = read_json_member(st->a, e, "zone/digest.json", &trailer, err)) < 0)
				break;
			if (archive_read_next_header(st->a, &e) != ARCHIVE_EOF)
				r = zone_error_set(err, EINVAL, "members after the digest");
			break;
		}
		if ((r = receive_entry(&rc, e)) < 0)
			break;
	}
	if (r >= 0)
		r = finish_dirs(&rc);
	char digest[65] = "";
	struct zone_tree *final = NULL;
	if (r >= 0) {
		tb_finish(rc.tb.t);
		if (base) {
			/* the base, less what was deleted or replaced, plus what came */
			struct zone_tree *merged = NULL;
			if ((r = zone_tree_scan(rootfd, 0, &merged, err)) >= 0) {
				for (size_t i = 0; i < merged->n; i++) {
					struct zone_tree_entry *me = &merged->v[i];
					const struct zone_tree_entry *src =
						zone_tree_find(rc.tb.t, me->path);
					if (!src && (src = zone_tree_find(base, me->path)) &&
					    S_ISDIR(me->mode) && S_ISDIR(src->mode) &&
					    (me->mtime_sec != src->mtime_sec ||
					     me->mtime_nsec != src->mtime_nsec) &&
					    (r = keep_dir_time(rootfd, me, src, err)) < 0)
						break;
					if (!src) {
						_cleanup_free_ char *q = zone_quote(me->path, 200);
						r = zone_error_set(err, EIO, "%s: here, but neither in "
								   "the base nor in the delta",
								   q ? q : "an entry");
						break;
					}
					memcpy(me->content, src->content, 32);
					memcpy(me->xattrs, src->xattrs, 32);
					me->has_content = src->has_content;
					me->has_xattrs = src->has_xattrs;
				}
				final = merged;
			}
		} else {
			final = rc.tb.t;
			rc.tb.t = NULL;
		}
	}
	if (r >= 0)
		zone_tree_digest(final, digest);
	const char *want = json_string_value(json_object_get(trailer, "digest"));
	if (r >= 0 && (!want || strcmp(want, digest) != 0))
		r = zone_error_set(err, EBADMSG, "the digest of what arrived (%.16s...) is not the "
				   "stream's (%.16s...): the stream was changed or damaged",
				   digest, want ? want : "none");
	if (r >= 0 && o->save_index)
		r = zone_index_save(final, o->save_index, err);
	if (r >= 0 && report)
		*report = json_pack("{s:s,s:I,s:I,s:O}", "digest", digest, "files",
				    (json_int_t)final->n, "bytes", (json_int_t)final->bytes,
				    "stripped", rc.stripped);
	zone_tree_free(final);
	json_decref(delta);
	json_decref(trailer);
	receiver_free(&rc);
	return r;
}

uint64_t zone_free_bytes(const char *path)
{
	struct statvfs sv;
	return statvfs(path, &sv) == 0 ? (uint64_t)sv.f_bavail * sv.f_frsize : UINT64_MAX;
}
