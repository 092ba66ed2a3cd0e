// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * policy.c - the security policy a zone runs under, read from policy/:
 * the capability set (limitpriv.json), the seccomp profile
 * (seccomp/NAME.json, compiled with libseccomp into a BPF program) and the
 * masked/read-only paths and device allow-list (mounts.json).
 *
 * Theory: policy is data, so a site can tighten it without rebuilding.  The
 * seccomp profile is compiled once per boot in the booting process (never
 * inside the zone) and the resulting BPF is kept in the zone's runtime
 * record, so a login loads the very same program without recompiling.  The
 * profile is default-allow with a deny list: on 5.11+ kernels the seccomp
 * action cache then makes the filter free for every allowed system call
 * whose verdict does not depend on its arguments (getpid, stat, read ...).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>

#include "zone.h"
#include "util.h"
#include "runtime.h"

/*
 * Cleanup for libcap's and libseccomp's handles.  Here, not in cleanup.h:
 * this is the one file that holds them, and cleanup.h would otherwise pull
 * <sys/capability.h> and <seccomp.h> into every file of the tree.
 */
static void cap_freep(cap_t *c)
{
	if (*c)
		cap_free(*c);
}

static void seccomp_releasep(scmp_filter_ctx *ctx)
{
	if (*ctx)
		seccomp_release(*ctx);
}

static int load_policy_json(const char *rel, json_t **out, struct zone_error *err)
{
	_cleanup_free_ char *p = zone_strdup_printf("%s/%s", zone_policy_dir(), rel);
	_cleanup_free_ char *text = NULL;
	if (!p)
		return zone_error_set(err, ENOMEM, "out of memory");
	ssize_t n = zone_read_file(p, &text, 1 << 20);
	if (n < 0)
		return zone_error_errno(err, (int)-n, "policy: read %s", p);
	json_error_t je;
	_cleanup_json_ json_t *j = json_loadb(text, (size_t)n, JSON_REJECT_DUPLICATES, &je);
	if (!j || !json_is_object(j))
		return zone_error_set(err, EINVAL, "policy: %s: line %d: %s", p, je.line,
				      j ? "not an object" : je.text);
	*out = TAKE_PTR(j);
	return 0;
}

/* ---- capabilities ------------------------------------------------------------ */

static int cap_add_name(uint64_t *mask, const char *name, const char *what,
			struct zone_error *err)
{
	char full[64];
	cap_value_t v;
	snprintf(full, sizeof(full), "cap_%s", name);
	if (cap_from_name(full, &v) < 0 || v < 0 || v > 63)
		return zone_error_set(err, EINVAL, "%s: \"%s\": not a capability", what, name);
	*mask |= UINT64_C(1) << v;
	return 0;
}

int zone_policy_caps(char *const *limitpriv, uint64_t *out, struct zone_error *err)
{
	_cleanup_json_ json_t *j = NULL;
	int r = load_policy_json("limitpriv.json", &j, err);
	if (r < 0)
		return r;
	json_t *sets = json_object_get(j, "sets");
	uint64_t mask = 0;
	/* No limitpriv at all: the default set.  An empty list: nothing. */
	static char *const deflt[] = { "default", NULL };
	if (!limitpriv)
		limitpriv = deflt;
	for (char *const *s = limitpriv; *s; s++) {
		if (strcmp(*s, "none") == 0)
			continue;
		json_t *set = json_object_get(sets, *s);
		if (!set) {
			if ((r = cap_add_name(&mask, *s, "limitpriv", err)) < 0)
				return r;
			continue;
		}
		size_t i;
		json_t *v;
		json_array_foreach(set, i, v) {
			if (!json_is_string(v))
				return zone_error_set(err, EINVAL, "policy: limitpriv.json: sets.%s[%zu]: "
						      "not a string", *s, i);
			if ((r = cap_add_name(&mask, json_string_value(v), "policy: limitpriv.json",
					      err)) < 0)
				return r;
		}
	}
	*out = mask;
	return 0;
}

static int last_cap(void)
{
	int last = CAP_LAST_CAP;
	/* The kernel may know more capabilities than our headers. */
	_cleanup_free_ char *s = NULL;
	if (zone_read_file("/proc/sys/kernel/cap_last_cap", &s, 64) > 0)
		last = atoi(s);
	return last;
}

/* Drop from the bounding set every capability not in mask (needs CAP_SETPCAP). */
int zone_caps_bound(uint64_t mask, struct zone_error *err)
{
	int last = last_cap();
	for (int c = 0; c <= last; c++)
		if (!(c < 64 && (mask >> c & 1)) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 &&
		    errno != EINVAL)
			return zone_error_errno(err, errno, "drop capability %d from the bounding set",
						c);
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return zone_error_errno(err, errno, "clear ambient capabilities");
	return 0;
}

