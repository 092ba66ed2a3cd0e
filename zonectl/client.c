// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * client.c - zctl_call(), the one path from a subcommand to libzone.
 *
 * Requests are method + JSON params, exactly what zoned receives on its
 * socket, so routing them through the daemon changes this file only.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "zonectl.h"
#include "util.h"

int zctl_call(const char *method, json_t *params, json_t **reply)
{
	_cleanup_json_ json_t *p = params;
	struct zone_error err = { 0 };
	struct zone_store *store = NULL;
	*reply = NULL;
	if (!p)
		return zctl_error("%s: out of memory", method);
	if (zone_store_open(zctl_root, &store, &err) < 0)
		return zctl_error("%s", err.msg);
	gid_t groups[256];
	int ng = getgroups(256, groups);
	struct zone_ctx ctx = {
		.store = store,
		.caller = { .uid = getuid(), .gid = getgid(), .groups = groups,
			    .n_groups = ng > 0 ? (size_t)ng : 0 },
	};
	int r = zone_api_call(&ctx, method, p, reply, &err);
	zone_store_close(store);
	if (r < 0)
		return zctl_error("%s", err.msg[0] ? err.msg : "failed");
	return ZCTL_OK;
}
