// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * oszone-test - the guest side of tests/kernel/run: exercises the oszone
 * LSM's prctl API and isolation inside a QEMU guest and prints TAP.
 * Runs as root (pid 1's child) on a kernel built from kernel/patches.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../libzone/kzone.h"

static int n_tests, n_failed;

static void ok(int cond, const char *fmt, ...)
{
	va_list ap;
	printf("%sok %d - ", cond ? "" : "not ", ++n_tests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!cond)
		n_failed++;
}

static long zp(unsigned long op, unsigned long a, unsigned long b, unsigned long c)
{
	return prctl(PR_OSZONE, op, a, b, c);
}

static int zcreate(const char *name)
{
	return (int)zp(OSZONE_CREATE, (unsigned long)name, 0, 0);
}

/* Run fn in a child; return its exit status (or 255 on a signal). */
static int in_child(int (*fn)(void *), void *arg)
{
	pid_t p = fork();
	if (p == 0)
		_exit(fn(arg));
	int st;
	waitpid(p, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 255;
}

/* Wait (up to a second) until the zone has no task left, then destroy it. */
static int zdestroy(int id)
{
	for (int i = 0; i < 1000; i++) {
		if (zp(OSZONE_DESTROY, id, 0, 0) == 0)
			return 0;
		if (errno != EBUSY)
			return -1;
		usleep(1000);
	}
	return -1;
}

static char *read_file(const char *path)
{
	static char buf[65536];
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return NULL;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return buf;
}

/* ---- the tests ---------------------------------------------------------------- */

static void *spin(void *a)
{
	(void)a;
	pause();
	return NULL;
}

static int enter_multithreaded(void *arg)
{
	pthread_t t;
	pthread_create(&t, NULL, spin, NULL);
	long r = zp(OSZONE_ENTER, *(int *)arg, 0, 0);
	return r < 0 && errno == EBUSY ? 0 : 1;
}

static int unprivileged_create(void *arg)
{
	(void)arg;
	if (setuid(1000) < 0)
		return 2;
	return zcreate("nope") < 0 && errno == EPERM ? 0 : 1;
}

static int inside_checks(void *arg)
{
	int id = *(int *)arg;
	if (zp(OSZONE_ENTER, id, 0, 0) < 0)
		return 10;
	if (zp(OSZONE_GETID, 0, 0, 0) != id)
		return 11;
	char name[64];
	if (zp(OSZONE_GETNAME, (unsigned long)name, sizeof(name), 0) < 0 || strcmp(name, "z1"))
		return 12;
	/* nothing else from inside, not even as root with every capability */
	if (zcreate("inner") >= 0 || errno != EPERM)
		return 13;
	if (zp(OSZONE_ENTER, id, 0, 0) >= 0 || errno != EPERM)
		return 14;
	unsigned ids[8];
	if (zp(OSZONE_LIST, (unsigned long)ids, 8, 0) >= 0 || errno != EPERM)
		return 15;
	if (zp(OSZONE_DESTROY, id, 0, 0) >= 0 || errno != EPERM)
		return 16;
	/* a grandchild inherits it */
	pid_t g = fork();
	if (g == 0)
		_exit(zp(OSZONE_GETID, 0, 0, 0) == id ? 0 : 1);
	int st;
	waitpid(g, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		return 17;
	/* /proc/zones from inside: only this zone */
	char *z = read_file("/proc/zones");
	if (!z || !strstr(z, "\tz1\t") || strstr(z, "\tz2\t"))
		return 18;
	return 0;
}

struct victim {
	pid_t pid;
	int zone;
};

/* In zone `zone`, as root: every way of reaching the global task fails. */
static int attack(void *arg)
{
	struct victim *v = arg;
	if (zp(OSZONE_ENTER, v->zone, 0, 0) < 0)
		return 10;
	if (kill(v->pid, SIGKILL) == 0 || errno != EPERM)
		return 11;
	kill(-1, SIGKILL); /* must not reach the global task */
	if (ptrace(PTRACE_ATTACH, v->pid, 0, 0) == 0 || errno != EPERM)
		return 12;
	char buf[16];
	struct iovec l = { buf, sizeof(buf) }, r = { (void *)0x400000, sizeof(buf) };
	if (process_vm_readv(v->pid, &l, 1, &r, 1, 0) >= 0)
		return 13;
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)v->pid);
	if (open(path, O_RDONLY) >= 0)
		return 14;
	snprintf(path, sizeof(path), "/proc/%d/environ", (int)v->pid);
	if (open(path, O_RDONLY) >= 0)
		return 15;
	if (setpriority(PRIO_PROCESS, v->pid, 5) == 0)
		return 16;
	return 0;
}

static int enter_and_wait(void *arg)
{
	if (zp(OSZONE_ENTER, *(int *)arg, 0, 0) < 0)
		return 10;
	pause();
	return 0;
}

static volatile sig_atomic_t got_sigio;
static void on_sigio(int s)
{
	(void)s;
	got_sigio = 1;
}

struct sigio_case {
	int zone;
	pid_t target;
};

/* From zone A, aim SIGIO at a task of zone B with F_SETOWN. */
static int sigio_attack(void *arg)
{
	struct sigio_case *c = arg;
	if (zp(OSZONE_ENTER, c->zone, 0, 0) < 0)
		return 10;
	int sp[2];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) < 0)
		return 11;
	if (fcntl(sp[0], F_SETOWN, c->target) < 0)
		return 12;
	fcntl(sp[0], F_SETFL, O_ASYNC);
	if (write(sp[1], "x", 1) != 1)
		return 13;
	usleep(20000);
	return 0;
}

