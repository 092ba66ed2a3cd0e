// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-store.c - ZONES_ROOT on disk: layout, config and status round trips,
 * atomic writes, damage confined to one zone, listing, locks, slots.
 * Everything happens in a mkdtemp directory that is removed at the end.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"
#include "util.h"
#include "zone.h"

static char top[] = "/tmp/zones-test-store.XXXXXX";
static char root[sizeof(top) + 16];

static char *path(const char *fmt, const char *name)
{
	_cleanup_free_ char *rel = zone_strdup_printf(fmt, name);
	return zone_strdup_printf("%s/%s", root, rel);
}

static bool exists(const char *rel)
{
	_cleanup_free_ char *p = zone_strdup_printf("%s/%s", root, rel);
	return access(p, F_OK) == 0;
}

static void write_raw(const char *rel, const char *text)
{
	_cleanup_free_ char *p = zone_strdup_printf("%s/%s", root, rel);
	_cleanup_close_ int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || zone_write_all(fd, text, strlen(text)) < 0)
		diag("cannot write %s", p);
}

/* Entries of a directory containing `needle`. */
static int count_entries(const char *dir, const char *needle)
{
	_cleanup_closedir_ DIR *d = opendir(dir);
	int n = 0;
	struct dirent *de;
	while (d && (de = readdir(d)))
		if (strstr(de->d_name, needle))
			n++;
	return n;
}

static struct zone_config *config(const char *name)
{
	_cleanup_free_ char *doc = zone_strdup_printf(
		"{\"name\":\"%s\",\"brand\":\"sparse\",\"zonepath\":\"/zones/%s\","
		"\"autoboot\":true,\"limits\":{\"memory_cap\":\"1G\"},"
		"\"attrs\":{\"comment\":\"zone %s\"}}",
		name, name, name);
	struct zone_error err = { 0 };
	struct zone_config *c = NULL;
	if (zone_config_parse(doc, strlen(doc), NULL, &c, &err) < 0)
		diag("config %s: %s", name, err.msg);
	return c;
}

static int save_zone(struct zone_store *s, const char *name, int slot)
{
	struct zone_error err = { 0 };
	struct zone_config *c = config(name);
	int r = c ? zone_store_save_config(s, c, &err) : -EINVAL;
	zone_config_free(c);
	struct zone_status st;
	memset(&st, 0, sizeof(st));
	st.state = ZONE_STATE_INSTALLED;
	st.slot = slot;
	if (r == 0)
		r = zone_store_save_status(s, name, &st, &err);
	if (r < 0)
		diag("save %s: %s", name, err.msg);
	return r;
}

static void test_open(void)
{
	struct zone_error err = { 0 };
	struct zone_store *s = NULL;

	is_int(zone_store_open(root, &s, &err), 0, "open creates the store");
	is_str(zone_store_root(s), root, "store root");
	ok(exists("index") && exists("zones") && exists("log") && exists("run"),
	   "layout: index, zones, log, run");
	struct stat st;
	_cleanup_free_ char *idx = path("%s", "index");
	ok(stat(idx, &st) == 0 && (st.st_mode & 0777) == 0700, "index is mode 0700");
	zone_store_close(s);
	s = NULL;
	is_int(zone_store_open(root, &s, &err), 0, "open of an existing store");
	zone_store_close(s);

	/* root == NULL: $ZONES_ROOT */
	_cleanup_free_ char *env_root = zone_strdup_printf("%s/env", top);
	setenv("ZONES_ROOT", env_root, 1);
	s = NULL;
	is_int(zone_store_open(NULL, &s, &err), 0, "open with root NULL uses $ZONES_ROOT");
	is_str(s ? zone_store_root(s) : NULL, env_root, "the root is $ZONES_ROOT");
	zone_store_close(s);
	unsetenv("ZONES_ROOT");

	static const char *const bad[] = { "relative/root", "/", "/a/../b", "/a//b", "/a/" };
	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		s = NULL;
		char want[128];
		snprintf(want, sizeof(want), "zones root: \"%s\": not an absolute, normalized path",
			 bad[i]);
		is_int(zone_store_open(bad[i], &s, &err), -EINVAL, "open refuses root %s", bad[i]);
		is_str(err.msg, want, "open %s: message", bad[i]);
		ok(s == NULL, "open %s: no store", bad[i]);
	}
	zone_store_close(NULL);
	ok(1, "zone_store_close(NULL)");
}

