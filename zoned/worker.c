// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * worker.c - one forked worker per connection: read requests, check who is
 * asking, run them through libzone, reply.
 *
 * Who: only the connection's SO_PEERCRED uid/gid and SO_PEERGROUPS, fixed
 * when the client connected; never a pid.  Authorization itself is decided
 * in libzone (api.c), the same code for every entry point.
 *
 * A worker finishes what it started even if its client goes away (no
 * SIGPIPE, writes to a closed socket just fail): a client killed in the
 * middle of `boot` leaves a booted zone, never a half-booted one.
 *
 * Requests: {"method": "io.zones.Boot", "parameters": {...}}, NUL-terminated
 * (varlink).  Replies: {"parameters": {...}} or {"error": "io.zones.Error",
 * "parameters": {"message": "...", "errno": N}}.  Login and Console pass
 * descriptors: the client's stdio in, a pty master or a console socket out.
 */
#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "zoned.h"
#include "private.h"

#define FIRST_REQUEST_MS 5000  /* slowloris: a request must arrive this fast */
#define IDLE_MS 30000          /* between requests on one connection */

static const char *const changing[] = {
	"create", "delete", "set", "add", "remove", "mark", "install", "uninstall", "boot",
	"halt", "shutdown", "reboot", "admin_add", "admin_remove", "login", "console", "clone",
	"detach", "attach", "send", "receive",
};

static bool is_changing(const char *verb)
{
	for (size_t i = 0; i < ELEMENTSOF(changing); i++)
		if (!strcmp(verb, changing[i]))
			return true;
	return false;
}

/* "io.zones.AdminAdd" -> "admin_add"; NULL if not ours. */
static char *verb_of(const char *method)
{
	static const char prefix[] = "io.zones.";
	if (!method || strncmp(method, prefix, sizeof(prefix) - 1) != 0)
		return NULL;
	const char *m = method + sizeof(prefix) - 1;
	if (!isupper((unsigned char)*m) || strlen(m) > 64)
		return NULL;
	char *v = malloc(2 * strlen(m) + 1), *o = v;
	if (!v)
		return NULL;
	for (const char *c = m; *c; c++) {
		if (!isalnum((unsigned char)*c)) {
			free(v);
			return NULL;
		}
		if (isupper((unsigned char)*c)) {
			if (c != m)
				*o++ = '_';
			*o++ = (char)tolower((unsigned char)*c);
		} else {
			*o++ = *c;
		}
	}
	*o = '\0';
	return v;
}

static int reply_error(int conn, const char *name, const struct zone_error *err)
{
	_cleanup_json_ json_t *m = json_pack("{s:s,s:{s:s,s:i}}", "error", name, "parameters",
					     "message", err->msg[0] ? err->msg : "failed", "errno",
					     err->code ? err->code : EINVAL);
	return m ? zone_wire_send(conn, m, NULL, 0) : -ENOMEM;
}

static int reply_ok(int conn, json_t *params, bool continues, const int *fds, size_t n)
{
	_cleanup_json_ json_t *m = json_pack("{s:O}", "parameters", params ? params : json_object());
	if (continues)
		json_object_set_new(m, "continues", json_true());
	return zone_wire_send(conn, m, fds, n);
}

/*
 * Progress of long work (clone, send, receive), for a client that asked
 * ("progress": true): {"continues": true, "parameters": {"progress": {...}}},
 * at most ten a second (and every change of phase).
 */
struct progress_sink {
	int conn;
	long long last_ms;
	char phase[32];
};

static void send_progress(void *arg, json_t *p)
{
	struct progress_sink *ps = arg;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	long long now = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	const char *phase = json_string_value(json_object_get(p, "phase"));
	bool new_phase = phase && strcmp(phase, ps->phase) != 0;
	if (!new_phase && now - ps->last_ms < 100)
		return;
	ps->last_ms = now;
	if (phase)
		snprintf(ps->phase, sizeof(ps->phase), "%s", phase);
	_cleanup_json_ json_t *m = json_pack("{s:b,s:{s:O}}", "continues", 1, "parameters",
					     "progress", p);
	if (m)
		zone_wire_send(ps->conn, m, NULL, 0);
}

static void audit(struct zoned *d, const struct zone_caller *c, const char *verb,
		  json_t *params, const struct zone_error *err, int r)
{
	const char *name = json_string_value(json_object_get(params, "name"));
	_cleanup_free_ char *q = name ? zone_quote(name, 64) : NULL;
	if (r < 0)
		zoned_log(d, "uid=%u method=%s zone=%s result=error: %s", (unsigned)c->uid, verb,
			  q ? q : "-", err->msg);
	else
		zoned_log(d, "uid=%u method=%s zone=%s result=ok", (unsigned)c->uid, verb,
			  q ? q : "-");
}

