// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-devices.c - the device allow-list: the rules made from the policy and
 * devices[] (order, merging, errors that name the field), their v1 format,
 * and the v2 program: run here by a small interpreter against the rules over
 * a grid of requests, then loaded by the kernel and attached to a cgroup of
 * the unified hierarchy, where a child process finds what it may open.
 * (tests/kernel/guest-devices runs that last part on the guest's pure v2.)
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/bpf.h>

#include "tap.h"
#include "runtime.h"
#include "util.h"

static const char *const defaults =
	"c *:* m\nb *:* m\nc 1:3 rwm\nc 1:5 rwm\nc 1:7 rwm\nc 1:8 rwm\nc 1:9 rwm\n"
	"c 5:0 rwm\nc 5:2 rwm\nc 136:* rwm\n";

static json_t *policy(void)
{
	return json_pack("[ssssss]", "null", "zero", "full", "random", "urandom", "tty");
}

/* The rules, one "c 1:3 rwm" line each. */
static char *list(const struct zone_devrules *r)
{
	char *s = strdup("");
	for (size_t i = 0; s && i < r->n; i++) {
		char row[64];
		char *n = zone_strdup_printf("%s%s\n", s, zone_devrule_format(&r->v[i], row,
									   sizeof(row)));
		free(s);
		s = n;
	}
	return s;
}

static void test_rules(void)
{
	_cleanup_json_ json_t *pol = policy();
	struct zone_error err = { 0 };
	struct zone_devrules r = { 0 };
	int q = zone_devices_rules(NULL, 0, pol, &r, &err);
	is_int(q, 0, "defaults: no error (%s)", err.msg);
	_cleanup_free_ char *l = list(&r);
	is_str(l, defaults, "defaults: mknod of anything, the policy's devices, ptmx, pty slaves");
	ok(r.n > 0 && r.v[0].src == -1 && r.v[r.n - 1].src == -1, "defaults come from no devices[]");
	zone_devrules_free(&r);

	struct zone_device devs[] = {
		{ .path = "/dev/kmsg", .access = "w" },
		{ .path = "/dev/null", .access = "r" },
		{ .path = "/dev/loop-control", .access = "rw" },
		{ .path = "/dev/kmsg", .access = "m" },
	};
	q = zone_devices_rules(devs, ELEMENTSOF(devs), pol, &r, &err);
	is_int(q, 0, "devices[]: no error (%s)", err.msg);
	_cleanup_free_ char *l2 = list(&r);
	_cleanup_free_ char *want = zone_strdup_printf("%sc 1:11 wm\nc 10:237 rw\n", defaults);
	is_str(l2, want, "devices[] after the defaults; the same numbers twice are one row");
	ok(r.n == 12 && r.v[10].src == 0 && r.v[11].src == 2, "a devices[] row knows its index");
	zone_devrules_free(&r);

	struct zone_device missing[] = {
		{ .path = "/dev/null", .access = "rw" },
		{ .path = "/dev/zones-test-no-such-device", .access = "rw" },
	};
	q = zone_devices_rules(missing, 2, pol, &r, &err);
	is_int(q, -ENOENT, "a missing device: -ENOENT");
	is_str(err.msg, "devices[1].path: \"/dev/zones-test-no-such-device\": No such file or "
			"directory", "a missing device: the error names the field and the value");
	ok(r.v == NULL && r.n == 0, "a failure leaves no rules");

	struct zone_device dir[] = { { .path = "/dev/shm", .access = "rw" } };
	q = zone_devices_rules(dir, 1, pol, &r, &err);
	is_str(err.msg, "devices[0].path: \"/dev/shm\": not a device node",
	       "a directory is not a device node");
	ok(q < 0, "and fails");

	_cleanup_json_ json_t *bad = json_pack("[ss]", "null", "zones-test-nope");
	q = zone_devices_rules(NULL, 0, bad, &r, &err);
	is_str(err.msg, "policy/mounts.json: devices[1]: \"/dev/zones-test-nope\": No such file "
			"or directory", "a policy device the host lacks: named too");
	_cleanup_json_ json_t *odd = json_pack("[sss]", "../mem", ".", "null");
	q = zone_devices_rules(NULL, 0, odd, &r, &err);
	_cleanup_free_ char *l3 = list(&r);
	is_str(l3, "c *:* m\nb *:* m\nc 1:3 rwm\nc 5:2 rwm\nc 136:* rwm\n",
	       "policy names rootfs.c would not bind are skipped here too");
	zone_devrules_free(&r);

	char buf[64];
	struct zone_devrule b = { .type = 'b', .major = 8, .minor = -1, .access = ZONE_DEV_READ };
	is_str(zone_devrule_format(&b, buf, sizeof(buf)), "b 8:* r", "format: block, any minor");
}

/* ---- the program, run here ---------------------------------------------------------- */

/* Run insns on ctx; the program's r0, or -1 for an instruction this
 * interpreter does not know (devices.c emits only these). */
static long long run(const struct bpf_insn *p, size_t n, const struct bpf_cgroup_dev_ctx *ctx)
{
	uint64_t reg[11] = { 0 };
	const uint32_t *mem = (const uint32_t *)ctx;
	for (size_t pc = 0, steps = 0; pc < n && steps < 100000; pc++, steps++) {
		const struct bpf_insn *i = &p[pc];
		switch (i->code) {
		case BPF_LDX | BPF_MEM | BPF_W:
			if (i->src_reg != BPF_REG_1 || i->off < 0 || i->off > 8 || i->off % 4)
				return -1;
			reg[i->dst_reg] = mem[i->off / 4];
			break;
		case BPF_ALU | BPF_MOV | BPF_X:
			reg[i->dst_reg] = (uint32_t)reg[i->src_reg];
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			reg[i->dst_reg] = (uint32_t)reg[i->dst_reg] & (uint32_t)i->imm;
			break;
		case BPF_ALU | BPF_RSH | BPF_K:
			reg[i->dst_reg] = (uint32_t)reg[i->dst_reg] >> i->imm;
			break;
		case BPF_ALU64 | BPF_MOV | BPF_K:
			reg[i->dst_reg] = (uint64_t)(int64_t)i->imm;
			break;
		case BPF_JMP | BPF_JNE | BPF_K:
			if (reg[i->dst_reg] != (uint64_t)(int64_t)i->imm)
				pc += i->off;
			break;
		case BPF_JMP | BPF_EXIT:
			return (long long)reg[0];
		default:
			return -1;
		}
	}
	return -1;
}

/* What the rules say, computed directly. */
static bool rules_allow(const struct zone_devrules *r, char type, uint32_t major,
			uint32_t minor, unsigned access)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct zone_devrule *d = &r->v[i];
		if (d->type == type && (d->major < 0 || d->major == major) &&
		    (d->minor < 0 || d->minor == minor) && (access & ~d->access) == 0)
			return true;
	}
	return false;
}

