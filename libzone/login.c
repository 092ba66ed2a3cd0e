// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * login.c - run a process inside a running zone (zonectl login), and attach
 * to its console.
 *
 * Theory: a helper process joins the zone's cgroups, then every namespace
 * of the zone's init at once (setns on a pidfd, checked against init's
 * start time so a recycled pid cannot redirect us), and forks the process
 * that will exec: only a child enters the zone's pid namespace.  That
 * process is not dumpable until it execs (CVE-2016-9962: a zone process
 * must not ptrace it and steal a host descriptor), takes the zone's
 * bounding set and seccomp program, becomes the requested user (read from
 * the zone's own /etc/passwd by us: no NSS module of the zone is ever loaded
 * into a process holding host state, CVE-2019-14271), and execs.
 *
 * Terminals: with `tty` the pty is allocated *inside* the zone, from the
 * zone's devpts, and only its master comes back to the host; the host's
 * terminal never enters a zone (TIOCSTI, CVE-2017-5226).  Without it the
 * caller passes three descriptors, none of which may be a terminal.
 * The helper exits with the zone process's status (128+N for a signal).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "runtime.h"
#include "util.h"

struct pwent {
	uid_t uid;
	gid_t gid;
	char home[256];
	char shell[256];
	gid_t groups[64];
	int ngroups;
};

/* Read a small regular file of the zone (we are already in its root). */
static char *read_zone_file(const char *path)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	struct stat sb;
	if (fd < 0 || fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode))
		return NULL;
	char *s = NULL;
	return zone_read_fd(fd, &s, 1 << 20) >= 0 ? s : NULL;
}

/* Field k (0-based) of a ':'-separated line, copied into out. */
static bool field(const char *line, int k, char *out, size_t len)
{
	for (int i = 0; i < k; i++) {
		line = strchr(line, ':');
		if (!line)
			return false;
		line++;
	}
	size_t n = strcspn(line, ":\n");
	if (n >= len)
		return false;
	memcpy(out, line, n);
	out[n] = '\0';
	return true;
}

static int lookup_user(const char *user, struct pwent *pw, struct zone_error *err)
{
	_cleanup_free_ char *passwd = read_zone_file("/etc/passwd");
	if (!passwd)
		return zone_error_set(err, ENOENT, "the zone has no readable /etc/passwd");
	bool found = false;
	for (char *l = passwd; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		char name[64], uid[16], gid[16];
		if (!field(l, 0, name, sizeof(name)) || strcmp(name, user) != 0)
			continue;
		if (!field(l, 2, uid, sizeof(uid)) || !field(l, 3, gid, sizeof(gid)) ||
		    !field(l, 5, pw->home, sizeof(pw->home)) ||
		    !field(l, 6, pw->shell, sizeof(pw->shell)))
			return zone_error_set(err, EINVAL, "/etc/passwd in the zone: bad entry for %s",
					      user);
		uint64_t u, g;
		if (zone_parse_u64(uid, &u) < 0 || zone_parse_u64(gid, &g) < 0 || u > 65535 ||
		    g > 65535)
			return zone_error_set(err, EINVAL, "/etc/passwd in the zone: %s: uid or gid "
					      "outside the zone's 0-65535", user);
		pw->uid = (uid_t)u;
		pw->gid = (gid_t)g;
		found = true;
		break;
	}
	if (!found)
		return zone_error_set(err, ENOENT, "no user \"%s\" in the zone", user);
	if (!pw->home[0])
		strcpy(pw->home, "/");
	if (!pw->shell[0])
		strcpy(pw->shell, "/bin/sh");
	pw->groups[0] = pw->gid;
	pw->ngroups = 1;
	_cleanup_free_ char *group = read_zone_file("/etc/group");
	for (char *l = group; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		char gid[16], members[4096];
		uint64_t g;
		if (!field(l, 2, gid, sizeof(gid)) || !field(l, 3, members, sizeof(members)) ||
		    zone_parse_u64(gid, &g) < 0 || g > 65535)
			continue;
		char *save = NULL;
		for (char *m = strtok_r(members, ",", &save); m; m = strtok_r(NULL, ",", &save))
			if (strcmp(m, user) == 0 && pw->ngroups < 64)
				pw->groups[pw->ngroups++] = (gid_t)g;
	}
	return 0;
}

struct login_ctx {
	const struct zone_login *o;
	int pidfd;
	int sock;
	json_t *cgroups;
	uint64_t caps;
	unsigned long personality;
	bool userns, netns;
	int kzone;       /* the zone's kernel zone ID, 0 without the oszone LSM */
	void *bpf;
	size_t bpf_len;
};

/* Tell zone_runtime_login why (ZONE_MSG_ERROR) and give up. */
__attribute__((noreturn)) static void fail(int sock, const struct zone_error *err)
{
	zone_msg_error(sock, err);
	_exit(126);
}

