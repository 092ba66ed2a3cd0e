// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * api_move.c - the verbs that make zones from zones: clone (and, beside
 * it, detach, attach, send and receive).
 *
 * Authorization (illumos' way for clone): root may clone into a new zone,
 * whose config is derived from the source's; a delegated user may clone
 * only into a zone root configured already and delegated to them with
 * `manage`, from a source on which they hold `clone`, and change nothing
 * else.  Moving a zone between hosts touches the host's disk and is root's.
 */
#include <errno.h>
#include <string.h>

#include "api.h"
#include "runtime.h"
#include "util.h"

/*
 * The new zone's config, from the source's: its own name, the default
 * zonepath, host name and MACs (both follow the name when unset), no
 * addresses (two zones on one bridge cannot share one), not detached.
 */
static json_t *derive_config(const struct zone_config *src, const char *target)
{
	json_t *j = zone_config_to_json(src);
	if (!j)
		return NULL;
	json_object_set_new(j, "name", json_string(target));
	json_object_del(j, "zonepath");
	json_object_del(j, "hostname");
	json_object_del(j, "detached");
	size_t i;
	json_t *n;
	json_array_foreach(json_object_get(j, "net"), i, n) {
		json_object_del(n, "address");
		json_object_del(n, "gateway");
		json_object_del(n, "mac");
	}
	return j;
}

/*
 * --set net.IFNAME.KEY=VALUE: an address, gateway or MAC for the new zone's
 * interface IFNAME, the three things derive_config clears (create's --set
 * cannot reach into the net list).  An empty VALUE leaves it cleared.  The
 * value is checked with the rest of the config, by create.
 */
static int set_net(json_t *cfg, const char *source, const char *target, const char *a,
		   struct zone_error *err)
{
	const char *eq = strchr(a, '='), *dot = strchr(a + 4, '.');
	_cleanup_free_ char *q = zone_quote(a, 80);
	if (!eq || !dot || dot > eq || dot == a + 4)
		return zone_error_set(err, EINVAL, "clone %s %s: --set %s: not net.IFNAME.KEY=VALUE",
				      source, target, q ? q : "");
	_cleanup_free_ char *ifname = strndup(a + 4, (size_t)(dot - a - 4));
	_cleanup_free_ char *key = strndup(dot + 1, (size_t)(eq - dot - 1));
	if (!ifname || !key)
		return zone_error_set(err, ENOMEM, "out of memory");
	if (strcmp(key, "address") && strcmp(key, "gateway") && strcmp(key, "mac"))
		return zone_error_set(err, EINVAL, "clone %s %s: --set %s: a clone's interface "
				      "takes address, gateway or mac (the rest is the source's)",
				      source, target, q ? q : "");
	size_t i;
	json_t *n;
	json_array_foreach(json_object_get(cfg, "net"), i, n) {
		if (!json_is_string(json_object_get(n, "name")) ||
		    strcmp(json_string_value(json_object_get(n, "name")), ifname))
			continue;
		if (eq[1])
			json_object_set_new(n, key, json_string(eq + 1));
		return 0;
	}
	_cleanup_free_ char *qi = zone_quote(ifname, 40);
	return zone_error_set(err, ENOENT, "clone %s %s: --set %s: %s has no interface %s", source,
			      target, q ? q : "", source, qi ? qi : "");
}

int zone_api_clone(struct zone_ctx *ctx, json_t *params, json_t **reply, struct zone_error *err)
{
	const char *source, *target, *method;
	int r = zone_api_param_name(params, &source, err);
	if (r < 0 || (r = zone_api_param_str(params, "target", true, &target, err)) < 0 ||
	    (r = zone_api_param_str(params, "method", false, &method, err)) < 0)
		return r;
	if ((r = zone_name_validate(target, err)) < 0)
		return zone_error_wrap(err, "clone %s", source);
	enum zone_copy_method m = ZONE_COPY_AUTO;
	if (method && zone_copy_method_parse(method, &m) < 0) {
		_cleanup_free_ char *q = zone_quote(method, 40);
		return zone_error_set(err, EINVAL, "clone %s: --method %s: not one of snapshot, "
				      "reflink, copy", source, q);
	}
	_cleanup_free_ char **sets = NULL;
	if ((r = zone_api_param_strv(params, "set", &sets, err)) < 0)
		return r;
	_cleanup_config_ struct zone_config *sc = NULL;
	if ((r = zone_store_load_config(ctx->store, source, &sc, err)) < 0)
		return zone_error_wrap(err, "clone");
	if ((r = zone_api_require_auth(ctx, sc, ZONE_AUTH_CLONE, "clone", err)) < 0)
		return r;
	int exists = zone_store_exists(ctx->store, target);
	if (exists < 0)
		return zone_error_set(err, ENOMEM, "out of memory");
	if (exists) {
		/* configured already (by root): cloned into as it is */
		_cleanup_config_ struct zone_config *tc = NULL;
		if ((r = zone_store_load_config(ctx->store, target, &tc, err)) < 0)
			return zone_error_wrap(err, "clone");
		if ((r = zone_api_require_auth(ctx, tc, ZONE_AUTH_MANAGE, "clone into", err)) < 0)
			return r;
		if (sets && sets[0])
			return zone_error_set(err, EINVAL, "clone %s %s: --set: %s exists already; "
					      "change its configuration with 'zonectl set'", source,
					      target, target);
	} else {
		if (ctx->caller.uid != 0)
			return zone_error_set(err, EPERM, "clone %s %s: permission denied (only root "
					      "may create a zone; ask root to configure %s and "
					      "delegate \"manage\" on it to you)", source, target, target);
		_cleanup_json_ json_t *cfg = derive_config(sc, target);
		_cleanup_json_ json_t *cp = cfg ? json_pack("{s:s,s:O}", "name", target, "config",
							    cfg) : NULL;
		_cleanup_json_ json_t *rest = json_array();
		if (!cp || !rest)
			return zone_error_set(err, ENOMEM, "out of memory");
		for (char **a = sets; a && *a; a++) {
			if (strncmp(*a, "net.", 4) != 0)
				json_array_append_new(rest, json_string(*a));
			else if ((r = set_net(json_object_get(cp, "config"), source, target, *a, err)) < 0)
				return r;
		}
		if (json_array_size(rest))
			json_object_set(cp, "set", rest);
		json_t *created = NULL;
		if ((r = zone_api_create(ctx, cp, &created, err)) < 0)
			return zone_error_wrap(err, "clone %s", source);
		json_decref(created);
	}
	if ((r = zone_runtime_clone(ctx->store, source, target, m, &ctx->progress, reply, err)) >= 0 ||
	    exists)
		return r;
	/* refused before anything was copied: the zone we made for it goes again */
	_cleanup_status_ struct zone_status st = ZONE_STATUS_INIT;
	if (zone_store_load_status(ctx->store, target, &st, NULL) == 0 &&
	    st.state == ZONE_STATE_CONFIGURED) {
		_cleanup_json_ json_t *dp = json_pack("{s:s}", "name", target);
		json_t *deleted = NULL;
		if (dp && zone_api_delete(ctx, dp, &deleted, NULL) == 0)
			json_decref(deleted);
	}
	return r;
}

int zone_api_detach(struct zone_ctx *ctx, json_t *params, json_t **reply, struct zone_error *err)
{
	const char *name;
	bool dry = false;
	int r = zone_api_param_name(params, &name, err);
	if (r < 0 || (r = zone_api_param_bool(params, "dry_run", &dry, err)) < 0 ||
	    (r = zone_api_require_root(ctx, "detach", name, err)) < 0)
		return r;
	json_t *manifest = NULL;
	if ((r = zone_runtime_detach(ctx->store, name, dry, &manifest, err)) < 0)
		return r;
	*reply = json_pack("{s:s,s:b,s:o}", "name", name, "detached", !dry, "manifest", manifest);
	return 0;
}

/* What the manifest says, for a reply. */
static json_t *manifest_summary(const struct zone_manifest *m)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:s?}", "name", m->name, "brand", m->brand,
			 "brand_version", m->brand_version, "arch", m->arch, "libzone_version",
			 m->libzone_version, "files", (json_int_t)m->files, "bytes",
			 (json_int_t)m->bytes, "digest", m->digest[0] ? m->digest : NULL);
}

