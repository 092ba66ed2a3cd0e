// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-config.c - zone.json(5): parse, validate, serialize, edit.
 *
 * JSON in this file is written with single quotes for readability; j()
 * turns them into double quotes before parsing.  Expected error messages are
 * compared whole: they are part of the interface (convention 8: every error
 * names the file, the JSON path and the offending value).
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "tap.h"
#include "util.h"
#include "zone.h"

/* JSON with ' for ", in a static buffer (one at a time). */
static const char *j(const char *fmt, ...)
{
	static char buf[16384];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (char *c = buf; *c; c++)
		if (*c == '\'')
			*c = '"';
	return buf;
}

/* Parse text; on failure return the message (static), on success "". */
static const char *parse_msg(const char *text, size_t len)
{
	static struct zone_error err;
	struct zone_config *c = NULL;
	zone_error_clear(&err);
	int r = zone_config_parse(text, len, NULL, &c, &err);
	if (r == 0) {
		zone_config_free(c);
		return "";
	}
	if (c || err.code != EINVAL || r != -EINVAL)
		return "(failed without EINVAL, or set *out)";
	return err.msg;
}

/* A whole document must be refused with exactly this message. */
static void reject_doc(const char *doc, const char *want, const char *what)
{
	is_str(parse_msg(doc, strlen(doc)), want, "rejects %s", what);
}

/* {"name":"web","brand":"sparse","zonepath":"/zones/web", EXTRA}; no zonepath if EXTRA has one */
static const char *doc_with(const char *extra)
{
	if (strstr(extra, "'zonepath'"))
		return j("{'name':'web','brand':'sparse',%s}", extra);
	return j("{'name':'web','brand':'sparse','zonepath':'/zones/web',%s}", extra);
}

/* A config with these properties must be refused with exactly this message. */
static void reject(const char *extra, const char *want, const char *what)
{
	const char *doc = doc_with(extra);
	is_str(parse_msg(doc, strlen(doc)), want, "rejects %s", what);
}

static void accept(const char *extra, const char *what)
{
	const char *doc = doc_with(extra);
	is_str(parse_msg(doc, strlen(doc)), "", "accepts %s", what);
}

/* One interface: "ip_type": "exclusive", "net": [NET]. */
static void reject_net(const char *net, const char *want, const char *what)
{
	char extra[4096];
	snprintf(extra, sizeof(extra), "'ip_type':'exclusive','net':[%s]", net);
	reject(extra, want, what);
}

static void accept_net(const char *net, const char *what)
{
	char extra[4096];
	snprintf(extra, sizeof(extra), "'ip_type':'exclusive','net':[%s]", net);
	accept(extra, what);
}

static struct zone_config *parse_ok(const char *doc, const char *what)
{
	struct zone_error err = { 0 };
	struct zone_config *c = NULL;
	int r = zone_config_parse(doc, strlen(doc), "zone.json", &c, &err);
	if (!ok(r == 0 && c, "parses: %s", what))
		diag("error: %s", err.msg);
	return c;
}

/* ---- the maximal config and the round trip ------------------------------------- */

/* Every property of zone.json, written in the canonical form the serializer emits. */
static const char maximal[] =
	"{'version':1,'name':'web-1.example_zone','brand':'sparse',"
	"'zonepath':'/srv/zones/web','autoboot':true,'hostname':'web1.example.com',"
	"'ip_type':'exclusive',"
	"'net':[{'name':'eth0','bridge':'br0','address':'10.0.0.2/24','gateway':'10.0.0.1',"
	"'mac':'02:00:00:00:00:01','mtu':1500},"
	"{'name':'eth1','bridge':'br1','address':'fd00::2/64','gateway':'fd00::1','mtu':9000}],"
	"'fs':[{'source':'/srv/data','target':'/data','readonly':true},"
	"{'source':'/srv/scratch','target':'/scratch','readonly':false}],"
	"'devices':[{'path':'/dev/fuse','access':'rwm'},{'path':'/dev/net/tun','access':'rw'}],"
	"'limits':{'cpu_cap':150,'cpu_shares':1024,'memory_cap':'512M','swap_cap':'1G',"
	"'max_processes':4096,'cpuset':'0-1,3','io_weight':200},"
	"'limitpriv':['default','net_admin','sys_time'],'seccomp':'default','userns':'none',"
	"'admins':[{'user':'alice','auths':['login','manage']},"
	"{'group':'ops','auths':['login','manage','clone']}],"
	"'attrs':{'owner':'team-a','comment':'web front end, \\u00e9t\\u00e9'},"
	"'brand_attrs':{'release':'bookworm','packages':12,'minimal':true}}";

static void test_maximal(void)
{
	const char *doc = j("%s", maximal);
	json_error_t je;
	_cleanup_json_ json_t *in = json_loads(doc, 0, &je);
	ok(in != NULL, "the maximal test document is JSON");

	struct zone_config *c = parse_ok(doc, "maximal config");
	if (!c)
		return;
	is_str(c->name, "web-1.example_zone", "name");
	is_str(c->brand, "sparse", "brand");
	is_str(c->zonepath, "/srv/zones/web", "zonepath");
	ok(c->autoboot, "autoboot");
	is_str(c->hostname, "web1.example.com", "hostname");
	is_int(c->ip_type, ZONE_IP_EXCLUSIVE, "ip_type");
	is_int(c->n_net, 2, "two interfaces");
	is_str(c->net[0].address, "10.0.0.2/24", "net[0] v4 address");
	is_str(c->net[0].mac, "02:00:00:00:00:01", "net[0] mac");
	is_int(c->net[0].mtu, 1500, "net[0] mtu");
	is_str(c->net[1].address, "fd00::2/64", "net[1] v6 address");
	is_str(c->net[1].gateway, "fd00::1", "net[1] v6 gateway");
	ok(c->net[1].mac == NULL, "net[1] has no mac");
	is_int(c->n_fs, 2, "two file systems");
	ok(c->fs[0].readonly && !c->fs[1].readonly, "fs readonly flags");
	is_int(c->n_devices, 2, "two devices");
	is_str(c->devices[1].path, "/dev/net/tun", "device path");
	is_int(c->limits.cpu_cap, 150, "cpu_cap");
	is_int(c->limits.cpu_shares, 1024, "cpu_shares");
	ok(c->limits.memory_cap == UINT64_C(512) << 20, "memory_cap \"512M\" is 512 MiB");
	ok(c->limits.swap_cap == UINT64_C(1) << 30, "swap_cap \"1G\" is 1 GiB");
	is_int(c->limits.max_processes, 4096, "max_processes");
	is_str(c->limits.cpuset, "0-1,3", "cpuset");
	is_int(c->limits.io_weight, 200, "io_weight");
	ok(c->limitpriv && zone_strv_len(c->limitpriv) == 3 &&
		   !strcmp(c->limitpriv[1], "net_admin"),
	   "limitpriv");
	is_str(c->seccomp, "default", "seccomp");
	is_int(c->userns, ZONE_USERNS_NONE, "userns");
	is_int(c->n_admins, 2, "two admins");
	ok(c->admins[0].user && !c->admins[0].group &&
		   c->admins[0].auths == (ZONE_AUTH_LOGIN | ZONE_AUTH_MANAGE),
	   "admins[0]: user alice, login and manage");
	ok(!c->admins[1].user && c->admins[1].group &&
		   c->admins[1].auths == (ZONE_AUTH_LOGIN | ZONE_AUTH_MANAGE | ZONE_AUTH_CLONE),
	   "admins[1]: group ops, every auth");
	is_str(json_string_value(json_object_get(c->attrs, "comment")),
	       "web front end, \xc3\xa9t\xc3\xa9", "attrs (UTF-8 kept)");
	is_int(json_integer_value(json_object_get(c->brand_attrs, "packages")), 12,
	       "brand_attrs integer");
	ok(json_is_true(json_object_get(c->brand_attrs, "minimal")), "brand_attrs boolean");

	/* serialize: the canonical input comes back exactly */
	_cleanup_json_ json_t *out = zone_config_to_json(c);
	ok(json_equal(in, out), "to_json gives back the canonical input exactly");
	if (!json_equal(in, out)) {
		_cleanup_free_ char *s = json_dumps(out, JSON_COMPACT | JSON_SORT_KEYS);
		diag("to_json: %s", s);
	}

	/* parse -> serialize -> parse */
	_cleanup_free_ char *text = json_dumps(out, JSON_INDENT(2) | JSON_SORT_KEYS);
	struct zone_config *c2 = parse_ok(text, "serialized maximal config");
	_cleanup_json_ json_t *out2 = c2 ? zone_config_to_json(c2) : NULL;
	ok(out2 && json_equal(out, out2), "parse -> to_json -> parse -> to_json is equal");
	zone_config_free(c2);
	zone_config_free(c);
}