/* The same with a descriptor the global zone opened and handed in. */
struct sigio_fd_case {
	int zone;
	pid_t target;
	int fd, peer;
};

static int sigio_fd_attack(void *arg)
{
	struct sigio_fd_case *c = arg;
	if (zp(OSZONE_ENTER, c->zone, 0, 0) < 0)
		return 10;
	if (fcntl(c->fd, F_SETOWN, c->target) < 0)
		return 12;
	fcntl(c->fd, F_SETFL, O_ASYNC);
	if (write(c->peer, "x", 1) != 1)
		return 13;
	usleep(20000);
	return 0;
}

static int sigio_global_victim(void *arg)
{
	(void)arg;
	signal(SIGIO, on_sigio);
	for (int i = 0; i < 300 && !got_sigio; i++)
		usleep(1000);
	return got_sigio ? 1 : 0;
}

static int sigio_victim(void *arg)
{
	int zone = *(int *)arg;
	signal(SIGIO, on_sigio);
	if (zp(OSZONE_ENTER, zone, 0, 0) < 0)
		return 10;
	for (int i = 0; i < 300 && !got_sigio; i++)
		usleep(1000);
	return got_sigio ? 1 : 0;
}

static int privileged_in_zone(void *arg)
{
	if (zp(OSZONE_ENTER, *(int *)arg, 0, 0) < 0)
		return 10;
	struct timeval tv;
	gettimeofday(&tv, NULL);
	if (settimeofday(&tv, NULL) == 0 || errno != EPERM)
		return 11;
	char buf[64];
	if (klogctl(3, buf, sizeof(buf)) >= 0) /* SYSLOG_ACTION_READ_ALL */
		return 12;
	if (syscall(SYS_init_module, NULL, 0, "") == 0 || errno != EPERM)
		return 13;
	return 0;
}

struct uts_case {
	int zone;
	int pipe[2];
	int done[2];
};

static int uts_member(void *arg)
{
	struct uts_case *u = arg;
	if (unshare(CLONE_NEWUTS) < 0 || zp(OSZONE_ENTER, u->zone, 0, 0) < 0)
		return 10;
	char c = 1;
	if (write(u->pipe[1], &c, 1) != 1 || read(u->done[0], &c, 1) != 1)
		return 11;
	struct utsname un;
	uname(&un);
	if (strcmp(un.release, "4.19.0-zone"))
		return 12;
	char *v = read_file("/proc/version");
	if (!v || !strstr(v, "4.19.0-zone"))
		return 13;
	char *o = read_file("/proc/sys/kernel/osrelease");
	if (!o || strncmp(o, "4.19.0-zone", 11))
		return 14;
	return 0;
}

static int enter_exit(void *arg)
{
	return zp(OSZONE_ENTER, *(int *)arg, 0, 0) < 0 ? 1 : 0;
}

