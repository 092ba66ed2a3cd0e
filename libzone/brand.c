// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * brand.c - brands are data: brands/NAME/brand.json plus hook scripts.
 * libzone reads them; it never hard-codes what a brand installs or runs.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "zone.h"
#include "util.h"

#ifndef ZONES_BRANDDIR
#define ZONES_BRANDDIR "/usr/local/share/zones/brands"
#endif
#ifndef ZONES_POLICYDIR
#define ZONES_POLICYDIR "/usr/local/share/zones/policy"
#endif

const char *zone_brand_dir(void)
{
	const char *e = getenv("ZONES_BRANDS_DIR");
	return e && *e ? e : ZONES_BRANDDIR;
}

const char *zone_policy_dir(void)
{
	const char *e = getenv("ZONES_POLICY_DIR");
	return e && *e ? e : ZONES_POLICYDIR;
}

void zone_brand_free(struct zone_brand *b)
{
	if (!b)
		return;
	free(b->name);
	free(b->dir);
	free(b->description);
	free(b->install_hook);
	free(b->uninstall_hook);
	free(b->clone_hook);
	free(b->update_hook);
	free(b->version);
	strv_freep(&b->init);
	free(b->default_seccomp);
	strv_freep(&b->default_limitpriv);
	strv_freep(&b->ro_binds);
	free(b->personality);
	free(b->kernel_version);
	free(b);
}

static int strv_from_json(json_t *a, char ***out)
{
	if (!a)
		return 0;
	if (!json_is_array(a))
		return -EINVAL;
	size_t n = json_array_size(a);
	_cleanup_strv_ char **v = calloc(n + 1, sizeof(char *));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const char *s = json_string_value(json_array_get(a, i));
		if (!s)
			return -EINVAL;
		if (!(v[i] = strdup(s)))
			return -ENOMEM;
	}
	*out = TAKE_PTR(v);
	return 0;
}

static int opt_str(json_t *j, const char *key, char **out)
{
	json_t *v = json_object_get(j, key);
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return -EINVAL;
	*out = strdup(json_string_value(v));
	return *out ? 0 : -ENOMEM;
}

static int opt_bool(json_t *j, const char *key, bool *out)
{
	json_t *v = json_object_get(j, key);
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_boolean(v))
		return -EINVAL;
	*out = json_is_true(v);
	return 0;
}

static int hook_path(const char *dir, json_t *j, const char *key, char **out)
{
	_cleanup_free_ char *rel = NULL;
	int r = opt_str(j, key, &rel);
	if (r < 0 || !rel)
		return r;
	if (strchr(rel, '/') || rel[0] == '.')
		return -EINVAL; /* hooks live in the brand directory, by plain name */
	*out = zone_strdup_printf("%s/%s", dir, rel);
	return *out ? 0 : -ENOMEM;
}

/* "MAJOR" or "MAJOR.MINOR[.PATCH]": digits and dots, at most 32 characters. */
static bool brand_version_valid(const char *v)
{
	if (!*v || strlen(v) > 32 || !isdigit((unsigned char)v[0]))
		return false;
	for (const char *c = v; *c; c++)
		if (!isdigit((unsigned char)*c) && !(*c == '.' && c[1] && isdigit((unsigned char)c[1])))
			return false;
	return true;
}

int zone_brand_version_major(const char *v)
{
	return v ? atoi(v) : 0;
}

int zone_brand_load(const char *name, struct zone_brand **out, struct zone_error *err)
{
	if (!name || !*name || strlen(name) > 32)
		return zone_error_set(err, EINVAL, "brand: \"%s\": not a brand name", name ? name : "");
	for (const char *c = name; *c; c++)
		if (!(isalnum((unsigned char)*c) || *c == '_' || *c == '-')) {
			_cleanup_free_ char *q = zone_quote(name, 40);
			return zone_error_set(err, EINVAL, "brand: %s: not a brand name", q);
		}
	_cleanup_free_ char *dir = zone_strdup_printf("%s/%s", zone_brand_dir(), name);
	_cleanup_free_ char *path = zone_strdup_printf("%s/brand.json", dir);
	if (!dir || !path)
		return zone_error_set(err, ENOMEM, "out of memory");
	_cleanup_free_ char *text = NULL;
	ssize_t n = zone_read_file(path, &text, 1 << 20);
	if (n == -ENOENT)
		return zone_error_set(err, ENOENT, "brand: \"%s\": no such brand (looked in %s)", name,
				      zone_brand_dir());
	if (n < 0)
		return zone_error_errno(err, (int)-n, "brand %s: read %s", name, path);
	json_error_t je;
	_cleanup_json_ json_t *j = json_loadb(text, (size_t)n, 0, &je);
	if (!j || !json_is_object(j))
		return zone_error_set(err, EINVAL, "brand %s: %s: line %d: %s", name, path, je.line,
				      j ? "not an object" : je.text);

	struct zone_brand *b = calloc(1, sizeof(*b));
	if (!b)
		return zone_error_set(err, ENOMEM, "out of memory");
	b->name = strdup(name);
	b->dir = TAKE_PTR(dir);
	int r = 0;
	const char *bad = NULL;
	if ((r = opt_str(j, "description", &b->description)) < 0)
		bad = "description";
	else if ((r = hook_path(b->dir, j, "install", &b->install_hook)) < 0)
		bad = "install";
	else if ((r = hook_path(b->dir, j, "uninstall", &b->uninstall_hook)) < 0)
		bad = "uninstall";
	else if ((r = hook_path(b->dir, j, "clone", &b->clone_hook)) < 0)
		bad = "clone";
	else if ((r = hook_path(b->dir, j, "update", &b->update_hook)) < 0)
		bad = "update";
	else if ((r = opt_str(j, "version", &b->version)) < 0)
		bad = "version";
	else if ((r = strv_from_json(json_object_get(j, "init"), &b->init)) < 0 || !b->init ||
		 !b->init[0] || b->init[0][0] != '/') {
		bad = "init";
		r = -EINVAL;
	} else if ((r = opt_str(j, "seccomp", &b->default_seccomp)) < 0)
		bad = "seccomp";
	else if ((r = strv_from_json(json_object_get(j, "limitpriv"), &b->default_limitpriv)) < 0)
		bad = "limitpriv";
	else if ((r = strv_from_json(json_object_get(j, "ro_binds"), &b->ro_binds)) < 0)
		bad = "ro_binds";
	else if ((r = opt_str(j, "personality", &b->personality)) < 0)
		bad = "personality";
	else if ((r = opt_str(j, "kernel_version", &b->kernel_version)) < 0)
		bad = "kernel_version";
	else if ((r = opt_bool(j, "needs_ia32", &b->needs_ia32)) < 0)
		bad = "needs_ia32";
	if (!bad && b->personality && strcmp(b->personality, "linux") != 0 &&
	    strcmp(b->personality, "linux32") != 0) {
		bad = "personality";
		r = -EINVAL;
	}
	for (char **s = b->ro_binds; !bad && s && *s; s++)
		if (!zone_path_is_normal_absolute(*s) || strcmp(*s, "/") == 0) {
			bad = "ro_binds";
			r = -EINVAL;
		}
	if (!bad && !b->version && !(b->version = strdup("1"))) {
		bad = "version";
		r = -ENOMEM;
	}
	if (!bad && !brand_version_valid(b->version)) {
		bad = "version";
		r = -EINVAL;
	}
	if (bad) {
		zone_brand_free(b);
		return zone_error_set(err, -r, "brand %s: %s: %s: invalid", name, path, bad);
	}
	*out = b;
	return 0;
}