static void test_config_round_trip(struct zone_store *s)
{
	struct zone_error err = { 0 };
	struct zone_config *c = config("web"), *back = NULL;

	ok(c && zone_store_exists(s, "web") == 0, "web does not exist yet");
	is_int(zone_store_save_config(s, c, &err), 0, "save web's config");
	is_int(zone_store_exists(s, "web"), 1, "web exists");
	struct stat st;
	_cleanup_free_ char *p = path("index/%s.json", "web");
	ok(stat(p, &st) == 0 && (st.st_mode & 0777) == 0600, "config file is mode 0600");
	is_int(zone_store_load_config(s, "web", &back, &err), 0, "load web's config");
	_cleanup_json_ json_t *a = zone_config_to_json(c);
	_cleanup_json_ json_t *b = back ? zone_config_to_json(back) : NULL;
	ok(b && json_equal(a, b), "config round trips through the store");
	zone_config_free(back);
	back = NULL;

	_cleanup_free_ char *text = NULL;
	ok(zone_read_file(p, &text, 1 << 20) > 0 && text[strlen(text) - 1] == '\n',
	   "config file ends with a newline");
	is_int(count_entries(root, ".tmp."), 0, "no temporary files in the root");
	_cleanup_free_ char *idx = path("%s", "index");
	is_int(count_entries(idx, ".tmp."), 0, "no temporary files in the index");

	is_int(zone_store_load_config(s, "nosuch", &back, &err), -ENOENT, "load of a missing zone");
	is_str(err.msg, "zone nosuch: no such zone", "missing zone message");
	is_int(zone_store_load_config(s, "../web", &back, &err), -EINVAL, "load of a bad name");
	is_str(err.msg, "zone name: \"../web\": must start with a letter or digit",
	       "bad name message");
	ok(back == NULL, "nothing loaded");
	_cleanup_free_ char *rp = zone_store_root_path(c);
	is_str(rp, "/zones/web/root", "root path is <zonepath>/root");
	zone_config_free(c);
}

static void test_status_round_trip(struct zone_store *s)
{
	struct zone_error err = { 0 };
	struct zone_status st, back;

	memset(&st, 0, sizeof(st));
	is_int(zone_store_load_status(s, "web", &back, &err), -ENOENT, "no status yet");
	_cleanup_free_ char *sp = path("index/%s.state", "web");
	char want[512];
	snprintf(want, sizeof(want), "zone web: state file %s is missing", sp);
	is_str(err.msg, want, "missing status message names the file");
	is_int(back.slot, -1, "slot -1 after a failed load");

	/* A zone runs only once installed: the durable record says so first. */
	st.state = ZONE_STATE_INSTALLED;
	st.slot = 3;
	st.uid_base = zone_slot_uid_base(3);
	st.extra = NULL;
	is_int(zone_store_save_status(s, "web", &st, &err), 0, "save web installed");
	st.state = ZONE_STATE_RUNNING;
	st.init_pid = 1234;
	st.init_start = 987654321;
	st.monitor_pid = 1200;
	st.monitor_start = 123;
	st.kernel_zone_id = 7;
	st.extra = json_pack("{s:s, s:i}", "veth", "vz3web", "n", 2);
	is_int(zone_store_save_status(s, "web", &st, &err), 0, "save web's status");
	is_int(zone_store_load_status(s, "web", &back, &err), 0, "load web's status");
	ok(back.state == ZONE_STATE_RUNNING && back.slot == 3 &&
		   back.uid_base == 1000000000u + 3 * 65536u && back.init_pid == 1234 &&
		   back.init_start == 987654321 && back.monitor_pid == 1200 &&
		   back.monitor_start == 123 && back.kernel_zone_id == 7,
	   "every status field round trips");
	ok(back.extra && json_equal(back.extra, st.extra), "extra round trips");
	zone_status_reset(&back);
	/* the live record is in run/, the durable one still says installed */
	_cleanup_free_ char *lp = path("run/%s.live", "web");
	_cleanup_free_ char *durable = NULL;
	ok(access(lp, F_OK) == 0, "a live state is kept in run/NAME.live");
	ok(zone_read_file(sp, &durable, 1 << 16) > 0 && strstr(durable, "\"installed\"") &&
		   !strstr(durable, "init_pid"),
	   "the durable record still says installed, without pids");
	struct zone_status inst = ZONE_STATUS_INIT;
	inst.state = ZONE_STATE_INSTALLED;
	inst.slot = 3;
	is_int(zone_store_save_status(s, "web", &inst, &err), 0, "back to installed");
	ok(access(lp, F_OK) < 0 && errno == ENOENT, "installed removes the live record");
	is_int(zone_store_load_status(s, "web", &back, &err), 0, "load after halt");
	ok(back.state == ZONE_STATE_INSTALLED && back.init_pid == 0, "installed, no pids");
	zone_status_reset(&back);
	zone_status_reset(&st);
	ok(st.slot == -1 && st.extra == NULL && st.state == 0, "status_reset clears");

	st.state = ZONE_STATE_CONFIGURED;
	is_int(zone_store_save_status(s, "web", &st, &err), 0, "save a minimal status");
	is_int(zone_store_load_status(s, "web", &back, &err), 0, "load the minimal status");
	ok(back.state == ZONE_STATE_CONFIGURED && back.slot == -1 && back.init_pid == 0 &&
		   back.extra == NULL,
	   "minimal status: no slot, no pids");
	zone_status_reset(&back);

	/* state changes go through the transition table */
	is_int(zone_store_set_state(s, "web", ZONE_STATE_RUNNING, &err), -EBUSY,
	       "configured -> running refused");
	is_str(err.msg, "zone web: cannot go from configured to running",
	       "refused transition message");
	is_int(zone_store_set_state(s, "web", ZONE_STATE_CONFIGURED, &err), 0,
	       "configured -> configured is a no-op");
	is_int(zone_store_set_state(s, "web", ZONE_STATE_INCOMPLETE, &err), 0,
	       "configured -> incomplete");
	is_int(zone_store_set_state(s, "web", ZONE_STATE_INSTALLED, &err), 0,
	       "incomplete -> installed");
	is_int(zone_store_load_status(s, "web", &back, &err), 0, "load after set_state");
	is_int(back.state, ZONE_STATE_INSTALLED, "state is installed");
	zone_status_reset(&back);
	_cleanup_free_ char *idx = path("%s", "index");
	is_int(count_entries(idx, ".tmp."), 0, "no temporary files after status writes");
}