static bool prog_allows(const struct bpf_insn *p, size_t n, char type, uint32_t major,
			uint32_t minor, unsigned access)
{
	struct bpf_cgroup_dev_ctx ctx = {
		.access_type = (access << 16) | (type == 'c' ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK),
		.major = major,
		.minor = minor,
	};
	return run(p, n, &ctx) == 1;
}

static void test_program(void)
{
	_cleanup_json_ json_t *pol = policy();
	struct zone_error err = { 0 };
	struct zone_devrules r = { 0 };
	struct zone_device devs[] = { { .path = "/dev/kmsg", .access = "w" },
				      { .path = "/dev/loop0", .access = "r" } };
	int q = zone_devices_rules(devs, 2, pol, &r, &err);
	is_int(q, 0, "rules for the program (%s)", err.msg);
	_cleanup_free_ struct bpf_insn *p = NULL;
	size_t n = 0;
	is_int(zone_devices_program(&r, &p, &n), 0, "program built");
	ok(n > 8 && n < 5 + 8 * r.n + 2 + 1, "program: %zu instructions for %zu rules", n, r.n);

	/* every request on a grid, against the rules */
	static const uint32_t majors[] = { 0, 1, 4, 5, 7, 8, 10, 136, 137, 4095 };
	static const uint32_t minors[] = { 0, 1, 2, 3, 4, 5, 7, 8, 9, 11, 237, 4242, 1048575 };
	size_t checked = 0, wrong = 0, allowed = 0;
	for (int t = 0; t < 2; t++)
		for (size_t a = 0; a < ELEMENTSOF(majors); a++)
			for (size_t b = 0; b < ELEMENTSOF(minors); b++)
				for (unsigned acc = 1; acc <= 7; acc++) {
					char type = t ? 'b' : 'c';
					bool want = rules_allow(&r, type, majors[a], minors[b], acc);
					bool got = prog_allows(p, n, type, majors[a], minors[b], acc);
					checked++;
					allowed += got;
					if (got != want && wrong++ < 5)
						diag("%c %u:%u access %u: program %s, rules %s", type,
						     majors[a], minors[b], acc, got ? "allows" : "denies",
						     want ? "allow" : "deny");
				}
	is_int(wrong, 0, "program = rules on all %zu requests of the grid (%zu allowed)", checked,
	       allowed);
	/* and a few by hand */
	const unsigned R = ZONE_DEV_READ, W = ZONE_DEV_WRITE, M = ZONE_DEV_MKNOD;
	ok(prog_allows(p, n, 'c', 1, 3, R | W), "c 1:3 rw: allowed (null)");
	ok(prog_allows(p, n, 'c', 136, 4242, R | W), "c 136:4242 rw: allowed (a pty slave)");
	ok(!prog_allows(p, n, 'c', 1, 1, R), "c 1:1 r: denied (mem)");
	ok(!prog_allows(p, n, 'c', 5, 1, W), "c 5:1 w: denied (the host's console)");
	ok(prog_allows(p, n, 'c', 1, 1, M), "c 1:1 m: allowed (mknod of anything)");
	ok(prog_allows(p, n, 'b', 8, 0, M), "b 8:0 m: allowed");
	ok(!prog_allows(p, n, 'b', 8, 0, R), "b 8:0 r: denied");
	ok(prog_allows(p, n, 'c', 1, 11, W), "c 1:11 w: allowed (devices[0], access w)");
	ok(!prog_allows(p, n, 'c', 1, 11, R), "c 1:11 r: denied (devices[0] has no r)");
	ok(!prog_allows(p, n, 'c', 1, 11, W | M), "c 1:11 wm: denied (more than allowed)");
	ok(prog_allows(p, n, 'b', 7, 0, R) && !prog_allows(p, n, 'b', 7, 0, W),
	   "b 7:0: r allowed, w denied (devices[1])");
	ok(!prog_allows(p, n, 'c', 7, 0, R), "c 7:0 r: denied (devices[1] is a block device)");

	/* a rule that allows everything ends the program: nothing after it is dead code */
	struct zone_devrule all[] = { { .type = 'a', .major = -1, .minor = -1, .access = 7 },
				      { .type = 'c', .major = 1, .minor = 3, .access = 7 } };
	struct zone_devrules ar = { .v = all, .n = 2 };
	_cleanup_free_ struct bpf_insn *pa = NULL;
	size_t na = 0;
	zone_devices_program(&ar, &pa, &na);
	ok(na == 8 && prog_allows(pa, na, 'b', 8, 0, R | W), "an allow-all rule: %zu instructions",
	   na);
	zone_devrules_free(&r);
}

