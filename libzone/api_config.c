// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * api_config.c - the configuration verbs: create, delete, list, show, set,
 * add, remove, verify, mark.
 *
 * Theory: a config edit is read-modify-validate-write under the zone lock.
 * The config is turned back into canonical JSON, edited there (typed by the
 * schema in config.c), parsed again in full, and only then written with an
 * atomic replace; a refused edit leaves the file byte-for-byte unchanged.
 * Creation takes the store lock (names and zonepaths are global), writes the
 * config and then the state; if the state cannot be written the config is
 * removed again, so a zone either exists completely or not at all.
 * Everything here is root-only except list/show, which a delegated user may
 * use on zones they hold an authorization for.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api.h"
#include "util.h"
#include "runtime.h"

/* Keys that describe where and what the root is: fixed once installed. */
static const char *const install_fixed_keys[] = { "brand", "zonepath" };

/* A zone's line in `list`; NULL if it was deleted meanwhile. */
static json_t *zone_summary(struct zone_store *s, const char *name)
{
	struct zone_error err = { 0 };
	_cleanup_config_ struct zone_config *c = NULL;
	_cleanup_json_ json_t *o = json_pack("{s:s}", "name", name);
	int r = zone_store_load_config(s, name, &c, &err);
	if (r == -ENOENT)
		return NULL;
	if (r < 0) {
		json_object_set_new(o, "state", json_string("error"));
		json_object_set_new(o, "error", json_string(err.msg));
		return TAKE_PTR(o);
	}
	_cleanup_status_ struct zone_status st = ZONE_STATUS_INIT;
	/* A zone whose monitor died is not running, whatever its file says. */
	if (zone_store_load_status(s, name, &st, NULL) == 0 &&
	    zone_state_is_live(st.state) && !zone_status_alive(&st))
		zone_runtime_reconcile(s, name, false, NULL);
	zone_status_reset(&st);
	if ((r = zone_store_load_status(s, name, &st, &err)) == -ENOENT &&
	    zone_store_exists(s, name) == 0)
		return NULL;
	if (r < 0) {
		json_object_set_new(o, "state", json_string("error"));
		json_object_set_new(o, "error", json_string(err.msg));
	} else {
		json_object_set_new(o, "state", json_string(zone_state_to_string(st.state)));
		json_t *why = st.extra ? json_object_get(st.extra, "reason") : NULL;
		if (st.state == ZONE_STATE_INCOMPLETE && json_is_string(why))
			json_object_set(o, "reason", why);
		json_t *went = st.extra ? json_object_get(st.extra, "moved_to") : NULL;
		if (st.state == ZONE_STATE_CONFIGURED && json_is_string(went))
			json_object_set(o, "moved_to", went);
		bool live = zone_state_is_live(st.state);
		json_object_set_new(o, "id", live && st.slot > 0 ? json_integer(st.slot) : json_null());
		if (live && st.init_pid > 0)
			json_object_set_new(o, "init_pid", json_integer(st.init_pid));
		if (live && st.kernel_zone_id > 0)
			json_object_set_new(o, "kernel_zone_id", json_integer(st.kernel_zone_id));
	}
	json_object_set_new(o, "zonepath", json_string(c->zonepath));
	json_object_set_new(o, "brand", json_string(c->brand));
	json_object_set_new(o, "ip_type", json_string(zone_ip_type_to_string(c->ip_type)));
	json_object_set_new(o, "autoboot", json_boolean(c->autoboot));
	if (c->detached)
		json_object_set_new(o, "detached", json_true());
	return TAKE_PTR(o);
}