static void test_atomic_write(void)
{
	struct zone_error err = { 0 };
	_cleanup_free_ char *dir = path("%s", "atomic");
	_cleanup_free_ char *f = path("%s", "atomic/file");
	mkdir(dir, 0700);

	is_int(zone_file_write_atomic(f, "one\n", 4, 0640, &err), 0, "atomic write creates");
	is_int(zone_file_write_atomic(f, "two\n", 4, 0600, &err), 0, "atomic write replaces");
	_cleanup_free_ char *text = NULL;
	is_int(zone_read_file(f, &text, 100), 4, "four bytes");
	is_str(text, "two\n", "the new content");
	struct stat st;
	ok(stat(f, &st) == 0 && (st.st_mode & 0777) == 0600, "mode of the last write");
	is_int(count_entries(dir, ""), 3, "only ., .. and the file in the directory");

	is_int(zone_file_write_atomic(f, "", 0, 0600, &err), 0, "atomic write of nothing");
	ok(stat(f, &st) == 0 && st.st_size == 0, "the file is empty");

	/* a failing write leaves neither the new file nor a temporary file behind */
	_cleanup_free_ char *sub = path("%s", "atomic/sub");
	mkdir(sub, 0700);
	is_int(zone_file_write_atomic(sub, "x", 1, 0600, &err), -EISDIR,
	       "atomic write over a directory fails");
	char want[512];
	snprintf(want, sizeof(want), "write %s: Is a directory", sub);
	is_str(err.msg, want, "the message names the file");
	is_int(count_entries(dir, ".tmp."), 0, "no temporary file left after a failure");
	_cleanup_free_ char *nodir = path("%s", "atomic/missing/file");
	ok(zone_file_write_atomic(nodir, "x", 1, 0600, &err) == -ENOENT,
	   "atomic write into a missing directory fails");
	has_str(err.msg, "create temporary file", "and says what failed");
	rmdir(sub);
	unlink(f);
	rmdir(dir);
}