int main(void)
{
	char *lsm = read_file("/sys/kernel/security/lsm");
	ok(lsm && strstr(lsm, "zone"), "/sys/kernel/security/lsm lists zone (%s)", lsm ? lsm : "?");

	ok(zp(OSZONE_GETID, 0, 0, 0) == 0, "GETID in the global zone is 0");
	char name[64] = "";
	ok(zp(OSZONE_GETNAME, (unsigned long)name, sizeof(name), 0) == 0 &&
		   !strcmp(name, "global"), "GETNAME in the global zone is global");
	int z1 = zcreate("z1");
	ok(z1 >= 1, "CREATE z1 gives an id (%d)", z1);
	ok(zcreate("z1") < 0 && errno == EEXIST, "a second z1 is EEXIST");
	ok(zcreate("global") < 0 && errno == EINVAL, "the name global is refused");
	ok(zcreate("../x") < 0 && errno == EINVAL, "a bad name is refused");
	ok(in_child(unprivileged_create, NULL) == 0, "uid 1000 cannot CREATE (EPERM)");
	ok(in_child(enter_multithreaded, &z1) == 0, "ENTER from a multithreaded process is EBUSY");
	int r = in_child(inside_checks, &z1);
	ok(r == 0, "inside z1: GETID/GETNAME work, CREATE/ENTER/LIST/DESTROY are EPERM, "
	   "children inherit, /proc/zones shows only z1 (code %d)", r);

	/* isolation: a root task in z1 sharing our pid and mount namespaces */
	struct victim v = { .pid = fork() };
	if (v.pid == 0) {
		pause();
		_exit(0);
	}
	v.zone = z1;
	r = in_child(attack, &v);
	ok(r == 0, "root in z1 cannot kill, ptrace, process_vm_readv, open /proc/G/mem or "
	   "environ, or renice a global task (code %d)", r);
	ok(kill(v.pid, 0) == 0, "the global task survived kill(-1, SIGKILL) from the zone");
	kill(v.pid, SIGKILL);
	waitpid(v.pid, NULL, 0);

	pid_t member = fork();
	if (member == 0)
		_exit(enter_and_wait(&z1));
	usleep(50000);
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)member);
	char *st = read_file(path);
	ok(st && strstr(st, "Zone:\t"), "/proc/PID/status has a Zone: line");
	char want[64];
	snprintf(want, sizeof(want), "Zone:\t%d\tz1", z1);
	ok(st && strstr(st, want), "a member's status says %s", want);
	ok(kill(member, SIGTERM) == 0, "the global zone can signal a zone's task");
	waitpid(member, NULL, 0);

	int z2 = zcreate("z2");
	ok(z2 > z1, "CREATE z2 (%d)", z2);
	pid_t b = fork();
	if (b == 0)
		_exit(enter_and_wait(&z2));
	usleep(50000);
	struct victim vb = { .pid = b, .zone = z1 };
	r = in_child(attack, &vb);
	ok(r == 0, "z1 cannot kill, trace or read z2's task (code %d)", r);
	ok(kill(b, 0) == 0, "z2's task survived");
	kill(b, SIGKILL);
	waitpid(b, NULL, 0);

	pid_t sv = fork();
	if (sv == 0)
		_exit(sigio_victim(&z2));
	usleep(50000);
	struct sigio_case sc = { .zone = z1, .target = sv };
	r = in_child(sigio_attack, &sc);
	int vs;
	waitpid(sv, &vs, 0);
	ok(r == 0 && WIFEXITED(vs) && WEXITSTATUS(vs) == 0,
	   "SIGIO set up with F_SETOWN from z1 does not reach z2 (%d, %d)", r,
	   WIFEXITED(vs) ? WEXITSTATUS(vs) : -1);

	/* a descriptor opened in the global zone, F_SETOWN from inside z1 */
	int gsp[2];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, gsp) < 0)
		return 1;
	pid_t gv = fork();
	if (gv == 0)
		_exit(sigio_global_victim(NULL));
	usleep(50000);
	struct sigio_fd_case fc = { .zone = z1, .target = gv, .fd = gsp[0], .peer = gsp[1] };
	r = in_child(sigio_fd_attack, &fc);
	waitpid(gv, &vs, 0);
	ok(r == 0 && WIFEXITED(vs) && WEXITSTATUS(vs) == 0,
	   "SIGIO aimed from z1 through a descriptor the global zone opened does not reach "
	   "the global zone (%d, %d)", r, WIFEXITED(vs) ? WEXITSTATUS(vs) : -1);
	close(gsp[0]);
	close(gsp[1]);

	r = in_child(privileged_in_zone, &z1);
	ok(r == 0, "settimeofday, reading the kernel log and init_module are EPERM in a zone "
	   "(code %d)", r);

	char *zones = read_file("/proc/zones");
	ok(zones && strstr(zones, "\tz1\t") && strstr(zones, "\tz2\t"),
	   "/proc/zones from the global zone lists z1 and z2");

	/* per-zone uname */
	struct uts_case u = { .zone = z2 };
	if (pipe(u.pipe) < 0 || pipe(u.done) < 0)
		return 1;
	pid_t um = fork();
	if (um == 0)
		_exit(uts_member(&u));
	char c;
	if (read(u.pipe[0], &c, 1) != 1)
		return 1;
	struct oszone_uts uts = { .release = "4.19.0-zone", .version = "#1 SMP zone" };
	ok(zp(OSZONE_SET_UTS, z2, (unsigned long)&uts, 0) == 0, "SET_UTS on z2");
	if (write(u.done[1], &c, 1) != 1)
		return 1;
	int us;
	waitpid(um, &us, 0);
	ok(WIFEXITED(us) && WEXITSTATUS(us) == 0,
	   "inside z2 uname -r, /proc/version and osrelease say 4.19.0-zone (code %d)",
	   WIFEXITED(us) ? WEXITSTATUS(us) : -1);
	struct utsname un;
	uname(&un);
	ok(strcmp(un.release, "4.19.0-zone") != 0, "the global zone still says %s", un.release);

	/* audit: the denials are in the kernel log */
	char *kl = malloc(1 << 20);
	int kn = klogctl(3, kl, 1 << 20);
	if (kn > 0)
		kl[kn] = '\0';
	ok(kn > 0 && strstr(kl, "op=kill") && strstr(kl, "zone=") && strstr(kl, "tzone="),
	   "denials are audited with zone= and tzone=");

	/* shutdown and destroy */
	pid_t m2 = fork();
	if (m2 == 0)
		_exit(enter_and_wait(&z2));
	usleep(50000);
	ok(zp(OSZONE_DESTROY, z2, 0, 0) < 0 && errno == EBUSY, "DESTROY of a zone with tasks is EBUSY");
	ok(zp(OSZONE_SHUTDOWN, z2, 0, 0) == 0, "SHUTDOWN z2");
	int ms;
	waitpid(m2, &ms, 0);
	ok(WIFSIGNALED(ms) && WTERMSIG(ms) == SIGKILL, "SHUTDOWN killed the zone's task");
	ok(zp(OSZONE_ENTER, z2, 0, 0) < 0 && errno == ESHUTDOWN,
	   "a zone shutting down cannot be entered");
	ok(zdestroy(z2) == 0, "DESTROY z2 once empty");
	ok(zdestroy(z1) == 0, "DESTROY z1");
	ok(zp(OSZONE_ENTER, z1, 0, 0) < 0 && errno == ENOENT, "a destroyed zone is gone");

	/* 1000 create/enter/exit/destroy cycles, nothing left behind */
	int bad = 0, maxid = 0;
	for (int i = 0; i < 1000 && !bad; i++) {
		char n[32];
		snprintf(n, sizeof(n), "cycle%d", i);
		int id = zcreate(n);
		if (id < 0) {
			bad = 1;
			break;
		}
		if (id > maxid)
			maxid = id;
		if (in_child(enter_exit, &id) != 0 || zdestroy(id) != 0)
			bad = 2;
	}
	usleep(200000);
	zones = read_file("/proc/zones");
	int lines = 0;
	for (char *p = zones; p && *p; p++)
		lines += *p == '\n';
	ok(!bad && lines == 1, "1000 create/enter/exit/destroy cycles leave no zone "
	   "(status %d, %d lines in /proc/zones, highest id %d)", bad, lines, maxid);
	ok(maxid < 1000, "freed IDs are reused once nothing holds them (highest %d)", maxid);

	printf("1..%d\n", n_tests);
	printf("# oszone: %d of %d passed\n", n_tests - n_failed, n_tests);
	fflush(stdout);
	return n_failed ? 1 : 0;
}