int zone_api_attach(struct zone_ctx *ctx, json_t *params, json_t **reply, struct zone_error *err)
{
	const char *name, *zp = NULL;
	bool dry = false, update = false, force = false;
	int r = zone_api_param_name(params, &name, err);
	if (r < 0 || (r = zone_api_param_str(params, "zonepath", false, &zp, err)) < 0 ||
	    (r = zone_api_param_bool(params, "dry_run", &dry, err)) < 0 ||
	    (r = zone_api_param_bool(params, "update", &update, err)) < 0 ||
	    (r = zone_api_param_bool(params, "force", &force, err)) < 0 ||
	    (r = zone_api_require_root(ctx, "attach", name, err)) < 0)
		return r;
	if (zp && (!zone_path_is_normal_absolute(zp) || !strcmp(zp, "/"))) {
		_cleanup_free_ char *q = zone_quote(zp, 100);
		return zone_error_set(err, EINVAL, "attach %s: --zonepath %s: not an absolute, "
				      "normalized path", name, q);
	}
	/* the zone here: configured already (attach on this host again), or new */
	_cleanup_config_ struct zone_config *have = NULL;
	int exists = zone_store_exists(ctx->store, name);
	if (exists > 0 && (r = zone_store_load_config(ctx->store, name, &have, err)) < 0)
		return zone_error_wrap(err, "attach");
	if (have && zp && strcmp(zp, have->zonepath) != 0)
		return zone_error_set(err, EINVAL, "attach %s: --zonepath %s: the zone exists with "
				      "zonepath %s", name, zp, have->zonepath);
	_cleanup_free_ char *defzp = zone_strdup_printf("%s/zones/%s", zone_store_root(ctx->store),
							name);
	if (!defzp)
		return zone_error_set(err, ENOMEM, "out of memory");
	const char *zonepath = have ? have->zonepath : zp ? zp : defzp;
	_cleanup_manifest_ struct zone_manifest *m = NULL;
	if ((r = zone_detached_read(zonepath, &m, err)) < 0)
		return zone_error_wrap(err, "attach %s", name);

	/* the config it will have: its own here, else the manifest's, renamed and placed */
	_cleanup_json_ json_t *as_json = NULL;
	_cleanup_config_ struct zone_config *made = NULL;
	const struct zone_config *as = have;
	if (!have) {
		as_json = json_deep_copy(json_object_get(m->json, "config"));
		if (!as_json)
			return zone_error_set(err, ENOMEM, "out of memory");
		json_object_set_new(as_json, "name", json_string(name));
		json_object_set_new(as_json, "zonepath", json_string(zonepath));
		json_object_del(as_json, "detached");
		if ((r = zone_config_from_json(as_json, "manifest: config", &made, err)) < 0)
			return zone_error_wrap(err, "attach %s", name);
		as = made;
	}
	_cleanup_json_ json_t *problems = json_array();
	if (!problems)
		return zone_error_set(err, ENOMEM, "out of memory");
	char digest[65] = "";
	if (!force) {
		zone_manifest_check(ctx->store, m, as, update, problems);
		_cleanup_free_ char *root = zone_store_root_path(as);
		struct zone_error derr = { 0 };
		if (!root)
			return zone_error_set(err, ENOMEM, "out of memory");
		if (zone_root_digest(root, false, NULL, digest, &derr) < 0) {
			json_array_append_new(problems, json_string(derr.msg));
		} else if (!m->digest[0]) {
			json_array_append_new(problems, json_string("root: the manifest has no digest "
								    "to check the root against"));
		} else if (strcmp(digest, m->digest) != 0) {
			char buf[512];
			snprintf(buf, sizeof(buf), "root: its digest %.16s... is not the manifest's "
				 "%.16s...: the root changed since detach, or was carried badly (cp "
				 "-a and rsync -aHAX keep it)", digest, m->digest);
			json_array_append_new(problems, json_string(buf));
		}
	}
	json_t *o = json_pack("{s:s,s:s,s:o,s:O,s:b,s:b,s:b}", "name", name, "zonepath", zonepath,
			      "manifest", manifest_summary(m), "problems", problems, "checked",
			      !force, "dry_run", dry, "attached", false);
	if (!o)
		return zone_error_set(err, ENOMEM, "out of memory");
	*reply = o;
	if (dry || json_array_size(problems))
		return 0; /* the caller says what would happen, or why not */
	if (!have) {
		_cleanup_json_ json_t *cp = json_pack("{s:s,s:O}", "name", name, "config", as_json);
		json_t *created = NULL;
		if (!cp || (r = zone_api_create(ctx, cp, &created, err)) < 0) {
			json_decref(*reply);
			*reply = NULL;
			return cp ? zone_error_wrap(err, "attach %s", name) :
				    zone_error_set(err, ENOMEM, "out of memory");
		}
		json_decref(created);
	}
	if ((r = zone_runtime_attach(ctx->store, name, update, err)) < 0) {
		json_decref(*reply);
		*reply = NULL;
		return r;
	}
	json_object_set_new(o, "attached", json_true());
	json_object_set_new(o, "state", json_string("installed"));
	return 0;
}