/* Non-canonical input: the serializer normalizes, and the result parses the same. */
static void test_normalization(void)
{
	const char *doc = j("{'name':'db','brand':'sparse','zonepath':'/zones/db',"
			    "'limits':{'memory_cap':1073741824,'swap_cap':1000,'cpu_cap':50},"
			    "'limitpriv':['CAP_NET_ADMIN','Sys_Time'],"
			    "'devices':[{'path':'/dev/fuse'}],"
			    "'admins':[{'user':'bob','auths':['clone','login','login']}]}");
	struct zone_config *c = parse_ok(doc, "non-canonical config");
	if (!c)
		return;
	_cleanup_json_ json_t *o = zone_config_to_json(c);
	json_t *l = json_object_get(o, "limits");
	is_str(json_string_value(json_object_get(l, "memory_cap")), "1G",
	       "integer memory_cap 1073741824 serializes as \"1G\"");
	is_int(json_integer_value(json_object_get(l, "swap_cap")), 1000,
	       "swap_cap 1000 (not a multiple of 1024) stays an integer");
	json_t *lp = json_object_get(o, "limitpriv");
	is_str(json_string_value(json_array_get(lp, 0)), "net_admin",
	       "limitpriv: CAP_NET_ADMIN is stored as net_admin");
	is_str(json_string_value(json_array_get(lp, 1)), "sys_time",
	       "limitpriv: Sys_Time is stored as sys_time");
	is_str(json_string_value(
		       json_object_get(json_array_get(json_object_get(o, "devices"), 0), "access")),
	       "rw", "a device without access gets \"rw\"");
	json_t *au = json_object_get(json_array_get(json_object_get(o, "admins"), 0), "auths");
	_cleanup_free_ char *aus = json_dumps(au, JSON_COMPACT);
	is_str(aus, "[\"login\",\"clone\"]", "auths: duplicates folded, canonical order");
	ok(json_is_false(json_object_get(o, "autoboot")), "autoboot defaults to false");
	is_str(json_string_value(json_object_get(o, "ip_type")), "none",
	       "ip_type defaults to none");
	is_str(json_string_value(json_object_get(o, "userns")), "auto", "userns defaults to auto");
	ok(!json_object_get(o, "hostname") && !json_object_get(o, "net"),
	   "unset optional properties are left out");

	_cleanup_free_ char *text = json_dumps(o, 0);
	struct zone_config *c2 = parse_ok(text, "serialized normalized config");
	_cleanup_json_ json_t *o2 = c2 ? zone_config_to_json(c2) : NULL;
	ok(o2 && json_equal(o, o2), "normalized config round trips");
	zone_config_free(c2);
	zone_config_free(c);

	/* sizes: every unit, and values that are not whole units */
	static const struct {
		const char *in, *out;
	} sizes[] = {
		{ "'1048576'", "1M" }, { "1048576", "1M" }, { "'1024K'", "1M" },
		{ "'1536M'", "1536M" }, { "'1.5G'", NULL }, { "'2T'", "2T" },
		{ "'1048576T'", "1048576T" }, { "1048577", NULL }, { "'3GiB'", "3G" },
	};
	for (size_t i = 0; i < ELEMENTSOF(sizes); i++) {
		const char *d =
			j("{'name':'a','brand':'b','zonepath':'/z/a','limits':{'memory_cap':%s}}",
			  sizes[i].in);
		struct zone_error err = { 0 };
		struct zone_config *s = NULL;
		int r = zone_config_parse(d, strlen(d), NULL, &s, &err);
		if (!sizes[i].out && strchr(sizes[i].in, '.')) {
			ok(r < 0, "memory_cap %s is refused", sizes[i].in);
			continue;
		}
		if (!ok(r == 0, "memory_cap %s parses", sizes[i].in)) {
			diag("%s", err.msg);
			continue;
		}
		_cleanup_json_ json_t *so = zone_config_to_json(s);
		json_t *m = json_object_get(json_object_get(so, "limits"), "memory_cap");
		if (sizes[i].out)
			is_str(json_string_value(m), sizes[i].out, "memory_cap %s serializes as %s",
			       sizes[i].in, sizes[i].out);
		else
			ok(json_is_integer(m), "memory_cap %s serializes as an integer",
			   sizes[i].in);
		zone_config_free(s);
	}
}

/* ---- rejections ----------------------------------------------------------------- */

