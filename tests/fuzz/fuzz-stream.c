// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-stream.c - libFuzzer target for the send stream's reader: the
 * manifest parser (zone_stream_open reads zone/manifest.json and
 * zone/config.json and parses both) and the safe extraction
 * (zone_stream_extract), as `zonectl receive` runs them.
 *
 * An input that starts with "{" is a manifest: parsed alone with
 * zone_manifest_parse (inside a stream, a mutation that changes its length
 * breaks the tar layout, so the parser is reached this way too).  Any other
 * input is a stream, read from a memfd.  Before it is read, the
 * checksum of every ustar header is set right (the headers are walked as
 * tar lays them out): a mutated header then reaches the reader rather than
 * stopping at libarchive's checksum test.  An opened stream is extracted
 * into a fresh directory, BASE/root, with small limits (4096 entries,
 * 64 MiB) so a run stays short, and BASE is emptied again after it.  A
 * stream that names zone/delta.json in its first 8 KiB is extracted as a
 * delta over an empty base.  BASE is made under $TMPDIR (tests/fuzz/run
 * gives the fuzzer a directory of its own).
 *
 * Invariants (abort() marks a finding):
 *  - a refusal fills the error: a code, and a one-line message of printable
 *    ASCII (member names are hostile: they must reach a terminal quoted);
 *  - an accepted manifest has every field the receiver reads, and a config
 *    of its own name and brand;
 *  - nothing is made outside the root: BASE holds only root/ and canary/,
 *    and canary/ stays empty;
 *  - no device node is made in the root;
 *  - an accepted stream's reported digest is the digest (tree.c) of the root
 *    on disk: what the receiver says arrived is what did.
 *
 * Seeds: with FUZZ_STREAM_SEEDS=DIR the target writes a few real streams
 * (zone_stream_send, uncompressed) of a tiny tree, and its manifest
 * (zone_manifest_make), into DIR and exits;
 * tests/fuzz/run makes them before each run.  FUZZ_STREAM_VERBOSE=1 says
 * what became of each input (to read a reproducer).  Runs as root (owners, device
 * nodes and trusted.* attributes in the seeds need it).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "runtime.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char base_dir[PATH_MAX - 16], root_dir[PATH_MAX], canary_dir[PATH_MAX];
static int memfd = -1;

static void die(const char *what)
{
	fprintf(stderr, "fuzz-stream: %s: %s\n", what, strerror(errno));
	abort();
}

/* ---- the harness's own directories ---------------------------------------------------------- */

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)f;
	if (flag == FTW_DP ? rmdir(path) : unlink(path))
		fprintf(stderr, "fuzz-stream: remove %s: %s\n", path, strerror(errno));
	return 0;
}

static void rm_tree(const char *path)
{
	struct stat st;
	if (lstat(path, &st) == 0)
		nftw(path, rm_one, 64, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

static void cleanup(void)
{
	rm_tree(base_dir);
}

/* BASE holds root/ and canary/ and nothing else; canary/ is empty. */
static void check_outside(void)
{
	DIR *d = opendir(base_dir);
	if (!d)
		die("open the base directory");
	struct dirent *de;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
		    strcmp(de->d_name, "root") && strcmp(de->d_name, "canary")) {
			fprintf(stderr, "fuzz-stream: %s appeared beside the root\n", de->d_name);
			abort();
		}
	closedir(d);
	if (!(d = opendir(canary_dir)))
		die("open the canary");
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			fprintf(stderr, "fuzz-stream: %s appeared in the canary\n", de->d_name);
			abort();
		}
	closedir(d);
}

static void check_message(const struct zone_error *err)
{
	if (err->code <= 0 || !err->msg[0]) {
		fprintf(stderr, "fuzz-stream: refused without an error code or message\n");
		abort();
	}
	for (const unsigned char *c = (const unsigned char *)err->msg; *c; c++)
		if (*c < 0x20 || *c >= 0x7f) {
			fprintf(stderr, "fuzz-stream: byte 0x%02x in the message: %s\n", *c, err->msg);
			abort();
		}
}

