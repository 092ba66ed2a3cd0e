// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * monitor.c - the per-zone monitor: its rows of the boot (runtime.c holds
 * the list), then the process that holds the zone's console, reaps its init
 * and takes the zone down.
 *
 * Theory (the Solaris zoneadmd / LXC monitor role):
 *   The booter forks the monitor as its own sibling (CLONE_PARENT; zoned, a
 *   subreaper, reaps it), in a session of its own, so the monitor belongs to
 *   no client and survives the daemon (even kill -9).  The monitor owns the
 *   zone's processes; the lock holder owns the zone's state file.  Its rows,
 *   with the messages that tie them to the booter's and the first
 *   process's (see enum zone_msg):
 *
 *     console     the console pty, the request socket, the console log
 *     kzone       the kernel zone (oszone LSM), when the kernel has one
 *     namespaces  clone3(NEWUSER|NEWNS|NEWPID|NEWUTS|NEWIPC): the first
 *                 process, which walks its own rows (zoneproc.c)
 *     idmap       C from the booter; the network namespace helper started;
 *                 uid/gid maps written; the helper goes; P to the booter
 *     mounts      the idmapped root and binds as detached trees -> M
 *     net         the helper's namespace back; veths into it
 *     start       R from the first process -> R to the booter; G back ->
 *                 G on; EOF (init exec'd) -> X
 *
 *   The network namespace is made in parallel with the mounts: creating one
 *   costs about half a millisecond of kernel work (loopback, sysctls,
 *   netfilter), the largest single step of a boot, and nothing before sysfs
 *   needs it.  A helper cloned into our memory (CLONE_VM) enters the zone's
 *   user namespace, makes the network namespace there -- owned by the
 *   zone, exactly what CLONE_NEWNET would have made -- passes it to the
 *   first process (N), brings lo up and hands it to us (N).
 *
 *   A row that fails walks the list back from itself (step.c) and tells the
 *   booter ("E" + the row's name and why); the booter finishes the walk.
 *
 *   Afterwards the monitor serves a root-only Unix socket,
 *   ZONES_ROOT/run/NAME.sock, one request per connection: `console`
 *   (attach to the console pty; the monitor logs all console output to
 *   ZONES_ROOT/log/NAME.console, rotated at 1 MiB), `halt` (walk the list
 *   back from the end: init killed, and with it the zone), `shutdown N`
 *   (SIGPWR to init; the same walk when init is gone or after N seconds) and
 *   `ping`.  A halt or shutdown requester holds the zone lock and writes the
 *   state once the monitor replies; when init exits on its own, the monitor
 *   takes the zone lock itself (polling, so it keeps serving requests
 *   meanwhile), walks the list back and records the zone as installed.
 *   Either way, after the walk nothing of the zone is left on the host.
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
#define MSG_TIMEOUT_MS 30000

char *zone_monitor_socket_path(const char *run_dir, const char *name)
{
	return zone_strdup_printf("%s/%s.sock", run_dir, name);
}

static int sock_addr(const char *run_dir, const char *name, int *dirfd, struct sockaddr_un *sa)
{
	_cleanup_free_ char *path = zone_monitor_socket_path(run_dir, name);
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
	if ((r = zone_write_all(s, req, strlen(req))) < 0 || (r = zone_write_all(s, "\n", 1)) < 0)
		return zone_error_errno(err, -r, "zone %s: monitor request", name);
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

/* ---- row: console -------------------------------------------------------------- */

static int open_console(struct zone_boot *b, struct zone_error *err)
{
	const struct zone_plan *p = &b->plan;
	b->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (b->master < 0 || grantpt(b->master) < 0 || unlockpt(b->master) < 0 ||
	    ptsname_r(b->master, b->slave_path, sizeof(b->slave_path)) != 0)
		return zone_error_errno(err, errno, "allocate the console pty");
	/* We keep the slave open: the master never sees a hangup while init is alive. */
	b->slave = open(b->slave_path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (b->slave < 0)
		return zone_error_errno(err, errno, "open %s", b->slave_path);
	/* The zone's root owns its console (root:tty inside), as on any machine. */
	if (p->userns && fchown(b->slave, p->uid_base, p->uid_base + 5) < 0)
		return zone_error_errno(err, errno, "chown %s", b->slave_path);
	struct winsize ws = { .ws_row = 25, .ws_col = 80 };
	ioctl(b->master, TIOCSWINSZ, &ws);
	fcntl(b->master, F_SETFL, O_NONBLOCK);
	return 0;
}

static int listen_socket(struct zone_boot *b, struct zone_error *err)
{
	const struct zone_plan *p = &b->plan;
	struct sockaddr_un sa;
	int dirfd;
	int r = sock_addr(p->run_dir, b->name, &dirfd, &sa);
	if (r < 0)
		return zone_error_errno(err, -r, "monitor socket in %s", p->run_dir);
	zone_undo_console(&b->hold); /* a stale socket of an earlier boot */
	b->lsock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	mode_t old = umask(0077);
	if (b->lsock < 0 || bind(b->lsock, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(b->lsock, 16) < 0) {
		r = errno;
		umask(old);
		if (dirfd >= 0)
			close(dirfd);
		return zone_error_errno(err, r, "monitor socket %s/%s.sock", p->run_dir, b->name);
	}
	umask(old);
	if (dirfd >= 0)
		close(dirfd);
	return 0;
}

int zone_mon_console(struct zone_boot *b, struct zone_error *err)
{
	int r = zone_store_open(b->plan.store_root, &b->mstore, err);
	if (r < 0 || (r = open_console(b, err)) < 0 || (r = listen_socket(b, err)) < 0)
		return r;
	b->logfd = open(b->plan.log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
			0600);
	return 0;
}

/* ---- row: kzone ----------------------------------------------------------------- */

int zone_mon_kzone(struct zone_boot *b, struct zone_error *err)
{
	if (!zone_kzone_available())
		return 0;
	int id = zone_kzone_create(b->name, b->plan.slot, err);
	if (id >= 0) {
		b->hold.kzone = id;
		return 0;
	}
	/* refused (we run inside a kernel zone ourselves): zones as before */
	if (err->code != EPERM)
		return id;
	zone_error_clear(err);
	zone_console_log(b->plan.log_path, "zone %s: kernel zones refused (EPERM); running "
			 "without one", b->name);
	return 0;
}

/* ---- row: namespaces ------------------------------------------------------------- */

/*
 * With the oszone LSM the first process must be born in the kernel zone, but
 * entering one needs CAP_SYS_ADMIN in the initial user namespace, which the
 * first process gives up at birth (CLONE_NEWUSER).  A helper enters the zone
 * and creates it with CLONE_PARENT: it is our child all the same.
 */
static pid_t clone_in_kzone(struct zone_boot *b, uint64_t flags, struct zone_error *err)
{
	int pp[2];
	if (pipe2(pp, O_CLOEXEC) < 0)
		return zone_error_errno(err, errno, "pipe");
	pid_t helper = fork();
	if (helper < 0) {
		int e = errno;
		close(pp[0]);
		close(pp[1]);
		return zone_error_errno(err, e, "fork");
	}
	if (helper == 0) {
		close(pp[0]);
		struct zone_error e = { 0 };
		/* the first process's pid, or why there is none (-errno) */
		int v = zone_kzone_enter(b->hold.kzone, &e);
		if (v >= 0 && (v = zone_clone3(flags | CLONE_PARENT, NULL)) == 0)
			return 0; /* the first process: the caller carries on as the child */
		(void)!write(pp[1], &v, sizeof(v));
		_exit(0);
	}
	close(pp[1]);
	int v = 0;
	ssize_t n = read(pp[0], &v, sizeof(v));
	close(pp[0]);
	while (waitpid(helper, NULL, 0) < 0 && errno == EINTR)
		;
	if (n != sizeof(v) || v <= 0)
		return zone_error_errno(err, v < 0 ? -v : EIO, "create the zone's first process in "
					"kernel zone %d", b->hold.kzone);
	int fd = zone_pidfd_open(v);
	if (fd < 0)
		return zone_error_errno(err, -fd, "pidfd of %d", v);
	b->hold.init_pidfd = fd;
	return v;
}

int zone_mon_namespaces(struct zone_boot *b, struct zone_error *err)
{
	const struct zone_plan *p = &b->plan;
	int sp[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
		return zone_error_errno(err, errno, "socketpair");
	uint64_t flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC;
	if (p->userns)
		flags |= CLONE_NEWUSER;
	/* p->netns: made in parallel, see netns_start() */
	/* The child starts in the zone root: see zone_rootfs_setup(). */
	if (chdir(p->root) < 0) {
		int e = errno;
		close(sp[0]);
		close(sp[1]);
		return zone_error_errno(err, e, "enter %s", p->root);
	}
	/* clone_in_kzone names its own failure; < 0: err is filled */
	pid_t pid = b->hold.kzone ? clone_in_kzone(b, flags, err) :
				    zone_clone3(flags, &b->hold.init_pidfd);
	if (pid == 0) {
		close(sp[0]);
		b->sock = sp[1];
		zone_proc_main(b, zone_steps_index(b->steps, b->n_steps, "namespaces") + 1);
	}
	if (pid < 0 && !b->hold.kzone)
		pid = zone_error_errno(err, -pid, "create the zone's namespaces");
	close(sp[1]);
	if (chdir("/") < 0 && pid > 0)
		pid = zone_error_errno(err, errno, "create the zone's namespaces");
	if (pid < 0) {
		close(sp[0]);
		return pid;
	}
	b->zone_sock = sp[0];
	b->hold.init_pid = pid;
	b->hold.init_start = zone_proc_starttime(pid);
	return 0;
}

/* ---- row: idmap (and the network namespace helper) ----------------------------------- */

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

/* C from the booter: {"cgroups": [...], "cgmounts": [...]}, into the plan. */
static int recv_cgroups(struct zone_boot *b, struct zone_error *err)
{
	struct zone_plan *p = &b->plan;
	size_t len = 1 << 16;
	_cleanup_free_ char *buf = malloc(len);
	if (!buf)
		return zone_error_set(err, ENOMEM, "out of memory");
	int r = zone_msg_expect(b, b->boot_sock, ZONE_MSG_CGROUPS, buf, len, NULL, NULL,
				MSG_TIMEOUT_MS, "the booting process", err);
	if (r < 0)
		return r;
	_cleanup_json_ json_t *c = json_loads(buf + 1, 0, NULL);
	p->cgroups = json_incref(json_object_get(c, "cgroups"));
	p->cgmounts = json_incref(json_object_get(c, "cgmounts"));
	if (!json_is_array(p->cgroups) || !json_is_array(p->cgmounts))
		return zone_error_set(err, EPROTO, "boot conversation: bad cgroups from the booter");
	b->hold.cgroups = p->cgroups;
	b->cgtext = strdup(buf + 1);
	return b->cgtext ? 0 : zone_error_set(err, ENOMEM, "out of memory");
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
	if (read(h->sock, &go, 1) != 1 || go != ZONE_MSG_HELPER_GO)
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
	const char n[] = { ZONE_MSG_NETNS, '\0' };
	int sr;
	if (fd >= 0 && (sr = zone_send_fds(h->child_sock, n, &fd, 1)) < 0)
		zone_error_errno(&e, -sr, "pass the network namespace to the zone");
	/* then, while the zone goes on: lo up */
	if (fd >= 0 && !e.msg[0])
		zone_net_loopback_up(&e);
	if (e.msg[0])
		zone_msg_error(h->sock, &e);
	else
		zone_send_fds(h->sock, n, &fd, 1);
	return 0;
}

#define NSHELPER_STACK (64 * 1024)

/*
 * Start the helper (see the theory above).  It waits for "g": the zone's
 * uid map written.  On v1 it joins the zone's cgroups first, like the first
 * process, so the namespace is charged to the zone; on v2 it is made in
 * zoned's cgroup, as CLONE_NEWNET did (moving a process that is not
 * ourselves there costs an RCU grace period).
 */
static int netns_start(struct zone_boot *b, struct zone_error *err)
{
	const struct zone_plan *p = &b->plan;
	struct nshelper *h = calloc(1, sizeof(*h));
	if (!h)
		return zone_error_set(err, ENOMEM, "out of memory");
	b->nsarg = h;
	h->child = b->hold.init_pid;
	h->child_sock = b->zone_sock;
	h->userns = -1;
	h->sock = -1;
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)h->child);
	if (p->userns && (h->userns = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return zone_error_errno(err, errno, "open %s", path);
	if (zone_cgroup_is_v1(p->cgroups) && !(h->tasks = zone_cgroup_self_files(p->cgroups)))
		return zone_error_set(err, ENOMEM, "out of memory");
	int sp[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
		return zone_error_errno(err, errno, "socketpair");
	b->nsock = sp[0];
	h->sock = sp[1];
	b->nsstack = mmap(NULL, NSHELPER_STACK, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (b->nsstack == MAP_FAILED) {
		b->nsstack = NULL;
		return zone_error_errno(err, errno, "mmap");
	}
	pid_t pid = clone(nshelper_main, (char *)b->nsstack + NSHELPER_STACK, CLONE_VM | SIGCHLD,
			  h);
	if (pid < 0)
		return zone_error_errno(err, errno, "clone the network namespace helper");
	b->nsh = pid;
	return 0;
}

/* Free what netns_start prepared, once the helper is gone (killed if need be). */
static void netns_stop(struct zone_boot *b)
{
	if (b->nsh > 0) {
		kill(b->nsh, SIGKILL);
		while (waitpid(b->nsh, NULL, 0) < 0 && errno == EINTR)
			;
		b->nsh = 0;
	}
	if (b->nsock >= 0)
		close(b->nsock);
	b->nsock = -1;
	struct nshelper *h = b->nsarg;
	if (h) {
		if (h->userns >= 0)
			close(h->userns);
		if (h->sock >= 0)
			close(h->sock);
		strv_freep(&h->tasks);
		free(h);
		b->nsarg = NULL;
	}
	if (b->nsstack)
		munmap(b->nsstack, NSHELPER_STACK);
	b->nsstack = NULL;
}

/*
 * C: the zone's cgroups, made by the booter while we opened the console and
 * cloned.  On v1 the first process and the network helper join them
 * themselves: moving oneself is the one migration without the global
 * threadgroup lock, whose writer waits an RCU grace period (7-30 ms
 * measured here).  They may, being host root (kuid 0) until the uid map is
 * in force.  What they allocated before that (their task, the copy of the
 * mount table) is charged to zoned's cgroup, as on v2.
 */
int zone_mon_idmap(struct zone_boot *b, struct zone_error *err)
{
	const struct zone_plan *p = &b->plan;
	pid_t pid = b->hold.init_pid;
	int r = recv_cgroups(b, err);
	if (r < 0)
		return r;
	if (p->netns && (r = netns_start(b, err)) < 0)
		return r;
	if (p->userns && ((r = write_map(pid, "uid_map", p->uid_base, err)) < 0 ||
			  (r = write_map(pid, "gid_map", p->uid_base, err)) < 0))
		return r;
	if (!zone_cgroup_is_v1(p->cgroups) && (r = zone_cgroup_attach(p->cgroups, pid, err)) < 0)
		return r;
	const char go = ZONE_MSG_HELPER_GO;
	if (b->nsh && write(b->nsock, &go, 1) != 1)
		return zone_error_errno(err, errno, "start the network namespace helper");
	/* Who we are, to be recorded while the first process mounts. */
	char buf[128];
	snprintf(buf, sizeof(buf), "%c %d %llu %d %llu %d", ZONE_MSG_PIDS, (int)pid,
		 (unsigned long long)b->hold.init_start, (int)getpid(),
		 (unsigned long long)b->hold.monitor_start, b->hold.kzone);
	if ((r = zone_msg_send(b, b->boot_sock, buf, NULL, 0, "report to the booting process",
			       err)) < 0)
		return r;
	/* a brand presenting another kernel (lx): its release, in the zone only */
	if (b->hold.kzone && b->brand->kernel_version &&
	    (r = zone_kzone_set_release(b->hold.kzone, pid, b->brand->kernel_version, err)) < 0)
		return r;
	return 0;
}

/* ---- row: mounts ------------------------------------------------------------------- */

int zone_mon_mounts(struct zone_boot *b, struct zone_error *err)
{
	int *mfds = NULL;
	size_t nm = 0;
	int r = zone_rootfs_prepare(&b->plan, b->hold.init_pid, &mfds, &nm, err);
	if (r < 0)
		return r;
	_cleanup_free_ char *mmsg = zone_strdup_printf("%c%s", ZONE_MSG_MOUNTS, b->cgtext);
	r = mmsg ? zone_msg_send(b, b->zone_sock, mmsg, mfds, nm, "pass the mounts to the zone",
				 err) : zone_error_set(err, ENOMEM, "out of memory");
	for (size_t i = 0; i < nm; i++)
		close(mfds[i]);
	free(mfds);
	return r;
}

/* ---- row: net ------------------------------------------------------------------------ */

/* The helper's answer (the namespace's descriptor), then the veths into it. */
int zone_mon_net(struct zone_boot *b, struct zone_error *err)
{
	if (!b->nsh)
		return 0;
	char buf[ZONE_ERROR_MAX + 8];
	int fd = -1;
	size_t one = 1;
	int r = zone_msg_expect(b, b->nsock, ZONE_MSG_NETNS, buf, sizeof(buf), &fd, &one,
				MSG_TIMEOUT_MS, "the network namespace helper", err);
	netns_stop(b);
	b->peer_error = false; /* the helper's work is this row's: named "net" */
	if (r < 0)
		return r;
	_cleanup_close_ int nfd = fd;
	if (b->cfg->ip_type == ZONE_IP_EXCLUSIVE)
		b->hold.n_net = b->cfg->n_net; /* undo deletes what is there of them */
	return zone_net_setup(b->plan.store_root, b->cfg, nfd, err);
}

/* ---- row: start ---------------------------------------------------------------------- */

/*
 * R from the first process (its mounts done, in its root) goes on to the
 * booter, which records the zone running and sends G; G goes on to the
 * first process, whose end of our socket closes when it execs init.
 */
int zone_mon_start(struct zone_boot *b, struct zone_error *err)
{
	char buf[ZONE_ERROR_MAX + 8];
	int r = zone_msg_expect(b, b->zone_sock, ZONE_MSG_READY, buf, sizeof(buf), NULL, NULL, -1,
				"the zone's first process", err);
	if (r < 0)
		return r;
	const char ready[] = { ZONE_MSG_READY, '\0' }, go[] = { ZONE_MSG_GO, '\0' };
	if ((r = zone_msg_send(b, b->boot_sock, ready, NULL, 0, "report to the booting process",
			       err)) < 0)
		return r;
	if ((r = zone_msg_expect(b, b->boot_sock, ZONE_MSG_GO, buf, sizeof(buf), NULL, NULL,
				 MSG_TIMEOUT_MS, "the booting process", err)) < 0)
		return r;
	/* A first process that failed after R has said why: that comes first. */
	int gs = zone_send_fds(b->zone_sock, go, NULL, 0);
	ssize_t n = zone_recv_fds(b->zone_sock, buf, sizeof(buf), NULL, NULL);
	if (n > 0 && buf[0] == ZONE_MSG_ERROR) {
		b->peer_error = true;
		return zone_error_set(err, EIO, "%s", buf + 1);
	}
	if (gs < 0)
		return zone_error_errno(err, -gs, "start init");
	close(b->zone_sock);
	b->zone_sock = -1;
	/* EOF: exec'd -- or died without a word.  Tell the two apart. */
	if (n != 0 || zone_pidfd_wait(b->hold.init_pidfd, 0))
		return zone_error_set(err, EIO, "the zone's first process died before starting init");
	const char started[] = { ZONE_MSG_STARTED, '\0' };
	zone_send_fds(b->boot_sock, started, NULL, 0);
	close(b->boot_sock);
	b->boot_sock = -1;
	zone_console_log(b->plan.log_path, "zone %s booted: init %s is pid %d on the host",
			 b->name, b->brand->init[0], (int)b->hold.init_pid);
	return 0;
}

/* ---- after boot: supervision -------------------------------------------------------------- */

struct mon {
	struct zone_boot *b;
	int client;   /* attached console, -1 if none */
	int req;      /* halt/shutdown requester waiting for "ok", -1 if none */
	off_t logsize;
	bool init_dead;
	struct timespec deadline; /* shutdown: SIGKILL at */
	bool deadline_set;
};

static void log_console(struct mon *m, const char *buf, size_t n)
{
	struct zone_boot *b = m->b;
	if (b->logfd < 0)
		return;
	if (m->logsize + (off_t)n > LOG_MAX) {
		_cleanup_free_ char *old = zone_strdup_printf("%s.0", b->plan.log_path);
		if (old)
			rename(b->plan.log_path, old);
		close(b->logfd);
		b->logfd = open(b->plan.log_path,
				O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		m->logsize = 0;
		if (b->logfd < 0)
			return;
	}
	if (zone_write_all(b->logfd, buf, n) == 0)
		m->logsize += (off_t)n;
}

/* What init printed last, into the log. */
static void drain_console(struct mon *m)
{
	char buf[8192];
	ssize_t n;
	while ((n = read(m->b->master, buf, sizeof(buf))) > 0)
		log_console(m, buf, (size_t)n);
}

/* Reap init and say how it ended. */
static void note_exit(struct mon *m)
{
	struct zone_boot *b = m->b;
	if (m->init_dead)
		return;
	drain_console(m);
	siginfo_t si = { 0 };
	bool known = b->hold.init_reaped;
	if (known) {
		si.si_code = b->hold.init_code;
		si.si_status = b->hold.init_status;
	} else if (waitid(P_PIDFD, (id_t)b->hold.init_pidfd, &si, WEXITED) == 0) {
		known = b->hold.init_reaped = true;
	}
	if (known) {
		if (si.si_code == CLD_EXITED)
			zone_console_log(b->plan.log_path, "zone %s halted: init exited with status %d",
					 b->name, si.si_status);
		else
			zone_console_log(b->plan.log_path, "zone %s halted: init killed by signal %d",
					 b->name, si.si_status);
	}
	m->init_dead = true;
}

/* Take the zone down: the list walked back from the end (init killed first). */
static void take_down(struct mon *m)
{
	zone_steps_undo(m->b->steps, m->b->n_steps, &m->b->hold);
	note_exit(m);
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

__attribute__((noreturn)) static void reply_and_exit(struct mon *m, const char *msg)
{
	if (m->req >= 0) {
		zone_write_all(m->req, msg, strlen(msg));
		close(m->req);
	}
	exit_idle();
}

/* init exited by itself: take the zone down and record it installed, unless
 * someone else (a halt that holds the lock) does. */
static bool spontaneous_exit(struct mon *m)
{
	struct zone_boot *b = m->b;
	_cleanup_lock_ struct zone_lock *l = NULL;
	if (zone_store_trylock(b->mstore, b->name, "halt", &l, NULL) < 0)
		return false; /* a requester holds it; try again shortly */
	take_down(m);
	_cleanup_status_ struct zone_status st = ZONE_STATUS_INIT;
	if (zone_store_load_status(b->mstore, b->name, &st, NULL) == 0 &&
	    st.monitor_pid == getpid()) {
		st.state = ZONE_STATE_INSTALLED;
		zone_status_clear_runtime(&st);
		zone_store_save_status(b->mstore, b->name, &st, NULL);
	}
	return true;
}

static void handle_request(struct mon *m)
{
	struct zone_boot *b = m->b;
	int c = accept4(b->lsock, NULL, NULL, SOCK_CLOEXEC);
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
		snprintf(r, sizeof(r), "ok %d\n", (int)b->hold.init_pid);
		zone_write_all(c, r, strlen(r));
		close(c);
	} else if (strcmp(line, "halt") == 0 || strncmp(line, "shutdown ", 9) == 0) {
		if (m->req >= 0) {
			zone_write_all(c, "busy\n", 5);
			close(c);
			return;
		}
		m->req = c;
		if (strcmp(line, "halt") == 0 || m->init_dead) {
			take_down(m);
			reply_and_exit(m, "ok\n");
		}
		long secs = strtol(line + 9, NULL, 10);
		if (secs < 0 || secs > 86400)
			secs = 60;
		zone_pidfd_send_signal(b->hold.init_pidfd, SIGPWR);
		clock_gettime(CLOCK_MONOTONIC, &m->deadline);
		m->deadline.tv_sec += secs;
		m->deadline_set = true;
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
	struct zone_boot *b = m->b;
	char buf[8192];
	for (;;) {
		struct pollfd pf[4];
		int np = 0, i_pid = -1, i_master, i_l, i_client = -1;
		if (!m->init_dead) {
			pf[np] = (struct pollfd){ .fd = b->hold.init_pidfd, .events = POLLIN };
			i_pid = np++;
		}
		pf[np] = (struct pollfd){ .fd = b->master, .events = POLLIN };
		i_master = np++;
		pf[np] = (struct pollfd){ .fd = b->lsock, .events = POLLIN };
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
			zone_pidfd_send_signal(b->hold.init_pidfd, SIGKILL);
			m->deadline_set = false;
		}
		if (r <= 0) {
			if (m->init_dead && spontaneous_exit(m))
				exit_idle();
			continue;
		}
		if (pf[i_master].revents & POLLIN) {
			ssize_t n = read(b->master, buf, sizeof(buf));
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
				zone_write_all(b->master, buf, (size_t)n);
			else if (n == 0 || errno != EAGAIN) {
				close(m->client);
				m->client = -1;
			}
		}
		if (pf[i_l].revents & POLLIN)
			handle_request(m);
		if (i_pid >= 0 && (pf[i_pid].revents & POLLIN)) {
			note_exit(m);
			if (m->req >= 0) {
				take_down(m);
				reply_and_exit(m, "ok\n");
			}
			if (spontaneous_exit(m))
				exit_idle();
		}
	}
}

void zone_monitor_main(struct zone_boot *b)
{
	char pname[16];
	snprintf(pname, sizeof(pname), "zmon:%s", b->name);
	prctl(PR_SET_NAME, pname, 0, 0, 0);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	b->hold.self_is_monitor = true;
	b->hold.monitor_pid = getpid();
	b->hold.monitor_start = zone_proc_starttime(getpid());
	struct zone_error err = { 0 };
	size_t failed;
	if (zone_steps_run(b, ZONE_ACTOR_MONITOR, 0, &failed, &err) < 0) {
		/*
		 * The first process's own error, if it sent one, is the cause of
		 * whatever we saw since (a helper that could not reach it, EOF).
		 */
		char buf[ZONE_ERROR_MAX + 8];
		struct pollfd pf = { .fd = b->zone_sock, .events = POLLIN };
		if (b->zone_sock >= 0 && poll(&pf, 1, 0) > 0 &&
		    zone_recv_fds(b->zone_sock, buf, sizeof(buf), NULL, NULL) > 0 &&
		    buf[0] == ZONE_MSG_ERROR)
			zone_error_set(&err, EIO, "%s", buf + 1);
		/* walk back our part (and what we know of the booter's), then say why */
		netns_stop(b);
		zone_steps_undo(b->steps, failed + 1, &b->hold);
		if (b->boot_sock >= 0)
			zone_msg_error(b->boot_sock, &err);
		_exit(1);
	}
	struct mon m = { .b = b, .client = -1, .req = -1 };
	struct stat sb;
	if (b->logfd >= 0 && fstat(b->logfd, &sb) == 0)
		m.logsize = sb.st_size;
	loop(&m);
}
