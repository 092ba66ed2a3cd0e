// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * store.c - ZONES_ROOT on disk: the index of configs and states, locks,
 * atomic writes, and the allocation of zone slots (id and uid range).
 *
 * Theory:
 *   ZONES_ROOT/index/NAME.json   the config (zone.json(5)); its presence is
 *                                what makes a zone exist
 *   ZONES_ROOT/index/NAME.state  the runtime record (state, slot, pids)
 *   ZONES_ROOT/index/NAME.lock   the per-zone lock (OFD write lock)
 *   ZONES_ROOT/.lock             the store lock: creation, deletion, slots
 *   ZONES_ROOT/zones/NAME/root   the zone root (default zonepath)
 *   ZONES_ROOT/log/              console and audit logs
 *
 * Locks, and the one order they are taken in (true everywhere in libzone):
 *
 *   1. zone locks (index/NAME.lock): at most two at once, and then in the
 *      order of their names (strcmp), so two verbs on the same two zones
 *      (clone A B against clone B A) cannot wait on each other;
 *   2. the store lock (.lock), innermost: taken last, held for a few file
 *      operations (create, delete, a slot), never while waiting for
 *      anything else.  Nobody holding it takes a zone lock.
 *
 * Every program that uses libzone (zoned's workers, the monitors, tests)
 * takes the same OFD locks, so they serialize against each other.  No one
 * waits forever: zone_store_lock() gives up after the store's lock timeout
 * (ZONES_LOCK_TIMEOUT seconds, default 30) with an error naming the holder,
 * whose pid, verb and start time each holder writes into the lock file.
 * A lock file may be unlinked by `delete` while someone waits on it: after
 * taking it we check the path still names the inode we locked, else we
 * retry.
 *
 * Every file is replaced atomically (zone_file_write_atomic): a crash leaves
 * the old or the new content, never a mix.  Configs and persistent states
 * are also fsync'd (file and directory) before the call returns; live
 * runtime records are not (see zone_store_save_status).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "zone.h"
#include "runtime.h"
#include "util.h"

#define DEFAULT_ROOT "/var/lib/zones"
#define MAX_SLOT 9999
#define UID_BASE 1000000000u
#define STATUS_MAX (1 << 20)
#define CONFIG_MAX (1 << 20)

struct zone_store {
	char *root;
	char *index;
	int lock_timeout_ms; /* how long zone_store_lock() waits */
};

#define LOCK_TIMEOUT_MS 30000

struct zone_lock {
	int fd;
};

const char *zone_store_root(const struct zone_store *s)
{
	return s->root;
}

int zone_store_open(const char *root, struct zone_store **out, struct zone_error *err)
{
	if (!root || !*root)
		root = getenv("ZONES_ROOT");
	if (!root || !*root)
		root = DEFAULT_ROOT;
	if (!zone_path_is_normal_absolute(root) || strcmp(root, "/") == 0) {
		_cleanup_free_ char *q = zone_quote(root, 100);
		return zone_error_set(err, EINVAL,
				      "zones root: %s: not an absolute, normalized path", q);
	}
	_cleanup_store_ struct zone_store *s = calloc(1, sizeof(*s));
	if (!s)
		return zone_error_set(err, ENOMEM, "out of memory");
	s->root = strdup(root);
	s->index = zone_strdup_printf("%s/index", root);
	s->lock_timeout_ms = LOCK_TIMEOUT_MS;
	const char *lt = getenv("ZONES_LOCK_TIMEOUT");
	uint64_t secs;
	if (lt && *lt && zone_parse_u64(lt, &secs) == 0 && secs <= 86400)
		s->lock_timeout_ms = (int)secs * 1000;
	if (!s->root || !s->index)
		return zone_error_set(err, ENOMEM, "out of memory");
	const char *subs[] = { "", "/index", "/zones", "/log", "/run" };
	for (size_t i = 0; i < ELEMENTSOF(subs); i++) {
		_cleanup_free_ char *d = zone_strdup_printf("%s%s", root, subs[i]);
		int r = d ? zone_mkdir_p(d, 0700) : -ENOMEM;
		if (r < 0)
			return zone_error_errno(err, -r, "zones root: create %s", d ? d : root);
	}
	*out = TAKE_PTR(s);
	return 0;
}

void zone_store_close(struct zone_store *s)
{
	if (!s)
		return;
	free(s->root);
	free(s->index);
	free(s);
}

static char *index_path(struct zone_store *s, const char *name, const char *ext)
{
	return zone_strdup_printf("%s/%s.%s", s->index, name, ext);
}

/* ---- atomic writes ---------------------------------------------------------- */

static int write_file(const char *path, const void *data, size_t len, mode_t mode, bool durable,
		      struct zone_error *err)
{
	_cleanup_free_ char *dcopy = strdup(path);
	_cleanup_free_ char *tmp = zone_strdup_printf("%s.tmp.XXXXXX", path);
	if (!dcopy || !tmp)
		return zone_error_set(err, ENOMEM, "out of memory");
	const char *dir = dirname(dcopy);

	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return zone_error_errno(err, errno, "write %s: create temporary file", path);
	int r = 0;
	if (fchmod(fd, mode) < 0)
		r = -errno;
	if (r == 0)
		r = zone_write_all(fd, data, len);
	if (r == 0 && durable && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0) {
		unlink(tmp);
		return zone_error_errno(err, -r, "write %s", path);
	}
	if (!durable)
		return 0;
	_cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fsync(dfd) < 0)
		return zone_error_errno(err, errno, "write %s: sync directory", path);
	return 0;
}

