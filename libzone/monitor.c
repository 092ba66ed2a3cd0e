// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * monitor.c - the per-zone monitor: the process that creates a zone's init,
 * holds its console, reaps it and tears the zone down.
 *
 * Theory (the Solaris zoneadmd / LXC monitor role):
 *   The booting process forks the monitor as its own sibling (CLONE_PARENT;
 *   zoned, a subreaper, reaps it), in a session of its own, so the monitor
 *   belongs to no client and survives the daemon (even kill -9).
 *   The monitor owns the zone's processes; the booting process owns the
 *   zone's state file.  Boot is a conversation over SEQPACKET sockets, with
 *   the work spread over two CPUs where it can be:
 *
 *     booter        monitor                   first process      netns helper
 *     (cgroups)     console, clone3(NEWUSER|NEWNS|NEWPID|...) --> waits
 *     "C" cgroups-> fork helper, uid/gid map, "P pids" -> booter: `ready`
 *                   "go" ---------------------------------------> joins the
 *                   "M" + mount fds + cgroups -> joins cgroups,   cgroups,
 *                                               /proc, /dev       makes the
 *                                               <---------- "N" - netns, lo up
 *                   <-- "N" (veths go in) ----------------------- exits
 *                                               sysfs, cgroups,
 *                                               pivot, "R"
 *     <-- "R" ; "G" -> "G" -----------------> (console, seccomp and
 *     `running`                                caps done meanwhile) exec init
 *     <-- "X"       <-- EOF (exec'd) or "E msg"
 *
 *   The first process is not dumpable and dies with the monitor until it
 *   execs; its end of the socket is close-on-exec, so EOF means "exec'd".
 *
 *   Afterwards the monitor serves a root-only Unix socket,
 *   ZONES_ROOT/run/NAME.sock, one request per connection: `console`
 *   (attach to the console pty; the monitor logs all console output to
 *   ZONES_ROOT/log/NAME.console, rotated at 1 MiB), `halt` (SIGKILL init:
 *   the pid namespace takes every zone process with it), `shutdown N`
 *   (SIGPWR to init, SIGKILL after N seconds) and `ping`.  A halt or shutdown
 *   requester holds the zone lock and writes the state once the monitor
 *   replies; when init exits on its own, the monitor takes the zone lock
 *   itself (polling, so it keeps serving requests meanwhile) and records
 *   the zone as installed.  Either way the monitor removes the zone's cgroups
 *   and its run files before it exits: after halt nothing of the zone is left.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <linux/sched.h>

#include "runtime.h"
#include "util.h"

#define LOG_MAX (1 << 20)

char *zone_monitor_socket_path(const char *run_dir, const char *name)
{
	return zone_strdup_printf("%s/%s.sock", run_dir, name);
}

static int sock_addr(const char *run_dir, const char *name, int *dirfd, struct sockaddr_un *sa)
{
	_cleanup_free_ char *path = zone_strdup_printf("%s/%s.sock", run_dir, name);
	return path ? zone_sockaddr_un(path, sa, dirfd) : -ENOMEM;
}

__attribute__((format(printf, 2, 3))) void zone_console_log(const char *path, const char *fmt, ...)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
				      0600);
	if (fd < 0)
		return;
	char buf[512];
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	int n = (int)strftime(buf, sizeof(buf), "[%Y-%m-%dT%H:%M:%SZ zones] ", &tm);
	va_list ap;
	va_start(ap, fmt);
	n += vsnprintf(buf + n, sizeof(buf) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 2)
		n = (int)sizeof(buf) - 2;
	buf[n++] = '\n';
	zone_write_all(fd, buf, (size_t)n);
}

int zone_monitor_request(const char *run_dir, const char *name, const char *req, int timeout_ms,
			 char *buf, size_t len, int *sock_out, struct zone_error *err)
{
	struct sockaddr_un sa;
	int dirfd;
	int r = sock_addr(run_dir, name, &dirfd, &sa);
	if (r < 0)
		return zone_error_errno(err, -r, "zone %s: monitor socket", name);
	_cleanup_close_ int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		r = errno;
		if (dirfd >= 0)
			close(dirfd);
		return zone_error_errno(err, r, "zone %s: cannot reach its monitor", name);
	}
	if (dirfd >= 0)
		close(dirfd);
	if (zone_write_all(s, req, strlen(req)) < 0 || zone_write_all(s, "\n", 1) < 0)
		return zone_error_errno(err, errno, "zone %s: monitor request", name);
	struct pollfd pfd = { .fd = s, .events = POLLIN };
	size_t got = 0;
	while (got < len - 1) {
		int pr = poll(&pfd, 1, timeout_ms);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr == 0)
			return zone_error_set(err, ETIMEDOUT, "zone %s: the monitor did not answer "
					      "\"%s\" within %d ms", name, req, timeout_ms);
		ssize_t n = read(s, buf + got, 1);
		if (n <= 0)
			break;
		if (buf[got] == '\n')
			break;
		got++;
	}
	buf[got] = '\0';
	if (got == 0)
		return zone_error_set(err, EPIPE, "zone %s: the monitor closed the connection", name);
	if (sock_out)
		*sock_out = TAKE_FD(s);
	return 0;
}

