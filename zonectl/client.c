// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * client.c - the one path from a subcommand to zoned: a request over the
 * daemon's socket (varlink framing, see libzone/wire.c), its reply back.
 *
 * zonectl never does privileged work itself.  Run as root with no zoned
 * listening, it starts one (as Solaris zoneadm starts zoneadmd): zoned
 * exits its first process once its socket listens, so waiting for that
 * process is waiting for the daemon to be ready.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "zonectl.h"
#include "private.h"

#ifndef ZONES_SBINDIR
#define ZONES_SBINDIR "/usr/local/sbin"
#endif

static const char *store_root(void)
{
	const char *r = zctl_root;
	if (!r || !*r)
		r = getenv("ZONES_ROOT");
	return r && *r ? r : "/var/lib/zones";
}

/* zoned next to us: the build tree (zonectl/zonectl, zoned/zoned) or installed. */
static char *find_zoned(void)
{
	const char *e = getenv("ZONED");
	if (e && *e)
		return strdup(e);
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		char *dir = dirname(self);
		const char *tries[] = { "%s/../zoned/zoned", "%s/zoned", "%s/../sbin/zoned" };
		for (size_t i = 0; i < ELEMENTSOF(tries); i++) {
			_cleanup_free_ char *p = zone_strdup_printf(tries[i], dir);
			if (p && access(p, X_OK) == 0)
				return TAKE_PTR(p);
		}
	}
	return strdup(ZONES_SBINDIR "/zoned");
}

static int start_zoned(const char *path)
{
	_cleanup_free_ char *zoned = find_zoned();
	if (!zoned)
		return -ENOMEM;
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		close_range(3, ~0U, 0);
		execl(zoned, "zoned", "--root", store_root(), "--socket", path, (char *)NULL);
		dprintf(2, "zonectl: cannot start %s: %s\n", zoned, strerror(errno));
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

int zctl_connect(void)
{
	if (!zone_path_is_normal_absolute(store_root()) || !strcmp(store_root(), "/")) {
		_cleanup_free_ char *q = zone_quote(store_root(), 100);
		zctl_error("zones root: %s: not an absolute, normalized path", q ? q : "?");
		return -1;
	}
	_cleanup_free_ char *path = zone_wire_default_socket(zctl_root);
	if (!path)
		return zctl_error("out of memory");
	int s = zone_unix_connect(path);
	if (s >= 0)
		return s;
	if ((s == -ENOENT || s == -ECONNREFUSED) && geteuid() == 0) {
		int r = start_zoned(path);
		if (r < 0)
			return zctl_error("cannot start zoned for %s (%s)", store_root(),
					  strerror(-r)), -1;
		s = zone_unix_connect(path);
		if (s >= 0)
			return s;
	}
	zctl_error("cannot reach zoned at %s: %s%s", path, strerror(-s),
		   geteuid() ? " (is zoned running? ask your administrator)" : "");
	return -1;
}

/* "admin_add" -> "io.zones.AdminAdd" */
static char *method_name(const char *verb)
{
	char *m = malloc(strlen(verb) + 16), *o;
	if (!m)
		return NULL;
	o = m + sprintf(m, "io.zones.");
	bool up = true;
	for (const char *c = verb; *c; c++) {
		if (*c == '_') {
			up = true;
			continue;
		}
		*o++ = up ? (char)(*c - ('a' <= *c && *c <= 'z' ? 32 : 0)) : *c;
		up = false;
	}
	*o = '\0';
	return m;
}

int zctl_send(int s, const char *verb, json_t *params, const int *fds, size_t n)
{
	_cleanup_free_ char *method = method_name(verb);
	json_object_set_new(params, "root", json_string(store_root()));
	_cleanup_json_ json_t *msg = json_pack("{s:s,s:O}", "method", method, "parameters", params);
	int r = msg ? zone_wire_send(s, msg, fds, n) : -ENOMEM;
	if (r < 0)
		return zctl_error("%s: cannot send the request to zoned: %s", verb, strerror(-r));
	return ZCTL_OK;
}

/* Read one reply; on error print its message.  *params gets the parameters. */
int zctl_recv(int s, const char *verb, json_t **params, int *fds, size_t *n, bool *continues)
{
	struct zone_error err = { 0 };
	json_t *msg = NULL;
	int r = zone_wire_recv(s, &msg, fds, n, -1, &err);
	if (r <= 0)
		return zctl_error("%s: zoned closed the connection%s%s", verb, r < 0 ? ": " : "",
				  r < 0 ? err.msg : "");
	if (continues)
		*continues = json_is_true(json_object_get(msg, "continues"));
	json_t *p = json_object_get(msg, "parameters");
	if (json_object_get(msg, "error")) {
		const char *m = json_string_value(json_object_get(p, "message"));
		zctl_error("%s", m ? m : json_string_value(json_object_get(msg, "error")));
		json_decref(msg);
		return ZCTL_FAIL;
	}
	*params = json_incref(p ? p : json_object());
	json_decref(msg);
	return ZCTL_OK;
}

int zctl_call(const char *method, json_t *params, json_t **reply)
{
	_cleanup_json_ json_t *p = params;
	*reply = NULL;
	if (!p)
		return zctl_error("%s: out of memory", method);
	int s = zctl_connect();
	if (s < 0)
		return ZCTL_FAIL;
	int r = zctl_send(s, method, p, NULL, 0);
	if (r == ZCTL_OK)
		r = zctl_recv(s, method, reply, NULL, NULL, NULL);
	close(s);
	return r;
}

/* "1.5 MiB" */
static void human(double v, char *buf, size_t len)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	int u = 0;
	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, u ? "%.1f %s" : "%.0f %s", v, units[u]);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One line of progress on the terminal, rewritten in place. */