static int authorize(struct zone_ctx *ctx, const char *verb, const char *name, const char *auth,
		     struct zone_error *err)
{
	json_t *reply = NULL;
	_cleanup_json_ json_t *p = json_pack("{s:s?,s:s,s:s}", "name", name, "auth", auth, "verb",
					     verb);
	int r = zone_api_call(ctx, "authorize", p, &reply, err);
	json_decref(reply);
	return r;
}

/* Login: start the session, hand back the pty master, then the exit status. */
static int do_login(struct zoned *d, struct zone_ctx *ctx, int conn, json_t *params, int *fds,
		    size_t nfds, struct zone_error *err)
{
	const char *name = json_string_value(json_object_get(params, "name"));
	int r = authorize(ctx, "login", name, "login", err);
	if (r < 0)
		return r;
	struct zone_login o = {
		.user = json_string_value(json_object_get(params, "user")),
		.tty = json_is_true(json_object_get(params, "tty")),
		.term = json_string_value(json_object_get(params, "term")),
		.rows = (unsigned short)json_integer_value(json_object_get(params, "rows")),
		.cols = (unsigned short)json_integer_value(json_object_get(params, "cols")),
	};
	json_t *argv = json_object_get(params, "argv");
	_cleanup_free_ char **av = NULL;
	if (argv && !json_is_null(argv)) {
		if (!json_is_array(argv) || json_array_size(argv) > 4096)
			return zone_error_set(err, EINVAL, "request: \"argv\": not an array of strings");
		av = calloc(json_array_size(argv) + 1, sizeof(char *));
		if (!av)
			return -ENOMEM;
		for (size_t i = 0; i < json_array_size(argv); i++)
			if (!(av[i] = (char *)json_string_value(json_array_get(argv, i))))
				return zone_error_set(err, EINVAL, "request: \"argv\"[%zu]: not a string",
						      i);
		o.argv = av;
	}
	if (!o.tty) {
		if (nfds != 3)
			return zone_error_set(err, EINVAL, "login without a pty needs three "
					      "descriptors (stdin, stdout, stderr)");
		/*
		 * Only pipes may enter a zone: a file or directory descriptor could
		 * be reopened or walked through /proc/self/fd from inside, a
		 * terminal could be pushed input (TIOCSTI).
		 */
		for (int i = 0; i < 3; i++) {
			struct stat sb;
			if (fstat(fds[i], &sb) < 0 || !S_ISFIFO(sb.st_mode))
				return zone_error_set(err, EPERM, "login %s: standard descriptor %d "
						      "is not a pipe; only pipes may enter a zone",
						      name, i);
			o.stdio[i] = fds[i];
		}
	}
	pid_t pid;
	int master = -1;
	r = zone_runtime_login(ctx->store, name, &o, &pid, &master, err);
	for (size_t i = 0; i < nfds; i++)
		close(fds[i]);
	if (r < 0)
		return r;
	_cleanup_free_ char *qn = zone_quote(name, 64);
	_cleanup_free_ char *qu = zone_quote(o.user ? o.user : "root", 64);
	zoned_log(d, "uid=%u method=login zone=%s user=%s result=started", (unsigned)ctx->caller.uid,
		  qn ? qn : "?", qu ? qu : "?");
	reply_ok(conn, NULL, true, master >= 0 ? &master : NULL, master >= 0 ? 1 : 0);
	if (master >= 0)
		close(master); /* only the client holds the session now */
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return zone_error_errno(err, errno, "login %s: wait", name);
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	_cleanup_json_ json_t *fin = json_pack("{s:i}", "exit_status", code);
	reply_ok(conn, fin, false, NULL, 0);
	return 0;
}

static int do_console(struct zone_ctx *ctx, int conn, json_t *params, struct zone_error *err)
{
	const char *name = json_string_value(json_object_get(params, "name"));
	int r = authorize(ctx, "console", name, "login", err);
	if (r < 0)
		return r;
	int fd = -1;
	if ((r = zone_runtime_console(ctx->store, name, &fd, err)) < 0)
		return r;
	reply_ok(conn, NULL, false, &fd, 1);
	close(fd);
	return 0;
}

