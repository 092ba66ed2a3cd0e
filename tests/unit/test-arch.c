// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-arch.c - the probe for 32-bit x86 code: its answer agrees with an
 * int $0x80 made here, is self-consistent and described as seen, is made
 * once per process, and leaves no child behind.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"
#include "util.h"

static volatile sig_atomic_t children;

static void on_child(int sig)
{
	(void)sig;
	children++;
}

/* int $0x80 getpid in a child with the default SIGSEGV: 1 works, 0 faults, -1 neither. */
static int int80_here(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		struct rlimit none = { 0, 0 };
		setrlimit(RLIMIT_CORE, &none);
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
		long r;
		__asm__ volatile("int $0x80" : "=a"(r) : "a"(20L) : "memory");
		_exit(r == syscall(SYS_getpid) ? 0 : 1);
	}
	int st;
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return -1;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 1;
	return WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV ? 0 : -1;
}

int main(void)
{
	plan(9);
	int here = int80_here();
	ok(here >= 0, "int $0x80 here either works or faults (%d)", here);

	struct sigaction sa = { .sa_handler = on_child };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, NULL);

	struct zone_error err = { 0 };
	struct zone_arch_ia32 a = { .int80 = -7, .exec = -7 };
	int r = zone_arch_ia32_probe(&a, &err);
	is_int(r, 0, "zone_arch_ia32_probe succeeds (%s)", err.msg);
	is_int(a.int80, here, "its int $0x80 answer is what this process saw");
	ok(a.exec == 0 || a.exec == ENOEXEC || a.exec == -1,
	   "execve() of its i386 ELF ran or gave ENOEXEC (%d)", a.exec);
	ok(a.runs == (a.int80 == 1 && a.exec <= 0),
	   "runs (%d) means int $0x80 works and the ELF was not refused", a.runs);

	char why[200];
	zone_arch_ia32_describe(&a, why, sizeof(why));
	diag("this host: %s: %s", a.runs ? "runs i386 code" : "no IA32", why);
	const char *want = a.exec == -1 ? "an i386 ELF could not be tried (no executable memfd)"
			   : a.exec == 0 ? "an i386 ELF runs"
					 : "an i386 ELF gives ENOEXEC";
	char line[200];
	snprintf(line, sizeof(line), "int $0x80 %s; %s", a.int80 ? "works" : "faults", want);
	is_str(why, line, "described as seen");

	int before = children;
	ok(before >= 2, "the first probe ran its two children (%d SIGCHLD)", before);
	struct zone_arch_ia32 b = { 0 };
	r = zone_arch_ia32_probe(&b, &err);
	ok(r == 0 && children == before && memcmp(&a, &b, sizeof(a)) == 0,
	   "a second call returns the kept answer and starts no process");
	ok(waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD, "no child is left behind");
	return done();
}
