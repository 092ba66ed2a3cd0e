// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zbench-syscall - the cost of a system call where it runs: N getpid()s and
 * N stat("/")s, printed as nanoseconds per call.  Static, so the same binary
 * runs on the host and inside any zone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000000;
	struct stat sb;
	double t0 = now();
	for (long i = 0; i < n; i++)
		syscall(SYS_getpid);
	double t1 = now();
	for (long i = 0; i < n; i++)
		stat("/", &sb);
	double t2 = now();
	printf("getpid_ns=%.1f stat_ns=%.1f\n", (t1 - t0) / n, (t2 - t1) / n);
	return 0;
}