/* ---- the zone's first process ------------------------------------------------- */

static void child_fail(int sock, struct zone_error *err)
{
	char msg[ZONE_ERROR_MAX + 4];
	snprintf(msg, sizeof(msg), "E%s", err->msg);
	zone_send_fds(sock, msg, NULL, 0);
	_exit(1);
}

__attribute__((noreturn)) static void child_main(struct zone_plan *p, int sock,
						 int console, const char *console_path)
{
	struct zone_error err = { 0 };
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	zone_reset_signals();

	/*
	 * M, the mounts, comes from the monitor; with a network namespace N, its
	 * descriptor, comes from the helper that made it (see netns_start), before
	 * or after M.
	 */
	static char buf[1 << 16];
	int fds[250], nfd = -1;
	size_t n = 0;
	ssize_t got;
	while (n == 0) {
		size_t k = ELEMENTSOF(fds);
		got = zone_recv_fds(sock, buf, sizeof(buf), fds, &k);
		if (got > 0 && buf[0] == 'M' && k > 0)
			n = k;
		else if (got > 0 && buf[0] == 'N' && k == 1 && p->netns && nfd < 0)
			nfd = fds[0];
		else
			_exit(1); /* the monitor is gone or aborted */
	}
	/* M carries the zone's cgroups: on v1 we join them ourselves (see C) */
	json_t *c = json_loads(buf + 1, 0, NULL);
	p->cgroups = json_object_get(c, "cgroups");
	p->cgmounts = json_object_get(c, "cgmounts");
	if (!json_is_array(p->cgroups) || !json_is_array(p->cgmounts)) {
		zone_error_set(&err, EPROTO, "internal: no cgroups with the mounts");
		child_fail(sock, &err);
	}
	if (zone_cgroup_is_v1(p->cgroups) && zone_cgroup_join_self(p->cgroups, &err) < 0)
		child_fail(sock, &err);
	if (zone_rootfs_setup(p, fds, n, console_path, &err) < 0)
		child_fail(sock, &err);
	for (size_t i = 1; i < n; i++)
		close(fds[i]);
	if (p->netns) {
		size_t one = 1;
		if (nfd < 0 && ((got = zone_recv_fds(sock, buf, sizeof(buf), &nfd, &one)) <= 0 ||
				buf[0] != 'N' || one != 1))
			_exit(1);
		if (setns(nfd, CLONE_NEWNET) < 0) {
			zone_error_errno(&err, errno, "enter the zone's network namespace");
			child_fail(sock, &err);
		}
		close(nfd);
	}
	if (zone_rootfs_finish(p, fds[0], &err) < 0)
		child_fail(sock, &err);
	close(fds[0]);
	if (zone_send_fds(sock, "R", NULL, 0) < 0)
		_exit(1);

	/*
	 * While the booting process records the zone as ready, the last steps
	 * before init: nothing of the zone runs until "G" (read(), not recvmsg:
	 * the zone's seccomp profile is loaded by then).
	 */
	if (setsid() < 0 || ioctl(console, TIOCSCTTY, 0) < 0 || dup2(console, 0) < 0 ||
	    dup2(console, 1) < 0 || dup2(console, 2) < 0) {
		zone_error_errno(&err, errno, "attach the console");
		child_fail(sock, &err);
	}
	if (p->personality && personality(p->personality) < 0) {
		zone_error_errno(&err, errno, "set personality %#lx", p->personality);
		child_fail(sock, &err);
	}
	/* seccomp needs CAP_SYS_ADMIN (in our namespace) unless no_new_privs: before caps. */
	if (zone_seccomp_load(p->bpf, p->bpf_len, &err) < 0 || zone_caps_apply(p->caps, &err) < 0)
		child_fail(sock, &err);
	do
		got = read(sock, buf, sizeof(buf));
	while (got < 0 && errno == EINTR);
	if (got <= 0 || buf[0] != 'G')
		_exit(1);
	close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
	prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
	static char *const envp[] = {
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"TERM=linux", "HOME=/", "container=zones", NULL,
	};
	execve(p->brand->init[0], p->brand->init, envp);
	zone_error_errno(&err, errno, "execute the zone's init %s", p->brand->init[0]);
	child_fail(sock, &err);
	_exit(127);
}

/* ---- the monitor -------------------------------------------------------------- */

