/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* util.h - small helpers internal to libzone (and shared with zonectl/zoned). */
#ifndef ZONE_UTIL_H
#define ZONE_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cleanup.h"
#include "zone.h"

/* A printable, double-quoted, escaped copy of s, cut at max bytes (malloc'd). */
char *zone_quote(const char *s, size_t max);
/* Absolute, normalized: starts with '/', no "//", no "." or ".." parts, no trailing '/'. */
bool zone_path_is_normal_absolute(const char *p);
/* Is `path` equal to or below `dir`? (both normalized absolute) */
bool zone_path_is_under(const char *path, const char *dir);
/* Read a whole (small) file; returns bytes read or -errno. */
ssize_t zone_read_file(const char *path, char **out, size_t max);
ssize_t zone_read_fd(int fd, char **out, size_t max);
int zone_mkdir_p(const char *path, mode_t mode);
char *zone_strdup_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int zone_parse_u64(const char *s, uint64_t *out);
/* starttime (field 22) of /proc/PID/stat; 0 if the process does not exist. */
uint64_t zone_proc_starttime(pid_t pid);
long long zone_proc_stat_field(pid_t pid, int field);
/* Default dispositions and an empty mask: before a process enters a zone or execs. */
void zone_reset_signals(void);
/* Number of entries in a NULL-terminated string vector. */
size_t zone_strv_len(char *const *v);
char **zone_strv_copy(char *const *v);
/* Write all of buf to fd, retrying on EINTR and short writes. */
int zone_write_all(int fd, const void *buf, size_t len);

#endif
