# SPDX-License-Identifier: GPL-2.0-or-later
# Helpers shared by the runtime suites (lifecycle, isolation, resources,
# sparse, session).  They only use the zonectl CLI and files on disk (the
# config and state files, the zone root, /proc, the cgroup file systems), so
# they do not depend on how zonectl does its work.
#
# Load after helpers.bash:   load helpers; load runtime

bats_require_minimum_version 1.5.0

# The setup and teardown of a runtime suite: a temp zones root, and at the end
# the processes a test started (by pid), its zones, zoned and the root gone.
# A suite that needs more defines its own after loading this file.
setup() { common_setup; }

teardown() {
	kill_tracked
	common_teardown
}

ZPROBE=${ZPROBE:-$ZONES_BUILD/tests/helpers/zprobe}

# ---- assertions -------------------------------------------------------------

# not_contains HAYSTACK NEEDLE
not_contains() {
	if [[ $1 == *"$2"* ]]; then
		printf 'expected NOT to find:\n  %s\nin:\n  %s\n' "$2" "$1" >&2
		return 1
	fi
}

# matches ACTUAL REGEX (bash ERE)
matches() {
	if ! [[ $1 =~ $2 ]]; then
		printf 'expected a match for:\n  %s\ngot:\n  %s\n' "$2" "$1" >&2
		return 1
	fi
}

# ---- JSON -------------------------------------------------------------------

# jget PATH: the value at PATH of the JSON document on stdin, strings and
# numbers bare (see json_at).
jget() { json_at bare "$1"; }

# ---- zones on disk ----------------------------------------------------------

zone_root() { printf '%s/zones/%s/root' "$ZONES_ROOT" "$1"; }
# The zone's record: the live one (run/NAME.live) while it is up, else index/NAME.state.
state_file() {
	if [ -e "$ZONES_ROOT/run/$1.live" ]; then
		printf '%s/run/%s.live' "$ZONES_ROOT" "$1"
	else
		printf '%s/index/%s.state' "$ZONES_ROOT" "$1"
	fi
}
console_log() { printf '%s/log/%s.console' "$ZONES_ROOT" "$1"; }

# state_get NAME PATH: a value from the zone's runtime record.
state_get() { jget "$2" <"$(state_file "$1")"; }

# zone_state NAME: the state 'list -p' shows for NAME (empty if not listed).
zone_state() {
	"$ZONECTL" list -p | awk -F: -v n="$1" '$2 == n { print $3 }'
}

# zone_id NAME: the id field of 'list -p' ('-' when not running).
zone_id() {
	"$ZONECTL" list -p | awk -F: -v n="$1" '$2 == n { print $1 }'
}

# make_zone NAME [BRAND [CREATE-ARGS...]]: a configured and installed zone.
make_zone() {
	local name=$1 brand=${2:-busybox}
	shift 2 || shift $#
	"$ZONECTL" create "$name" --brand "$brand" "$@" || return 1
	"$ZONECTL" install "$name" >/dev/null || return 1
}

# boot_zone NAME [BRAND [CREATE-ARGS...]]: a running zone.
boot_zone() {
	make_zone "$@" || return 1
	"$ZONECTL" boot "$1" || return 1
	[ "$(zone_state "$1")" = running ] || {
		echo "zone $1 did not reach running: $(zone_state "$1")" >&2
		return 1
	}
}

# put_probe NAME: copy the static zprobe into the zone root's /bin.
put_probe() {
	install -m 0755 "$ZPROBE" "$(zone_root "$1")/bin/zprobe"
}

# zlogin NAME CMD...: run CMD in the zone (no tty, stdin from /dev/null).
zlogin() {
	local z=$1
	shift
	"$ZONECTL" login -T "$z" -- "$@" </dev/null
}

# ---- processes ----------------------------------------------------------------

# pid_gone PID: true when PID no longer exists or is a zombie ('Z': pid 1 of
# this test sandbox reaps late, and a zombie holds no namespace or cgroup).
pid_gone() {
	local st
	st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 0
	[ -z "$st" ] || [ "$st" = Z ] || [ "$st" = X ]
}

# pid_alive PID: the opposite of pid_gone.
pid_alive() { ! pid_gone "$1"; }