struct mon {
	const struct zone_plan *p;
	struct zone_store *store;
	int pidfd;
	pid_t init;
	int master, slave;
	char slave_path[64];
	int lsock;
	int client;   /* attached console, -1 if none */
	int req;      /* halt/shutdown requester waiting for "ok", -1 if none */
	int logfd;
	off_t logsize;
	bool init_dead;
	int init_status;
	struct timespec deadline; /* shutdown: SIGKILL at */
	bool deadline_set;
	char *sock_path;
	char *bpf_path;
	int kzone;    /* kernel zone ID, 0 without the oszone LSM */
	pid_t nsh;    /* the network namespace helper while booting, 0 if none */
	int nsock;    /* its socket */
	void *nsarg;  /* what it works from (struct nshelper) */
	void *nsstack; /* and its stack (it shares our memory) */
};

static int write_map(pid_t pid, const char *file, uint32_t base, struct zone_error *err)
{
	char path[64], line[64];
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	int n = snprintf(line, sizeof(line), "0 %u 65536\n", base);
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, line, (size_t)n) != n)
		return zone_error_errno(err, errno, "write %s", path);
	return 0;
}

static int open_console(struct mon *m, struct zone_error *err)
{
	m->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m->master < 0 || grantpt(m->master) < 0 || unlockpt(m->master) < 0 ||
	    ptsname_r(m->master, m->slave_path, sizeof(m->slave_path)) != 0)
		return zone_error_errno(err, errno, "allocate the console pty");
	/* We keep the slave open: the master never sees a hangup while init is alive. */
	m->slave = open(m->slave_path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m->slave < 0)
		return zone_error_errno(err, errno, "open %s", m->slave_path);
	/* The zone's root owns its console (root:tty inside), as on any machine. */
	if (m->p->userns && fchown(m->slave, m->p->uid_base, m->p->uid_base + 5) < 0)
		return zone_error_errno(err, errno, "chown %s", m->slave_path);
	struct winsize ws = { .ws_row = 25, .ws_col = 80 };
	ioctl(m->master, TIOCSWINSZ, &ws);
	fcntl(m->master, F_SETFL, O_NONBLOCK);
	return 0;
}

static int listen_socket(struct mon *m, struct zone_error *err)
{
	const char *name = m->p->cfg->name;
	struct sockaddr_un sa;
	int dirfd;
	int r = sock_addr(m->p->run_dir, name, &dirfd, &sa);
	if (r < 0)
		return zone_error_errno(err, -r, "monitor socket in %s", m->p->run_dir);
	unlink(m->sock_path);
	m->lsock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	mode_t old = umask(0077);
	if (m->lsock < 0 || bind(m->lsock, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(m->lsock, 16) < 0) {
		r = errno;
		umask(old);
		if (dirfd >= 0)
			close(dirfd);
		return zone_error_errno(err, r, "monitor socket %s", m->sock_path);
	}
	umask(old);
	if (dirfd >= 0)
		close(dirfd);
	return 0;
}

static void log_console(struct mon *m, const char *buf, size_t n)
{
	if (m->logfd < 0)
		return;
	if (m->logsize + (off_t)n > LOG_MAX) {
		_cleanup_free_ char *old = zone_strdup_printf("%s.0", m->p->log_path);
		if (old)
			rename(m->p->log_path, old);
		close(m->logfd);
		m->logfd = open(m->p->log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
				0600);
		m->logsize = 0;
		if (m->logfd < 0)
			return;
	}
	if (zone_write_all(m->logfd, buf, n) == 0)
		m->logsize += (off_t)n;
}

static void teardown_net(struct mon *m)
{
	if (m->p->cfg->ip_type == ZONE_IP_EXCLUSIVE)
		zone_net_teardown(m->p->store_root, m->p->cfg->name, m->p->cfg->n_net);
}

static void teardown(struct mon *m)
{
	zone_kzone_destroy(m->kzone);
	m->kzone = 0;
	teardown_net(m);
	zone_cgroup_destroy(m->p->cgroups, NULL);
	unlink(m->sock_path);
	unlink(m->bpf_path);
}

/*
 * The zone is gone and said so: what is left is our own exit, 0.3 ms of
 * address-space teardown on a small VM that nobody waits for.  At idle
 * priority it takes no CPU from whoever runs next (the halting client, the
 * next boot).
 */
__attribute__((noreturn)) static void exit_idle(void)
{
	struct sched_param sp = { 0 };
	sched_setscheduler(0, SCHED_IDLE, &sp);
	_exit(0);
}

static void reply_and_exit(struct mon *m, const char *msg)
{
	if (m->req >= 0) {
		zone_write_all(m->req, msg, strlen(msg));
		close(m->req);
	}
	exit_idle();
}

static void note_exit(struct mon *m)
{
	siginfo_t si = { 0 };
	if (waitid(P_PIDFD, (id_t)m->pidfd, &si, WEXITED) == 0) {
		m->init_status = si.si_status;
		if (si.si_code == CLD_EXITED)
			zone_console_log(m->p->log_path, "zone %s halted: init exited with status %d",
					 m->p->cfg->name, si.si_status);
		else
			zone_console_log(m->p->log_path, "zone %s halted: init killed by signal %d",
					 m->p->cfg->name, si.si_status);
	}
	m->init_dead = true;
}

/* init exited by itself: record the zone as installed, unless someone else did. */
static bool spontaneous_exit(struct mon *m)
{
	struct zone_lock *l = NULL;
	if (zone_store_trylock(m->store, m->p->cfg->name, &l, NULL) < 0)
		return false; /* a requester holds it; try again shortly */
	struct zone_status st;
	if (zone_store_load_status(m->store, m->p->cfg->name, &st, NULL) == 0 &&
	    st.monitor_pid == getpid()) {
		teardown(m);
		st.state = ZONE_STATE_INSTALLED;
		zone_status_clear_runtime(&st);
		zone_store_save_status(m->store, m->p->cfg->name, &st, NULL);
	} else {
		teardown(m);
	}
	zone_status_reset(&st);
	zone_lock_release(l);
	return true;
}

static void handle_request(struct mon *m)
{
	int c = accept4(m->lsock, NULL, NULL, SOCK_CLOEXEC);
	if (c < 0)
		return;
	struct ucred cred;
	socklen_t cl = sizeof(cred);
	if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cred, &cl) < 0 || cred.uid != 0) {
		close(c); /* only root (zoned, or root's zonectl) talks to a monitor */
		return;
	}
	struct timeval tv = { .tv_sec = 2 };
	setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	char line[128];
	size_t n = 0;
	while (n < sizeof(line) - 1) {
		ssize_t k = read(c, line + n, 1);
		if (k <= 0 || line[n] == '\n')
			break;
		n++;
	}
	line[n] = '\0';
	if (strcmp(line, "console") == 0) {
		if (m->client >= 0) {
			zone_write_all(c, "busy\n", 5);
			close(c);
			return;
		}
		zone_write_all(c, "ok\n", 3);
		fcntl(c, F_SETFL, O_NONBLOCK);
		m->client = c;
	} else if (strcmp(line, "ping") == 0) {
		char r[64];
		snprintf(r, sizeof(r), "ok %d\n", (int)m->init);
		zone_write_all(c, r, strlen(r));
		close(c);
	} else if (strcmp(line, "halt") == 0 || strncmp(line, "shutdown ", 9) == 0) {
		if (m->req >= 0) {
			zone_write_all(c, "busy\n", 5);
			close(c);
			return;
		}
		m->req = c;
		if (m->init_dead) {
			teardown(m);
			reply_and_exit(m, "ok\n");
		}
		if (line[0] == 'h') {
			zone_pidfd_send_signal(m->pidfd, SIGKILL);
		} else {
			long secs = strtol(line + 9, NULL, 10);
			if (secs < 0 || secs > 86400)
				secs = 60;
			zone_pidfd_send_signal(m->pidfd, SIGPWR);
			clock_gettime(CLOCK_MONOTONIC, &m->deadline);
			m->deadline.tv_sec += secs;
			m->deadline_set = true;
		}
	} else {
		zone_write_all(c, "error unknown request\n", 22);
		close(c);
	}
}

