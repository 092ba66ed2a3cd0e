// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * install.c - install and uninstall: make or remove a zone's root.
 *
 * Theory: the zone is `incomplete` for as long as its root is being built
 * or torn down, and only a finished install makes it `installed`; a failed
 * or interrupted install (hook error, disk full, kill -9) leaves it
 * `incomplete`, which boot refuses.  `uninstall -F` (or `mark`) recovers.
 *
 * The brand's install hook builds the root; it runs as root on the host, in
 * a fresh empty directory that nothing inside a zone has ever touched, with
 * its output kept in ZONES_ROOT/log/NAME.install.log.  Removal is ours, not
 * the hook's: it walks the tree by descriptor (openat/unlinkat), never
 * follows a symlink, never crosses onto another filesystem, so a hostile
 * root (a symlink to /etc, a bind mount) cannot make it delete host files.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime.h"
#include "util.h"

#ifndef ZONES_LIBEXECDIR
#define ZONES_LIBEXECDIR "/usr/local/libexec/zones"
#endif

const char *zone_libexec_dir(void)
{
	const char *e = getenv("ZONES_LIBEXEC_DIR");
	return e && *e ? e : ZONES_LIBEXECDIR;
}

/* The last non-empty line of a file (the hook's final complaint). */
static char *last_line(const char *path)
{
	_cleanup_free_ char *s = NULL;
	ssize_t n = zone_read_file(path, &s, 1 << 22);
	if (n <= 0)
		return NULL;
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
	char *nl = strrchr(s, '\n');
	char *l = strdup(nl ? nl + 1 : s);
	if (l && strlen(l) > 300)
		l[300] = '\0';
	return l;
}

int zone_hook_run(const char *hook, const char *what, const struct zone_config *c,
		  const char *root, const char *log, char *const *extra_env, struct zone_error *err)
{
	_cleanup_close_ int logfd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
					 0600);
	if (logfd < 0)
		return zone_error_errno(err, errno, "open %s", log);
	pid_t pid = fork();
	if (pid < 0)
		return zone_error_errno(err, errno, "fork the %s hook", what);
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);
		if (null < 0 || dup2(null, 0) < 0 || dup2(logfd, 1) < 0 || dup2(logfd, 2) < 0)
			_exit(126);
		close_range(3, ~0U, 0);
		zone_reset_signals(); /* zoned ignores SIGPIPE: a hook must not */
		char *const argv[] = { (char *)hook, NULL };
		char *env[24];
		int k = 0;
		env[k++] = zone_strdup_printf("ZONE_NAME=%s", c->name);
		env[k++] = zone_strdup_printf("ZONE_ROOT=%s", root);
		env[k++] = zone_strdup_printf("ZONE_PATH=%s", c->zonepath);
		env[k++] = zone_strdup_printf("ZONE_BRAND=%s", c->brand);
		env[k++] = zone_strdup_printf("ZONE_HOSTNAME=%s", c->hostname ? c->hostname : c->name);
		env[k++] = zone_strdup_printf("ZONES_LIBEXEC_DIR=%s", zone_libexec_dir());
		env[k++] = zone_strdup_printf("ZONE_BRAND_DIR=%s", zone_brand_dir());
		env[k++] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
		env[k++] = "LC_ALL=C";
		for (char *const *e = extra_env; e && *e && k < 23; e++)
			env[k++] = *e;
		env[k] = NULL;
		execve(hook, argv, env);
		dprintf(2, "cannot execute %s: %s\n", hook, strerror(errno));
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return zone_error_errno(err, errno, "wait for the %s hook", what);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	_cleanup_free_ char *why = last_line(log);
	if (WIFSIGNALED(status))
		return zone_error_set(err, EIO, "brand %s %s hook killed by signal %d%s%s",
				      c->brand, what, WTERMSIG(status), why ? ": " : "", why ? why : "");
	return zone_error_set(err, EIO, "brand %s %s hook failed (exit %d)%s%s", c->brand,
			      what, WEXITSTATUS(status), why ? ": " : "", why ? why : "");
}

static bool dir_empty(const char *path)
{
	_cleanup_closedir_ DIR *d = opendir(path);
	if (!d)
		return true;
	struct dirent *de;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			return false;
	return true;
}

