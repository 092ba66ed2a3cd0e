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

static int open_store(struct zone_store **store)
{
	struct zone_error err = { 0 };
	if (zone_store_open(zctl_root, store, &err) < 0)
		return zctl_error("%s", err.msg);
	return ZCTL_OK;
}

int zctl_login(const char *name, const struct zone_login *o, pid_t *pid, int *master)
{
	struct zone_store *store = NULL;
	struct zone_error err = { 0 };
	if (open_store(&store) != ZCTL_OK)
		return ZCTL_FAIL;
	int r = zone_runtime_login(store, name, o, pid, master, &err);
	zone_store_close(store);
	return r < 0 ? zctl_error("%s", err.msg) : ZCTL_OK;
}

int zctl_console(const char *name, int *fd)
{
	struct zone_store *store = NULL;
	struct zone_error err = { 0 };
	if (open_store(&store) != ZCTL_OK)
		return ZCTL_FAIL;
	int r = zone_runtime_console(store, name, fd, &err);
	zone_store_close(store);
	return r < 0 ? zctl_error("%s", err.msg) : ZCTL_OK;
}