static void test_keys_and_types(void)
{
	reject("'colour':'red'", "zone.json: \"colour\": unknown key", "an unknown top-level key");
	reject("'Name':'x'", "zone.json: \"Name\": unknown key", "keys are case-sensitive");
	reject("'limits':{'cpu_kap':5}", "zone.json: limits.\"cpu_kap\": unknown key",
	       "an unknown key in limits");
	reject_net("{'name':'eth0','vlan':5}", "zone.json: net[0].\"vlan\": unknown key",
		   "an unknown key in net[]");
	reject("'fs':[{'source':'/a','target':'/b','rw':true}]",
	       "zone.json: fs[0].\"rw\": unknown key", "an unknown key in fs[]");
	reject("'devices':[{'path':'/dev/fuse','mode':'rw'}]",
	       "zone.json: devices[0].\"mode\": unknown key", "an unknown key in devices[]");
	reject("'admins':[{'user':'a','auths':['login'],'role':'x'}]",
	       "zone.json: admins[0].\"role\": unknown key", "an unknown key in admins[]");
	reject("'x\\u001b[2J':1", "zone.json: \"x\\x1b[2J\": unknown key",
	       "an unknown key with an escape sequence (shown escaped)");

	reject_doc(j("{'name':5,'brand':'sparse','zonepath':'/z'}"),
		   "zone.json: name: 5: not a string (got an integer)", "name as an integer");
	reject("'autoboot':'yes'",
	       "zone.json: autoboot: \"yes\": not a boolean (true or false) (got a string)",
	       "autoboot as a string");
	reject("'autoboot':1",
	       "zone.json: autoboot: 1: not a boolean (true or false) (got an integer)",
	       "autoboot as an integer");
	reject("'hostname':null", "zone.json: hostname: null: not a string (got null)",
	       "hostname null");
	reject("'version':'1'", "zone.json: version: \"1\": not an integer (got a string)",
	       "version as a string");
	reject("'limits':{'cpu_cap':'50'}",
	       "zone.json: limits.cpu_cap: \"50\": not an integer (got a string)",
	       "cpu_cap as a string");
	reject("'limits':{'cpu_cap':50.5}",
	       "zone.json: limits.cpu_cap: 50.5: not an integer (got a number)",
	       "cpu_cap as a real");
	reject("'limits':{'memory_cap':true}",
	       "zone.json: limits.memory_cap: true: not a size (got a boolean)",
	       "memory_cap as a boolean");
	reject("'limits':[]", "zone.json: limits: []: not an object (got an array)",
	       "limits as an array");
	reject("'net':{}", "zone.json: net: {}: not an array (got an object)", "net as an object");
	reject_net("'eth0'", "zone.json: net[0]: \"eth0\": not an object", "net[0] as a string");
	reject("'fs':[[1,2]]", "zone.json: fs[0]: [1,2]: not an object", "fs[0] as an array");
	reject("'fs':[{'source':'/a','target':'/b','readonly':'yes'}]",
	       "zone.json: fs[0].readonly: \"yes\": not a boolean (true or false) (got a string)",
	       "fs readonly as a string");
	reject("'limitpriv':'net_admin'",
	       "zone.json: limitpriv: \"net_admin\": not an array of strings (got a string)",
	       "limitpriv as a string");
	reject("'limitpriv':['net_admin',1]", "zone.json: limitpriv[1]: 1: not a string",
	       "limitpriv with an integer");
	reject("'admins':[{'user':'a','auths':'login'}]",
	       "zone.json: admins[0].auths: \"login\": not an array of strings (got a string)",
	       "auths as a string");
	reject("'admins':[{'user':'a','auths':[5]}]",
	       "zone.json: admins[0].auths[0]: 5: not a string", "auths with an integer");
	reject("'attrs':{'a':1}", "zone.json: attrs.\"a\": 1: not a string",
	       "attrs with an integer");
	reject("'attrs':[]", "zone.json: attrs: []: not an object (got an array)",
	       "attrs as an array");
	reject("'brand_attrs':{'a':1.5}",
	       "zone.json: brand_attrs.\"a\": 1.5: not a string, integer or boolean",
	       "brand_attrs with a real");
	reject("'brand_attrs':{'a':{'b':1}}",
	       "zone.json: brand_attrs.\"a\": {\"b\":1}: not a string, integer or boolean",
	       "brand_attrs with an object");
	reject("'brand_attrs':{'a':null}",
	       "zone.json: brand_attrs.\"a\": null: not a string, integer or boolean",
	       "brand_attrs with null");
	reject("'brand_attrs':{'a':['\\u009b']}",
	       "zone.json: brand_attrs.\"a\": [\"\\u009B\"]: not a string, integer or boolean",
	       "a non-ASCII value in a message is escaped");
	reject("'brand_attrs':{'a':['\x7f']}",
	       "zone.json: brand_attrs.\"a\": [\"\\u007f\"]: not a string, integer or boolean",
	       "DEL in a value is escaped (jansson leaves it raw)");
	reject("'attrs':{'a b':'x'}",
	       "zone.json: attrs.\"a b\": not a key (1 to 64 of letters, digits, '_', '.', ':', "
	       "'-')",
	       "an attrs key with a space");
	reject("'ip_type':'bridged'",
	       "zone.json: ip_type: \"bridged\": not one of exclusive, shared, none",
	       "ip_type bridged");
	reject("'userns':'maybe'", "zone.json: userns: \"maybe\": not one of auto, none",
	       "userns maybe");
	reject("'seccomp':'../x'", "zone.json: seccomp: \"../x\": not a profile name",
	       "seccomp ../x");
	reject("'hostname':'-web'", "zone.json: hostname: \"-web\": not a host name",
	       "hostname -web");
	reject("'hostname':'a..b'", "zone.json: hostname: \"a..b\": not a host name",
	       "hostname a..b");
	reject("'hostname':'a_b'", "zone.json: hostname: \"a_b\": not a host name", "hostname a_b");
	reject_doc(j("{'brand':'sparse','zonepath':'/z'}"), "zone.json: name: missing",
		   "a missing name");
	reject_doc(j("{'name':'web','zonepath':'/z'}"), "zone.json: brand: missing",
		   "a missing brand");
	reject_doc(j("{'name':'web','brand':'sparse'}"), "zone.json: zonepath: missing",
		   "a missing zonepath");
	reject_doc(j("{'name':'../x','brand':'sparse'}"),
		   "zone.json: zone name: \"../x\": must start with a letter or digit",
		   "name ../x");
	reject_doc(j("{'name':'global','brand':'sparse'}"),
		   "zone.json: zone name: \"global\": reserved for the host", "name global");
	reject_doc(j("{'name':'web','brand':'../lx','zonepath':'/z'}"),
		   "zone.json: brand: \"../lx\": not a brand name", "brand ../lx");
	reject("'version':2",
	       "zone.json: version: 2: unsupported version (this libzone reads version 1)",
	       "version 2");
	reject("'version':0",
	       "zone.json: version: 0: unsupported version (this libzone reads version 1)",
	       "version 0");
}