int zone_file_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
			   struct zone_error *err)
{
	return write_file(path, data, len, mode, true, err);
}

int zone_file_replace(const char *path, const void *data, size_t len, mode_t mode,
		      struct zone_error *err)
{
	return write_file(path, data, len, mode, false, err);
}

static int write_json_atomic(const char *path, json_t *j, bool durable, struct zone_error *err)
{
	_cleanup_free_ char *text = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);
	if (!text)
		return zone_error_set(err, ENOMEM, "write %s: cannot serialize", path);
	size_t n = strlen(text);
	/* Already so on disk (halt: the durable record said installed all along)? */
	_cleanup_free_ char *old = NULL;
	ssize_t on = zone_read_file(path, &old, n + 2);
	if (on == (ssize_t)n + 1 && memcmp(old, text, n) == 0 && old[n] == '\n')
		return 0;
	text[n] = '\n'; /* json_dumps leaves room for NUL; replace and write n+1 */
	int r = write_file(path, text, n + 1, 0600, durable, err);
	text[n] = '\0';
	return r;
}

/* ---- locks ------------------------------------------------------------------ */

void zone_store_set_lock_timeout(struct zone_store *s, int ms)
{
	s->lock_timeout_ms = ms < 0 ? 0 : ms;
}

/* Who holds the lock of fd: "PID VERB SINCE" as its holder wrote it. */
static void describe_holder(int fd, char *out, size_t len)
{
	char buf[128];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	int pid = 0;
	long long since = 0;
	char verb[33] = "";
	if (n > 0) {
		buf[n] = '\0';
		if (sscanf(buf, "%d %32s %lld", &pid, verb, &since) < 2)
			pid = 0;
	}
	if (pid <= 0) {
		snprintf(out, len, "another process holds it");
		return;
	}
	long long age = since > 0 ? (long long)time(NULL) - since : -1;
	if (age >= 0)
		snprintf(out, len, "pid %d holds it for \"%s\" (for %lld s)", pid, verb, age);
	else
		snprintf(out, len, "pid %d holds it for \"%s\"", pid, verb);
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Take the OFD write lock on path, waiting at most timeout_ms (0: not at
 * all).  OFD locks have no waiting call with a timeout, so a busy lock is
 * retried with a growing pause (1 ms doubling to 32 ms): the uncontended
 * case is one fcntl, and a waiter notices a release within 32 ms.
 */
static int lock_file(const char *path, const char *what, const char *verb, int timeout_ms,
		     struct zone_lock **out, struct zone_error *err)
{
	long long deadline = now_ms() + timeout_ms;
	int pause = 1;
	for (int attempt = 0; attempt < 100; attempt++) {
		_cleanup_close_ int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd < 0)
			return zone_error_errno(err, errno, "lock %s", path);
		struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
		while (fcntl(fd, F_OFD_SETLK, &fl) < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EACCES)
				return zone_error_errno(err, errno, "lock %s", path);
			if (timeout_ms == 0 || now_ms() >= deadline) {
				char who[128];
				describe_holder(fd, who, sizeof(who));
				if (timeout_ms == 0)
					return zone_error_set(err, EAGAIN, "%s is busy: %s", what, who);
				return zone_error_set(err, ETIMEDOUT, "%s is busy: %s; gave up after "
						      "%d s (try again later)", what, who,
						      timeout_ms / 1000);
			}
			sleep_ms(pause);
			if (pause < 32)
				pause *= 2;
		}
		struct stat a, b;
		if (fstat(fd, &a) < 0)
			return zone_error_errno(err, errno, "lock %s", path);
		if (stat(path, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev &&
		    a.st_nlink > 0) {
			/* for whoever waits on it: who we are and why */
			char me[96];
			int n = snprintf(me, sizeof(me), "%d %s %lld\n", (int)getpid(),
					 verb && *verb ? verb : "-", (long long)time(NULL));
			if (pwrite(fd, me, (size_t)n, 0) == n)
				(void)!ftruncate(fd, n);
			struct zone_lock *l = malloc(sizeof(*l));
			if (!l)
				return zone_error_set(err, ENOMEM, "out of memory");
			l->fd = TAKE_FD(fd);
			*out = l;
			return 0;
		}
		/* the file was deleted (zone deleted) while we waited: retry */
	}
	return zone_error_set(err, EAGAIN, "lock %s: keeps being replaced", path);
}

