// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * devices.c - which device nodes a zone's processes may open or create: one
 * allow-list, enforced by the zone's device cgroup.
 *
 * Theory:
 *   Why: the zone's /dev holds only the devices it is given (rootfs.c), but a
 *   device node is just a pair of numbers: a zone with CAP_MKNOD (userns
 *   none, limitpriv mknod) can make any node in any file system not mounted
 *   nodev, and a bind (fs[]) could show it one.  The kernel's device cgroup
 *   checks the numbers at every open() and mknod(), wherever the node lies,
 *   so it is where the list is enforced.
 *   The list (zone_devices_rules), in this order:
 *     c *:* m, b *:* m   mknod of any node (as LXC): a privileged zone may
 *                        make nodes, not open them unless listed below
 *     policy devices     policy/mounts.json "devices" (null zero full random
 *                        urandom tty), the numbers of the host nodes rootfs.c
 *                        binds, read with stat(), rwm
 *     c 5:2 rwm          ptmx of the zone's own devpts (/dev/ptmx -> pts/ptmx)
 *     c 136:* rwm        pty slaves: the zone's devpts, and /dev/console, the
 *                        slave of the pty the monitor allocates from the
 *                        host's devpts.  A node made with these numbers
 *                        outside a devpts opens nothing (the pty driver looks
 *                        its tty up through the devpts the node is on: EIO),
 *                        and a ptmx outside one finds no devpts (ENODEV).
 *     devices[]          each entry's numbers (stat() of its path, symlinks
 *                        followed as the bind follows them) and its access
 *   Not c 5:1, the host's /dev/console: the zone's /dev/console is a pty.
 *   Rows with the same type and numbers are merged (their access or'ed), as
 *   the v1 kernel merges them, so the list reads back as written.
 *   Where: v1 (hybrid hosts): the `devices` hierarchy's leaf of the zone gets
 *   `a` in devices.deny and one devices.allow row per rule.  v2: a
 *   BPF_PROG_TYPE_CGROUP_DEVICE program built from the same rules, attached
 *   to the zone's cgroup with flags 0: no cgroup below may attach one of its
 *   own, so nothing inside can widen it (an ancestor's program, systemd's
 *   DevicePolicy say, still runs too: a device must pass both).
 *   When: cgroup.c calls these while it makes the zone's cgroups, before
 *   their paths go to the monitor: no zone process is in them yet.
 *   Why bpf(2) and not libbpf: the program is made here from the rules at
 *   every boot, so libbpf would only wrap two system calls (BPF_PROG_LOAD,
 *   BPF_PROG_ATTACH); it would add a shared library (and libelf, libz) to
 *   every process that loads libzone, on every boot path, for nothing we use.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <linux/bpf.h>

#include "runtime.h"
#include "util.h"

void zone_devrules_free(struct zone_devrules *r)
{
	free(r->v);
	r->v = NULL;
	r->n = 0;
}

/* Add a rule, or merge it into one with the same type and numbers. */
static int add_rule(struct zone_devrules *r, char type, int64_t major, int64_t minor,
		    unsigned access, ssize_t src, struct zone_error *err)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].type == type && r->v[i].major == major && r->v[i].minor == minor) {
			r->v[i].access |= access;
			return 0;
		}
	struct zone_devrule *nv = realloc(r->v, (r->n + 1) * sizeof(*nv));
	if (!nv)
		return zone_error_set(err, ENOMEM, "out of memory");
	r->v = nv;
	r->v[r->n++] = (struct zone_devrule){ .type = type, .major = major, .minor = minor,
					      .access = access, .src = src };
	return 0;
}

static unsigned parse_access(const char *s)
{
	unsigned a = 0;
	for (; s && *s; s++)
		a |= *s == 'r' ? ZONE_DEV_READ : *s == 'w' ? ZONE_DEV_WRITE : *s == 'm' ? ZONE_DEV_MKNOD : 0;
	return a;
}

