// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * clone.c - install a configured zone from another zone's root (zoneadm
 * clone): the root copied (roots.c), the identity made the new zone's.
 *
 * Theory:
 *   Locks: both zones' locks, in the order of their names (store.c), for
 *   the whole clone: the source cannot be booted, uninstalled or deleted
 *   meanwhile.  The source must be installed; a running source only with
 *   a snapshot (crash-consistent, as after a power cut), since a copy of
 *   files that change while they are copied is no consistent root at all.
 *   States: the target goes configured -> incomplete (recorded with the
 *   reason, "clone from web") -> installed.  A failure (disk full, a bad
 *   source) removes what was copied and leaves the target incomplete with
 *   the error as its reason; a kill -9 leaves it incomplete with "clone
 *   from web" and a partial root, which `uninstall -F` removes.  The source
 *   is only ever read.
 *   Identity: roots stay unshifted on disk (mounted idmapped), so a clone
 *   changes no owner.  In the target's root, resolved inside it (openat2
 *   RESOLVE_IN_ROOT, no symlinks), /etc/hostname gets the new host name,
 *   /etc/hosts has the old one replaced, /etc/machine-id is emptied (systemd
 *   makes a new one at first boot), the SSH host keys are removed (the
 *   brand makes new ones at first boot); then the brand's clone hook, if
 *   any, does what else the brand needs.  The new zone's id, uid range and
 *   MACs are its own: they come from its slot and its name.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/openat2.h>

#include "runtime.h"
#include "util.h"

#define IN_ROOT (RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV)

/* The directory DIR of the root (no symlink on the way), or -errno. */
static int open_dir_in(int rootfd, const char *dir)
{
	return zone_openat2(rootfd, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW, IN_ROOT);
}

/* Replace DIR/NAME of the root by a new file (root-owned, mode) holding data. */
static int replace_file(int rootfd, const char *dir, const char *name, const char *data,
			size_t len, mode_t mode, struct zone_error *err)
{
	_cleanup_close_ int d = open_dir_in(rootfd, dir);
	if (d == -ENOENT)
		return 0; /* no such directory in this root: nothing to reset */
	if (d < 0)
		return zone_error_errno(err, -d, "/%s in the clone", dir);
	struct stat st;
	if (fstatat(d, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISDIR(st.st_mode))
			return zone_error_set(err, EISDIR, "/%s/%s in the clone: a directory", dir,
					      name);
		if (unlinkat(d, name, 0) < 0)
			return zone_error_errno(err, errno, "/%s/%s in the clone: remove", dir, name);
	}
	_cleanup_close_ int fd = openat(d, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
					mode);
	if (fd < 0 || zone_write_all(fd, data, len) < 0 || fchown(fd, 0, 0) < 0 ||
	    fchmod(fd, mode) < 0)
		return zone_error_errno(err, errno, "/%s/%s in the clone: write", dir, name);
	return 0;
}

/* The text of DIR/NAME in the root (a regular file, at most 1 MiB), or NULL. */
static char *read_in_root(int rootfd, const char *path)
{
	_cleanup_close_ int fd = zone_openat2(rootfd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW |
					      O_NONBLOCK | O_NOCTTY, IN_ROOT);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return NULL;
	char *s = NULL;
	return zone_read_fd(fd, &s, 1 << 20) >= 0 ? s : NULL;
}

