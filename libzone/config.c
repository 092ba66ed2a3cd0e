// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * config.c - zone.json(5): parse, validate, serialize, and edit.
 *
 * Theory: a zone.json is hostile input.  One schema table below says which
 * keys exist and what type each has; it drives both validation (unknown
 * keys, wrong types, ranges) and the typed editing behind `zonectl set/add/
 * remove` (so "limits.cpu_cap=50" becomes an integer).  Editing always
 * works on the JSON object and is followed by a full parse, so an edit can
 * never produce a config that the parser would refuse.  Every error names
 * the JSON path and the offending value: `zone.json: limits.memory_cap:
 * "12Q": not a size`.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>

#include "zone.h"
#include "util.h"

#define CONFIG_VERSION 1

/* ---- schema ------------------------------------------------------------- */

enum ftype { F_STR, F_BOOL, F_INT, F_SIZE, F_STRLIST, F_OBJECT, F_ARRAY, F_MAP };

struct field {
	const char *key;
	enum ftype type;
	const struct field *sub; /* F_OBJECT, F_ARRAY: fields of the (element) object */
};

static const struct field net_fields[] = {
	{ "name", F_STR, NULL },    { "bridge", F_STR, NULL }, { "address", F_STR, NULL },
	{ "gateway", F_STR, NULL }, { "mac", F_STR, NULL },    { "mtu", F_INT, NULL },
	{ NULL, 0, NULL },
};
static const struct field fs_fields[] = {
	{ "source", F_STR, NULL },
	{ "target", F_STR, NULL },
	{ "readonly", F_BOOL, NULL },
	{ NULL, 0, NULL },
};
static const struct field device_fields[] = {
	{ "path", F_STR, NULL },
	{ "access", F_STR, NULL },
	{ NULL, 0, NULL },
};
static const struct field admin_fields[] = {
	{ "user", F_STR, NULL },
	{ "group", F_STR, NULL },
	{ "auths", F_STRLIST, NULL },
	{ NULL, 0, NULL },
};
static const struct field limit_fields[] = {
	{ "cpu_cap", F_INT, NULL },       { "cpu_shares", F_INT, NULL },
	{ "memory_cap", F_SIZE, NULL },   { "swap_cap", F_SIZE, NULL },
	{ "max_processes", F_INT, NULL }, { "cpuset", F_STR, NULL },
	{ "io_weight", F_INT, NULL },     { NULL, 0, NULL },
};
static const struct field top_fields[] = {
	{ "version", F_INT, NULL },
	{ "name", F_STR, NULL },
	{ "brand", F_STR, NULL },
	{ "zonepath", F_STR, NULL },
	{ "autoboot", F_BOOL, NULL },
	{ "detached", F_BOOL, NULL },
	{ "hostname", F_STR, NULL },
	{ "ip_type", F_STR, NULL },
	{ "net", F_ARRAY, net_fields },
	{ "fs", F_ARRAY, fs_fields },
	{ "devices", F_ARRAY, device_fields },
	{ "limits", F_OBJECT, limit_fields },
	{ "limitpriv", F_STRLIST, NULL },
	{ "seccomp", F_STR, NULL },
	{ "userns", F_STR, NULL },
	{ "admins", F_ARRAY, admin_fields },
	{ "attrs", F_MAP, NULL },
	{ "brand_attrs", F_MAP, NULL },
	{ NULL, 0, NULL },
};

static const struct {
	const char *kind;
	const char *key;
	const struct field *fields;
} resources[] = {
	{ "net", "net", net_fields },
	{ "fs", "fs", fs_fields },
	{ "device", "devices", device_fields },
	{ "admin", "admins", admin_fields },
};

static const struct field *field_find(const struct field *fs, const char *key)
{
	for (; fs && fs->key; fs++)
		if (strcmp(fs->key, key) == 0)
			return fs;
	return NULL;
}

/* ---- error helpers ---------------------------------------------------------- */

/* A short rendering of a JSON value for messages. */
static char *show(json_t *v)
{
	if (json_is_string(v))
		return zone_quote(json_string_value(v), 80);
	/* Printable ASCII only: a message must not carry raw bytes of hostile input to a
	 * terminal.  JSON_ENSURE_ASCII escapes all but DEL (0x7f), which jansson leaves raw. */
	_cleanup_free_ char *d = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_ENSURE_ASCII);
	if (!d)
		return strdup("?");
	char *s = malloc(strlen(d) * 6 + 1), *o = s;
	if (!s)
		return NULL;
	for (const char *c = d; *c; c++) {
		if (*c == 0x7f) {
			memcpy(o, "\\u007f", 6);
			o += 6;
		} else {
			*o++ = *c;
		}
	}
	*o = '\0';
	if (strlen(s) > 80) {
		s[77] = s[78] = s[79] = '.';
		s[80] = '\0';
	}
	return s;
}

struct pctx {
	const char *origin;
	struct zone_error *err;
};

__attribute__((format(printf, 4, 5))) static int bad(struct pctx *p, const char *path, json_t *v,
						     const char *fmt, ...)
{
	char why[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (v) {
		_cleanup_free_ char *s = show(v);
		return zone_error_set(p->err, EINVAL, "%s: %s: %s: %s", p->origin, path, s ? s : "?",
				      why);
	}
	return zone_error_set(p->err, EINVAL, "%s: %s: %s", p->origin, path, why);
}

static int oom(struct pctx *p)
{
	return zone_error_set(p->err, ENOMEM, "out of memory");
}

static const char *json_type_name(json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	default: return "null";
	}
}

/* Reject keys not in the schema, and values of the wrong JSON type. */
static int check_keys(struct pctx *p, const char *path, json_t *obj, const struct field *fields)
{
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v) {
		char sub[256];
		snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "." : "", key);
		const struct field *f = field_find(fields, key);
		if (!f) {
			_cleanup_free_ char *k = zone_quote(key, 60);
			return zone_error_set(p->err, EINVAL, "%s: %s%s%s: unknown key", p->origin,
					      path, *path ? "." : "", k);
		}
		bool ok;
		const char *want;
		switch (f->type) {
		case F_STR: ok = json_is_string(v); want = "a string"; break;
		case F_BOOL: ok = json_is_boolean(v); want = "a boolean (true or false)"; break;
		case F_INT: ok = json_is_integer(v); want = "an integer"; break;
		case F_SIZE: ok = json_is_integer(v) || json_is_string(v); want = "a size"; break;
		case F_STRLIST: ok = json_is_array(v); want = "an array of strings"; break;
		case F_OBJECT:
		case F_MAP: ok = json_is_object(v); want = "an object"; break;
		case F_ARRAY: ok = json_is_array(v); want = "an array"; break;
		default: ok = false; want = "?"; break;
		}
		if (!ok)
			return bad(p, sub, v, "not %s (got %s)", want, json_type_name(v));
	}
	return 0;
}