static void test_numbers(void)
{
	/* sizes */
	reject("'limits':{'memory_cap':'12Q'}", "zone.json: limits.memory_cap: \"12Q\": not a size",
	       "memory_cap 12Q");
	reject("'limits':{'memory_cap':'-1G'}", "zone.json: limits.memory_cap: \"-1G\": not a size",
	       "memory_cap -1G");
	reject("'limits':{'memory_cap':-1}", "zone.json: limits.memory_cap: -1: not a size",
	       "memory_cap -1");
	reject("'limits':{'swap_cap':''}", "zone.json: limits.swap_cap: \"\": not a size",
	       "swap_cap empty");
	reject("'limits':{'memory_cap':'1K'}",
	       "zone.json: limits.memory_cap: \"1K\": too small (at least 1048576 bytes)",
	       "memory_cap below 1M");
	reject("'limits':{'memory_cap':'16777216T'}",
	       "zone.json: limits.memory_cap: \"16777216T\": size out of range",
	       "memory_cap 2^64 bytes");
	reject("'limits':{'memory_cap':'1048577T'}",
	       "zone.json: limits.memory_cap: \"1048577T\": size out of range",
	       "memory_cap just above 2^60");
	reject("'limits':{'memory_cap':'18446744073709551616'}",
	       "zone.json: limits.memory_cap: \"18446744073709551616\": size out of range",
	       "memory_cap \"2^64\"");
	reject("'limits':{'memory_cap':9223372036854775807}",
	       "zone.json: limits.memory_cap: 9223372036854775807: size out of range",
	       "memory_cap 2^63-1");
	accept("'limits':{'swap_cap':0}", "swap_cap 0 (not set)");

	/* integers that JSON can carry but the schema refuses */
	reject("'limits':{'cpu_cap':-1}",
	       "zone.json: limits.cpu_cap: -1: out of range (1 to 409600)", "cpu_cap -1");
	reject("'limits':{'cpu_cap':-9223372036854775808}",
	       "zone.json: limits.cpu_cap: -9223372036854775808: out of range (1 to 409600)",
	       "cpu_cap -2^63");
	reject("'limits':{'cpu_cap':9223372036854775807}",
	       "zone.json: limits.cpu_cap: 9223372036854775807: out of range (1 to 409600)",
	       "cpu_cap 2^63-1");
	reject("'version':-1",
	       "zone.json: version: -1: unsupported version (this libzone reads version 1)",
	       "version -1");
	reject_net("{'name':'eth0','mtu':-1500}",
		   "zone.json: net[0].mtu: -1500: out of range (68 to 65535)", "mtu -1500");

	/* integers that do not fit a JSON integer (int64) at all: refused by the JSON reader */
	reject("'limits':{'cpu_cap':9223372036854775808}",
	       "zone.json: line 1, column 94: too big integer near '9223372036854775808'",
	       "cpu_cap 2^63");
	reject("'limits':{'cpu_cap':18446744073709551616}",
	       "zone.json: line 1, column 95: too big integer near '18446744073709551616'",
	       "cpu_cap 2^64");
	reject("'limits':{'memory_cap':18446744073709551616}",
	       "zone.json: line 1, column 98: too big integer near '18446744073709551616'",
	       "memory_cap 2^64");
	reject("'limits':{'max_processes':-9223372036854775809}",
	       "zone.json: line 1, column 101: too big negative integer near "
	       "'-9223372036854775809'",
	       "max_processes -2^63-1");

	/* ranges, both sides of each bound */
	static const struct {
		const char *key;
		long long lo, hi;
	} ranges[] = {
		{ "cpu_cap", 1, 409600 },
		{ "cpu_shares", 2, 262144 },
		{ "max_processes", 1, 4194304 },
		{ "io_weight", 1, 10000 },
	};
	for (size_t i = 0; i < ELEMENTSOF(ranges); i++) {
		char extra[256], want[256];
		const char *k = ranges[i].key;
		long long bad[] = { ranges[i].lo - 1, ranges[i].hi + 1 };
		for (int b = 0; b < 2; b++) {
			snprintf(extra, sizeof(extra), "'limits':{'%s':%lld}", k, bad[b]);
			snprintf(want, sizeof(want),
				 "zone.json: limits.%s: %lld: out of range (%lld to %lld)", k,
				 bad[b], ranges[i].lo, ranges[i].hi);
			char what[64];
			snprintf(what, sizeof(what), "%s %lld", k, bad[b]);
			reject(extra, want, what);
		}
		snprintf(extra, sizeof(extra), "'limits':{'%s':%lld}", k, ranges[i].lo);
		accept(extra, k);
		snprintf(extra, sizeof(extra), "'limits':{'%s':%lld}", k, ranges[i].hi);
		accept(extra, k);
	}
	reject_net("{'name':'eth0','mtu':67}",
		   "zone.json: net[0].mtu: 67: out of range (68 to 65535)", "mtu 67");
	reject_net("{'name':'eth0','mtu':65536}",
		   "zone.json: net[0].mtu: 65536: out of range (68 to 65535)", "mtu 65536");
	reject_net("{'name':'eth0','mtu':0}",
		   "zone.json: net[0].mtu: 0: out of range (68 to 65535)", "mtu 0");
	accept_net("{'name':'eth0','mtu':68}", "mtu 68");
	accept_net("{'name':'eth0','mtu':65535}", "mtu 65535");

	reject("'limits':{'cpuset':'3-1'}",
	       "zone.json: limits.cpuset: \"3-1\": not a CPU list (\"0-3,5\")", "cpuset 3-1");
	reject("'limits':{'cpuset':'4096'}",
	       "zone.json: limits.cpuset: \"4096\": not a CPU list (\"0-3,5\")", "cpuset 4096");
	reject("'limits':{'cpuset':'0,'}",
	       "zone.json: limits.cpuset: \"0,\": not a CPU list (\"0-3,5\")", "cpuset 0,");
	reject("'limits':{'cpuset':'99999999999999999999999'}",
	       "zone.json: limits.cpuset: \"99999999999999999999999\": not a CPU list (\"0-3,5\")",
	       "cpuset with an overflowing number");
	accept("'limits':{'cpuset':'0-4095'}", "cpuset 0-4095");
}

static void test_net(void)
{
	static const char *const bad_cidrs[] = {
		"10.0.0.1/33", "10.0.0/24", "fd00::1/129", "abc", "10.0.0.1", "/24", "10.0.0.1/",
		"10.0.0.1/-1", "10.0.0.1/+8", "10.0.0.1/ 8", "10.0.0.1/0024", "fd00::1/64/1",
		"10.0.0.256/24",
	};
	for (size_t i = 0; i < ELEMENTSOF(bad_cidrs); i++) {
		char net[256], want[256];
		snprintf(net, sizeof(net), "{'name':'eth0','address':'%s'}", bad_cidrs[i]);
		snprintf(want, sizeof(want),
			 "zone.json: net[0].address: \"%s\": not an address in CIDR form "
			 "(10.0.0.2/24 or fd00::2/64)",
			 bad_cidrs[i]);
		reject_net(net, want, bad_cidrs[i]);
	}
	accept_net("{'name':'eth0','address':'10.0.0.2/32'}", "a /32");
	accept_net("{'name':'eth0','address':'fd00::2/128'}", "a /128");
	accept_net("{'name':'eth0','address':'10.1.2.3/0'}", "a /0");

	reject_net("{'name':'eth0','address':'10.0.0.2/24','gateway':'10.0.1.1'}",
		   "zone.json: net[0].gateway: \"10.0.1.1\": outside the subnet of 10.0.0.2/24",
		   "a v4 gateway outside the subnet");
	reject_net("{'name':'eth0','address':'10.0.0.130/25','gateway':'10.0.0.1'}",
		   "zone.json: net[0].gateway: \"10.0.0.1\": outside the subnet of 10.0.0.130/25",
		   "a v4 gateway outside a /25 (bit mask)");
	accept_net("{'name':'eth0','address':'10.0.0.2/23','gateway':'10.0.1.1'}",
		   "a v4 gateway inside a /23");
	reject_net("{'name':'eth0','address':'fd00::2/64','gateway':'fd01::1'}",
		   "zone.json: net[0].gateway: \"fd01::1\": outside the subnet of fd00::2/64",
		   "a v6 gateway outside the subnet");
	reject_net("{'name':'eth0','address':'10.0.0.2/24','gateway':'fd00::1'}",
		   "zone.json: net[0].gateway: \"fd00::1\": not the same address family as address "
		   "10.0.0.2/24",
		   "a v6 gateway for a v4 address");
	reject_net(
		"{'name':'eth0','address':'fd00::2/64','gateway':'10.0.0.1'}",
		"zone.json: net[0].gateway: \"10.0.0.1\": not the same address family as address "
		"fd00::2/64",
		"a v4 gateway for a v6 address");
	reject_net("{'name':'eth0','gateway':'10.0.0.1'}",
		   "zone.json: net[0].gateway: \"10.0.0.1\": a gateway needs an address",
		   "a gateway without an address");
	reject_net("{'name':'eth0','address':'10.0.0.2/24','gateway':'10.0.0'}",
		   "zone.json: net[0].gateway: \"10.0.0\": not an IP address", "a gateway 10.0.0");

	static const char *const bad_macs[] = {
		"03:00:00:00:00:01",
		"ff:ff:ff:ff:ff:ff",
		"01:00:5e:00:00:01",
		"00:00:00:00:00:00",
		"02:00:00:00:00",
		"02:00:00:00:00:01:02",
		"02:00:00:00:00:1",
		"02-00-00-00-00-01",
		"02:00:00:00:00:0g",
		"2:00:00:00:00:001",
		"02:00:00:00:00:01 ",
		"0200.0000.0001",
		"",
	};
	for (size_t i = 0; i < ELEMENTSOF(bad_macs); i++) {
		char net[256], want[256];
		snprintf(net, sizeof(net), "{'name':'eth0','mac':'%s'}", bad_macs[i]);
		snprintf(want, sizeof(want),
			 "zone.json: net[0].mac: \"%s\": not a unicast MAC address "
			 "(02:00:00:00:00:01)",
			 bad_macs[i]);
		reject_net(net, want, bad_macs[i][0] ? bad_macs[i] : "an empty MAC");
	}
	accept_net("{'name':'eth0','mac':'0A:1b:2C:3d:4E:5f'}", "a mixed-case MAC");
	accept_net("{'name':'eth0','mac':'00:00:00:00:00:01'}", "a MAC with a zero first byte");

	reject_net("{'name':'eth0'},{'name':'eth1'},{'name':'eth0'}",
		   "zone.json: net[2].name: \"eth0\" is used by net[0] too", "duplicate net names");
	reject_net("{'bridge':'br0'}",
		   "zone.json: net[0]: missing \"name\" (the interface name in the zone)",
		   "a net without a name");
	reject_net(
		"{'name':'eth0123456789abc'}",
		"zone.json: net[0].name: \"eth0123456789abc\": not an interface name (1 to 15 of "
		"letters, digits, '-', '_', '.')",
		"a 16-character interface name");
	reject_net("{'name':'..'}",
		   "zone.json: net[0].name: \"..\": not an interface name (1 to 15 of letters, "
		   "digits, '-', '_', '.')",
		   "interface name ..");
	reject_net("{'name':'eth0','bridge':'br/0'}",
		   "zone.json: net[0].bridge: \"br/0\": not an interface name", "bridge br/0");
	reject("'net':[{'name':'eth0'}]",
	       "zone.json: net: interfaces need \"ip_type\": \"exclusive\"", "net without ip_type");
	reject("'ip_type':'shared','net':[{'name':'eth0'}]",
	       "zone.json: net: interfaces need \"ip_type\": \"exclusive\"",
	       "net with ip_type shared");
}

