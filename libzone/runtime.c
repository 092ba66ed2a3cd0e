// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * runtime.c - boot, halt, shutdown, reboot and the clean-up of a zone whose
 * monitor died: one list of steps, walked forward to boot and backward to
 * take a zone down.
 *
 * Theory:
 *   States: installed -> ready -> running -> (shutting_down ->) installed,
 *   every change checked against state.c's table and written atomically by
 *   the process that holds the zone lock (the booter, the halter; or the
 *   monitor, when init exits by itself).
 *
 *   Boot is the list below.  Three actors run its rows, each in the list's
 *   order: the booter (a zoned worker holding the zone lock), the monitor
 *   (forked by the booter as zoned's child, so it outlives both and
 *   supervises the zone: monitor.c), and the zone's first process (cloned
 *   by the monitor into the zone's namespaces; it ends by exec'ing init:
 *   zoneproc.c).  Rows of different actors run in parallel where nothing
 *   orders them (the booter makes the cgroups while the monitor opens the
 *   console and clones; the monitor wires the veths while the first process
 *   mounts); they meet through the messages of enum zone_msg, named in
 *   runtime.h.  An error names the row it came from: "boot web: net: bridge
 *   zbr0: No such device".
 *
 *   Backward (step.c): every row that makes something on the host has an
 *   undo, idempotent and working from a struct zone_hold alone.  The same
 *   backward walk is
 *     - a failed boot's rollback: the actor that fails walks back from its
 *       row and tells its peer; the booter, last (after the monitor has
 *       exited), walks back from the end, and records `installed`;
 *     - a halt: the monitor walks back from the end, then answers;
 *     - a shutdown: SIGPWR to init, and the halt's walk when init is gone
 *       or the time is up;
 *     - the clean-up of a zone whose monitor died (reconcile): whoever next
 *       holds the zone lock walks back from the end, from the live record.
 *   Adding a step is adding a row: its run in the file of its idea, its
 *   undo in step.c if it makes something.
 *
 *   Never: shell out (mount, ip, unshare); leave a host fd in the zone;
 *   resolve a path inside a zone root by string.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/sched.h>

#include "runtime.h"
#include "util.h"

#define MSG_TIMEOUT_MS 30000 /* the booter's patience for each message */

static char *run_file(struct zone_store *s, const char *name, const char *ext)
{
	return zone_strdup_printf("%s/run/%s.%s", zone_store_root(s), name, ext);
}

/* ---- reconcile: the clean-up of a zone whose monitor died --------------------------- */

/* Under the zone lock: a live state whose monitor is gone becomes installed. */
int zone_runtime_reconcile_locked(struct zone_store *s, const char *name, struct zone_status *st,
				  struct zone_error *err)
{
	if (!zone_state_is_live(st->state) || zone_status_alive(st))
		return 0;
	struct zone_hold h;
	zone_hold_from_status(&h, zone_store_root(s), name, st);
	zone_steps_undo(zone_boot_steps, zone_boot_n_steps, &h);
	zone_status_clear_runtime(st);
	st->state = ZONE_STATE_INSTALLED;
	return zone_store_save_status(s, name, st, err);
}

int zone_runtime_reconcile(struct zone_store *s, const char *name, bool wait,
			   struct zone_error *err)
{
	_cleanup_lock_ struct zone_lock *l = NULL;
	int r = wait ? zone_store_lock(s, name, "reconcile", &l, err) :
		       zone_store_trylock(s, name, "reconcile", &l, err);
	if (r < 0)
		return r;
	_cleanup_status_ struct zone_status st = ZONE_STATUS_INIT;
	if ((r = zone_store_load_status(s, name, &st, err)) < 0)
		return r;
	return zone_runtime_reconcile_locked(s, name, &st, err);
}

/* ---- the plan -------------------------------------------------------------------- */

static void plan_free(struct zone_plan *p)
{
	free(p->root);
	free(p->hostname);
	free(p->bpf);
	if (p->mounts)
		json_decref(p->mounts);
	if (p->cgroups)
		json_decref(p->cgroups);
	if (p->cgmounts)
		json_decref(p->cgmounts);
	for (size_t i = 0; i < p->n_binds; i++) {
		free(p->binds[i].source);
		free(p->binds[i].target);
	}
	free(p->binds);
	free(p->run_dir);
	free(p->log_path);
}