/* ---- value validators ------------------------------------------------------- */

int zone_size_parse(const char *s, uint64_t *out)
{
	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	unsigned shift = 0;
	if (*end) {
		switch (toupper((unsigned char)*end)) {
		case 'K': shift = 10; break;
		case 'M': shift = 20; break;
		case 'G': shift = 30; break;
		case 'T': shift = 40; break;
		default: return -EINVAL;
		}
		end++;
		if (*end == 'i' || *end == 'I')
			end++;
		if (*end == 'B' || *end == 'b')
			end++;
		if (*end)
			return -EINVAL;
	}
	if (shift && v > (UINT64_MAX >> shift))
		return -ERANGE;
	*out = (uint64_t)v << shift;
	return 0;
}

static bool valid_ifname(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 15 || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	for (const char *c = s; *c; c++)
		if (!(isalnum((unsigned char)*c) || *c == '-' || *c == '_' || *c == '.'))
			return false;
	return true;
}

static bool valid_hostname(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 64)
		return false;
	const char *label = s;
	for (const char *c = s;; c++) {
		if (*c == '.' || *c == '\0') {
			size_t l = (size_t)(c - label);
			if (l == 0 || l > 63 || label[0] == '-' || c[-1] == '-')
				return false;
			if (*c == '\0')
				return true;
			label = c + 1;
		} else if (!(isalnum((unsigned char)*c) || *c == '-')) {
			return false;
		}
	}
}

static bool valid_word(const char *s, size_t max, const char *extra)
{
	size_t n = strlen(s);
	if (n == 0 || n > max)
		return false;
	for (const char *c = s; *c; c++)
		if (!(isalnum((unsigned char)*c) || strchr(extra, *c)))
			return false;
	return true;
}

static bool valid_username(const char *s)
{
	if (!s[0] || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return false;
	return valid_word(s, 32, "_.-");
}

/* "0-3,5": CPU numbers below 4096, ranges ascending. */
static bool valid_cpulist(const char *s)
{
	if (!*s)
		return false;
	const char *c = s;
	for (;;) {
		if (!isdigit((unsigned char)*c))
			return false;
		char *end;
		unsigned long a = strtoul(c, &end, 10), b = a;
		c = end;
		if (*c == '-') {
			c++;
			if (!isdigit((unsigned char)*c))
				return false;
			b = strtoul(c, &end, 10);
			c = end;
		}
		if (a >= 4096 || b >= 4096 || b < a)
			return false;
		if (*c == '\0')
			return true;
		if (*c != ',')
			return false;
		c++;
	}
}

/* Parse "addr/prefix"; family and 16-byte address out. */
static bool parse_cidr(const char *s, int *family, unsigned char addr[16], int *prefix)
{
	const char *slash = strchr(s, '/');
	if (!slash || slash == s || strlen(s) > 64)
		return false;
	char host[65];
	memcpy(host, s, (size_t)(slash - s));
	host[slash - s] = '\0';
	memset(addr, 0, 16);
	int max;
	if (inet_pton(AF_INET, host, addr) == 1) {
		*family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, host, addr) == 1) {
		*family = AF_INET6;
		max = 128;
	} else {
		return false;
	}
	uint64_t p;
	if (zone_parse_u64(slash + 1, &p) < 0 || p > (uint64_t)max || strlen(slash + 1) > 3)
		return false;
	*prefix = (int)p;
	return true;
}

static bool same_subnet(const unsigned char a[16], const unsigned char b[16], int prefix)
{
	int bytes = prefix / 8, bits = prefix % 8;
	if (memcmp(a, b, (size_t)bytes) != 0)
		return false;
	if (bits) {
		unsigned char mask = (unsigned char)(0xff << (8 - bits));
		if ((a[bytes] & mask) != (b[bytes] & mask))
			return false;
	}
	return true;
}

/* An interface address must be one host's: not multicast, loopback, unspecified. */
static const char *unicast_problem(int fam, const unsigned char a[16])
{
	static const unsigned char zero[16];
	if (fam == AF_INET) {
		if (a[0] >= 224)
			return "a multicast or reserved address, not a host's";
		if (a[0] == 127)
			return "a loopback address (the zone has lo for that)";
		if (a[0] == 0)
			return "the unspecified network, not a host's address";
		return NULL;
	}
	if (a[0] == 0xff)
		return "a multicast address, not a host's";
	if (!memcmp(a, zero, 16))
		return "the unspecified address, not a host's";
	if (!memcmp(a, zero, 15) && a[15] == 1)
		return "a loopback address (the zone has lo for that)";
	return NULL;
}

static bool valid_mac(const char *s)
{
	unsigned int b[6];
	char tail;
	if (strlen(s) != 17)
		return false;
	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
		   &tail) != 6)
		return false;
	for (int i = 0; i < 17; i++)
		if (i % 3 == 2 ? s[i] != ':' : !isxdigit((unsigned char)s[i]))
			return false;
	if (b[0] & 1) /* multicast */
		return false;
	return (b[0] | b[1] | b[2] | b[3] | b[4] | b[5]) != 0;
}

/* System directories a zonepath must never be, or be inside of. */
static const char *const system_dirs[] = {
	"/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/libx32",
	"/proc", "/sbin", "/sys", "/usr",
};
/* Top-level directories a zonepath may be inside of, but never equal to. */
static const char *const top_dirs[] = {
	"/home", "/media", "/mnt", "/opt", "/root", "/run", "/srv", "/tmp", "/var", "/var/lib",
};

static const char *zonepath_problem(const char *p)
{
	if (!zone_path_is_normal_absolute(p))
		return "not an absolute, normalized path";
	if (strcmp(p, "/") == 0)
		return "must not be the root directory";
	for (size_t i = 0; i < ELEMENTSOF(system_dirs); i++)
		if (zone_path_is_under(p, system_dirs[i]))
			return "must not be a system directory or inside one";
	for (size_t i = 0; i < ELEMENTSOF(top_dirs); i++)
		if (strcmp(p, top_dirs[i]) == 0)
			return "must not be a top-level system directory";
	return NULL;
}

/* ---- typed getters ---------------------------------------------------------- */

/* String presence and type were checked by check_keys(); values by the caller. */
static int get_str(struct pctx *p, json_t *obj, const char *path, const char *key, char **out)
{
	(void)path;
	json_t *v = json_object_get(obj, key);
	if (!v)
		return 0;
	*out = strdup(json_string_value(v));
	return *out ? 1 : oom(p);
}

