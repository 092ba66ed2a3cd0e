/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * zone.h - public interface of libzone.
 *
 * Conventions (see CONVENTIONS.md):
 *  - every fallible call takes a struct zone_error * and returns < 0
 *    (a negative errno) on failure, filling the error with a message that
 *    names the field and the value;
 *  - the library never prints, logs or exits;
 *  - names are zone_<noun>_<verb>; the noun names the source file.
 *
 * ABI: libzone.so exports exactly the functions declared here, under the
 * symbol version LIBZONE_1 (libzone.sym); everything else in the library is
 * hidden.  A function added here goes into libzone.sym too (the unit test
 * abi-check fails otherwise); after a release, a new or changed function
 * goes into a new version node there.
 */
#ifndef LIBZONE_ZONE_H
#define LIBZONE_ZONE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <jansson.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * libzone is built with -fvisibility=hidden; everything declared from here to
 * the pop below is its API and gets default visibility, in the library (so
 * the compiler knows what is exported and calls the rest directly) and in a
 * program that includes this header while building with hidden visibility
 * itself.  libzone.sym then decides what the linker exports.
 */
#pragma GCC visibility push(default)

/* ---- errors (error.c) ---------------------------------------------- */

#define ZONE_ERROR_MAX 1024

struct zone_error {
	int code;                 /* positive errno, 0 when unset */
	char msg[ZONE_ERROR_MAX]; /* one line, no trailing newline */
};

