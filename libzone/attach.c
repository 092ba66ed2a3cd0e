// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * attach.c - detach and attach (illumos semantics): a halted zone leaves
 * this host as its zonepath, carried by any means (disk, rsync, NFS), and
 * is taken in on another host, or under another ZONES_ROOT.
 *
 * Theory:
 *   detach: under the zone's lock, the zone must be installed (halted).
 *   Its root is indexed and hashed (tree.c) and ZONEPATH/detached.json
 *   written atomically (manifest.c); the config is flagged detached and
 *   the zone becomes configured, giving back its id and uid range: install,
 *   clone and boot refuse it until it is attached again.  The root stays
 *   where it is, untouched.
 *   attach: the caller (api_move.c) reads the manifest, decides the config
 *   the zone will have here, and checks (unless forced) the brand and its
 *   major version, the architecture, what the config needs of this host,
 *   and the root's digest against the manifest's; then
 *   zone_runtime_attach() takes the zone (configured and flagged detached)
 *   under its lock, runs the brand's update hook if asked, gives it an id,
 *   clears the flag, removes detached.json and makes it installed.  A
 *   failure leaves the zone configured and the zonepath as it was (an
 *   update hook that fails may have changed the root: it says so).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime.h"
#include "util.h"

#define MANIFEST_MAX (1 << 20)

char *zone_detached_path(const char *zonepath)
{
	return zone_strdup_printf("%s/detached.json", zonepath);
}

