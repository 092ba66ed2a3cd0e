// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * arch.c - what machine code this host's kernel runs.  One question today:
 * does it run 32-bit x86 (i386) programs?  A brand that needs them says so
 * (brand.json "needs_ia32", see brand.c), and verify.c refuses such a brand
 * where the answer is no, naming the reason, before install or boot.
 *
 * Theory.  An x86_64 kernel runs i386 code only through its IA32 entry:
 * built with CONFIG_IA32_EMULATION and not switched off at boot
 * (ia32_emulation=off, CONFIG_IA32_EMULATION_DEFAULT_DISABLED since Linux
 * 6.7, or a hypervisor without compat mode).  Neither /proc/config.gz nor
 * the command line tells which: a development machine of ours has
 * CONFIG_IA32_EMULATION=y, no ia32_emulation= and yet no IA32 entry.  So we
 * ask the kernel by trying, each try in a child process because without
 * the entry the first one kills:
 *
 *   1. int $0x80 getpid from this 64-bit process: returns the child's pid,
 *      or faults (#GP: SIGSEGV; the child's handler turns it into an exit
 *      code, so no core dump and no "general protection fault" line in the
 *      kernel log);
 *   2. execve() of a static i386 ELF of 96 bytes, written into a memfd: it
 *      runs and exits with IA32_EXE_STATUS, or execve() fails with ENOEXEC.
 *
 * Both must work for "runs" (one without the other has not been seen, but
 * a zone needs both: its programs are i386 ELF files making int $0x80
 * calls).  The answer cannot change until a reboot, so the first complete
 * one is kept for the life of the process (behind a mutex: libzone may be
 * called from threads); a try that could not be made (fork failed) is an
 * error, and is not kept.  The children run only async-signal-safe code, so
 * forking a threaded caller is safe.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "zone.h"
#include "util.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

#define INT80_FAULT 3        /* the child's exit code when int $0x80 faulted */
#define IA32_EXE_STATUS 200  /* what the i386 program exits with (no errno is 200) */

static pthread_mutex_t kept_lock = PTHREAD_MUTEX_INITIALIZER;
static bool kept_valid;
static struct zone_arch_ia32 kept;

/* Wait for our own child; returns its wait status or -errno. */
static int wait_child(pid_t pid)
{
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return status;
}

#if defined(__x86_64__)

static void int80_fault(int sig)
{
	(void)sig;
	_exit(INT80_FAULT);
}

/* 1 when int $0x80 works from a 64-bit process, 0 when it faults. */
static int probe_int80(struct zone_error *err)
{
	pid_t pid = fork();
	if (pid < 0)
		return zone_error_errno(err, errno, "fork");
	if (pid == 0) {
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0); /* in case the handler is bypassed */
		struct sigaction sa = { .sa_handler = int80_fault };
		sigemptyset(&sa.sa_mask);
		sigaction(SIGSEGV, &sa, NULL);
		sigaction(SIGBUS, &sa, NULL);
		sigaction(SIGILL, &sa, NULL);
		sigset_t faults;
		sigemptyset(&faults);
		sigaddset(&faults, SIGSEGV);
		sigaddset(&faults, SIGBUS);
		sigaddset(&faults, SIGILL);
		sigprocmask(SIG_UNBLOCK, &faults, NULL);
		long r;
		__asm__ volatile("int $0x80" : "=a"(r) : "a"(20L /* i386 getpid */) : "memory");
		_exit(r == syscall(SYS_getpid) ? 0 : 1);
	}
	int st = wait_child(pid);
	if (st < 0)
		return zone_error_errno(err, -st, "wait for the int $0x80 probe");
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 1;
	if ((WIFEXITED(st) && WEXITSTATUS(st) == INT80_FAULT) ||
	    (WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV))
		return 0;
	return zone_error_set(err, EIO, "the int $0x80 probe ended with status %#x", st);
}

/*
 * The smallest i386 program: one PT_LOAD segment holding the headers and
 *	movl $1, %eax			# exit
 *	movl $IA32_EXE_STATUS, %ebx
 *	int $0x80
 */
struct ia32_exe {
	Elf32_Ehdr eh;
	Elf32_Phdr ph;
	unsigned char code[12];
} __attribute__((packed));