/* Does `path` overlap any other zone's zonepath, or the store itself? */
static int zonepath_conflict(struct zone_store *s, const struct zone_config *c,
			     struct zone_error *err)
{
	const char *root = zone_store_root(s);
	if (zone_path_is_under(root, c->zonepath))
		return zone_error_set(err, EINVAL, "zonepath: \"%s\": contains the zones root %s",
				      c->zonepath, root);
	_cleanup_free_ char *index = zone_strdup_printf("%s/index", root);
	_cleanup_free_ char *logd = zone_strdup_printf("%s/log", root);
	_cleanup_free_ char *rund = zone_strdup_printf("%s/run", root);
	if (!index || !logd || !rund)
		return zone_error_set(err, ENOMEM, "out of memory");
	if (zone_path_is_under(c->zonepath, index) || zone_path_is_under(c->zonepath, logd) ||
	    zone_path_is_under(c->zonepath, rund))
		return zone_error_set(err, EINVAL, "zonepath: \"%s\": inside the zones store",
				      c->zonepath);
	_cleanup_strv_ char **names = NULL;
	int r = zone_store_list(s, &names, err);
	if (r < 0)
		return r;
	for (char **n = names; *n; n++) {
		if (strcmp(*n, c->name) == 0)
			continue;
		_cleanup_config_ struct zone_config *o = NULL;
		if (zone_store_load_config(s, *n, &o, NULL) < 0)
			continue;
		if (zone_path_is_under(c->zonepath, o->zonepath) ||
		    zone_path_is_under(o->zonepath, c->zonepath))
			return zone_error_set(err, EEXIST,
					      "zonepath: \"%s\": overlaps zone %s (zonepath %s)",
					      c->zonepath, o->name, o->zonepath);
	}
	return 0;
}

/* The brand exists (its brand.json loads), or the error says why not. */
static int brand_check(const char *brand, struct zone_error *err)
{
	_cleanup_brand_ struct zone_brand *b = NULL;
	return zone_brand_load(brand, &b, err);
}

/* Fill defaults that depend on the store: zonepath. */
static int apply_defaults(struct zone_store *s, json_t *j, const char *name,
			  struct zone_error *err)
{
	if (!json_object_get(j, "zonepath")) {
		_cleanup_free_ char *zp = zone_strdup_printf("%s/zones/%s", zone_store_root(s), name);
		if (!zp || json_object_set_new(j, "zonepath", json_string(zp)) < 0)
			return zone_error_set(err, ENOMEM, "out of memory");
	}
	return 0;
}

int zone_api_create(struct zone_ctx *ctx, json_t *params, json_t **reply, struct zone_error *err)
{
	const char *name, *brand;
	int r = zone_api_param_name(params, &name, err);
	if (r < 0)
		return r;
	if ((r = zone_api_require_root(ctx, "create", name, err)) < 0)
		return r;
	if ((r = zone_api_param_str(params, "brand", false, &brand, err)) < 0)
		return r;
	_cleanup_free_ char **sets = NULL;
	if ((r = zone_api_param_strv(params, "set", &sets, err)) < 0)
		return r;
	json_t *from = json_object_get(params, "config");
	if (json_is_null(from))
		from = NULL;
	if (from && !json_is_object(from))
		return zone_error_set(err, EINVAL, "request: \"config\": not an object");

	_cleanup_json_ json_t *j = from ? json_deep_copy(from) : json_object();
	if (!j)
		return zone_error_set(err, ENOMEM, "out of memory");
	json_t *fname = json_object_get(j, "name");
	if (fname && (!json_is_string(fname) || strcmp(json_string_value(fname), name) != 0)) {
		_cleanup_free_ char *q = json_is_string(fname) ?
						 zone_quote(json_string_value(fname), 80) :
						 strdup("(not a string)");
		return zone_error_set(err, EINVAL,
				      "create %s: zone.json: name: %s: does not match the zone name",
				      name, q ? q : "?");
	}
	json_object_set_new(j, "name", json_string(name));
	if (brand)
		json_object_set_new(j, "brand", json_string(brand));
	for (char **a = sets; a && *a; a++)
		if ((r = zone_config_json_set(j, *a, err)) < 0)
			return zone_error_wrap(err, "create %s: --set", name);
	if (!json_object_get(j, "brand"))
		return zone_error_set(err, EINVAL, "create %s: no brand given (--brand NAME)", name);
	if ((r = apply_defaults(ctx->store, j, name, err)) < 0)
		return r;

	_cleanup_config_ struct zone_config *c = NULL;
	if ((r = zone_config_from_json(j, "zone.json", &c, err)) < 0)
		return zone_error_wrap(err, "create %s", name);
	if (c->detached)
		return zone_error_set(err, EINVAL, "create %s: detached: set by 'zonectl detach' "
				      "only (attach takes a detached zone in)", name);
	if ((r = brand_check(c->brand, err)) < 0)
		return zone_error_wrap(err, "create %s", name);

	_cleanup_lock_ struct zone_lock *sl = NULL;
	if ((r = zone_store_lock(ctx->store, NULL, "create", &sl, err)) < 0)
		return zone_error_wrap(err, "create %s", name);
	if (zone_store_exists(ctx->store, name) > 0)
		return zone_error_set(err, EEXIST, "create %s: a zone of that name exists", name);
	if ((r = zonepath_conflict(ctx->store, c, err)) < 0)
		return zone_error_wrap(err, "create %s", name);
	/* the state first: the config's presence is what makes the zone exist,
	 * and whoever sees it must find its state too */
	struct zone_status st = ZONE_STATUS_INIT;
	st.state = ZONE_STATE_CONFIGURED;
	if ((r = zone_store_save_status(ctx->store, name, &st, err)) < 0)
		return r;
	if ((r = zone_store_save_config(ctx->store, c, err)) < 0) {
		zone_store_remove(ctx->store, name, NULL); /* roll back */
		return r;
	}
	*reply = json_pack("{s:s,s:s}", "name", name, "state", "configured");
	return 0;
}

