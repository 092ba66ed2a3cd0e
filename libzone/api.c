// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * api.c - the request interface shared by zonectl (in-process) and zoned.
 *
 * Theory: every zone operation is a method with a JSON object of params and
 * a JSON object reply.  zonectl builds requests and prints replies; zoned
 * receives the same requests over its socket.  Authorization is decided
 * in request.c, once, from ctx->caller (the uid/gid/groups of the
 * connection, never a pid).  This file is the table of methods: the verbs
 * live in api_config.c and api_runtime.c, below it.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zone.h"
#include "util.h"
#include "api.h"

/* ---- dispatch ------------------------------------------------------------------- */

static const struct zone_api_method methods[] = {
	{ "create", zone_api_create },
	{ "delete", zone_api_delete },
	{ "clone", zone_api_clone },
	{ "detach", zone_api_detach },
	{ "attach", zone_api_attach },
	{ "send", zone_api_send },
	{ "receive", zone_api_receive },
	{ "list", zone_api_list },
	{ "show", zone_api_show },
	{ "set", zone_api_set },
	{ "add", zone_api_add },
	{ "remove", zone_api_remove },
	{ "verify", zone_api_verify },
	{ "mark", zone_api_mark },
	{ "install", zone_api_install },
	{ "uninstall", zone_api_uninstall },
	{ "boot", zone_api_boot },
	{ "halt", zone_api_halt },
	{ "shutdown", zone_api_shutdown },
	{ "reboot", zone_api_reboot },
	{ "ps", zone_api_ps },
	{ "stat", zone_api_stat },
	{ "net", zone_api_net },
	{ "admin_add", zone_api_admin_add },
	{ "admin_remove", zone_api_admin_remove },
	{ "admin_list", zone_api_admin_list },
	{ "authorize", zone_api_authorize },
};

bool zone_api_has_method(const char *method)
{
	for (size_t i = 0; method && i < ELEMENTSOF(methods); i++)
		if (strcmp(methods[i].name, method) == 0)
			return true;
	return false;
}

int zone_api_call(struct zone_ctx *ctx, const char *method, json_t *params, json_t **reply,
		  struct zone_error *err)
{
	*reply = NULL;
	if (!method)
		return zone_error_set(err, EINVAL, "request: missing method");
	if (params && !json_is_object(params))
		return zone_error_set(err, EINVAL, "request: params: not an object");
	_cleanup_json_ json_t *empty = params ? NULL : json_object();
	for (size_t i = 0; i < ELEMENTSOF(methods); i++)
		if (strcmp(methods[i].name, method) == 0)
			return methods[i].fn(ctx, params ? params : empty, reply, err);
	_cleanup_free_ char *q = zone_quote(method, 40);
	return zone_error_set(err, EOPNOTSUPP, "request: method %s: no such method", q);
}