static void test_damage(struct zone_store *s)
{
	struct zone_error err = { 0 };
	struct zone_config *c = NULL;
	struct zone_status st;

	ok(save_zone(s, "a", 1) == 0 && save_zone(s, "b", 2) == 0 && save_zone(s, "c", 4) == 0,
	   "zones a, b and c saved");

	/* a's config is truncated, b's status is truncated; c is untouched */
	write_raw("index/a.json", "{\"name\": \"a\", \"brand\": \"spa");
	write_raw("index/b.state", "{\"state\": \"insta");

	is_int(zone_store_load_config(s, "a", &c, &err), -EINVAL, "truncated a.json: error");
	has_str(err.msg, "a.json: line 1", "message names a.json and the line");
	ok(c == NULL, "no config for a");
	is_int(zone_store_load_status(s, "a", &st, &err), 0, "a's status still loads");
	zone_status_reset(&st);
	is_int(zone_store_load_config(s, "b", &c, &err), 0, "b's config still loads");
	zone_config_free(c);
	c = NULL;
	is_int(zone_store_load_status(s, "b", &st, &err), -EINVAL, "truncated b.state: error");
	has_str(err.msg, "zone b: b.state: corrupt (", "message names b.state");
	zone_status_reset(&st);
	is_int(zone_store_load_config(s, "c", &c, &err), 0, "c's config still loads");
	zone_config_free(c);
	c = NULL;
	is_int(zone_store_load_status(s, "c", &st, &err), 0, "c's status still loads");
	is_int(st.slot, 4, "c's slot");
	zone_status_reset(&st);

	/* more kinds of damage, each confined to the one zone */
	static const struct {
		const char *json, *state, *msg;
	} cases[] = {
		{ "", NULL, "d.json: line 1, column 0: '[' or '{' expected near end of file" },
		{ "[]", NULL, "d.json: (top level): not a JSON object" },
		{ "{\"name\":\"e\",\"brand\":\"sparse\",\"zonepath\":\"/z/e\"}", NULL,
		  "d.json: name: \"e\": does not match the file name" },
		{ "{\"name\":\"d\",\"brand\":\"sparse\",\"zonepath\":\"/z/d\","
		  "\"limits\":{\"memory_cap\":\"12Q\"}}",
		  NULL, "d.json: limits.memory_cap: \"12Q\": not a size" },
		{ NULL, "", "zone d: d.state: corrupt ('[' or '{' expected near end of file)" },
		{ NULL, "[1]", "zone d: d.state: corrupt (not an object)" },
		{ NULL, "{}", "zone d: d.state: state: not a zone state" },
		{ NULL, "{\"state\":\"flying\"}", "zone d: d.state: state: not a zone state" },
		{ NULL, "{\"state\":7}", "zone d: d.state: state: not a zone state" },
		{ NULL, "{\"state\":\"ready\",\"slot\":10000}", "zone d: d.state: corrupt" },
		{ NULL, "{\"state\":\"ready\",\"slot\":-2}", "zone d: d.state: corrupt" },
		{ NULL, "{\"state\":\"ready\",\"slot\":\"1\"}", "zone d: d.state: corrupt" },
		{ NULL, "{\"state\":\"ready\",\"init_pid\":-1}", "zone d: d.state: corrupt" },
		{ NULL, "{\"state\":\"ready\",\"uid_base\":4294967296}",
		  "zone d: d.state: corrupt" },
		{ NULL, "{\"state\":\"ready\",\"kernel_zone_id\":1.5}",
		  "zone d: d.state: corrupt" },
	};
	ok(save_zone(s, "d", 5) == 0, "zone d saved");
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		save_zone(s, "d", 5);
		int r;
		if (cases[i].json) {
			write_raw("index/d.json", cases[i].json);
			r = zone_store_load_config(s, "d", &c, &err);
			zone_config_free(c);
			c = NULL;
		} else {
			write_raw("index/d.state", cases[i].state);
			r = zone_store_load_status(s, "d", &st, &err);
			zone_status_reset(&st);
		}
		ok(r < 0, "damaged d.%s %s: error", cases[i].json ? "json" : "state",
		   cases[i].json ? cases[i].json : cases[i].state);
		is_str(err.msg, cases[i].msg, "damaged d: message");
		ok(zone_store_load_config(s, "c", &c, &err) == 0 &&
			   zone_store_load_status(s, "c", &st, &err) == 0,
		   "damaged d: c still loads");
		zone_config_free(c);
		c = NULL;
		zone_status_reset(&st);
	}
	save_zone(s, "d", 5);

	char **names = NULL;
	is_int(zone_store_list(s, &names, &err), 0, "list with damaged zones");
	ok(names && zone_strv_len(names) >= 4, "damaged zones are still listed");
	strv_freep(&names);

	/* put a and b back */
	ok(save_zone(s, "a", 1) == 0 && save_zone(s, "b", 2) == 0, "a and b repaired");
}