static void test_paths(void)
{
	static const char *const bad_paths[] = {
		"a/b", "/a/../b", "/a//b", "/a/", "", "/a/.", "."
	};
	for (size_t i = 0; i < ELEMENTSOF(bad_paths); i++) {
		char extra[256], want[256], what[64];
		const char *b = bad_paths[i];
		snprintf(extra, sizeof(extra), "'fs':[{'source':'%s','target':'/data'}]", b);
		snprintf(want, sizeof(want),
			 "zone.json: fs[0].source: \"%s\": not an absolute, normalized path", b);
		snprintf(what, sizeof(what), "fs source \"%s\"", b);
		reject(extra, want, what);
		snprintf(extra, sizeof(extra), "'fs':[{'source':'/srv','target':'%s'}]", b);
		snprintf(
			want, sizeof(want),
			"zone.json: fs[0].target: \"%s\": not an absolute, normalized path below /",
			b);
		snprintf(what, sizeof(what), "fs target \"%s\"", b);
		reject(extra, want, what);
		snprintf(extra, sizeof(extra), "'zonepath':'%s'", b);
		snprintf(want, sizeof(want),
			 "zone.json: zonepath: \"%s\": not an absolute, normalized path", b);
		snprintf(what, sizeof(what), "zonepath \"%s\"", b);
		reject(extra, want, what);
	}
	reject("'fs':[{'source':'/srv','target':'/'}]",
	       "zone.json: fs[0].target: \"/\": not an absolute, normalized path below /",
	       "fs target /");
	reject("'fs':[{'source':'/srv','target':'/a\\nb'}]",
	       "zone.json: fs[0].target: \"/a\\nb\": not an absolute, normalized path below /",
	       "fs target with a newline");
	reject("'fs':[{'target':'/data'}]", "zone.json: fs[0]: missing \"source\"",
	       "fs without source");
	reject("'fs':[{'source':'/srv'}]", "zone.json: fs[0]: missing \"target\"",
	       "fs without target");

	static const struct {
		const char *target, *dir;
	} forbidden[] = {
		{ "/proc", "/proc" }, { "/proc/sys", "/proc" }, { "/proc/1/root", "/proc" },
		{ "/sys", "/sys" }, { "/sys/fs/cgroup", "/sys" }, { "/dev/shm", "/dev" },
	};
	for (size_t i = 0; i < ELEMENTSOF(forbidden); i++) {
		char extra[256], want[256];
		snprintf(extra, sizeof(extra), "'fs':[{'source':'/srv','target':'%s'}]",
			 forbidden[i].target);
		snprintf(want, sizeof(want),
			 "zone.json: fs[0].target: \"%s\": must not be inside %s",
			 forbidden[i].target, forbidden[i].dir);
		reject(extra, want, forbidden[i].target);
	}
	accept("'fs':[{'source':'/srv','target':'/procfs'}]", "fs target /procfs");
	reject("'fs':[{'source':'/a','target':'/data'},{'source':'/b','target':'/data'}]",
	       "zone.json: fs[1].target: \"/data\" is the target of fs[0] too",
	       "duplicate fs targets");
	reject("'fs':[{'source':'/a','target':'/d\\u00e9'},{'source':'/b','target':'/d\\u00e9'}]",
	       "zone.json: fs[1].target: \"/d\\xc3\\xa9\" is the target of fs[0] too",
	       "duplicate fs targets, non-ASCII shown escaped");

	reject("'zonepath':'/'", "zone.json: zonepath: \"/\": must not be the root directory",
	       "zonepath /");
	static const char *const system[] = {
		"/etc", "/usr/lib/x", "/usr", "/proc/1", "/dev/zones", "/boot/z", "/sys/x",
		"/lib64", "/bin",
	};
	for (size_t i = 0; i < ELEMENTSOF(system); i++) {
		char extra[128], want[256];
		snprintf(extra, sizeof(extra), "'zonepath':'%s'", system[i]);
		snprintf(
			want, sizeof(want),
			"zone.json: zonepath: \"%s\": must not be a system directory or inside one",
			system[i]);
		reject(extra, want, system[i]);
	}
	static const char *const top[] = { "/var", "/var/lib", "/home", "/tmp", "/srv", "/opt" };
	for (size_t i = 0; i < ELEMENTSOF(top); i++) {
		char extra[128], want[256];
		snprintf(extra, sizeof(extra), "'zonepath':'%s'", top[i]);
		snprintf(want, sizeof(want),
			 "zone.json: zonepath: \"%s\": must not be a top-level system directory",
			 top[i]);
		reject(extra, want, top[i]);
	}
	accept("'zonepath':'/var/lib/zones/web'", "zonepath /var/lib/zones/web");
	accept("'zonepath':'/etcetera/web'", "zonepath /etcetera/web (not inside /etc)");
	accept("'zonepath':'/zones/web'", "zonepath /zones/web");

	reject("'devices':[{'path':'/dev'}]",
	       "zone.json: devices[0].path: \"/dev\": not a normalized path below /dev/",
	       "device /dev");
	reject("'devices':[{'path':'/dev/../etc/shadow'}]",
	       "zone.json: devices[0].path: \"/dev/../etc/shadow\": not a normalized path below "
	       "/dev/",
	       "device /dev/../etc/shadow");
	reject("'devices':[{'path':'/etc/shadow'}]",
	       "zone.json: devices[0].path: \"/etc/shadow\": not a normalized path below /dev/",
	       "device /etc/shadow");
	reject("'devices':[{'access':'r'}]", "zone.json: devices[0]: missing \"path\"",
	       "device without path");
	static const char *const bad_access[] = { "", "rwx", "rwmr", "R" };
	for (size_t i = 0; i < ELEMENTSOF(bad_access); i++) {
		char extra[128], want[256];
		snprintf(extra, sizeof(extra), "'devices':[{'path':'/dev/fuse','access':'%s'}]",
			 bad_access[i]);
		snprintf(want, sizeof(want),
			 "zone.json: devices[0].access: \"%s\": not a combination of r, w and m",
			 bad_access[i]);
		reject(extra, want, want + 11);
	}
}