int zone_api_delete(struct zone_ctx *ctx, json_t *params, json_t **reply, struct zone_error *err)
{
	const char *name;
	int r = zone_api_param_name(params, &name, err);
	if (r < 0)
		return r;
	if ((r = zone_api_require_root(ctx, "delete", name, err)) < 0)
		return r;
	/* The lock order (store.c): the zone's lock, then the store's. */
	_cleanup_lock_ struct zone_lock *zl = NULL, *sl = NULL;
	if ((r = zone_store_lock(ctx->store, name, "delete", &zl, err)) < 0) {
		if (r == -ENOENT)
			return zone_error_set(err, ENOENT, "delete %s: no such zone", name);
		return zone_error_wrap(err, "delete %s", name);
	}
	if ((r = zone_store_lock(ctx->store, NULL, "delete", &sl, err)) < 0)
		return zone_error_wrap(err, "delete %s", name);
	_cleanup_status_ struct zone_status st = ZONE_STATUS_INIT;
	if (zone_store_load_status(ctx->store, name, &st, NULL) == 0 &&
	    st.state != ZONE_STATE_CONFIGURED)
		return zone_error_set(err, EBUSY, "delete %s: the zone is %s; it must be configured "
				      "(halt and uninstall it first)", name,
				      zone_state_to_string(st.state));
	/* A zone with an unreadable state file can still be deleted by root. */
	if ((r = zone_store_remove(ctx->store, name, err)) < 0)
		return r;
	*reply = json_pack("{s:s,s:b}", "name", name, "deleted", 1);
	return 0;
}

int zone_api_list(struct zone_ctx *ctx, json_t *params, json_t **reply, struct zone_error *err)
{
	_cleanup_strv_ char **names = NULL;
	int r = zone_store_list(ctx->store, &names, err);
	if (r < 0)
		return r;
	json_t *arr = json_array();
	if (!arr)
		return zone_error_set(err, ENOMEM, "out of memory");
	for (char **n = names; *n; n++) {
		if (ctx->caller.uid != 0) {
			_cleanup_config_ struct zone_config *c = NULL;
			if (zone_store_load_config(ctx->store, *n, &c, NULL) < 0 ||
			    !zone_api_caller_auths(&ctx->caller, c))
				continue;
		}
		json_t *z = zone_summary(ctx->store, *n);
		if (z)
			json_array_append_new(arr, z);
	}
	*reply = json_pack("{s:o}", "zones", arr);
	return 0;
}

/* Load a zone's config for a verb (into the caller's *c, also when the caller may
 * not: it frees it); `need` == 0 means root only. */
static int load_for(struct zone_ctx *ctx, const char *verb, const char *name, unsigned need,
		    struct zone_config **c, struct zone_error *err)
{
	int r = zone_store_load_config(ctx->store, name, c, err);
	if (r < 0)
		return zone_error_wrap(err, "%s", verb);
	return need ? zone_api_require_auth(ctx, *c, need, verb, err) :
		      zone_api_require_root(ctx, verb, name, err);
}

int zone_api_show(struct zone_ctx *ctx, json_t *params, json_t **reply, struct zone_error *err)
{
	const char *name;
	int r = zone_api_param_name(params, &name, err);
	if (r < 0)
		return r;
	_cleanup_config_ struct zone_config *c = NULL;
	unsigned any = ZONE_AUTH_LOGIN | ZONE_AUTH_MANAGE | ZONE_AUTH_CLONE;
	if (ctx->caller.uid != 0) {
		if ((r = zone_store_load_config(ctx->store, name, &c, err)) < 0)
			return zone_error_wrap(err, "show");
		if (!(zone_api_caller_auths(&ctx->caller, c) & any))
			return zone_error_set(err, EPERM,
					      "show %s: permission denied (needs an authorization on "
					      "this zone)", name);
	} else if ((r = load_for(ctx, "show", name, 0, &c, err)) < 0) {
		return r;
	}
	*reply = json_pack("{s:o}", "config", zone_config_to_json(c));
	return 0;
}