static int get_uint(struct pctx *p, json_t *obj, const char *path, const char *key, uint64_t min,
		    uint64_t max, uint64_t *out)
{
	json_t *v = json_object_get(obj, key);
	if (!v)
		return 0;
	char sub[256];
	snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "." : "", key);
	json_int_t i = json_integer_value(v);
	if (i < 0 || (uint64_t)i < min || (uint64_t)i > max)
		return bad(p, sub, v, "out of range (%llu to %llu)", (unsigned long long)min,
			   (unsigned long long)max);
	*out = (uint64_t)i;
	return 1;
}

static int get_size(struct pctx *p, json_t *obj, const char *path, const char *key, uint64_t min,
		    uint64_t *out)
{
	json_t *v = json_object_get(obj, key);
	if (!v)
		return 0;
	char sub[256];
	snprintf(sub, sizeof(sub), "%s.%s", path, key);
	uint64_t val;
	if (json_is_integer(v)) {
		if (json_integer_value(v) < 0)
			return bad(p, sub, v, "not a size");
		val = (uint64_t)json_integer_value(v);
	} else {
		int r = zone_size_parse(json_string_value(v), &val);
		if (r == -ERANGE)
			return bad(p, sub, v, "size out of range");
		if (r < 0)
			return bad(p, sub, v, "not a size");
	}
	if (val < min)
		return bad(p, sub, v, "too small (at least %llu bytes)", (unsigned long long)min);
	if (val > (UINT64_C(1) << 60))
		return bad(p, sub, v, "size out of range");
	*out = val;
	return 1;
}

static int get_strlist(struct pctx *p, json_t *arr, const char *path, char ***out)
{
	size_t n = json_array_size(arr);
	if (n > 256)
		return bad(p, path, NULL, "too many entries (at most 256)");
	_cleanup_strv_ char **v = calloc(n + 1, sizeof(char *));
	if (!v)
		return oom(p);
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(arr, i);
		if (!json_is_string(e)) {
			char sub[256];
			snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
			return bad(p, sub, e, "not a string");
		}
		v[i] = strdup(json_string_value(e));
		if (!v[i])
			return oom(p);
	}
	*out = TAKE_PTR(v);
	return 0;
}

/* ---- sections --------------------------------------------------------------- */

static int parse_net(struct pctx *p, json_t *e, const char *path, struct zone_net *n)
{
	int r = check_keys(p, path, e, net_fields);
	if (r < 0)
		return r;
	if ((r = get_str(p, e, path, "name", &n->name)) < 0 ||
	    (r = get_str(p, e, path, "bridge", &n->bridge)) < 0 ||
	    (r = get_str(p, e, path, "address", &n->address)) < 0 ||
	    (r = get_str(p, e, path, "gateway", &n->gateway)) < 0 ||
	    (r = get_str(p, e, path, "mac", &n->mac)) < 0)
		return r;
	uint64_t mtu = 0;
	if ((r = get_uint(p, e, path, "mtu", 68, 65535, &mtu)) < 0)
		return r;
	n->mtu = (uint32_t)mtu;
	char sub[256];
	if (!n->name)
		return bad(p, path, NULL, "missing \"name\" (the interface name in the zone)");
	snprintf(sub, sizeof(sub), "%s.name", path);
	if (!strcmp(n->name, "lo"))
		return bad(p, sub, json_object_get(e, "name"), "the zone has lo already");
	if (!valid_ifname(n->name))
		return bad(p, sub, json_object_get(e, "name"),
			   "not an interface name (1 to 15 of letters, digits, '-', '_', '.')");
	snprintf(sub, sizeof(sub), "%s.bridge", path);
	if (n->bridge && !valid_ifname(n->bridge))
		return bad(p, sub, json_object_get(e, "bridge"), "not an interface name");
	int fam = 0, prefix = 0;
	unsigned char addr[16];
	if (n->address) {
		snprintf(sub, sizeof(sub), "%s.address", path);
		if (!parse_cidr(n->address, &fam, addr, &prefix))
			return bad(p, sub, json_object_get(e, "address"),
				   "not an address in CIDR form (10.0.0.2/24 or fd00::2/64)");
		const char *why = unicast_problem(fam, addr);
		if (!why && fam == AF_INET && prefix < 31) {
			/* the subnet's own network and broadcast addresses are no host's */
			uint32_t a = (uint32_t)addr[0] << 24 | (uint32_t)addr[1] << 16 |
				     (uint32_t)addr[2] << 8 | addr[3];
			uint32_t host = prefix ? a & ((UINT32_C(1) << (32 - prefix)) - 1) : a;
			uint32_t all = prefix ? (UINT32_C(1) << (32 - prefix)) - 1 : UINT32_MAX;
			if (host == 0)
				why = "the subnet's network address, not a host's";
			else if (host == all)
				why = "the subnet's broadcast address, not a host's";
		}
		if (why)
			return bad(p, sub, json_object_get(e, "address"), "%s", why);
		if (fam == AF_INET6 && n->mtu && n->mtu < 1280)
			return bad(p, sub, json_object_get(e, "address"),
				   "IPv6 needs an MTU of at least 1280 (mtu is %u)", n->mtu);
	}
	if (n->gateway) {
		snprintf(sub, sizeof(sub), "%s.gateway", path);
		unsigned char gw[16] = { 0 };
		int gfam;
		if (inet_pton(AF_INET, n->gateway, gw) == 1)
			gfam = AF_INET;
		else if (inet_pton(AF_INET6, n->gateway, gw) == 1)
			gfam = AF_INET6;
		else
			return bad(p, sub, json_object_get(e, "gateway"), "not an IP address");
		if (!n->address)
			return bad(p, sub, json_object_get(e, "gateway"),
				   "a gateway needs an address");
		if (gfam != fam)
			return bad(p, sub, json_object_get(e, "gateway"),
				   "not the same address family as address %s", n->address);
		/* an IPv6 router is often only link-local (fe80::/10) */
		bool link_local = gfam == AF_INET6 && gw[0] == 0xfe && (gw[1] & 0xc0) == 0x80;
		if (!link_local && !same_subnet(gw, addr, prefix))
			return bad(p, sub, json_object_get(e, "gateway"), "outside the subnet of %s",
				   n->address);
	}
	if (n->mac) {
		snprintf(sub, sizeof(sub), "%s.mac", path);
		if (!valid_mac(n->mac))
			return bad(p, sub, json_object_get(e, "mac"),
				   "not a unicast MAC address (02:00:00:00:00:01)");
	}
	return 0;
}

static const char *const fs_forbidden_targets[] = { "/proc", "/sys", "/dev" };