static void test_list(struct zone_store *s)
{
	struct zone_error err = { 0 };
	static const char *const junk[] = {
		"index/global.json", "index/-rf.json", "index/.json", "index/.hidden.json",
		"index/a b.json", "index/x.json.tmp.AbC123", "index/only.state", "index/z.JSON",
		"index/json", "index/..json",
	};
	for (size_t i = 0; i < ELEMENTSOF(junk); i++)
		write_raw(junk[i], "{}");
	/* a 64-character name */
	char longname[80];
	memset(longname, 'l', 64);
	strcpy(longname + 64, ".json");
	_cleanup_free_ char *lrel = zone_strdup_printf("index/%s", longname);
	write_raw(lrel, "{}");

	char **names = NULL;
	is_int(zone_store_list(s, &names, &err), 0, "list");
	size_t n = zone_strv_len(names);
	char buf[512] = "";
	for (size_t i = 0; i < n; i++) {
		strcat(buf, i ? "," : "");
		strcat(buf, names[i]);
	}
	is_str(buf, "a,b,c,d,web", "list: valid names only, sorted");
	strv_freep(&names);

	for (size_t i = 0; i < ELEMENTSOF(junk); i++) {
		_cleanup_free_ char *p = zone_strdup_printf("%s/%s", root, junk[i]);
		unlink(p);
	}
	_cleanup_free_ char *lp = zone_strdup_printf("%s/%s", root, lrel);
	unlink(lp);
}