/* Set permitted, effective and inheritable to mask. */
int zone_caps_set(uint64_t mask, struct zone_error *err)
{
	int last = last_cap();
	_cleanup_(cap_freep) cap_t caps = cap_init();
	if (!caps)
		return zone_error_errno(err, errno, "capabilities");
	cap_value_t list[64];
	int n = 0;
	for (int c = 0; c < 64 && c <= last; c++)
		if (mask >> c & 1)
			list[n++] = c;
	if (n && (cap_set_flag(caps, CAP_PERMITTED, n, list, CAP_SET) < 0 ||
		  cap_set_flag(caps, CAP_EFFECTIVE, n, list, CAP_SET) < 0 ||
		  cap_set_flag(caps, CAP_INHERITABLE, n, list, CAP_SET) < 0))
		return zone_error_errno(err, errno, "capabilities");
	if (cap_set_proc(caps) < 0)
		return zone_error_errno(err, errno, "set capabilities");
	return 0;
}

int zone_caps_apply(uint64_t mask, struct zone_error *err)
{
	int r = zone_caps_bound(mask, err);
	return r < 0 ? r : zone_caps_set(mask, err);
}

/* ---- seccomp ------------------------------------------------------------------- */

static int errno_value(json_t *v)
{
	static const struct { const char *n; int v; } names[] = {
		{ "EPERM", EPERM }, { "ENOSYS", ENOSYS }, { "EACCES", EACCES }, { "EINVAL", EINVAL },
	};
	if (json_is_integer(v))
		return (int)json_integer_value(v);
	const char *s = json_string_value(v);
	for (size_t i = 0; s && i < ELEMENTSOF(names); i++)
		if (strcmp(s, names[i].n) == 0)
			return names[i].v;
	return -1;
}

static int rule_action(json_t *rule, uint32_t *act)
{
	const char *a = json_string_value(json_object_get(rule, "action"));
	if (!a)
		return -EINVAL;
	if (strcmp(a, "allow") == 0)
		*act = SCMP_ACT_ALLOW;
	else if (strcmp(a, "kill") == 0)
		*act = SCMP_ACT_KILL_PROCESS;
	else if (strcmp(a, "log") == 0)
		*act = SCMP_ACT_LOG;
	else if (strcmp(a, "errno") == 0) {
		int e = errno_value(json_object_get(rule, "errno"));
		if (e < 0 || e > 4095)
			return -EINVAL;
		*act = SCMP_ACT_ERRNO((uint16_t)e);
	} else
		return -EINVAL;
	return 0;
}

/* Add one rule for one syscall, expanding the argument conditions. */
static int add_rule(scmp_filter_ctx ctx, uint32_t act, int nr, json_t *rule)
{
	json_t *any = json_object_get(rule, "any_bit_of_arg");
	json_t *eq32 = json_object_get(rule, "arg_equals32");
	if (any) {
		unsigned idx = (unsigned)json_integer_value(json_object_get(any, "index"));
		size_t i;
		json_t *b;
		json_array_foreach(json_object_get(any, "bits"), i, b) {
			scmp_datum_t bit = (scmp_datum_t)json_integer_value(b);
			int r = seccomp_rule_add(ctx, act, nr, 1,
						 SCMP_CMP(idx, SCMP_CMP_MASKED_EQ, bit, bit));
			if (r < 0)
				return r;
		}
		return 0;
	}
	if (eq32) {
		unsigned idx = (unsigned)json_integer_value(json_object_get(eq32, "index"));
		size_t i;
		json_t *v;
		json_array_foreach(json_object_get(eq32, "values"), i, v) {
			scmp_datum_t val = (scmp_datum_t)json_integer_value(v);
			int r = seccomp_rule_add(ctx, act, nr, 1,
						 SCMP_CMP(idx, SCMP_CMP_MASKED_EQ, 0xffffffffu, val));
			if (r < 0)
				return r;
		}
		return 0;
	}
	return seccomp_rule_add(ctx, act, nr, 0);
}

/*
 * The compiled program depends on the profile's text, the capabilities (for
 * unless_cap rules) and libseccomp's version only: kept in cache_dir (the
 * run tmpfs) under a hash of those, a boot reads it instead of compiling.
 */
static char *cache_path(const char *dir, const char *text, uint64_t caps)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a, 64 bit */
	for (const char *c = text; *c; c++) {
		h ^= (unsigned char)*c;
		h *= 1099511628211ULL;
	}
	const struct scmp_version *v = seccomp_version();
	return zone_strdup_printf("%s/seccomp-%016llx-%016llx-%u.%u.%u.bpf", dir,
				  (unsigned long long)h, (unsigned long long)caps,
				  v ? v->major : 0, v ? v->minor : 0, v ? v->micro : 0);
}

static int compile(const char *profile, uint64_t caps, void **bpf, size_t *len,
		   struct zone_error *err);

int zone_seccomp_compile(const char *profile, uint64_t caps, const char *cache_dir, void **bpf,
			 size_t *len, struct zone_error *err)
{
	if (!profile)
		profile = "default";
	_cleanup_free_ char *cp = NULL, *text = NULL;
	if (cache_dir && !strchr(profile, '/') && profile[0] != '.') {
		_cleanup_free_ char *pp = zone_strdup_printf("%s/seccomp/%s.json", zone_policy_dir(),
							      profile);
		if (pp && zone_read_file(pp, &text, 1 << 20) >= 0 &&
		    (cp = cache_path(cache_dir, text, caps))) {
			_cleanup_free_ char *buf = NULL;
			ssize_t n = zone_read_file(cp, &buf, 1 << 20);
			if (n > 0 && n % sizeof(struct sock_filter) == 0) {
				*bpf = TAKE_PTR(buf);
				*len = (size_t)n;
				return 0;
			}
		}
	}
	int r = compile(profile, caps, bpf, len, err);
	if (r >= 0 && cp)
		zone_file_replace(cp, *bpf, *len, 0600, NULL); /* a cache: failure is fine */
	return r;
}