/* ---- the program, in the kernel --------------------------------------------------------- */

/* The unified hierarchy's mount point and our cgroup in it. */
static char *own_v2_cgroup(void)
{
	_cleanup_free_ char *mi = NULL, *cg = NULL;
	if (zone_read_file("/proc/self/mountinfo", &mi, 1 << 22) < 0 ||
	    zone_read_file("/proc/self/cgroup", &cg, 1 << 16) < 0)
		return NULL;
	char *mnt = NULL;
	for (char *l = strtok(mi, "\n"); l && !mnt; l = strtok(NULL, "\n")) {
		char point[4096];
		char *sep = strstr(l, " - cgroup2 ");
		if (sep && sscanf(l, "%*s %*s %*s %*s %4095s", point) == 1)
			mnt = strdup(point);
	}
	char *self = strstr(cg, "0::");
	if (!mnt || !self || (self != cg && self[-1] != '\n')) {
		free(mnt);
		return NULL;
	}
	self += 3;
	self[strcspn(self, "\n")] = '\0';
	char *p = zone_strdup_printf("%s%s", mnt, strcmp(self, "/") ? self : "");
	free(mnt);
	return p;
}

/* In a child that joins dir: open path with flags; 0 or the errno. */
static int open_in(const char *dir, const char *path, int flags)
{
	int sp[2];
	if (pipe(sp) < 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		close(sp[0]);
		char procs[4200];
		snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir);
		int e = 0;
		int fd = open(procs, O_WRONLY);
		if (fd < 0 || write(fd, "0", 1) != 1)
			e = 1000 + errno;
		else if ((fd = open(path, flags | O_CLOEXEC)) < 0)
			e = errno;
		if (write(sp[1], &e, sizeof(e)) < 0)
			_exit(1);
		_exit(0);
	}
	close(sp[1]);
	int e = -1;
	if (pid < 0 || read(sp[0], &e, sizeof(e)) != sizeof(e))
		e = -1;
	close(sp[0]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return e;
}