/* The node at path: its type and numbers; the error names `field`. */
static int node_of(const char *path, const char *field, char *type, int64_t *major,
		   int64_t *minor, struct zone_error *err)
{
	struct stat sb;
	if (stat(path, &sb) < 0)
		return zone_error_errno(err, errno, "%s: \"%s\"", field, path);
	if (!S_ISCHR(sb.st_mode) && !S_ISBLK(sb.st_mode))
		return zone_error_set(err, ENODEV, "%s: \"%s\": not a device node", field, path);
	*type = S_ISCHR(sb.st_mode) ? 'c' : 'b';
	*major = major(sb.st_rdev);
	*minor = minor(sb.st_rdev);
	return 0;
}

int zone_devices_rules(const struct zone_device *devs, size_t n, json_t *policy,
		       struct zone_devrules *out, struct zone_error *err)
{
	const unsigned rwm = ZONE_DEV_READ | ZONE_DEV_WRITE | ZONE_DEV_MKNOD;
	_cleanup_(zone_devrules_free) struct zone_devrules r = { 0 };
	char type, field[64], path[64];
	int64_t major, minor;
	int q;
	if ((q = add_rule(&r, 'c', -1, -1, ZONE_DEV_MKNOD, -1, err)) < 0 ||
	    (q = add_rule(&r, 'b', -1, -1, ZONE_DEV_MKNOD, -1, err)) < 0)
		return q;
	size_t i;
	json_t *v;
	json_array_foreach(policy, i, v) {
		/* the names rootfs.c binds from the host's /dev (it skips the same) */
		const char *d = json_string_value(v);
		if (!d || strchr(d, '/') || d[0] == '.' || !d[0] || strlen(d) > 48)
			continue;
		snprintf(field, sizeof(field), "policy/mounts.json: devices[%zu]", i);
		snprintf(path, sizeof(path), "/dev/%s", d);
		if ((q = node_of(path, field, &type, &major, &minor, err)) < 0 ||
		    (q = add_rule(&r, type, major, minor, rwm, -1, err)) < 0)
			return q;
	}
	if ((q = add_rule(&r, 'c', 5, 2, rwm, -1, err)) < 0 ||
	    (q = add_rule(&r, 'c', 136, -1, rwm, -1, err)) < 0)
		return q;
	for (i = 0; i < n; i++) {
		snprintf(field, sizeof(field), "devices[%zu].path", i);
		if ((q = node_of(devs[i].path, field, &type, &major, &minor, err)) < 0 ||
		    (q = add_rule(&r, type, major, minor, parse_access(devs[i].access), (ssize_t)i,
				  err)) < 0)
			return q;
	}
	*out = r;
	r = (struct zone_devrules){ 0 }; /* *out's now */
	return 0;
}

/* "c 1:3 rwm", "c 136:* rwm": the v1 devices.allow and devices.list format. */
const char *zone_devrule_format(const struct zone_devrule *d, char *buf, size_t len)
{
	char maj[24] = "*", min[24] = "*", acc[4];
	size_t k = 0;
	if (d->major >= 0)
		snprintf(maj, sizeof(maj), "%lld", (long long)d->major);
	if (d->minor >= 0)
		snprintf(min, sizeof(min), "%lld", (long long)d->minor);
	if (d->access & ZONE_DEV_READ)
		acc[k++] = 'r';
	if (d->access & ZONE_DEV_WRITE)
		acc[k++] = 'w';
	if (d->access & ZONE_DEV_MKNOD)
		acc[k++] = 'm';
	acc[k] = '\0';
	snprintf(buf, len, "%c %s:%s %s", d->type, maj, min, acc);
	return buf;
}

/* The error of a rule names where it came from. */
static int rule_error(const struct zone_devrule *d, struct zone_error *err)
{
	if (d->src >= 0)
		return zone_error_wrap(err, "devices[%zd]", d->src);
	return -err->code;
}

/* ---- v1: the devices hierarchy ---------------------------------------------------- */

static int write_rule(int fd, const char *file, const char *row, struct zone_error *err)
{
	if (write(fd, row, strlen(row)) < 0)
		return zone_error_errno(err, errno, "cgroup: write \"%s\" to %s", row, file);
	return 0;
}

