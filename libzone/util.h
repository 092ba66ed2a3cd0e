/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* util.h - small helpers internal to libzone (those zonectl and zoned use: private.h). */
#ifndef ZONE_UTIL_H
#define ZONE_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cleanup.h"
#include "private.h"
#include "zone.h"

/* Is `path` equal to or below `dir`? (both normalized absolute) */
bool zone_path_is_under(const char *path, const char *dir);
int zone_parse_u64(const char *s, uint64_t *out);
/* starttime (field 22) of /proc/PID/stat; 0 if the process does not exist. */
uint64_t zone_proc_starttime(pid_t pid);
long long zone_proc_stat_field(pid_t pid, int field);
/* Default dispositions and an empty mask: before a process enters a zone or execs. */
void zone_reset_signals(void);
char **zone_strv_copy(char *const *v);

#endif