__attribute__((noreturn)) static void in_zone(struct login_ctx *x)
{
	struct zone_error err = { 0 };
	const struct zone_login *o = x->o;
	if (setsid() < 0) {
		zone_error_errno(&err, errno, "setsid");
		fail(x->sock, &err);
	}
	if (o->tty) {
		/* The zone's own devpts: /dev/ptmx resolves in the zone's root. */
		int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
		char name[64];
		if (m < 0 || unlockpt(m) < 0 || ptsname_r(m, name, sizeof(name)) != 0) {
			zone_error_errno(&err, errno, "allocate a pty in the zone");
			fail(x->sock, &err);
		}
		int sl = open(name, O_RDWR | O_CLOEXEC);
		if (sl < 0) {
			zone_error_errno(&err, errno, "open %s in the zone", name);
			fail(x->sock, &err);
		}
		if (o->rows && o->cols) {
			struct winsize ws = { .ws_row = o->rows, .ws_col = o->cols };
			ioctl(sl, TIOCSWINSZ, &ws);
		}
		const char tty[] = { ZONE_MSG_TTY, '\0' };
		if (zone_send_fds(x->sock, tty, &m, 1) < 0)
			_exit(126);
		close(m);
		if (ioctl(sl, TIOCSCTTY, 0) < 0 || dup2(sl, 0) < 0 || dup2(sl, 1) < 0 ||
		    dup2(sl, 2) < 0) {
			zone_error_errno(&err, errno, "attach the pty");
			fail(x->sock, &err);
		}
	} else {
		for (int i = 0; i < 3; i++)
			if (o->stdio[i] != i && dup2(o->stdio[i], i) < 0) {
				zone_error_errno(&err, errno, "standard descriptors");
				fail(x->sock, &err);
			}
	}
	const char *user = o->user ? o->user : "root";
	struct pwent pw = { 0 };
	if (lookup_user(user, &pw, &err) < 0) {
		if (o->user)
			fail(x->sock, &err);
		pw = (struct pwent){ .home = "/", .shell = "/bin/sh" }; /* root needs no passwd */
	}
	if (zone_caps_bound(x->caps, &err) < 0 ||
	    zone_seccomp_load(x->bpf, x->bpf_len, &err) < 0)
		fail(x->sock, &err);
	if (setgroups((size_t)pw.ngroups, pw.groups) < 0 || setresgid(pw.gid, pw.gid, pw.gid) < 0 ||
	    setresuid(pw.uid, pw.uid, pw.uid) < 0) {
		zone_error_errno(&err, errno, "become %s (uid %u)", user, (unsigned)pw.uid);
		fail(x->sock, &err);
	}
	if (pw.uid == 0 && zone_caps_set(x->caps, &err) < 0)
		fail(x->sock, &err);
	if (x->personality && personality(x->personality) < 0) {
		zone_error_errno(&err, errno, "personality");
		fail(x->sock, &err);
	}
	if (chdir(pw.home) < 0 && chdir("/") < 0) {
		zone_error_errno(&err, errno, "chdir");
		fail(x->sock, &err);
	}
	char *env[10];
	int k = 0;
	env[k++] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	env[k++] = zone_strdup_printf("HOME=%s", pw.home);
	env[k++] = zone_strdup_printf("USER=%s", user);
	env[k++] = zone_strdup_printf("LOGNAME=%s", user);
	env[k++] = zone_strdup_printf("SHELL=%s", pw.shell);
	env[k++] = "container=zones";
	if (o->tty)
		env[k++] = zone_strdup_printf("TERM=%s", o->term ? o->term : "xterm");
	env[k] = NULL;
	environ = env;
	close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
	if (o->argv && o->argv[0]) {
		execvp(o->argv[0], o->argv);
		zone_error_errno(&err, errno, "execute %s in the zone", o->argv[0]);
	} else {
		const char *base = strrchr(pw.shell, '/');
		char *argv0 = zone_strdup_printf("-%s", base ? base + 1 : pw.shell);
		char *const argv[] = { argv0, NULL };
		execv(pw.shell, argv);
		zone_error_errno(&err, errno, "execute the shell %s in the zone", pw.shell);
	}
	/* Like a shell: the reason on stderr, 127 for "not found", 126 otherwise. */
	int e = err.code;
	dprintf(2, "zonectl: login: %s\n", err.msg);
	_exit(e == ENOENT || e == ENOTDIR ? 127 : 126);
}