# wait_until SECONDS CMD...: poll CMD every 50 ms until it succeeds.
wait_until() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		[ $SECONDS -ge $deadline ] && return 1
		sleep 0.05
	done
}

# track_pid PID: remember a host process this test started, for kill_tracked.
track_pid() { echo "$1" >>"$BATS_TEST_TMPDIR/tracked-pids"; }

# kill_tracked: kill every tracked host process (teardown; never fails).
kill_tracked() {
	local p
	[ -f "$BATS_TEST_TMPDIR/tracked-pids" ] || return 0
	while read -r p; do
		kill -9 "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done <"$BATS_TEST_TMPDIR/tracked-pids"
	rm -f "$BATS_TEST_TMPDIR/tracked-pids"
}

# ---- cgroups ------------------------------------------------------------------

# cgroup_v2_only: true when the host has the unified hierarchy alone.
cgroup_v2_only() {
	[ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]
}

# zone_cgroup NAME CONTROLLER: the zone's own (deepest) cgroup directory for
# CONTROLLER ("cpu", "memory", ...) among extra.cgroups of the state file; on
# a v2-only host the controller is ignored.
zone_cgroup() {
	local d h best=
	for d in $(state_get "$1" extra.cgroups); do
		if ! cgroup_v2_only; then
			h=${d#/sys/fs/cgroup/}
			h=${h%%/*}
			[[ ",$h," == *",$2,"* ]] || continue
		fi
		[ ${#d} -gt ${#best} ] && best=$d
	done
	[ -n "$best" ] && echo "$best"
}

# ps_has NAME TEXT: 'zonectl ps NAME' lists a process whose line has TEXT
# (for wait_until).
ps_has() {
	"$ZONECTL" ps "$1" 2>/dev/null | grep -qF -- "$2"
}

# lines_are FILE N: FILE exists and has N lines (for wait_until).
lines_are() {
	[ -f "$1" ] && [ "$(wc -l <"$1")" -eq "$2" ]
}

# has_line TEXT REGEX: some line of TEXT matches the extended REGEX.
has_line() {
	if ! grep -qE -- "$2" <<<"$1"; then
		printf 'expected a line matching:\n  %s\nin:\n%s\n' "$2" "$1" >&2
		return 1
	fi
}

# ---- a network namespace of the test's own -------------------------------------

# netns_setup [ADDRESS...]: common_setup, then a network namespace of this
# test's own, $NS (zt-PID-RANDOM), with lo up and a bridge br0 holding the
# ADDRESSes.  zonectl (the function) and $ZONECTL (a wrapper, for the helpers
# above and common_teardown) run zonectl inside it, so that zoned, which the
# first zonectl starts, makes its veths there and never in the caller's
# namespace.  (Not `ip netns exec`, which also mounts a fresh /sys and hides
# the cgroup hierarchies.)
netns_setup() {
	common_setup
	NS=zt-$$-$RANDOM
	ZONECTL_BIN=${ZONECTL_BIN:-$ZONECTL}
	ZONECTL=$BATS_TEST_TMPDIR/zonectl-in-ns
	printf '#!/bin/sh\nexec nsenter --net=%q %q "$@"\n' "/run/netns/$NS" "$ZONECTL_BIN" >"$ZONECTL"
	chmod 0755 "$ZONECTL"
	ip netns add "$NS"
	ip -n "$NS" link set lo up
	ip -n "$NS" link add br0 type bridge
	local a
	for a in "$@"; do
		ip -n "$NS" addr add "$a" dev br0 nodad 2>/dev/null || ip -n "$NS" addr add "$a" dev br0
	done
	ip -n "$NS" link set br0 up
	zonectl() { nsenter --net="/run/netns/$NS" "$ZONECTL_BIN" "$@"; }
}

# netns_teardown: every zone of the test halted, tracked processes killed,
# common_teardown, and the namespace deleted with whatever is left in it.
netns_teardown() {
	local z
	if [ -n "${NS:-}" ] && [ -e "/run/netns/$NS" ]; then
		for z in $(zonectl list 2>/dev/null); do
			zonectl halt "$z" >/dev/null 2>&1 || true
		done
	fi
	kill_tracked
	common_teardown
	if [ -n "${NS:-}" ]; then
		ip netns del "$NS" 2>/dev/null || true
	fi
}
