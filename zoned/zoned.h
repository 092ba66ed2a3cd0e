/* SPDX-License-Identifier: GPL-2.0-or-later */
/* zoned.h - pieces shared by zoned's main loop and its request workers. */
#ifndef ZONED_H
#define ZONED_H

#include <stdbool.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "zone.h"

struct zoned {
	struct zone_store *store;
	const char *root;
	char *socket_path;
	char *log_path;
	unsigned shutdown_timeout; /* seconds, for SIGPWR / --shutdown-zones */
};

/* worker.c: serve one connection, then return (the caller _exits). */
void zoned_worker(struct zoned *d, int conn, const struct ucred *cred);

/* log.c: one line to ZONES_ROOT/log/zoned.log (the audit log too). */
void zoned_log(struct zoned *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* main.c: shut every running zone down (in parallel), halting what stays. */
int zoned_shutdown_zones(struct zoned *d);

#endif