/* ---- the input as a stream --------------------------------------------------------------------- */

/* An octal field (spaces before, anything after the digits ends it). */
static uint64_t octal(const uint8_t *p, size_t n)
{
	uint64_t v = 0;
	size_t i = 0;
	while (i < n && p[i] == ' ')
		i++;
	for (; i < n && p[i] >= '0' && p[i] <= '7' && !(v >> 60); i++)
		v = v * 8 + (uint64_t)(p[i] - '0');
	return v;
}

/* Set each ustar header's checksum right, walking the members as tar lays them out. */
static void fix_checksums(uint8_t *d, size_t n)
{
	for (size_t off = 0; off + 512 <= n;) {
		uint8_t *h = d + off;
		if (memcmp(h + 257, "ustar", 5) != 0)
			break;
		memset(h + 148, ' ', 8);
		unsigned sum = 0;
		for (size_t i = 0; i < 512; i++)
			sum += h[i];
		char ck[8];
		snprintf(ck, sizeof(ck), "%06o", sum & 0777777);
		memcpy(h + 148, ck, 7); /* six digits, a NUL, and the space stays */
		uint64_t size = octal(h + 124, 12);
		if ((h[124] & 0x80) || size > n) /* base-256, or past the input */
			break;
		off += 512 + ((size + 511) & ~(uint64_t)511);
	}
}

/* A delta stream: its third member is zone/delta.json (near enough: the name is there). */
static bool is_delta(const uint8_t *d, size_t n)
{
	const char want[] = "zone/delta.json";
	return memmem(d, n < 8192 ? n : 8192, want, sizeof(want) - 1) != NULL;
}

static void fuzz_manifest(const uint8_t *data, size_t size)
{
	struct zone_error err = { 0 };
	struct zone_manifest *m = NULL;
	json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	if (!j)
		return;
	if (zone_manifest_parse(j, &m, &err) < 0) {
		if (m) {
			fprintf(stderr, "fuzz-stream: manifest refused but *out was set\n");
			abort();
		}
		check_message(&err);
	} else if (!m->name || !m->brand || !m->brand_version || !m->arch ||
		   !m->libzone_version || !m->config || !m->json ||
		   strcmp(m->config->name, m->name) != 0 || strcmp(m->config->brand, m->brand) != 0) {
		fprintf(stderr, "fuzz-stream: a manifest accepted without a field it must have\n");
		abort();
	}
	zone_manifest_free(m);
	json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size && data[0] == '{') {
		fuzz_manifest(data, size);
		return 0;
	}
	uint8_t *copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	fix_checksums(copy, size);
	if (ftruncate(memfd, 0) < 0 || pwrite(memfd, copy, size, 0) != (ssize_t)size ||
	    lseek(memfd, 0, SEEK_SET) < 0)
		die("memfd");
	bool delta = is_delta(copy, size);
	free(copy);

	struct zone_error err = { 0 };
	struct zone_receive o = { .fd = memfd, .max_files = 4096, .max_bytes = 64 << 20 };
	struct zone_stream *st = NULL;
	if (zone_stream_open(&o, &st, &err) < 0) {
		if (getenv("FUZZ_STREAM_VERBOSE"))
			fprintf(stderr, "fuzz-stream: not opened: %s\n", err.msg);
		if (st) {
			fprintf(stderr, "fuzz-stream: refused but *out was set\n");
			abort();
		}
		check_message(&err);
		check_outside();
		return 0;
	}
	if (!st->manifest || !st->config_json) {
		fprintf(stderr, "fuzz-stream: opened without a manifest or config\n");
		abort();
	}
	if (mkdir(root_dir, 0755) < 0)
		die("make the root");
	int rootfd = open(root_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		die("open the root");
	struct zone_tree empty = { 0 };
	json_t *report = NULL;
	zone_error_clear(&err);
	int r = zone_stream_extract(st, &o, rootfd, delta ? &empty : NULL, &report, &err);
	zone_stream_close(st);
	if (r < 0)
		check_message(&err);
	if (getenv("FUZZ_STREAM_VERBOSE"))
		fprintf(stderr, "fuzz-stream: %s%s\n", r < 0 ? "refused: " : "accepted",
			r < 0 ? err.msg : "");
	check_outside();

	struct zone_error serr = { 0 };
	struct zone_tree *t = NULL;
	if (zone_tree_scan(rootfd, r >= 0 ? ZONE_TREE_HASH : 0, &t, &serr) < 0) {
		fprintf(stderr, "fuzz-stream: scan the root: %s\n", serr.msg);
		abort();
	}
	for (size_t i = 0; i < t->n; i++)
		if (S_ISCHR(t->v[i].mode) || S_ISBLK(t->v[i].mode)) {
			fprintf(stderr, "fuzz-stream: a device node was made: %s\n", t->v[i].path);
			abort();
		}
	if (r >= 0) {
		char disk[65];
		zone_tree_digest(t, disk);
		const char *said = json_string_value(json_object_get(report, "digest"));
		if (!said || strcmp(said, disk) != 0) {
			fprintf(stderr, "fuzz-stream: accepted, with the digest %s; the root on disk "
				"has %s\n", said ? said : "(none)", disk);
			abort();
		}
	}
	zone_tree_free(t);
	json_decref(report);
	close(rootfd);
	rm_tree(root_dir);
	return 0;
}