static int add_bind(struct zone_plan *p, const char *src, const char *dst, bool ro, bool idmap,
		    bool optional, bool late, struct zone_error *err)
{
	struct zone_bind *nb = realloc(p->binds, (p->n_binds + 1) * sizeof(*nb));
	if (!nb)
		return zone_error_set(err, ENOMEM, "out of memory");
	p->binds = nb;
	struct zone_bind *b = &p->binds[p->n_binds];
	*b = (struct zone_bind){ .source = strdup(src), .target = strdup(dst), .readonly = ro,
				 .idmap = idmap, .optional = optional, .late = late };
	if (!b->source || !b->target) {
		free(b->source);
		free(b->target);
		return zone_error_set(err, ENOMEM, "out of memory");
	}
	p->n_binds++;
	return 0;
}

static int plan_build(struct zone_store *s, const struct zone_config *c,
		      const struct zone_brand *b, const struct zone_status *st,
		      struct zone_plan *p, struct zone_error *err)
{
	memset(p, 0, sizeof(*p));
	p->cfg = c;
	p->brand = b;
	p->store_root = zone_store_root(s);
	p->root = zone_store_root_path(c);
	p->hostname = strdup(c->hostname ? c->hostname : c->name);
	p->run_dir = zone_strdup_printf("%s/run", zone_store_root(s));
	p->log_path = zone_strdup_printf("%s/log/%s.console", zone_store_root(s), c->name);
	if (!p->root || !p->hostname || !p->run_dir || !p->log_path)
		return zone_error_set(err, ENOMEM, "out of memory");
	p->userns = c->userns != ZONE_USERNS_NONE;
	p->netns = c->ip_type != ZONE_IP_SHARED;
	p->slot = st->slot;
	p->uid_base = st->uid_base;
	if (b->personality && strcmp(b->personality, "linux32") == 0)
		p->personality = PER_LINUX32;

	struct stat sb;
	if (lstat(p->root, &sb) < 0 || !S_ISDIR(sb.st_mode))
		return zone_error_set(err, ENOENT, "the zone root %s is missing or not a directory "
				      "(mark the zone incomplete and reinstall it)", p->root);

	int r = zone_policy_caps(c->limitpriv ? c->limitpriv : b->default_limitpriv, &p->caps,
				 err);
	if (r < 0)
		return r;
	if (c->ip_type == ZONE_IP_SHARED) /* the host's stack: no admin, no raw sockets */
		p->caps &= ~((UINT64_C(1) << 12) | (UINT64_C(1) << 13));
	if ((r = zone_seccomp_compile(c->seccomp ? c->seccomp : b->default_seccomp, p->caps,
				      p->run_dir, &p->bpf, &p->bpf_len, err)) < 0)
		return r;
	if ((r = zone_policy_mounts(&p->mounts, err)) < 0)
		return r;
	for (char **d = b->ro_binds; d && *d; d++) {
		/* only real directories of the host (on merged-/usr hosts /bin is a link) */
		if (lstat(*d, &sb) < 0 || !S_ISDIR(sb.st_mode))
			continue;
		if ((r = add_bind(p, *d, *d, true, false, true, false, err)) < 0)
			return r;
	}
	for (size_t i = 0; i < c->n_fs; i++) {
		if (lstat(c->fs[i].source, &sb) < 0)
			return zone_error_errno(err, errno, "fs[%zu].source: \"%s\"", i,
						c->fs[i].source);
		if (S_ISLNK(sb.st_mode))
			return zone_error_set(err, ELOOP, "fs[%zu].source: \"%s\": is a symbolic link",
					      i, c->fs[i].source);
		if ((r = add_bind(p, c->fs[i].source, c->fs[i].target, c->fs[i].readonly, true,
				  false, false, err)) < 0)
			return r;
	}
	/*
	 * devices[]: bound over the fresh /dev.  devtmpfs cannot be idmapped, so
	 * inside the zone a device keeps its host owner (unmapped: nobody) and
	 * mode: the zone can use it if the host lets everyone (0666).
	 */
	for (size_t i = 0; i < c->n_devices; i++)
		if ((r = add_bind(p, c->devices[i].path, c->devices[i].path, false, false, false,
				  true, err)) < 0)
			return r;
	return 0;
}

/* ---- the booter's rows ---------------------------------------------------------------- */

