/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * private.h - the libzone internals that zoned and zonectl use, and nothing
 * else.  zoned links libzone_static and zonectl libzone_client, so these
 * resolve at static link time; none of them is exported from libzone.so
 * (libzone.sym lists zone.h's functions only) and none is a promise to
 * anyone outside this tree: each may change with any commit.
 *
 * Keep this list short.  A function belongs here only when zoned or zonectl
 * calls it; the comment on each says why it is not zone.h API.  Something
 * that a program outside this tree needs goes into zone.h instead (and into
 * libzone.sym), under a zone_<noun>_<verb> name.  libzone's own code sees
 * these through util.h and runtime.h, which include this header, so every
 * declaration here is the only one and the compiler checks it against its
 * definition.
 */
#ifndef LIBZONE_PRIVATE_H
#define LIBZONE_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "cleanup.h" /* macros and static inlines only: no library symbol */
#include "zone.h"

/* ---- util.c: generic helpers (not about zones: no place in zone.h) ---- */

/* A printable, double-quoted, escaped copy of s, cut at max bytes (malloc'd).
 * Not API: a message-formatting helper; callers see its output in zone_error. */
char *zone_quote(const char *s, size_t max);
/* Absolute, normalized: starts with '/', no "//", no "." or ".." parts, no trailing '/'.
 * Not API: a path rule of the store's validators, not a zone operation. */
bool zone_path_is_normal_absolute(const char *p);
/* Read a whole (small) file; returns bytes read or -errno.
 * Not API: plain file I/O that any program has. */
ssize_t zone_read_file(const char *path, char **out, size_t max);
/* The same from a descriptor.  Not API: plain file I/O. */
ssize_t zone_read_fd(int fd, char **out, size_t max);
/* mkdir -p.  Not API: plain file-system helper. */
int zone_mkdir_p(const char *path, mode_t mode);
/* asprintf that returns the string or NULL.  Not API: plain string helper. */
char *zone_strdup_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Number of entries in a NULL-terminated string vector.  Not API: plain helper. */
size_t zone_strv_len(char *const *v);
/* Write all of buf to fd, retrying on EINTR and short writes.  Not API: plain I/O. */
int zone_write_all(int fd, const void *buf, size_t len);

/* ---- sys.c: socket plumbing between zonectl, zoned and its workers ---- */

/* Send a NUL-terminated message with descriptors (SCM_RIGHTS).
 * Not API: zoned's hand-off of a connection to a spare worker; clients use zone_wire_send. */
int zone_send_fds(int sock, const char *msg, const int *fds, size_t n);
/* Receive a message (NUL-terminated into buf) and up to *n fds.
 * Not API: the worker's side of that hand-off; clients use zone_wire_recv. */
ssize_t zone_recv_fds(int sock, char *buf, size_t len, int *fds, size_t *n);
/* A sockaddr for a path of any length (longer ones through a directory fd).
 * Not API: a sun_path workaround whose dirfd contract is an implementation detail. */
struct sockaddr_un;
int zone_sockaddr_un(const char *path, struct sockaddr_un *sa, int *dirfd);
/* A connected stream socket to the Unix socket at path, or -errno.
 * Not API (yet): a public client would want it as zone_wire_connect, not under this name. */
int zone_unix_connect(const char *path);

/* ---- cgroup.c: zoned's own place in the cgroup tree ---- */

/* Move the calling process into the store's supervisor leaf cgroup (v2).
 * Not API: only the one daemon that owns a store may do this, at its start. */
int zone_cgroup_enter_supervisor(const char *root, struct zone_error *err);
/* Remove the store's empty zones-TAG cgroup directories.
 * Not API: the owning daemon's clean-up when it stops. */
void zone_cgroup_release(const char *root);

#endif