static int parse_fs(struct pctx *p, json_t *e, const char *path, struct zone_fs *f)
{
	int r = check_keys(p, path, e, fs_fields);
	if (r < 0)
		return r;
	if ((r = get_str(p, e, path, "source", &f->source)) < 0 ||
	    (r = get_str(p, e, path, "target", &f->target)) < 0)
		return r;
	json_t *ro = json_object_get(e, "readonly");
	f->readonly = ro && json_is_true(ro);
	char sub[256];
	if (!f->source)
		return bad(p, path, NULL, "missing \"source\"");
	if (!f->target)
		return bad(p, path, NULL, "missing \"target\"");
	snprintf(sub, sizeof(sub), "%s.source", path);
	if (!zone_path_is_normal_absolute(f->source))
		return bad(p, sub, json_object_get(e, "source"),
			   "not an absolute, normalized path");
	snprintf(sub, sizeof(sub), "%s.target", path);
	if (!zone_path_is_normal_absolute(f->target) || strcmp(f->target, "/") == 0)
		return bad(p, sub, json_object_get(e, "target"),
			   "not an absolute, normalized path below /");
	for (size_t i = 0; i < ELEMENTSOF(fs_forbidden_targets); i++)
		if (zone_path_is_under(f->target, fs_forbidden_targets[i]))
			return bad(p, sub, json_object_get(e, "target"),
				   "must not be inside %s", fs_forbidden_targets[i]);
	return 0;
}

static int parse_device(struct pctx *p, json_t *e, const char *path, struct zone_device *d)
{
	int r = check_keys(p, path, e, device_fields);
	if (r < 0)
		return r;
	if ((r = get_str(p, e, path, "path", &d->path)) < 0 ||
	    (r = get_str(p, e, path, "access", &d->access)) < 0)
		return r;
	char sub[256];
	if (!d->path)
		return bad(p, path, NULL, "missing \"path\"");
	snprintf(sub, sizeof(sub), "%s.path", path);
	if (!zone_path_is_normal_absolute(d->path) || strncmp(d->path, "/dev/", 5) != 0)
		return bad(p, sub, json_object_get(e, "path"),
			   "not a normalized path below /dev/");
	if (!d->access && !(d->access = strdup("rw")))
		return oom(p);
	snprintf(sub, sizeof(sub), "%s.access", path);
	if (!*d->access || strspn(d->access, "rwm") != strlen(d->access) || strlen(d->access) > 3)
		return bad(p, sub, json_object_get(e, "access"),
			   "not a combination of r, w and m");
	return 0;
}

static const char *const auth_names[] = { "login", "manage", "clone" };

const char *zone_auths_to_string(unsigned auths, char *buf, size_t len)
{
	buf[0] = '\0';
	for (size_t i = 0; i < ELEMENTSOF(auth_names); i++)
		if (auths & (1u << i)) {
			if (buf[0])
				strncat(buf, ",", len - strlen(buf) - 1);
			strncat(buf, auth_names[i], len - strlen(buf) - 1);
		}
	return buf;
}

static int parse_admin(struct pctx *p, json_t *e, const char *path, struct zone_admin *a)
{
	int r = check_keys(p, path, e, admin_fields);
	if (r < 0)
		return r;
	if ((r = get_str(p, e, path, "user", &a->user)) < 0 ||
	    (r = get_str(p, e, path, "group", &a->group)) < 0)
		return r;
	char sub[256];
	if (!!a->user == !!a->group)
		return bad(p, path, NULL, "needs exactly one of \"user\" and \"group\"");
	snprintf(sub, sizeof(sub), "%s.%s", path, a->user ? "user" : "group");
	if (!valid_username(a->user ? a->user : a->group))
		return bad(p, sub, json_object_get(e, a->user ? "user" : "group"),
			   "not a user or group name");
	json_t *auths = json_object_get(e, "auths");
	snprintf(sub, sizeof(sub), "%s.auths", path);
	if (!auths || json_array_size(auths) == 0)
		return bad(p, sub, auths, "needs at least one of login, manage, clone");
	size_t i;
	json_t *v;
	json_array_foreach(auths, i, v) {
		char esub[300];
		snprintf(esub, sizeof(esub), "%s[%zu]", sub, i);
		if (!json_is_string(v))
			return bad(p, esub, v, "not a string");
		size_t k;
		for (k = 0; k < ELEMENTSOF(auth_names); k++)
			if (strcmp(json_string_value(v), auth_names[k]) == 0)
				break;
		if (k == ELEMENTSOF(auth_names))
			return bad(p, esub, v, "not an authorization (login, manage, clone)");
		a->auths |= 1u << k;
	}
	return 0;
}

static int parse_limits(struct pctx *p, json_t *o, struct zone_limits *l)
{
	const char *path = "limits";
	int r = check_keys(p, path, o, limit_fields);
	if (r < 0)
		return r;
	if ((r = get_uint(p, o, path, "cpu_cap", 1, 100 * 4096, &l->cpu_cap)) < 0 ||
	    (r = get_uint(p, o, path, "cpu_shares", 2, 262144, &l->cpu_shares)) < 0 ||
	    (r = get_size(p, o, path, "memory_cap", 1 << 20, &l->memory_cap)) < 0 ||
	    (r = get_size(p, o, path, "swap_cap", 0, &l->swap_cap)) < 0 ||
	    (r = get_uint(p, o, path, "max_processes", 1, 4194304, &l->max_processes)) < 0 ||
	    (r = get_uint(p, o, path, "io_weight", 1, 10000, &l->io_weight)) < 0 ||
	    (r = get_str(p, o, path, "cpuset", &l->cpuset)) < 0)
		return r;
	if (l->cpuset && !valid_cpulist(l->cpuset))
		return bad(p, "limits.cpuset", json_object_get(o, "cpuset"),
			   "not a CPU list (\"0-3,5\")");
	return 0;
}

/*
 * cap_from_name() matches the longest prefix of letters and '_' and ignores
 * what follows ("cap_chown2" is cap_chown): check the name maps back exactly.
 */
static bool cap_name_is(cap_value_t cv, const char *full)
{
	char *name = cap_to_name(cv);
	bool same = name && strcmp(name, full) == 0;
	cap_free(name);
	return same;
}

