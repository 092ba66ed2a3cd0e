// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zprobe32 - zprobe's 32-bit twin: a static i386 ELF that makes its system
 * calls the only way a 32-bit program can, through int $0x80, so that the
 * tests see the i386 ABI exactly as an i386 program in a zone does.
 *
 *   zprobe32 getpid    prints "getpid: allowed" and exits 0 (i386 system
 *                      calls are filtered like x86_64 ones, not refused)
 *   zprobe32 keyctl    prints "keyctl: EPERM" and exits 0 when refused,
 *   zprobe32 add_key   "keyctl: allowed" and exit 1 when it worked
 *
 * It is built without any C library (gcc -m32 -nostdlib -ffreestanding, see
 * meson.build), so no 32-bit toolchain beyond gcc and binutils is needed:
 * everything it uses is below.  Running it at all proves the kernel runs
 * i386 ELF programs; where it has no IA32 entry, execve() fails with ENOEXEC.
 */

/* i386 system call numbers (arch/x86/entry/syscalls/syscall_32.tbl) */
#define NR_exit 1
#define NR_write 4
#define NR_getpid 20
#define NR_add_key 286
#define NR_keyctl 288

#define KEYCTL_GET_KEYRING_ID 0
#define KEY_SPEC_PROCESS_KEYRING (-2)
#define KEY_SPEC_SESSION_KEYRING (-3)

static long sys5(long n, long a, long b, long c, long d, long e)
{
	long r;
	__asm__ volatile("int $0x80"
			 : "=a"(r)
			 : "a"(n), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e)
			 : "memory");
	return r;
}

static unsigned long len(const char *s)
{
	unsigned long n = 0;
	while (s[n])
		n++;
	return n;
}

static int same(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static void put(int fd, const char *s)
{
	sys5(NR_write, fd, (long)s, (long)len(s), 0, 0);
}

static __attribute__((noreturn)) void leave(int code)
{
	for (;;)
		sys5(NR_exit, code, 0, 0, 0, 0);
}

/* The errno names the tests can meet; anything else prints as its number. */
static const char *errname(long e)
{
	static const struct {
		long e;
		const char *name;
	} names[] = {
		{ 1, "EPERM" },	   { 2, "ENOENT" },  { 12, "ENOMEM" },	 { 13, "EACCES" },
		{ 14, "EFAULT" },  { 22, "EINVAL" }, { 38, "ENOSYS" },	 { 95, "EOPNOTSUPP" },
		{ 122, "EDQUOT" }, { 126, "ENOKEY" }, { 127, "EKEYEXPIRED" }, { 128, "EKEYREVOKED" },
	};
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].e == e)
			return names[i].name;
	static char num[24] = "errno ";
	char digits[12];
	int n = 0;
	do
		digits[n++] = (char)('0' + e % 10);
	while ((e /= 10) > 0 && n < 11);
	for (int i = 0; i < n; i++)
		num[6 + i] = digits[n - 1 - i];
	num[6 + n] = '\0';
	return num; /* not an E-name: a test that expects one fails and shows it */
}

/* As zprobe's report(): exit 1 when the call worked, 0 when it was refused. */
static __attribute__((noreturn)) void report(const char *what, long r)
{
	put(1, what);
	if (r >= 0 || r < -4095) {
		put(1, ": allowed\n");
		leave(1);
	}
	put(1, ": ");
	put(1, errname(-r));
	put(1, "\n");
	leave(0);
}

__attribute__((noreturn)) void zprobe32_start(long *sp);

void zprobe32_start(long *sp)
{
	int argc = (int)sp[0];
	char **argv = (char **)(sp + 1);
	if (argc < 2) {
		put(2, "usage: zprobe32 getpid|keyctl|add_key\n");
		leave(2);
	}
	const char *t = argv[1];
	if (same(t, "getpid")) {
		long r = sys5(NR_getpid, 0, 0, 0, 0, 0);
		if (r > 0) {
			put(1, "getpid: allowed\n");
			leave(0); /* allowed is the expected outcome here */
		}
		report(t, r);
	}
	if (same(t, "keyctl"))
		report(t, sys5(NR_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 1, 0, 0));
	if (same(t, "add_key"))
		report(t, sys5(NR_add_key, (long)"user", (long)"zprobe32", (long)"x", 1,
			       KEY_SPEC_PROCESS_KEYRING));
	put(2, "zprobe32: unknown test ");
	put(2, t);
	put(2, "\n");
	leave(2);
}

/* The kernel enters with argc at (%esp); zprobe32_start() gets that address. */
__asm__(".text\n"
	".globl _start\n"
	"_start:\n"
	"	xorl %ebp, %ebp\n"
	"	movl %esp, %eax\n"
	"	andl $-16, %esp\n"
	"	subl $12, %esp\n"
	"	pushl %eax\n"
	"	call zprobe32_start\n"
	"	hlt\n");