static int ms_until(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long long ms = (long long)(t->tv_sec - now.tv_sec) * 1000 +
		       (t->tv_nsec - now.tv_nsec) / 1000000;
	return ms < 0 ? 0 : ms > 60000 ? 60000 : (int)ms;
}

__attribute__((noreturn)) static void loop(struct mon *m)
{
	char buf[8192];
	for (;;) {
		struct pollfd pf[5];
		int np = 0, i_pid = -1, i_master = -1, i_l = -1, i_client = -1;
		if (!m->init_dead) {
			pf[np] = (struct pollfd){ .fd = m->pidfd, .events = POLLIN };
			i_pid = np++;
		}
		pf[np] = (struct pollfd){ .fd = m->master, .events = POLLIN };
		i_master = np++;
		pf[np] = (struct pollfd){ .fd = m->lsock, .events = POLLIN };
		i_l = np++;
		if (m->client >= 0) {
			pf[np] = (struct pollfd){ .fd = m->client, .events = POLLIN };
			i_client = np++;
		}
		int timeout = -1;
		if (m->init_dead)
			timeout = 50; /* retry the zone lock */
		else if (m->deadline_set)
			timeout = ms_until(&m->deadline);
		int r = poll(pf, (nfds_t)np, timeout);
		if (r < 0 && errno != EINTR)
			_exit(1);
		if (m->deadline_set && !m->init_dead && ms_until(&m->deadline) == 0) {
			zone_pidfd_send_signal(m->pidfd, SIGKILL);
			m->deadline_set = false;
		}
		if (r <= 0) {
			if (m->init_dead && spontaneous_exit(m))
				exit_idle();
			continue;
		}
		if (i_master >= 0 && (pf[i_master].revents & POLLIN)) {
			ssize_t n = read(m->master, buf, sizeof(buf));
			if (n > 0) {
				log_console(m, buf, (size_t)n);
				if (m->client >= 0 && write(m->client, buf, (size_t)n) < 0 &&
				    errno != EAGAIN) {
					close(m->client);
					m->client = -1;
				}
			}
		}
		if (i_client >= 0 && (pf[i_client].revents & (POLLIN | POLLHUP | POLLERR))) {
			ssize_t n = read(m->client, buf, sizeof(buf));
			if (n > 0)
				zone_write_all(m->master, buf, (size_t)n);
			else if (n == 0 || errno != EAGAIN) {
				close(m->client);
				m->client = -1;
			}
		}
		if (pf[i_l].revents & POLLIN)
			handle_request(m);
		if (i_pid >= 0 && (pf[i_pid].revents & POLLIN)) {
			/* Drain what init printed last before we report. */
			ssize_t n;
			while ((n = read(m->master, buf, sizeof(buf))) > 0)
				log_console(m, buf, (size_t)n);
			note_exit(m);
			if (m->req >= 0) {
				teardown(m);
				reply_and_exit(m, "ok\n");
			}
			if (spontaneous_exit(m))
				exit_idle();
		}
	}
}