/* Capability names are stored lower-case without the "cap_" prefix. */
static int parse_limitpriv(struct pctx *p, json_t *arr, char ***out)
{
	int r = get_strlist(p, arr, "limitpriv", out);
	if (r < 0)
		return r;
	for (size_t i = 0; (*out)[i]; i++) {
		char *s = (*out)[i];
		char sub[64];
		snprintf(sub, sizeof(sub), "limitpriv[%zu]", i);
		for (char *c = s; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		if (strncmp(s, "cap_", 4) == 0)
			memmove(s, s + 4, strlen(s + 4) + 1);
		if (strcmp(s, "default") == 0 || strcmp(s, "none") == 0)
			continue;
		char full[80];
		cap_value_t cv;
		snprintf(full, sizeof(full), "cap_%s", s);
		if (strlen(s) > 32 || !valid_word(s, 32, "_") || cap_from_name(full, &cv) < 0 ||
		    !cap_name_is(cv, full))
			return bad(p, sub, json_array_get(arr, i), "not a capability name");
		for (size_t j = 0; j < i; j++)
			if (strcmp((*out)[j], s) == 0)
				return bad(p, sub, json_array_get(arr, i), "listed twice");
	}
	return 0;
}

static int parse_map(struct pctx *p, json_t *o, const char *path, bool strings_only, json_t **out)
{
	if (json_object_size(o) > 1024)
		return bad(p, path, NULL, "too many entries (at most 1024)");
	const char *key;
	json_t *v;
	json_object_foreach(o, key, v) {
		char sub[256];
		_cleanup_free_ char *k = zone_quote(key, 60);
		snprintf(sub, sizeof(sub), "%s.%s", path, k);
		if (!valid_word(key, 64, "_.:-"))
			return bad(p, sub, NULL,
				   "not a key (1 to 64 of letters, digits, '_', '.', ':', '-')");
		if (json_is_string(v)) {
			if (strlen(json_string_value(v)) > 4096)
				return bad(p, sub, NULL, "value longer than 4096 bytes");
		} else if (strings_only || !(json_is_integer(v) || json_is_boolean(v))) {
			return bad(p, sub, v, strings_only ? "not a string" :
							      "not a string, integer or boolean");
		}
	}
	*out = json_deep_copy(o);
	return *out ? 0 : oom(p);
}

/* Parse an array of objects with a per-element parser. */
#define PARSE_ARRAY(p, j, key, arr, count, fn)                                          \
	({                                                                            \
		int _r = 0;                                                           \
		json_t *_a = json_object_get(j, key);                                 \
		size_t _n = json_array_size(_a);                                      \
		if (_n > 256)                                                         \
			_r = bad(p, key, NULL, "too many entries (at most 256)");     \
		else if (_n > 0 && !((arr) = calloc(_n, sizeof(*(arr)))))             \
			_r = oom(p);                                                  \
		for (size_t _i = 0; _r >= 0 && _i < _n; _i++) {                       \
			char _path[64];                                               \
			json_t *_e = json_array_get(_a, _i);                          \
			snprintf(_path, sizeof(_path), "%s[%zu]", key, _i);           \
			(count) = _i + 1;                                             \
			if (!json_is_object(_e))                                      \
				_r = bad(p, _path, _e, "not an object");              \
			else                                                          \
				_r = fn(p, _e, _path, &(arr)[_i]);                    \
		}                                                                     \
		_r;                                                                   \
	})

int zone_config_from_json(json_t *j, const char *origin, struct zone_config **out,
			  struct zone_error *err)
{
	struct pctx p = { .origin = origin ? origin : "zone.json", .err = err };
	if (!json_is_object(j))
		return bad(&p, "(top level)", NULL, "not a JSON object");
	int r = check_keys(&p, "", j, top_fields);
	if (r < 0)
		return r;

	_cleanup_config_ struct zone_config *c = calloc(1, sizeof(*c));
	if (!c)
		return oom(&p);
	c->version = CONFIG_VERSION;

	json_t *v = json_object_get(j, "version");
	if (v && json_integer_value(v) != CONFIG_VERSION)
		return bad(&p, "version", v, "unsupported version (this libzone reads version %d)",
			   CONFIG_VERSION);

	if ((r = get_str(&p, j, "", "name", &c->name)) < 0)
		return r;
	if (!c->name)
		return bad(&p, "name", NULL, "missing");
	if ((r = zone_name_validate(c->name, err)) < 0)
		return zone_error_wrap(err, "%s", p.origin);

	if ((r = get_str(&p, j, "", "brand", &c->brand)) < 0)
		return r;
	if (!c->brand)
		return bad(&p, "brand", NULL, "missing");
	if (!valid_word(c->brand, 32, "_-"))
		return bad(&p, "brand", json_object_get(j, "brand"), "not a brand name");

	if ((r = get_str(&p, j, "", "zonepath", &c->zonepath)) < 0)
		return r;
	/* Required: everything after parsing (conflict checks, the root path) uses it;
	 * creation and edits fill in the default before parsing. */
	if (!c->zonepath)
		return bad(&p, "zonepath", NULL, "missing");
	const char *why = zonepath_problem(c->zonepath);
	if (why)
		return bad(&p, "zonepath", json_object_get(j, "zonepath"), "%s", why);

	c->autoboot = json_is_true(json_object_get(j, "autoboot"));
	c->detached = json_is_true(json_object_get(j, "detached"));

	if ((r = get_str(&p, j, "", "hostname", &c->hostname)) < 0)
		return r;
	if (c->hostname && !valid_hostname(c->hostname))
		return bad(&p, "hostname", json_object_get(j, "hostname"), "not a host name");

	if ((v = json_object_get(j, "ip_type"))) {
		const char *s = json_string_value(v);
		if (strcmp(s, "none") == 0)
			c->ip_type = ZONE_IP_NONE;
		else if (strcmp(s, "exclusive") == 0)
			c->ip_type = ZONE_IP_EXCLUSIVE;
		else if (strcmp(s, "shared") == 0)
			c->ip_type = ZONE_IP_SHARED;
		else
			return bad(&p, "ip_type", v, "not one of exclusive, shared, none");
	}

	if ((r = PARSE_ARRAY(&p, j, "net", c->net, c->n_net, parse_net)) < 0 ||
	    (r = PARSE_ARRAY(&p, j, "fs", c->fs, c->n_fs, parse_fs)) < 0 ||
	    (r = PARSE_ARRAY(&p, j, "devices", c->devices, c->n_devices, parse_device)) < 0 ||
	    (r = PARSE_ARRAY(&p, j, "admins", c->admins, c->n_admins, parse_admin)) < 0)
		return r;

	for (size_t a = 0; a < c->n_net; a++)
		for (size_t b = 0; b < a; b++)
			if (strcmp(c->net[a].name, c->net[b].name) == 0) {
				char sub[64];
				snprintf(sub, sizeof(sub), "net[%zu].name", a);
				return bad(&p, sub, NULL, "\"%s\" is used by net[%zu] too",
					   c->net[a].name, b);
			} else if (c->net[a].gateway && c->net[b].gateway &&
				   !strchr(c->net[a].gateway, ':') == !strchr(c->net[b].gateway, ':')) {
				/* one default route per family */
				char sub[64];
				snprintf(sub, sizeof(sub), "net[%zu].gateway", a);
				return bad(&p, sub, NULL, "net[%zu] has the %s default route already", b,
					   strchr(c->net[a].gateway, ':') ? "IPv6" : "IPv4");
			}
	if (c->n_net > 0 && c->ip_type != ZONE_IP_EXCLUSIVE)
		return bad(&p, "net", NULL, "interfaces need \"ip_type\": \"exclusive\"");
	for (size_t a = 0; a < c->n_fs; a++)
		for (size_t b = 0; b < a; b++)
			if (strcmp(c->fs[a].target, c->fs[b].target) == 0) {
				char sub[64];
				snprintf(sub, sizeof(sub), "fs[%zu].target", a);
				_cleanup_free_ char *q = zone_quote(c->fs[a].target, 80);
				return bad(&p, sub, NULL, "%s is the target of fs[%zu] too", q, b);
			}

	if ((v = json_object_get(j, "limits")) && (r = parse_limits(&p, v, &c->limits)) < 0)
		return r;
	if ((v = json_object_get(j, "limitpriv")) && (r = parse_limitpriv(&p, v, &c->limitpriv)) < 0)
		return r;

	if ((r = get_str(&p, j, "", "seccomp", &c->seccomp)) < 0)
		return r;
	if (c->seccomp && !valid_word(c->seccomp, 64, "_-"))
		return bad(&p, "seccomp", json_object_get(j, "seccomp"), "not a profile name");

	if ((v = json_object_get(j, "userns"))) {
		const char *s = json_string_value(v);
		if (strcmp(s, "auto") == 0)
			c->userns = ZONE_USERNS_AUTO;
		else if (strcmp(s, "none") == 0)
			c->userns = ZONE_USERNS_NONE;
		else
			return bad(&p, "userns", v, "not one of auto, none");
	}

	if ((v = json_object_get(j, "attrs")) && (r = parse_map(&p, v, "attrs", true, &c->attrs)) < 0)
		return r;
	if ((v = json_object_get(j, "brand_attrs")) &&
	    (r = parse_map(&p, v, "brand_attrs", false, &c->brand_attrs)) < 0)
		return r;

	*out = TAKE_PTR(c);
	return 0;
}

int zone_config_parse(const char *text, size_t len, const char *origin, struct zone_config **out,
		      struct zone_error *err)
{
	json_error_t je;
	_cleanup_json_ json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!j) {
		/* jansson quotes the offending token raw ("invalid token near '\x1b'") */
		char why[sizeof(je.text) * 4];
		char *o = why;
		for (const char *c = je.text; *c; c++) {
			unsigned char ch = (unsigned char)*c;
			if (ch < 0x20 || ch >= 0x7f)
				o += sprintf(o, "\\x%02x", ch);
			else
				*o++ = (char)ch;
		}
		*o = '\0';
		return zone_error_set(err, EINVAL, "%s: line %d, column %d: %s",
				      origin ? origin : "zone.json", je.line, je.column, why);
	}
	return zone_config_from_json(j, origin, out, err);
}