static void test_admins_and_privileges(void)
{
	reject("'admins':[{'user':'alice','group':'ops','auths':['login']}]",
	       "zone.json: admins[0]: needs exactly one of \"user\" and \"group\"",
	       "an admin with both user and group");
	reject("'admins':[{'auths':['login']}]",
	       "zone.json: admins[0]: needs exactly one of \"user\" and \"group\"",
	       "an admin with neither user nor group");
	reject("'admins':[{'user':'alice','auths':['login','root']}]",
	       "zone.json: admins[0].auths[1]: \"root\": not an authorization (login, manage, "
	       "clone)",
	       "an unknown auth");
	reject("'admins':[{'user':'alice','auths':['Login']}]",
	       "zone.json: admins[0].auths[0]: \"Login\": not an authorization (login, manage, "
	       "clone)",
	       "auths are case-sensitive");
	reject("'admins':[{'user':'alice'}]",
	       "zone.json: admins[0].auths: needs at least one of login, manage, clone",
	       "an admin without auths");
	reject("'admins':[{'group':'ops','auths':[]}]",
	       "zone.json: admins[0].auths: []: needs at least one of login, manage, clone",
	       "an admin with empty auths");
	reject("'admins':[{'user':'al ice','auths':['login']}]",
	       "zone.json: admins[0].user: \"al ice\": not a user or group name",
	       "user \"al ice\"");
	reject("'admins':[{'group':'1ops','auths':['login']}]",
	       "zone.json: admins[0].group: \"1ops\": not a user or group name", "group 1ops");

	reject("'limitpriv':['net_admin','bogus']",
	       "zone.json: limitpriv[1]: \"bogus\": not a capability name",
	       "an unknown capability");
	reject("'limitpriv':['chown2']",
	       "zone.json: limitpriv[0]: \"chown2\": not a capability name",
	       "a capability name with a suffix (libcap matches the prefix)");
	reject("'limitpriv':['cap_cap_chown']",
	       "zone.json: limitpriv[0]: \"cap_cap_chown\": not a capability name",
	       "a doubled cap_ prefix");
	reject("'limitpriv':['net admin']",
	       "zone.json: limitpriv[0]: \"net admin\": not a capability name",
	       "a space in a name");
	reject("'limitpriv':['']", "zone.json: limitpriv[0]: \"\": not a capability name",
	       "an empty capability name");
	reject("'limitpriv':['cap_net_admin','NET_ADMIN']",
	       "zone.json: limitpriv[1]: \"NET_ADMIN\": listed twice", "a capability listed twice");
	accept("'limitpriv':['CAP_SYS_TIME','default','none','chown','checkpoint_restore']",
	       "upper case, cap_ prefix, default and none");
}

static void test_json_level(void)
{
	reject_doc(j("{'name':'web','brand':'sparse','name':'db'}"),
		   "zone.json: line 1, column 37: duplicate object key near '\"name\"'",
		   "a duplicate top-level key");
	reject("'limits':{'cpu_cap':1,'cpu_cap':2}",
	       "zone.json: line 1, column 86: duplicate object key near '\"cpu_cap\"'",
	       "a duplicate nested key");
	reject_doc(j("{'name':'web',"),
		   "zone.json: line 1, column 14: string or '}' expected near end of file",
		   "truncated JSON");
	reject_doc("{'name':'web'}", "zone.json: line 1, column 2: string or '}' expected near '''",
		   "single-quoted JSON");
	reject_doc(j("{'name':'web','brand':'sparse'} x"),
		   "zone.json: line 1, column 33: end of file expected near 'x'",
		   "trailing garbage");
	reject_doc("", "zone.json: line 1, column 0: '[' or '{' expected near end of file",
		   "an empty document");
	reject_doc("{\"name\": \x1b[31m}",
		   "zone.json: line 1, column 10: invalid token near '\\x1b'",
		   "a raw escape byte (shown escaped)");
	reject_doc("{\"name\": \"\xff\"}",
		   "zone.json: line 1, column 10: unable to decode byte 0xff near '\"'",
		   "invalid UTF-8 in a string");
	reject_doc(
		j("{'name':'w\\u0000b','brand':'sparse'}"),
		"zone.json: line 1, column 18: \\u0000 is not allowed without JSON_ALLOW_NUL near "
		"'\"w\\u0000b\"'",
		"a NUL inside a string");

	/* the length is what counts: bytes after it are not read */
	const char *doc = j("{'name':'web','brand':'sparse','zonepath':'/z'}garbage");
	is_str(parse_msg(doc, strlen(doc) - 7), "", "parses exactly len bytes");

	reject_doc("[]", "zone.json: (top level): not a JSON object", "a top-level array");
	reject_doc(j("[{'name':'web','brand':'sparse'}]"),
		   "zone.json: (top level): not a JSON object", "a config inside an array");
	reject_doc("\"web\"", "zone.json: line 1, column 5: '[' or '{' expected near '\"web\"'",
		   "a top-level string");
	reject_doc("42", "zone.json: line 1, column 2: '[' or '{' expected near '42'",
		   "a top-level number");

	struct zone_error err = { 0 };
	struct zone_config *c = NULL;
	_cleanup_json_ json_t *num = json_integer(1);
	is_int(zone_config_from_json(num, "x.json", &c, &err), -EINVAL, "from_json of an integer");
	is_str(err.msg, "x.json: (top level): not a JSON object", "from_json uses the origin");
	ok(c == NULL, "from_json leaves *out alone on failure");
	const char *bad = "{\"name\": 1}";
	zone_config_parse(bad, strlen(bad), "web.json", &c, &err);
	is_str(err.msg, "web.json: name: 1: not a string (got an integer)",
	       "parse uses the origin");

	/* too many entries */
	_cleanup_json_ json_t *big = json_pack("{s:s, s:s, s:s, s:[]}", "name", "web", "brand",
					       "sparse", "zonepath", "/z", "fs");
	for (int i = 0; i < 257; i++) {
		char t[32];
		snprintf(t, sizeof(t), "/t%d", i);
		json_array_append_new(json_object_get(big, "fs"),
				      json_pack("{s:s, s:s}", "source", "/srv", "target", t));
	}
	is_int(zone_config_from_json(big, NULL, &c, &err), -EINVAL, "257 fs entries refused");
	is_str(err.msg, "zone.json: fs: too many entries (at most 256)", "too many fs entries");
	json_array_remove(json_object_get(big, "fs"), 0);
	is_int(zone_config_from_json(big, NULL, &c, &err), 0, "256 fs entries accepted");
	zone_config_free(c);
	c = NULL;

	char longval[4100];
	memset(longval, 'v', 4097);
	longval[4097] = '\0';
	_cleanup_json_ json_t *la = json_pack("{s:s, s:s, s:s, s:{s:s}}", "name", "web", "brand",
					      "sparse", "zonepath", "/z", "attrs", "k", longval);
	is_int(zone_config_from_json(la, NULL, &c, &err), -EINVAL, "a 4097-byte attribute refused");
	is_str(err.msg, "zone.json: attrs.\"k\": value longer than 4096 bytes", "long attribute");
}