/* The shared body of set/add/remove: edit the JSON form, re-validate, save. */
typedef int (*edit_fn)(json_t *j, json_t *params, struct zone_error *err);

static int edit_config(struct zone_ctx *ctx, json_t *params, const char *verb, edit_fn fn,
		       json_t **reply, struct zone_error *err)
{
	const char *name;
	int r = zone_api_param_name(params, &name, err);
	if (r < 0)
		return r;
	if ((r = zone_api_require_root(ctx, verb, name, err)) < 0)
		return r;
	_cleanup_lock_ struct zone_lock *zl = NULL;
	if ((r = zone_store_lock(ctx->store, name, verb, &zl, err)) < 0)
		return zone_error_wrap(err, "%s", verb);
	_cleanup_config_ struct zone_config *old = NULL, *neu = NULL;
	if ((r = zone_store_load_config(ctx->store, name, &old, err)) < 0)
		return zone_error_wrap(err, "%s", verb);
	_cleanup_json_ json_t *j = zone_config_to_json(old);
	if (!j)
		return zone_error_set(err, ENOMEM, "out of memory");
	if ((r = fn(j, params, err)) < 0)
		return zone_error_wrap(err, "%s %s", verb, name);
	/* "set NAME zonepath=" removed it: back to the default, as at creation. */
	if ((r = apply_defaults(ctx->store, j, name, err)) < 0)
		return r;
	if ((r = zone_config_from_json(j, "zone.json", &neu, err)) < 0)
		return zone_error_wrap(err, "%s %s", verb, name);
	/* An unreadable state file may hide an installed zone: fail closed. */
	_cleanup_status_ struct zone_status st = ZONE_STATUS_INIT;
	struct zone_error serr = { 0 };
	enum zone_state state = zone_store_load_status(ctx->store, name, &st, &serr) == 0 ?
					st.state : ZONE_STATE_INVALID;
	_cleanup_json_ json_t *jo = zone_config_to_json(old);
	for (size_t i = 0; i < ELEMENTSOF(install_fixed_keys); i++) {
		const char *k = install_fixed_keys[i];
		if (state == ZONE_STATE_CONFIGURED ||
		    json_equal(json_object_get(jo, k), json_object_get(j, k)))
			continue;
		if (state == ZONE_STATE_INVALID)
			return zone_error_set(err, EBUSY, "%s %s: %s cannot change: %s", verb, name,
					      k, serr.msg);
		return zone_error_set(err, EBUSY,
				      "%s %s: %s cannot change while the zone is %s "
				      "(uninstall it first)",
				      verb, name, k, zone_state_to_string(state));
	}
	if (old->detached != neu->detached)
		return zone_error_set(err, EINVAL, "%s %s: detached: set by 'zonectl detach' and "
				      "cleared by 'zonectl attach' only", verb, name);
	if (strcmp(old->brand, neu->brand) != 0 && (r = brand_check(neu->brand, err)) < 0)
		return zone_error_wrap(err, "%s %s", verb, name);
	if (strcmp(old->zonepath, neu->zonepath) != 0 &&
	    (r = zonepath_conflict(ctx->store, neu, err)) < 0)
		return zone_error_wrap(err, "%s %s", verb, name);
	if ((r = zone_store_save_config(ctx->store, neu, err)) < 0)
		return r;
	*reply = json_pack("{s:s,s:o}", "name", name, "config", zone_config_to_json(neu));
	return 0;
}

static int do_set(json_t *j, json_t *params, struct zone_error *err)
{
	_cleanup_free_ char **as = NULL;
	int r = zone_api_param_strv(params, "assignments", &as, err);
	if (r < 0)
		return r;
	if (!as || !as[0])
		return zone_error_set(err, EINVAL, "nothing to set (give key=value)");
	for (char **a = as; *a; a++)
		if ((r = zone_config_json_set(j, *a, err)) < 0)
			return r;
	return 0;
}