/* ---- seeds ----------------------------------------------------------------------------------- */

static void put(const char *dir, const char *name, const char *text, mode_t mode)
{
	char p[PATH_MAX];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) || fchmod(fd, mode) < 0)
		die(p);
	close(fd);
}

static struct zone_config *seed_config(void)
{
	struct zone_error err = { 0 };
	struct zone_config *c = NULL;
	const char *cfg = "{\"version\": 1, \"name\": \"seed\", \"brand\": \"busybox\", "
			  "\"zonepath\": \"/var/lib/zones/seed\"}";
	if (zone_config_parse(cfg, strlen(cfg), "seed.json", &c, &err) < 0) {
		fprintf(stderr, "fuzz-stream: the seed config: %s\n", err.msg);
		abort();
	}
	return c;
}

static void send_seed(const char *tree, const char *out, const struct zone_tree *base,
		      const char *save_index)
{
	struct zone_error err = { 0 };
	struct zone_config *c = seed_config();
	struct zone_brand b = { .name = (char *)"busybox", .version = (char *)"1" };
	int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		die(out);
	struct zone_send o = { .fd = fd, .root = tree, .config = c, .brand = &b, .compress = "none",
			       .base = base, .base_id = "seed", .save_index = save_index };
	if (zone_stream_send(&o, &err) < 0) {
		fprintf(stderr, "fuzz-stream: send %s: %s\n", out, err.msg);
		abort();
	}
	close(fd);
	zone_config_free(c);
}

