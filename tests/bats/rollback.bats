# SPDX-License-Identifier: GPL-2.0-or-later
# Boot is one list of steps (libzone/runtime.c), walked backward by a failed
# boot, a halt and the clean-up of a zone whose monitor died.  Here every row
# of the list is made to fail in turn (ZONES_FAIL_STEP, read by zoned's
# workers and the processes they fork) on an exclusive-IP zone with a memory
# cap, so that every undo has something to undo: the error names the row,
# the zone is `installed`, and nothing of it is left on the host -- no
# process, cgroup, mount, veth, kernel zone or run file.  Then the same zone
# boots and halts as usual.
#
# Like net.bats, every zonectl runs in a network namespace of the test's own
# (zt-PID-RANDOM, bridge br0), through nsenter --net.

# shellcheck disable=SC2154 # $stderr is set by bats' run --separate-stderr

load helpers
load runtime

setup() { netns_setup 10.98.0.1/24; }
teardown() { netns_teardown; }

# The rows of the boot, in order, from the list itself.
boot_steps() {
	sed -n '/^const struct zone_step zone_boot_steps\[\] = {/,/^};/p' \
		"$ZONES_SRC/libzone/runtime.c" | sed -n 's/^\t{ "\([a-z]*\)",.*/\1/p'
}

# nothing_left NAME: no trace of the zone on the host but its files.
nothing_left() {
	local z=$1 out
	# no run file: live record, monitor socket, seccomp program
	out=$(ls "$ZONES_ROOT/run/" | grep -E "^$z\." || true)
	[ -z "$out" ] || { echo "run files left: $out" >&2; return 1; }
	# no cgroup directory named after the zone, no process in one
	out=$(find /sys/fs/cgroup -mindepth 2 -maxdepth 7 -type d -name "$z" 2>/dev/null || true)
	[ -z "$out" ] || { echo "cgroups left: $out" >&2; return 1; }
	out=$(grep -lE "/$z\$" /proc/[0-9]*/cgroup 2>/dev/null || true)
	[ -z "$out" ] || { echo "processes in the zone's cgroups: $out" >&2; return 1; }
	# no monitor, no mount of the zone's root anywhere we can see
	out=$(grep -lx "zmon:$z" /proc/[0-9]*/comm 2>/dev/null || true)
	[ -z "$out" ] || { echo "monitor left: $out" >&2; return 1; }
	out=$(grep -F " $ZONES_ROOT/zones/$z/" /proc/self/mountinfo || true)
	[ -z "$out" ] || { echo "mounts left: $out" >&2; return 1; }
	# no veth: the test namespace has lo and br0 only
	out=$(ip -n "$NS" -o link show | awk -F': ' '{ print $2 }' | sed 's/@.*//' | sort | tr '\n' ' ')
	[ "$out" = "br0 lo " ] || { echo "links left: $out" >&2; return 1; }
	# and the record says installed, with no pid in it
	[ "$(zone_state "$z")" = installed ] || { echo "state: $(zone_state "$z")" >&2; return 1; }
	! grep -q '"init_pid"' "$ZONES_ROOT/index/$z.state"
}

@test "the boot's list has the rows the design names, each once" {
	run boot_steps
	equals "$(tr '\n' ' ' <<<"$output")" \
		"check slot policy monitor seccomp console kzone cgroup namespaces idmap ready mounts rootfs netns net pivot lockdown start running init "
}

@test "every row of the boot, made to fail, is named and rolled back to nothing" {
	local z=rb$$ step n=0
	zonectl create "$z" --brand busybox --set ip_type=exclusive --set limits.memory_cap=128M
	zonectl add "$z" net name=eth0 bridge=br0 address=10.98.0.2/24
	zonectl install "$z" >/dev/null
	for step in $(boot_steps); do
		# a zoned whose workers fail that row
		stop_zoned
		run --separate-stderr env ZONES_FAIL_STEP="$step" "$ZONECTL" boot "$z"
		[ "$status" -ne 0 ] || { echo "row $step: the boot did not fail" >&2; false; }
		if [ "$step" = check ]; then
			contains "$stderr" "boot $z: failed on purpose (ZONES_FAIL_STEP)"
		else
			contains "$stderr" "boot $z: $step: failed on purpose (ZONES_FAIL_STEP)"
		fi
		wait_until 5 nothing_left "$z" || {
			echo "after a failure in row $step:" >&2
			nothing_left "$z"
		}
		n=$((n + 1))
	done
	[ "$n" -eq 20 ]
	# and with no failure, it boots, works and halts as ever
	stop_zoned
	run -0 zonectl boot "$z"
	equals "$(zone_state "$z")" running
	run -0 zlogin "$z" hostname
	equals "$output" "$z"
	run -0 zlogin "$z" ip -o -4 addr show dev eth0
	contains "$output" 10.98.0.2/24
	run -0 zonectl halt "$z"
	nothing_left "$z"
}

@test "an error in a row of the first process comes back named by that row" {
	local z=rb$$
	make_zone "$z" busybox
	# the zone's own root is not idmappable... but its /proc is taken: a file
	rmdir "$(zone_root "$z")/proc"
	touch "$(zone_root "$z")/proc"
	run ! --separate-stderr zonectl boot "$z"
	contains "$stderr" "boot $z: rootfs: "
	contains "$stderr" "proc"
	wait_until 5 nothing_left "$z"
}

@test "a zone whose monitor was killed is walked back by the next verb" {
	local z=rb$$
	zonectl create "$z" --brand busybox --set ip_type=exclusive --set limits.memory_cap=128M
	zonectl add "$z" net name=eth0 bridge=br0 address=10.98.0.3/24
	zonectl install "$z" >/dev/null
	run -0 zonectl boot "$z"
	local mon init
	mon=$(state_get "$z" monitor_pid)
	init=$(state_get "$z" init_pid)
	kill -9 "$mon"
	wait_until 5 pid_gone "$mon"
	# init is still there, orphaned; the zone's host end too
	pid_alive "$init"
	run -0 zonectl list -p
	# list reconciles: the zone is put back to installed, init killed
	wait_until 5 nothing_left "$z"
	pid_gone "$init"
}
