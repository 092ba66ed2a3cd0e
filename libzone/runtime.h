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
/* c: the zone's limits and devices[]; policy_mounts: policy/mounts.json */
int zone_cgroup_create(const char *root, const struct zone_config *c, json_t *policy_mounts,
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

/* ---- devices.c: the device allow-list, enforced by the zone's cgroup ---- */
/* access bits: the values of BPF_DEVCG_ACC_* */
enum { ZONE_DEV_MKNOD = 1, ZONE_DEV_READ = 2, ZONE_DEV_WRITE = 4 };
struct zone_devrule {
	char type;       /* 'c' or 'b' */
	int64_t major;   /* -1: any */
	int64_t minor;   /* -1: any */
	unsigned access; /* ZONE_DEV_* */
	ssize_t src;     /* index in devices[], -1 for the defaults */
};
struct zone_devrules {
	struct zone_devrule *v;
	size_t n;
};
struct bpf_insn;
/* policy: the "devices" array of policy/mounts.json */
int zone_devices_rules(const struct zone_device *devs, size_t n, json_t *policy,
		       struct zone_devrules *out, struct zone_error *err);
void zone_devrules_free(struct zone_devrules *r);
/* "c 1:3 rwm" (v1's devices.list format) into buf; returns buf */
const char *zone_devrule_format(const struct zone_devrule *d, char *buf, size_t len);
int zone_devices_apply_v1(const char *dir, const struct zone_devrules *r, struct zone_error *err);
int zone_devices_attach_v2(const char *dir, const struct zone_devrules *r, struct zone_error *err);
/* The v2 program's instructions (malloc'd); -ENOMEM. */
int zone_devices_program(const struct zone_devrules *r, struct bpf_insn **out, size_t *n);

/* ---- tree.c: what a zone root holds, and its digest ---- */
struct zone_tree_entry {
	char *path;        /* relative, "." for the root itself */
	mode_t mode;
	uid_t uid;
	gid_t gid;
	uint64_t size;     /* regular files */
	int64_t mtime_sec;
	long mtime_nsec;
	int64_t ctime_sec;
	long ctime_nsec;
	ino_t ino;
	nlink_t nlink;
	dev_t rdev;
	char *link;        /* symlink target */
	uint8_t content[32]; /* SHA-256 of the bytes (or the link target) */
	uint8_t xattrs[32];
	bool has_content, has_xattrs;
};
struct zone_tree {
	struct zone_tree_entry *v; /* sorted by path (strcmp) */
	size_t n;
	uint64_t bytes;    /* of the regular files */
};
enum { ZONE_TREE_HASH = 1 << 0 }; /* content and xattrs hashed too */
/* Index the tree under rootfd (no symlink followed, no other file system entered). */
int zone_tree_scan(int rootfd, unsigned flags, struct zone_tree **out, struct zone_error *err);
void zone_tree_free(struct zone_tree *t);
struct zone_tree_entry *zone_tree_find(const struct zone_tree *t, const char *path);
/* The digest of a hashed tree: 64 hex digits. */
void zone_tree_digest(const struct zone_tree *t, char out[65]);
struct sha256_ctx;
void zone_tree_entry_record(const struct zone_tree_entry *e, struct sha256_ctx *c);
/* SHA-256 of the first size bytes of fd. */
int zone_hash_fd(int fd, uint64_t size, uint8_t out[32], struct zone_error *err);
/* Extended attributes: names (NUL-separated) and values, of fd or, for an entry that
 * cannot be opened for reading, of proc_path (/proc/self/fd/N of an O_PATH fd). */
int zone_xattrs_list(int fd, const char *proc_path, char **names, ssize_t *len);
ssize_t zone_xattr_get(int fd, const char *proc_path, const char *name, char **out);
/* SHA-256 of all of them, sorted by name (any: whether there were some); each, if given,
 * sees every name and value as hashed. zone_xattr_record hashes one. */
int zone_xattrs_hash(int fd, const char *proc_path, uint8_t out[32], bool *any,
		     void (*each)(void *arg, const char *name, const void *value, size_t len),
		     void *arg);
void zone_xattr_record(struct sha256_ctx *c, const char *name, const void *value, size_t len);
/*
 * Each entry of the directory dfd but . and .., stat'ed without following:
 * visit(arg, dfd, name, rel, &st, depth), rel being prefix/name ("." the top).
 * An entry gone meanwhile is passed over; one on another device than dev is
 * refused (EXDEV), and so is a depth past 256 (ELOOP). A visitor descends by
 * calling it again with depth + 1.
 */
struct stat;
typedef int (*zone_dir_visit)(void *arg, int dfd, const char *name, const char *rel,
			      const struct stat *st, int depth);
int zone_dir_each(int dfd, const char *prefix, int depth, dev_t dev, zone_dir_visit visit,
		  void *arg, struct zone_error *err);
/* An entry's metadata from st, and a symlink's target read at dirfd/name. */
int zone_tree_entry_stat(struct zone_tree_entry *e, int dirfd, const char *name,
			 const struct stat *st, struct zone_error *err);

/* ---- roots.c: zone roots on disk ---- */
/* A new, empty zone root: a btrfs subvolume on btrfs, else a directory (0755). */
int zone_mkroot(const char *path, struct zone_error *err);
/* Remove a zone root (a subvolume, or a tree), never following a symlink. */
int zone_rmroot(const char *path, struct zone_error *err);
int zone_remove_tree_contents(const char *path, struct zone_error *err);
bool zone_is_subvolume(const char *path);
struct zone_copy_stats {
	enum zone_copy_method method; /* the one used */
	uint64_t files, bytes;
	void (*progress)(void *arg, const struct zone_copy_stats *st);
	void *progress_arg;
};
/* Can the forced method m copy src to dst?  (Asked before anything is made.) */
int zone_copy_check(const char *src, const char *dst, enum zone_copy_method m,
		    struct zone_error *err);
/* Make dst (which must not exist) a copy of the root src (see the theory in roots.c). */
int zone_copy_root(const char *src, const char *dst, enum zone_copy_method m,
		   struct zone_copy_stats *stats, struct zone_error *err);

/* ---- install.c ---- */
/* uninstall, noting where the zone went (zonectl move) in its record */
int zone_runtime_uninstall_note(struct zone_store *s, const char *name, bool force,
				const char *moved_to, struct zone_error *err);
/* Run a brand hook (install, clone, update) on the host, output to log;
 * the error names the brand, the hook and its last line of output. */
int zone_hook_run(const char *hook, const char *what, const struct zone_config *c,
		  const char *root, const char *log, char *const *extra_env, struct zone_error *err);

/* ---- manifest.c: what a zone leaving this host says about itself ---- */
struct zone_manifest {
	char *name;
	struct zone_config *config;
	char *brand, *brand_version;
	char *arch;
	char *libzone_version;
	uint64_t files, bytes; /* the root's entries, and its regular files' bytes */
	char digest[65];       /* tree.c's digest; "" when the manifest has none */
	json_t *json;          /* the whole, as read */
};
const char *zone_host_arch(void);
int zone_manifest_make(const struct zone_config *c, const struct zone_brand *b,
		       const struct zone_tree *t, bool with_digest, json_t **out,
		       struct zone_error *err);
int zone_manifest_parse(json_t *j, struct zone_manifest **out, struct zone_error *err);
void zone_manifest_free(struct zone_manifest *m);
static inline void zone_manifest_freep(struct zone_manifest **m)
{
	zone_manifest_free(*m);
}
#define _cleanup_manifest_ _cleanup_(zone_manifest_freep)
/* Can this host take the zone (brand and major version, arch, the config `as`
 * will have here)?  One line per problem; returns their number. */
int zone_manifest_check(struct zone_store *s, const struct zone_manifest *m,
			const struct zone_config *as, bool update, json_t *problems);

/* ---- attach.c ---- */
char *zone_detached_path(const char *zonepath);
/* ZONEPATH/detached.json, read (a regular file, no symlink) and parsed. */
int zone_detached_read(const char *zonepath, struct zone_manifest **out, struct zone_error *err);
/* The digest of a root (and its hashed index, with want_tree). */
int zone_root_digest(const char *root, bool want_tree, struct zone_tree **tree, char out[65],
		     struct zone_error *err);

/* ---- stream.c: send and receive, one portable stream ---- */
struct zone_send {
	int fd;                            /* where the stream goes */
	const char *root;                  /* the zone's root */
	const struct zone_config *config;
	const struct zone_brand *brand;
	const char *compress;              /* zstd (default), gzip, none */
	bool live;                         /* the zone runs: entries may change as they are read */
	const struct zone_tree *base;      /* a delta: what the receiver has (move, second pass) */
	const char *base_id;
	const char *save_index;            /* keep what was sent, for a delta later */
	const struct zone_progress *progress;
	json_t **report;                   /* digest, files, bytes, sent_files, sent_bytes */
};
int zone_stream_send(const struct zone_send *o, struct zone_error *err);

struct zone_receive {
	int fd;                            /* where the stream comes from */
	uint64_t max_bytes, max_files;     /* 0: the free space, 500,000 */
	const char *save_index;            /* keep what arrived, for a delta later */
	const struct zone_progress *progress;
};
struct zone_stream {                   /* a stream opened: its manifest and config read */
	struct archive *a;
	json_t *manifest_json, *config_json;
	struct zone_manifest *manifest;
	bool live;
};
int zone_stream_open(const struct zone_receive *o, struct zone_stream **out,
		     struct zone_error *err);
void zone_stream_close(struct zone_stream *st);
/* The rest of the stream into the root (a delta over `base`); checks its digest. */
int zone_stream_extract(struct zone_stream *st, const struct zone_receive *o, int rootfd,
			struct zone_tree *base, json_t **report, struct zone_error *err);
int zone_index_save(const struct zone_tree *t, const char *path, struct zone_error *err);
int zone_index_load(const char *path, struct zone_tree **out, struct zone_error *err);
uint64_t zone_free_bytes(const char *path);

/* ---- transfer.c: send and receive, under the zone's lock ---- */
enum zone_pass { ZONE_PASS_FULL, ZONE_PASS_BASE, ZONE_PASS_DELTA };
struct zone_transfer {
	int fd;
	enum zone_pass pass;
	const char *compress;           /* send */
	uint64_t max_bytes, max_files;  /* receive */
	const struct zone_progress *progress;
};
int zone_transfer_send(struct zone_store *s, const char *name, const struct zone_transfer *t,
		       json_t **report, struct zone_error *err);
int zone_transfer_receive(struct zone_store *s, const char *name, struct zone_stream *stream,
			  const struct zone_transfer *t, json_t **report, struct zone_error *err);

/* ---- net.c ---- */
char *zone_net_host_ifname(const char *root, const char *zone, size_t index);
void zone_net_mac(const char *root, const char *zone, size_t index, char out[18]);
/* The bridges, MTUs and host interface names of an exclusive-IP zone (running: its own
 * host ends exist already and are not a conflict). */
int zone_net_check_host(const char *root, const struct zone_config *c, bool running,
			struct zone_error *err);
/* The same host address (CIDR prefix lengths aside)? */
bool zone_net_same_address(const char *cidr_a, const char *cidr_b);
/* netns: a descriptor of the zone's network namespace */
int zone_net_setup(const char *root, const struct zone_config *c, int netns,
		   struct zone_error *err);
void zone_net_teardown(const char *root, const char *zone, size_t n);
int zone_net_loopback_up(struct zone_error *err);
int zone_net_dump(pid_t init, json_t **out, struct zone_error *err);

/* ---- verify.c ---- */
/* The network as boot will find it: the host's bridges and names, and no
 * running zone with the same address on the same bridge. */
int zone_verify_net(struct zone_store *s, const struct zone_config *c, struct zone_error *err);

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

/* ---- sys.c: thin wrappers for system calls glibc 2.36 lacks ----
 * Each returns its result or a negative errno (never -1 with errno). */
/* A descriptor or -errno. */
int zone_openat2(int dirfd, const char *path, int flags, unsigned long long resolve);
/* Open a path inside a zone root: no symlinks, no magic links, no escape.
 * A descriptor or -errno (-ELOOP for a symlink on the way). */
int zone_open_in_root(int rootfd, const char *path, int flags);
/* The child's pid, 0 in the child, or -errno. */
pid_t zone_clone3(uint64_t flags, int *pidfd);
/* sendmsg() with descriptors (SCM_RIGHTS); returns bytes sent or -errno. */
ssize_t zone_sendmsg_fds(int sock, const void *buf, size_t len, const int *fds, size_t n);
/* A pidfd or -errno. */
int zone_pidfd_open(pid_t pid);
/* 0 or -errno. */
int zone_pidfd_send_signal(int pidfd, int sig);
/* Open a pidfd for pid only if its start time is `start` (no pid reuse);
 * -ESRCH if it is not. */
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

/* ---- store.c, internal ---- */
/* Forget a halted zone's pids, cgroups and policy in its record. */
void zone_status_clear_runtime(struct zone_status *st);

/* ---- the boot: one list of steps (runtime.c), walked by step.c ---- */

/*
 * Who runs a step: the booting process (a zoned worker holding the zone
 * lock), the zone's monitor (forked by it), or the zone's first process
 * (cloned by the monitor into the zone's namespaces; it becomes init).
 */
enum zone_actor { ZONE_ACTOR_BOOTER, ZONE_ACTOR_MONITOR, ZONE_ACTOR_ZONE };

/*
 * What a zone holds on the host: everything an undo needs, filled in as the
 * steps that make each thing run (each actor keeps its own copy, and the
 * live record holds the booter's), or read back from the live record
 * (zone_hold_from_status) when the zone's monitor is gone.
 */
struct zone_hold {
	const char *root;        /* ZONES_ROOT */
	const char *name;
	pid_t monitor_pid;
	uint64_t monitor_start;
	int monitor_pidfd;       /* -1 if the walker has none */
	bool self_is_monitor;    /* the walker is the monitor: it does not stop itself */
	pid_t init_pid;
	uint64_t init_start;
	int init_pidfd;          /* -1 if the walker has none (the monitor, its parent, has one) */
	bool init_reaped;        /* the monitor reaped it: how it ended */
	int init_code, init_status;
	int kzone;               /* kernel zone ID, 0 = none */
	json_t *cgroups;         /* borrowed; NULL = none made (yet) */
	size_t n_net;            /* veths made (exclusive IP) */
};

struct zone_boot;

/*
 * One row of the boot.  run() is called by `actor` only; undo() may be
 * called by anyone holding the zone lock (or by the monitor while its lock
 * holder waits), must be idempotent and must work from the hold alone: a
 * failed boot, a halt and the clean-up of a zone whose monitor died all
 * walk the same list backward.
 */
struct zone_step {
	const char *name;
	enum zone_actor actor;
	int (*run)(struct zone_boot *b, struct zone_error *err);
	void (*undo)(struct zone_hold *h);
	bool named;   /* its errors get "name: " in front (check's name their fields) */
};

/* step.c: the walks, and the undo of each thing a zone holds */
void zone_hold_init(struct zone_hold *h, const char *root, const char *name);
void zone_hold_from_status(struct zone_hold *h, const char *root, const char *name,
			   const struct zone_status *st);
/*
 * Run the rows of `actor` from index `from` on; on failure *failed is the
 * row's index and the error is prefixed with its name (unless it came from
 * another actor already named: see zone_boot_peer_error).
 */
int zone_steps_run(struct zone_boot *b, enum zone_actor actor, size_t from, size_t *failed,
		   struct zone_error *err);
/* Undo rows from-1 .. 0, in that order. */
void zone_steps_undo(const struct zone_step *steps, size_t from, struct zone_hold *h);
/* The index of the row `name`, for an actor that starts in the middle. */
size_t zone_steps_index(const struct zone_step *steps, size_t n, const char *name);
void zone_undo_seccomp(struct zone_hold *h);
void zone_undo_monitor(struct zone_hold *h);
void zone_undo_console(struct zone_hold *h);
void zone_undo_kzone(struct zone_hold *h);
void zone_undo_cgroup(struct zone_hold *h);
void zone_undo_namespaces(struct zone_hold *h);
void zone_undo_net(struct zone_hold *h);
/* Wait until a pidfd's process has exited (true), at most timeout_ms. */
bool zone_pidfd_wait(int pidfd, int timeout_ms);

/*
 * The messages of the boot conversation (SEQPACKET, one per datagram; the
 * first byte says which).  Who sends what to whom, in order:
 */
enum zone_msg {
	ZONE_MSG_CGROUPS = 'C', /* booter -> monitor: {"cgroups": [...], "cgmounts": [...]} */
	ZONE_MSG_PIDS = 'P',    /* monitor -> booter: "P init start monitor start kzone" */
	ZONE_MSG_MOUNTS = 'M',  /* monitor -> zone: mount trees (fds) + the cgroups JSON */
	ZONE_MSG_NETNS = 'N',   /* netns helper -> zone and -> monitor: the namespace (fd) */
	ZONE_MSG_READY = 'R',   /* zone -> monitor -> booter: mounts done, in the root */
	ZONE_MSG_GO = 'G',      /* booter -> monitor -> zone: start init (it is recorded) */
	ZONE_MSG_STARTED = 'X', /* monitor -> booter: init exec'd */
	ZONE_MSG_ERROR = 'E',   /* anyone -> its peer: "step: why"; the sender gives up
				 * (also login's helper -> zone_runtime_login) */
	ZONE_MSG_TTY = 'T',     /* login's helper -> zone_runtime_login: the pty master
				 * from inside the zone */
	ZONE_MSG_HELPER_GO = 'g', /* monitor -> netns helper: the uid map is written */
};

/* Send "E<text>" (the error's message, already naming its step). */
void zone_msg_error(int sock, const struct zone_error *err);
/* Send a message; if the peer is gone, its "E" (if any) is the error, else "what: why". */
int zone_msg_send(struct zone_boot *b, int sock, const char *msg, const int *fds, size_t n,
		  const char *what, struct zone_error *err);
/*
 * Receive one message into buf, waiting at most timeout_ms (-1: forever),
 * and expect `want`: an E becomes the error (named by its sender, see
 * zone_boot_peer_error); EOF or a timeout say so.
 */
int zone_msg_expect(struct zone_boot *b, int sock, enum zone_msg want, char *buf, size_t len,
		    int *fds, size_t *nfds, int timeout_ms, const char *peer,
		    struct zone_error *err);

/*
 * The context of one boot, shared by the three actors: each has its own
 * copy (fork, clone) and uses its own part.
 */
struct zone_boot {
	const struct zone_step *steps;
	size_t n_steps;
	struct zone_store *s;
	const char *name;
	struct zone_config *cfg;
	struct zone_brand *brand;
	struct zone_plan plan;
	struct zone_hold hold;
	bool peer_error;  /* the error in flight came named from another actor */

	/* the booter */
	struct zone_status st; /* the record it writes */
	bool recorded;         /* a live record was written (undo puts `installed` back) */
	bool mon_started;
	int mon_sock;          /* its end of the conversation with the monitor */

	/* the monitor */
	int boot_sock;         /* its end to the booter */
	int zone_sock;         /* its end to the first process */
	char *cgtext;          /* the C message's JSON, passed on with M */
	struct zone_store *mstore; /* its own store handle (for the lock at a spontaneous exit) */
	int master, slave;     /* the console pty */
	char slave_path[64];
	int lsock;             /* ZONES_ROOT/run/NAME.sock */
	int logfd;
	pid_t nsh;             /* the network namespace helper while booting, 0 if none */
	int nsock;             /* its socket */
	void *nsarg, *nsstack; /* what it works from, and its stack (it shares our memory) */

	/* the first process */
	int sock;              /* its end to the monitor */
	int rootfd;            /* the zone root's tree, attached */
	int netns_fd;          /* the network namespace, from the helper */
};

/* runtime.c: the list itself */
extern const struct zone_step zone_boot_steps[];
extern const size_t zone_boot_n_steps;

/* monitor.c: the monitor's rows, its life after boot, and requests to it */
int zone_mon_console(struct zone_boot *b, struct zone_error *err);
int zone_mon_kzone(struct zone_boot *b, struct zone_error *err);
int zone_mon_namespaces(struct zone_boot *b, struct zone_error *err);
int zone_mon_idmap(struct zone_boot *b, struct zone_error *err);
int zone_mon_mounts(struct zone_boot *b, struct zone_error *err);
int zone_mon_net(struct zone_boot *b, struct zone_error *err);
int zone_mon_start(struct zone_boot *b, struct zone_error *err);
/* The monitor's whole life: its rows, then supervision until the zone is gone. */
__attribute__((noreturn)) void zone_monitor_main(struct zone_boot *b);
char *zone_monitor_socket_path(const char *run_dir, const char *name);
/* Send a one-line request to a zone's monitor; reply line in buf. */
int zone_monitor_request(const char *run_dir, const char *name, const char *req, int timeout_ms,
			 char *buf, size_t len, int *sock_out, struct zone_error *err);

/* zoneproc.c: the first process's rows, up to exec'ing init */
__attribute__((noreturn)) void zone_proc_main(struct zone_boot *b, size_t from);
int zone_proc_rootfs(struct zone_boot *b, struct zone_error *err);
int zone_proc_netns(struct zone_boot *b, struct zone_error *err);
int zone_proc_pivot(struct zone_boot *b, struct zone_error *err);
int zone_proc_lockdown(struct zone_boot *b, struct zone_error *err);
int zone_proc_init(struct zone_boot *b, struct zone_error *err);

/* runtime.c: under the zone lock, a live zone whose monitor died is taken down. */
int zone_runtime_reconcile_locked(struct zone_store *s, const char *name, struct zone_status *st,
				  struct zone_error *err);
/* observe.c: a running zone's status (reconciled), or an error naming verb and state. */
int zone_runtime_load_live(struct zone_store *s, const char *name, const char *verb,
			   struct zone_status *st, struct zone_error *err);

/* Log a line to the zone's console log (monitor and boot). */
void zone_console_log(const char *path, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