static int store_lock(struct zone_store *s, const char *name, const char *verb, int timeout_ms,
		      struct zone_lock **out, struct zone_error *err)
{
	*out = NULL;
	if (!name) {
		_cleanup_free_ char *p = zone_strdup_printf("%s/.lock", s->root);
		if (!p)
			return zone_error_set(err, ENOMEM, "out of memory");
		return lock_file(p, "the zones store", verb, timeout_ms, out, err);
	}
	int r = zone_name_validate(name, err);
	if (r < 0)
		return r;
	/* Never create a lock file for a zone that does not exist. */
	if ((r = zone_store_exists(s, name)) <= 0)
		return r < 0 ? zone_error_set(err, -r, "out of memory") :
			       zone_error_set(err, ENOENT, "zone %s: no such zone", name);
	_cleanup_free_ char *p = index_path(s, name, "lock");
	_cleanup_free_ char *what = zone_strdup_printf("zone %s", name);
	if (!p || !what)
		return zone_error_set(err, ENOMEM, "out of memory");
	if ((r = lock_file(p, what, verb, timeout_ms, out, err)) < 0)
		return r;
	/* Deleted while we waited: the lock file was unlinked and we retried. */
	if (zone_store_exists(s, name) <= 0) {
		unlink(p); /* we recreated it while retrying; a waiter behind us retries too */
		zone_lock_release(*out);
		*out = NULL;
		return zone_error_set(err, ENOENT, "zone %s: no such zone", name);
	}
	return 0;
}

int zone_store_lock(struct zone_store *s, const char *name, const char *verb,
		    struct zone_lock **out, struct zone_error *err)
{
	return store_lock(s, name, verb, s->lock_timeout_ms, out, err);
}

int zone_store_trylock(struct zone_store *s, const char *name, const char *verb,
		       struct zone_lock **out, struct zone_error *err)
{
	return store_lock(s, name, verb, 0, out, err);
}

void zone_lock_release(struct zone_lock *l)
{
	if (!l)
		return;
	close(l->fd); /* closing the last fd of the description drops the OFD lock */
	free(l);
}

/* ---- configs and states -------------------------------------------------------- */

int zone_store_exists(struct zone_store *s, const char *name)
{
	if (zone_name_validate(name, NULL) < 0)
		return 0;
	_cleanup_free_ char *p = index_path(s, name, "json");
	if (!p)
		return -ENOMEM;
	return access(p, F_OK) == 0 ? 1 : 0;
}