static void netns_free(struct mon *m);

/* Report an error to the booter, kill what we started, and give up. */
static int abort_boot(struct mon *m, int boot_sock, struct zone_error *err)
{
	if (m->nsh > 0) {
		kill(m->nsh, SIGKILL);
		while (waitpid(m->nsh, NULL, 0) < 0 && errno == EINTR)
			;
		m->nsh = 0;
	}
	netns_free(m);
	if (m->pidfd >= 0) {
		zone_pidfd_send_signal(m->pidfd, SIGKILL);
		siginfo_t si;
		waitid(P_PIDFD, (id_t)m->pidfd, &si, WEXITED);
	}
	char msg[ZONE_ERROR_MAX + 4];
	snprintf(msg, sizeof(msg), "E%s", err->msg);
	zone_send_fds(boot_sock, msg, NULL, 0);
	unlink(m->sock_path);
	zone_kzone_destroy(m->kzone);
	m->kzone = 0;
	return -err->code;
}

/*
 * With the oszone LSM the first process must be born in the kernel zone, but
 * entering one needs CAP_SYS_ADMIN in the initial user namespace, which the
 * first process gives up at birth (CLONE_NEWUSER).  A helper enters the zone
 * and creates it with CLONE_PARENT: it is our child all the same.
 */
static pid_t clone_in_kzone(struct mon *m, uint64_t flags, int sock, struct zone_error *err)
{
	int pp[2];
	if (pipe2(pp, O_CLOEXEC) < 0)
		return zone_error_errno(err, errno, "pipe");
	pid_t helper = fork();
	if (helper < 0) {
		close(pp[0]);
		close(pp[1]);
		return zone_error_errno(err, errno, "fork");
	}
	if (helper == 0) {
		close(pp[0]);
		struct zone_error e = { 0 };
		pid_t c = -1;
		if (zone_kzone_enter(m->kzone, &e) == 0)
			c = zone_clone3(flags | CLONE_PARENT, NULL);
		if (c == 0)
			return 0; /* the first process: the caller carries on as the child */
		int v = c > 0 ? c : -errno;
		(void)!write(pp[1], &v, sizeof(v));
		_exit(0);
	}
	(void)sock;
	close(pp[1]);
	int v = 0;
	ssize_t n = read(pp[0], &v, sizeof(v));
	close(pp[0]);
	while (waitpid(helper, NULL, 0) < 0 && errno == EINTR)
		;
	if (n != sizeof(v) || v <= 0)
		return zone_error_errno(err, v < 0 ? -v : EIO, "create the zone's first process in "
					"kernel zone %d", m->kzone);
	m->pidfd = zone_pidfd_open(v);
	if (m->pidfd < 0)
		return zone_error_errno(err, errno, "pidfd of %d", v);
	return v;
}

/* C from the booter: {"cgroups": [...], "cgmounts": [...]}, into the plan. */
static int recv_cgroups(int boot_sock, struct zone_plan *p, char **text, struct zone_error *err)
{
	size_t len = 1 << 16;
	_cleanup_free_ char *buf = malloc(len);
	if (!buf)
		return zone_error_set(err, ENOMEM, "out of memory");
	ssize_t n = zone_recv_fds(boot_sock, buf, len, NULL, NULL);
	if (n <= 0 || buf[0] != 'C' || (size_t)n >= len - 1)
		return zone_error_set(err, EPIPE, "the booting process went away");
	json_t *c = json_loads(buf + 1, 0, NULL);
	p->cgroups = json_incref(json_object_get(c, "cgroups"));
	p->cgmounts = json_incref(json_object_get(c, "cgmounts"));
	json_decref(c);
	if (!json_is_array(p->cgroups) || !json_is_array(p->cgmounts))
		return zone_error_set(err, EPROTO, "internal: bad cgroups from the booter");
	*text = strdup(buf + 1);
	return *text ? 0 : zone_error_set(err, ENOMEM, "out of memory");
}

