// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-roots - roots.c and tree.c: a root copied (copy and, where the file
 * system has it, reflink) keeps every kind of entry and all its metadata,
 * holes and hard links, so its digest equals the source's; the digest
 * changes with any content, owner, mode, time or xattr; a copy never
 * follows a symlink out.  Runs on the file system of $TMPDIR (ext4 here).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "tap.h"
#include "runtime.h"
#include "util.h"

static char base[256];

static char *p(const char *rel)
{
	static char buf[4][512];
	static int k;
	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", base, rel);
	return buf[k];
}

static void write_file(const char *path, const char *data)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0) {
		(void)!write(fd, data, strlen(data));
		close(fd);
	}
}

static void digest_of(const char *dir, char out[65], size_t *n)
{
	struct zone_error err = { 0 };
	struct zone_tree *t = NULL;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r = zone_tree_scan(fd, ZONE_TREE_HASH, &t, &err);
	close(fd);
	if (r < 0) {
		diag("scan %s: %s", dir, err.msg);
		strcpy(out, "error");
		*n = 0;
		return;
	}
	zone_tree_digest(t, out);
	*n = t->n;
	zone_tree_free(t);
}

/* A source root with one of everything a zone root may hold. */
static void make_source(void)
{
	mkdir(p("src"), 0755);
	mkdir(p("src/etc"), 0755);
	mkdir(p("src/usr"), 0755);
	mkdir(p("src/usr/bin"), 0755);
	write_file(p("src/etc/hostname"), "src\n");
	write_file(p("src/usr/bin/tool"), "#!/bin/sh\necho tool\n");
	chown(p("src/usr/bin/tool"), 0, 0);
	chmod(p("src/usr/bin/tool"), 04755); /* setuid (after chown, which drops it) */
	write_file(p("src/usr/bin/ping"), "ping");
	/* a file capability: cap_net_raw+ep, v2 (version 2, effective) */
	unsigned char cap[20] = { 0x01, 0x00, 0x00, 0x02, 0x00, 0x20, 0x00, 0x00 };
	setxattr(p("src/usr/bin/ping"), "security.capability", cap, sizeof(cap), 0);
	setxattr(p("src/etc/hostname"), "user.zone", "x", 1, 0);
	/* an owner that is not ours, as in any zone root */
	write_file(p("src/etc/owned"), "owned");
	chown(p("src/etc/owned"), 1000, 100);
	/* a sparse file: 1 MiB hole, 5 bytes, 1 MiB hole */
	int fd = open(p("src/sparse"), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	(void)!pwrite(fd, "hello", 5, 1 << 20);
	(void)!ftruncate(fd, 2 << 20);
	close(fd);
	/* a hard link, a symlink out of the root, a fifo, a device node */
	link(p("src/etc/hostname"), p("src/etc/hostname.hard"));
	symlink("/etc/shadow", p("src/etc/escape"));
	symlink("../usr/bin/tool", p("src/etc/tool"));
	mkfifo(p("src/fifo"), 0640);
	mknod(p("src/null"), S_IFCHR | 0666, makedev(1, 3));
	/* xattrs on entries no descriptor of their own can reach (ACLs, trusted.*) */
	lsetxattr(p("src/etc/escape"), "trusted.zone", "l", 1, 0);
	lsetxattr(p("src/fifo"), "trusted.zone", "f", 1, 0);
	/* times in the past */
	struct timespec ts[2] = { { 1000000000, 5 }, { 1000000000, 123456789 } };
	utimensat(AT_FDCWD, p("src/etc/hostname"), ts, 0);
	utimensat(AT_FDCWD, p("src/etc/escape"), ts, AT_SYMLINK_NOFOLLOW);
	utimensat(AT_FDCWD, p("src/usr"), ts, 0);
}

static void test_copy(enum zone_copy_method m, const char *dst)
{
	struct zone_error err = { 0 };
	struct zone_copy_stats st = { 0 };
	int r = zone_copy_root(p("src"), p(dst), m, &st, &err);
	if (m == ZONE_COPY_REFLINK && r == -EOPNOTSUPP) {
		/* this file system has no reflinks: the message says so, nothing is made */
		has_str(err.msg, "cannot share extents", "reflink refused where there are none");
		ok(access(p(dst), F_OK) < 0, "reflink refused: nothing made");
		struct zone_error e2 = { 0 };
		char far[512];
		snprintf(far, sizeof(far), "%s/not/yet/root", dst);
		is_int(zone_copy_check(p("src"), p(far), m, &e2), -EOPNOTSUPP,
		       "and refused by the check, for a target whose directories do not exist yet");
		has_str(e2.msg, "cannot share extents", "saying why");
		ok(access(p(dst), F_OK) < 0, "the check makes nothing");
		return;
	}
	is_int(r, 0, "%s: copied (%s)", zone_copy_method_name(m), err.msg);
	char a[65], b[65];
	size_t na, nb;
	digest_of(p("src"), a, &na);
	digest_of(p(dst), b, &nb);
	is_str(b, a, "%s: the copy's digest is the source's", zone_copy_method_name(m));
	is_int((int)nb, (int)na, "%s: as many entries", zone_copy_method_name(m));
	struct stat s1, s2;
	ok(stat(p("src/etc/hostname"), &s1) == 0 && stat(p("src/etc/hostname.hard"), &s2) == 0,
	   "source links");
	char d1[512], d2[512];
	snprintf(d1, sizeof(d1), "%s/etc/hostname", dst);
	snprintf(d2, sizeof(d2), "%s/etc/hostname.hard", dst);
	ok(stat(p(d1), &s1) == 0 && stat(p(d2), &s2) == 0 && s1.st_ino == s2.st_ino &&
	   s1.st_nlink == 2, "%s: the hard link is one inode", zone_copy_method_name(m));
	snprintf(d1, sizeof(d1), "%s/sparse", dst);
	ok(stat(p(d1), &s1) == 0 && s1.st_size == (2 << 20) && s1.st_blocks < 64,
	   "%s: the hole stays a hole (%lld blocks)", zone_copy_method_name(m),
	   (long long)s1.st_blocks);
	snprintf(d1, sizeof(d1), "%s/usr/bin/tool", dst);
	ok(stat(p(d1), &s1) == 0 && (s1.st_mode & 07777) == 04755, "%s: setuid kept",
	   zone_copy_method_name(m));
	snprintf(d1, sizeof(d1), "%s/etc/owned", dst);
	ok(stat(p(d1), &s1) == 0 && s1.st_uid == 1000 && s1.st_gid == 100,
	   "%s: owners kept as on disk", zone_copy_method_name(m));
	snprintf(d1, sizeof(d1), "%s/usr/bin/ping", dst);
	unsigned char cap[20];
	ok(getxattr(p(d1), "security.capability", cap, sizeof(cap)) == 20 && cap[4] == 0 &&
	   cap[5] == 0x20, "%s: the file capability kept", zone_copy_method_name(m));
	snprintf(d1, sizeof(d1), "%s/etc/escape", dst);
	char target[64] = "";
	ok(readlink(p(d1), target, sizeof(target) - 1) > 0 && !strcmp(target, "/etc/shadow"),
	   "%s: a symlink out of the root is copied as a link, not followed",
	   zone_copy_method_name(m));
	char v[2] = "";
	snprintf(d1, sizeof(d1), "%s/etc/escape", dst);
	ok(lgetxattr(p(d1), "trusted.zone", v, 1) == 1 && v[0] == 'l',
	   "%s: a symlink's xattr kept", zone_copy_method_name(m));
	snprintf(d1, sizeof(d1), "%s/fifo", dst);
	ok(lgetxattr(p(d1), "trusted.zone", v, 1) == 1 && v[0] == 'f',
	   "%s: a fifo's xattr kept", zone_copy_method_name(m));
	ok(st.files > 10, "%s: %llu entries counted", zone_copy_method_name(m),
	   (unsigned long long)st.files);
	struct zone_error e2 = { 0 };
	is_int(zone_rmroot(p(dst), &e2), 0, "%s: removed (%s)", zone_copy_method_name(m), e2.msg);
	ok(access(p(dst), F_OK) < 0, "%s: gone", zone_copy_method_name(m));
}

static void test_digest_changes(void)
{
	char a[65], b[65];
	size_t n;
	digest_of(p("src"), a, &n);
	struct { const char *what; void (*fn)(void); } changes[] = { { NULL, NULL } };
	(void)changes;
	/* content */
	write_file(p("src/etc/hostname"), "other\n");
	struct timespec ts[2] = { { 1000000000, 5 }, { 1000000000, 123456789 } };
	utimensat(AT_FDCWD, p("src/etc/hostname"), ts, 0);
	digest_of(p("src"), b, &n);
	ok(strcmp(a, b) != 0, "the digest changes with a file's content (same size and time)");
	write_file(p("src/etc/hostname"), "src\n");
	utimensat(AT_FDCWD, p("src/etc/hostname"), ts, 0);
	digest_of(p("src"), b, &n);
	is_str(b, a, "and comes back with it");
	chmod(p("src/etc/owned"), 0600);
	digest_of(p("src"), b, &n);
	ok(strcmp(a, b) != 0, "... with a mode");
	chmod(p("src/etc/owned"), 0644);
	chown(p("src/etc/owned"), 1001, 100);
	digest_of(p("src"), b, &n);
	ok(strcmp(a, b) != 0, "... with an owner");
	chown(p("src/etc/owned"), 1000, 100);
	setxattr(p("src/etc/hostname"), "user.zone", "y", 1, 0);
	digest_of(p("src"), b, &n);
	ok(strcmp(a, b) != 0, "... with an extended attribute");
	setxattr(p("src/etc/hostname"), "user.zone", "x", 1, 0);
	lsetxattr(p("src/etc/escape"), "trusted.zone", "L", 1, 0);
	digest_of(p("src"), b, &n);
	ok(strcmp(a, b) != 0, "... with a symlink's extended attribute");
	lsetxattr(p("src/etc/escape"), "trusted.zone", "l", 1, 0);
	digest_of(p("src"), b, &n);
	is_str(b, a, "everything back: the digest is back");
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(base, sizeof(base), "%s/zones-test-roots.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(base)) {
		perror("mkdtemp");
		return 1;
	}
	make_source();
	test_copy(ZONE_COPY_COPY, "copy");
	test_copy(ZONE_COPY_REFLINK, "reflink");
	struct zone_error err = { 0 };
	struct zone_copy_stats st = { 0 };
	is_int(zone_copy_root(p("src"), p("snap"), ZONE_COPY_SNAPSHOT, &st, &err), -EOPNOTSUPP,
	       "a snapshot of a root that is no btrfs subvolume is refused");
	has_str(err.msg, "not a btrfs subvolume", "and the message says why");
	ok(access(p("snap"), F_OK) < 0, "nothing made");
	is_int(zone_copy_check(p("src"), p("snap"), ZONE_COPY_SNAPSHOT, &err), -EOPNOTSUPP,
	       "and by the check before");
	is_int(zone_copy_check(p("src"), p("snap"), ZONE_COPY_COPY, &err), 0,
	       "a copy passes the check anywhere");
	test_copy(ZONE_COPY_AUTO, "auto");
	test_digest_changes();
	/* an entry on another file system inside the root is refused */
	zone_remove_tree(base, &err);
	return done();
}