static int step_check(struct zone_boot *b, struct zone_error *err)
{
	int r = zone_store_load_config(b->s, b->name, &b->cfg, err);
	if (r < 0)
		return r;
	if ((r = zone_store_load_status(b->s, b->name, &b->st, err)) < 0)
		return r;
	if ((r = zone_runtime_reconcile_locked(b->s, b->name, &b->st, err)) < 0)
		return r;
	if (b->cfg->detached)
		return zone_error_set(err, EINVAL, "the zone is detached (its root is in %s with "
				      "detached.json): 'zonectl attach %s' takes it in", b->cfg->zonepath,
				      b->name);
	switch (b->st.state) {
	case ZONE_STATE_INSTALLED:
		break;
	case ZONE_STATE_CONFIGURED:
		return zone_error_set(err, EINVAL, "the zone is configured, not installed "
				      "(run 'zonectl install %s' first)", b->name);
	case ZONE_STATE_INCOMPLETE:
		return zone_error_set(err, EINVAL, "the zone is incomplete: an install or "
				      "uninstall failed or was interrupted (uninstall -F and "
				      "install it again)");
	default:
		return zone_error_set(err, EBUSY, "the zone is already %s",
				      zone_state_to_string(b->st.state));
	}
	if ((r = zone_brand_load(b->cfg->brand, &b->brand, err)) < 0)
		return r;
	_cleanup_json_ json_t *problems = json_array();
	if (!problems)
		return zone_error_set(err, ENOMEM, "out of memory");
	if (zone_verify(b->s, b->cfg, problems) > 0)
		return zone_error_set(err, EINVAL, "%s",
				      json_string_value(json_array_get(problems, 0)));
	/* bridges, names, addresses: refused before anything is created */
	return zone_verify_net(b->s, b->cfg, err);
}

static int step_slot(struct zone_boot *b, struct zone_error *err)
{
	/* install claims it; a zone marked installed by hand gets it here */
	if (b->st.slot > 0)
		return 0;
	int r = zone_store_claim_slot(b->s, b->name, &b->st.slot, err);
	if (r >= 0)
		b->st.uid_base = zone_slot_uid_base(b->st.slot);
	return r;
}

static int step_policy(struct zone_boot *b, struct zone_error *err)
{
	int r = plan_build(b->s, b->cfg, b->brand, &b->st, &b->plan, err);
	if (r >= 0 && b->cfg->ip_type == ZONE_IP_EXCLUSIVE)
		b->hold.n_net = b->cfg->n_net; /* the veths the monitor will make */
	return r;
}

/*
 * The monitor is a sibling of ours (CLONE_PARENT): it belongs to no client,
 * our parent (zoned, a subreaper) reaps it, and it costs one fork where the
 * classic double fork cost two.  It walks its own rows (monitor.c) and then
 * supervises the zone.
 */