/* ---- editing ------------------------------------------------------------------- */

static json_t *base(void)
{
	return json_pack("{s:s, s:s, s:s}", "name", "web", "brand", "sparse", "zonepath",
			 "/zones/web");
}

static void set_ok(json_t *o, const char *a)
{
	struct zone_error err = { 0 };
	if (!ok(zone_config_json_set(o, a, &err) == 0, "set %s", a))
		diag("%s", err.msg);
}

static void set_fails(json_t *o, const char *a, const char *want)
{
	struct zone_error err = { 0 };
	_cleanup_free_ char *before = json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT);
	int r = zone_config_json_set(o, a, &err);
	_cleanup_free_ char *after = json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT);
	ok(r < 0 && !strcmp(before, after), "set %s is refused and changes nothing", a);
	is_str(err.msg, want, "set %s: message", a);
}

static void still_valid(json_t *o, const char *what)
{
	struct zone_error err = { 0 };
	struct zone_config *c = NULL;
	if (!ok(zone_config_from_json(o, NULL, &c, &err) == 0, "%s: still a valid config", what))
		diag("%s", err.msg);
	zone_config_free(c);
}

static void test_set(void)
{
	_cleanup_json_ json_t *o = base();

	set_ok(o, "limits.cpu_cap=50");
	json_t *v = json_object_get(json_object_get(o, "limits"), "cpu_cap");
	ok(json_is_integer(v) && json_integer_value(v) == 50, "limits.cpu_cap=50 is an integer");
	set_ok(o, "autoboot=yes");
	ok(json_is_true(json_object_get(o, "autoboot")), "autoboot=yes is true");
	set_ok(o, "autoboot=off");
	ok(json_is_false(json_object_get(o, "autoboot")), "autoboot=off is false");
	set_ok(o, "autoboot=1");
	ok(json_is_true(json_object_get(o, "autoboot")), "autoboot=1 is true");
	set_ok(o, "limits.memory_cap=512M");
	is_str(json_string_value(json_object_get(json_object_get(o, "limits"), "memory_cap")),
	       "512M", "memory_cap=512M is a string");
	set_ok(o, "limits.swap_cap=1048576");
	v = json_object_get(json_object_get(o, "limits"), "swap_cap");
	ok(json_is_integer(v) && json_integer_value(v) == 1048576,
	   "swap_cap=1048576 is an integer");
	set_ok(o, "hostname=web1");
	is_str(json_string_value(json_object_get(o, "hostname")), "web1", "hostname=web1");
	set_ok(o, "limitpriv=net_admin,sys_time");
	_cleanup_free_ char *lp = json_dumps(json_object_get(o, "limitpriv"), JSON_COMPACT);
	is_str(lp, "[\"net_admin\",\"sys_time\"]", "limitpriv=a,b is an array");
	set_ok(o, "attrs.owner=team a");
	is_str(json_string_value(json_object_get(json_object_get(o, "attrs"), "owner")), "team a",
	       "attrs.owner=team a");
	set_ok(o, "brand_attrs.release=bookworm");
	is_str(json_string_value(json_object_get(json_object_get(o, "brand_attrs"), "release")),
	       "bookworm", "brand_attrs.release=bookworm");
	set_ok(o, "zonepath=/zones/web2");
	set_ok(o, "hostname=a=b");
	is_str(json_string_value(json_object_get(o, "hostname")), "a=b",
	       "only the first '=' splits key and value");
	set_ok(o, "hostname=web1");
	still_valid(o, "after the sets");

	set_ok(o, "hostname=");
	ok(!json_object_get(o, "hostname"), "hostname= unsets");
	set_ok(o, "limits.cpu_cap=");
	ok(!json_object_get(json_object_get(o, "limits"), "cpu_cap"), "limits.cpu_cap= unsets");
	set_ok(o, "attrs.owner=");
	ok(!json_object_get(json_object_get(o, "attrs"), "owner"), "attrs.owner= unsets");
	set_ok(o, "seccomp=");
	ok(!json_object_get(o, "seccomp"), "unsetting an unset key is fine");
	still_valid(o, "after the unsets");

	set_fails(o, "name=x", "name: cannot be changed with set");
	set_fails(o, "version=2", "version: cannot be changed with set");
	set_fails(o, "colour=red", "\"colour\": unknown key");
	set_fails(o, "limits.cpu_kap=5", "limits.\"cpu_kap\": unknown key");
	set_fails(o, "limits.cpu_cap.x=5", "limits.\"cpu_cap.x\": unknown key");
	set_fails(o, "autoboot=maybe", "autoboot: \"maybe\": not a boolean (true or false)");
	set_fails(o, "limits.cpu_cap=abc", "limits.cpu_cap: \"abc\": not an integer");
	set_fails(o, "limits.cpu_cap=-", "limits.cpu_cap: \"-\": not an integer");
	set_fails(o, "limits.cpu_cap=1.5", "limits.cpu_cap: \"1.5\": not an integer");
	set_fails(o, "limits.cpu_cap=9223372036854775808",
		  "limits.cpu_cap: \"9223372036854775808\": out of range");
	set_fails(o, "limits.cpu_cap=99999999999999999999",
		  "limits.cpu_cap: \"99999999999999999999\": out of range");
	set_fails(o, "limits=1", "limits: set its keys (limits.KEY=VALUE)");
	set_fails(o, "net=x", "net: a list of resources: use add/remove");
	set_fails(o, "net.name=eth0", "net.\"name\": no such entry of net (net.N.KEY with N from "
		  "0, or net.NAME.KEY; add/remove make and drop entries)");
	/* one key of a resource that exists: net.N.KEY (clone --set gives addresses so) */
	json_object_set_new(o, "net", json_pack("[{s:s,s:s}]", "name", "eth0", "bridge", "br0"));
	set_ok(o, "net.0.address=10.0.0.5/24");
	is_str(json_string_value(json_object_get(json_array_get(json_object_get(o, "net"), 0),
						 "address")), "10.0.0.5/24", "net.0.address is set");
	set_ok(o, "net.0.address=");
	ok(!json_object_get(json_array_get(json_object_get(o, "net"), 0), "address"),
	   "net.0.address= unsets it");
	set_fails(o, "net.1.address=10.0.0.6/24", "net.\"1\": no such entry of net (net.N.KEY "
		  "with N from 0, or net.NAME.KEY; add/remove make and drop entries)");
	set_ok(o, "net.eth0.gateway=10.0.0.1");
	is_str(json_string_value(json_object_get(json_array_get(json_object_get(o, "net"), 0),
						 "gateway")), "10.0.0.1", "net.eth0.gateway: by its name");
	set_fails(o, "net.eth1.gateway=10.0.0.1", "net.\"eth1\": no such entry of net (net.N.KEY "
		  "with N from 0, or net.NAME.KEY; add/remove make and drop entries)");
	set_fails(o, "net.0.nosuch=1", "net.0.\"nosuch\": unknown key");
	json_object_del(o, "net");
	set_fails(o, "hostname.x=1", "hostname: has no sub-keys");
	set_fails(o, "hostname", "\"hostname\": not of the form key=value");
	set_fails(o, "=x", "\"=x\": not of the form key=value");
	set_fails(o, "hostname=\xff", "hostname: \"\\xff\": not valid UTF-8");
	set_fails(o, "attrs.k=\xff", "attrs.k: \"\\xff\": not valid UTF-8");
	set_fails(o, "limitpriv=chown,\xff", "limitpriv: \"chown,\\xff\": not valid UTF-8");

	/* a set may store a value the parser refuses: the caller parses afterwards */
	set_ok(o, "limits.cpu_cap=-5");
	v = json_object_get(json_object_get(o, "limits"), "cpu_cap");
	ok(json_is_integer(v) && json_integer_value(v) == -5, "limits.cpu_cap=-5 is stored as -5");
	struct zone_error err = { 0 };
	struct zone_config *c = NULL;
	zone_config_from_json(o, NULL, &c, &err);
	is_str(err.msg, "zone.json: limits.cpu_cap: -5: out of range (1 to 409600)",
	       "and the parse after the edit refuses it");

	_cleanup_json_ json_t *bad =
		json_pack("{s:s, s:s, s:i}", "name", "web", "brand", "b", "limits", 5);
	set_fails(bad, "limits.cpu_cap=5", "limits: not an object");
}