static bool word_char(char c)
{
	return c && (c == '-' || c == '.' || c == '_' || (c >= '0' && c <= '9') ||
		     (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
}

/* text with every whole-word `from` replaced by `to` (malloc'd). */
static char *replace_word(const char *text, const char *from, const char *to)
{
	size_t fl = strlen(from), tl = strlen(to), n = 0;
	for (const char *p = text; (p = strstr(p, from)); p += fl)
		n++;
	char *out = malloc(strlen(text) + n * (tl > fl ? tl - fl : 0) + 1), *o = out;
	if (!out)
		return NULL;
	for (const char *p = text; *p;) {
		if (!strncmp(p, from, fl) && (p == text || !word_char(p[-1])) && !word_char(p[fl])) {
			memcpy(o, to, tl);
			o += tl;
			p += fl;
		} else {
			*o++ = *p++;
		}
	}
	*o = '\0';
	return out;
}

static int reset_identity(int rootfd, const char *old_host, const char *new_host,
			  struct zone_error *err)
{
	_cleanup_free_ char *hn = zone_strdup_printf("%s\n", new_host);
	if (!hn)
		return zone_error_set(err, ENOMEM, "out of memory");
	int r = replace_file(rootfd, "etc", "hostname", hn, strlen(hn), 0644, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *hosts = read_in_root(rootfd, "etc/hosts");
	if (hosts && old_host && *old_host) {
		_cleanup_free_ char *nh = replace_word(hosts, old_host, new_host);
		if (!nh)
			return zone_error_set(err, ENOMEM, "out of memory");
		if ((r = replace_file(rootfd, "etc", "hosts", nh, strlen(nh), 0644, err)) < 0)
			return r;
	}
	/* emptied, not removed: systemd makes a new one into it at the first boot */
	struct stat st;
	_cleanup_close_ int etc = open_dir_in(rootfd, "etc");
	if (etc >= 0 && fstatat(etc, "machine-id", &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    (r = replace_file(rootfd, "etc", "machine-id", "", 0, 0444, err)) < 0)
		return r;
	/* the SSH host keys: the brand makes new ones at first boot */
	_cleanup_close_ int ssh = open_dir_in(rootfd, "etc/ssh");
	if (ssh >= 0) {
		int d2 = openat(ssh, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		_cleanup_closedir_ DIR *d = d2 >= 0 ? fdopendir(d2) : NULL;
		if (!d && d2 >= 0)
			close(d2);
		struct dirent *de;
		while (d && (de = readdir(d)))
			if (!strncmp(de->d_name, "ssh_host_", 9) &&
			    fstatat(ssh, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			    !S_ISDIR(st.st_mode) && unlinkat(ssh, de->d_name, 0) < 0)
				return zone_error_errno(err, errno, "/etc/ssh/%s in the clone: remove",
							de->d_name);
	}
	return 0;
}

/* Record the target incomplete, with why. */
static int mark_incomplete(struct zone_store *s, const char *name, const char *reason,
			   struct zone_error *err)
{
	_cleanup_status_ struct zone_status st = ZONE_STATUS_INIT;
	int r = zone_store_load_status(s, name, &st, err);
	if (r < 0)
		return r;
	st.state = ZONE_STATE_INCOMPLETE;
	if (!st.extra && !(st.extra = json_object()))
		return zone_error_set(err, ENOMEM, "out of memory");
	json_object_set_new(st.extra, "reason", json_string(reason));
	return zone_store_save_status(s, name, &st, err);
}

struct progress_bridge {
	const struct zone_progress *p;
	const char *target;
};

static void copy_progress(void *arg, const struct zone_copy_stats *st)
{
	const struct progress_bridge *b = arg;
	_cleanup_json_ json_t *j = json_pack("{s:s,s:s,s:I,s:I}", "phase", "copy", "name",
					     b->target, "files", (json_int_t)st->files, "bytes",
					     (json_int_t)st->bytes);
	if (j)
		b->p->fn(b->p->arg, j);
}

/* The target's root: copied, its identity reset, the brand's hook run; installed. */
static int build(struct zone_store *s, const struct zone_config *sc,
		 const struct zone_config *tc, const struct zone_brand *b, const char *sroot,
		 const char *troot, enum zone_copy_method m, const struct zone_progress *prog,
		 struct zone_copy_stats *cs, struct zone_error *err)
{
	int r;
	if ((r = zone_mkdir_p(tc->zonepath, 0700)) < 0 || chmod(tc->zonepath, 0700) < 0)
		return zone_error_errno(err, r < 0 ? -r : errno, "create %s", tc->zonepath);
	struct progress_bridge pb = { .p = prog, .target = tc->name };
	cs->progress = prog && prog->fn ? copy_progress : NULL;
	cs->progress_arg = &pb;
	if ((r = zone_copy_root(sroot, troot, m, cs, err)) < 0)
		return r;
	cs->progress = NULL;
	_cleanup_close_ int rootfd = open(troot, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (rootfd < 0)
		return zone_error_errno(err, errno, "open %s", troot);
	const char *old_host = sc->hostname ? sc->hostname : sc->name;
	const char *new_host = tc->hostname ? tc->hostname : tc->name;
	if ((r = reset_identity(rootfd, old_host, new_host, err)) < 0)
		return r;
	if (b->clone_hook) {
		_cleanup_free_ char *log = zone_strdup_printf("%s/log/%s.clone.log", zone_store_root(s),
							      tc->name);
		_cleanup_free_ char *e1 = zone_strdup_printf("ZONE_SOURCE=%s", sc->name);
		_cleanup_free_ char *e2 = zone_strdup_printf("ZONE_SOURCE_HOSTNAME=%s", old_host);
		char *const extra[] = { e1, e2, NULL };
		if (!log || !e1 || !e2)
			return zone_error_set(err, ENOMEM, "out of memory");
		if ((r = zone_hook_run(b->clone_hook, "clone", tc, troot, log, extra, err)) < 0)
			return r;
	}
	int slot;
	if ((r = zone_store_claim_slot(s, tc->name, &slot, err)) < 0)
		return r;
	_cleanup_status_ struct zone_status fin = ZONE_STATUS_INIT;
	if ((r = zone_store_load_status(s, tc->name, &fin, err)) < 0)
		return r;
	fin.state = ZONE_STATE_INSTALLED;
	if (fin.extra)
		json_object_del(fin.extra, "reason");
	return zone_store_save_status(s, tc->name, &fin, err);
}

static int clone_locked(struct zone_store *s, const char *source, const char *target,
			enum zone_copy_method m, const struct zone_progress *prog, json_t **report,
			struct zone_error *err)
{
	_cleanup_config_ struct zone_config *sc = NULL, *tc = NULL;
	_cleanup_status_ struct zone_status ss = ZONE_STATUS_INIT, ts = ZONE_STATUS_INIT;
	int r;
	if ((r = zone_store_load_config(s, source, &sc, err)) < 0 ||
	    (r = zone_store_load_config(s, target, &tc, err)) < 0 ||
	    (r = zone_store_load_status(s, source, &ss, err)) < 0 ||
	    (r = zone_runtime_reconcile_locked(s, source, &ss, err)) < 0 ||
	    (r = zone_store_load_status(s, target, &ts, err)) < 0)
		return r;
	if (sc->detached)
		return zone_error_set(err, EINVAL, "zone %s is detached (attach it first)", source);
	if (tc->detached)
		return zone_error_set(err, EINVAL, "zone %s is detached: attach it, or delete it and "
				      "clone again", target);
	if (ts.state != ZONE_STATE_CONFIGURED)
		return zone_error_set(err, EBUSY, "zone %s is %s; a clone makes a configured zone "
				      "installed%s", target, zone_state_to_string(ts.state),
				      ts.state == ZONE_STATE_INCOMPLETE ? " (uninstall -F it first)" :
									   "");
	bool live = zone_state_is_live(ss.state);
	if (ss.state != ZONE_STATE_INSTALLED && !live)
		return zone_error_set(err, EINVAL, "zone %s is %s; only an installed or halted zone "
				      "(or a running one, with --method snapshot) can be cloned",
				      source, zone_state_to_string(ss.state));
	if (live && m != ZONE_COPY_SNAPSHOT)
		return zone_error_set(err, EBUSY, "zone %s is %s: only --method snapshot clones a "
				      "running zone (crash-consistent); or halt it first", source,
				      zone_state_to_string(ss.state));
	if (strcmp(sc->brand, tc->brand) != 0)
		return zone_error_set(err, EINVAL, "zone %s is of brand %s and %s of brand %s: a "
				      "root clones only into a zone of its brand", target, tc->brand,
				      source, sc->brand);
	_cleanup_brand_ struct zone_brand *b = NULL;
	if ((r = zone_brand_load(tc->brand, &b, err)) < 0)
		return r;
	_cleanup_free_ char *sroot = zone_store_root_path(sc), *troot = zone_store_root_path(tc);
	_cleanup_free_ char *why = zone_strdup_printf("clone from %s", source);
	if (!sroot || !troot || !why)
		return zone_error_set(err, ENOMEM, "out of memory");
	struct stat st;
	if (lstat(troot, &st) == 0)
		return zone_error_set(err, EEXIST, "%s exists already", troot);
	if (m == ZONE_COPY_SNAPSHOT && !zone_is_subvolume(sroot))
		return zone_error_set(err, EOPNOTSUPP, "--method snapshot: %s is not a btrfs "
				      "subvolume (a root installed on btrfs is one)", sroot);
	/* a forced method the file systems cannot do is refused while nothing exists */
	if ((r = zone_copy_check(sroot, troot, m, err)) < 0)
		return r;

	/* From here on a failure leaves the target incomplete, with the reason. */
	if ((r = mark_incomplete(s, target, why, err)) < 0)
		return r;
	struct zone_copy_stats cs = { 0 };
	if ((r = build(s, sc, tc, b, sroot, troot, m, prog, &cs, err)) < 0) {
		/* what was copied goes; the zone stays incomplete, saying why */
		zone_rmroot(troot, NULL);
		mark_incomplete(s, target, err->msg, NULL);
		return r;
	}
	/* files and bytes count what was copied: a snapshot copies none (0, as the man says) */
	*report = json_pack("{s:s,s:s,s:s,s:s,s:b,s:I,s:I}", "name", target, "source", source,
			    "state", "installed", "method", zone_copy_method_name(cs.method),
			    "crash_consistent", live, "files", (json_int_t)cs.files, "bytes",
			    (json_int_t)cs.bytes);
	return 0;
}

int zone_runtime_clone(struct zone_store *s, const char *source, const char *target,
		       enum zone_copy_method m, const struct zone_progress *prog, json_t **report,
		       struct zone_error *err)
{
	int r = zone_name_validate(source, err);
	if (r < 0 || (r = zone_name_validate(target, err)) < 0)
		return zone_error_wrap(err, "clone");
	if (!strcmp(source, target))
		return zone_error_set(err, EINVAL, "clone %s: a zone cannot be cloned onto itself",
				      source);
	/* two zone locks: in the order of their names */
	const char *first = strcmp(source, target) < 0 ? source : target;
	const char *second = first == source ? target : source;
	_cleanup_lock_ struct zone_lock *l1 = NULL;
	_cleanup_lock_ struct zone_lock *l2 = NULL;
	if ((r = zone_store_lock(s, first, "clone", &l1, err)) < 0 ||
	    (r = zone_store_lock(s, second, "clone", &l2, err)) < 0)
		return zone_error_wrap(err, "clone %s %s", source, target);
	if ((r = clone_locked(s, source, target, m, prog, report, err)) < 0)
		return zone_error_wrap(err, "clone %s %s", source, target);
	return 0;
}
