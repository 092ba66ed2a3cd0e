// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * transfer.c - send and receive as verbs: the zone's lock and states around
 * the stream (stream.c).
 *
 * Theory:
 *   send: a full stream is of an installed zone, under its lock for the
 *   whole stream (nothing boots it meanwhile).  A move's first pass
 *   ("base") may be of a running zone: it takes the lock only to read the
 *   config, streams the live root, and keeps what it sent (its index, with
 *   every file's hash) in ZONES_ROOT/run/NAME.move; the second pass
 *   ("delta"), of the halted zone under its lock, sends only what changed
 *   since, and the names of what went.
 *   receive: the caller (api_move.c) has read the manifest, checked that
 *   this host can take the zone, and made the zone (configured).  Under its
 *   lock it becomes incomplete ("receiving"), its root is made and the
 *   stream extracted into it; a full stream ends installed; a base pass
 *   ends incomplete ("staged by move") with the index of what arrived in
 *   ZONEPATH/.move-index, which the delta pass applies to and removes.  Only
 *   a base pass takes a live stream (one not held to its manifest's counts).
 *   On any failure the root goes, and the caller deletes the zone: no half
 *   zone is left.
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

#define STAGED "staged by move"

static char *send_index(struct zone_store *s, const char *name)
{
	return zone_strdup_printf("%s/run/%s.move", zone_store_root(s), name);
}

static char *receive_index(const struct zone_config *c)
{
	return zone_strdup_printf("%s/.move-index", c->zonepath);
}

int zone_transfer_send(struct zone_store *s, const char *name, const struct zone_transfer *t,
		       json_t **report, struct zone_error *err)
{
	_cleanup_lock_ struct zone_lock *l = NULL;
	int r = zone_store_lock(s, name, "send", &l, err);
	if (r < 0)
		return zone_error_wrap(err, "send");
	_cleanup_config_ struct zone_config *c = NULL;
	_cleanup_status_ struct zone_status st = ZONE_STATUS_INIT;
	if ((r = zone_store_load_config(s, name, &c, err)) < 0 ||
	    (r = zone_store_load_status(s, name, &st, err)) < 0 ||
	    (r = zone_runtime_reconcile_locked(s, name, &st, err)) < 0)
		return zone_error_wrap(err, "send %s", name);
	if (c->detached)
		return zone_error_set(err, EINVAL, "send %s: the zone is detached", name);
	bool live = zone_state_is_live(st.state);
	if (st.state != ZONE_STATE_INSTALLED && !(live && t->pass == ZONE_PASS_BASE))
		return zone_error_set(err, EBUSY, "send %s: the zone is %s; only an installed "
				      "(halted) zone is sent%s", name, zone_state_to_string(st.state),
				      live ? " (zonectl move sends a running one)" : "");
	_cleanup_brand_ struct zone_brand *b = NULL;
	if ((r = zone_brand_load(c->brand, &b, err)) < 0)
		return zone_error_wrap(err, "send %s", name);
	_cleanup_free_ char *root = zone_store_root_path(c), *index = send_index(s, name);
	if (!root || !index)
		return zone_error_set(err, ENOMEM, "out of memory");
	/* a running zone's first pass: nothing is held while its root is read */
	if (live) {
		zone_lock_release(l);
		l = NULL;
	}
	struct zone_tree *base = NULL;
	if (t->pass == ZONE_PASS_DELTA && (r = zone_index_load(index, &base, err)) < 0)
		return zone_error_wrap(err, "send %s: the first pass's index (send --pass base first)",
				       name);
	struct zone_send o = {
		.fd = t->fd, .root = root, .config = c, .brand = b, .compress = t->compress,
		.live = live, .base = base, .base_id = name,
		.save_index = t->pass == ZONE_PASS_BASE ? index : NULL,
		.progress = t->progress, .report = report,
	};
	r = zone_stream_send(&o, err);
	zone_tree_free(base);
	if (r < 0)
		return zone_error_wrap(err, "send %s", name);
	if (t->pass == ZONE_PASS_DELTA)
		unlink(index);
	return 0;
}

int zone_transfer_receive(struct zone_store *s, const char *name, struct zone_stream *stream,
			  const struct zone_transfer *t, json_t **report, struct zone_error *err)
{
	/*
	 * A live stream (a running zone's first pass) may hold more or less than
	 * its manifest declared, so the receiver does not hold it to those
	 * counts.  The flag is the stream's word: only a base pass takes it, or
	 * any stream could lift its own limits.
	 */
	if (stream->live && t->pass != ZONE_PASS_BASE)
		return zone_error_set(err, EINVAL, "receive %s: the stream is a move's first pass "
				      "of a running zone (\"live\"); only receive --pass base takes "
				      "one", name);
	_cleanup_lock_ struct zone_lock *l = NULL;
	int r = zone_store_lock(s, name, "receive", &l, err);
	if (r < 0)
		return zone_error_wrap(err, "receive");
	_cleanup_config_ struct zone_config *c = NULL;
	_cleanup_status_ struct zone_status st = ZONE_STATUS_INIT;
	if ((r = zone_store_load_config(s, name, &c, err)) < 0 ||
	    (r = zone_store_load_status(s, name, &st, err)) < 0)
		return zone_error_wrap(err, "receive %s", name);
	_cleanup_free_ char *root = zone_store_root_path(c), *index = receive_index(c);
	if (!root || !index)
		return zone_error_set(err, ENOMEM, "out of memory");
	json_t *why = st.extra ? json_object_get(st.extra, "reason") : NULL;
	struct zone_tree *base = NULL;
	if (t->pass == ZONE_PASS_DELTA) {
		if (st.state != ZONE_STATE_INCOMPLETE || !json_is_string(why) ||
		    strncmp(json_string_value(why), STAGED, strlen(STAGED)) != 0)
			return zone_error_set(err, EINVAL, "receive %s: no first pass of a move is "
					      "staged here", name);
		if ((r = zone_index_load(index, &base, err)) < 0)
			return zone_error_wrap(err, "receive %s", name);
	} else if (st.state != ZONE_STATE_CONFIGURED) {
		return zone_error_set(err, EBUSY, "receive %s: the zone is %s; a stream goes into "
				      "a new zone", name, zone_state_to_string(st.state));
	} else {
		if (!st.extra && !(st.extra = json_object()))
			return zone_error_set(err, ENOMEM, "out of memory");
		st.state = ZONE_STATE_INCOMPLETE;
		json_object_set_new(st.extra, "reason", json_string("receiving a stream"));
		if ((r = zone_store_save_status(s, name, &st, err)) < 0)
			return zone_error_wrap(err, "receive %s", name);
		if ((r = zone_mkdir_p(c->zonepath, 0700)) < 0 || chmod(c->zonepath, 0700) < 0)
			return zone_error_errno(err, r < 0 ? -r : errno, "receive %s: create %s", name,
						c->zonepath);
		if ((r = zone_mkroot(root, err)) < 0)
			return zone_error_wrap(err, "receive %s", name);
	}
	_cleanup_close_ int rootfd = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (rootfd < 0) {
		zone_tree_free(base);
		return zone_error_errno(err, errno, "receive %s: open %s", name, root);
	}
	struct zone_receive o = {
		.fd = t->fd, .max_bytes = t->max_bytes ? t->max_bytes : zone_free_bytes(c->zonepath),
		.max_files = t->max_files, .progress = t->progress,
		.save_index = t->pass == ZONE_PASS_BASE ? index : NULL,
	};
	r = zone_stream_extract(stream, &o, rootfd, base, report, err);
	zone_tree_free(base);
	if (r < 0) {
		/* nothing of it stays: the caller deletes the zone */
		zone_rmroot(root, NULL);
		unlink(index);
		rmdir(c->zonepath); /* made for it, and empty now */
		return zone_error_wrap(err, "receive %s", name);
	}
	if (t->pass != ZONE_PASS_BASE) {
		unlink(index);
		int slot;
		if ((r = zone_store_claim_slot(s, name, &slot, err)) < 0)
			return r;
	}
	_cleanup_status_ struct zone_status fin = ZONE_STATUS_INIT;
	if ((r = zone_store_load_status(s, name, &fin, err)) < 0)
		return r;
	if (!fin.extra && !(fin.extra = json_object()))
		return zone_error_set(err, ENOMEM, "out of memory");
	if (t->pass == ZONE_PASS_BASE) {
		json_object_set_new(fin.extra, "reason", json_string(STAGED " (its first pass is in)"));
		return zone_store_save_status(s, name, &fin, err);
	}
	fin.state = ZONE_STATE_INSTALLED;
	json_object_del(fin.extra, "reason");
	return zone_store_save_status(s, name, &fin, err);
}