static void add_ok(json_t *o, const char *kind, char *const *as, const char *what)
{
	struct zone_error err = { 0 };
	if (!ok(zone_config_json_add(o, kind, as, &err) == 0, "add %s: %s", kind, what))
		diag("%s", err.msg);
}

static void test_add_remove(void)
{
	_cleanup_json_ json_t *o = base();
	struct zone_error err = { 0 };

	set_ok(o, "ip_type=exclusive");
	add_ok(o, "net", (char *[]){ "name=eth0", "address=10.0.0.2/24", "mtu=1500", NULL },
	       "eth0");
	json_t *n0 = json_array_get(json_object_get(o, "net"), 0);
	ok(json_is_integer(json_object_get(n0, "mtu")) &&
		   json_integer_value(json_object_get(n0, "mtu")) == 1500,
	   "add net mtu=1500 is an integer");
	add_ok(o, "net", (char *[]){ "name=eth1", NULL }, "eth1");
	add_ok(o, "fs", (char *[]){ "source=/srv", "target=/data", "readonly=yes", NULL }, "/data");
	ok(json_is_true(json_object_get(json_array_get(json_object_get(o, "fs"), 0), "readonly")),
	   "add fs readonly=yes is a boolean");
	add_ok(o, "device", (char *[]){ "path=/dev/fuse", NULL }, "/dev/fuse");
	ok(json_array_size(json_object_get(o, "devices")) == 1, "device adds to \"devices\"");
	add_ok(o, "admin", (char *[]){ "user=alice", "auths=login,manage", NULL }, "alice");
	_cleanup_free_ char *au = json_dumps(
		json_object_get(json_array_get(json_object_get(o, "admins"), 0), "auths"),
		JSON_COMPACT);
	is_str(au, "[\"login\",\"manage\"]", "add admin auths=a,b is an array");
	still_valid(o, "after the adds");

	is_int(zone_config_json_add(o, "disk", (char *[]){ "x=1", NULL }, &err), -EINVAL,
	       "add of an unknown kind");
	is_str(err.msg, "\"disk\": not a resource (net, fs, device, admin)",
	       "unknown kind message");
	is_int(zone_config_json_add(o, "net", (char *[]){ "name=eth2", "vlan=5", NULL }, &err),
	       -EINVAL, "add with an unknown property");
	is_str(err.msg, "net: \"vlan\": unknown property", "unknown property message");
	is_int(zone_config_json_add(o, "net", (char *[]){ NULL }, &err), -EINVAL,
	       "add without properties");
	is_str(err.msg, "net: needs at least one property=value", "no properties message");
	is_int(zone_config_json_add(o, "net", NULL, &err), -EINVAL, "add with NULL properties");
	is_int(zone_config_json_add(o, "net", (char *[]){ "name=eth2", "mtu=big", NULL }, &err),
	       -EINVAL, "add with a mistyped value");
	is_str(err.msg, "net.mtu: \"big\": not an integer", "mistyped value message");
	is_int(json_array_size(json_object_get(o, "net")), 2, "failed adds add nothing");

	is_int(zone_config_json_remove(o, "net", (char *[]){ "name=eth9", NULL }, &err), -ENOENT,
	       "remove of no match is -ENOENT");
	is_str(err.msg, "net: no entry matches {\"name\":\"eth9\"}", "no match message");
	is_int(zone_config_json_remove(o, "net", (char *[]){ "name=eth0", NULL }, &err), 0,
	       "remove net name=eth0");
	is_int(json_array_size(json_object_get(o, "net")), 1, "one interface left");
	is_str(json_string_value(
		       json_object_get(json_array_get(json_object_get(o, "net"), 0), "name")),
	       "eth1", "the other one");
	is_int(zone_config_json_remove(o, "admin", (char *[]){ "auths=login", NULL }, &err),
	       -ENOENT, "remove admin: auths must match as a whole set");
	is_int(zone_config_json_remove(
		       o, "admin", (char *[]){ "user=alice", "auths=manage,login", NULL }, &err),
	       0, "remove admin by user and auths in another order (a set)");
	ok(!json_object_get(o, "admins"), "removing the last entry removes the key");
	is_int(zone_config_json_remove(o, "fs", (char *[]){ "target=/data", "readonly=no", NULL },
				       &err),
	       -ENOENT, "remove matches every given property");
	is_int(zone_config_json_remove(o, "fs", (char *[]){ "target=/data", "readonly=yes", NULL },
				       &err),
	       0, "remove with every property matching");
	still_valid(o, "after the removes");
}

static void test_misc(void)
{
	char buf[64];
	is_str(zone_auths_to_string(ZONE_AUTH_LOGIN | ZONE_AUTH_CLONE, buf, sizeof(buf)),
	       "login,clone", "auths_to_string");
	is_str(zone_auths_to_string(0, buf, sizeof(buf)), "", "auths_to_string of none");
	char small[8];
	is_str(zone_auths_to_string(ZONE_AUTH_LOGIN | ZONE_AUTH_MANAGE | ZONE_AUTH_CLONE, small,
				    sizeof(small)),
	       "login,m", "auths_to_string is cut to the buffer");
	is_str(zone_ip_type_to_string(ZONE_IP_EXCLUSIVE), "exclusive", "ip type exclusive");
	is_str(zone_ip_type_to_string(ZONE_IP_SHARED), "shared", "ip type shared");
	is_str(zone_ip_type_to_string(ZONE_IP_NONE), "none", "ip type none");
	zone_config_free(NULL);
	ok(1, "zone_config_free(NULL)");
}

int main(void)
{
	test_maximal();
	test_normalization();
	test_keys_and_types();
	test_numbers();
	test_net();
	test_paths();
	test_admins_and_privileges();
	test_json_level();
	test_set();
	test_add_remove();
	test_misc();
	return done();
}