int zone_detached_read(const char *zonepath, struct zone_manifest **out, struct zone_error *err)
{
	_cleanup_free_ char *p = zone_detached_path(zonepath);
	if (!p)
		return zone_error_set(err, ENOMEM, "out of memory");
	_cleanup_close_ int fd = open(p, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return zone_error_errno(err, errno, "%s", p);
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return zone_error_set(err, EINVAL, "%s: not a regular file", p);
	_cleanup_free_ char *text = NULL;
	ssize_t n = zone_read_fd(fd, &text, MANIFEST_MAX);
	if (n < 0)
		return zone_error_errno(err, (int)-n, "%s", p);
	json_error_t je;
	_cleanup_json_ json_t *j = json_loadb(text, (size_t)n, JSON_REJECT_DUPLICATES, &je);
	if (!j)
		return zone_error_set(err, EINVAL, "%s: line %d: %s", p, je.line, je.text);
	int r = zone_manifest_parse(j, out, err);
	return r < 0 ? zone_error_wrap(err, "%s", p) : 0;
}

int zone_root_digest(const char *root, bool want_tree, struct zone_tree **tree, char out[65],
		     struct zone_error *err)
{
	_cleanup_close_ int fd = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return zone_error_errno(err, errno, "%s", root);
	struct zone_tree *t = NULL;
	int r = zone_tree_scan(fd, ZONE_TREE_HASH, &t, err);
	if (r < 0)
		return zone_error_wrap(err, "%s", root);
	zone_tree_digest(t, out);
	if (want_tree)
		*tree = t;
	else
		zone_tree_free(t);
	return 0;
}

static int detach_locked(struct zone_store *s, const char *name, bool dry_run, json_t **out,
			 struct zone_error *err)
{
	_cleanup_config_ struct zone_config *c = NULL;
	_cleanup_status_ struct zone_status st = ZONE_STATUS_INIT;
	int r;
	if ((r = zone_store_load_config(s, name, &c, err)) < 0 ||
	    (r = zone_store_load_status(s, name, &st, err)) < 0 ||
	    (r = zone_runtime_reconcile_locked(s, name, &st, err)) < 0)
		return r;
	if (st.state != ZONE_STATE_INSTALLED)
		return zone_error_set(err, EBUSY, "the zone is %s; only an installed (halted) zone "
				      "can be detached", zone_state_to_string(st.state));
	_cleanup_brand_ struct zone_brand *b = NULL;
	if ((r = zone_brand_load(c->brand, &b, err)) < 0)
		return r;
	_cleanup_free_ char *root = zone_store_root_path(c);
	if (!root)
		return zone_error_set(err, ENOMEM, "out of memory");
	struct zone_tree *t = NULL;
	char digest[65];
	if ((r = zone_root_digest(root, true, &t, digest, err)) < 0)
		return r;
	json_t *m = NULL;
	r = zone_manifest_make(c, b, t, true, &m, err);
	zone_tree_free(t);
	if (r < 0)
		return r;
	_cleanup_json_ json_t *manifest = m;
	if (dry_run) {
		*out = json_incref(manifest);
		return 0;
	}
	_cleanup_free_ char *text = json_dumps(manifest, JSON_INDENT(2) | JSON_SORT_KEYS);
	_cleanup_free_ char *path = zone_detached_path(c->zonepath);
	if (!text || !path)
		return zone_error_set(err, ENOMEM, "out of memory");
	size_t n = strlen(text);
	text[n] = '\n';
	if ((r = zone_file_write_atomic(path, text, n + 1, 0600, err)) < 0)
		return r;
	text[n] = '\0';
	c->detached = true;
	if ((r = zone_store_save_config(s, c, err)) < 0) {
		unlink(path);
		return r;
	}
	st.state = ZONE_STATE_CONFIGURED;
	st.slot = -1;
	st.uid_base = 0;
	if ((r = zone_store_save_status(s, name, &st, err)) < 0)
		return r;
	*out = json_incref(manifest);
	return 0;
}

int zone_runtime_detach(struct zone_store *s, const char *name, bool dry_run, json_t **manifest,
			struct zone_error *err)
{
	_cleanup_lock_ struct zone_lock *l = NULL;
	int r = zone_store_lock(s, name, "detach", &l, err);
	if (r < 0)
		return zone_error_wrap(err, "detach");
	if ((r = detach_locked(s, name, dry_run, manifest, err)) < 0)
		return zone_error_wrap(err, "detach %s", name);
	return 0;
}

static int attach_locked(struct zone_store *s, const char *name, bool update,
			 struct zone_error *err)
{
	_cleanup_config_ struct zone_config *c = NULL;
	_cleanup_status_ struct zone_status st = ZONE_STATUS_INIT;
	int r;
	if ((r = zone_store_load_config(s, name, &c, err)) < 0 ||
	    (r = zone_store_load_status(s, name, &st, err)) < 0)
		return r;
	if (st.state != ZONE_STATE_CONFIGURED)
		return zone_error_set(err, EBUSY, "the zone is %s; attach takes a configured zone",
				      zone_state_to_string(st.state));
	_cleanup_free_ char *root = zone_store_root_path(c);
	struct stat sb;
	if (!root || lstat(root, &sb) < 0 || !S_ISDIR(sb.st_mode))
		return zone_error_set(err, ENOENT, "%s: no zone root there", root ? root : "?");
	if (update) {
		_cleanup_brand_ struct zone_brand *b = NULL;
		if ((r = zone_brand_load(c->brand, &b, err)) < 0)
			return r;
		if (!b->update_hook)
			return zone_error_set(err, EINVAL, "-u: brand %s has no update hook", c->brand);
		_cleanup_free_ char *log = zone_strdup_printf("%s/log/%s.update.log",
							      zone_store_root(s), name);
		if (!log)
			return zone_error_set(err, ENOMEM, "out of memory");
		if ((r = zone_hook_run(b->update_hook, "update", c, root, log, NULL, err)) < 0)
			return zone_error_wrap(err, "-u (the root may be partly updated)");
	}
	int slot;
	if ((r = zone_store_claim_slot(s, name, &slot, err)) < 0)
		return r;
	c->detached = false;
	if ((r = zone_store_save_config(s, c, err)) < 0)
		return r;
	_cleanup_status_ struct zone_status fin = ZONE_STATUS_INIT;
	if ((r = zone_store_load_status(s, name, &fin, err)) < 0)
		return r;
	fin.state = ZONE_STATE_INSTALLED;
	if ((r = zone_store_save_status(s, name, &fin, err)) < 0)
		return r;
	_cleanup_free_ char *path = zone_detached_path(c->zonepath);
	if (path)
		unlink(path);
	return 0;
}

int zone_runtime_attach(struct zone_store *s, const char *name, bool update,
			struct zone_error *err)
{
	_cleanup_lock_ struct zone_lock *l = NULL;
	int r = zone_store_lock(s, name, "attach", &l, err);
	if (r < 0)
		return zone_error_wrap(err, "attach");
	if ((r = attach_locked(s, name, update, err)) < 0)
		return zone_error_wrap(err, "attach %s", name);
	return 0;
}
