// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * manifest.c - what a zone that leaves this host says about itself:
 * ZONEPATH/detached.json (detach/attach) and the first member of a send
 * stream.
 *
 *   {"format": "zones-manifest", "format_version": 1,
 *    "name": "web", "config": {zone.json},
 *    "brand": {"name": "busybox", "version": "1"},
 *    "arch": "x86_64", "libzone_version": "0.1.0", "created": "...Z",
 *    "root": {"files": N, "bytes": N, "digest": "<64 hex>" | null}}
 *
 * A manifest comes from another host: it is hostile input, parsed by one
 * function that checks every field and names the bad one.  The digest is
 * tree.c's; "files" counts every entry of the root, "bytes" the regular
 * files' sizes.  Whether this host can take the zone is zone_manifest_check:
 * the brand, with the same major version; the architecture; and the
 * config's needs (verify.c).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "runtime.h"
#include "util.h"

#define FORMAT "zones-manifest"
#define FORMAT_VERSION 1
#define MAX_FILES (1ull << 40)
#define MAX_BYTES (1ull << 60)

const char *zone_host_arch(void)
{
	static char machine[65];
	if (!machine[0]) {
		struct utsname u;
		snprintf(machine, sizeof(machine), "%s", uname(&u) == 0 ? u.machine : "unknown");
	}
	return machine;
}

void zone_manifest_free(struct zone_manifest *m)
{
	if (!m)
		return;
	zone_config_free(m->config);
	free(m->name);
	free(m->brand);
	free(m->brand_version);
	free(m->arch);
	free(m->libzone_version);
	json_decref(m->json);
	free(m);
}

int zone_manifest_make(const struct zone_config *c, const struct zone_brand *b,
		       const struct zone_tree *t, bool with_digest, json_t **out,
		       struct zone_error *err)
{
	char now[32];
	time_t tt = time(NULL);
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
	char digest[65] = "";
	if (with_digest)
		zone_tree_digest(t, digest);
	json_t *cfg = zone_config_to_json(c);
	json_t *j = cfg ? json_pack("{s:s,s:i,s:s,s:o,s:{s:s,s:s},s:s,s:s,s:s,s:{s:I,s:I,s:s?}}",
				    "format", FORMAT, "format_version", FORMAT_VERSION, "name",
				    c->name, "config", cfg, "brand", "name", b->name, "version",
				    b->version, "arch", zone_host_arch(), "libzone_version",
				    ZONES_VERSION, "created", now, "root", "files",
				    (json_int_t)t->n, "bytes", (json_int_t)t->bytes, "digest",
				    with_digest ? digest : NULL) : NULL;
	if (!j)
		return zone_error_set(err, ENOMEM, "out of memory");
	*out = j;
	return 0;
}

static int str_field(json_t *j, const char *key, size_t max, char **out,
		     struct zone_error *err)
{
	json_t *v = json_object_get(j, key);
	if (!json_is_string(v))
		return zone_error_set(err, EINVAL, "manifest: %s: missing or not a string", key);
	const char *s = json_string_value(v);
	if (strlen(s) > max || !*s)
		return zone_error_set(err, EINVAL, "manifest: %s: empty or longer than %zu", key, max);
	for (const char *c = s; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return zone_error_set(err, EINVAL, "manifest: %s: a control character", key);
	*out = strdup(s);
	return *out ? 0 : zone_error_set(err, ENOMEM, "out of memory");
}

static int count_field(json_t *o, const char *key, uint64_t max, uint64_t *out,
		       struct zone_error *err)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    (uint64_t)json_integer_value(v) > max)
		return zone_error_set(err, EINVAL, "manifest: root.%s: not a count from 0 to %llu",
				      key, (unsigned long long)max);
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

