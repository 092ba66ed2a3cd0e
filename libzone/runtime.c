// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * runtime.c - boot, halt, shutdown, reboot, ps and stat.
 *
 * Theory:
 *   States: installed -> ready -> running -> (shutting_down ->) installed,
 *   every change checked against state.c's table and written atomically by
 *   the process that holds the zone lock.
 *
 *   Boot is a table of steps walked forward; a failure at step k undoes
 *   steps k-1..0 in reverse, so a failed boot leaves the zone `installed`
 *   with nothing on the host (no cgroup, no process, no run file):
 *
 *     check     the zone is installed, its config fits this host
 *     slot      a zone id and a 65536-id range no other zone holds (kept)
 *     policy    capabilities, the seccomp program, masked paths
 *     cgroup    the zone's cgroups with its limits       (undo: remove)
 *     seccomp   the program saved for logins             (undo: unlink)
 *     monitor   fork the monitor (our sibling), which creates init in new
 *               namespaces; `ready` once mounts are up, `running` once
 *               init has exec'd                           (undo: kill)
 *
 *   Ownership: the monitor owns the zone's processes and removes its
 *   cgroups when init is gone; the lock holder owns the state file.  A
 *   live state (ready, running, shutting_down) whose monitor no longer
 *   exists (pid and start time) is stale: reconcile() puts such a zone back
 *   to installed, killing an orphaned init if one is left.
 *
 *   Never: shell out (mount, ip, unshare); leave a host fd in the zone;
 *   resolve a path inside a zone root by string.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/sched.h>

#include "runtime.h"
#include "util.h"

bool zone_status_alive(const struct zone_status *st)
{
	return st->monitor_pid > 0 && st->monitor_start &&
	       zone_proc_starttime(st->monitor_pid) == st->monitor_start;
}

void zone_status_clear_runtime(struct zone_status *st)
{
	st->init_pid = st->monitor_pid = 0;
	st->init_start = st->monitor_start = 0;
	st->kernel_zone_id = 0;
	if (st->extra) {
		json_object_del(st->extra, "cgroups");
		json_object_del(st->extra, "caps");
		json_object_del(st->extra, "personality");
		json_object_del(st->extra, "userns");
		json_object_del(st->extra, "netns");
		json_object_del(st->extra, "net_count");
	}
}

static char *run_file(struct zone_store *s, const char *name, const char *ext)
{
	return zone_strdup_printf("%s/run/%s.%s", zone_store_root(s), name, ext);
}