static int compile(const char *profile, uint64_t caps, void **bpf, size_t *len,
		   struct zone_error *err)
{
	if (!profile)
		profile = "default";
	for (const char *c = profile; *c; c++)
		if (*c == '/' || *c == '.')
			return zone_error_set(err, EINVAL, "seccomp: \"%s\": not a profile name",
					      profile);
	_cleanup_free_ char *rel = zone_strdup_printf("seccomp/%s.json", profile);
	if (!rel)
		return zone_error_set(err, ENOMEM, "out of memory");
	_cleanup_json_ json_t *j = NULL;
	int r = load_policy_json(rel, &j, err);
	if (r < 0)
		return r;
	const char *origin = rel;

	uint32_t def;
	const char *da = json_string_value(json_object_get(j, "default_action"));
	if (!da || strcmp(da, "allow") == 0)
		def = SCMP_ACT_ALLOW;
	else if (strcmp(da, "errno") == 0)
		def = SCMP_ACT_ERRNO(EPERM);
	else
		return zone_error_set(err, EINVAL, "policy: %s: default_action: \"%s\": not allow "
				      "or errno", origin, da);
	_cleanup_(seccomp_releasep) scmp_filter_ctx ctx = seccomp_init(def);
	if (!ctx)
		return zone_error_set(err, ENOMEM, "seccomp: cannot initialize libseccomp");
	/* Syscalls of an architecture not in the filter (x32) fail with ENOSYS. */
	seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ERRNO(ENOSYS));
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(j, "arches"), i, v) {
		const char *a = json_string_value(v);
		uint32_t tok = a ? seccomp_arch_resolve_name(a) : 0;
		if (!tok)
			return zone_error_set(err, EINVAL, "policy: %s: arches[%zu]: not an "
					      "architecture", origin, i);
		if (tok != seccomp_arch_native() && (r = seccomp_arch_add(ctx, tok)) < 0 &&
		    r != -EEXIST)
			return zone_error_errno(err, -r, "seccomp: add architecture %s", a);
	}
	json_t *rule;
	size_t ri;
	json_array_foreach(json_object_get(j, "rules"), ri, rule) {
		uint32_t act;
		if (rule_action(rule, &act) < 0)
			return zone_error_set(err, EINVAL, "policy: %s: rules[%zu]: bad action or "
					      "errno", origin, ri);
		const char *unless = json_string_value(json_object_get(rule, "unless_cap"));
		if (unless) {
			uint64_t m = 0;
			if ((r = cap_add_name(&m, unless, origin, err)) < 0)
				return r;
			if (caps & m)
				continue;
		}
		json_array_foreach(json_object_get(rule, "names"), i, v) {
			const char *name = json_string_value(v);
			int nr = name ? seccomp_syscall_resolve_name(name) : __NR_SCMP_ERROR;
			if (nr == __NR_SCMP_ERROR)
				continue; /* not a syscall on this architecture */
			r = add_rule(ctx, act, nr, rule);
			if (r < 0 && r != -EEXIST)
				return zone_error_errno(err, -r, "seccomp: %s: rule for %s", origin,
							name);
		}
	}
	/* Export the program through a memfd into memory. */
	_cleanup_close_ int mfd = memfd_create("zone-seccomp", MFD_CLOEXEC);
	if (mfd < 0)
		return zone_error_errno(err, errno, "seccomp: export the filter");
	if ((r = seccomp_export_bpf(ctx, mfd)) < 0)
		return zone_error_errno(err, -r, "seccomp: export the filter");
	off_t size = lseek(mfd, 0, SEEK_END);
	_cleanup_free_ char *buf = size > 0 ? malloc((size_t)size) : NULL;
	if (!buf || pread(mfd, buf, (size_t)size, 0) != size)
		return zone_error_set(err, EIO, "seccomp: read the exported filter");
	*bpf = TAKE_PTR(buf);
	*len = (size_t)size;
	return 0;
}

int zone_seccomp_load(const void *bpf, size_t len, struct zone_error *err)
{
	if (!bpf || len == 0 || len % sizeof(struct sock_filter))
		return zone_error_set(err, EINVAL, "seccomp: no filter");
	struct sock_fprog prog = {
		.len = (unsigned short)(len / sizeof(struct sock_filter)),
		.filter = (struct sock_filter *)bpf,
	};
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		return zone_error_errno(err, errno, "seccomp: load the filter");
	return 0;
}

/* ---- mounts ---------------------------------------------------------------------- */

int zone_policy_mounts(json_t **out, struct zone_error *err)
{
	return load_policy_json("mounts.json", out, err);
}