/* ---- serialize -------------------------------------------------------------- */

static void set_str(json_t *o, const char *k, const char *v)
{
	if (v)
		json_object_set_new(o, k, json_string(v));
}

static void set_uint(json_t *o, const char *k, uint64_t v)
{
	if (v)
		json_object_set_new(o, k, json_integer((json_int_t)v));
}

/* Sizes print in the largest unit that divides them exactly ("256M"). */
static void set_size(json_t *o, const char *k, uint64_t v)
{
	static const char units[] = "KMGT";
	if (!v)
		return;
	int u = -1;
	while (u < 3 && v % 1024 == 0) {
		v /= 1024;
		u++;
	}
	if (u < 0) {
		json_object_set_new(o, k, json_integer((json_int_t)v));
		return;
	}
	char buf[32];
	snprintf(buf, sizeof(buf), "%llu%c", (unsigned long long)v, units[u]);
	json_object_set_new(o, k, json_string(buf));
}

const char *zone_ip_type_to_string(enum zone_ip_type t)
{
	switch (t) {
	case ZONE_IP_EXCLUSIVE: return "exclusive";
	case ZONE_IP_SHARED: return "shared";
	default: return "none";
	}
}

json_t *zone_config_to_json(const struct zone_config *c)
{
	json_t *j = json_object();
	json_object_set_new(j, "version", json_integer(CONFIG_VERSION));
	set_str(j, "name", c->name);
	set_str(j, "brand", c->brand);
	set_str(j, "zonepath", c->zonepath);
	json_object_set_new(j, "autoboot", json_boolean(c->autoboot));
	if (c->detached)
		json_object_set_new(j, "detached", json_true());
	set_str(j, "hostname", c->hostname);
	json_object_set_new(j, "ip_type", json_string(zone_ip_type_to_string(c->ip_type)));
	if (c->n_net) {
		json_t *a = json_array();
		for (size_t i = 0; i < c->n_net; i++) {
			json_t *o = json_object();
			const struct zone_net *n = &c->net[i];
			set_str(o, "name", n->name);
			set_str(o, "bridge", n->bridge);
			set_str(o, "address", n->address);
			set_str(o, "gateway", n->gateway);
			set_str(o, "mac", n->mac);
			set_uint(o, "mtu", n->mtu);
			json_array_append_new(a, o);
		}
		json_object_set_new(j, "net", a);
	}
	if (c->n_fs) {
		json_t *a = json_array();
		for (size_t i = 0; i < c->n_fs; i++) {
			json_t *o = json_object();
			set_str(o, "source", c->fs[i].source);
			set_str(o, "target", c->fs[i].target);
			json_object_set_new(o, "readonly", json_boolean(c->fs[i].readonly));
			json_array_append_new(a, o);
		}
		json_object_set_new(j, "fs", a);
	}
	if (c->n_devices) {
		json_t *a = json_array();
		for (size_t i = 0; i < c->n_devices; i++) {
			json_t *o = json_object();
			set_str(o, "path", c->devices[i].path);
			set_str(o, "access", c->devices[i].access);
			json_array_append_new(a, o);
		}
		json_object_set_new(j, "devices", a);
	}
	json_t *l = json_object();
	set_uint(l, "cpu_cap", c->limits.cpu_cap);
	set_uint(l, "cpu_shares", c->limits.cpu_shares);
	set_size(l, "memory_cap", c->limits.memory_cap);
	set_size(l, "swap_cap", c->limits.swap_cap);
	set_uint(l, "max_processes", c->limits.max_processes);
	set_str(l, "cpuset", c->limits.cpuset);
	set_uint(l, "io_weight", c->limits.io_weight);
	if (json_object_size(l))
		json_object_set_new(j, "limits", l);
	else
		json_decref(l);
	if (c->limitpriv) {
		json_t *a = json_array();
		for (char **s = c->limitpriv; *s; s++)
			json_array_append_new(a, json_string(*s));
		json_object_set_new(j, "limitpriv", a);
	}
	set_str(j, "seccomp", c->seccomp);
	json_object_set_new(j, "userns", json_string(c->userns == ZONE_USERNS_NONE ? "none" : "auto"));
	if (c->n_admins) {
		json_t *a = json_array();
		for (size_t i = 0; i < c->n_admins; i++) {
			json_t *o = json_object(), *au = json_array();
			set_str(o, "user", c->admins[i].user);
			set_str(o, "group", c->admins[i].group);
			for (size_t k = 0; k < ELEMENTSOF(auth_names); k++)
				if (c->admins[i].auths & (1u << k))
					json_array_append_new(au, json_string(auth_names[k]));
			json_object_set_new(o, "auths", au);
			json_array_append_new(a, o);
		}
		json_object_set_new(j, "admins", a);
	}
	if (c->attrs && json_object_size(c->attrs))
		json_object_set(j, "attrs", c->attrs);
	if (c->brand_attrs && json_object_size(c->brand_attrs))
		json_object_set(j, "brand_attrs", c->brand_attrs);
	return j;
}

