// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zonectl move NAME [USER@]HOST - a zone to another host, ssh the transport.
 *
 * The steps, each named in errors and in --json:
 *   base     the first pass, while the zone runs: send --pass base here into
 *            `ssh HOST zonectl receive --pass base NAME` (staged there)
 *   halt     the zone halted here (if it ran): the downtime starts
 *   delta    what changed since, and what went: send --pass delta into
 *            `ssh HOST zonectl receive --pass delta NAME` (installed there,
 *            its digest checked)
 *   boot     `ssh HOST zonectl boot NAME` (if it ran here): the downtime ends
 *   leave    here the zone is uninstalled and its config kept, noting where
 *            it went
 * A failure before the zone runs there puts everything back: the zone made
 * there is removed, and the zone here is booted again if it ran.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "zonectl.h"
#include "private.h"

static const char usage[] = "zonectl move NAME [USER@]HOST [--ssh COMMAND] "
			    "[--remote-zonectl COMMAND]";
static const char body[] =
	"Move a zone to another host, with ssh as the transport: a first pass while\n"
	"the zone runs, then a halt, a second pass with only what changed (and what was\n"
	"deleted), a boot there if the zone ran here, and here the zone uninstalled\n"
	"(its configuration kept, noting where it went).  The downtime, from the halt\n"
	"here to running there, is reported.  Any failure before the zone runs there\n"
	"leaves it where it was, booted again if it ran, and removes what was made\n"
	"there.  HOST needs zonectl and root's ssh access.\n\n"
	"  -e, --ssh COMMAND            the ssh to use (default: $ZONES_SSH, else\n"
	"                               'ssh -o BatchMode=yes'); split at spaces\n"
	"  -r, --remote-zonectl COMMAND zonectl on HOST (default: $ZONES_REMOTE_ZONECTL,\n"
	"                               else 'zonectl')\n"
	"      --json                   print the steps and the downtime as JSON\n"
	"  -h, --help                   this text\n";

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct remote {
	char *argv[64];
	int n;
};

/* argv: the ssh command split at spaces, HOST, then the remote command's words. */
/*
 * With OpenSSH, one connection for the whole move (a control master): each
 * later command runs over it without a new key exchange, which is most of
 * the downtime otherwise (two connections: the second pass, the boot).
 */
static char control_dir[64], control_path[96];
static char control_ssh[256];   /* the ssh program, to close the master with */
static const char *control_host;

static bool is_openssh(const char *argv0)
{
	const char *b = strrchr(argv0, '/');
	return !strcmp(b ? b + 1 : argv0, "ssh");
}

static int remote_argv(struct remote *rm, const char *ssh, const char *host, const char *zctl,
		       char *const *words)
{
	static char buf[4096];
	snprintf(buf, sizeof(buf), "%s", ssh);
	rm->n = 0;
	for (char *save = NULL, *t = strtok_r(buf, " ", &save); t && rm->n < 40;
	     t = strtok_r(NULL, " ", &save))
		rm->argv[rm->n++] = t;
	if (rm->n && control_path[0] && is_openssh(rm->argv[0])) {
		static char cp[128];
		snprintf(cp, sizeof(cp), "ControlPath=%s", control_path);
		rm->argv[rm->n++] = "-o";
		rm->argv[rm->n++] = "ControlMaster=auto";
		rm->argv[rm->n++] = "-o";
		rm->argv[rm->n++] = cp;
		rm->argv[rm->n++] = "-o";
		rm->argv[rm->n++] = "ControlPersist=60";
	}
	rm->argv[rm->n++] = (char *)host;
	/* the remote command line is one string to the remote shell */
	static char cmd[4096];
	int len = snprintf(cmd, sizeof(cmd), "%s", zctl);
	for (char *const *w = words; *w && len < (int)sizeof(cmd); w++)
		len += snprintf(cmd + len, sizeof(cmd) - (size_t)len, " %s", *w);
	rm->argv[rm->n++] = cmd;
	rm->argv[rm->n] = NULL;
	return rm->n > 2 ? 0 : -EINVAL;
}