static int install_locked(struct zone_store *s, const char *name, struct zone_error *err)
{
	_cleanup_config_ struct zone_config *c = NULL;
	int r = zone_store_load_config(s, name, &c, err);
	if (r < 0)
		return r;
	_cleanup_status_ struct zone_status st = ZONE_STATUS_INIT;
	if ((r = zone_store_load_status(s, name, &st, err)) < 0)
		return r;
	if (c->detached)
		return zone_error_set(err, EINVAL, "the zone is detached (its root is in %s with "
				      "detached.json): 'zonectl attach %s' takes it in", c->zonepath,
				      name);
	if (st.state != ZONE_STATE_CONFIGURED)
		return zone_error_set(err, EBUSY, "the zone is %s; only a configured zone can be "
				      "installed%s", zone_state_to_string(st.state),
				      st.state == ZONE_STATE_INCOMPLETE ? " (uninstall -F first)" : "");
	_cleanup_brand_ struct zone_brand *b = NULL;
	if ((r = zone_brand_load(c->brand, &b, err)) < 0)
		return r;
	_cleanup_json_ json_t *problems = json_array();
	if (!problems)
		return zone_error_set(err, ENOMEM, "out of memory");
	if (zone_verify(s, c, problems) > 0)
		return zone_error_set(err, EINVAL, "%s",
				      json_string_value(json_array_get(problems, 0)));
	if (!b->install_hook)
		return zone_error_set(err, EINVAL, "brand %s has no install hook", c->brand);
	_cleanup_free_ char *root = zone_store_root_path(c);
	_cleanup_free_ char *log = zone_strdup_printf("%s/log/%s.install.log", zone_store_root(s),
						      name);
	if (!root || !log)
		return zone_error_set(err, ENOMEM, "out of memory");
	struct stat sb;
	if (lstat(root, &sb) == 0 && (!S_ISDIR(sb.st_mode) || !dir_empty(root)))
		return zone_error_set(err, EEXIST, "%s exists and is not an empty directory", root);
	/* From here on a failure leaves the zone incomplete. */
	if ((r = zone_store_set_state(s, name, ZONE_STATE_INCOMPLETE, err)) < 0)
		return r;
	/* The zonepath is 0700: zone files keep on-disk ids, setuid ones included. */
	if ((r = zone_mkdir_p(c->zonepath, 0700)) < 0)
		return zone_error_errno(err, -r, "create %s", c->zonepath);
	if (chmod(c->zonepath, 0700) < 0)
		return zone_error_errno(err, errno, "create %s", c->zonepath);
	/* a btrfs subvolume where it can be: its clones are then snapshots */
	if (access(root, F_OK) < 0 && (r = zone_mkroot(root, err)) < 0)
		return r;
	if ((r = zone_hook_run(b->install_hook, "install", c, root, log, NULL, err)) < 0) {
		char why[ZONE_ERROR_MAX];
		snprintf(why, sizeof(why), "%s", err->msg);
		return zone_error_set(err, err->code, "%s; the zone is left incomplete (log: %s; "
				      "'zonectl uninstall -F %s' cleans up)", why, log, name);
	}
	/* An installed zone holds its id and uid range until uninstall: boot need
	 * not look at every other zone to find a free one. */
	int slot;
	if ((r = zone_store_claim_slot(s, name, &slot, err)) < 0)
		return r;
	return zone_store_set_state(s, name, ZONE_STATE_INSTALLED, err);
}

int zone_runtime_install(struct zone_store *s, const char *name, struct zone_error *err)
{
	_cleanup_lock_ struct zone_lock *l = NULL;
	int r = zone_store_lock(s, name, "install", &l, err);
	if (r < 0)
		return zone_error_wrap(err, "install");
	if ((r = install_locked(s, name, err)) < 0)
		return zone_error_wrap(err, "install %s", name);
	return 0;
}

static int uninstall_locked(struct zone_store *s, const char *name, bool force,
			    const char *moved_to, struct zone_error *err)
{
	_cleanup_config_ struct zone_config *c = NULL;
	int r = zone_store_load_config(s, name, &c, err);
	if (r < 0)
		return r;
	_cleanup_status_ struct zone_status st = ZONE_STATUS_INIT;
	if ((r = zone_store_load_status(s, name, &st, err)) < 0)
		return r;
	if (st.state == ZONE_STATE_INCOMPLETE && !force)
		return zone_error_set(err, EBUSY, "the zone is incomplete; 'uninstall -F' removes "
				      "what is left of it");
	if (st.state != ZONE_STATE_INSTALLED && st.state != ZONE_STATE_INCOMPLETE)
		return zone_error_set(err, EBUSY, "the zone is %s%s",
				      zone_state_to_string(st.state),
				      st.state == ZONE_STATE_CONFIGURED ? " (nothing to uninstall)" :
									  " (halt it first)");
	if ((r = zone_store_set_state(s, name, ZONE_STATE_INCOMPLETE, err)) < 0)
		return r;
	_cleanup_free_ char *root = zone_store_root_path(c);
	if (!root)
		return zone_error_set(err, ENOMEM, "out of memory");
	if ((r = zone_rmroot(root, err)) < 0)
		return r; /* stays incomplete */
	/* Remove the zonepath too if nothing else is in it (but the index of a
	 * move's first pass, staged there: transfer.c). */
	_cleanup_free_ char *index = zone_strdup_printf("%s/.move-index", c->zonepath);
	if (index)
		unlink(index);
	rmdir(c->zonepath);
	zone_status_reset(&st);
	if ((r = zone_store_load_status(s, name, &st, err)) < 0)
		return r;
	st.state = ZONE_STATE_CONFIGURED;
	st.slot = -1;
	st.uid_base = 0;
	if (st.extra) {
		json_object_del(st.extra, "reason");
		json_object_del(st.extra, "moved_to"); /* an older move's note: no longer true */
	}
	if (moved_to) {
		if (!st.extra && !(st.extra = json_object()))
			return zone_error_set(err, ENOMEM, "out of memory");
		json_object_set_new(st.extra, "moved_to", json_string(moved_to));
	}
	return zone_store_save_status(s, name, &st, err);
}

int zone_runtime_uninstall(struct zone_store *s, const char *name, bool force,
			   struct zone_error *err)
{
	return zone_runtime_uninstall_note(s, name, force, NULL, err);
}

int zone_runtime_uninstall_note(struct zone_store *s, const char *name, bool force,
				const char *moved_to, struct zone_error *err)
{
	_cleanup_lock_ struct zone_lock *l = NULL;
	int r = zone_store_lock(s, name, "uninstall", &l, err);
	if (r < 0)
		return zone_error_wrap(err, "uninstall");
	if ((r = uninstall_locked(s, name, force, moved_to, err)) < 0)
		return zone_error_wrap(err, "uninstall %s", name);
	return 0;
}