void zone_config_free(struct zone_config *c)
{
	if (!c)
		return;
	free(c->name);
	free(c->brand);
	free(c->zonepath);
	free(c->hostname);
	for (size_t i = 0; i < c->n_net; i++) {
		free(c->net[i].name);
		free(c->net[i].bridge);
		free(c->net[i].address);
		free(c->net[i].gateway);
		free(c->net[i].mac);
	}
	free(c->net);
	for (size_t i = 0; i < c->n_fs; i++) {
		free(c->fs[i].source);
		free(c->fs[i].target);
	}
	free(c->fs);
	for (size_t i = 0; i < c->n_devices; i++) {
		free(c->devices[i].path);
		free(c->devices[i].access);
	}
	free(c->devices);
	for (size_t i = 0; i < c->n_admins; i++) {
		free(c->admins[i].user);
		free(c->admins[i].group);
	}
	free(c->admins);
	free(c->limits.cpuset);
	strv_freep(&c->limitpriv);
	free(c->seccomp);
	if (c->attrs)
		json_decref(c->attrs);
	if (c->brand_attrs)
		json_decref(c->brand_attrs);
	free(c);
}

/* ---- editing ---------------------------------------------------------------- */

/* Turn the text of an assignment into a JSON value of the field's type. */
static int coerce(const char *path, enum ftype t, const char *val, json_t **out,
		  struct zone_error *err)
{
	_cleanup_free_ char *shown = zone_quote(val, 80);
	switch (t) {
	case F_BOOL:
		if (!strcmp(val, "true") || !strcmp(val, "yes") || !strcmp(val, "on") ||
		    !strcmp(val, "1"))
			*out = json_true();
		else if (!strcmp(val, "false") || !strcmp(val, "no") || !strcmp(val, "off") ||
			 !strcmp(val, "0"))
			*out = json_false();
		else
			return zone_error_set(err, EINVAL, "%s: %s: not a boolean (true or false)",
					      path, shown);
		return 0;
	case F_INT: {
		const char *d = val[0] == '-' ? val + 1 : val;
		uint64_t u;
		int r = zone_parse_u64(d, &u);
		if (r == -ERANGE || (r == 0 && u > (uint64_t)INT64_MAX))
			return zone_error_set(err, ERANGE, "%s: %s: out of range", path, shown);
		if (r < 0)
			return zone_error_set(err, EINVAL, "%s: %s: not an integer", path, shown);
		*out = json_integer(val[0] == '-' ? -(json_int_t)u : (json_int_t)u);
		return 0;
	}
	case F_SIZE: {
		uint64_t u;
		if (zone_parse_u64(val, &u) == 0 && u <= (uint64_t)INT64_MAX)
			*out = json_integer((json_int_t)u);
		else
			*out = json_string(val);
		return 0;
	}
	case F_STRLIST: {
		_cleanup_json_ json_t *a = json_array();
		_cleanup_free_ char *copy = strdup(val);
		if (!a || !copy)
			return zone_error_set(err, ENOMEM, "out of memory");
		char *save = NULL;
		for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
			if (json_array_append_new(a, json_string(tok)) < 0)
				return zone_error_set(err, EINVAL, "%s: %s: not valid UTF-8", path,
						      shown);
		*out = TAKE_PTR(a);
		return 0;
	}
	case F_STR:
	case F_MAP:
		*out = json_string(val);
		return *out ? 0 : zone_error_set(err, EINVAL, "%s: %s: not valid UTF-8", path, shown);
	default:
		return zone_error_set(err, EINVAL, "%s: cannot be set with key=value; use add/remove",
				      path);
	}
}

static int split_assignment(const char *a, char **key, const char **val, struct zone_error *err)
{
	const char *eq = strchr(a, '=');
	if (!eq || eq == a) {
		_cleanup_free_ char *s = zone_quote(a, 80);
		return zone_error_set(err, EINVAL, "%s: not of the form key=value", s);
	}
	*key = strndup(a, (size_t)(eq - a));
	*val = eq + 1;
	return *key ? 0 : zone_error_set(err, ENOMEM, "out of memory");
}

/* The type of any key of an F_MAP ("attrs.owner=..."): set as a string. */
static const struct field map_value = { "", F_MAP, NULL };

