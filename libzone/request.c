// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * request.c - what every verb of the request API does first: read its
 * parameters (each with one validator and an error naming the key) and
 * decide whether the caller may do it.
 *
 * Authorization is decided here, once, from the caller (the uid/gid/groups
 * of the connection, never a pid): root may do everything; a delegated
 * user only what the zone's `admins` grant, and never anything that touches
 * the host.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "util.h"

/* ---- params -------------------------------------------------------------------- */

int zone_api_param_str(json_t *params, const char *key, bool required, const char **out,
		       struct zone_error *err)
{
	json_t *v = json_object_get(params, key);
	if (!v || json_is_null(v)) {
		*out = NULL;
		return required ? zone_error_set(err, EINVAL, "request: missing \"%s\"", key) : 0;
	}
	if (!json_is_string(v))
		return zone_error_set(err, EINVAL, "request: \"%s\": not a string", key);
	*out = json_string_value(v);
	return 0;
}

/* A NULL-terminated vector view (strings owned by params) of an array of strings. */
int zone_api_param_strv(json_t *params, const char *key, char ***out, struct zone_error *err)
{
	json_t *a = json_object_get(params, key);
	*out = NULL;
	if (!a)
		return 0;
	if (!json_is_array(a) || json_array_size(a) > 1024)
		return zone_error_set(err, EINVAL, "request: \"%s\": not an array of strings", key);
	char **v = calloc(json_array_size(a) + 1, sizeof(char *));
	if (!v)
		return zone_error_set(err, ENOMEM, "out of memory");
	for (size_t i = 0; i < json_array_size(a); i++) {
		const char *s = json_string_value(json_array_get(a, i));
		if (!s) {
			free(v);
			return zone_error_set(err, EINVAL, "request: \"%s\"[%zu]: not a string", key, i);
		}
		v[i] = (char *)s;
	}
	*out = v;
	return 0;
}

int zone_api_param_bool(json_t *params, const char *key, bool *out, struct zone_error *err)
{
	json_t *v = json_object_get(params, key);
	*out = false;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_boolean(v))
		return zone_error_set(err, EINVAL, "request: \"%s\": not a boolean", key);
	*out = json_is_true(v);
	return 0;
}

int zone_api_param_uint(json_t *params, const char *key, uint64_t max, uint64_t *out,
			struct zone_error *err)
{
	json_t *v = json_object_get(params, key);
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    (uint64_t)json_integer_value(v) > max)
		return zone_error_set(err, EINVAL, "request: \"%s\": not an integer from 0 to %llu",
				      key, (unsigned long long)max);
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

int zone_api_param_name(json_t *params, const char **name, struct zone_error *err)
{
	int r = zone_api_param_str(params, "name", true, name, err);
	if (r < 0)
		return r;
	return zone_name_validate(*name, err);
}

/* ---- authorization --------------------------------------------------------------- */

static bool caller_in_group(const struct zone_caller *c, gid_t g)
{
	if (c->gid == g)
		return true;
	for (size_t i = 0; i < c->n_groups; i++)
		if (c->groups[i] == g)
			return true;
	return false;
}

/* Auths the caller holds on this zone (root holds all). */
unsigned zone_api_caller_auths(const struct zone_caller *c, const struct zone_config *cfg)
{
	if (c->uid == 0)
		return ZONE_AUTH_LOGIN | ZONE_AUTH_MANAGE | ZONE_AUTH_CLONE;
	unsigned auths = 0;
	for (size_t i = 0; cfg && i < cfg->n_admins; i++) {
		const struct zone_admin *a = &cfg->admins[i];
		if (a->user) {
			struct passwd pw, *res = NULL;
			char buf[4096];
			if (getpwnam_r(a->user, &pw, buf, sizeof(buf), &res) == 0 && res &&
			    res->pw_uid == c->uid)
				auths |= a->auths;
		} else if (a->group) {
			struct group gr, *res = NULL;
			char buf[16384];
			if (getgrnam_r(a->group, &gr, buf, sizeof(buf), &res) == 0 && res &&
			    caller_in_group(c, res->gr_gid))
				auths |= a->auths;
		}
	}
	return auths;
}

int zone_api_require_root(struct zone_ctx *ctx, const char *what, const char *name,
			  struct zone_error *err)
{
	if (ctx->caller.uid == 0)
		return 0;
	return zone_error_set(err, EPERM, "%s %s: permission denied (only root may do this)", what,
			      name);
}

int zone_api_require_auth(struct zone_ctx *ctx, const struct zone_config *cfg, unsigned need,
			  const char *what, struct zone_error *err)
{
	if ((zone_api_caller_auths(&ctx->caller, cfg) & need) == need)
		return 0;
	char buf[64];
	return zone_error_set(err, EPERM, "%s %s: permission denied (needs the \"%s\" authorization)",
			      what, cfg->name, zone_auths_to_string(need, buf, sizeof(buf)));
}

