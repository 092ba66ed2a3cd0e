// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zoned - the zones daemon.
 *
 * Theory:
 *   One privileged process owns a zones root and serves a Unix socket
 *   (/run/zones/zoned.sock for /var/lib/zones; ROOT/zoned.sock for any other
 *   root; --socket or ZONED_SOCKET override).  The main loop only accepts,
 *   counts and forks: each connection is served by a worker process of its
 *   own (worker.c), so a slow or hostile client never blocks the loop, a
 *   long operation (install, shutdown) never delays another, and a client
 *   that goes away mid-operation cannot stop its worker halfway.  Workers
 *   serialize on the same per-zone OFD locks every libzone user takes.
 *
 *   What zoned does NOT own: running zones.  Each has its own monitor
 *   (monitor.c), so SIGTERM, a crash or kill -9 of zoned stops no zone; a
 *   new zoned adopts them from their state files (pid + start time), and
 *   list, halt, login and console keep working, because all of that state
 *   is on disk and in the monitors, none of it in zoned's memory.  zoned is
 *   a child subreaper so it reaps the monitors it started.
 *
 *   Limits: a non-root uid may hold MAX_PER_UID connections, all non-root
 *   uids together MAX_UNPRIV; root is never refused, so an unprivileged
 *   flood cannot lock the administrator out.  Each message is at most
 *   1 MiB and must arrive within 5 s.
 *
 *   Signals: SIGTERM/SIGINT stop zoned (zones keep running); SIGPWR shuts
 *   every zone down (SIGPWR to each init, SIGKILL after the timeout) and
 *   then stops zoned; SIGHUP is ignored (the log is reopened per line).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <dirent.h>
#include <sys/mount.h>
#include <sys/signalfd.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "zoned.h"
#include "private.h"

#define MAX_PER_UID 64
#define MAX_UNPRIV 512

struct client {
	pid_t pid;
	uid_t uid;
};

static struct client *clients;
static size_t n_clients, cap_clients;

static size_t count_uid(uid_t uid, size_t *unpriv)
{
	size_t n = 0;
	*unpriv = 0;
	for (size_t i = 0; i < n_clients; i++) {
		if (clients[i].uid == uid)
			n++;
		if (clients[i].uid != 0)
			(*unpriv)++;
	}
	return n;
}

static void forget(pid_t pid)
{
	for (size_t i = 0; i < n_clients; i++)
		if (clients[i].pid == pid) {
			clients[i] = clients[--n_clients];
			return;
		}
}

/*
 * The spare: a worker forked ahead, waiting for a connection.  A fork (and
 * the page faults after it) is on the path of every request; with a spare
 * it is paid between requests.  The main loop hands the accepted connection
 * and the peer's credentials to the spare over a socketpair; the spare
 * serves it like any worker; the next spare is forked when no worker runs
 * (not while one does: on a small machine it would take a CPU from it).  A
 * spare whose main loop is gone reads EOF and exits.
 */
static struct {
	pid_t pid;
	int sock;
} spare = { 0, -1 };

static void spare_drop(void)
{
	if (spare.sock >= 0)
		close(spare.sock);
	spare.sock = -1;
	spare.pid = 0;
}

static void reap(void)
{
	pid_t pid;
	int status;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (pid == spare.pid)
			spare_drop(); /* died before it served anything */
		forget(pid); /* workers, and monitors reparented to us */
	}
}

/* What a new worker does first; fds are the main loop's, closed here. */
static void worker_begin(const int *fds, size_t n, const sigset_t *set)
{
	for (size_t i = 0; i < n; i++)
		close(fds[i]);
	sigprocmask(SIG_UNBLOCK, set, NULL);
	prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
}