/* Wait until a pidfd's process has exited (or timeout). */
static bool wait_gone(int pidfd, int timeout_ms)
{
	struct pollfd pf = { .fd = pidfd, .events = POLLIN };
	int r;
	do
		r = poll(&pf, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	return r > 0;
}

/* Kill an orphaned zone: init by pidfd, then its cgroups.  Caller holds the lock. */
static void kill_orphan(struct zone_store *s, const char *name, struct zone_status *st)
{
	int fd = zone_pidfd_open_checked(st->init_pid, st->init_start);
	if (fd >= 0) {
		zone_pidfd_send_signal(fd, SIGKILL);
		wait_gone(fd, 5000);
		close(fd);
	}
	zone_kzone_destroy(st->kernel_zone_id);
	json_t *cg = st->extra ? json_object_get(st->extra, "cgroups") : NULL;
	if (cg)
		zone_cgroup_destroy(cg, NULL);
	json_t *nc = st->extra ? json_object_get(st->extra, "net_count") : NULL;
	if (json_is_integer(nc))
		zone_net_teardown(zone_store_root(s), name, (size_t)json_integer_value(nc));
	_cleanup_free_ char *sock = run_file(s, name, "sock");
	_cleanup_free_ char *bpf = run_file(s, name, "bpf");
	if (sock)
		unlink(sock);
	if (bpf)
		unlink(bpf);
}

/* Under the zone lock: a live state whose monitor is gone becomes installed. */
static int reconcile(struct zone_store *s, const char *name, struct zone_status *st,
		     struct zone_error *err)
{
	if (!zone_state_is_live(st->state) || zone_status_alive(st))
		return 0;
	kill_orphan(s, name, st);
	zone_status_clear_runtime(st);
	st->state = ZONE_STATE_INSTALLED;
	return zone_store_save_status(s, name, st, err);
}

int zone_runtime_reconcile(struct zone_store *s, const char *name, bool wait,
			   struct zone_error *err)
{
	struct zone_lock *l = NULL;
	int r = wait ? zone_store_lock(s, name, &l, err) : zone_store_trylock(s, name, &l, err);
	if (r < 0)
		return r;
	struct zone_status st;
	r = zone_store_load_status(s, name, &st, err);
	if (r >= 0)
		r = reconcile(s, name, &st, err);
	zone_status_reset(&st);
	zone_lock_release(l);
	return r;
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
		    bool optional, bool late)
{
	struct zone_bind *nb = realloc(p->binds, (p->n_binds + 1) * sizeof(*nb));
	if (!nb)
		return -ENOMEM;
	p->binds = nb;
	struct zone_bind *b = &p->binds[p->n_binds];
	*b = (struct zone_bind){ .source = strdup(src), .target = strdup(dst), .readonly = ro,
				 .idmap = idmap, .optional = optional, .late = late };
	if (!b->source || !b->target)
		return -ENOMEM;
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
		if (add_bind(p, *d, *d, true, false, true, false) < 0)
			return zone_error_set(err, ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < c->n_fs; i++) {
		if (lstat(c->fs[i].source, &sb) < 0)
			return zone_error_errno(err, errno, "fs[%zu].source: \"%s\"", i,
						c->fs[i].source);
		if (S_ISLNK(sb.st_mode))
			return zone_error_set(err, ELOOP, "fs[%zu].source: \"%s\": is a symbolic link",
					      i, c->fs[i].source);
		if (add_bind(p, c->fs[i].source, c->fs[i].target, c->fs[i].readonly, true, false,
			     false) < 0)
			return zone_error_set(err, ENOMEM, "out of memory");
	}
	/*
	 * devices[]: bound over the fresh /dev.  devtmpfs cannot be idmapped, so
	 * inside the zone a device keeps its host owner (unmapped: nobody) and
	 * mode: the zone can use it if the host lets everyone (0666).
	 */
	for (size_t i = 0; i < c->n_devices; i++)
		if (add_bind(p, c->devices[i].path, c->devices[i].path, false, false, false, true) < 0)
			return zone_error_set(err, ENOMEM, "out of memory");
	return 0;
}

/* ---- boot -------------------------------------------------------------------------- */

struct boot {
	struct zone_store *s;
	const char *name;
	struct zone_config *cfg;
	struct zone_brand *brand;
	struct zone_status st;
	struct zone_plan plan;
	char *bpf_path;
	int sock;       /* our end of the conversation with the monitor */
	pid_t mon_pid;
	int mon_pidfd;
	bool undone;    /* undo_monitor ran */
};

static int step_check(struct boot *b, struct zone_error *err)
{
	int r = zone_store_load_config(b->s, b->name, &b->cfg, err);
	if (r < 0)
		return r;
	if ((r = zone_store_load_status(b->s, b->name, &b->st, err)) < 0)
		return r;
	if ((r = reconcile(b->s, b->name, &b->st, err)) < 0)
		return r;
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
	if (zone_verify(b->s, b->cfg, problems) > 0)
		return zone_error_set(err, EINVAL, "%s",
				      json_string_value(json_array_get(problems, 0)));
	/* bridges, names, addresses: refused before anything is created */
	return zone_net_check(b->s, b->cfg, err);
}

static int step_slot(struct boot *b, struct zone_error *err)
{
	/* install claims it; a zone marked installed by hand gets it here */
	if (b->st.slot > 0)
		return 0;
	int r = zone_store_claim_slot(b->s, b->name, &b->st.slot, err);
	if (r >= 0)
		b->st.uid_base = zone_slot_uid_base(b->st.slot);
	return r;
}

static int step_policy(struct boot *b, struct zone_error *err)
{
	return plan_build(b->s, b->cfg, b->brand, &b->st, &b->plan, err);
}

static void undo_monitor(struct boot *b);

/*
 * The zone's cgroups, made while the monitor (already forked) opens the
 * console and clones the zone's first process, and then sent to it (C): the
 * first process joins them itself, see zone_monitor_run().
 */
static int step_cgroup(struct boot *b, struct zone_error *err)
{
	int r = zone_cgroup_create(zone_store_root(b->s), b->cfg, b->plan.mounts,
				   &b->plan.cgroups, err);
	if (r < 0)
		return r;
	if ((r = zone_cgroup_mounts(b->plan.cgroups, &b->plan.cgmounts, err)) < 0)
		return r;
	_cleanup_json_ json_t *c = json_pack("{s:O,s:O}", "cgroups", b->plan.cgroups, "cgmounts",
					     b->plan.cgmounts);
	_cleanup_free_ char *text = c ? json_dumps(c, JSON_COMPACT) : NULL;
	_cleanup_free_ char *msg = text ? zone_strdup_printf("C%s", text) : NULL;
	if (!msg)
		return zone_error_set(err, ENOMEM, "out of memory");
	if (zone_send_fds(b->sock, msg, NULL, 0) < 0)
		return zone_error_errno(err, errno, "pass the cgroups to the monitor");
	return 0;
}

static void undo_cgroup(struct boot *b)
{
	undo_monitor(b); /* first: nothing of the zone may still be in them */
	zone_cgroup_destroy(b->plan.cgroups, NULL);
}

static int step_seccomp(struct boot *b, struct zone_error *err)
{
	b->bpf_path = run_file(b->s, b->name, "bpf");
	if (!b->bpf_path)
		return zone_error_set(err, ENOMEM, "out of memory");
	/* regenerated at every boot: atomic, no need to force it to disk */
	return zone_file_replace(b->bpf_path, b->plan.bpf, b->plan.bpf_len, 0600, err);
}

static void undo_seccomp(struct boot *b)
{
	unlink(b->bpf_path);
}

/* Read one message from the monitor, waiting at most timeout_ms. */
static int mon_read(struct boot *b, char *buf, size_t len, int timeout_ms, struct zone_error *err)
{
	struct pollfd pf = { .fd = b->sock, .events = POLLIN };
	int r;
	do
		r = poll(&pf, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	if (r == 0)
		return zone_error_set(err, ETIMEDOUT, "the zone did not come up within %d s",
				      timeout_ms / 1000);
	ssize_t n = zone_recv_fds(b->sock, buf, len, NULL, NULL);
	if (n <= 0)
		return zone_error_set(err, EPIPE, "the zone's monitor exited during boot");
	if (buf[0] == 'E')
		return zone_error_set(err, EIO, "%s", buf + 1);
	return 0;
}

static int step_monitor_start(struct boot *b, struct zone_error *err)
{
	int sp[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
		return zone_error_errno(err, errno, "socketpair");
	/*
	 * The monitor is a sibling of ours (CLONE_PARENT): it belongs to no
	 * client, our parent (zoned, a subreaper) reaps it, and it costs one
	 * fork where the classic double fork cost two.
	 */
	pid_t m = zone_clone3(CLONE_PARENT, &b->mon_pidfd);
	if (m < 0 && errno == EINVAL) {
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
			m = 1;
		} else {
			m = -1;
		}
	}
	if (m < 0) {
		close(sp[0]);
		close(sp[1]);
		return zone_error_errno(err, errno, "fork the monitor");
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
		struct zone_error merr = { 0 };
		zone_monitor_run(&b->plan, 3, &merr);
		_exit(1);
	}
	close(sp[1]);
	b->sock = sp[0];
	return 0;
}

static int step_monitor(struct boot *b, struct zone_error *err)
{
	/*
	 * The conversation, after our C (the cgroups): P (the processes,
	 * recorded as ready while the zone's mounts are made), R (mounts
	 * done), G from us (start init: recorded as running meanwhile), X
	 * (init started) or E (why not).
	 */
	char buf[ZONE_ERROR_MAX + 8];
	int r = mon_read(b, buf, sizeof(buf), 30000, err);
	if (r < 0)
		return r;
	int ipid, mpid, kzone;
	unsigned long long istart, mstart;
	if (sscanf(buf, "P %d %llu %d %llu %d", &ipid, &istart, &mpid, &mstart, &kzone) != 5)
		return zone_error_set(err, EPROTO, "boot conversation: bad message");
	b->st.kernel_zone_id = kzone;
	b->mon_pid = mpid;
	if (b->mon_pidfd < 0) /* double-forked: see step_monitor_start */
		b->mon_pidfd = zone_pidfd_open_checked(mpid, mstart);
	b->st.state = ZONE_STATE_READY;
	b->st.init_pid = ipid;
	b->st.init_start = istart;
	b->st.monitor_pid = mpid;
	b->st.monitor_start = mstart;
	if (!b->st.extra)
		b->st.extra = json_object();
	json_object_set(b->st.extra, "cgroups", b->plan.cgroups);
	json_object_set_new(b->st.extra, "caps", json_integer((json_int_t)b->plan.caps));
	json_object_set_new(b->st.extra, "personality", json_integer((json_int_t)b->plan.personality));
	json_object_set_new(b->st.extra, "userns", json_boolean(b->plan.userns));
	json_object_set_new(b->st.extra, "netns", json_boolean(b->plan.netns));
	if (b->cfg->ip_type == ZONE_IP_EXCLUSIVE && b->cfg->n_net)
		json_object_set_new(b->st.extra, "net_count", json_integer((json_int_t)b->cfg->n_net));
	if ((r = zone_store_save_status(b->s, b->name, &b->st, err)) < 0)
		return r;
	if ((r = mon_read(b, buf, sizeof(buf), 30000, err)) < 0)
		return r;
	if (buf[0] != 'R')
		return zone_error_set(err, EPROTO, "boot conversation: bad message");
	if (zone_send_fds(b->sock, "G", NULL, 0) < 0)
		return zone_error_errno(err, errno, "start init");
	/* recorded while init starts; if it cannot, undo_monitor puts it back */
	b->st.state = ZONE_STATE_RUNNING;
	if ((r = zone_store_save_status(b->s, b->name, &b->st, err)) < 0)
		return r;
	return mon_read(b, buf, sizeof(buf), 30000, err);
}

static void undo_monitor(struct boot *b)
{
	/* Closing our end makes a waiting monitor abort and kill what it made. */
	if (b->sock >= 0) {
		close(b->sock);
		b->sock = -1;
	}
	if (b->mon_pidfd >= 0) {
		if (!wait_gone(b->mon_pidfd, 3000))
			zone_pidfd_send_signal(b->mon_pidfd, SIGKILL);
		close(b->mon_pidfd);
		b->mon_pidfd = -1;
	}
	if (b->undone)
		return;
	b->undone = true;
	kill_orphan(b->s, b->name, &b->st);
	zone_status_clear_runtime(&b->st);
	b->st.state = ZONE_STATE_INSTALLED;
	zone_store_save_status(b->s, b->name, &b->st, NULL);
}

static const struct {
	const char *name;
	int (*run)(struct boot *, struct zone_error *);
	void (*undo)(struct boot *);
} boot_steps[] = {
	{ "check", step_check, NULL },
	{ "slot", step_slot, NULL },
	{ "policy", step_policy, NULL },
	{ "monitor", step_monitor_start, undo_monitor },
	{ "seccomp", step_seccomp, undo_seccomp },
	{ "cgroup", step_cgroup, undo_cgroup },
	{ "boot", step_monitor, undo_monitor },
};

static int boot_locked(struct zone_store *s, const char *name, struct zone_error *err)
{
	struct boot b = { .s = s, .name = name, .sock = -1, .mon_pidfd = -1,
			  .st = ZONE_STATUS_INIT };
	int r = 0;
	size_t k;
	for (k = 0; k < ELEMENTSOF(boot_steps); k++)
		if ((r = boot_steps[k].run(&b, err)) < 0)
			break;
	if (r < 0) {
		for (size_t i = k + 1; i-- > 0;)
			if (boot_steps[i].undo)
				boot_steps[i].undo(&b);
		zone_error_wrap(err, "boot %s", name);
	}
	if (b.sock >= 0)
		close(b.sock);
	if (b.mon_pidfd >= 0)
		close(b.mon_pidfd);
	plan_free(&b.plan);
	free(b.bpf_path);
	zone_status_reset(&b.st);
	zone_brand_free(b.brand);
	zone_config_free(b.cfg);
	return r;
}

int zone_runtime_boot(struct zone_store *s, const char *name, struct zone_error *err)
{
	struct zone_lock *l = NULL;
	int r = zone_store_lock(s, name, &l, err);
	if (r < 0)
		return zone_error_wrap(err, "boot");
	r = boot_locked(s, name, err);
	zone_lock_release(l);
	return r;
}

/* ---- halt / shutdown --------------------------------------------------------------- */

static int stop_locked(struct zone_store *s, const char *name, const char *verb, int timeout,
		       struct zone_error *err)
{
	struct zone_status st;
	_cleanup_free_ char *run = zone_strdup_printf("%s/run", zone_store_root(s));
	int r = zone_store_load_status(s, name, &st, err);
	if (r < 0)
		return zone_error_wrap(err, "%s %s", verb, name);
	if ((r = reconcile(s, name, &st, err)) < 0)
		goto out;
	if (!zone_state_is_live(st.state)) {
		r = zone_error_set(err, EINVAL, "%s %s: the zone is not running (it is %s)", verb,
				   name, zone_state_to_string(st.state));
		goto out;
	}
	int mon = zone_pidfd_open_checked(st.monitor_pid, st.monitor_start);
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
	if (!ok) {
		/* No monitor to ask: do its work ourselves. */
		if (mon >= 0)
			zone_pidfd_send_signal(mon, SIGKILL);
		kill_orphan(s, name, &st);
	}
	/*
	 * "ok" means init and every process of the zone are dead and its
	 * cgroups, veths and kernel zone are gone; the monitor _exits right
	 * after saying so.  We do not wait for that exit: tearing down a
	 * process's address space costs 0.3 ms here, and nothing of the zone
	 * is left to wait for.
	 */
	if (mon >= 0)
		close(mon);
	zone_status_clear_runtime(&st);
	st.state = ZONE_STATE_INSTALLED;
	r = zone_store_save_status(s, name, &st, err);
out:
	zone_status_reset(&st);
	return r;
}

int zone_runtime_halt(struct zone_store *s, const char *name, struct zone_error *err)
{
	struct zone_lock *l = NULL;
	int r = zone_store_lock(s, name, &l, err);
	if (r < 0)
		return zone_error_wrap(err, "halt");
	r = stop_locked(s, name, "halt", -1, err);
	zone_lock_release(l);
	return r;
}

int zone_runtime_shutdown(struct zone_store *s, const char *name, unsigned timeout,
			  struct zone_error *err)
{
	struct zone_lock *l = NULL;
	int r = zone_store_lock(s, name, &l, err);
	if (r < 0)
		return zone_error_wrap(err, "shutdown");
	r = stop_locked(s, name, "shutdown", (int)(timeout > 86400 ? 86400 : timeout), err);
	zone_lock_release(l);
	return r;
}

int zone_runtime_reboot(struct zone_store *s, const char *name, unsigned timeout,
			struct zone_error *err)
{
	struct zone_lock *l = NULL;
	int r = zone_store_lock(s, name, &l, err);
	if (r < 0)
		return zone_error_wrap(err, "reboot");
	r = stop_locked(s, name, "reboot", (int)(timeout > 86400 ? 86400 : timeout), err);
	if (r >= 0)
		r = boot_locked(s, name, err);
	zone_lock_release(l);
	return r;
}

/* ---- observing --------------------------------------------------------------------- */

/* Load a live zone's status; error if it is not running. */
int zone_runtime_load_live(struct zone_store *s, const char *name, const char *verb,
		     struct zone_status *st, struct zone_error *err)
{
	struct zone_lock *l = NULL;
	int r = zone_store_lock(s, name, &l, err);
	if (r < 0)
		return zone_error_wrap(err, "%s", verb);
	r = zone_store_load_status(s, name, st, err);
	if (r >= 0)
		r = reconcile(s, name, st, err);
	zone_lock_release(l);
	if (r < 0)
		return zone_error_wrap(err, "%s %s", verb, name);
	if (!zone_state_is_live(st->state)) {
		enum zone_state cur = st->state;
		zone_status_reset(st);
		return zone_error_set(err, EINVAL, "%s %s: the zone is not running (it is %s)", verb,
				      name, zone_state_to_string(cur));
	}
	return 0;
}

/* Field `key` ("Uid:", "NSpid:") of /proc/PID/status: the last number on the line. */
static long proc_status_last(pid_t pid, const char *key, int column)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	_cleanup_free_ char *s = NULL;
	if (zone_read_file(path, &s, 1 << 16) < 0)
		return -1;
	char *line = strstr(s, key);
	if (!line)
		return -1;
	line += strlen(key);
	char *end = strchr(line, '\n');
	if (end)
		*end = '\0';
	long v = -1;
	int col = 0;
	for (char *t = strtok(line, " \t"); t; t = strtok(NULL, " \t"), col++)
		if (column < 0 || col == column)
			v = strtol(t, NULL, 10);
	return v;
}

int zone_runtime_ps(struct zone_store *s, const char *name, json_t **out,
		    struct zone_error *err)
{
	struct zone_status st;
	int r = zone_runtime_load_live(s, name, "ps", &st, err);
	if (r < 0)
		return r;
	pid_t *pids = NULL;
	size_t n = 0;
	r = zone_cgroup_pids(json_object_get(st.extra, "cgroups"), &pids, &n, err);
	if (r < 0) {
		zone_status_reset(&st);
		return zone_error_wrap(err, "ps %s", name);
	}
	/* Only processes in the zone's pid namespace: a login's host-side helper
	 * shares the cgroup but is not in the zone. */
	char path[64], zone_ns[64] = "", ns[64];
	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)st.init_pid);
	ssize_t zl = readlink(path, zone_ns, sizeof(zone_ns) - 1);
	if (zl > 0)
		zone_ns[zl] = '\0';
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)pids[i]);
		ssize_t l = readlink(path, ns, sizeof(ns) - 1);
		if (l <= 0 || (ns[l] = '\0', zl > 0 && strcmp(ns, zone_ns) != 0))
			continue;
		long zpid = proc_status_last(pids[i], "NSpid:", -1);
		long uid = proc_status_last(pids[i], "Uid:", 1); /* effective */
		if (zpid < 0)
			continue; /* exited meanwhile */
		if (st.uid_base && uid >= (long)st.uid_base && uid < (long)st.uid_base + 65536)
			uid -= (long)st.uid_base;
		snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pids[i]);
		_cleanup_free_ char *cmd = NULL;
		ssize_t len = zone_read_file(path, &cmd, 4096);
		for (ssize_t k = 0; k + 1 < len; k++)
			if (cmd[k] == '\0')
				cmd[k] = ' ';
		if (len <= 0) {
			free(cmd);
			snprintf(path, sizeof(path), "/proc/%d/comm", (int)pids[i]);
			cmd = NULL;
			if (zone_read_file(path, &cmd, 256) > 0)
				cmd[strcspn(cmd, "\n")] = '\0';
		}
		json_t *c = cmd ? json_string(cmd) : NULL;
		json_array_append_new(arr, json_pack("{s:i,s:i,s:i,s:o}", "pid", (int)zpid,
						     "host_pid", (int)pids[i], "uid", (int)uid,
						     "cmd", c ? c : json_string("?")));
	}
	free(pids);
	zone_status_reset(&st);
	*out = json_pack("{s:s,s:o}", "name", name, "processes", arr);
	return 0;
}