/* Is the lock file at p write-locked by another open file description? */
static int lock_held(const char *p)
{
	_cleanup_close_ int fd = open(p, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	if (fcntl(fd, F_OFD_GETLK, &fl) < 0)
		return -errno;
	return fl.l_type != F_UNLCK;
}

static void test_locks(struct zone_store *s)
{
	struct zone_error err = { 0 };
	struct zone_lock *l = NULL;

	is_int(zone_store_lock(s, "nosuch", "test", &l, &err), -ENOENT, "lock of a missing zone: -ENOENT");
	is_int(err.code, ENOENT, "error code ENOENT");
	is_str(err.msg, "zone nosuch: no such zone", "missing zone message");
	ok(l == NULL, "no lock returned");
	ok(!exists("index/nosuch.lock"), "no lock file created for a missing zone");

	is_int(zone_store_lock(s, "../web", "test", &l, &err), -EINVAL, "lock of an invalid name");
	ok(!exists("../web.lock") && !exists("index/../web.lock"), "no lock file for ../web");

	is_int(zone_store_lock(s, "web", "test", &l, &err), 0, "lock web");
	_cleanup_free_ char *lp = path("index/%s.lock", "web");
	is_int(lock_held(lp), 1, "web.lock is held while locked");
	/* OFD locks conflict between open file descriptions, even in one process */
	struct zone_lock *t = NULL;
	is_int(zone_store_trylock(s, "web", "boot", &t, &err), -EAGAIN, "trylock of a held lock: -EAGAIN");
	char want[512];
	snprintf(want, sizeof(want), "zone web is busy: pid %d holds it for \"test\" (for 0 s)",
		 (int)getpid());
	is_str(err.msg, want, "trylock message names the holder's pid and verb");
	ok(t == NULL, "trylock returned no lock");
	/* a waiting lock gives up after the store's timeout, naming the holder */
	zone_store_set_lock_timeout(s, 300);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	is_int(zone_store_lock(s, "web", "halt", &t, &err), -ETIMEDOUT, "a held lock times out");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	ok(ms >= 290 && ms < 2000, "after the timeout (waited %ld ms for 300)", ms);
	snprintf(want, sizeof(want), "zone web is busy: pid %d holds it for \"test\"", (int)getpid());
	ok(strncmp(err.msg, want, strlen(want)) == 0 && strstr(err.msg, "gave up after"),
	   "timeout message names the holder: %s", err.msg);
	ok(t == NULL, "no lock returned after a timeout");
	/* the holder gone, a waiter gets it at once */
	zone_lock_release(l);
	l = NULL;
	is_int(zone_store_lock(s, "web", "halt", &t, &err), 0, "the lock is had once released");
	zone_lock_release(t);
	t = NULL;
	zone_store_set_lock_timeout(s, 30000);
	is_int(zone_store_lock(s, "web", "test", &l, &err), 0, "lock web again");
	zone_lock_release(l);
	l = NULL;
	is_int(lock_held(lp), 0, "web.lock is free after release");
	is_int(zone_store_trylock(s, "web", "test", &t, &err), 0, "trylock of a free lock");
	zone_lock_release(t);
	is_int(zone_store_trylock(s, "nosuch", "test", &t, &err), -ENOENT, "trylock of a missing zone");
	ok(!exists("index/nosuch.lock"), "no lock file created by trylock either");
	zone_lock_release(NULL);

	is_int(zone_store_lock(s, NULL, "test", &l, &err), 0, "store lock");
	_cleanup_free_ char *sl = zone_strdup_printf("%s/.lock", root);
	is_int(lock_held(sl), 1, "store .lock is held");
	struct zone_lock *zl = NULL;
	zone_lock_release(l);
	/* the one order: a zone lock, then the store lock */
	is_int(zone_store_lock(s, "web", "test", &zl, &err), 0, "zone lock");
	is_int(zone_store_lock(s, NULL, "test", &l, &err), 0, "store lock under the zone lock");
	is_int(lock_held(sl), 1, "store .lock is held");
	is_int(lock_held(lp), 1, "both held");
	zone_lock_release(l);
	zone_lock_release(zl);
	is_int(lock_held(sl), 0, "store .lock free after release");
}

static void test_slots(struct zone_store *s)
{
	struct zone_error err = { 0 };
	int slot = -1;

	/* a=1 b=2 c=4 d=5 web has none */
	is_int(zone_store_alloc_slot(s, "new", &slot, &err), 0, "alloc a slot");
	is_int(slot, 3, "the lowest free slot (1, 2, 4, 5 taken; 0 is the global zone)");
	is_int(zone_store_alloc_slot(s, "a", &slot, &err), 0, "alloc for a zone that has one");
	is_int(slot, 1, "a zone's own slot is free for it");
	is_int(zone_slot_uid_base(1), 1000000000u + 65536u, "uid base of slot 1");

	/* allocate and record 20 more zones; no slot is ever handed out twice */
	unsigned char seen[64] = { 0 };
	seen[1] = seen[2] = seen[4] = seen[5] = 1;
	bool distinct = true;
	for (int i = 0; i < 20; i++) {
		char name[16];
		snprintf(name, sizeof(name), "z%02d", i);
		if (zone_store_alloc_slot(s, name, &slot, &err) < 0 || slot <= 0 || slot >= 64 ||
		    seen[slot]) {
			distinct = false;
			diag("%s got slot %d", name, slot);
			break;
		}
		seen[slot] = 1;
		save_zone(s, name, slot);
	}
	ok(distinct, "20 allocations: every slot distinct, none 0, none held by another zone");

	/* a zone without a state file (configured, never installed) holds no slot */
	_cleanup_free_ char *z00 = path("index/%s.state", "z00");
	unlink(z00);
	is_int(zone_store_alloc_slot(s, "new", &slot, &err), 0, "alloc with a zone without state");
	is_int(slot, 3, "a zone without a state file holds no slot");

	char **names = NULL;
	zone_store_list(s, &names, &err);
	for (char **n = names; n && *n; n++) {
		struct zone_error e2 = { 0 };
		zone_store_remove(s, *n, &e2);
	}
	strv_freep(&names);
	is_int(zone_store_list(s, &names, &err), 0, "list after removing every zone");
	ok(names && names[0] == NULL, "the index is empty");
	strv_freep(&names);
	ok(!exists("index/web.lock") && !exists("index/web.state"), "remove deletes every file");
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(p);
}

int main(void)
{
	if (!mkdtemp(top)) {
		printf("Bail out! mkdtemp %s failed\n", top);
		return 1;
	}
	snprintf(root, sizeof(root), "%s/root", top);

	test_open();
	struct zone_error err = { 0 };
	struct zone_store *s = NULL;
	if (zone_store_open(root, &s, &err) < 0) {
		diag("%s", err.msg);
		return 1;
	}
	test_config_round_trip(s);
	test_status_round_trip(s);
	test_atomic_write();
	test_damage(s);
	test_list(s);
	test_locks(s);
	test_slots(s);
	zone_store_close(s);

	ok(nftw(top, rm_one, 16, FTW_DEPTH | FTW_PHYS) == 0, "temporary store removed");
	return done();
}