/* Set err (if not NULL) and return -code. */
int zone_error_set(struct zone_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Like zone_error_set, with ": strerror(code)" appended. */
int zone_error_errno(struct zone_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Prefix the existing message with context ("boot web: " + msg); returns -code. */
int zone_error_wrap(struct zone_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void zone_error_clear(struct zone_error *err);

/* Long work (clone, send, receive) says how far it got, when someone listens. */
struct zone_progress {
	void (*fn)(void *arg, json_t *progress); /* {"phase":..., "files":N, "bytes":N, ...} */
	void *arg;
};

/* ---- names (name.c) --------------------------------------------------- */

#define ZONE_NAME_MAX 63

/* [A-Za-z0-9][A-Za-z0-9_.-]{0,62}, never "global", never "." or "..". */
int zone_name_validate(const char *name, struct zone_error *err);

/* ---- configuration (config.c) ------------------------------------------ */

enum zone_ip_type { ZONE_IP_NONE, ZONE_IP_EXCLUSIVE, ZONE_IP_SHARED };
enum zone_userns { ZONE_USERNS_AUTO, ZONE_USERNS_NONE };

enum zone_auth {
	ZONE_AUTH_LOGIN = 1 << 0,
	ZONE_AUTH_MANAGE = 1 << 1,
	ZONE_AUTH_CLONE = 1 << 2,
};

struct zone_net {
	char *name;    /* interface name inside the zone */
	char *bridge;  /* host bridge */
	char *address; /* CIDR, v4 or v6; NULL = none */
	char *gateway; /* NULL = none */
	char *mac;     /* NULL = derived from the zone name */
	uint32_t mtu;  /* 0 = default */
};

struct zone_fs {
	char *source;
	char *target;
	bool readonly;
};

struct zone_device {
	char *path;   /* /dev/... on the host and in the zone */
	char *access; /* subset of "rwm" */
};

struct zone_admin {
	char *user;  /* exactly one of user, group */
	char *group;
	unsigned auths; /* enum zone_auth bits */
};

/* 0 means "not set" for every limit. */
struct zone_limits {
	uint64_t cpu_cap;       /* percent of one CPU */
	uint64_t cpu_shares;
	uint64_t memory_cap;    /* bytes */
	uint64_t swap_cap;      /* bytes */
	uint64_t max_processes;
	char *cpuset;           /* "0-1,3" or NULL */
	uint64_t io_weight;
};

struct zone_config {
	int version;
	char *name;
	char *brand;
	char *zonepath;
	bool autoboot;
	bool detached;    /* detach wrote the zonepath's manifest; attach clears it */
	char *hostname;
	enum zone_ip_type ip_type;
	struct zone_net *net;
	size_t n_net;
	struct zone_fs *fs;
	size_t n_fs;
	struct zone_device *devices;
	size_t n_devices;
	struct zone_limits limits;
	char **limitpriv; /* NULL-terminated, NULL = brand default */
	char *seccomp;    /* profile name, NULL = brand default */
	enum zone_userns userns;
	struct zone_admin *admins;
	size_t n_admins;
	json_t *attrs;       /* object of strings */
	json_t *brand_attrs; /* object of scalars */
};

/* Parse and validate; `origin` prefixes messages ("zone.json"). */
int zone_config_from_json(json_t *j, const char *origin,
			  struct zone_config **out, struct zone_error *err);
int zone_config_parse(const char *text, size_t len, const char *origin,
		      struct zone_config **out, struct zone_error *err);
json_t *zone_config_to_json(const struct zone_config *c);
void zone_config_free(struct zone_config *c);
/* Apply "key=value" with dotted keys to a config JSON object, typed by the schema. */
int zone_config_json_set(json_t *j, const char *assignment, struct zone_error *err);
/* Resource kinds for add/remove: "net", "fs", "device", "admin". */
int zone_config_json_add(json_t *j, const char *kind, char *const *assignments,
			 struct zone_error *err);
int zone_config_json_remove(json_t *j, const char *kind, char *const *assignments,
			    struct zone_error *err);

/* Sizes with K/M/G/T suffixes (powers of 1024). */
int zone_size_parse(const char *s, uint64_t *out);
const char *zone_ip_type_to_string(enum zone_ip_type t);
const char *zone_auths_to_string(unsigned auths, char *buf, size_t len);

/* ---- states (state.c) -------------------------------------------------- */

enum zone_state {
	ZONE_STATE_CONFIGURED,
	ZONE_STATE_INCOMPLETE,
	ZONE_STATE_INSTALLED,
	ZONE_STATE_READY,
	ZONE_STATE_RUNNING,
	ZONE_STATE_SHUTTING_DOWN,
	_ZONE_STATE_MAX,
	ZONE_STATE_INVALID = -1,
};

const char *zone_state_to_string(enum zone_state s);
enum zone_state zone_state_from_string(const char *s);
bool zone_state_transition_ok(enum zone_state from, enum zone_state to);
/* ready, running, shutting_down: the zone has processes (if its monitor lives) */
bool zone_state_is_live(enum zone_state s);

/* ---- the store (store.c) ---------------------------------------------- */

struct zone_store;

/* root == NULL: $ZONES_ROOT, else /var/lib/zones. Creates the layout. */
int zone_store_open(const char *root, struct zone_store **out, struct zone_error *err);
void zone_store_close(struct zone_store *s);
const char *zone_store_root(const struct zone_store *s);

/* Runtime record kept in index/NAME.state, rewritten atomically. */
struct zone_status {
	enum zone_state state;
	int slot;          /* zone id and uid-range slot, -1 = none */
	uint32_t uid_base; /* first host uid of the zone's 65536 ids */
	pid_t init_pid;
	uint64_t init_start; /* starttime from /proc/PID/stat */
	pid_t monitor_pid;
	uint64_t monitor_start;
	int kernel_zone_id; /* 0 = none */
	json_t *extra;      /* anything else a later part records (object) */
};

/* A fresh record: declare with `struct zone_status st = ZONE_STATUS_INIT;`. */
#define ZONE_STATUS_INIT { .state = ZONE_STATE_CONFIGURED, .slot = -1 }
/* Free what a record holds and make it fresh again (st must be initialized). */
void zone_status_reset(struct zone_status *st);
/* Is the zone's monitor (recorded pid and start time) still there? */
bool zone_status_alive(const struct zone_status *st);

/*
 * Locks (see store.c for the one order they are taken in).  name == NULL is
 * the store lock.  `verb` says why ("boot", "install"), for an error a
 * waiter may print.  zone_store_lock() waits at most the store's lock
 * timeout ($ZONES_LOCK_TIMEOUT seconds, default 30), then fails with
 * -ETIMEDOUT and a message naming the holder's pid and verb.
 */
struct zone_lock;
int zone_store_lock(struct zone_store *s, const char *name, const char *verb,
		    struct zone_lock **out, struct zone_error *err);
/* The same without waiting: -EAGAIN if another process holds it. */
int zone_store_trylock(struct zone_store *s, const char *name, const char *verb,
		       struct zone_lock **out, struct zone_error *err);
void zone_lock_release(struct zone_lock *l);
void zone_store_set_lock_timeout(struct zone_store *s, int ms);

int zone_store_exists(struct zone_store *s, const char *name);
int zone_store_load_config(struct zone_store *s, const char *name,
			   struct zone_config **out, struct zone_error *err);
int zone_store_save_config(struct zone_store *s, const struct zone_config *c,
			   struct zone_error *err);
int zone_store_load_status(struct zone_store *s, const char *name,
			   struct zone_status *out, struct zone_error *err);
int zone_store_save_status(struct zone_store *s, const char *name,
			   const struct zone_status *st, struct zone_error *err);
/* Change state, checking the transition table; caller holds the lock. */
int zone_store_set_state(struct zone_store *s, const char *name, enum zone_state to,
			 struct zone_error *err);
/* Sorted, NULL-terminated list of names in the index (valid names only). */
int zone_store_list(struct zone_store *s, char ***out, struct zone_error *err);
/* The zone's root directory: <zonepath>/root. */
char *zone_store_root_path(const struct zone_config *c);
/* Allocate a free slot (0..N) not used by any other zone. */
int zone_store_alloc_slot(struct zone_store *s, const char *name, int *slot,
			  struct zone_error *err);
/* Give the zone a slot if its state holds none: under the store lock, scanning
 * every zone once; the caller holds the zone's lock.  *slot gets the zone's. */
int zone_store_claim_slot(struct zone_store *s, const char *name, int *slot,
			  struct zone_error *err);
/* First host uid of a slot's 65536-id range. */
uint32_t zone_slot_uid_base(int slot);
/* Remove a zone's index entries; the caller holds the zone lock, then the store lock. */
int zone_store_remove(struct zone_store *s, const char *name, struct zone_error *err);
/* Atomic whole-file write: temp file in the same directory, fsync, rename, fsync dir. */
int zone_file_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
			   struct zone_error *err);
/* The same, atomic but not forced to disk (for what a reboot makes moot). */
int zone_file_replace(const char *path, const void *data, size_t len, mode_t mode,
		      struct zone_error *err);

/* ---- brands (brand.c) ------------------------------------------------- */

struct zone_brand {
	char *name;
	char *dir;            /* directory of brand.json */
	char *description;
	char *version;        /* "MAJOR[.MINOR...]"; "1" when brand.json says none */
	char *install_hook;   /* absolute path or NULL */
	char *uninstall_hook; /* absolute path or NULL */
	char *clone_hook;     /* brand-specific resets in a clone's root, or NULL */
	char *update_hook;    /* attach -u: bring an attached root up to this host, or NULL */
	char **init;          /* argv of init inside the zone */
	char *default_seccomp;
	char **default_limitpriv;
	char **ro_binds;      /* host directories bind-mounted read-only (sparse) */
	char *personality;    /* "linux" | "linux32" */
	bool needs_ia32;      /* its programs are i386 ones: the host must run them */
	char *kernel_version; /* lx: release to present, NULL = host's */
};

/* Search $ZONES_BRANDS_DIR, then the installed brands directory. */
int zone_brand_load(const char *name, struct zone_brand **out, struct zone_error *err);
void zone_brand_free(struct zone_brand *b);
/* The major number of a brand version: roots move between equal majors. */
int zone_brand_version_major(const char *version);
const char *zone_brand_dir(void);
const char *zone_policy_dir(void);

/* ---- what code this host runs (arch.c) --------------------------------- */

/* What the probe for 32-bit x86 code found (see the theory in arch.c). */
struct zone_arch_ia32 {
	bool runs; /* i386 programs run on this host */
	int int80; /* int $0x80 from a 64-bit process: 1 works, 0 faults */
	int exec;  /* execve() of a static i386 ELF: 0 it ran, else its errno
		      (ENOEXEC: no IA32 entry); -1 could not be tried */
};
/* Probe once per process; later calls return the kept answer. */
int zone_arch_ia32_probe(struct zone_arch_ia32 *out, struct zone_error *err);
/* What the probe saw, for messages: "int $0x80 faults; an i386 ELF gives ENOEXEC". */
void zone_arch_ia32_describe(const struct zone_arch_ia32 *a, char *buf, size_t n);

/* ---- host checks (verify.c) ------------------------------------------- */

/* Append one line per problem running this config on this host; returns the count. */
int zone_verify(struct zone_store *s, const struct zone_config *c, json_t *problems);
/* Parse a kernel CPU list ("0-3,6") into a bitmap of n bits. */
int zone_cpulist_parse(const char *s, unsigned char *bits, size_t n);

/* ---- the runtime (runtime.c, install.c, login.c) ----------------------- */

int zone_runtime_install(struct zone_store *s, const char *name, struct zone_error *err);
int zone_runtime_uninstall(struct zone_store *s, const char *name, bool force,
			   struct zone_error *err);
int zone_runtime_boot(struct zone_store *s, const char *name, struct zone_error *err);
int zone_runtime_halt(struct zone_store *s, const char *name, struct zone_error *err);
/* Ask init to stop (SIGPWR), halt after `timeout` seconds. */
int zone_runtime_shutdown(struct zone_store *s, const char *name, unsigned timeout,
			  struct zone_error *err);
int zone_runtime_reboot(struct zone_store *s, const char *name, unsigned timeout,
			struct zone_error *err);
int zone_runtime_ps(struct zone_store *s, const char *name, json_t **out,
		    struct zone_error *err);
int zone_runtime_stat(struct zone_store *s, const char *name, json_t **out,
		      struct zone_error *err);
/* The zone's interfaces, addresses and routes, read inside its namespace. */
int zone_runtime_net(struct zone_store *s, const char *name, json_t **out,
		     struct zone_error *err);
/*
 * A live state whose monitor is gone (killed, host crash) becomes installed,
 * and an orphaned init is killed.  With !wait, -EAGAIN if the lock is busy.
 */
int zone_runtime_reconcile(struct zone_store *s, const char *name, bool wait,
			   struct zone_error *err);
struct zone_login {
	const char *user;      /* NULL: root */
	char *const *argv;     /* NULL: the user's shell as a login shell */
	bool tty;              /* allocate a pty inside the zone; its master comes back */
	const char *term;      /* TERM for a pty session */
	unsigned short rows, cols;
	int stdio[3];          /* without tty: the process's stdio (never a terminal) */
};

/*
 * Start a process in a running zone.  *pid is a host helper that exits with
 * the zone process's status (128+N when killed by signal N); with o->tty,
 * *master is the pty master to proxy.
 */
int zone_runtime_login(struct zone_store *s, const char *name, const struct zone_login *o,
		       pid_t *pid, int *master, struct zone_error *err);
/* A socket attached to the zone's console (both directions). */
int zone_runtime_console(struct zone_store *s, const char *name, int *fd,
			 struct zone_error *err);
/* How a root is made from another (clone): see roots.c. */
enum zone_copy_method { ZONE_COPY_AUTO, ZONE_COPY_SNAPSHOT, ZONE_COPY_REFLINK, ZONE_COPY_COPY };
const char *zone_copy_method_name(enum zone_copy_method m);
int zone_copy_method_parse(const char *s, enum zone_copy_method *out);
/*
 * Install the configured zone `target` from the installed (or, with a
 * snapshot, running) zone `source`: see clone.c.  *report: name, source,
 * method used, crash_consistent, files, bytes.
 */
int zone_runtime_clone(struct zone_store *s, const char *source, const char *target,
		       enum zone_copy_method m, const struct zone_progress *progress,
		       json_t **report, struct zone_error *err);
/* Detach an installed zone: ZONEPATH/detached.json written, the zone configured
 * and flagged detached (attach.c).  dry_run: the manifest only. */
int zone_runtime_detach(struct zone_store *s, const char *name, bool dry_run,
			json_t **manifest, struct zone_error *err);
/* The locked end of attach: a configured zone whose root is in place becomes
 * installed (update: the brand's update hook first). */
int zone_runtime_attach(struct zone_store *s, const char *name, bool update,
			struct zone_error *err);
/* Remove a directory tree without following symlinks or crossing mounts. */
int zone_remove_tree(const char *path, struct zone_error *err);
const char *zone_libexec_dir(void);

/* ---- zoned's wire format (wire.c) ----------------------------------------- */

#define ZONE_WIRE_MAX (1 << 20) /* largest message, bytes */

/* Send one JSON object, NUL-terminated, with up to 16 descriptors. */
int zone_wire_send(int sock, json_t *msg, const int *fds, size_t n);
/* Receive one; 1 = message, 0 = EOF before it, < 0 = error (see wire.c). */
int zone_wire_recv(int sock, json_t **msg, int *fds, size_t *n, int timeout_ms,
		   struct zone_error *err);
/* $ZONED_SOCKET, else /run/zones/zoned.sock for /var/lib/zones, else ROOT/zoned.sock. */
char *zone_wire_default_socket(const char *root);

/* ---- the API shared by zonectl (local) and zoned (api.c) -------------- */

struct zone_caller {
	uid_t uid;
	gid_t gid;
	gid_t *groups;
	size_t n_groups;
};

struct zone_ctx {
	struct zone_store *store;
	struct zone_caller caller;
	struct zone_progress progress; /* fn NULL: nobody listens */
	const int *fds;                /* descriptors that came with the request (send: */
	size_t n_fds;                  /* the stream's output; receive: its input) */
};

/*
 * Run one request: method is "create", "list", ...; params a JSON object.
 * On success *reply is a new JSON object.  Authorization is checked against
 * ctx->caller here, in one place.
 */
bool zone_api_has_method(const char *method);
int zone_api_call(struct zone_ctx *ctx, const char *method, json_t *params,
		  json_t **reply, struct zone_error *err);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif
