# SPDX-License-Identifier: GPL-2.0-or-later
# Locks: one order (a zone's lock, then the store's; libzone/store.c), no
# request waits forever, and a stress run that races every lifecycle verb on
# a few names through zoned and through direct libzone callers at once
# (tests/helpers/zdirect), under a watchdog, leaving every zone valid and
# nothing leaked.
#
# Like net.bats, zonectl (and so zoned) and zdirect run in a network
# namespace of the test's own (zt-PID-RANDOM, bridge br0), through nsenter
# --net: the zones are exclusive-IP zones whose veths must not leak either.

# shellcheck disable=SC2154 # $stderr is set by bats' run --separate-stderr

load helpers
load runtime

ZDIRECT=$ZONES_BUILD/tests/helpers/zdirect
zdirect() { nsenter --net="/run/netns/$NS" "$ZDIRECT" "$@"; }

setup() { netns_setup; }
teardown() { netns_teardown; }

# hold_lock FILE VERB: a process (tracked) holding a POSIX write lock on FILE
# (it conflicts with libzone's OFD locks) with "PID VERB SINCE" written in it,
# as a libzone holder writes; prints its pid once it holds the lock.
hold_lock() {
	python3 -c '
import fcntl, os, sys, time
f = open(sys.argv[1], "r+")
fcntl.lockf(f, fcntl.LOCK_EX)
f.seek(0); f.truncate(); f.write("%d %s %d\n" % (os.getpid(), sys.argv[2], int(time.time()))); f.flush()
print(os.getpid(), flush=True)
time.sleep(120)
' "$1" "$2" >"$BATS_TEST_TMPDIR/holder" &
	track_pid $!
	wait_until 5 test -s "$BATS_TEST_TMPDIR/holder"
	cat "$BATS_TEST_TMPDIR/holder"
}

@test "a lock not had within the timeout: an error naming the holder, and zoned answers meanwhile" {
	make_zone web busybox
	stop_zoned
	# a zoned whose requests wait 2 s at most
	run -0 env ZONES_LOCK_TIMEOUT=2 "$ZONECTL" list
	local holder
	holder=$(hold_lock "$ZONES_ROOT/index/web.lock" install)
	[ -n "$holder" ]
	# the boot waits, then gives up, naming who holds the zone and why
	local t0=$SECONDS
	zonectl boot web >"$BATS_TEST_TMPDIR/boot.out" 2>&1 &
	local boot=$!
	track_pid $boot
	# meanwhile zoned serves everyone else at once
	sleep 0.5
	local t1 s
	t1=$(date +%s%N)
	run -0 zonectl list -p
	s=$((($(date +%s%N) - t1) / 1000000))
	[ "$s" -lt 1000 ] || { echo "list took $s ms while a boot waited" >&2; false; }
	contains "$output" ":web:installed:"
	run -0 zonectl show web
	# ps and stat do not wait for a busy zone either
	run ! --separate-stderr zonectl ps web
	contains "$stderr" "not running"
	! wait "$boot"
	[ $((SECONDS - t0)) -le 6 ]
	run cat "$BATS_TEST_TMPDIR/boot.out"
	contains "$output" "zone web is busy: pid $holder holds it for \"install\""
	contains "$output" "gave up after 2 s"
	equals "$(zone_state web)" installed
	# the holder gone, the same boot goes through at once
	kill "$holder"
	wait_until 5 pid_gone "$holder"
	run -0 zonectl boot web
	equals "$(zone_state web)" running
	run -0 zonectl halt web
}

@test "install racing delete on one name (the deadlock of issue 11) finishes" {
	# the reproduction: install/uninstall against delete/create, through zoned
	zonectl create rz --brand busybox
	(
		for _ in $(seq 60); do
			zonectl install rz >/dev/null 2>&1
			zonectl uninstall rz >/dev/null 2>&1
		done
	) &
	local a=$!
	(
		for _ in $(seq 60); do
			zonectl delete rz >/dev/null 2>&1
			zonectl create rz --brand busybox >/dev/null 2>&1
		done
	) &
	local b=$!
	track_pid $a
	track_pid $b
	local deadline=$((SECONDS + 120))
	while pid_alive $a || pid_alive $b; do
		[ $SECONDS -lt $deadline ] || { echo "deadlocked: still running after 120 s" >&2; false; }
		sleep 0.2
	done
	# the zone is in a valid state, and answers
	if zonectl list -p | grep -q ':rz:'; then
		st=$(zone_state rz)
		[[ $st == configured || $st == installed || $st == incomplete ]]
	fi
}