static int pass_param(json_t *params, enum zone_pass *pass, struct zone_error *err)
{
	const char *p = NULL;
	int r = zone_api_param_str(params, "pass", false, &p, err);
	if (r < 0)
		return r;
	*pass = ZONE_PASS_FULL;
	if (!p || !strcmp(p, "full"))
		return 0;
	if (!strcmp(p, "base"))
		*pass = ZONE_PASS_BASE;
	else if (!strcmp(p, "delta"))
		*pass = ZONE_PASS_DELTA;
	else
		return zone_error_set(err, EINVAL, "request: \"pass\": not one of full, base, delta");
	return 0;
}

/* The one descriptor a stream verb needs, checked. */
static int stream_fd(struct zone_ctx *ctx, const char *verb, const char *name,
		     struct zone_error *err)
{
	if (ctx->n_fds != 1 || !ctx->fds || ctx->fds[0] < 0)
		return zone_error_set(err, EINVAL, "%s %s: the request carries no stream (one "
				      "descriptor)", verb, name ? name : "");
	return ctx->fds[0];
}

int zone_api_send(struct zone_ctx *ctx, json_t *params, json_t **reply, struct zone_error *err)
{
	const char *name, *compress = NULL;
	enum zone_pass pass;
	int r = zone_api_param_name(params, &name, err);
	if (r < 0 || (r = zone_api_param_str(params, "compress", false, &compress, err)) < 0 ||
	    (r = pass_param(params, &pass, err)) < 0 ||
	    (r = zone_api_require_root(ctx, "send", name, err)) < 0)
		return r;
	int fd = stream_fd(ctx, "send", name, err);
	if (fd < 0)
		return fd;
	struct zone_transfer t = { .fd = fd, .pass = pass, .compress = compress,
				   .progress = &ctx->progress };
	return zone_transfer_send(ctx->store, name, &t, reply, err);
}

/* "max_size": a size with K/M/G/T, or a number of bytes. */
static int size_param(json_t *params, uint64_t *out, struct zone_error *err)
{
	json_t *v = json_object_get(params, "max_size");
	if (!v || json_is_null(v))
		return 0;
	if (json_is_string(v) && zone_size_parse(json_string_value(v), out) == 0 && *out)
		return 0;
	if (json_is_integer(v) && json_integer_value(v) > 0) {
		*out = (uint64_t)json_integer_value(v);
		return 0;
	}
	_cleanup_free_ char *q = json_is_string(v) ? zone_quote(json_string_value(v), 40) : NULL;
	return zone_error_set(err, EINVAL, "receive: --max-size %s: not a size (K, M, G, T)",
			      q ? q : "");
}

/*
 * What a stream's config would give its zone of the host: binds of host
 * paths, host devices, capabilities past the default set, root as host
 * root, a seccomp profile of its own choosing, the host's network stack.
 * A stream comes from elsewhere: none of that is taken unless the receiver
 * says so (--trust-config; zonectl move says so for its own zone).
 */
static void host_reach(const struct zone_config *c, char *buf, size_t len)
{
	buf[0] = '\0';
#define SAY(...) snprintf(buf + strlen(buf), len - strlen(buf), __VA_ARGS__)
	for (size_t i = 0; i < c->n_fs; i++)
		SAY("%sfs[%zu] (%s)", *buf ? ", " : "", i, c->fs[i].source);
	for (size_t i = 0; i < c->n_devices; i++)
		SAY("%sdevices[%zu] (%s)", *buf ? ", " : "", i, c->devices[i].path);
	for (char **p = c->limitpriv; p && *p; p++)
		if (strcmp(*p, "default") != 0)
			SAY("%slimitpriv %s", *buf ? ", " : "", *p);
	if (c->userns == ZONE_USERNS_NONE)
		SAY("%suserns: none (its root would be the host's)", *buf ? ", " : "");
	if (c->seccomp && strcmp(c->seccomp, "default") != 0)
		SAY("%sseccomp %s", *buf ? ", " : "", c->seccomp);
	if (c->ip_type == ZONE_IP_SHARED)
		SAY("%sip_type: shared (the host's network stack)", *buf ? ", " : "");
#undef SAY
}

