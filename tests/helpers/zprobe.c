// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zprobe - tries one forbidden thing inside a zone and reports the result,
 * for the security tests: "zprobe keyctl" prints "keyctl: EPERM" (or
 * "keyctl: allowed") and exits 0 when the attempt was refused, 1 when it
 * succeeded.  Static, so it runs in any zone root.  The i386 tests make their
 * call through int $0x80 (see int80()); "zprobe exec PATH ARG..." runs PATH
 * or prints why execve() refused it ("exec: ENOEXEC"), with no shell or
 * execvp() falling back to running it as a script.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/keyctl.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <unistd.h>

static int report(const char *what, long r)
{
	if (r >= 0) {
		printf("%s: allowed\n", what);
		return 1;
	}
	printf("%s: %s\n", what, strerrorname_np(errno) ? strerrorname_np(errno) : "?");
	return 0;
}

/*
 * A system call through the i386 entry, int $0x80, from this 64-bit process:
 * the kernel takes the i386 number and 32-bit arguments in eax, ebx, ecx,
 * edx, esi, edi, and seccomp sees AUDIT_ARCH_I386.  Where the kernel has no
 * IA32 entry the instruction faults and the process dies of SIGSEGV (139).
 * Returns like syscall(): -1 with errno set on an error.
 */
static long int80(long nr, long a, long b, long c, long d, long e)
{
	long r;
	__asm__ volatile("int $0x80"
			 : "=a"(r)
			 : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e)
			 : "memory");
	if (r < 0 && r > -4096) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: zprobe TEST\n");
		return 2;
	}
	const char *t = argv[1];
	if (!strcmp(t, "keyctl"))
		return report(t, syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 1));
	if (!strcmp(t, "add_key"))
		return report(t, syscall(SYS_add_key, "user", "zprobe", "x", 1, KEY_SPEC_PROCESS_KEYRING));
	if (!strcmp(t, "bpf")) {
		union bpf_attr a;
		memset(&a, 0, sizeof(a));
		a.map_type = BPF_MAP_TYPE_ARRAY;
		a.key_size = 4;
		a.value_size = 4;
		a.max_entries = 1;
		return report(t, syscall(SYS_bpf, BPF_MAP_CREATE, &a, sizeof(a)));
	}
	if (!strcmp(t, "perf_event_open")) {
		struct perf_event_attr a;
		memset(&a, 0, sizeof(a));
		a.size = sizeof(a);
		a.type = PERF_TYPE_SOFTWARE;
		a.config = PERF_COUNT_SW_CPU_CLOCK;
		return report(t, syscall(SYS_perf_event_open, &a, 0, -1, -1, 0));
	}
	if (!strcmp(t, "userfaultfd"))
		return report(t, syscall(SYS_userfaultfd, 0));
	if (!strcmp(t, "x32")) /* getpid through the x32 ABI */
		return report(t, syscall(0x40000000 | SYS_getpid));
	if (!strcmp(t, "i386")) /* getpid through int 0x80: allowed, filtered like x86_64 */
		return !report(t, int80(20, 0, 0, 0, 0, 0)); /* allowed is the expected outcome */
	if (!strcmp(t, "i386-keyctl")) /* keyctl (288 on i386) through int 0x80 */
		return report(t, int80(288, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 1, 0, 0));
	if (!strcmp(t, "i386-add_key")) { /* add_key (286 on i386) through int 0x80 */
		/* int 0x80 passes 32-bit registers: the strings must lie below 4 GiB */
		char *low = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
		if (low == MAP_FAILED) {
			perror("zprobe: mmap MAP_32BIT");
			return 2;
		}
		memcpy(low, "user\0zprobe\0x", 14);
		return report(t, int80(286, (long)low, (long)(low + 5), (long)(low + 12), 1,
				       KEY_SPEC_PROCESS_KEYRING));
	}
	if (!strcmp(t, "exec")) { /* exec ARGV...: run it, or say why execve refused */
		if (argc < 3) {
			fprintf(stderr, "usage: zprobe exec PATH [ARG...]\n");
			return 2;
		}
		fflush(stdout);
		execv(argv[2], argv + 2);
		return report(t, -1); /* "exec: ENOEXEC" where the kernel has no such format */
	}
	if (!strcmp(t, "mknod"))
		return report(t, mknod("/tmp/zprobe-null", S_IFCHR | 0666, makedev(1, 3)));
	if (!strcmp(t, "mount-proc")) {
		mkdir("/tmp/zprobe-proc", 0755);
		return report(t, mount("proc", "/tmp/zprobe-proc", "proc", 0, NULL));
	}
	if (!strcmp(t, "mount-sysfs")) {
		mkdir("/tmp/zprobe-sys", 0755);
		return report(t, mount("sysfs", "/tmp/zprobe-sys", "sysfs", 0, NULL));
	}
	if (!strcmp(t, "sysrq")) {
		int fd = open("/proc/sysrq-trigger", O_WRONLY);
		return report(t, fd < 0 ? -1 : write(fd, "h", 1));
	}
	if (!strcmp(t, "kexec_load"))
		return report(t, syscall(SYS_kexec_load, 0, 0, NULL, 0));
	if (!strcmp(t, "init_module"))
		return report(t, syscall(SYS_init_module, NULL, 0, ""));
	if (!strcmp(t, "open_by_handle_at"))
		return report(t, syscall(SYS_open_by_handle_at, AT_FDCWD, NULL, 0));
	if (!strcmp(t, "unshare-user"))
		return report(t, unshare(CLONE_NEWUSER));
	if (!strcmp(t, "clone-newns"))
		return report(t, syscall(SYS_clone, CLONE_NEWNS | SIGCHLD, 0, 0, 0, 0) == 0 ? (_exit(0), 0) : -1);
	if (!strcmp(t, "settimeofday")) {
		struct timeval tv = { 0 };
		return report(t, settimeofday(&tv, NULL));
	}
	if (!strcmp(t, "umount-mask"))
		return report(t, umount2("/proc/keys", MNT_DETACH));
	if (!strcmp(t, "kill-host-init")) /* pid 1 in a zone is the zone's init: -1 targets all */
		return report(t, kill(99999, 0));
	fprintf(stderr, "zprobe: unknown test %s\n", t);
	return 2;
}