static int do_add_remove(json_t *j, json_t *params, bool add, struct zone_error *err)
{
	const char *kind;
	int r = zone_api_param_str(params, "kind", true, &kind, err);
	if (r < 0)
		return r;
	_cleanup_free_ char **as = NULL;
	if ((r = zone_api_param_strv(params, "properties", &as, err)) < 0)
		return r;
	return add ? zone_config_json_add(j, kind, as, err) :
		     zone_config_json_remove(j, kind, as, err);
}

static int do_add(json_t *j, json_t *params, struct zone_error *err)
{
	return do_add_remove(j, params, true, err);
}

static int do_remove(json_t *j, json_t *params, struct zone_error *err)
{
	return do_add_remove(j, params, false, err);
}

int zone_api_set(struct zone_ctx *ctx, json_t *params, json_t **reply, struct zone_error *err)
{
	return edit_config(ctx, params, "set", do_set, reply, err);
}

int zone_api_add(struct zone_ctx *ctx, json_t *params, json_t **reply, struct zone_error *err)
{
	return edit_config(ctx, params, "add", do_add, reply, err);
}

int zone_api_remove(struct zone_ctx *ctx, json_t *params, json_t **reply, struct zone_error *err)
{
	return edit_config(ctx, params, "remove", do_remove, reply, err);
}

int zone_api_verify(struct zone_ctx *ctx, json_t *params, json_t **reply, struct zone_error *err)
{
	const char *name;
	int r = zone_api_param_name(params, &name, err);
	if (r < 0)
		return r;
	_cleanup_config_ struct zone_config *c = NULL;
	if ((r = load_for(ctx, "verify", name, 0, &c, err)) < 0)
		return r;
	_cleanup_json_ json_t *problems = json_array();
	zone_verify(ctx->store, c, problems);
	struct zone_error perr = { 0 };
	if (zonepath_conflict(ctx->store, c, &perr) < 0)
		json_array_append_new(problems, json_string(perr.msg));
	/* the network as boot will find it: bridges, names, addresses in use */
	struct zone_error nerr = { 0 };
	if (zone_verify_net(ctx->store, c, &nerr) < 0)
		json_array_append_new(problems, json_string(nerr.msg));
	*reply = json_pack("{s:s,s:b,s:O}", "name", name, "ok", json_array_size(problems) == 0,
			   "problems", problems);
	return 0;
}

int zone_api_mark(struct zone_ctx *ctx, json_t *params, json_t **reply, struct zone_error *err)
{
	const char *name, *state;
	int r = zone_api_param_name(params, &name, err);
	if (r < 0)
		return r;
	if ((r = zone_api_param_str(params, "state", true, &state, err)) < 0)
		return r;
	if ((r = zone_api_require_root(ctx, "mark", name, err)) < 0)
		return r;
	enum zone_state to = zone_state_from_string(state);
	if (to != ZONE_STATE_INCOMPLETE && to != ZONE_STATE_INSTALLED) {
		_cleanup_free_ char *q = zone_quote(state, 40);
		return zone_error_set(err, EINVAL, "mark %s: %s: not one of incomplete, installed",
				      name, q);
	}
	_cleanup_lock_ struct zone_lock *zl = NULL;
	if ((r = zone_store_lock(ctx->store, name, "mark", &zl, err)) < 0)
		return zone_error_wrap(err, "mark");
	_cleanup_config_ struct zone_config *c = NULL;
	if ((r = zone_store_load_config(ctx->store, name, &c, err)) < 0)
		return zone_error_wrap(err, "mark");
	_cleanup_status_ struct zone_status st = ZONE_STATUS_INIT;
	if ((r = zone_store_load_status(ctx->store, name, &st, err)) < 0)
		return r;
	if (st.state != to && !(st.state == ZONE_STATE_INSTALLED && to == ZONE_STATE_INCOMPLETE) &&
	    !(st.state == ZONE_STATE_INCOMPLETE && to == ZONE_STATE_INSTALLED))
		return zone_error_set(err, EBUSY, "mark %s %s: the zone is %s (mark works between "
				      "incomplete and installed)", name, state,
				      zone_state_to_string(st.state));
	if (to == ZONE_STATE_INSTALLED) {
		_cleanup_free_ char *root = zone_store_root_path(c);
		struct stat sb;
		if (!root || lstat(root, &sb) < 0 || !S_ISDIR(sb.st_mode))
			return zone_error_set(err, ENOENT,
					      "mark %s installed: the zone root %s does not exist",
					      name, root ? root : "?");
	}
	if ((r = zone_store_set_state(ctx->store, name, to, err)) < 0)
		return r;
	*reply = json_pack("{s:s,s:s}", "name", name, "state", zone_state_to_string(to));
	return 0;
}

