// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * state.c - zone states and the one table of allowed transitions.
 *
 * Theory: the Solaris model.  A zone is `configured` when it has a config
 * and no root; `incomplete` while install/uninstall/clone/attach works and
 * after any of them failed or was interrupted (the lifecycle never pretends a
 * half-built root is usable); `installed` when its root is complete; `ready`
 * when namespaces, mounts, cgroup and network exist but init has not run;
 * `running` once init runs; `shutting_down` while init is asked to stop.
 * Every state change anywhere goes through zone_state_transition_ok().
 */
#include <string.h>

#include "zone.h"
#include "cleanup.h"

static const char *const names[_ZONE_STATE_MAX] = {
	[ZONE_STATE_CONFIGURED] = "configured",
	[ZONE_STATE_INCOMPLETE] = "incomplete",
	[ZONE_STATE_INSTALLED] = "installed",
	[ZONE_STATE_READY] = "ready",
	[ZONE_STATE_RUNNING] = "running",
	[ZONE_STATE_SHUTTING_DOWN] = "shutting_down",
};

#define T(a, b) [ZONE_STATE_##a][ZONE_STATE_##b] = true
static const bool transitions[_ZONE_STATE_MAX][_ZONE_STATE_MAX] = {
	T(CONFIGURED, INCOMPLETE),   /* install, clone, attach begin */
	T(INCOMPLETE, INSTALLED),    /* install done; mark installed */
	T(INCOMPLETE, CONFIGURED),   /* uninstall done */
	T(INSTALLED, INCOMPLETE),    /* uninstall begins; mark incomplete */
	T(INSTALLED, CONFIGURED),    /* detach */
	T(INSTALLED, READY),         /* boot: namespaces, mounts, cgroup up */
	T(READY, RUNNING),           /* boot: init runs */
	T(READY, INSTALLED),         /* halt of a ready zone, failed boot */
	T(RUNNING, SHUTTING_DOWN),   /* shutdown asked */
	T(RUNNING, INSTALLED),       /* halt, or init exited */
	T(SHUTTING_DOWN, INSTALLED), /* shutdown done */
	T(SHUTTING_DOWN, RUNNING),   /* shutdown gave up */
};
#undef T

const char *zone_state_to_string(enum zone_state s)
{
	if (s < 0 || s >= _ZONE_STATE_MAX)
		return "invalid";
	return names[s];
}

enum zone_state zone_state_from_string(const char *s)
{
	if (!s)
		return ZONE_STATE_INVALID;
	for (int i = 0; i < _ZONE_STATE_MAX; i++)
		if (strcmp(s, names[i]) == 0)
			return (enum zone_state)i;
	return ZONE_STATE_INVALID;
}

bool zone_state_is_live(enum zone_state s)
{
	return s == ZONE_STATE_READY || s == ZONE_STATE_RUNNING || s == ZONE_STATE_SHUTTING_DOWN;
}

bool zone_state_transition_ok(enum zone_state from, enum zone_state to)
{
	if (from < 0 || from >= _ZONE_STATE_MAX || to < 0 || to >= _ZONE_STATE_MAX)
		return false;
	return transitions[from][to];
}