int zone_devices_apply_v1(const char *dir, const struct zone_devrules *r, struct zone_error *err)
{
	_cleanup_free_ char *deny = zone_strdup_printf("%s/devices.deny", dir);
	_cleanup_free_ char *allow = zone_strdup_printf("%s/devices.allow", dir);
	if (!deny || !allow)
		return zone_error_set(err, ENOMEM, "out of memory");
	/* a new cgroup starts with its parent's list: everything, on most hosts */
	_cleanup_close_ int fd = open(deny, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return zone_error_errno(err, errno, "cgroup: open %s", deny);
	int q = write_rule(fd, deny, "a", err);
	if (q < 0)
		return q;
	close(TAKE_FD(fd));
	if ((fd = open(allow, O_WRONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return zone_error_errno(err, errno, "cgroup: open %s", allow);
	/* one row a write(): the kernel parses one per call */
	for (size_t i = 0; i < r->n; i++) {
		char row[64];
		if ((q = write_rule(fd, allow, zone_devrule_format(&r->v[i], row, sizeof(row)),
				    err)) < 0)
			return rule_error(&r->v[i], err);
	}
	return 0;
}

/* ---- v2: a BPF_PROG_TYPE_CGROUP_DEVICE program ---------------------------------------- */

#define INSN(c, d, s, o, i)                                                                        \
	((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })
#define LDX_W(dst, src, off) INSN(BPF_LDX | BPF_MEM | BPF_W, dst, src, off, 0)
#define ALU32_IMM(op, dst, imm) INSN(BPF_ALU | (op) | BPF_K, dst, 0, 0, imm)
#define MOV32_REG(dst, src) INSN(BPF_ALU | BPF_MOV | BPF_X, dst, src, 0, 0)
#define MOV64_IMM(dst, imm) INSN(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm)
#define JNE_IMM(dst, imm, off) INSN(BPF_JMP | BPF_JNE | BPF_K, dst, 0, off, imm)
#define EXIT() INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

/*
 * The program, for struct bpf_cgroup_dev_ctx { access_type, major, minor }:
 *
 *     r2 = ctx->access_type; r3 = r2 & 0xffff (device type); r2 >>= 16 (access)
 *     r4 = ctx->major; r5 = ctx->minor
 *   per rule (a test only where the rule is not a wildcard):
 *     if r3 != TYPE jump to next
 *     r1 = r2 & ~ACCESS; if r1 != 0 jump to next  (asks for more than allowed)
 *     if r4 != MAJOR jump to next
 *     if r5 != MINOR jump to next
 *     r0 = 1; exit                                 (allow)
 *   next: ...
 *     r0 = 0; exit                                 (deny: EPERM)
 *
 * ZONE_DEV_* are the BPF_DEVCG_ACC_* bits, so the access compares as is.
 */
int zone_devices_program(const struct zone_devrules *r, struct bpf_insn **out, size_t *n)
{
	struct bpf_insn *p = calloc(5 + r->n * 8 + 2, sizeof(*p));
	if (!p)
		return -ENOMEM;
	size_t k = 0;
	p[k++] = LDX_W(BPF_REG_2, BPF_REG_1, offsetof(struct bpf_cgroup_dev_ctx, access_type));
	p[k++] = MOV32_REG(BPF_REG_3, BPF_REG_2);
	p[k++] = ALU32_IMM(BPF_AND, BPF_REG_3, 0xffff);
	p[k++] = ALU32_IMM(BPF_RSH, BPF_REG_2, 16);
	p[k++] = LDX_W(BPF_REG_4, BPF_REG_1, offsetof(struct bpf_cgroup_dev_ctx, major));
	p[k++] = LDX_W(BPF_REG_5, BPF_REG_1, offsetof(struct bpf_cgroup_dev_ctx, minor));
	bool tail = true; /* the deny at the end can be reached */
	for (size_t i = 0; i < r->n; i++) {
		const struct zone_devrule *d = &r->v[i];
		const unsigned all = ZONE_DEV_READ | ZONE_DEV_WRITE | ZONE_DEV_MKNOD;
		size_t jumps[4], nj = 0;
		if (d->type == 'c' || d->type == 'b') {
			jumps[nj++] = k;
			p[k++] = JNE_IMM(BPF_REG_3, d->type == 'c' ? BPF_DEVCG_DEV_CHAR :
								    BPF_DEVCG_DEV_BLOCK, 0);
		}
		if ((d->access & all) != all) {
			p[k++] = MOV32_REG(BPF_REG_1, BPF_REG_2);
			p[k++] = ALU32_IMM(BPF_AND, BPF_REG_1, (int32_t)~(d->access & all));
			jumps[nj++] = k;
			p[k++] = JNE_IMM(BPF_REG_1, 0, 0);
		}
		if (d->major >= 0) {
			jumps[nj++] = k;
			p[k++] = JNE_IMM(BPF_REG_4, (int32_t)d->major, 0);
		}
		if (d->minor >= 0) {
			jumps[nj++] = k;
			p[k++] = JNE_IMM(BPF_REG_5, (int32_t)d->minor, 0);
		}
		p[k++] = MOV64_IMM(BPF_REG_0, 1);
		p[k++] = EXIT();
		for (size_t j = 0; j < nj; j++)
			p[jumps[j]].off = (int16_t)(k - jumps[j] - 1);
		if (nj == 0) {
			/* allows everything: what follows could never run, and the
			 * verifier refuses code that cannot be reached */
			tail = false;
			break;
		}
	}
	if (tail) {
		p[k++] = MOV64_IMM(BPF_REG_0, 0);
		p[k++] = EXIT();
	}
	*out = p;
	*n = k;
	return 0;
}

static int sys_bpf(int cmd, union bpf_attr *a)
{
	return (int)syscall(SYS_bpf, cmd, a, sizeof(*a));
}

/* Load the program; the descriptor or a negative errno (the verifier's
 * complaint, if any, in the error). */
static int load(const struct bpf_insn *insns, size_t n, struct zone_error *err)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	a.expected_attach_type = BPF_CGROUP_DEVICE;
	a.insns = (uint64_t)(uintptr_t)insns;
	a.insn_cnt = (uint32_t)n;
	a.license = (uint64_t)(uintptr_t)"GPL";
	memcpy(a.prog_name, "zone_devices", sizeof("zone_devices"));
	int fd = sys_bpf(BPF_PROG_LOAD, &a);
	if (fd >= 0)
		return fd;
	int e = errno;
	/* again with the verifier's log, for the message (failures only) */
	size_t len = 1 << 16;
	_cleanup_free_ char *log = calloc(1, len);
	if (log && e != ENOSYS) {
		a.log_buf = (uint64_t)(uintptr_t)log;
		a.log_size = (uint32_t)len;
		a.log_level = 1;
		fd = sys_bpf(BPF_PROG_LOAD, &a);
		if (fd >= 0)
			return fd;
	}
	/* its verdict is the last line */
	char *last = log ? log + strlen(log) : NULL;
	while (last && last > log && last[-1] == '\n')
		*--last = '\0';
	while (last && last > log && last[-1] != '\n')
		last--;
	if (last && *last)
		return zone_error_set(err, e, "devices: load the device cgroup program (%zu "
				      "instructions): %s: %s", n, strerror(e), last);
	if (e == ENOSYS || e == EINVAL)
		return zone_error_set(err, e, "devices: this kernel cannot load a device cgroup "
				      "program (%s): on cgroup v2 the device list needs "
				      "CONFIG_BPF_SYSCALL and CONFIG_CGROUP_BPF", strerror(e));
	return zone_error_errno(err, e, "devices: load the device cgroup program");
}

int zone_devices_attach_v2(const char *dir, const struct zone_devrules *r, struct zone_error *err)
{
	_cleanup_free_ struct bpf_insn *insns = NULL;
	size_t n;
	if (zone_devices_program(r, &insns, &n) < 0)
		return zone_error_set(err, ENOMEM, "out of memory");
	_cleanup_close_ int prog = load(insns, n, err);
	if (prog < 0)
		return prog;
	_cleanup_close_ int cg = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cg < 0)
		return zone_error_errno(err, errno, "cgroup: open %s", dir);
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.target_fd = (uint32_t)cg;
	a.attach_bpf_fd = (uint32_t)prog;
	a.attach_type = BPF_CGROUP_DEVICE;
	a.attach_flags = 0; /* no override, no second program below */
	if (sys_bpf(BPF_PROG_ATTACH, &a) < 0) {
		int e = errno;
		return zone_error_errno(err, e, "devices: attach the device program to %s%s", dir,
					e == EPERM ? " (an ancestor cgroup holds a device "
						     "program that allows no other below it)" : "");
	}
	/* the cgroup holds the program now, until it is removed */
	return 0;
}