# The stress clients: ROUNDS rounds of create, install, boot, halt,
# uninstall, delete on a name picked at random, through zoned.  Prints a line
# of counts; every error message goes to FILE.
zonectl_client() {
	local rounds=$1 log=$2 i z names=(rz1 rz2 rz3) ok=0 timeouts=0
	for ((i = 0; i < rounds; i++)); do
		z=${names[RANDOM % 3]}
		# (bats runs this with errexit: every verb may fail, and that is fine)
		if zonectl create "$z" --brand busybox --set ip_type=exclusive 2>>"$log"; then
			zonectl add "$z" net name=eth0 bridge=br0 2>>"$log" >/dev/null || true
		fi
		zonectl install "$z" >/dev/null 2>>"$log" && ok=$((ok + 1))
		zonectl boot "$z" 2>>"$log" && ok=$((ok + 1))
		zonectl halt "$z" 2>>"$log" && ok=$((ok + 1))
		zonectl uninstall "$z" >/dev/null 2>>"$log" && ok=$((ok + 1))
		zonectl delete "$z" >/dev/null 2>>"$log" && ok=$((ok + 1))
	done
	echo "zonectl: $ok verbs done"
}

@test "stress: 4 clients x 500 rounds of every verb on 3 names, through zoned and direct, under a watchdog" {
	local rounds=${ZONES_STRESS_ROUNDS:-500}
	local t0=$SECONDS pids=() i
	for i in 1 2; do
		zonectl_client "$rounds" "$BATS_TEST_TMPDIR/zonectl-$i.err" \
			>"$BATS_TEST_TMPDIR/zonectl-$i.out" &
		pids+=($!)
		ZDIRECT_BRIDGE=br0 zdirect race "$rounds" "$i" rz1 rz2 rz3 \
			>"$BATS_TEST_TMPDIR/direct-$i.out" 2>"$BATS_TEST_TMPDIR/direct-$i.err" &
		pids+=($!)
	done
	for i in "${pids[@]}"; do track_pid "$i"; done
	# the watchdog: 20 minutes for the lot, and zoned answers within 5 s throughout
	local slowest=0 t1 ms
	while :; do
		local running=0
		for i in "${pids[@]}"; do pid_alive "$i" && running=1; done
		[ $running = 1 ] || break
		[ $((SECONDS - t0)) -lt 1200 ] || { echo "watchdog: not done after 20 min" >&2; false; }
		t1=$(date +%s%N)
		zonectl list >/dev/null 2>>"$BATS_TEST_TMPDIR/list.err"
		ms=$((($(date +%s%N) - t1) / 1000000))
		[ $ms -gt $slowest ] && slowest=$ms
		sleep 1
	done
	echo "# $((SECONDS - t0)) s; slowest list meanwhile $slowest ms" >&3
	cat "$BATS_TEST_TMPDIR"/zonectl-*.out "$BATS_TEST_TMPDIR"/direct-*.out | sed 's/^/# /' >&3
	[ $slowest -lt 5000 ]
	# every verb did some work, and no lock was ever given up on
	for i in 1 2; do
		grep -qE "^zonectl: [1-9][0-9]* verbs done" "$BATS_TEST_TMPDIR/zonectl-$i.out"
		grep -q "lock-timeouts 0$" "$BATS_TEST_TMPDIR/direct-$i.out"
	done
	run cat "$BATS_TEST_TMPDIR"/*.err
	not_contains "$output" "gave up after"
	not_contains "$output" "Connection reset"
	# every zone is in a valid state; a running one has its monitor and init
	local z st
	for z in $(zonectl list); do
		st=$(zone_state "$z")
		case $st in
		configured | installed | incomplete) ;;
		running)
			pid_alive "$(state_get "$z" monitor_pid)"
			pid_alive "$(state_get "$z" init_pid)"
			run -0 zlogin "$z" true
			;;
		*) echo "zone $z is $st" >&2; false ;;
		esac
	done
	# take everything down; then nothing is left: processes, cgroups, mounts,
	# veths, run files
	for z in $(zonectl list); do
		zonectl halt "$z" >/dev/null 2>&1 || true
		zonectl uninstall -F "$z" >/dev/null 2>&1 || true
		run -0 zonectl delete "$z"
	done
	equals "$(zonectl list)" ""
	run ls "$ZONES_ROOT/run"
	not_contains "$output" rz
	run find /sys/fs/cgroup -mindepth 2 -maxdepth 7 -type d -name 'rz[123]'
	equals "$output" ""
	equals "$(grep -lxE 'zmon:rz[123]' /proc/[0-9]*/comm 2>/dev/null)" ""
	run grep -F " $ZONES_ROOT/zones/" /proc/self/mountinfo
	equals "$output" ""
	run ls "$ZONES_ROOT/zones"
	equals "$output" ""
	equals "$(ip -n "$NS" -o link show | awk -F': ' '{ print $2 }' | sed 's/@.*//' | sort | tr '\n' ' ')" "br0 lo "
}