struct nshelper {
	pid_t child;
	int child_sock;  /* the monitor's end to the first process: N goes there */
	int sock;        /* the helper's end to us */
	int userns;      /* the zone's user namespace, -1 without one */
	char **tasks;    /* v1: the `tasks` files of the zone's cgroups, NULL-ended */
};

/*
 * The helper's body.  It shares our memory (CLONE_VM: no page tables to copy
 * at its birth or free at its death, 0.3 ms of CPU on this VM), so it calls
 * nothing that allocates or takes a lock: system calls, snprintf, and data
 * we prepared and do not touch until it is reaped.
 */
static int nshelper_main(void *arg)
{
	const struct nshelper *h = arg;
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	char go;
	if (read(h->sock, &go, 1) != 1)
		return 1;
	/*
	 * Run beside the first process, not behind it: both start on the CPU
	 * that made them and the scheduler moves neither for half a millisecond
	 * (they are "cache hot"), which is all the time there is.
	 */
	cpu_set_t cpus;
	int ccpu = (int)zone_proc_stat_field(h->child, 39); /* the CPU it last ran on */
	if (ccpu >= 0 && sched_getaffinity(0, sizeof(cpus), &cpus) == 0 && CPU_COUNT(&cpus) > 1 &&
	    CPU_ISSET(ccpu, &cpus)) {
		CPU_CLR(ccpu, &cpus);
		sched_setaffinity(0, sizeof(cpus), &cpus);
	}
	struct zone_error e = { 0 };
	int fd = -1;
	/* v1: into the zone's cgroups first, so the namespace is charged to it */
	if (zone_cgroup_join_files(h->tasks, &e) < 0)
		zone_error_wrap(&e, "network namespace helper");
	else if (h->userns >= 0 && setns(h->userns, CLONE_NEWUSER) < 0)
		zone_error_errno(&e, errno, "enter the zone's user namespace");
	else if (unshare(CLONE_NEWNET) < 0)
		zone_error_errno(&e, errno, "create the zone's network namespace");
	else if ((fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC)) < 0)
		zone_error_errno(&e, errno, "open the zone's network namespace");
	if (fd >= 0 && zone_send_fds(h->child_sock, "N", &fd, 1) < 0)
		zone_error_errno(&e, errno, "pass the network namespace to the zone");
	/* then, while the zone goes on: lo up */
	if (fd >= 0 && !e.msg[0])
		zone_net_loopback_up(&e);
	char msg[ZONE_ERROR_MAX + 4];
	snprintf(msg, sizeof(msg), "%s%s", e.msg[0] ? "E" : "N", e.msg);
	zone_send_fds(h->sock, msg, e.msg[0] ? NULL : &fd, e.msg[0] ? 0 : 1);
	return 0;
}

#define NSHELPER_STACK (64 * 1024)

/*
 * The zone's network namespace, made in parallel with its mounts.  Creating
 * one costs about half a millisecond of kernel work (loopback, sysctls,
 * netfilter), the largest single step of a boot, and nothing before sysfs
 * needs it.  So the first process is cloned without CLONE_NEWNET, and a
 * helper cloned here enters its user namespace (as host root it may), makes
 * the network namespace there -- owned by the zone, exactly what
 * CLONE_NEWNET would have made -- and passes it straight to the first process
 * (which mounts /proc and /dev meanwhile), brings lo up, and reports to us
 * (the veths go in then, and nothing starts before that).  It
 * waits for "go": the zone's uid map written.  On v1 it joins the zone's
 * cgroups first, like the first process, so the namespace is charged to the
 * zone; on v2 it is made in zoned's cgroup, as CLONE_NEWNET did (moving a
 * process that is not ourselves there costs an RCU grace period).
 */
