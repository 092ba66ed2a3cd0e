/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * api.h - internal interface between the request dispatcher (api.c) and the
 * method implementations (api_config.c, api_runtime.c).  None of this is
 * exported from libzone.so: zone_api_call and zone_api_has_method (zone.h)
 * are the API's entry points.
 */
#ifndef ZONE_API_H
#define ZONE_API_H

#include <stdbool.h>
#include <jansson.h>

#include "zone.h"

typedef int (*zone_api_fn)(struct zone_ctx *ctx, json_t *params, json_t **reply,
			   struct zone_error *err);

struct zone_api_method {
	const char *name;
	zone_api_fn fn;
};

int zone_api_param_str(json_t *params, const char *key, bool required, const char **out,
		       struct zone_error *err);
int zone_api_param_strv(json_t *params, const char *key, char ***out, struct zone_error *err);
int zone_api_param_bool(json_t *params, const char *key, bool *out, struct zone_error *err);
int zone_api_param_uint(json_t *params, const char *key, uint64_t max, uint64_t *out,
			struct zone_error *err);
int zone_api_param_name(json_t *params, const char **name, struct zone_error *err);

unsigned zone_api_caller_auths(const struct zone_caller *c, const struct zone_config *cfg);
int zone_api_require_root(struct zone_ctx *ctx, const char *what, const char *name,
			  struct zone_error *err);
int zone_api_require_auth(struct zone_ctx *ctx, const struct zone_config *cfg, unsigned need,
			  const char *what, struct zone_error *err);

/* api_config.c: configuration verbs */
int zone_api_create(struct zone_ctx *, json_t *, json_t **, struct zone_error *);
int zone_api_delete(struct zone_ctx *, json_t *, json_t **, struct zone_error *);
int zone_api_list(struct zone_ctx *, json_t *, json_t **, struct zone_error *);
int zone_api_show(struct zone_ctx *, json_t *, json_t **, struct zone_error *);
int zone_api_set(struct zone_ctx *, json_t *, json_t **, struct zone_error *);
int zone_api_add(struct zone_ctx *, json_t *, json_t **, struct zone_error *);
int zone_api_remove(struct zone_ctx *, json_t *, json_t **, struct zone_error *);
int zone_api_verify(struct zone_ctx *, json_t *, json_t **, struct zone_error *);
int zone_api_mark(struct zone_ctx *, json_t *, json_t **, struct zone_error *);
int zone_api_admin_add(struct zone_ctx *, json_t *, json_t **, struct zone_error *);
int zone_api_admin_remove(struct zone_ctx *, json_t *, json_t **, struct zone_error *);
int zone_api_admin_list(struct zone_ctx *, json_t *, json_t **, struct zone_error *);

/* api_move.c: zones from zones */
int zone_api_clone(struct zone_ctx *, json_t *, json_t **, struct zone_error *);
int zone_api_detach(struct zone_ctx *, json_t *, json_t **, struct zone_error *);
int zone_api_attach(struct zone_ctx *, json_t *, json_t **, struct zone_error *);
int zone_api_send(struct zone_ctx *, json_t *, json_t **, struct zone_error *);
int zone_api_receive(struct zone_ctx *, json_t *, json_t **, struct zone_error *);

/* api_runtime.c: lifecycle verbs */
int zone_api_install(struct zone_ctx *, json_t *, json_t **, struct zone_error *);
int zone_api_uninstall(struct zone_ctx *, json_t *, json_t **, struct zone_error *);
int zone_api_boot(struct zone_ctx *, json_t *, json_t **, struct zone_error *);
int zone_api_halt(struct zone_ctx *, json_t *, json_t **, struct zone_error *);
int zone_api_shutdown(struct zone_ctx *, json_t *, json_t **, struct zone_error *);
int zone_api_reboot(struct zone_ctx *, json_t *, json_t **, struct zone_error *);
int zone_api_ps(struct zone_ctx *, json_t *, json_t **, struct zone_error *);
int zone_api_stat(struct zone_ctx *, json_t *, json_t **, struct zone_error *);
int zone_api_net(struct zone_ctx *, json_t *, json_t **, struct zone_error *);
int zone_api_authorize(struct zone_ctx *, json_t *, json_t **, struct zone_error *);

#endif