/* ---- delegation: zonectl admin add|remove|list ----------------------------------- */

/* The admins[] entry for params' user or group; creates it when `create`. */
static json_t *admin_entry(json_t *j, json_t *params, bool create, struct zone_error *err)
{
	const char *user = NULL, *group = NULL;
	if (zone_api_param_str(params, "user", false, &user, err) < 0 ||
	    zone_api_param_str(params, "group", false, &group, err) < 0)
		return NULL;
	if (!!user == !!group) {
		zone_error_set(err, EINVAL, "admin: give exactly one of --user and --group");
		return NULL;
	}
	const char *key = user ? "user" : "group", *who = user ? user : group;
	json_t *arr = json_object_get(j, "admins");
	size_t i;
	json_t *e;
	json_array_foreach(arr, i, e) {
		const char *v = json_string_value(json_object_get(e, key));
		if (v && strcmp(v, who) == 0)
			return e;
	}
	if (!create) {
		_cleanup_free_ char *q = zone_quote(who, 40);
		zone_error_set(err, ENOENT, "admin: %s %s has no authorizations on this zone", key,
			       q ? q : "?");
		return NULL;
	}
	if (!arr) {
		arr = json_array();
		if (json_object_set_new(j, "admins", arr) < 0)
			arr = NULL;
	}
	e = json_pack("{s:s,s:[]}", key, who, "auths");
	if (!arr || json_array_append_new(arr, e) < 0) {
		zone_error_set(err, ENOMEM, "out of memory");
		return NULL;
	}
	return e;
}

static int do_admin_add(json_t *j, json_t *params, struct zone_error *err)
{
	json_t *want = json_object_get(params, "auths");
	if (!json_is_array(want) || json_array_size(want) == 0)
		return zone_error_set(err, EINVAL, "admin add: --auths needs at least one of "
				      "login, manage, clone");
	json_t *e = admin_entry(j, params, true, err);
	if (!e)
		return -err->code;
	json_t *have = json_object_get(e, "auths");
	size_t i, k;
	json_t *a, *h;
	json_array_foreach(want, i, a) {
		bool dup = false;
		json_array_foreach(have, k, h)
			if (json_equal(a, h))
				dup = true;
		if (!dup)
			json_array_append(have, a);
	}
	return 0; /* the re-parse validates user/group names and auth names */
}

static int do_admin_remove(json_t *j, json_t *params, struct zone_error *err)
{
	json_t *e = admin_entry(j, params, false, err);
	if (!e)
		return -err->code;
	json_t *drop = json_object_get(params, "auths");
	json_t *have = json_object_get(e, "auths");
	if (json_array_size(drop) > 0) {
		size_t i;
		json_t *a;
		json_array_foreach(drop, i, a)
			for (size_t k = json_array_size(have); k-- > 0;)
				if (json_equal(a, json_array_get(have, k)))
					json_array_remove(have, k);
	}
	if (json_array_size(drop) == 0 || json_array_size(have) == 0) {
		json_t *arr = json_object_get(j, "admins");
		for (size_t k = 0; k < json_array_size(arr); k++)
			if (json_array_get(arr, k) == e) {
				json_array_remove(arr, k);
				break;
			}
		if (json_array_size(arr) == 0)
			json_object_del(j, "admins");
	}
	return 0;
}

int zone_api_admin_add(struct zone_ctx *ctx, json_t *params, json_t **reply,
		       struct zone_error *err)
{
	return edit_config(ctx, params, "admin add", do_admin_add, reply, err);
}

int zone_api_admin_remove(struct zone_ctx *ctx, json_t *params, json_t **reply,
			  struct zone_error *err)
{
	return edit_config(ctx, params, "admin remove", do_admin_remove, reply, err);
}

int zone_api_admin_list(struct zone_ctx *ctx, json_t *params, json_t **reply,
			struct zone_error *err)
{
	_cleanup_json_ json_t *r = NULL;
	int rc = zone_api_show(ctx, params, &r, err);
	if (rc < 0)
		return rc;
	json_t *admins = json_object_get(json_object_get(r, "config"), "admins");
	*reply = json_pack("{s:o}", "admins", admins ? json_incref(admins) : json_array());
	return 0;
}