int zone_config_json_set(json_t *j, const char *assignment, struct zone_error *err)
{
	_cleanup_free_ char *key = NULL;
	const char *val;
	int r = split_assignment(assignment, &key, &val, err);
	if (r < 0)
		return r;

	char *dot = strchr(key, '.');
	const char *head = key;
	if (dot)
		*dot = '\0';
	const struct field *f = field_find(top_fields, head);
	if (!f) {
		_cleanup_free_ char *s = zone_quote(head, 60);
		return zone_error_set(err, EINVAL, "%s: unknown key", s);
	}
	if (strcmp(head, "name") == 0 || strcmp(head, "version") == 0)
		return zone_error_set(err, EINVAL, "%s: cannot be changed with set", head);

	json_t *parent = j;
	const char *leaf = head;
	const struct field *lf = f;
	if (dot) {
		const char *rest = dot + 1;
		if (f->type == F_OBJECT) {
			lf = field_find(f->sub, rest);
			if (!lf) {
				_cleanup_free_ char *s = zone_quote(rest, 60);
				return zone_error_set(err, EINVAL, "%s.%s: unknown key", head, s);
			}
		} else if (f->type == F_MAP) {
			lf = &map_value;
		} else if (f->type == F_ARRAY && f->sub) {
			/*
			 * net.0.address=... or net.eth0.address=...: one key of one
			 * resource that exists, by its index or its name.
			 */
			json_t *arr = json_object_get(j, head);
			size_t n = json_array_size(arr), idx = n;
			const char *sep = strchr(rest, '.');
			size_t sl = sep ? (size_t)(sep - rest) : 0;
			if (sep && sl && strspn(rest, "0123456789") == sl && sl < 10) {
				idx = (size_t)strtoul(rest, NULL, 10);
			} else if (sep && sl) {
				for (size_t k = 0; k < n; k++) {
					const char *nm = json_string_value(
						json_object_get(json_array_get(arr, k), "name"));
					if (nm && strlen(nm) == sl && !strncmp(nm, rest, sl)) {
						idx = k;
						break;
					}
				}
			}
			if (idx >= n) {
				_cleanup_free_ char *seg = sep ? strndup(rest, sl) : strdup(rest);
				_cleanup_free_ char *s = seg ? zone_quote(seg, 60) : NULL;
				return zone_error_set(err, EINVAL, "%s.%s: no such entry of %s (%s.N.KEY "
						      "with N from 0, or %s.NAME.KEY; add/remove make "
						      "and drop entries)", head, s ? s : "?", head, head,
						      head);
			}
			rest = sep + 1;
			if (!(lf = field_find(f->sub, rest))) {
				_cleanup_free_ char *s = zone_quote(rest, 60);
				return zone_error_set(err, EINVAL, "%s.%zu.%s: unknown key", head, idx, s);
			}
			parent = json_array_get(arr, idx);
			if (!json_is_object(parent))
				return zone_error_set(err, EINVAL, "%s.%zu: not an object", head, idx);
		} else {
			return zone_error_set(err, EINVAL, "%s: has no sub-keys", head);
		}
		if (f->type != F_ARRAY) {
			parent = json_object_get(j, head);
			if (!parent) {
				parent = json_object();
				json_object_set_new(j, head, parent);
			}
			if (!json_is_object(parent))
				return zone_error_set(err, EINVAL, "%s: not an object", head);
		}
		leaf = rest;
	} else if (f->type == F_ARRAY) {
		return zone_error_set(err, EINVAL, "%s: a list of resources: use add/remove", head);
	} else if (f->type == F_OBJECT || f->type == F_MAP) {
		return zone_error_set(err, EINVAL, "%s: set its keys (%s.KEY=VALUE)", head, head);
	}

	if (*val == '\0') { /* key= unsets */
		json_object_del(parent, leaf);
		return 0;
	}
	json_t *v = NULL;
	char path[256];
	snprintf(path, sizeof(path), "%s%s%s", head, dot ? "." : "", dot ? dot + 1 : "");
	if ((r = coerce(path, lf->type, val, &v, err)) < 0)
		return r;
	json_object_set_new(parent, leaf, v);
	return 0;
}

/* Do two arrays hold the same strings, in any order?  (auths are a set.) */
static bool same_string_set(json_t *a, json_t *b)
{
	size_t i, k;
	json_t *x, *y;
	json_t *arrs[2][2] = { { a, b }, { b, a } };
	for (int d = 0; d < 2; d++) {
		json_array_foreach(arrs[d][0], i, x) {
			bool found = false;
			json_array_foreach(arrs[d][1], k, y)
				if (json_equal(x, y))
					found = true;
			if (!found)
				return false;
		}
	}
	return true;
}

static int resource_lookup(const char *kind, const char **key, const struct field **fields,
			   struct zone_error *err)
{
	for (size_t i = 0; i < ELEMENTSOF(resources); i++)
		if (strcmp(kind, resources[i].kind) == 0) {
			*key = resources[i].key;
			*fields = resources[i].fields;
			return 0;
		}
	_cleanup_free_ char *s = zone_quote(kind, 40);
	return zone_error_set(err, EINVAL, "%s: not a resource (net, fs, device, admin)", s);
}

/* Build an object from k=v assignments, typed by the resource's fields. */
static int build_object(const char *kind, const struct field *fields, char *const *as,
			json_t **out, struct zone_error *err)
{
	_cleanup_json_ json_t *o = json_object();
	if (!o)
		return zone_error_set(err, ENOMEM, "out of memory");
	for (size_t i = 0; as && as[i]; i++) {
		_cleanup_free_ char *k = NULL;
		const char *v;
		int r = split_assignment(as[i], &k, &v, err);
		if (r < 0)
			return r;
		const struct field *f = field_find(fields, k);
		if (!f) {
			_cleanup_free_ char *s = zone_quote(k, 40);
			return zone_error_set(err, EINVAL, "%s: %s: unknown property", kind, s);
		}
		char path[128];
		snprintf(path, sizeof(path), "%s.%s", kind, k);
		json_t *jv = NULL;
		if ((r = coerce(path, f->type, v, &jv, err)) < 0)
			return r;
		json_object_set_new(o, k, jv);
	}
	if (json_object_size(o) == 0)
		return zone_error_set(err, EINVAL, "%s: needs at least one property=value", kind);
	*out = TAKE_PTR(o);
	return 0;
}

int zone_config_json_add(json_t *j, const char *kind, char *const *as, struct zone_error *err)
{
	const char *key;
	const struct field *fields;
	int r = resource_lookup(kind, &key, &fields, err);
	if (r < 0)
		return r;
	_cleanup_json_ json_t *o = NULL;
	if ((r = build_object(kind, fields, as, &o, err)) < 0)
		return r;
	json_t *arr = json_object_get(j, key);
	if (!arr) {
		arr = json_array();
		json_object_set_new(j, key, arr);
	}
	if (!json_is_array(arr))
		return zone_error_set(err, EINVAL, "%s: not an array", key);
	json_array_append_new(arr, TAKE_PTR(o));
	return 0;
}

int zone_config_json_remove(json_t *j, const char *kind, char *const *as, struct zone_error *err)
{
	const char *key;
	const struct field *fields;
	int r = resource_lookup(kind, &key, &fields, err);
	if (r < 0)
		return r;
	_cleanup_json_ json_t *match = NULL;
	if ((r = build_object(kind, fields, as, &match, err)) < 0)
		return r;
	json_t *arr = json_object_get(j, key);
	size_t removed = 0;
	for (size_t i = json_array_size(arr); i-- > 0;) {
		json_t *e = json_array_get(arr, i);
		const char *k;
		json_t *v;
		bool all = true;
		json_object_foreach(match, k, v) {
			json_t *have = json_object_get(e, k);
			/* auths match as a set: "manage,login" finds ["login","manage"] */
			bool eq = have && (json_is_array(have) && json_is_array(v) ?
						   same_string_set(have, v) : json_equal(have, v));
			if (!eq) {
				all = false;
				break;
			}
		}
		if (all) {
			json_array_remove(arr, i);
			removed++;
		}
	}
	if (removed == 0) {
		_cleanup_free_ char *s = json_dumps(match, JSON_COMPACT);
		return zone_error_set(err, ENOENT, "%s: no entry matches %s", kind, s ? s : "");
	}
	if (json_array_size(arr) == 0)
		json_object_del(j, key);
	return 0;
}