__attribute__((noreturn)) static void helper(struct login_ctx *x)
{
	struct zone_error err = { 0 };
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	zone_reset_signals();
	if (zone_cgroup_join_self(x->cgroups, &err) < 0)
		fail(x->sock, &err);
	/* Into the kernel zone while we still hold the host's CAP_SYS_ADMIN. */
	if (x->kzone > 0 && zone_kzone_enter(x->kzone, &err) < 0)
		fail(x->sock, &err);
	int flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWCGROUP;
	if (x->userns)
		flags |= CLONE_NEWUSER;
	if (x->netns)
		flags |= CLONE_NEWNET;
	if (setns(x->pidfd, flags) < 0) {
		zone_error_errno(&err, errno, "enter the zone's namespaces");
		fail(x->sock, &err);
	}
	pid_t g = fork();
	if (g < 0) {
		zone_error_errno(&err, errno, "fork in the zone");
		fail(x->sock, &err);
	}
	if (g == 0)
		in_zone(x);
	close(x->sock);
	/* Our stdio stays open only in the zone process. */
	int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull >= 0 && !x->o->tty) {
		dup2(devnull, 0);
		dup2(devnull, 1);
	}
	int status;
	while (waitpid(g, &status, 0) < 0)
		if (errno != EINTR)
			_exit(126);
	_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

int zone_runtime_login(struct zone_store *s, const char *name, const struct zone_login *o,
		       pid_t *pid_out, int *master, struct zone_error *err)
{
	if (master)
		*master = -1;
	if (!o->tty)
		for (int i = 0; i < 3; i++)
			if (isatty(o->stdio[i]))
				return zone_error_set(err, EPERM, "login %s: a terminal must not enter "
						      "a zone (use a pty session)", name);
	_cleanup_status_ struct zone_status st = ZONE_STATUS_INIT;
	int r = zone_runtime_load_live(s, name, "login", &st, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *bpf_path = zone_strdup_printf("%s/run/%s.bpf", zone_store_root(s), name);
	_cleanup_free_ char *bpf = NULL;
	ssize_t n = bpf_path ? zone_read_file(bpf_path, &bpf, 1 << 20) : -ENOMEM;
	if (n <= 0)
		return zone_error_errno(err, n < 0 ? (int)-n : EIO, "login %s: read %s", name,
					bpf_path ? bpf_path : "");
	_cleanup_close_ int pidfd = zone_pidfd_open_checked(st.init_pid, st.init_start);
	if (pidfd < 0)
		return zone_error_set(err, ESRCH, "login %s: the zone's init is gone", name);
	struct login_ctx x = {
		.o = o,
		.pidfd = pidfd,
		.sock = -1,
		.cgroups = json_object_get(st.extra, "cgroups"),
		.caps = (uint64_t)json_integer_value(json_object_get(st.extra, "caps")),
		.personality = (unsigned long)json_integer_value(json_object_get(st.extra,
										 "personality")),
		.userns = json_is_true(json_object_get(st.extra, "userns")),
		.netns = json_is_true(json_object_get(st.extra, "netns")),
		.kzone = st.kernel_zone_id,
		.bpf = bpf,
		.bpf_len = (size_t)n,
	};
	int sp[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
		return zone_error_errno(err, errno, "login %s: socketpair", name);
	_cleanup_close_ int sock = sp[0];
	x.sock = sp[1];
	pid_t c = fork();
	if (c < 0) {
		int e = errno;
		close(sp[1]);
		return zone_error_errno(err, e, "login %s: fork", name);
	}
	if (c == 0) {
		close(TAKE_FD(sock));
		helper(&x);
	}
	close(sp[1]);
	/*
	 * Messages: ZONE_MSG_TTY with the master (with o->tty), then EOF once the
	 * zone process exec'd; or ZONE_MSG_ERROR and why.
	 */
	for (;;) {
		char buf[ZONE_ERROR_MAX + 8];
		int fd = -1;
		size_t nfd = 1;
		ssize_t k = zone_recv_fds(sock, buf, sizeof(buf), &fd, &nfd);
		if (k <= 0)
			break;
		if (buf[0] == ZONE_MSG_TTY && nfd == 1 && master) {
			*master = fd;
			continue;
		}
		if (nfd == 1)
			close(fd);
		if (buf[0] == ZONE_MSG_ERROR) {
			if (master && *master >= 0) {
				close(*master);
				*master = -1;
			}
			int status;
			waitpid(c, &status, 0);
			return zone_error_set(err, EIO, "login %s: %s", name, buf + 1);
		}
	}
	*pid_out = c;
	return 0;
}

int zone_runtime_console(struct zone_store *s, const char *name, int *fd, struct zone_error *err)
{
	struct zone_status st;
	int r = zone_runtime_load_live(s, name, "console", &st, err);
	if (r < 0)
		return r;
	zone_status_reset(&st);
	_cleanup_free_ char *run = zone_strdup_printf("%s/run", zone_store_root(s));
	if (!run)
		return zone_error_set(err, ENOMEM, "console %s: out of memory", name);
	char reply[64];
	int sock = -1;
	if ((r = zone_monitor_request(run, name, "console", 5000, reply, sizeof(reply), &sock,
				      err)) < 0)
		return zone_error_wrap(err, "console");
	if (strcmp(reply, "ok") != 0) {
		close(sock);
		return zone_error_set(err, EBUSY, "console %s: %s", name,
				      strcmp(reply, "busy") == 0 ?
					      "another session is attached to the console" : reply);
	}
	*fd = sock;
	return 0;
}