static void spare_fork(struct zoned *d, const int *fds, size_t n, const sigset_t *set)
{
	int sp[2];
	if (spare.pid > 0 || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
		return;
	pid_t pid = fork();
	if (pid == 0) {
		close(sp[0]);
		worker_begin(fds, n, set);
		char buf[96];
		int conn = -1;
		size_t one = 1;
		struct ucred cred;
		if (zone_recv_fds(sp[1], buf, sizeof(buf), &conn, &one) <= 0 || one != 1 ||
		    sscanf(buf, "%d %u %u", &cred.pid, &cred.uid, &cred.gid) != 3)
			_exit(0);
		close(sp[1]);
		zoned_worker(d, conn, &cred);
		_exit(0);
	}
	close(sp[1]);
	if (pid < 0) {
		close(sp[0]);
		return;
	}
	spare.pid = pid;
	spare.sock = sp[0];
}

/* Give conn to the spare: its pid, or -1 (none, or it is gone: fork instead). */
static pid_t spare_take(int conn, const struct ucred *cred)
{
	if (spare.pid <= 0)
		return -1;
	char msg[96];
	snprintf(msg, sizeof(msg), "%d %u %u", (int)cred->pid, cred->uid, cred->gid);
	pid_t pid = spare.pid;
	int r = zone_send_fds(spare.sock, msg, &conn, 1);
	spare_drop();
	if (r < 0) {
		kill(pid, SIGKILL); /* reaped by the SIGCHLD loop */
		return -1;
	}
	return pid;
}

static void refuse(int conn, const char *why)
{
	_cleanup_json_ json_t *m = json_pack("{s:s,s:{s:s,s:i}}", "error", "io.zones.Busy",
					     "parameters", "message", why, "errno", EAGAIN);
	fcntl(conn, F_SETFL, O_NONBLOCK);
	if (m)
		zone_wire_send(conn, m, NULL, 0);
}

/* Fork a process that runs fn(d, arg) and exits; the parent returns its pid. */
static pid_t spawn(struct zoned *d, void (*fn)(struct zoned *, const char *), const char *arg)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	fn(d, arg);
	_exit(0);
}

static void autoboot_one(struct zoned *d, const char *name)
{
	struct zone_error err = { 0 };
	if (zone_runtime_boot(d->store, name, &err) < 0)
		zoned_log(d, "autoboot %s: %s", name, err.msg);
	else
		zoned_log(d, "autoboot %s: running", name);
}

static void shutdown_one(struct zoned *d, const char *name)
{
	struct zone_error err = { 0 };
	if (zone_runtime_shutdown(d->store, name, d->shutdown_timeout, &err) < 0) {
		zoned_log(d, "shutdown %s: %s", name, err.msg);
		struct zone_error e2 = { 0 };
		zone_runtime_halt(d->store, name, &e2);
	} else {
		zoned_log(d, "shutdown %s: done", name);
	}
}

static bool is_live(struct zoned *d, const char *name)
{
	struct zone_status st;
	if (zone_store_load_status(d->store, name, &st, NULL) < 0)
		return false;
	bool live = zone_state_is_live(st.state);
	zone_status_reset(&st);
	return live;
}

int zoned_shutdown_zones(struct zoned *d)
{
	_cleanup_strv_ char **names = NULL;
	struct zone_error err = { 0 };
	if (zone_store_list(d->store, &names, &err) < 0) {
		zoned_log(d, "shutdown: %s", err.msg);
		return -1;
	}
	size_t n = 0, cap = zone_strv_len(names);
	_cleanup_free_ pid_t *kids = calloc(cap + 1, sizeof(pid_t));
	if (!kids)
		return -1;
	for (char **z = names; *z; z++) {
		zone_runtime_reconcile(d->store, *z, true, NULL);
		pid_t p;
		if (is_live(d, *z) && (p = spawn(d, shutdown_one, *z)) > 0)
			kids[n++] = p;
	}
	zoned_log(d, "shutting down %zu zone(s), timeout %u s", n, d->shutdown_timeout);
	/* Our own children only: as a subreaper we also reap the zones' monitors. */
	for (size_t i = 0; i < n; i++)
		while (waitpid(kids[i], NULL, 0) < 0 && errno == EINTR)
			;
	return 0;
}