static void show_progress(const char *verb, json_t *p, double t0)
{
	const char *phase = json_string_value(json_object_get(p, "phase"));
	json_int_t files = json_integer_value(json_object_get(p, "files"));
	json_int_t bytes = json_integer_value(json_object_get(p, "bytes"));
	json_int_t total = json_integer_value(json_object_get(p, "total_bytes"));
	double dt = now_s() - t0;
	char b[32], rate[32], line[256];
	human((double)bytes, b, sizeof(b));
	human(dt > 0 ? (double)bytes / dt : 0, rate, sizeof(rate));
	int n = snprintf(line, sizeof(line), "%s: %s: %lld files, %s, %s/s", verb,
			 phase ? phase : "working", (long long)files, b, rate);
	if (total > 0 && bytes > 0 && bytes <= total && dt > 0.5) {
		double eta = dt * (double)(total - bytes) / (double)bytes;
		snprintf(line + n, sizeof(line) - (size_t)n, ", %d%%, %dm%02ds left",
			 (int)(100 * bytes / total), (int)eta / 60, (int)eta % 60);
	}
	fprintf(stderr, "\r%-79.79s", line);
	fflush(stderr);
}

int zctl_call_long(const char *method, json_t *params, const int *fds, size_t n,
		   json_t **reply)
{
	_cleanup_json_ json_t *p = params;
	*reply = NULL;
	if (!p)
		return zctl_error("%s: out of memory", method);
	bool tty = isatty(STDERR_FILENO);
	if (tty)
		json_object_set_new(p, "progress", json_true());
	int s = zctl_connect();
	if (s < 0)
		return ZCTL_FAIL;
	int r = zctl_send(s, method, p, fds, n);
	double t0 = now_s();
	bool shown = false;
	while (r == ZCTL_OK) {
		bool more = false;
		json_t *m = NULL;
		r = zctl_recv(s, method, &m, NULL, NULL, &more);
		if (r != ZCTL_OK || !more) {
			*reply = m;
			break;
		}
		if (tty && json_object_get(m, "progress")) {
			show_progress(method, json_object_get(m, "progress"), t0);
			shown = true;
		}
		json_decref(m);
	}
	if (shown)
		fprintf(stderr, "\r%-79s\r", "");
	close(s);
	return r;
}

int zctl_login(const char *name, const struct zone_login *o, int *sock, int *master)
{
	*master = -1;
	int s = zctl_connect();
	if (s < 0)
		return ZCTL_FAIL;
	json_t *argv = NULL;
	if (o->argv) {
		argv = json_array();
		for (char *const *a = o->argv; *a; a++) {
			json_t *v = json_string(*a);
			if (!v) {
				json_decref(argv);
				close(s);
				return zctl_error("login %s: an argument is not valid UTF-8", name);
			}
			json_array_append_new(argv, v);
		}
	}
	_cleanup_json_ json_t *p = json_pack("{s:s,s:s?,s:b,s:s?,s:i,s:i}", "name", name,
					     "user", o->user, "tty", o->tty, "term", o->term, "rows",
					     o->rows, "cols", o->cols);
	if (argv)
		json_object_set_new(p, "argv", argv);
	int r = zctl_send(s, "login", p, o->tty ? NULL : o->stdio, o->tty ? 0 : 3);
	json_t *reply = NULL;
	int fd = -1;
	size_t nfd = 1;
	bool more = false;
	if (r == ZCTL_OK)
		r = zctl_recv(s, "login", &reply, &fd, &nfd, &more);
	json_decref(reply);
	if (r != ZCTL_OK) {
		close(s);
		return r;
	}
	if (nfd == 1)
		*master = fd;
	*sock = s; /* the final reply carries the exit status */
	return ZCTL_OK;
}

int zctl_login_wait(int sock)
{
	json_t *reply = NULL;
	int r = zctl_recv(sock, "login", &reply, NULL, NULL, NULL);
	close(sock);
	if (r != ZCTL_OK)
		return r;
	json_t *st = json_object_get(reply, "exit_status");
	r = json_is_integer(st) ? (int)json_integer_value(st) : ZCTL_FAIL;
	json_decref(reply);
	return r;
}

int zctl_console(const char *name, int *fd)
{
	int s = zctl_connect();
	if (s < 0)
		return ZCTL_FAIL;
	_cleanup_json_ json_t *p = json_pack("{s:s}", "name", name);
	json_t *reply = NULL;
	size_t n = 1;
	*fd = -1;
	int r = zctl_send(s, "console", p, NULL, 0);
	if (r == ZCTL_OK)
		r = zctl_recv(s, "console", &reply, fd, &n, NULL);
	json_decref(reply);
	close(s);
	if (r == ZCTL_OK && n != 1)
		return zctl_error("console %s: zoned sent no console", name);
	return r;
}