int zone_store_load_config(struct zone_store *s, const char *name, struct zone_config **out,
			   struct zone_error *err)
{
	int r = zone_name_validate(name, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *p = index_path(s, name, "json");
	_cleanup_free_ char *origin = zone_strdup_printf("%s.json", name);
	if (!p || !origin)
		return zone_error_set(err, ENOMEM, "out of memory");
	_cleanup_free_ char *text = NULL;
	ssize_t n = zone_read_file(p, &text, CONFIG_MAX);
	if (n == -ENOENT)
		return zone_error_set(err, ENOENT, "zone %s: no such zone", name);
	if (n < 0)
		return zone_error_errno(err, (int)-n, "zone %s: read %s", name, p);
	_cleanup_config_ struct zone_config *c = NULL;
	if ((r = zone_config_parse(text, (size_t)n, origin, &c, err)) < 0)
		return r;
	if (strcmp(c->name, name) != 0) {
		_cleanup_free_ char *q = zone_quote(c->name, 80);
		return zone_error_set(err, EINVAL, "%s.json: name: %s: does not match the file name",
				      name, q);
	}
	*out = TAKE_PTR(c);
	return 0;
}

int zone_store_save_config(struct zone_store *s, const struct zone_config *c,
			   struct zone_error *err)
{
	_cleanup_json_ json_t *j = zone_config_to_json(c);
	_cleanup_free_ char *p = index_path(s, c->name, "json");
	if (!j || !p)
		return zone_error_set(err, ENOMEM, "out of memory");
	return write_json_atomic(p, j, true, err);
}

void zone_status_reset(struct zone_status *st)
{
	if (st->extra)
		json_decref(st->extra);
	memset(st, 0, sizeof(*st));
	st->slot = -1;
}

bool zone_status_alive(const struct zone_status *st)
{
	return st->monitor_pid > 0 && st->monitor_start &&
	       zone_proc_starttime(st->monitor_pid) == st->monitor_start;
}

void zone_status_clear_runtime(struct zone_status *st)
{
	st->init_pid = st->monitor_pid = 0;
	st->init_start = st->monitor_start = 0;
	st->kernel_zone_id = 0;
	if (st->extra) {
		static const char *const keys[] = { "cgroups", "caps", "personality", "userns",
						     "netns", "net_count" };
		for (size_t i = 0; i < ELEMENTSOF(keys); i++)
			json_object_del(st->extra, keys[i]);
	}
}

static int get_int_field(json_t *j, const char *key, long long min, long long max, long long *out)
{
	json_t *v = json_object_get(j, key);
	if (!v) {
		*out = 0;
		return 0;
	}
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
		return -EINVAL;
	*out = json_integer_value(v);
	return 0;
}

static char *live_path(struct zone_store *s, const char *name)
{
	return zone_strdup_printf("%s/run/%s.live", s->root, name);
}

/* Parse a status record; the error names `file`. */
static int parse_status(json_t *j, const char *name, const char *file, struct zone_status *st,
			struct zone_error *err)
{
	const char *state = json_string_value(json_object_get(j, "state"));
	st->state = zone_state_from_string(state);
	if (st->state == ZONE_STATE_INVALID)
		return zone_error_set(err, EINVAL, "zone %s: %s: state: not a zone state", name,
				      file);
	long long slot, uid_base, init_pid, init_start, monitor_pid, monitor_start, kzone;
	if (get_int_field(j, "slot", -1, MAX_SLOT, &slot) < 0 ||
	    get_int_field(j, "uid_base", 0, UINT32_MAX, &uid_base) < 0 ||
	    get_int_field(j, "init_pid", 0, INT32_MAX, &init_pid) < 0 ||
	    get_int_field(j, "init_start", 0, INT64_MAX, &init_start) < 0 ||
	    get_int_field(j, "monitor_pid", 0, INT32_MAX, &monitor_pid) < 0 ||
	    get_int_field(j, "monitor_start", 0, INT64_MAX, &monitor_start) < 0 ||
	    get_int_field(j, "kernel_zone_id", 0, 9999, &kzone) < 0)
		return zone_error_set(err, EINVAL, "zone %s: %s: corrupt", name, file);
	st->slot = json_object_get(j, "slot") ? (int)slot : -1;
	st->uid_base = (uint32_t)uid_base;
	st->init_pid = (pid_t)init_pid;
	st->init_start = (uint64_t)init_start;
	st->monitor_pid = (pid_t)monitor_pid;
	st->monitor_start = (uint64_t)monitor_start;
	st->kernel_zone_id = (int)kzone;
	json_t *extra = json_object_get(j, "extra");
	if (extra && json_is_object(extra))
		st->extra = json_incref(extra);
	return 0;
}

static int read_status(const char *path, const char *name, const char *file,
		       struct zone_status *st, struct zone_error *err)
{
	_cleanup_free_ char *text = NULL;
	ssize_t n = zone_read_file(path, &text, STATUS_MAX);
	if (n == -ENOENT)
		return zone_error_set(err, ENOENT, "zone %s: state file %s is missing", name, path);
	if (n < 0)
		return zone_error_errno(err, (int)-n, "zone %s: read %s", name, path);
	json_error_t je;
	_cleanup_json_ json_t *j = json_loadb(text, (size_t)n, 0, &je);
	if (!j || !json_is_object(j))
		return zone_error_set(err, EINVAL, "zone %s: %s: corrupt (%s)", name, file,
				      j ? "not an object" : je.text);
	return parse_status(j, name, file, st, err);
}

/*
 * A zone's record is in two places.  index/NAME.state holds what survives a
 * reboot (configured, incomplete, installed; its slot), written durably.
 * While the zone is up, run/NAME.live holds the live record (ready,
 * running, shutting_down; pids, cgroups, policy) on the run directory,
 * which zoned keeps on a tmpfs: it costs no disk write on the boot path
 * and vanishes with a host crash, leaving the zone `installed` as it must.
 */
int zone_store_load_status(struct zone_store *s, const char *name, struct zone_status *st,
			   struct zone_error *err)
{
	memset(st, 0, sizeof(*st));
	st->slot = -1;
	int r = zone_name_validate(name, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *p = index_path(s, name, "state");
	_cleanup_free_ char *file = zone_strdup_printf("%s.state", name);
	if (!p || !file)
		return zone_error_set(err, ENOMEM, "out of memory");
	if ((r = read_status(p, name, file, st, err)) < 0 || st->state != ZONE_STATE_INSTALLED)
		return r;
	_cleanup_free_ char *lp = live_path(s, name);
	_cleanup_free_ char *lfile = zone_strdup_printf("run/%s.live", name);
	if (!lp || !lfile) {
		zone_status_reset(st);
		return zone_error_set(err, ENOMEM, "out of memory");
	}
	if (access(lp, F_OK) < 0)
		return 0;
	struct zone_status live = ZONE_STATUS_INIT;
	if ((r = read_status(lp, name, lfile, &live, err)) < 0 || !zone_state_is_live(live.state)) {
		zone_status_reset(&live);
		zone_status_reset(st);
		return r < 0 ? r : zone_error_set(err, EINVAL, "zone %s: %s: not a live state", name,
						  lfile);
	}
	zone_status_reset(st);
	*st = live;
	return 0;
}

int zone_store_save_status(struct zone_store *s, const char *name, const struct zone_status *st,
			   struct zone_error *err)
{
	int r = zone_name_validate(name, err);
	if (r < 0)
		return r;
	_cleanup_json_ json_t *j = json_object();
	bool live = zone_state_is_live(st->state);
	_cleanup_free_ char *p = live ? live_path(s, name) : index_path(s, name, "state");
	if (!j || !p)
		return zone_error_set(err, ENOMEM, "out of memory");
	json_object_set_new(j, "state", json_string(zone_state_to_string(st->state)));
	if (st->slot >= 0)
		json_object_set_new(j, "slot", json_integer(st->slot));
	if (st->uid_base)
		json_object_set_new(j, "uid_base", json_integer(st->uid_base));
	if (st->init_pid > 0) {
		json_object_set_new(j, "init_pid", json_integer(st->init_pid));
		json_object_set_new(j, "init_start", json_integer((json_int_t)st->init_start));
	}
	if (st->monitor_pid > 0) {
		json_object_set_new(j, "monitor_pid", json_integer(st->monitor_pid));
		json_object_set_new(j, "monitor_start", json_integer((json_int_t)st->monitor_start));
	}
	if (st->kernel_zone_id > 0)
		json_object_set_new(j, "kernel_zone_id", json_integer(st->kernel_zone_id));
	if (st->extra && json_object_size(st->extra))
		json_object_set(j, "extra", st->extra);
	if (live) /* the durable record keeps saying installed meanwhile */
		return write_json_atomic(p, j, false, err);
	if ((r = write_json_atomic(p, j, true, err)) < 0)
		return r;
	_cleanup_free_ char *lp = live_path(s, name);
	if (!lp)
		return zone_error_set(err, ENOMEM, "out of memory");
	if (unlink(lp) < 0 && errno != ENOENT)
		return zone_error_errno(err, errno, "zone %s: remove %s", name, lp);
	return 0;
}

int zone_store_set_state(struct zone_store *s, const char *name, enum zone_state to,
			 struct zone_error *err)
{
	_cleanup_status_ struct zone_status st = ZONE_STATUS_INIT;
	int r = zone_store_load_status(s, name, &st, err);
	if (r < 0)
		return r;
	if (st.state != to && !zone_state_transition_ok(st.state, to))
		return zone_error_set(err, EBUSY, "zone %s: cannot go from %s to %s", name,
				      zone_state_to_string(st.state), zone_state_to_string(to));
	st.state = to;
	return zone_store_save_status(s, name, &st, err);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int zone_store_list(struct zone_store *s, char ***out, struct zone_error *err)
{
	_cleanup_closedir_ DIR *d = opendir(s->index);
	if (!d)
		return zone_error_errno(err, errno, "list %s", s->index);
	size_t n = 0, cap = 16;
	_cleanup_strv_ char **v = calloc(cap + 1, sizeof(char *));
	if (!v)
		return zone_error_set(err, ENOMEM, "out of memory");
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (len <= 5 || strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		char name[256];
		memcpy(name, de->d_name, len - 5);
		name[len - 5] = '\0';
		if (zone_name_validate(name, NULL) < 0)
			continue;
		if (n == cap) {
			cap *= 2;
			char **nv = realloc(v, (cap + 1) * sizeof(char *));
			if (!nv)
				return zone_error_set(err, ENOMEM, "out of memory");
			v = nv;
		}
		if (!(v[n] = strdup(name)))
			return zone_error_set(err, ENOMEM, "out of memory");
		v[++n] = NULL;
	}
	qsort(v, n, sizeof(char *), cmp_str);
	*out = TAKE_PTR(v);
	return 0;
}

char *zone_store_root_path(const struct zone_config *c)
{
	return zone_strdup_printf("%s/root", c->zonepath);
}

int zone_store_alloc_slot(struct zone_store *s, const char *name, int *slot,
			  struct zone_error *err)
{
	_cleanup_strv_ char **names = NULL;
	int r = zone_store_list(s, &names, err);
	if (r < 0)
		return r;
	_cleanup_free_ unsigned char *used = calloc(MAX_SLOT + 1, 1);
	if (!used)
		return zone_error_set(err, ENOMEM, "out of memory");
	used[0] = 1; /* slot 0 is the global zone */
	for (char **n = names; *n; n++) {
		if (strcmp(*n, name) == 0)
			continue;
		_cleanup_status_ struct zone_status st = ZONE_STATUS_INIT;
		struct zone_error e2 = { 0 };
		int q = zone_store_load_status(s, *n, &st, &e2);
		if (q < 0 && q != -ENOENT)
			/* Its id range is unknown: handing out any could overlap it. */
			return zone_error_set(err, EIO, "cannot allocate a zone id while zone %s's "
					      "state is unreadable (%s)", *n, e2.msg);
		if (q == 0 && st.slot >= 0 && st.slot <= MAX_SLOT)
			used[st.slot] = 1;
	}
	for (int i = 1; i <= MAX_SLOT; i++)
		if (!used[i]) {
			*slot = i;
			return 0;
		}
	return zone_error_set(err, ENOSPC, "no free zone id (at most %d zones)", MAX_SLOT);
}

int zone_store_claim_slot(struct zone_store *s, const char *name, int *slot,
			  struct zone_error *err)
{
	_cleanup_lock_ struct zone_lock *sl = NULL;
	int r = zone_store_lock(s, NULL, "slot", &sl, err);
	if (r < 0)
		return r;
	_cleanup_status_ struct zone_status st = ZONE_STATUS_INIT;
	if ((r = zone_store_load_status(s, name, &st, err)) < 0)
		return r;
	if (st.slot <= 0) {
		if ((r = zone_store_alloc_slot(s, name, &st.slot, err)) < 0)
			return r;
		st.uid_base = zone_slot_uid_base(st.slot);
		if ((r = zone_store_save_status(s, name, &st, err)) < 0)
			return r;
	}
	*slot = st.slot;
	return 0;
}

uint32_t zone_slot_uid_base(int slot)
{
	return UID_BASE + (uint32_t)slot * 65536u;
}

int zone_store_remove(struct zone_store *s, const char *name, struct zone_error *err)
{
	int r = zone_name_validate(name, err);
	if (r < 0)
		return r;
	const char *exts[] = { "json", "state", "lock" };
	for (size_t i = 0; i < ELEMENTSOF(exts); i++) {
		_cleanup_free_ char *p = index_path(s, name, exts[i]);
		if (!p)
			return zone_error_set(err, ENOMEM, "out of memory");
		if (unlink(p) < 0 && errno != ENOENT)
			return zone_error_errno(err, errno, "delete %s", p);
	}
	_cleanup_free_ char *lp = live_path(s, name);
	if (lp)
		unlink(lp);
	_cleanup_close_ int dfd = open(s->index, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0)
		fsync(dfd);
	return 0;
}