static void ia32_exe_build(struct ia32_exe *x)
{
	const Elf32_Addr base = 0x08048000;
	memset(x, 0, sizeof(*x));
	memcpy(x->eh.e_ident, ELFMAG, SELFMAG);
	x->eh.e_ident[EI_CLASS] = ELFCLASS32;
	x->eh.e_ident[EI_DATA] = ELFDATA2LSB;
	x->eh.e_ident[EI_VERSION] = EV_CURRENT;
	x->eh.e_ident[EI_OSABI] = ELFOSABI_SYSV;
	x->eh.e_type = ET_EXEC;
	x->eh.e_machine = EM_386;
	x->eh.e_version = EV_CURRENT;
	x->eh.e_entry = base + offsetof(struct ia32_exe, code);
	x->eh.e_phoff = offsetof(struct ia32_exe, ph);
	x->eh.e_ehsize = sizeof(Elf32_Ehdr);
	x->eh.e_phentsize = sizeof(Elf32_Phdr);
	x->eh.e_phnum = 1;
	x->ph.p_type = PT_LOAD;
	x->ph.p_offset = 0;
	x->ph.p_vaddr = x->ph.p_paddr = base;
	x->ph.p_filesz = x->ph.p_memsz = sizeof(*x);
	x->ph.p_flags = PF_R | PF_X;
	x->ph.p_align = 0x1000;
	static const unsigned char code[12] = {
		0xb8, 0x01, 0x00, 0x00, 0x00,		 /* movl $1, %eax */
		0xbb, IA32_EXE_STATUS, 0x00, 0x00, 0x00, /* movl $200, %ebx */
		0xcd, 0x80,				 /* int $0x80 */
	};
	memcpy(x->code, code, sizeof(code));
}

/* 0 when an i386 ELF runs; else the errno execve() gave; -1 when we could not try. */
static int probe_exec(struct zone_error *err)
{
	struct ia32_exe x;
	ia32_exe_build(&x);
	/* MFD_EXEC: where vm.memfd_noexec makes memfds noexec by default (6.3+) */
	int fd = memfd_create("zone-ia32-probe", MFD_CLOEXEC | MFD_EXEC);
	if (fd < 0 && errno == EINVAL)
		fd = memfd_create("zone-ia32-probe", MFD_CLOEXEC);
	if (fd < 0)
		return -1;
	if (zone_write_all(fd, &x, sizeof(x)) < 0) {
		close(fd);
		return -1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(fd);
		return zone_error_errno(err, e, "fork");
	}
	if (pid == 0) {
		char *const argv[] = { "zone-ia32-probe", NULL }, *const envp[] = { NULL };
		syscall(SYS_execveat, fd, "", argv, envp, AT_EMPTY_PATH);
		_exit(errno > 0 && errno < IA32_EXE_STATUS ? errno : 255);
	}
	close(fd);
	int st = wait_child(pid);
	if (st < 0)
		return zone_error_errno(err, -st, "wait for the i386 exec probe");
	if (WIFEXITED(st) && WEXITSTATUS(st) == IA32_EXE_STATUS)
		return 0;
	if (WIFEXITED(st) && WEXITSTATUS(st) > 0 && WEXITSTATUS(st) < IA32_EXE_STATUS) {
		/* a noexec memfd is not an answer about i386 */
		int e = WEXITSTATUS(st);
		return e == EACCES || e == EPERM ? -1 : e;
	}
	return zone_error_set(err, EIO, "the i386 exec probe ended with status %#x", st);
}

static int probe(struct zone_arch_ia32 *a, struct zone_error *err)
{
	int r = probe_int80(err);
	if (r < 0)
		return r;
	a->int80 = r;
	if ((r = probe_exec(err)) < -1)
		return r;
	a->exec = r;
	a->runs = a->int80 == 1 && a->exec <= 0;
	return 0;
}

#else /* not x86_64: i386 runs natively on i386, never elsewhere */

static int probe(struct zone_arch_ia32 *a, struct zone_error *err)
{
	(void)err;
#if defined(__i386__)
	*a = (struct zone_arch_ia32){ .runs = true, .int80 = 1, .exec = 0 };
#else
	*a = (struct zone_arch_ia32){ .runs = false, .int80 = 0, .exec = ENOEXEC };
#endif
	return 0;
}

#endif

int zone_arch_ia32_probe(struct zone_arch_ia32 *out, struct zone_error *err)
{
	pthread_mutex_lock(&kept_lock);
	int r = 0;
	if (!kept_valid) {
		struct zone_arch_ia32 a = { 0 };
		if ((r = probe(&a, err)) < 0) {
			zone_error_wrap(err, "probe for 32-bit (IA32) code");
		} else {
			kept = a;
			kept_valid = true;
		}
	}
	if (r == 0)
		*out = kept;
	pthread_mutex_unlock(&kept_lock);
	return r;
}

void zone_arch_ia32_describe(const struct zone_arch_ia32 *a, char *buf, size_t n)
{
	const char *int80 = a->int80 ? "int $0x80 works" : "int $0x80 faults";
	if (a->exec == 0)
		snprintf(buf, n, "%s; an i386 ELF runs", int80);
	else if (a->exec > 0)
		snprintf(buf, n, "%s; an i386 ELF gives %s", int80,
			 a->exec == ENOEXEC ? "ENOEXEC" : strerror(a->exec));
	else
		snprintf(buf, n, "%s; an i386 ELF could not be tried (no executable memfd)", int80);
}
