// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * step.c - walking the boot's list of steps (runtime.c holds the list), the
 * messages its actors exchange, and the undo of each thing a zone holds.
 *
 * Theory:
 *   Forward, each actor (booter, monitor, first process) runs its own rows
 *   in the list's order; they meet through the messages of the boot
 *   conversation, inside the rows.  An error is prefixed with the name of
 *   the row that failed ("net: bridge zbr0: No such device"); an error
 *   received from another actor already names its row and is passed on as
 *   it is.
 *
 *   Backward, zone_steps_undo() calls the undo of every row from a point
 *   down to the first.  Every undo is idempotent and works from a struct
 *   zone_hold alone, so the same walk serves a failed boot (each actor
 *   walks back from where it was; the booter, last, from the end), a halt
 *   (the monitor, from the end) and the clean-up of a zone whose monitor
 *   died (whoever holds the zone lock, from the record).  Whatever one
 *   walker left undone, the next one finds and undoes; what is already
 *   undone costs a failed unlink or rmdir.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime.h"
#include "util.h"

void zone_hold_init(struct zone_hold *h, const char *root, const char *name)
{
	*h = (struct zone_hold){ .root = root, .name = name, .monitor_pidfd = -1,
				 .init_pidfd = -1 };
}

void zone_hold_from_status(struct zone_hold *h, const char *root, const char *name,
			   const struct zone_status *st)
{
	zone_hold_init(h, root, name);
	h->monitor_pid = st->monitor_pid;
	h->monitor_start = st->monitor_start;
	h->init_pid = st->init_pid;
	h->init_start = st->init_start;
	h->kzone = st->kernel_zone_id;
	h->cgroups = st->extra ? json_object_get(st->extra, "cgroups") : NULL;
	json_t *nc = st->extra ? json_object_get(st->extra, "net_count") : NULL;
	h->n_net = json_is_integer(nc) && json_integer_value(nc) > 0 ?
			   (size_t)json_integer_value(nc) : 0;
}

/*
 * $ZONES_FAIL_STEP=NAME makes row NAME fail right after it ran, for the
 * tests that prove every rollback (tests/bats/rollback.bats).  It can only
 * make a boot fail, and only the environment of zoned (root's) can set it.
 */
static const char *fail_step(void)
{
	const char *f = getenv("ZONES_FAIL_STEP");
	return f && *f ? f : NULL;
}

static bool last_of(const struct zone_boot *b, enum zone_actor actor, size_t k)
{
	for (size_t i = k + 1; i < b->n_steps; i++)
		if (b->steps[i].actor == actor)
			return false;
	return true;
}

int zone_steps_run(struct zone_boot *b, enum zone_actor actor, size_t from, size_t *failed,
		   struct zone_error *err)
{
	const char *inject = fail_step();
	for (size_t k = from; k < b->n_steps; k++) {
		const struct zone_step *s = &b->steps[k];
		if (s->actor != actor)
			continue;
		bool fail = inject && !strcmp(inject, s->name);
		/*
		 * Failing after it ran leaves the row's own undo something to do;
		 * but once the last row of the monitor or of the first process
		 * ran, the booter has been told "started" (or init runs): those
		 * fail before they run.
		 */
		bool before = fail && actor != ZONE_ACTOR_BOOTER && last_of(b, actor, k);
		int r = before ? 0 : s->run(b, err);
		if (r >= 0 && fail)
			r = zone_error_set(err, ECANCELED, "failed on purpose (ZONES_FAIL_STEP)");
		if (r < 0) {
			*failed = k;
			if (!b->peer_error && s->named)
				zone_error_wrap(err, "%s", s->name);
			return r;
		}
	}
	*failed = b->n_steps;
	return 0;
}

void zone_steps_undo(const struct zone_step *steps, size_t from, struct zone_hold *h)
{
	for (size_t k = from; k-- > 0;)
		if (steps[k].undo)
			steps[k].undo(h);
}

size_t zone_steps_index(const struct zone_step *steps, size_t n, const char *name)
{
	for (size_t k = 0; k < n; k++)
		if (!strcmp(steps[k].name, name))
			return k;
	return n;
}

/* ---- messages ------------------------------------------------------------------- */

void zone_msg_error(int sock, const struct zone_error *err)
{
	char msg[ZONE_ERROR_MAX + 4];
	snprintf(msg, sizeof(msg), "%c%s", ZONE_MSG_ERROR, err->msg[0] ? err->msg : "failed");
	zone_send_fds(sock, msg, NULL, 0);
}