/* The manifest of the tree, with its digest, as DIR/manifest.json. */
static void write_manifest(const char *tree, const char *dir)
{
	struct zone_error err = { 0 };
	struct zone_config *c = seed_config();
	struct zone_brand b = { .name = (char *)"busybox", .version = (char *)"1" };
	struct zone_tree *t = NULL;
	json_t *m = NULL;
	char out[PATH_MAX];
	int fd = open(tree, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	snprintf(out, sizeof(out), "%s/manifest.json", dir);
	if (fd < 0 || zone_tree_scan(fd, ZONE_TREE_HASH, &t, &err) < 0 ||
	    zone_manifest_make(c, &b, t, true, &m, &err) < 0 ||
	    json_dump_file(m, out, JSON_COMPACT | JSON_SORT_KEYS) < 0) {
		fprintf(stderr, "fuzz-stream: the seed manifest: %s\n", err.msg);
		abort();
	}
	close(fd);
	json_decref(m);
	zone_tree_free(t);
	zone_config_free(c);
}

/* A tiny root with one of everything a stream carries; streams of it into dir. */
static void make_seeds(const char *dir)
{
	char tree[PATH_MAX], p[PATH_MAX];
	snprintf(tree, sizeof(tree), "%s/seed-tree.XXXXXX", dir);
	if (!mkdtemp(tree) || chmod(tree, 0755) < 0)
		die("make the seed tree");
	snprintf(p, sizeof(p), "%s/etc", tree);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/bin", tree);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/home", tree);
	mkdir(p, 0700);
	if (chown(p, 1000, 1000) < 0)
		die("chown home");
	put(tree, "etc/hostname", "seed\n", 0644);
	put(tree, "etc/passwd", "root:x:0:0:root:/root:/bin/sh\n", 0644);
	put(tree, "bin/busybox", "#!/bin/sh\necho busybox\n", 0755);
	put(tree, "bin/su", "set-uid\n", 04755);
	snprintf(p, sizeof(p), "%s/bin/sh", tree);
	if (symlink("busybox", p) < 0)
		die("symlink");
	snprintf(p, sizeof(p), "%s/etc/hostname", tree);
	char q[PATH_MAX];
	snprintf(q, sizeof(q), "%s/etc/hostname.link", tree);
	if (link(p, q) < 0)
		die("link");
	if (setxattr(p, "user.seed", "1", 1, 0) < 0 && errno != ENOTSUP)
		die("setxattr");
	snprintf(p, sizeof(p), "%s/etc/sparse", tree);
	int fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || pwrite(fd, "data", 4, 8192) != 4 || ftruncate(fd, 65536) < 0)
		die("sparse");
	close(fd);
	snprintf(p, sizeof(p), "%s/home/fifo", tree);
	if (mkfifo(p, 0600) < 0)
		die("mkfifo");
	snprintf(p, sizeof(p), "%s/etc/null", tree);
	if (mknod(p, S_IFCHR | 0666, makedev(1, 3)) < 0 && errno != EPERM)
		die("mknod");

	char out[PATH_MAX], index[PATH_MAX];
	snprintf(index, sizeof(index), "%s.index", tree);
	snprintf(out, sizeof(out), "%s/full.tar", dir);
	send_seed(tree, out, NULL, index);
	write_manifest(tree, dir);
	/* a delta of it: one file changed, one gone, one new */
	struct zone_error err = { 0 };
	struct zone_tree *base = NULL;
	if (zone_index_load(index, &base, &err) < 0) {
		fprintf(stderr, "fuzz-stream: %s\n", err.msg);
		abort();
	}
	put(tree, "etc/hostname", "seed two\n", 0644);
	snprintf(p, sizeof(p), "%s/bin/su", tree);
	unlink(p);
	put(tree, "etc/motd", "new\n", 0644);
	snprintf(out, sizeof(out), "%s/delta.tar", dir);
	send_seed(tree, out, base, NULL);
	zone_tree_free(base);
	unlink(index);
	/* the smallest: a root and one file */
	rm_tree(tree);
	if (mkdir(tree, 0755) < 0)
		die("the small tree");
	put(tree, "f", "x", 0644);
	snprintf(out, sizeof(out), "%s/small.tar", dir);
	send_seed(tree, out, NULL, NULL);
	rm_tree(tree);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *seeds = getenv("FUZZ_STREAM_SEEDS");
	if (seeds) {
		make_seeds(seeds);
		exit(0);
	}
	const char *tmp = getenv("TMPDIR");
	snprintf(base_dir, sizeof(base_dir), "%s/fuzz-stream.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(base_dir))
		die("make the base directory");
	snprintf(root_dir, sizeof(root_dir), "%s/root", base_dir);
	snprintf(canary_dir, sizeof(canary_dir), "%s/canary", base_dir);
	if (mkdir(canary_dir, 0755) < 0)
		die("make the canary");
	if ((memfd = memfd_create("fuzz-stream", MFD_CLOEXEC)) < 0)
		die("memfd_create");
	atexit(cleanup);
	return 0;
}