/*
 * ROOT/run holds live records, monitor sockets and seccomp programs: things
 * that mean nothing after a reboot.  On a tmpfs they cost no disk write on
 * the boot path (a rename on this host's ext4 costs a millisecond) and
 * vanish with a crash.  We mount one there unless it already is one, or
 * already holds something (a zone running from before).
 */
static void mount_run(struct zoned *d)
{
	_cleanup_free_ char *run = zone_strdup_printf("%s/run", d->root);
	struct statfs sf;
	if (!run || statfs(run, &sf) < 0 || sf.f_type == TMPFS_MAGIC)
		return;
	_cleanup_closedir_ DIR *dir = opendir(run);
	struct dirent *de;
	while (dir && (de = readdir(dir)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			return;
	if (mount("zones-run", run, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  "mode=0700,size=64m") < 0)
		zoned_log(d, "cannot mount a tmpfs on %s (%s); live records stay on disk", run,
			  strerror(errno));
}

/* On the way out: unmount it again if no zone needs it. */
static void umount_run(struct zoned *d)
{
	_cleanup_strv_ char **names = NULL;
	if (zone_store_list(d->store, &names, NULL) < 0)
		return;
	for (char **z = names; *z; z++)
		if (is_live(d, *z))
			return;
	_cleanup_free_ char *run = zone_strdup_printf("%s/run", d->root);
	struct statfs sf;
	if (run && statfs(run, &sf) == 0 && sf.f_type == TMPFS_MAGIC)
		umount2(run, MNT_DETACH);
}

static int listen_on(struct zoned *d)
{
	_cleanup_free_ char *dir = strdup(d->socket_path);
	char *slash = dir ? strrchr(dir, '/') : NULL;
	if (slash && slash != dir) {
		*slash = '\0';
		zone_mkdir_p(dir, 0755);
	}
	struct sockaddr_un sa;
	int dirfd;
	int r = zone_sockaddr_un(d->socket_path, &sa, &dirfd);
	if (r < 0) {
		fprintf(stderr, "zoned: socket %s: %s\n", d->socket_path, strerror(-r));
		return -1;
	}
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	unlink(d->socket_path); /* we hold the pid file lock: any socket there is stale */
	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    chmod(d->socket_path, 0666) < 0 || listen(s, 512) < 0) {
		fprintf(stderr, "zoned: socket %s: %s\n", d->socket_path, strerror(errno));
		if (dirfd >= 0)
			close(dirfd);
		return -1;
	}
	if (dirfd >= 0)
		close(dirfd);
	return s;
}

/* The pid file, locked for as long as we live: one zoned per root. */
static int take_pidfile(struct zoned *d, int *fd_out)
{
	_cleanup_free_ char *p = zone_strdup_printf("%s/zoned.pid", d->root);
	int fd = p ? open(p, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644) : -1;
	if (fd < 0) {
		fprintf(stderr, "zoned: %s: %s\n", p ? p : "pid file", strerror(errno));
		return -1;
	}
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	if (fcntl(fd, F_OFD_SETLK, &fl) < 0) {
		close(fd);
		return 1; /* another zoned serves this root */
	}
	*fd_out = fd;
	return 0;
}

static void write_pid_of(int fd, pid_t pid)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%d\n", (int)pid);
	if (ftruncate(fd, 0) == 0)
		(void)!pwrite(fd, buf, (size_t)n, 0);
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: zoned [--root DIR] [--socket PATH] [--foreground]\n"
		   "       zoned [--root DIR] --shutdown-zones [--timeout SECONDS]\n\n"
		   "The zones daemon: serves zonectl over a Unix socket, boots autoboot zones,\n"
		   "adopts running zones.  See zoned(8).\n\n"
		   "  --root DIR          the zones root (default $ZONES_ROOT, else /var/lib/zones)\n"
		   "  --socket PATH       the socket (default $ZONED_SOCKET, else\n"
		   "                      /run/zones/zoned.sock for /var/lib/zones, else ROOT/zoned.sock)\n"
		   "  --foreground        do not detach (for systemd)\n"
		   "  --shutdown-zones    shut every running zone down and exit\n"
		   "  --timeout SECONDS   how long zones get to shut down (default 30)\n"
		   "  --help, --version\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "socket", required_argument, NULL, 's' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "shutdown-zones", no_argument, NULL, 'S' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	/* Whatever our starter had open (a test harness's pipes, a terminal) is
	 * not ours: holding it would keep our starter's reader waiting forever. */
	close_range(3, ~0U, 0);
	const char *root = NULL, *sock = NULL;
	bool fg = false, shutdown_zones = false;
	struct zoned d = { .shutdown_timeout = 30 };
	int c;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'r': root = optarg; break;
		case 's': sock = optarg; break;
		case 'f': fg = true; break;
		case 'S': shutdown_zones = true; break;
		case 't': {
			char *end;
			long t = strtol(optarg, &end, 10);
			if (*end || end == optarg || t < 0 || t > 86400) {
				fprintf(stderr, "zoned: --timeout: \"%s\": not a number of seconds\n",
					optarg);
				return 2;
			}
			d.shutdown_timeout = (unsigned)t;
			break;
		}
		case 'h': usage(stdout); return 0;
		case 'V': printf("zoned %s\n", ZONES_VERSION); return 0;
		default:
			fprintf(stderr, "zoned: bad option %s (see zoned --help)\n", argv[optind - 1]);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "zoned: takes no arguments (see zoned --help)\n");
		return 2;
	}
	if (geteuid() != 0) {
		fprintf(stderr, "zoned: must run as root\n");
		return 1;
	}
	struct zone_error err = { 0 };
	if (zone_store_open(root, &d.store, &err) < 0) {
		fprintf(stderr, "zoned: %s\n", err.msg);
		return 1;
	}
	d.root = zone_store_root(d.store);
	d.log_path = zone_strdup_printf("%s/log/zoned.log", d.root);
	d.socket_path = sock ? strdup(sock) : zone_wire_default_socket(d.root);
	signal(SIGPIPE, SIG_IGN);
	if (shutdown_zones)
		return zoned_shutdown_zones(&d) < 0 ? 1 : 0;

	int pidfd = -1;
	int r = take_pidfile(&d, &pidfd);
	if (r < 0)
		return 1;
	if (r > 0) {
		/*
		 * The zoned that holds the root may still be starting: exit when
		 * it answers (within 5 s), as our own parent does once we listen,
		 * so that whoever started us can connect when we are gone (a
		 * crowd of clients starting zoned at once raced it otherwise).
		 */
		for (int ms = 0; ms < 5000; ms += 2) {
			int s = zone_unix_connect(d.socket_path);
			if (s >= 0) {
				close(s);
				break;
			}
			struct timespec ts = { 0, 2 * 1000 * 1000 };
			nanosleep(&ts, NULL);
		}
		fprintf(stderr, "zoned: already running for %s\n", d.root);
		return 0;
	}
	int ls = listen_on(&d);
	if (ls < 0)
		return 1;
	if (!fg) {
		/* Detach; the parent's exit tells whoever started us that we listen. */
		pid_t p = fork();
		if (p < 0)
			return 1;
		if (p > 0) {
			/* the pid file names the daemon before whoever waits for us goes on */
			write_pid_of(pidfd, p);
			_exit(0);
		}
		setsid();
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
		}
		if (chdir("/") < 0)
			return 1;
	}
	write_pid_of(pidfd, getpid());
	struct zone_error cgerr = { 0 };
	if (zone_cgroup_enter_supervisor(d.root, &cgerr) < 0)
		zoned_log(&d, "warning: %s; zones may not boot", cgerr.msg);
	mount_run(&d);
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGPWR);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	int sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	zoned_log(&d, "started for %s on %s", d.root, d.socket_path);

	/* Adopt what runs, put back what died with no one watching, autoboot. */
	_cleanup_strv_ char **names = NULL;
	if (zone_store_list(d.store, &names, &err) == 0) {
		size_t adopted = 0;
		for (char **z = names; *z; z++) {
			zone_runtime_reconcile(d.store, *z, false, NULL);
			if (is_live(&d, *z)) {
				adopted++;
				continue;
			}
			struct zone_config *cfg = NULL;
			struct zone_status st;
			if (zone_store_load_config(d.store, *z, &cfg, NULL) == 0 && cfg->autoboot &&
			    zone_store_load_status(d.store, *z, &st, NULL) == 0) {
				if (st.state == ZONE_STATE_INSTALLED)
					spawn(&d, autoboot_one, *z);
				zone_status_reset(&st);
			}
			zone_config_free(cfg);
		}
		if (adopted)
			zoned_log(&d, "adopted %zu running zone(s)", adopted);
	}

	const int own_fds[] = { ls, sfd, pidfd };
	for (;;) {
		if (!n_clients)
			spare_fork(&d, own_fds, ELEMENTSOF(own_fds), &set);
		struct pollfd pf[2] = { { ls, POLLIN, 0 }, { sfd, POLLIN, 0 } };
		if (poll(pf, 2, -1) < 0 && errno != EINTR)
			break;
		if (pf[1].revents & POLLIN) {
			struct signalfd_siginfo si;
			while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
				if (si.ssi_signo == SIGCHLD) {
					reap();
				} else if (si.ssi_signo == SIGPWR) {
					close(ls);
					unlink(d.socket_path);
					zoned_log(&d, "SIGPWR: shutting every zone down");
					sigprocmask(SIG_UNBLOCK, &set, NULL);
					zoned_shutdown_zones(&d);
					zone_cgroup_release(d.root);
					umount_run(&d);
					zoned_log(&d, "stopped");
					return 0;
				} else if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
					close(ls);
					unlink(d.socket_path);
					zone_cgroup_release(d.root);
					umount_run(&d);
					zoned_log(&d, "stopped by signal %u; running zones keep running",
						  si.ssi_signo);
					return 0;
				}
			}
		}
		if (!(pf[0].revents & POLLIN))
			continue;
		for (;;) {
			int conn = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
			if (conn < 0)
				break;
			struct ucred cred;
			socklen_t cl = sizeof(cred);
			if (getsockopt(conn, SOL_SOCKET, SO_PEERCRED, &cred, &cl) < 0) {
				close(conn);
				continue;
			}
			size_t unpriv;
			size_t mine = count_uid(cred.uid, &unpriv);
			if (cred.uid != 0 && (mine >= MAX_PER_UID || unpriv >= MAX_UNPRIV)) {
				refuse(conn, mine >= MAX_PER_UID ?
					     "zoned: too many connections from your user; try again" :
					     "zoned: too many connections from unprivileged users; try again");
				close(conn);
				continue;
			}
			pid_t pid = spare_take(conn, &cred);
			if (pid < 0 && (pid = fork()) == 0) {
				worker_begin(own_fds, ELEMENTSOF(own_fds), &set);
				zoned_worker(&d, conn, &cred);
				_exit(0);
			}
			close(conn);
			if (pid < 0)
				continue;
			if (n_clients == cap_clients) {
				size_t nc = cap_clients ? cap_clients * 2 : 64;
				struct client *nv = realloc(clients, nc * sizeof(*nv));
				if (!nv)
					continue;
				clients = nv;
				cap_clients = nc;
			}
			clients[n_clients++] = (struct client){ pid, cred.uid };
		}
	}
	return 0;
}