static pid_t netns_start(struct mon *m, pid_t child, int child_sock, struct zone_error *err)
{
	const struct zone_plan *p = m->p;
	struct nshelper *h = calloc(1, sizeof(*h));
	if (!h)
		return zone_error_set(err, ENOMEM, "out of memory");
	m->nsarg = h;
	h->child = child;
	h->child_sock = child_sock;
	h->userns = -1;
	h->sock = -1;
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)child);
	if (p->userns && (h->userns = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return zone_error_errno(err, errno, "open %s", path);
	if (zone_cgroup_is_v1(p->cgroups) && !(h->tasks = zone_cgroup_self_files(p->cgroups)))
		return zone_error_set(err, ENOMEM, "out of memory");
	int sp[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
		return zone_error_errno(err, errno, "socketpair");
	m->nsock = sp[0];
	h->sock = sp[1];
	m->nsstack = mmap(NULL, NSHELPER_STACK, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (m->nsstack == MAP_FAILED) {
		m->nsstack = NULL;
		return zone_error_errno(err, errno, "mmap");
	}
	pid_t pid = clone(nshelper_main, (char *)m->nsstack + NSHELPER_STACK, CLONE_VM | SIGCHLD,
			  h);
	if (pid < 0)
		return zone_error_errno(err, errno, "clone the network namespace helper");
	return pid;
}

/* Free what netns_start prepared, once the helper is gone. */
static void netns_free(struct mon *m)
{
	if (m->nsock >= 0)
		close(m->nsock);
	m->nsock = -1;
	struct nshelper *h = m->nsarg;
	if (h) {
		if (h->userns >= 0)
			close(h->userns);
		if (h->sock >= 0)
			close(h->sock);
		strv_freep(&h->tasks);
		free(h);
		m->nsarg = NULL;
	}
	if (m->nsstack)
		munmap(m->nsstack, NSHELPER_STACK);
	m->nsstack = NULL;
}

/* Its answer: the namespace's descriptor (the helper is reaped). */
static int netns_finish(pid_t h, int sock, struct zone_error *err)
{
	char buf[ZONE_ERROR_MAX + 8];
	int fd = -1;
	size_t one = 1;
	ssize_t n = zone_recv_fds(sock, buf, sizeof(buf), &fd, &one);
	while (waitpid(h, NULL, 0) < 0 && errno == EINTR)
		;
	if (n > 0 && buf[0] == 'N' && one == 1 && fd >= 0)
		return fd;
	if (fd >= 0)
		close(fd);
	if (n > 0 && buf[0] == 'E')
		return zone_error_set(err, EIO, "%s", buf + 1);
	return zone_error_set(err, EPIPE, "the network namespace helper died");
}

static int expect(int sock, char want, char *buf, size_t len, struct zone_error *err)
{
	ssize_t n = zone_recv_fds(sock, buf, len, NULL, NULL);
	if (n <= 0)
		return zone_error_set(err, EPIPE, "lost the boot conversation");
	if (buf[0] == 'E')
		return zone_error_set(err, EIO, "%s", buf + 1);
	if (buf[0] != want)
		return zone_error_set(err, EPROTO, "boot conversation: unexpected \"%c\"", buf[0]);
	return 0;
}

int zone_monitor_run(const struct zone_plan *p0, int boot_sock, struct zone_error *err)
{
	/* ours to complete: the booter sends the cgroups (C) while we start */
	struct zone_plan plan = *p0;
	struct zone_plan *p = &plan;
	plan.cgroups = NULL;
	plan.cgmounts = NULL;
	struct mon m = {
		.p = p, .pidfd = -1, .master = -1, .slave = -1, .lsock = -1,
		.client = -1, .req = -1, .logfd = -1, .nsock = -1,
	};
	char name[16];
	snprintf(name, sizeof(name), "zmon:%s", p->cfg->name);
	prctl(PR_SET_NAME, name, 0, 0, 0);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	m.sock_path = zone_monitor_socket_path(p->run_dir, p->cfg->name);
	m.bpf_path = zone_strdup_printf("%s/%s.bpf", p->run_dir, p->cfg->name);
	if (zone_store_open(p->store_root, &m.store, err) < 0)
		return abort_boot(&m, boot_sock, err);
	if (open_console(&m, err) < 0 || listen_socket(&m, err) < 0)
		return abort_boot(&m, boot_sock, err);
	m.logfd = open(p->log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	struct stat sb;
	if (m.logfd >= 0 && fstat(m.logfd, &sb) == 0)
		m.logsize = sb.st_size;

	int sp[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0) {
		zone_error_errno(err, errno, "socketpair");
		return abort_boot(&m, boot_sock, err);
	}
	uint64_t flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC;
	if (p->userns)
		flags |= CLONE_NEWUSER;
	/* p->netns: made in parallel, see netns_start() */
	/* The child starts in the zone root: see zone_rootfs_setup(). */
	if (chdir(p->root) < 0) {
		zone_error_errno(err, errno, "enter %s", p->root);
		return abort_boot(&m, boot_sock, err);
	}
	if (zone_kzone_available() && (m.kzone = zone_kzone_create(p->cfg->name, p->slot, err)) < 0) {
		m.kzone = 0;
		/* refused (we run inside a kernel zone ourselves): zones as before */
		if (err->code != EPERM)
			return abort_boot(&m, boot_sock, err);
		zone_error_clear(err);
		zone_console_log(p->log_path, "zone %s: kernel zones refused (EPERM); running "
				 "without one", p->cfg->name);
	}
	pid_t pid = m.kzone ? clone_in_kzone(&m, flags, sp[1], err) : zone_clone3(flags, &m.pidfd);
	if (pid != 0 && chdir("/") < 0)
		pid = pid > 0 ? pid : -1;
	if (pid < 0) {
		zone_error_errno(err, errno, "create the zone's namespaces");
		return abort_boot(&m, boot_sock, err);
	}
	if (pid == 0) {
		close(sp[0]);
		child_main(p, sp[1], m.slave, m.slave_path);
	}
	close(sp[1]);
	m.init = pid;
	int sock = sp[0];
	char buf[ZONE_ERROR_MAX + 8];

	/*
	 * C: the zone's cgroups, made by the booter while we opened the console
	 * and cloned.  On v1 the first process and the network helper join
	 * them themselves: moving oneself is the one migration without the
	 * global threadgroup lock, whose writer waits an RCU grace period (7-30
	 * ms measured here).  They may, being host root (kuid 0) until the uid
	 * map is in force.  What they allocated before that (their task, the
	 * copy of the mount table) is charged to zoned's cgroup, as on v2.
	 */
	_cleanup_free_ char *cgtext = NULL;
	if (recv_cgroups(boot_sock, p, &cgtext, err) < 0)
		return abort_boot(&m, boot_sock, err);
	bool v1 = zone_cgroup_is_v1(p->cgroups);
	if (p->netns && (m.nsh = netns_start(&m, pid, sp[0], err)) < 0) {
		m.nsh = 0;
		return abort_boot(&m, boot_sock, err);
	}

	if (p->userns && (write_map(pid, "uid_map", p->uid_base, err) < 0 ||
			  write_map(pid, "gid_map", p->uid_base, err) < 0))
		return abort_boot(&m, boot_sock, err);
	if (!v1 && zone_cgroup_attach(p->cgroups, pid, err) < 0)
		return abort_boot(&m, boot_sock, err);
	if (m.nsh && write(m.nsock, "g", 1) != 1) {
		zone_error_errno(err, errno, "start the network namespace helper");
		return abort_boot(&m, boot_sock, err);
	}
	/* Who we are, to be recorded while the first process mounts. */
	snprintf(buf, sizeof(buf), "P %d %llu %d %llu %d", (int)pid,
		 (unsigned long long)zone_proc_starttime(pid), (int)getpid(),
		 (unsigned long long)zone_proc_starttime(getpid()), m.kzone);
	if (zone_send_fds(boot_sock, buf, NULL, 0) < 0) {
		zone_error_set(err, EPIPE, "the booting process went away");
		return abort_boot(&m, boot_sock, err);
	}
	/* a brand presenting another kernel (lx): its release, in the zone only */
	if (m.kzone && p->brand->kernel_version &&
	    zone_kzone_set_release(m.kzone, pid, p->brand->kernel_version, err) < 0)
		return abort_boot(&m, boot_sock, err);
	int *mfds = NULL;
	size_t nm = 0;
	if (zone_rootfs_prepare(p, pid, &mfds, &nm, err) < 0)
		return abort_boot(&m, boot_sock, err);
	_cleanup_free_ char *mmsg = zone_strdup_printf("M%s", cgtext);
	int sr = mmsg ? zone_send_fds(sock, mmsg, mfds, nm) : -ENOMEM;
	for (size_t i = 0; i < nm; i++)
		close(mfds[i]);
	free(mfds);
	if (sr < 0) {
		zone_error_errno(err, -sr, "pass the mounts to the zone");
		return abort_boot(&m, boot_sock, err);
	}
	/* The first process mounts; its network namespace is made meanwhile. */
	if (m.nsh) {
		int nfd = netns_finish(m.nsh, m.nsock, err);
		m.nsh = 0;
		netns_free(&m);
		if (nfd < 0)
			return abort_boot(&m, boot_sock, err);
		sr = zone_net_setup(p->store_root, p->cfg, nfd, err);
		close(nfd);
		if (sr < 0) {
			teardown_net(&m);
			return abort_boot(&m, boot_sock, err);
		}
	}
	if (expect(sock, 'R', buf, sizeof(buf), err) < 0)
		return abort_boot(&m, boot_sock, err);

	/* Namespaces, mounts and cgroup are up: init may start when recorded. */
	if (zone_send_fds(boot_sock, "R", NULL, 0) < 0 ||
	    expect(boot_sock, 'G', buf, sizeof(buf), err) < 0) {
		zone_error_set(err, EPIPE, "the booting process went away");
		abort_boot(&m, boot_sock, err);
		teardown(&m);
		return -EPIPE;
	}
	/* A first process that failed after "R" has said why: that comes first. */
	int gs = zone_send_fds(sock, "G", NULL, 0);
	ssize_t n = zone_recv_fds(sock, buf, sizeof(buf), NULL, NULL);
	if (n > 0 && buf[0] == 'E') {
		zone_error_set(err, EIO, "%s", buf + 1);
		return abort_boot(&m, boot_sock, err);
	}
	if (gs < 0) {
		zone_error_errno(err, -gs, "start init");
		return abort_boot(&m, boot_sock, err);
	}
	close(sock);
	/* EOF: exec'd -- or died without a word.  Tell the two apart. */
	struct pollfd pf = { .fd = m.pidfd, .events = POLLIN };
	if (n != 0 || poll(&pf, 1, 0) > 0) {
		zone_error_set(err, EIO, "the zone's first process died before starting init");
		return abort_boot(&m, boot_sock, err);
	}
	zone_send_fds(boot_sock, "X", NULL, 0);
	close(boot_sock);
	zone_console_log(p->log_path, "zone %s booted: init %s is pid %d on the host",
			 p->cfg->name, p->brand->init[0], (int)pid);
	loop(&m);
}