/* Run the remote command with stdin from `in` (-1: /dev/null) and its stdout
 * to `out` (-1: discarded: what it says of itself, move says); its errors
 * come through, unless `quiet` (a clean-up's, whose outcome move checks). */
static pid_t remote_start(const struct remote *rm, int in, int close_fd, int out, bool quiet)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	signal(SIGPIPE, SIG_DFL);
	int null = open("/dev/null", O_RDWR);
	dup2(in >= 0 ? in : null, 0);
	dup2(out >= 0 ? out : null, 1);
	if (quiet)
		dup2(null, 2);
	if (close_fd >= 0)
		close(close_fd);
	execvp(rm->argv[0], rm->argv);
	fprintf(stderr, "zonectl: move: cannot run %s: %s\n", rm->argv[0], strerror(errno));
	_exit(127);
}

static int remote_wait(pid_t pid)
{
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int remote_run(const char *ssh, const char *host, const char *zctl, char *const *words,
		      bool quiet)
{
	struct remote rm;
	if (remote_argv(&rm, ssh, host, zctl, words) < 0)
		return -1;
	pid_t p = remote_start(&rm, -1, -1, -1, quiet);
	return p < 0 ? -1 : remote_wait(p);
}

/*
 * The zone's state there, from `zonectl list -p` (id:name:state:...): into
 * `state` ("" when it is not there); -1 when there was no asking.
 */
static int remote_state(const char *ssh, const char *host, const char *zctl, const char *name,
			char *state, size_t size)
{
	int pp[2];
	if (pipe2(pp, O_CLOEXEC) < 0)
		return -1;
	char *words[] = { "list", "-p", NULL };
	struct remote rm;
	pid_t p = remote_argv(&rm, ssh, host, zctl, words) < 0 ? -1 :
		  remote_start(&rm, -1, pp[0], pp[1], true);
	close(pp[1]);
	if (p < 0) {
		close(pp[0]);
		return -1;
	}
	char buf[16384];
	size_t len = 0;
	for (ssize_t n; len < sizeof(buf) - 1 && (n = read(pp[0], buf + len,
							    sizeof(buf) - 1 - len)) != 0;)
		if (n > 0)
			len += (size_t)n;
		else if (errno != EINTR)
			break;
	buf[len] = '\0';
	close(pp[0]);
	if (remote_wait(p) != 0)
		return -1;
	*state = '\0';
	for (char *save = NULL, *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *n = strchr(l, ':'), *st = n ? strchr(n + 1, ':') : NULL;
		if (st && (size_t)(st - n - 1) == strlen(name) && !strncmp(n + 1, name, strlen(name)))
			snprintf(state, size, "%.*s", (int)strcspn(st + 1, ":"), st + 1);
	}
	return 0;
}

/* One pass: send here into receive there, through a pipe. */
static int pass(const char *name, const char *which, const char *ssh, const char *host,
		const char *zctl, json_t **sent)
{
	int pp[2];
	if (pipe2(pp, O_CLOEXEC) < 0)
		return zctl_error("move %s: %s: pipe: %s", name, which, strerror(errno));
	/* its own zone: its config, host binds and all, is the one it had here */
	char *words[] = { "receive", "--trust-config", "--pass", (char *)which, (char *)name, NULL };
	struct remote rm;
	remote_argv(&rm, ssh, host, zctl, words);
	pid_t r = remote_start(&rm, pp[0], pp[1], -1, false);
	close(pp[0]);
	if (r < 0) {
		close(pp[1]);
		return zctl_error("move %s: %s: fork: %s", name, which, strerror(errno));
	}
	json_t *reply = NULL;
	int rc = zctl_call_long("send", json_pack("{s:s,s:s}", "name", name, "pass", which),
				&pp[1], 1, &reply);
	close(pp[1]); /* the remote receive sees the end of the stream */
	int st = remote_wait(r);
	if (rc != ZCTL_OK) {
		json_decref(reply);
		return zctl_error("move %s: %s: the send here failed (see above)", name, which);
	}
	if (st != 0) {
		json_decref(reply);
		return zctl_error("move %s: %s: the receive on %s failed (exit %d; see above)", name,
				  which, host, st);
	}
	*sent = reply;
	return ZCTL_OK;
}

/* The zone's state here, from list. */
static char *state_of(const char *name)
{
	json_t *reply = NULL;
	if (zctl_call("list", json_object(), &reply) != ZCTL_OK)
		return NULL;
	char *st = NULL;
	size_t i;
	json_t *z;
	json_array_foreach(json_object_get(reply, "zones"), i, z)
		if (!strcmp(json_string_value(json_object_get(z, "name")) ?: "", name))
			st = strdup(json_string_value(json_object_get(z, "state")) ?: "");
	json_decref(reply);
	return st;
}

static int local(const char *verb, const char *name)
{
	json_t *reply = NULL;
	int r = zctl_call(verb, json_pack("{s:s}", "name", name), &reply);
	json_decref(reply);
	return r;
}

static int move_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ssh", required_argument, NULL, 'e' },
		{ "remote-zonectl", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *ssh = getenv("ZONES_SSH"), *zctl = getenv("ZONES_REMOTE_ZONECTL");
	bool json = false;
	int c;
	while ((c = getopt_long(argc, argv, ":e:r:h", opts, NULL)) != -1) {
		switch (c) {
		case 'e': ssh = optarg; break;
		case 'r': zctl = optarg; break;
		case 'j': json = true; break;
		case 'h': zctl_help(usage, body); return ZCTL_OK;
		default: return zctl_bad_option("move", c, argv);
		}
	}
	if (argc - optind != 2)
		return zctl_usage_error("move", "expects a zone name and a host");
	const char *name = argv[optind], *host = argv[optind + 1];
	if (zctl_check_name(name) != ZCTL_OK)
		return ZCTL_FAIL;
	if (!*host || host[0] == '-' || strpbrk(host, " \t\n;&|`$'\"\\"))
		return zctl_usage_error("move", "\"%s\": not a host ([USER@]HOST)", host);
	if (!ssh || !*ssh)
		ssh = "ssh -o BatchMode=yes";
	if (!zctl || !*zctl)
		zctl = "zonectl";
	_cleanup_free_ char *state = state_of(name);
	if (!state)
		return zctl_error("move %s: no such zone", name);
	bool running = !strcmp(state, "running");
	if (!running && strcmp(state, "installed"))
		return zctl_error("move %s: the zone is %s; an installed or running zone moves", name,
				  state);
	json_t *base = NULL, *delta = NULL;
	const char *failed = NULL;
	bool staged = false, halted = false;
	double t_halt = 0, t_up = 0, t_halted = 0, t_delta = 0;
	snprintf(control_dir, sizeof(control_dir), "/tmp/zonectl-move.XXXXXX");
	if (sscanf(ssh, "%255s", control_ssh) == 1 && is_openssh(control_ssh) && mkdtemp(control_dir)) {
		snprintf(control_path, sizeof(control_path), "%s/cm", control_dir);
		control_host = host;
	}

	if (pass(name, "base", ssh, host, zctl, &base) != ZCTL_OK) {
		failed = "base";
	} else {
		staged = true;
		if (running) {
			t_halt = now_s();
			if (local("halt", name) != ZCTL_OK)
				failed = "halt";
			else
				halted = true;
			t_halted = now_s();
		}
	}
	if (!failed && pass(name, "delta", ssh, host, zctl, &delta) != ZCTL_OK)
		failed = "delta";
	t_delta = now_s();
	if (!failed && running) {
		char *words[] = { "boot", (char *)name, NULL };
		if (remote_run(ssh, host, zctl, words, false) != 0) {
			zctl_error("move %s: boot: the boot on %s failed (see above)", name, host);
			failed = "boot";
		}
		t_up = now_s();
	}
	if (failed) {
		/*
		 * Everything back: nothing there, the zone here as it was.  What
		 * was staged there goes (the remote receive may have removed it
		 * already: these say nothing), then move asks what is left.  A
		 * first pass that failed left nothing there (its receive removes
		 * what it made), and a zone of that name that was there already
		 * is not ours to remove.
		 */
		char left[64] = "";
		int asked = 0;
		if (staged) {
			char *h[] = { "halt", (char *)name, NULL };
			char *u[] = { "uninstall", "-F", (char *)name, NULL };
			char *d[] = { "delete", (char *)name, NULL };
			if (!strcmp(failed, "boot"))
				remote_run(ssh, host, zctl, h, true);
			remote_run(ssh, host, zctl, u, true);
			remote_run(ssh, host, zctl, d, true);
			asked = remote_state(ssh, host, zctl, name, left, sizeof(left));
		}
		if (halted && local("boot", name) != ZCTL_OK)
			zctl_error("move %s: and booting it here again failed", name);
		json_decref(base);
		json_decref(delta);
		const char *again = halted ? " (running again)" : "";
		if (asked < 0)
			return zctl_error("move %s: failed at %s; the zone is still here%s, but %s "
					  "could not be asked what is left of it there (if it is, "
					  "there: zonectl uninstall -F %s; zonectl delete %s)", name,
					  failed, again, host, name, name);
		if (*left)
			return zctl_error("move %s: failed at %s; the zone is still here%s, but it is "
					  "left on %s, %s (there: zonectl uninstall -F %s; zonectl "
					  "delete %s)", name, failed, again, host, left, name, name);
		return zctl_error("move %s: failed at %s; the zone is still here%s, and nothing of "
				  "it is left on %s", name, failed, again, host);
	}
	/* it runs (or sits installed) there: here it is uninstalled, its config kept */
	json_t *reply = NULL;
	int r = zctl_call("uninstall", json_pack("{s:s,s:b,s:s}", "name", name, "force", 1,
						 "moved_to", host), &reply);
	json_decref(reply);
	if (r != ZCTL_OK)
		zctl_error("move %s: the zone is on %s, but uninstalling it here failed", name, host);
	double downtime = running ? t_up - t_halt : 0;
	if (json) {
		_cleanup_json_ json_t *o = json_pack("{s:s,s:s,s:b,s:O,s:O,s:f,s:{s:f,s:f,s:f}}",
						     "name", name, "host", host, "was_running",
						     running, "base", base, "delta", delta,
						     "downtime_s", downtime, "downtime_parts_s",
						     "halt", running ? t_halted - t_halt : 0,
						     "delta", running ? t_delta - t_halted : 0,
						     "boot", running ? t_up - t_delta : 0);
		zctl_print_json(o);
	} else {
		printf("%s: moved to %s (%lld files, %lld bytes; the second pass sent %lld)\n", name,
		       host, (long long)json_integer_value(json_object_get(delta, "files")),
		       (long long)json_integer_value(json_object_get(delta, "bytes")),
		       (long long)json_integer_value(json_object_get(delta, "sent_files")));
		if (running)
			printf("%s: running on %s; downtime %.3f s (halt %.3f, second pass %.3f, "
			       "boot there %.3f)\n", name, host, downtime, t_halted - t_halt,
			       t_delta - t_halted, t_up - t_delta);
	}
	json_decref(base);
	json_decref(delta);
	return r;
}

/* The control master, if one was made, goes with the move. */
static void control_close(void)
{
	if (!control_path[0])
		return;
	if (access(control_path, F_OK) == 0) {
		pid_t p = fork();
		if (p == 0) {
			int null = open("/dev/null", O_RDWR);
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
			execlp(control_ssh, control_ssh, "-o", "BatchMode=yes", "-S", control_path, "-O",
			       "exit", control_host, (char *)NULL);
			_exit(127);
		}
		if (p > 0)
			remote_wait(p);
	}
	unlink(control_path);
	rmdir(control_dir);
}

COMMAND(move)
{
	int r = move_main(argc, argv);
	control_close();
	return r;
}