void zoned_worker(struct zoned *d, int conn, const struct ucred *cred)
{
	signal(SIGPIPE, SIG_IGN);
	/* SO_PEERGROUPS: ERANGE tells the size needed; a member of many groups is
	 * still a member of each of them. */
	_cleanup_free_ gid_t *groups = NULL;
	socklen_t gl = 64 * sizeof(gid_t);
	size_t ng = 0;
	for (int tries = 0; tries < 4; tries++) {
		gid_t *g = realloc(groups, gl ? gl : sizeof(gid_t));
		if (!g)
			break;
		groups = g;
		if (getsockopt(conn, SOL_SOCKET, SO_PEERGROUPS, groups, &gl) == 0) {
			ng = gl / sizeof(gid_t);
			break;
		}
		if (errno != ERANGE)
			break;
	}
	struct zone_ctx ctx = {
		.store = d->store,
		.caller = { .uid = cred->uid, .gid = cred->gid, .groups = groups, .n_groups = ng },
	};
	for (int n = 0;; n++) {
		struct zone_error err = { 0 };
		json_t *msg = NULL;
		int fds[3];
		size_t nfds = 3;
		int r = zone_wire_recv(conn, &msg, fds, &nfds, n == 0 ? FIRST_REQUEST_MS : IDLE_MS,
				       &err);
		if (r == 0) {
			/* served: our exit (address-space teardown) at idle priority,
			 * so it takes no CPU from whatever the client does next */
			struct sched_param sp = { 0 };
			sched_setscheduler(0, SCHED_IDLE, &sp);
			return;
		}
		if (r < 0) {
			/* malformed, oversized or too slow: say so and hang up */
			zone_error_wrap(&err, "zoned");
			reply_error(conn, r == -EMSGSIZE ? "io.zones.MessageTooLarge" :
					  r == -ETIMEDOUT ? "io.zones.Timeout" :
							    "org.varlink.service.InvalidParameter",
				    &err);
			return;
		}
		const char *method = json_string_value(json_object_get(msg, "method"));
		json_t *params = json_object_get(msg, "parameters");
		if (params && !json_is_object(params)) {
			zone_error_set(&err, EINVAL, "request: \"parameters\": not an object");
			reply_error(conn, "org.varlink.service.InvalidParameter", &err);
			json_decref(msg);
			return;
		}
		_cleanup_json_ json_t *p = params ? json_deep_copy(params) : json_object();
		const char *root = json_string_value(json_object_get(p, "root"));
		if (root && strcmp(root, d->root) != 0) {
			zone_error_set(&err, EXDEV, "zoned at %s serves %s, not %s (set ZONED_SOCKET)",
				       d->socket_path, d->root, root);
			reply_error(conn, "io.zones.WrongStore", &err);
			json_decref(msg);
			for (size_t i = 0; i < nfds; i++)
				close(fds[i]);
			continue;
		}
		json_object_del(p, "root");
		if (method && !strcmp(method, "org.varlink.service.GetInfo")) {
			_cleanup_json_ json_t *info = json_pack(
				"{s:s,s:s,s:s,s:s,s:[s,s]}", "vendor", "zones", "product", "zoned",
				"version", ZONES_VERSION, "url", "man:zoned(8)", "interfaces",
				"org.varlink.service", "io.zones");
			reply_ok(conn, info, false, NULL, 0);
			json_decref(msg);
			continue;
		}
		_cleanup_free_ char *verb = verb_of(method);
		if (verb && strcmp(verb, "login") && strcmp(verb, "console") &&
		    !zone_api_has_method(verb)) {
			free(verb);
			verb = NULL;
		}
		if (!verb) {
			_cleanup_free_ char *q = method ? zone_quote(method, 64) : NULL;
			zone_error_set(&err, EOPNOTSUPP, "request: method %s: no such method",
				       q ? q : "(missing)");
			reply_error(conn, "org.varlink.service.MethodNotFound", &err);
			json_decref(msg);
			for (size_t i = 0; i < nfds; i++)
				close(fds[i]);
			continue;
		}
		json_t *reply = NULL;
		struct progress_sink ps = { .conn = conn };
		ctx.progress = (struct zone_progress){ 0 };
		if (json_is_true(json_object_get(p, "progress")))
			ctx.progress = (struct zone_progress){ send_progress, &ps };
		json_object_del(p, "progress");
		if (!strcmp(verb, "login")) {
			r = do_login(d, &ctx, conn, p, fds, nfds, &err);
			nfds = 0;
		} else if (!strcmp(verb, "console")) {
			r = do_console(&ctx, conn, p, &err);
		} else {
			/* send and receive take their stream as a descriptor */
			ctx.fds = fds;
			ctx.n_fds = nfds;
			r = zone_api_call(&ctx, verb, p, &reply, &err);
			ctx.fds = NULL;
			ctx.n_fds = 0;
		}
		for (size_t i = 0; i < nfds; i++)
			close(fds[i]);
		if (is_changing(verb) && !(r >= 0 && !strcmp(verb, "login")))
			audit(d, &ctx.caller, verb, p, &err, r);
		if (r < 0)
			reply_error(conn, "io.zones.Error", &err);
		else if (strcmp(verb, "login") && strcmp(verb, "console"))
			reply_ok(conn, reply, false, NULL, 0);
		json_decref(reply);
		json_decref(msg);
		if (!strcmp(verb, "login") || !strcmp(verb, "console"))
			return; /* a session owns its connection */
	}
}
