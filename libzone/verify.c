// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * verify.c - check a zone's config against this host (zonectl verify, and
 * again before every install and boot).  The config parser already proved
 * the config well-formed; here we ask whether this machine can honour it:
 * the brand exists (and, if it needs 32-bit code, the kernel runs it), the
 * CPUs in the cpuset are online, the limits fit the machine, bind sources
 * and devices exist.  Each problem is one line that names the field and the
 * value.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zone.h"
#include "runtime.h"
#include "util.h"

__attribute__((format(printf, 2, 3))) static void problem(json_t *problems, const char *fmt, ...)
{
	char buf[ZONE_ERROR_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	json_array_append_new(problems, json_string(buf));
}

/* Parse a kernel CPU list ("0-3,6") into a bitmap of `n` bits. */
int zone_cpulist_parse(const char *s, unsigned char *bits, size_t n)
{
	memset(bits, 0, (n + 7) / 8);
	while (*s && *s != '\n') {
		char *end;
		unsigned long a = strtoul(s, &end, 10), b = a;
		if (end == s)
			return -EINVAL;
		s = end;
		if (*s == '-') {
			b = strtoul(s + 1, &end, 10);
			if (end == s + 1)
				return -EINVAL;
			s = end;
		}
		if (b < a || b >= n)
			return -ERANGE;
		for (unsigned long i = a; i <= b; i++)
			bits[i / 8] |= (unsigned char)(1u << (i % 8));
		if (*s == ',')
			s++;
		else if (*s && *s != '\n')
			return -EINVAL;
	}
	return 0;
}

static uint64_t mem_total(void)
{
	_cleanup_free_ char *buf = NULL;
	if (zone_read_file("/proc/meminfo", &buf, 1 << 16) < 0)
		return 0;
	char *p = strstr(buf, "MemTotal:");
	return p ? strtoull(p + 9, NULL, 10) * 1024 : 0;
}

/* A brand of i386 programs on a host whose kernel cannot run them (arch.c). */
static void check_ia32(json_t *problems, const struct zone_brand *b)
{
	struct zone_error e = { 0 };
	struct zone_arch_ia32 a;
	char seen[160];
	if (zone_arch_ia32_probe(&a, &e) < 0) {
		problem(problems, "brand %s: needs 32-bit (IA32) code; cannot tell whether this "
			"host's kernel runs it: %s", b->name, e.msg);
		return;
	}
	if (a.runs)
		return;
	zone_arch_ia32_describe(&a, seen, sizeof(seen));
	problem(problems, "brand %s: needs 32-bit (IA32) code, and this host's kernel cannot run "
		"it (%s)", b->name, seen);
}

int zone_verify(struct zone_store *s, const struct zone_config *c, json_t *problems)
{
	(void)s;
	size_t before = json_array_size(problems);
	struct zone_error e = { 0 };
	struct zone_brand *b = NULL;
	if (zone_brand_load(c->brand, &b, &e) < 0)
		problem(problems, "%s", e.msg);
	else if (b->needs_ia32)
		check_ia32(problems, b);
	zone_brand_free(b);

	const struct zone_limits *l = &c->limits;
	if (l->cpuset) {
		unsigned char want[512], online[512];
		_cleanup_free_ char *on = NULL;
		if (zone_read_file("/sys/devices/system/cpu/online", &on, 4096) < 0 ||
		    zone_cpulist_parse(on, online, 4096) < 0) {
			problem(problems, "limits.cpuset: cannot read the online CPUs of this host");
		} else if (zone_cpulist_parse(l->cpuset, want, 4096) == 0) {
			for (int i = 0; i < 4096; i++)
				if ((want[i / 8] >> (i % 8) & 1) && !(online[i / 8] >> (i % 8) & 1)) {
					on[strcspn(on, "\n")] = '\0';
					problem(problems,
						"limits.cpuset: \"%s\": CPU %d is not online on this host "
						"(online: %s)", l->cpuset, i, on);
					break;
				}
		}
	}
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	if (l->cpu_cap && ncpu > 0 && l->cpu_cap > (uint64_t)ncpu * 100)
		problem(problems, "limits.cpu_cap: %llu: more than this host's %ld CPUs (at most %ld)",
			(unsigned long long)l->cpu_cap, ncpu, ncpu * 100);
	uint64_t mt = mem_total();
	if (l->memory_cap && mt && l->memory_cap > mt)
		problem(problems, "limits.memory_cap: %llu: more than this host's memory (%llu bytes)",
			(unsigned long long)l->memory_cap, (unsigned long long)mt);
	if (l->swap_cap && !l->memory_cap)
		problem(problems, "limits.swap_cap: needs limits.memory_cap as well");

	for (size_t i = 0; i < c->n_fs; i++) {
		struct stat sb;
		if (lstat(c->fs[i].source, &sb) < 0)
			problem(problems, "fs[%zu].source: \"%s\": %s", i, c->fs[i].source,
				strerror(errno));
		else if (S_ISLNK(sb.st_mode))
			problem(problems, "fs[%zu].source: \"%s\": is a symbolic link", i,
				c->fs[i].source);
	}
	for (size_t i = 0; i < c->n_devices; i++) {
		struct stat sb;
		if (stat(c->devices[i].path, &sb) < 0)
			problem(problems, "devices[%zu].path: \"%s\": %s", i, c->devices[i].path,
				strerror(errno));
		else if (!S_ISCHR(sb.st_mode) && !S_ISBLK(sb.st_mode))
			problem(problems, "devices[%zu].path: \"%s\": not a device node", i,
				c->devices[i].path);
	}
	for (size_t i = 0; i < c->n_admins; i++) {
		const struct zone_admin *a = &c->admins[i];
		if (a->user && !getpwnam(a->user))
			problem(problems, "admins[%zu].user: \"%s\": no such user", i, a->user);
		if (a->group && !getgrnam(a->group))
			problem(problems, "admins[%zu].group: \"%s\": no such group", i, a->group);
	}
	return (int)(json_array_size(problems) - before);
}

int zone_verify_net(struct zone_store *s, const struct zone_config *c, struct zone_error *err)
{
	if (c->ip_type != ZONE_IP_EXCLUSIVE || c->n_net == 0)
		return 0;
	_cleanup_status_ struct zone_status self = ZONE_STATUS_INIT;
	bool running = zone_store_load_status(s, c->name, &self, NULL) == 0 &&
		       zone_state_is_live(self.state) && zone_status_alive(&self);
	int r = zone_net_check_host(zone_store_root(s), c, running, err);
	if (r < 0)
		return r;
	/* The same address on the same bridge in another running zone is a conflict. */
	_cleanup_strv_ char **names = NULL;
	if ((r = zone_store_list(s, &names, err)) < 0)
		return r;
	for (char **z = names; *z; z++) {
		if (!strcmp(*z, c->name))
			continue;
		_cleanup_status_ struct zone_status st = ZONE_STATUS_INIT;
		_cleanup_config_ struct zone_config *o = NULL;
		if (zone_store_load_status(s, *z, &st, NULL) < 0 || !zone_state_is_live(st.state) ||
		    !zone_status_alive(&st) || zone_store_load_config(s, *z, &o, NULL) < 0 ||
		    o->ip_type != ZONE_IP_EXCLUSIVE)
			continue;
		for (size_t i = 0; i < c->n_net; i++)
			for (size_t k = 0; k < o->n_net; k++) {
				const struct zone_net *x = &c->net[i], *y = &o->net[k];
				if (x->address && y->address && x->bridge && y->bridge &&
				    !strcmp(x->bridge, y->bridge) &&
				    zone_net_same_address(x->address, y->address))
					return zone_error_set(err, EADDRINUSE, "net[%zu].address: \"%s\": "
							      "zone %s uses it on bridge %s too", i,
							      x->address, o->name, x->bridge);
			}
	}
	return 0;
}
