// SPDX-License-Identifier: GPL-2.0-or-later
/* test-state.c - zone states: names and the one table of allowed transitions. */
#include "tap.h"
#include "zone.h"

#define C ZONE_STATE_CONFIGURED
#define I ZONE_STATE_INCOMPLETE
#define N ZONE_STATE_INSTALLED
#define R ZONE_STATE_READY
#define U ZONE_STATE_RUNNING
#define S ZONE_STATE_SHUTTING_DOWN

/*
 * The expected matrix, written out in full (from down, to across) so that any
 * change to state.c's table shows up here as a failing pair.
 */
static const bool expected[_ZONE_STATE_MAX][_ZONE_STATE_MAX] = {
	/*                 C  I  N  R  U  S */
	[C] = { [C] = 0, [I] = 1, [N] = 0, [R] = 0, [U] = 0, [S] = 0 },
	[I] = { [C] = 1, [I] = 0, [N] = 1, [R] = 0, [U] = 0, [S] = 0 },
	[N] = { [C] = 1, [I] = 1, [N] = 0, [R] = 1, [U] = 0, [S] = 0 },
	[R] = { [C] = 0, [I] = 0, [N] = 1, [R] = 0, [U] = 1, [S] = 0 },
	[U] = { [C] = 0, [I] = 0, [N] = 1, [R] = 0, [U] = 0, [S] = 1 },
	[S] = { [C] = 0, [I] = 0, [N] = 1, [R] = 0, [U] = 1, [S] = 0 },
};

static const char *const names[_ZONE_STATE_MAX] = {
	[C] = "configured", [I] = "incomplete", [N] = "installed",
	[R] = "ready",      [U] = "running",    [S] = "shutting_down",
};

int main(void)
{
	plan(_ZONE_STATE_MAX * _ZONE_STATE_MAX + 3 * _ZONE_STATE_MAX + 12);

	for (int from = 0; from < _ZONE_STATE_MAX; from++)
		for (int to = 0; to < _ZONE_STATE_MAX; to++)
			ok(zone_state_transition_ok(from, to) == expected[from][to], "%s -> %s: %s",
			   names[from], names[to], expected[from][to] ? "allowed" : "refused");

	for (int s = 0; s < _ZONE_STATE_MAX; s++) {
		is_str(zone_state_to_string(s), names[s], "state %d is named %s", s, names[s]);
		is_int(zone_state_from_string(names[s]), s, "\"%s\" parses back", names[s]);
		ok(!zone_state_transition_ok(s, ZONE_STATE_INVALID) &&
			   !zone_state_transition_ok(ZONE_STATE_INVALID, s) &&
			   !zone_state_transition_ok(s, _ZONE_STATE_MAX) &&
			   !zone_state_transition_ok(_ZONE_STATE_MAX, s),
		   "%s: no transition to or from an invalid state", names[s]);
	}

	is_str(zone_state_to_string(ZONE_STATE_INVALID), "invalid", "to_string(-1) is \"invalid\"");
	is_str(zone_state_to_string(_ZONE_STATE_MAX), "invalid", "to_string(MAX) is \"invalid\"");
	is_str(zone_state_to_string((enum zone_state)1000), "invalid",
	       "to_string(1000) is \"invalid\"");
	is_int(zone_state_from_string(NULL), ZONE_STATE_INVALID, "from_string(NULL) is invalid");
	is_int(zone_state_from_string(""), ZONE_STATE_INVALID, "from_string(\"\") is invalid");
	is_int(zone_state_from_string("invalid"), ZONE_STATE_INVALID,
	       "from_string(\"invalid\") is invalid");
	is_int(zone_state_from_string("Running"), ZONE_STATE_INVALID, "names are case-sensitive");
	is_int(zone_state_from_string("running "), ZONE_STATE_INVALID, "no trailing space");
	is_int(zone_state_from_string("shutting-down"), ZONE_STATE_INVALID,
	       "\"shutting-down\" is not \"shutting_down\"");
	is_int(zone_state_from_string("down"), ZONE_STATE_INVALID, "no Solaris \"down\" state");
	ok(!zone_state_transition_ok(ZONE_STATE_INVALID, ZONE_STATE_INVALID),
	   "invalid -> invalid refused");
	ok(!zone_state_transition_ok((enum zone_state)1000, (enum zone_state)-1000),
	   "far out of range refused");

	return done();
}