static void test_kernel(void)
{
	if (geteuid() != 0) {
		ok(false, "the kernel part needs root (the test suite runs as root)");
		return;
	}
	_cleanup_free_ char *parent = own_v2_cgroup();
	ok(parent != NULL, "a cgroup v2 hierarchy (hybrid: the unified one): %s",
	   parent ? parent : "none");
	if (!parent)
		return;
	_cleanup_free_ char *dir = zone_strdup_printf("%s/zones-test-devices.%d", parent,
						      (int)getpid());
	_cleanup_free_ char *sub = zone_strdup_printf("%s/below", dir);
	char node[] = "/tmp/zones-test-devices.XXXXXX";
	ok(mkdtemp(node) != NULL, "a directory for a node");
	_cleanup_free_ char *kmsg = zone_strdup_printf("%s/kmsg", node);
	ok(mkdir(dir, 0755) == 0, "a cgroup of our own: %s", dir);
	ok(mknod(kmsg, S_IFCHR | 0600, makedev(1, 11)) == 0, "a node of /dev/kmsg's numbers");

	_cleanup_json_ json_t *pol = policy();
	struct zone_error err = { 0 };
	struct zone_devrules r = { 0 };
	zone_devices_rules(NULL, 0, pol, &r, &err);
	int q = zone_devices_attach_v2(dir, &r, &err);
	is_int(q, 0, "the kernel's verifier takes the program and it attaches (%s)", err.msg);
	zone_devrules_free(&r);

	is_int(open_in(dir, "/dev/null", O_RDWR), 0, "in the cgroup: /dev/null opens");
	is_int(open_in(dir, "/dev/urandom", O_RDONLY), 0, "in the cgroup: /dev/urandom opens");
	is_int(open_in(dir, kmsg, O_WRONLY), EPERM, "in the cgroup: a node of 1:11 gives EPERM");
	is_int(open_in(parent, kmsg, O_WRONLY), 0, "outside it the same node opens");

	/* flags 0: no cgroup below may attach a program of its own */
	ok(mkdir(sub, 0755) == 0, "a cgroup below it");
	struct zone_devrule all[] = { { .type = 'a', .major = -1, .minor = -1, .access = 7 } };
	struct zone_devrules ar = { .v = all, .n = 1 };
	q = zone_devices_attach_v2(sub, &ar, &err);
	is_int(q, -EPERM, "an allow-all program cannot be attached below");
	has_str(err.msg, "allows no other below it", "and the error says why");
	is_int(open_in(sub, kmsg, O_WRONLY), EPERM, "below, the node still gives EPERM");

	ok(rmdir(sub) == 0 && rmdir(dir) == 0, "the cgroups are removed");
	unlink(kmsg);
	rmdir(node);
}

/* "test-devices kernel": the kernel part alone (the QEMU guest runs it on pure
 * cgroup v2; its /dev has no loop devices for the rest). */
int main(int argc, char **argv)
{
	bool kernel_only = argc > 1 && strcmp(argv[1], "kernel") == 0;
	if (!kernel_only) {
		test_rules();
		test_program();
	}
	test_kernel();
	return done();
}