int zone_runtime_net(struct zone_store *s, const char *name, json_t **out,
		     struct zone_error *err)
{
	struct zone_status st;
	int r = zone_runtime_load_live(s, name, "net", &st, err);
	if (r < 0)
		return r;
	json_t *o = NULL;
	if (!json_is_true(json_object_get(st.extra, "netns"))) {
		o = json_pack("{s:s,s:[],s:[]}", "ip_type", "shared", "interfaces", "routes");
	} else if ((r = zone_net_dump(st.init_pid, &o, err)) < 0) {
		zone_status_reset(&st);
		return zone_error_wrap(err, "net %s", name);
	}
	json_object_set_new(o, "name", json_string(name));
	zone_status_reset(&st);
	*out = o;
	return 0;
}

int zone_runtime_stat(struct zone_store *s, const char *name, json_t **out,
		      struct zone_error *err)
{
	struct zone_status st;
	int r = zone_runtime_load_live(s, name, "stat", &st, err);
	if (r < 0)
		return r;
	json_t *o = NULL;
	r = zone_cgroup_stat(json_object_get(st.extra, "cgroups"), &o, err);
	if (r < 0) {
		zone_status_reset(&st);
		return zone_error_wrap(err, "stat %s", name);
	}
	json_object_set_new(o, "name", json_string(name));
	json_object_set_new(o, "state", json_string(zone_state_to_string(st.state)));
	json_object_set_new(o, "id", json_integer(st.slot));
	json_object_set_new(o, "init_pid", json_integer(st.init_pid));
	/* traffic per interface, from inside the zone's own network namespace */
	json_t *net = NULL;
	if (json_is_true(json_object_get(st.extra, "netns")) &&
	    zone_net_dump(st.init_pid, &net, NULL) == 0) {
		json_t *ifs = json_array();
		size_t i;
		json_t *l;
		json_array_foreach(json_object_get(net, "interfaces"), i, l)
			json_array_append_new(ifs, json_pack("{s:O,s:O,s:O,s:O,s:O}",
				"name", json_object_get(l, "name"),
				"rx_bytes", json_object_get(l, "rx_bytes"),
				"rx_packets", json_object_get(l, "rx_packets"),
				"tx_bytes", json_object_get(l, "tx_bytes"),
				"tx_packets", json_object_get(l, "tx_packets")));
		json_object_set_new(o, "network", ifs);
		json_decref(net);
	}
	zone_status_reset(&st);
	*out = o;
	return 0;
}