static int step_monitor(struct zone_boot *b, struct zone_error *err)
{
	int sp[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
		return zone_error_errno(err, errno, "socketpair");
	pid_t m = zone_clone3(CLONE_PARENT, &b->hold.monitor_pidfd);
	if (m == -EINVAL) {
		/* We are a pid namespace's init, which may not: double-fork instead. */
		pid_t p1 = fork();
		if (p1 == 0) {
			setsid();
			m = fork();
			if (m != 0)
				_exit(m < 0);
		} else if (p1 > 0) {
			while (waitpid(p1, NULL, 0) < 0 && errno == EINTR)
				;
			m = 1; /* its pid comes with P */
		} else {
			m = -errno;
		}
	}
	if (m < 0) {
		close(sp[0]);
		close(sp[1]);
		return zone_error_errno(err, -m, "fork the monitor");
	}
	if (m == 0) {
		setsid();
		int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (devnull >= 0) {
			dup2(devnull, 0);
			dup2(devnull, 1);
			dup2(devnull, 2);
		}
		/* Keep only our end of the conversation: no lock or client fd survives. */
		if (sp[1] != 3 && dup3(sp[1], 3, O_CLOEXEC) < 0)
			_exit(1);
		close_range(4, ~0U, 0);
		b->boot_sock = 3;
		b->mon_sock = -1;
		b->hold.monitor_pidfd = -1;
		zone_monitor_main(b);
	}
	close(sp[1]);
	b->mon_sock = sp[0];
	b->mon_started = true;
	return 0;
}

static int step_seccomp(struct zone_boot *b, struct zone_error *err)
{
	_cleanup_free_ char *path = run_file(b->s, b->name, "bpf");
	if (!path)
		return zone_error_set(err, ENOMEM, "out of memory");
	/* regenerated at every boot: atomic, no need to force it to disk */
	return zone_file_replace(path, b->plan.bpf, b->plan.bpf_len, 0600, err);
}

/*
 * The zone's cgroups, made while the monitor (already forked) opens the
 * console and clones the zone's first process, and then sent to it: the
 * first process joins them itself (see zone_mon_idmap).
 */
static int step_cgroup(struct zone_boot *b, struct zone_error *err)
{
	int r = zone_cgroup_create(zone_store_root(b->s), b->cfg, b->plan.mounts,
				   &b->plan.cgroups, err);
	if (r < 0)
		return r;
	b->hold.cgroups = b->plan.cgroups;
	if ((r = zone_cgroup_mounts(b->plan.cgroups, &b->plan.cgmounts, err)) < 0)
		return r;
	_cleanup_json_ json_t *c = json_pack("{s:O,s:O}", "cgroups", b->plan.cgroups, "cgmounts",
					     b->plan.cgmounts);
	_cleanup_free_ char *text = c ? json_dumps(c, JSON_COMPACT) : NULL;
	_cleanup_free_ char *msg = text ? zone_strdup_printf("%c%s", ZONE_MSG_CGROUPS, text) : NULL;
	if (!msg)
		return zone_error_set(err, ENOMEM, "out of memory");
	return zone_msg_send(b, b->mon_sock, msg, NULL, 0, "pass the cgroups to the monitor", err);
}

/* P: who the zone's processes are; recorded (`ready`) while the zone mounts. */
static int step_ready(struct zone_boot *b, struct zone_error *err)
{
	char buf[ZONE_ERROR_MAX + 8];
	int r = zone_msg_expect(b, b->mon_sock, ZONE_MSG_PIDS, buf, sizeof(buf), NULL, NULL,
				MSG_TIMEOUT_MS, "the zone's monitor", err);
	if (r < 0)
		return r;
	int ipid, mpid, kzone;
	unsigned long long istart, mstart;
	if (sscanf(buf + 1, " %d %llu %d %llu %d", &ipid, &istart, &mpid, &mstart, &kzone) != 5)
		return zone_error_set(err, EPROTO, "boot conversation: bad message from the monitor");
	struct zone_hold *h = &b->hold;
	h->init_pid = ipid;
	h->init_start = istart;
	h->monitor_pid = mpid;
	h->monitor_start = mstart;
	h->kzone = kzone;
	if (h->monitor_pidfd < 0) /* double-forked: see step_monitor */
		h->monitor_pidfd = zone_pidfd_open_checked(mpid, mstart);
	/* the record says what the zone holds */
	struct zone_status *st = &b->st;
	st->state = ZONE_STATE_READY;
	st->kernel_zone_id = h->kzone;
	st->init_pid = h->init_pid;
	st->init_start = h->init_start;
	st->monitor_pid = h->monitor_pid;
	st->monitor_start = h->monitor_start;
	if (!st->extra && !(st->extra = json_object()))
		return zone_error_set(err, ENOMEM, "out of memory");
	json_object_set(st->extra, "cgroups", b->plan.cgroups);
	json_object_set_new(st->extra, "caps", json_integer((json_int_t)b->plan.caps));
	json_object_set_new(st->extra, "personality", json_integer((json_int_t)b->plan.personality));
	json_object_set_new(st->extra, "userns", json_boolean(b->plan.userns));
	json_object_set_new(st->extra, "netns", json_boolean(b->plan.netns));
	if (h->n_net)
		json_object_set_new(st->extra, "net_count", json_integer((json_int_t)h->n_net));
	b->recorded = true;
	return zone_store_save_status(b->s, b->name, st, err);
}

/* R: the zone is mounted; G: start init, recorded `running` meanwhile; X: started. */
static int step_running(struct zone_boot *b, struct zone_error *err)
{
	char buf[ZONE_ERROR_MAX + 8];
	int r = zone_msg_expect(b, b->mon_sock, ZONE_MSG_READY, buf, sizeof(buf), NULL, NULL,
				MSG_TIMEOUT_MS, "the zone's monitor", err);
	if (r < 0)
		return r;
	const char go[] = { ZONE_MSG_GO, '\0' };
	if ((r = zone_msg_send(b, b->mon_sock, go, NULL, 0, "start init", err)) < 0)
		return r;
	b->st.state = ZONE_STATE_RUNNING;
	if ((r = zone_store_save_status(b->s, b->name, &b->st, err)) < 0)
		return r;
	return zone_msg_expect(b, b->mon_sock, ZONE_MSG_STARTED, buf, sizeof(buf), NULL, NULL,
			       MSG_TIMEOUT_MS, "the zone's monitor", err);
}

/* ---- the list -------------------------------------------------------------------------- */

#define B ZONE_ACTOR_BOOTER
#define M ZONE_ACTOR_MONITOR
#define Z ZONE_ACTOR_ZONE

/*
 * Boot, top to bottom; take down, bottom to top.  The order is the order of
 * dependence: a row's undo may assume the undos below it have run (the
 * cgroups are removed once init is killed; the kernel zone retired once
 * empty).  Rows of different actors between two messages run in parallel.
 */
const struct zone_step zone_boot_steps[] = {
	/* name        who run                  undo                   named */
	{ "check",      B, step_check,          NULL,                  false }, /* installed, fits the host */
	{ "slot",       B, step_slot,           NULL,                  true  }, /* id + uid range (kept) */
	{ "policy",     B, step_policy,         NULL,                  true  }, /* caps, seccomp, mounts */
	{ "monitor",    B, step_monitor,        zone_undo_monitor,     true  }, /* fork it */
	{ "seccomp",    B, step_seccomp,        zone_undo_seccomp,     true  }, /* run/NAME.bpf */
	{ "console",    M, zone_mon_console,    zone_undo_console,     true  }, /* pty, run/NAME.sock */
	{ "kzone",      M, zone_mon_kzone,      zone_undo_kzone,       true  }, /* oszone LSM, if any */
	{ "cgroup",     B, step_cgroup,         zone_undo_cgroup,      true  }, /* -> C */
	{ "namespaces", M, zone_mon_namespaces, zone_undo_namespaces,  true  }, /* clone the first process */
	{ "idmap",      M, zone_mon_idmap,      NULL,                  true  }, /* C; uid map; netns; -> P */
	{ "ready",      B, step_ready,          NULL,                  true  }, /* P: recorded ready */
	{ "mounts",     M, zone_mon_mounts,     NULL,                  true  }, /* idmapped trees -> M */
	{ "rootfs",     Z, zone_proc_rootfs,    NULL,                  true  }, /* M: /, binds, /proc, /dev */
	{ "netns",      Z, zone_proc_netns,     NULL,                  true  }, /* N: into the netns */
	{ "net",        M, zone_mon_net,        zone_undo_net,         true  }, /* veths, addresses */
	{ "pivot",      Z, zone_proc_pivot,     NULL,                  true  }, /* /sys, cgroups; -> R */
	{ "lockdown",   Z, zone_proc_lockdown,  NULL,                  true  }, /* tty, seccomp, caps */
	{ "start",      M, zone_mon_start,      NULL,                  true  }, /* R; G; init exec'd -> X */
	{ "running",    B, step_running,        NULL,                  true  }, /* R; -> G; recorded running */
	{ "init",       Z, zone_proc_init,      NULL,                  true  }, /* G: exec init */
};
const size_t zone_boot_n_steps = ELEMENTSOF(zone_boot_steps);

#undef B
#undef M
#undef Z

/*
 * A failed boot: the monitor (if started) is told by the end of our
 * conversation, walks back its own part and exits; then we walk back the
 * whole list, which finds whatever is left, and record `installed`.
 */
static void boot_rollback(struct zone_boot *b, size_t failed)
{
	size_t from = failed + 1;
	if (b->mon_started) {
		if (b->mon_sock >= 0)
			close(b->mon_sock);
		b->mon_sock = -1;
		zone_undo_monitor(&b->hold); /* gone, or killed */
		from = b->n_steps;
	}
	zone_steps_undo(b->steps, from, &b->hold);
	if (b->recorded) {
		zone_status_clear_runtime(&b->st);
		b->st.state = ZONE_STATE_INSTALLED;
		zone_store_save_status(b->s, b->name, &b->st, NULL);
	}
}

static void boot_free(struct zone_boot *b)
{
	if (b->mon_sock >= 0)
		close(b->mon_sock);
	if (b->hold.monitor_pidfd >= 0)
		close(b->hold.monitor_pidfd);
	plan_free(&b->plan);
	zone_status_reset(&b->st);
	zone_brand_free(b->brand);
	zone_config_free(b->cfg);
}

static int boot_locked(struct zone_store *s, const char *name, struct zone_error *err)
{
	struct zone_boot b = {
		.steps = zone_boot_steps, .n_steps = zone_boot_n_steps, .s = s, .name = name,
		.st = ZONE_STATUS_INIT, .mon_sock = -1, .boot_sock = -1, .zone_sock = -1,
		.master = -1, .slave = -1, .lsock = -1, .logfd = -1, .nsock = -1, .sock = -1,
		.rootfd = -1, .netns_fd = -1,
	};
	zone_hold_init(&b.hold, zone_store_root(s), name);
	size_t failed;
	int r = zone_steps_run(&b, ZONE_ACTOR_BOOTER, 0, &failed, err);
	if (r < 0) {
		boot_rollback(&b, failed);
		zone_error_wrap(err, "boot %s", name);
	}
	boot_free(&b);
	return r;
}

int zone_runtime_boot(struct zone_store *s, const char *name, struct zone_error *err)
{
	_cleanup_lock_ struct zone_lock *l = NULL;
	int r = zone_store_lock(s, name, "boot", &l, err);
	if (r < 0)
		return zone_error_wrap(err, "boot");
	return boot_locked(s, name, err);
}

/* ---- halt / shutdown --------------------------------------------------------------- */

/*
 * Ask the monitor: it walks the list back (after SIGPWR and up to `timeout`
 * seconds, for a shutdown) and says "ok" when nothing of the zone is left.
 * Without a monitor that answers, we walk it back ourselves from the record.
 */
static int stop_locked(struct zone_store *s, const char *name, const char *verb, int timeout,
		       struct zone_error *err)
{
	_cleanup_status_ struct zone_status st = ZONE_STATUS_INIT;
	_cleanup_free_ char *run = zone_strdup_printf("%s/run", zone_store_root(s));
	int r = zone_store_load_status(s, name, &st, err);
	if (r < 0)
		return zone_error_wrap(err, "%s %s", verb, name);
	if ((r = zone_runtime_reconcile_locked(s, name, &st, err)) < 0)
		return r;
	if (!zone_state_is_live(st.state))
		return zone_error_set(err, EINVAL, "%s %s: the zone is not running (it is %s)", verb,
				      name, zone_state_to_string(st.state));
	if (timeout >= 0 && st.state == ZONE_STATE_RUNNING) {
		st.state = ZONE_STATE_SHUTTING_DOWN;
		zone_store_save_status(s, name, &st, NULL);
	}
	char req[32], reply[64];
	if (timeout >= 0)
		snprintf(req, sizeof(req), "shutdown %d", timeout);
	else
		snprintf(req, sizeof(req), "halt");
	struct zone_error merr = { 0 };
	int wait_ms = (timeout >= 0 ? timeout * 1000 : 0) + 10000;
	bool ok = run && zone_monitor_request(run, name, req, wait_ms, reply, sizeof(reply), NULL,
					      &merr) == 0 && strcmp(reply, "ok") == 0;
	/*
	 * "ok" means init and every process of the zone are dead and the walk
	 * is done; the monitor _exits right after saying so.  We do not wait
	 * for that exit: tearing down a process's address space costs 0.3 ms
	 * here, and nothing of the zone is left to wait for.
	 */
	if (!ok) {
		struct zone_hold h;
		zone_hold_from_status(&h, zone_store_root(s), name, &st);
		zone_undo_monitor(&h); /* no other walker */
		zone_steps_undo(zone_boot_steps, zone_boot_n_steps, &h);
	}
	zone_status_clear_runtime(&st);
	st.state = ZONE_STATE_INSTALLED;
	return zone_store_save_status(s, name, &st, err);
}

int zone_runtime_halt(struct zone_store *s, const char *name, struct zone_error *err)
{
	_cleanup_lock_ struct zone_lock *l = NULL;
	int r = zone_store_lock(s, name, "halt", &l, err);
	if (r < 0)
		return zone_error_wrap(err, "halt");
	return stop_locked(s, name, "halt", -1, err);
}

int zone_runtime_shutdown(struct zone_store *s, const char *name, unsigned timeout,
			  struct zone_error *err)
{
	_cleanup_lock_ struct zone_lock *l = NULL;
	int r = zone_store_lock(s, name, "shutdown", &l, err);
	if (r < 0)
		return zone_error_wrap(err, "shutdown");
	return stop_locked(s, name, "shutdown", (int)(timeout > 86400 ? 86400 : timeout), err);
}

int zone_runtime_reboot(struct zone_store *s, const char *name, unsigned timeout,
			struct zone_error *err)
{
	_cleanup_lock_ struct zone_lock *l = NULL;
	int r = zone_store_lock(s, name, "reboot", &l, err);
	if (r < 0)
		return zone_error_wrap(err, "reboot");
	r = stop_locked(s, name, "reboot", (int)(timeout > 86400 ? 86400 : timeout), err);
	if (r >= 0)
		r = boot_locked(s, name, err);
	return r;
}
