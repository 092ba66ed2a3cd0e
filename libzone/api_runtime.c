// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * api_runtime.c - the lifecycle verbs of the request API: install,
 * uninstall, boot, halt, shutdown, reboot, ps, stat.
 *
 * Authorization: install and uninstall change the host (a root directory
 * on its disk) and are root's; boot, halt, shutdown and reboot need the
 * zone's `manage` authorization; ps and stat need `manage` or `login`.
 * A refusal leaves the zone exactly as it was.
 */
#include <errno.h>
#include <string.h>

#include "api.h"
#include "runtime.h"
#include "util.h"

/* Check the caller's authorization on a zone, by its config. */
static int authorize(struct zone_ctx *ctx, const char *verb, const char *name, unsigned need,
		     struct zone_error *err)
{
	if (!need)
		return zone_api_require_root(ctx, verb, name, err);
	struct zone_config *c = NULL;
	int r = zone_store_load_config(ctx->store, name, &c, err);
	if (r < 0)
		return zone_error_wrap(err, "%s", verb);
	unsigned have = zone_api_caller_auths(&ctx->caller, c);
	zone_config_free(c);
	if (have & need)
		return 0;
	char buf[64];
	return zone_error_set(err, EPERM, "%s %s: permission denied (needs the \"%s\" "
			      "authorization)", verb, name, zone_auths_to_string(need, buf,
										 sizeof(buf)));
}

static int simple(struct zone_ctx *ctx, json_t *params, json_t **reply, struct zone_error *err,
		  const char *verb, unsigned need,
		  int (*fn)(struct zone_store *, const char *, struct zone_error *))
{
	const char *name;
	int r = zone_api_param_name(params, &name, err);
	if (r < 0 || (r = authorize(ctx, verb, name, need, err)) < 0)
		return r;
	if ((r = fn(ctx->store, name, err)) < 0)
		return r;
	struct zone_status st;
	const char *state = "?";
	if (zone_store_load_status(ctx->store, name, &st, NULL) == 0) {
		state = zone_state_to_string(st.state);
		zone_status_reset(&st);
	}
	*reply = json_pack("{s:s,s:s}", "name", name, "state", state);
	return 0;
}

int zone_api_install(struct zone_ctx *ctx, json_t *params, json_t **reply, struct zone_error *err)
{
	return simple(ctx, params, reply, err, "install", 0, zone_runtime_install);
}

static bool force_flag;
static const char *moved_to;

static int uninstall_fn(struct zone_store *s, const char *name, struct zone_error *err)
{
	return zone_runtime_uninstall_note(s, name, force_flag, moved_to, err);
}

int zone_api_uninstall(struct zone_ctx *ctx, json_t *params, json_t **reply,
		       struct zone_error *err)
{
	int r = zone_api_param_bool(params, "force", &force_flag, err);
	if (r < 0 || (r = zone_api_param_str(params, "moved_to", false, &moved_to, err)) < 0)
		return r;
	/* move's note of where the zone went: a host name, printed in list -v */
	for (const char *c = moved_to; c && *c; c++)
		if ((unsigned char)*c <= ' ' || *c == 0x7f || c - moved_to > 255)
			return zone_error_set(err, EINVAL, "request: \"moved_to\": not a host name");
	return simple(ctx, params, reply, err, "uninstall", 0, uninstall_fn);
}

int zone_api_boot(struct zone_ctx *ctx, json_t *params, json_t **reply, struct zone_error *err)
{
	return simple(ctx, params, reply, err, "boot", ZONE_AUTH_MANAGE, zone_runtime_boot);
}

int zone_api_halt(struct zone_ctx *ctx, json_t *params, json_t **reply, struct zone_error *err)
{
	return simple(ctx, params, reply, err, "halt", ZONE_AUTH_MANAGE, zone_runtime_halt);
}

static unsigned timeout_param;

static int shutdown_fn(struct zone_store *s, const char *name, struct zone_error *err)
{
	return zone_runtime_shutdown(s, name, timeout_param, err);
}

static int reboot_fn(struct zone_store *s, const char *name, struct zone_error *err)
{
	return zone_runtime_reboot(s, name, timeout_param, err);
}

static int get_timeout(json_t *params, struct zone_error *err)
{
	uint64_t t = 60;
	int r = zone_api_param_uint(params, "timeout", 86400, &t, err);
	timeout_param = (unsigned)t;
	return r;
}

int zone_api_shutdown(struct zone_ctx *ctx, json_t *params, json_t **reply, struct zone_error *err)
{
	int r = get_timeout(params, err);
	return r < 0 ? r : simple(ctx, params, reply, err, "shutdown", ZONE_AUTH_MANAGE, shutdown_fn);
}

int zone_api_reboot(struct zone_ctx *ctx, json_t *params, json_t **reply, struct zone_error *err)
{
	int r = get_timeout(params, err);
	return r < 0 ? r : simple(ctx, params, reply, err, "reboot", ZONE_AUTH_MANAGE, reboot_fn);
}

static int observe(struct zone_ctx *ctx, json_t *params, json_t **reply, struct zone_error *err,
		   const char *verb,
		   int (*fn)(struct zone_store *, const char *, json_t **, struct zone_error *))
{
	const char *name;
	int r = zone_api_param_name(params, &name, err);
	if (r < 0 ||
	    (r = authorize(ctx, verb, name, ZONE_AUTH_MANAGE | ZONE_AUTH_LOGIN, err)) < 0)
		return r;
	return fn(ctx->store, name, reply, err);
}

int zone_api_ps(struct zone_ctx *ctx, json_t *params, json_t **reply, struct zone_error *err)
{
	return observe(ctx, params, reply, err, "ps", zone_runtime_ps);
}

int zone_api_stat(struct zone_ctx *ctx, json_t *params, json_t **reply, struct zone_error *err)
{
	return observe(ctx, params, reply, err, "stat", zone_runtime_stat);
}

int zone_api_net(struct zone_ctx *ctx, json_t *params, json_t **reply, struct zone_error *err)
{
	return observe(ctx, params, reply, err, "net", zone_runtime_net);
}

/* Is the caller allowed `auth` (login, manage, clone) on the zone?  For
 * zoned's sessions (login, console), which do their work outside the API. */
int zone_api_authorize(struct zone_ctx *ctx, json_t *params, json_t **reply,
		       struct zone_error *err)
{
	const char *name, *auth, *verb = NULL;
	int r = zone_api_param_name(params, &name, err);
	if (r < 0 || (r = zone_api_param_str(params, "auth", true, &auth, err)) < 0 ||
	    (r = zone_api_param_str(params, "verb", false, &verb, err)) < 0)
		return r;
	static const struct { const char *n; unsigned bit; } auths[] = {
		{ "login", ZONE_AUTH_LOGIN }, { "manage", ZONE_AUTH_MANAGE }, { "clone", ZONE_AUTH_CLONE },
	};
	for (size_t i = 0; i < ELEMENTSOF(auths); i++)
		if (!strcmp(auth, auths[i].n)) {
			if (!verb)
				verb = auths[i].bit == ZONE_AUTH_LOGIN ? "login" : auth;
			if ((r = authorize(ctx, verb, name, auths[i].bit, err)) < 0)
				return r;
			*reply = json_pack("{s:s,s:s}", "name", name, "auth", auth);
			return 0;
		}
	return zone_error_set(err, EINVAL, "request: \"auth\": not one of login, manage, clone");
}