int zone_api_receive(struct zone_ctx *ctx, json_t *params, json_t **reply,
		     struct zone_error *err)
{
	const char *name = NULL, *zp = NULL;
	enum zone_pass pass;
	uint64_t max_size = 0, max_files = 0;
	bool trust = false;
	int r = zone_api_param_str(params, "name", false, &name, err);
	if (r < 0 || (r = zone_api_param_str(params, "zonepath", false, &zp, err)) < 0 ||
	    (r = size_param(params, &max_size, err)) < 0 ||
	    (r = zone_api_param_uint(params, "max_files", 1ull << 40, &max_files, err)) < 0 ||
	    (r = zone_api_param_bool(params, "trust_config", &trust, err)) < 0 ||
	    (r = pass_param(params, &pass, err)) < 0)
		return r;
	if (name && (r = zone_name_validate(name, err)) < 0)
		return zone_error_wrap(err, "receive");
	if (ctx->caller.uid != 0)
		return zone_error_set(err, EPERM, "receive: permission denied (only root may do this)");
	if (zp && (!zone_path_is_normal_absolute(zp) || !strcmp(zp, "/"))) {
		_cleanup_free_ char *q = zone_quote(zp, 100);
		return zone_error_set(err, EINVAL, "receive: --zonepath %s: not an absolute, "
				      "normalized path", q);
	}
	int fd = stream_fd(ctx, "receive", name, err);
	if (fd < 0)
		return fd;
	struct zone_transfer t = { .fd = fd, .pass = pass, .max_bytes = max_size,
				   .max_files = max_files, .progress = &ctx->progress };
	struct zone_receive ro = { .fd = fd };
	struct zone_stream *stream = NULL;
	if ((r = zone_stream_open(&ro, &stream, err)) < 0)
		return zone_error_wrap(err, "receive");
	struct zone_manifest *m = stream->manifest;
	_cleanup_free_ char *own_name = strdup(name ? name : m->name);
	if (!own_name) {
		zone_stream_close(stream);
		return zone_error_set(err, ENOMEM, "out of memory");
	}
	name = own_name; /* it outlives the stream */
	if (pass == ZONE_PASS_DELTA) {
		r = zone_transfer_receive(ctx->store, name, stream, &t, reply, err);
		zone_stream_close(stream);
		if (r >= 0) {
			json_object_set_new(*reply, "name", json_string(name));
			json_object_set_new(*reply, "state", json_string("installed"));
		}
		if (r < 0) {
			/* a failed second pass leaves no half zone */
			_cleanup_json_ json_t *dp = json_pack("{s:s}", "name", name);
			_cleanup_status_ struct zone_status st = ZONE_STATUS_INIT;
			if (zone_store_load_status(ctx->store, name, &st, NULL) == 0 &&
			    st.state == ZONE_STATE_INCOMPLETE) {
				st.state = ZONE_STATE_CONFIGURED;
				zone_store_save_status(ctx->store, name, &st, NULL);
				json_t *d = NULL;
				if (dp && zone_api_delete(ctx, dp, &d, NULL) == 0)
					json_decref(d);
			}
		}
		return r;
	}
	/* the config it will have here: the stream's, named and placed */
	_cleanup_json_ json_t *cfg = json_deep_copy(stream->config_json);
	_cleanup_free_ char *defzp = zone_strdup_printf("%s/zones/%s", zone_store_root(ctx->store),
							name);
	if (!cfg || !defzp) {
		zone_stream_close(stream);
		return zone_error_set(err, ENOMEM, "out of memory");
	}
	json_object_set_new(cfg, "name", json_string(name));
	json_object_set_new(cfg, "zonepath", json_string(zp ? zp : defzp));
	json_object_del(cfg, "detached");
	_cleanup_config_ struct zone_config *as = NULL;
	_cleanup_json_ json_t *problems = json_array();
	if (!problems || (r = zone_config_from_json(cfg, "stream: config", &as, err)) < 0) {
		zone_stream_close(stream);
		return problems ? zone_error_wrap(err, "receive %s", name) :
				  zone_error_set(err, ENOMEM, "out of memory");
	}
	if (zone_store_exists(ctx->store, name) > 0) {
		/* a zone that moved away from here (move's note) may come back: its
		 * configured record goes, and the stream's takes its place */
		_cleanup_status_ struct zone_status old = ZONE_STATUS_INIT;
		_cleanup_json_ json_t *dp = json_pack("{s:s}", "name", name);
		json_t *d = NULL;
		bool tomb = zone_store_load_status(ctx->store, name, &old, NULL) == 0 &&
			    old.state == ZONE_STATE_CONFIGURED && old.extra &&
			    json_is_string(json_object_get(old.extra, "moved_to"));
		if (!tomb || !dp || zone_api_delete(ctx, dp, &d, NULL) < 0) {
			zone_stream_close(stream);
			return zone_error_set(err, EEXIST, "receive %s: a zone of that name exists "
					      "here (receive NEWNAME takes it under another name)",
					      name);
		}
		json_decref(d);
	}
	char reach[ZONE_ERROR_MAX / 2];
	host_reach(as, reach, sizeof(reach));
	if (*reach && !trust) {
		zone_stream_close(stream);
		return zone_error_set(err, EPERM, "receive %s: the stream's config reaches into "
				      "this host: %s; 'receive --trust-config' takes it as it is",
				      name, reach);
	}
	if (zone_manifest_check(ctx->store, m, as, false, problems) > 0) {
		char buf[ZONE_ERROR_MAX] = "";
		size_t i;
		json_t *p;
		json_array_foreach(problems, i, p)
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s", i ? "; " : "",
				 json_string_value(p));
		zone_stream_close(stream);
		return zone_error_set(err, EINVAL, "receive %s: this host cannot take the zone: %s",
				      name, buf);
	}
	_cleanup_json_ json_t *cp = json_pack("{s:s,s:O}", "name", name, "config", cfg);
	json_t *created = NULL;
	if (!cp || (r = zone_api_create(ctx, cp, &created, err)) < 0) {
		zone_stream_close(stream);
		return cp ? zone_error_wrap(err, "receive %s", name) :
			    zone_error_set(err, ENOMEM, "out of memory");
	}
	json_decref(created);
	r = zone_transfer_receive(ctx->store, name, stream, &t, reply, err);
	zone_stream_close(stream);
	if (r < 0) {
		/* refused: the zone made for it goes again */
		_cleanup_status_ struct zone_status st = ZONE_STATUS_INIT;
		if (zone_store_load_status(ctx->store, name, &st, NULL) == 0 &&
		    st.state == ZONE_STATE_INCOMPLETE) {
			st.state = ZONE_STATE_CONFIGURED;
			zone_store_save_status(ctx->store, name, &st, NULL);
		}
		_cleanup_json_ json_t *dp = json_pack("{s:s}", "name", name);
		json_t *d = NULL;
		if (dp && zone_api_delete(ctx, dp, &d, NULL) == 0)
			json_decref(d);
		return r;
	}
	json_object_set_new(*reply, "name", json_string(name));
	json_object_set_new(*reply, "state", json_string(pass == ZONE_PASS_BASE ? "incomplete" :
									       "installed"));
	return 0;
}