int zone_manifest_parse(json_t *j, struct zone_manifest **out, struct zone_error *err)
{
	if (!json_is_object(j))
		return zone_error_set(err, EINVAL, "manifest: not a JSON object");
	const char *fmt = json_string_value(json_object_get(j, "format"));
	if (!fmt || strcmp(fmt, FORMAT) != 0)
		return zone_error_set(err, EINVAL, "manifest: format: not \"%s\" (not a zone's "
				      "manifest)", FORMAT);
	json_t *fv = json_object_get(j, "format_version");
	if (!json_is_integer(fv) || json_integer_value(fv) != FORMAT_VERSION)
		return zone_error_set(err, EINVAL, "manifest: format_version: not %d (made by a "
				      "libzone this one does not read)", FORMAT_VERSION);
	_cleanup_manifest_ struct zone_manifest *m = calloc(1, sizeof(*m));
	if (!m)
		return zone_error_set(err, ENOMEM, "out of memory");
	json_t *brand = json_object_get(j, "brand");
	json_t *root = json_object_get(j, "root");
	int r;
	if ((r = str_field(j, "name", ZONE_NAME_MAX, &m->name, err)) < 0 ||
	    (r = zone_name_validate(m->name, err)) < 0 ||
	    (r = str_field(j, "arch", 64, &m->arch, err)) < 0 ||
	    (r = str_field(j, "libzone_version", 64, &m->libzone_version, err)) < 0)
		return r;
	if (!json_is_object(brand))
		return zone_error_set(err, EINVAL, "manifest: brand: not an object");
	if ((r = str_field(brand, "name", 32, &m->brand, err)) < 0 ||
	    (r = str_field(brand, "version", 32, &m->brand_version, err)) < 0)
		return zone_error_wrap(err, "brand");
	if (!json_is_object(root))
		return zone_error_set(err, EINVAL, "manifest: root: not an object");
	if ((r = count_field(root, "files", MAX_FILES, &m->files, err)) < 0 ||
	    (r = count_field(root, "bytes", MAX_BYTES, &m->bytes, err)) < 0)
		return r;
	json_t *d = json_object_get(root, "digest");
	if (d && !json_is_null(d)) {
		const char *s = json_string_value(d);
		bool okd = s && strlen(s) == 64;
		for (size_t i = 0; okd && i < 64; i++)
			okd = isxdigit((unsigned char)s[i]) && !isupper((unsigned char)s[i]);
		if (!okd)
			return zone_error_set(err, EINVAL, "manifest: root.digest: not 64 lowercase "
					      "hex digits");
		memcpy(m->digest, s, 65);
	}
	if ((r = zone_config_from_json(json_object_get(j, "config"), "manifest: config",
				       &m->config, err)) < 0)
		return r;
	if (strcmp(m->config->name, m->name) != 0 || strcmp(m->config->brand, m->brand) != 0)
		return zone_error_set(err, EINVAL, "manifest: config: its name or brand is not the "
				      "manifest's");
	m->json = json_incref(j);
	*out = TAKE_PTR(m);
	return 0;
}

int zone_manifest_check(struct zone_store *s, const struct zone_manifest *m,
			const struct zone_config *as, bool update, json_t *problems)
{
	size_t before = json_array_size(problems);
	char buf[ZONE_ERROR_MAX];
	struct zone_error e = { 0 };
	struct zone_brand *b = NULL;
	if (zone_brand_load(m->brand, &b, &e) < 0) {
		json_array_append_new(problems, json_string(e.msg));
	} else {
		if (zone_brand_version_major(b->version) != zone_brand_version_major(m->brand_version)) {
			if (!update) {
				snprintf(buf, sizeof(buf), "brand %s: version %s here, %s in the manifest: "
					 "a different major version (attach -u runs the brand's "
					 "update hook)", m->brand, b->version, m->brand_version);
				json_array_append_new(problems, json_string(buf));
			} else if (!b->update_hook) {
				snprintf(buf, sizeof(buf), "brand %s: version %s here, %s in the manifest, "
					 "and the brand has no update hook", m->brand, b->version,
					 m->brand_version);
				json_array_append_new(problems, json_string(buf));
			}
		}
		zone_brand_free(b);
	}
	if (strcmp(m->arch, zone_host_arch()) != 0) {
		snprintf(buf, sizeof(buf), "arch: the zone was made on %s, this host is %s", m->arch,
			 zone_host_arch());
		json_array_append_new(problems, json_string(buf));
	}
	/* what the config needs of this host: bridges, devices, CPUs, fs sources */
	zone_verify(s, as, problems);
	zone_error_clear(&e);
	if (zone_verify_net(s, as, &e) < 0)
		json_array_append_new(problems, json_string(e.msg));
	return (int)(json_array_size(problems) - before);
}
