// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * zoneproc.c - the zone's first process: its rows of the boot (runtime.c
 * holds the list), from its birth in the zone's namespaces to exec'ing the
 * zone's init.
 *
 * Theory:
 *   The monitor clones us into new user, mount, pid, UTS and IPC
 *   namespaces (zone_mon_namespaces); the network namespace comes from the
 *   monitor's helper (N), in parallel with our mounts.  Our rows:
 *
 *     rootfs    M: the idmapped root and binds as detached trees, and the
 *               cgroups; join them (v1), attach the trees, /proc, /dev
 *     netns     N: into the zone's network namespace
 *     pivot     /sys, the cgroup view, late masks; pivot_root; -> R
 *     lockdown  the console as our terminal, personality, seccomp, caps
 *     init      G: exec the brand's init
 *
 *   Until we exec we are not dumpable (nothing in the zone may ptrace us
 *   and take a host descriptor) and die with the monitor (PDEATHSIG); our
 *   end of the monitor's socket is close-on-exec, so EOF there means
 *   "exec'd".  An error goes to the monitor as "E" + the row's name and why,
 *   and we exit: our namespaces, and all we mounted, go with us.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "runtime.h"
#include "util.h"

void zone_proc_main(struct zone_boot *b, size_t from)
{
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	zone_reset_signals();
	b->netns_fd = -1;
	b->rootfd = -1;
	struct zone_error err = { 0 };
	size_t failed;
	if (zone_steps_run(b, ZONE_ACTOR_ZONE, from, &failed, &err) < 0)
		zone_msg_error(b->sock, &err);
	_exit(1); /* the last row execs */
}

/*
 * M, the mounts, comes from the monitor; with a network namespace N, its
 * descriptor, comes from the helper that made it, before or after M.
 */
int zone_proc_rootfs(struct zone_boot *b, struct zone_error *err)
{
	struct zone_plan *p = &b->plan;
	static char buf[1 << 16];
	int fds[250];
	size_t n = 0;
	while (n == 0) {
		size_t k = ELEMENTSOF(fds);
		ssize_t got = zone_recv_fds(b->sock, buf, sizeof(buf), fds, &k);
		if (got > 0 && buf[0] == ZONE_MSG_MOUNTS && k > 0) {
			n = k;
		} else if (got > 0 && buf[0] == ZONE_MSG_NETNS && k == 1 && p->netns &&
			   b->netns_fd < 0) {
			b->netns_fd = fds[0];
		} else {
			for (size_t i = 0; i < k; i++)
				close(fds[i]);
			_exit(1); /* the monitor is gone or gave up: it says why */
		}
	}
	/* M carries the zone's cgroups (our plan is from before they were made) */
	json_t *c = json_loads(buf + 1, 0, NULL);
	p->cgroups = json_object_get(c, "cgroups");
	p->cgmounts = json_object_get(c, "cgmounts");
	if (!json_is_array(p->cgroups) || !json_is_array(p->cgmounts))
		return zone_error_set(err, EPROTO, "boot conversation: no cgroups with the mounts");
	/* on v1 we join them ourselves (see zone_mon_idmap) */
	int r;
	if (zone_cgroup_is_v1(p->cgroups) && (r = zone_cgroup_join_self(p->cgroups, err)) < 0)
		return r;
	if ((r = zone_rootfs_setup(p, fds, n, b->slave_path, err)) < 0)
		return r;
	for (size_t i = 1; i < n; i++)
		close(fds[i]);
	b->rootfd = fds[0];
	return 0;
}

int zone_proc_netns(struct zone_boot *b, struct zone_error *err)
{
	if (!b->plan.netns)
		return 0;
	if (b->netns_fd < 0) {
		char buf[64];
		size_t one = 1;
		ssize_t got = zone_recv_fds(b->sock, buf, sizeof(buf), &b->netns_fd, &one);
		if (got <= 0 || buf[0] != ZONE_MSG_NETNS || one != 1)
			_exit(1); /* the helper failed: the monitor says why */
	}
	if (setns(b->netns_fd, CLONE_NEWNET) < 0)
		return zone_error_errno(err, errno, "enter the zone's network namespace");
	close(b->netns_fd);
	b->netns_fd = -1;
	return 0;
}

int zone_proc_pivot(struct zone_boot *b, struct zone_error *err)
{
	int r = zone_rootfs_finish(&b->plan, b->rootfd, err);
	if (r < 0)
		return r;
	close(b->rootfd);
	b->rootfd = -1;
	const char ready[] = { ZONE_MSG_READY, '\0' };
	if (zone_send_fds(b->sock, ready, NULL, 0) < 0)
		_exit(1);
	return 0;
}

/*
 * While the booter records the zone as ready, the last steps before init:
 * nothing of the zone runs until G.
 */
int zone_proc_lockdown(struct zone_boot *b, struct zone_error *err)
{
	const struct zone_plan *p = &b->plan;
	if (setsid() < 0 || ioctl(b->slave, TIOCSCTTY, 0) < 0 || dup2(b->slave, 0) < 0 ||
	    dup2(b->slave, 1) < 0 || dup2(b->slave, 2) < 0)
		return zone_error_errno(err, errno, "attach the console");
	if (p->personality && personality(p->personality) < 0)
		return zone_error_errno(err, errno, "set personality %#lx", p->personality);
	/* seccomp needs CAP_SYS_ADMIN (in our namespace) unless no_new_privs: before caps. */
	int r;
	if ((r = zone_seccomp_load(p->bpf, p->bpf_len, err)) < 0 ||
	    (r = zone_caps_apply(p->caps, err)) < 0)
		return r;
	return 0;
}

int zone_proc_init(struct zone_boot *b, struct zone_error *err)
{
	/* read(), not recvmsg(): only a byte is due, and nothing else may come */
	char go;
	ssize_t got;
	do
		got = read(b->sock, &go, 1);
	while (got < 0 && errno == EINTR);
	if (got != 1 || go != ZONE_MSG_GO)
		_exit(1);
	close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
	prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
	static char *const envp[] = {
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"TERM=linux", "HOME=/", "container=zones", NULL,
	};
	execve(b->brand->init[0], b->brand->init, envp);
	return zone_error_errno(err, errno, "execute the zone's init %s", b->brand->init[0]);
}
