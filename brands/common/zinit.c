// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zinit - the small init of busybox and sparse zones.
 *
 * As pid 1 of a zone it: runs /etc/rc if present (with /bin/sh); reaps
 * every orphan; on SIGPWR, SIGTERM, SIGINT, SIGUSR1 or SIGUSR2 shuts the
 * zone down: runs /etc/rc.shutdown if present, sends SIGTERM to every
 * process, waits up to ZINIT_GRACE seconds (default 5) for them, sends
 * SIGKILL to the rest and exits, which ends the zone.
 *
 * Signals are blocked and taken with sigtimedwait(); they also have
 * (empty) handlers because the kernel drops signals to a namespace's init
 * that has none.  Built static: it must not depend on the zone's libc.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void nothing(int sig)
{
	(void)sig;
}

static pid_t spawn(const char *script, const sigset_t *orig)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	sigprocmask(SIG_SETMASK, orig, NULL);
	for (int s = 1; s < NSIG; s++)
		signal(s, SIG_DFL);
	setsid();
	execl("/bin/sh", "sh", script, (char *)NULL);
	fprintf(stderr, "zinit: cannot run %s: %s\n", script, strerror(errno));
	_exit(127);
}

static void reap(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

/* Wait until no process but us is left, or the deadline passes. */
static int wait_all(int seconds, const sigset_t *set)
{
	struct timespec end;
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += seconds;
	for (;;) {
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		if (waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD)
			return 0;
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec > end.tv_sec ||
		    (now.tv_sec == end.tv_sec && now.tv_nsec >= end.tv_nsec))
			return -1;
		struct timespec tick = { 0, 50 * 1000 * 1000 };
		sigtimedwait(set, NULL, &tick);
	}
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (getpid() != 1)
		fprintf(stderr, "zinit: not pid 1; running anyway\n");
	static const int sigs[] = { SIGCHLD, SIGPWR, SIGTERM, SIGINT, SIGUSR1, SIGUSR2, SIGHUP };
	sigset_t set, orig;
	sigemptyset(&set);
	struct sigaction sa = { .sa_handler = nothing };
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		sigaddset(&set, sigs[i]);
		sigaction(sigs[i], &sa, NULL);
	}
	sigprocmask(SIG_BLOCK, &set, &orig);

	int grace = 5;
	const char *g = getenv("ZINIT_GRACE");
	if (g && atoi(g) >= 0 && atoi(g) <= 3600)
		grace = atoi(g);

	struct stat sb;
	if (stat("/etc/rc", &sb) == 0 && S_ISREG(sb.st_mode))
		spawn("/etc/rc", &orig);

	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(&set, &si);
		if (sig < 0)
			continue;
		if (sig == SIGCHLD) {
			reap();
			continue;
		}
		if (sig == SIGHUP)
			continue;
		break; /* a shutdown request */
	}
	fprintf(stderr, "zinit: shutting down\n");
	if (stat("/etc/rc.shutdown", &sb) == 0 && S_ISREG(sb.st_mode)) {
		pid_t p = spawn("/etc/rc.shutdown", &orig);
		for (int i = 0; i < grace * 20 && p > 0; i++) {
			if (waitpid(p, NULL, WNOHANG) == p)
				break;
			struct timespec tick = { 0, 50 * 1000 * 1000 };
			nanosleep(&tick, NULL);
		}
	}
	kill(-1, SIGTERM);
	kill(-1, SIGCONT);
	if (wait_all(grace, &set) < 0) {
		kill(-1, SIGKILL);
		wait_all(5, &set);
	}
	return 0;
}