int zone_msg_expect(struct zone_boot *b, int sock, enum zone_msg want, char *buf, size_t len,
		    int *fds, size_t *nfds, int timeout_ms, const char *peer,
		    struct zone_error *err)
{
	if (timeout_ms >= 0) {
		struct pollfd pf = { .fd = sock, .events = POLLIN };
		int r;
		do
			r = poll(&pf, 1, timeout_ms);
		while (r < 0 && errno == EINTR);
		if (r == 0)
			return zone_error_set(err, ETIMEDOUT, "%s did not answer within %d s", peer,
					      timeout_ms / 1000);
	}
	size_t want_fds = nfds ? *nfds : 0;
	ssize_t n = zone_recv_fds(sock, buf, len, fds, nfds);
	if (n < 0)
		return zone_error_errno(err, (int)-n, "the conversation with %s", peer);
	if (n == 0)
		return zone_error_set(err, EPIPE, "%s went away", peer);
	if (buf[0] == ZONE_MSG_ERROR) {
		b->peer_error = true;
		for (size_t i = 0; nfds && i < *nfds; i++)
			close(fds[i]);
		return zone_error_set(err, EIO, "%s", buf + 1);
	}
	if (buf[0] != (char)want || (want_fds && nfds && *nfds != want_fds)) {
		for (size_t i = 0; nfds && i < *nfds; i++)
			close(fds[i]);
		return zone_error_set(err, EPROTO, "boot conversation: \"%c\" from %s where \"%c\" "
				      "was due", buf[0], peer, (char)want);
	}
	return 0;
}

int zone_msg_send(struct zone_boot *b, int sock, const char *msg, const int *fds, size_t n,
		  const char *what, struct zone_error *err)
{
	int r = zone_send_fds(sock, msg, fds, n);
	if (r >= 0)
		return 0;
	/* the peer gave up: its last word says why, if it had one */
	char buf[ZONE_ERROR_MAX + 8];
	struct pollfd pf = { .fd = sock, .events = POLLIN };
	if (poll(&pf, 1, 0) > 0 && zone_recv_fds(sock, buf, sizeof(buf), NULL, NULL) > 0 &&
	    buf[0] == ZONE_MSG_ERROR) {
		b->peer_error = true;
		return zone_error_set(err, EIO, "%s", buf + 1);
	}
	return zone_error_errno(err, -r, "%s", what);
}

/* ---- undo --------------------------------------------------------------------------- */

bool zone_pidfd_wait(int pidfd, int timeout_ms)
{
	struct pollfd pf = { .fd = pidfd, .events = POLLIN };
	int r;
	do
		r = poll(&pf, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	return r > 0;
}

static void unlink_run(const struct zone_hold *h, const char *ext)
{
	char path[4096];
	if (snprintf(path, sizeof(path), "%s/run/%s.%s", h->root, h->name, ext) <
	    (int)sizeof(path))
		unlink(path);
}

/* The seccomp program saved for logins. */
void zone_undo_seccomp(struct zone_hold *h)
{
	unlink_run(h, "bpf");
}

/*
 * The monitor gone.  A monitor that is rolling its own part back gets 3 s
 * to finish and exit; then SIGKILL.  The monitor itself skips this row.
 */
void zone_undo_monitor(struct zone_hold *h)
{
	if (h->self_is_monitor)
		return;
	int fd = h->monitor_pidfd;
	if (fd < 0 && h->monitor_pid > 0)
		fd = zone_pidfd_open_checked(h->monitor_pid, h->monitor_start);
	if (fd < 0)
		return;
	if (!zone_pidfd_wait(fd, 3000)) {
		zone_pidfd_send_signal(fd, SIGKILL);
		zone_pidfd_wait(fd, 5000);
	}
	if (fd != h->monitor_pidfd)
		close(fd);
}

/* The monitor's socket (its pty goes with the monitor). */
void zone_undo_console(struct zone_hold *h)
{
	unlink_run(h, "sock");
}

void zone_undo_kzone(struct zone_hold *h)
{
	zone_kzone_destroy(h->kzone);
	h->kzone = 0;
}

/* Empty by now (every zone process is gone with the namespaces): removed. */
void zone_undo_cgroup(struct zone_hold *h)
{
	if (h->cgroups)
		zone_cgroup_destroy(h->cgroups, NULL);
}

/*
 * init killed, and with it every process of the zone: killing a pid
 * namespace's init kills the namespace, and init's exit completes only
 * once they are all gone.  Its parent (the monitor) reaps it.
 */
void zone_undo_namespaces(struct zone_hold *h)
{
	int fd = h->init_pidfd;
	if (fd < 0 && h->init_pid > 0)
		fd = zone_pidfd_open_checked(h->init_pid, h->init_start);
	if (fd < 0)
		return;
	zone_pidfd_send_signal(fd, SIGKILL);
	zone_pidfd_wait(fd, 5000);
	if (fd != h->init_pidfd) {
		close(fd);
		return;
	}
	/* Its parent (the monitor) reaps it now: a zombie is still a member of
	 * its kernel zone, which the next undo retires. */
	siginfo_t si = { 0 };
	if (!h->init_reaped && waitid(P_PIDFD, (id_t)fd, &si, WEXITED) == 0) {
		h->init_reaped = true;
		h->init_code = si.si_code;
		h->init_status = si.si_status;
	}
}

/* The host ends of the veths (the zone's ends go with its namespace). */
void zone_undo_net(struct zone_hold *h)
{
	if (h->n_net)
		zone_net_teardown(h->root, h->name, h->n_net);
}
