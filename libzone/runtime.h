/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * runtime.h - internal interfaces of the zone runtime: the boot plan handed
 * from the booting process to the monitor and the zone's first process,
 * and the pieces it is built from (cgroup.c, policy.c, rootfs.c, sys.c).
 */
#ifndef ZONE_RUNTIME_H
#define ZONE_RUNTIME_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <jansson.h>

#include "private.h" /* zoned's cgroup calls, the socket plumbing */
#include "zone.h"

/* ---- cgroup.c ---- */
char *zone_cgroup_tag(const char *root);
int zone_cgroup_create(const char *root, const char *name, const struct zone_limits *l,
		       json_t **paths, struct zone_error *err);
int zone_cgroup_attach(json_t *paths, pid_t pid, struct zone_error *err);
int zone_cgroup_destroy(json_t *paths, struct zone_error *err);
int zone_cgroup_join_self(json_t *paths, struct zone_error *err);
bool zone_cgroup_is_v1(json_t *paths);
char **zone_cgroup_self_files(json_t *paths);
int zone_cgroup_join_files(char *const *files, struct zone_error *err);
int zone_cgroup_stat(json_t *paths, json_t **out, struct zone_error *err);
int zone_cgroup_mounts(json_t *paths, json_t **out, struct zone_error *err);
int zone_cgroup_pids(json_t *paths, pid_t **out, size_t *n, struct zone_error *err);

/* ---- net.c ---- */
char *zone_net_host_ifname(const char *root, const char *zone, size_t index);
void zone_net_mac(const char *root, const char *zone, size_t index, char out[18]);
int zone_net_check(struct zone_store *s, const struct zone_config *c, struct zone_error *err);
/* netns: a descriptor of the zone's network namespace */
int zone_net_setup(const char *root, const struct zone_config *c, int netns,
		   struct zone_error *err);
void zone_net_teardown(const char *root, const char *zone, size_t n);
int zone_net_loopback_up(struct zone_error *err);
int zone_net_dump(pid_t init, json_t **out, struct zone_error *err);

/* ---- kzone.c: kernel zone IDs (the oszone LSM), when the kernel has them ---- */
bool zone_kzone_available(void);
int zone_kzone_create(const char *name, int slot, struct zone_error *err);
int zone_kzone_enter(int id, struct zone_error *err);
int zone_kzone_set_release(int id, pid_t member, const char *release, struct zone_error *err);
void zone_kzone_destroy(int id);

/* ---- policy.c ---- */
int zone_policy_caps(char *const *limitpriv, uint64_t *mask, struct zone_error *err);
int zone_caps_apply(uint64_t mask, struct zone_error *err);
int zone_caps_bound(uint64_t mask, struct zone_error *err);
int zone_caps_set(uint64_t mask, struct zone_error *err);
int zone_seccomp_compile(const char *profile, uint64_t caps, const char *cache_dir, void **bpf,
			 size_t *len, struct zone_error *err);
int zone_seccomp_load(const void *bpf, size_t len, struct zone_error *err);
int zone_policy_mounts(json_t **out, struct zone_error *err);

/* ---- sys.c: thin wrappers for system calls glibc 2.36 lacks ---- */
int zone_openat2(int dirfd, const char *path, int flags, unsigned long long resolve);
/* Open a path inside a zone root: no symlinks, no magic links, no escape. */
int zone_open_in_root(int rootfd, const char *path, int flags);
pid_t zone_clone3(uint64_t flags, int *pidfd);
/* sendmsg() with descriptors (SCM_RIGHTS); returns bytes sent or -errno. */
ssize_t zone_sendmsg_fds(int sock, const void *buf, size_t len, const int *fds, size_t n);
int zone_pidfd_open(pid_t pid);
int zone_pidfd_send_signal(int pidfd, int sig);
/* Open a pidfd for pid only if its start time is `start` (no pid reuse). */
int zone_pidfd_open_checked(pid_t pid, uint64_t start);

/* ---- the boot plan ---- */
struct zone_bind {
	char *source; /* host path */
	char *target; /* path in the zone */
	bool readonly;
	bool idmap;    /* map ids through the zone's user namespace */
	bool optional; /* skip if the source or target is missing or a symlink */
	bool late;     /* attach after /dev is built (devices[]) */
};

struct zone_plan {
	const struct zone_config *cfg;
	const struct zone_brand *brand;
	const char *store_root;
	char *root;     /* the zone root on the host: <zonepath>/root */
	char *hostname;
	bool userns;
	bool netns;
	uint32_t uid_base;
	uint64_t caps;
	void *bpf;
	size_t bpf_len;
	json_t *mounts; /* policy/mounts.json */
	json_t *cgroups;
	json_t *cgmounts; /* zone_cgroup_mounts() */
	struct zone_bind *binds;
	size_t n_binds;
	unsigned long personality;
	char *run_dir;   /* ZONES_ROOT/run */
	char *log_path;  /* console log */
	int slot;
};

/*
 * rootfs.c: runs in the zone's first process, in its new namespaces, in two
 * steps around joining the zone's network namespace (made in parallel by the
 * monitor): setup needs none (binds, /proc, /dev), finish needs it (sysfs,
 * cgroups, /proc/sys/net) and ends in the zone root (pivot_root).
 */
int zone_rootfs_setup(const struct zone_plan *p, const int *mfds, size_t n_mfds,
		      const char *console, struct zone_error *err);
int zone_rootfs_finish(const struct zone_plan *p, int rootfd, struct zone_error *err);
/* rootfs.c: in the monitor, before the zone's first process continues. */
int zone_rootfs_prepare(const struct zone_plan *p, pid_t child, int **mfds, size_t *n,
			struct zone_error *err);

/* monitor.c */
int zone_monitor_run(const struct zone_plan *p, int boot_sock, struct zone_error *err);
char *zone_monitor_socket_path(const char *run_dir, const char *name);
/* Send a one-line request to a zone's monitor; reply line in buf. */
int zone_monitor_request(const char *run_dir, const char *name, const char *req, int timeout_ms,
			 char *buf, size_t len, int *sock_out, struct zone_error *err);

/* runtime.c: a running zone's status (reconciled), or an error naming verb and state. */
int zone_runtime_load_live(struct zone_store *s, const char *name, const char *verb,
			   struct zone_status *st, struct zone_error *err);

/* runtime.c: forget a halted zone's pids, cgroups and policy in its record. */
void zone_status_clear_runtime(struct zone_status *st);

/* Log a line to the zone's console log (monitor and boot). */
void zone_console_log(const char *path, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
