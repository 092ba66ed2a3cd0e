# SPDX-License-Identifier: GPL-2.0-or-later
# The zone lifecycle: install, uninstall, boot, halt, shutdown, reboot, ps and
# the console log.  Every test asserts what the command did to the zone (its
# listed state, its root, its processes, cgroups, mounts and namespaces on
# the host), not only its exit status.

# shellcheck disable=SC2154 # $stderr is set by bats' run --separate-stderr
# shellcheck disable=SC2016 # $ in single quotes is meant for the zone's shell

load helpers
load runtime

setup() { common_setup; }

teardown() {
	kill_tracked
	# A zonepath on a tmpfs of the test's own: put the zone back to
	# configured so nothing holds the mount, then unmount it.
	if [ -n "${TINY_FS:-}" ]; then
		"$ZONECTL" halt tiny >/dev/null 2>&1 || true
		"$ZONECTL" uninstall -F tiny >/dev/null 2>&1 || true
		umount "$TINY_FS" 2>/dev/null || umount -l "$TINY_FS" 2>/dev/null || true
		rmdir "$TINY_FS" 2>/dev/null || true
	fi
	common_teardown
}

# ---- install / uninstall ------------------------------------------------------

@test "install takes a configured zone to installed and builds its root" {
	run -0 zonectl create web --brand busybox
	equals "$(zone_state web)" configured
	[ ! -e "$(zone_root web)" ]

	run -0 zonectl install web
	equals "$(zone_state web)" installed
	run -0 zonectl list -p
	has_line "$output" "^-:web:installed:$ZONES_ROOT/zones/web:busybox:"
	local r
	r=$(zone_root web)
	[ -x "$r/bin/busybox" ]
	[ -x "$r/sbin/zinit" ]
	[ -L "$r/bin/sh" ]
	contains "$(cat "$r/etc/passwd")" "root:x:0:0:"
	equals "$(cat "$r/etc/hostname")" web
	[ -s "$ZONES_ROOT/log/web.install.log" ]
}

@test "install of an installed zone is refused and changes nothing" {
	make_zone web busybox
	echo keep >"$(zone_root web)/root/marker"
	run -1 --separate-stderr zonectl install web
	contains "$stderr" "install web"
	contains "$stderr" "installed"
	equals "$(zone_state web)" installed
	equals "$(cat "$(zone_root web)/root/marker")" keep
}

@test "a failed install (disk full) leaves incomplete with the reason; uninstall -F recovers" {
	TINY_FS=$(mktemp -d "$BATS_TEST_TMPDIR/tiny.XXXXXX")
	mount -t tmpfs -o size=512k tmpfs "$TINY_FS"
	run -0 zonectl create tiny --brand busybox --set zonepath="$TINY_FS/tiny"

	run ! --separate-stderr zonectl install tiny
	contains "$stderr" "No space left on device"
	contains "$stderr" "incomplete"
	equals "$(zone_state tiny)" incomplete

	# Without -F the half-built root is not touched.
	run ! --separate-stderr zonectl uninstall tiny
	contains "$stderr" "-F"
	equals "$(zone_state tiny)" incomplete

	run -0 zonectl uninstall -F tiny
	equals "$(zone_state tiny)" configured
	[ ! -e "$TINY_FS/tiny/root" ]
	# The file system is still ours and empty of the zone's files.
	equals "$(find "$TINY_FS" -mindepth 1 -path "$TINY_FS/tiny/root*" | wc -l)" 0
}

@test "uninstall removes the root and returns the zone to configured" {
	make_zone web busybox
	local r
	r=$(zone_root web)
	[ -d "$r/bin" ]
	run -0 zonectl uninstall web
	equals "$(zone_state web)" configured
	[ ! -e "$r" ]
	# and it can be installed again
	run -0 zonectl install web
	equals "$(zone_state web)" installed
	[ -x "$r/sbin/zinit" ]
}

@test "uninstall of a configured zone is refused" {
	run -0 zonectl create web --brand busybox
	run ! --separate-stderr zonectl uninstall web
	contains "$stderr" "uninstall web"
	contains "$stderr" "configured"
	equals "$(zone_state web)" configured
}

@test "uninstall of a running zone is refused and the zone keeps running" {
	boot_zone web busybox
	local init
	init=$(state_get web init_pid)
	run ! --separate-stderr zonectl uninstall web
	contains "$stderr" "running"
	equals "$(zone_state web)" running
	pid_alive "$init"
	[ -x "$(zone_root web)/sbin/zinit" ]
}

# ---- boot -------------------------------------------------------------------

@test "boot makes the zone running with an ID, an init and a monitor" {
	make_zone web busybox
	run -0 zonectl boot web
	equals "$(zone_state web)" running
	matches "$(zone_id web)" '^[0-9]+$'

	run -0 zonectl list -v
	local line
	line=$(grep -E '^[0-9]+ +web +running ' <<<"$output") || {
		echo "no 'ID web running' row in:" >&2
		echo "$output" >&2
		false
	}
	equals "$(awk '{print $1}' <<<"$line")" "$(zone_id web)"

	local init mon
	init=$(state_get web init_pid)
	mon=$(state_get web monitor_pid)
	matches "$init" '^[0-9]+$'
	matches "$mon" '^[0-9]+$'
	pid_alive "$init"
	pid_alive "$mon"
	equals "$(tr '\0' ' ' </proc/"$init"/cmdline)" "/sbin/zinit "
	# init runs in namespaces of its own, not the host's
	[ "$(readlink /proc/"$init"/ns/pid)" != "$(readlink /proc/self/ns/pid)" ]
	[ "$(readlink /proc/"$init"/ns/mnt)" != "$(readlink /proc/self/ns/mnt)" ]
	[ "$(readlink /proc/"$init"/ns/net)" != "$(readlink /proc/self/ns/net)" ]
}

@test "boot of a running zone is refused and the zone is untouched" {
	boot_zone web busybox
	local init
	init=$(state_get web init_pid)
	run -1 --separate-stderr zonectl boot web
	contains "$stderr" "boot web"
	contains "$stderr" "already running"
	equals "$(zone_state web)" running
	equals "$(state_get web init_pid)" "$init"
	pid_alive "$init"
}

@test "boot of a configured (not installed) zone is refused" {
	run -0 zonectl create web --brand busybox
	run ! --separate-stderr zonectl boot web
	contains "$stderr" "boot web"
	contains "$stderr" "configured"
	equals "$(zone_state web)" configured
	equals "$(zone_id web)" -
	[ ! -e "$(zone_root web)" ]
}

@test "a boot that fails (no init in the root) leaves installed and nothing on the host" {
	local z=noinit$$
	make_zone "$z" busybox
	rm "$(zone_root "$z")/sbin/zinit"
	run ! --separate-stderr zonectl boot "$z"
	contains "$stderr" "boot $z"
	contains "$stderr" "/sbin/zinit"
	equals "$(zone_state "$z")" installed
	# no mount of the zone root, no process or directory in a cgroup named
	# after the zone
	# (zoned's own tmpfs on $ZONES_ROOT/run is not the zone's)
	run grep -F " $ZONES_ROOT/zones/" /proc/self/mountinfo
	equals "$output" ""
	run grep -slE "/$z\$" /proc/[0-9]*/cgroup
	equals "$output" ""
	run find /sys/fs/cgroup -mindepth 2 -maxdepth 6 -type d -name "$z"
	equals "$output" ""
}

# ---- halt -------------------------------------------------------------------

@test "halt of a halted zone is refused with a clear error" {
	make_zone web busybox
	run ! --separate-stderr zonectl halt web
	contains "$stderr" "halt web"
	contains "$stderr" "not running"
	equals "$(zone_state web)" installed
}

@test "login to a halted zone is refused with a clear error" {
	make_zone web busybox
	run ! --separate-stderr zonectl login web -- true
	contains "$stderr" "login web"
	contains "$stderr" "not running"
	equals "$(zone_state web)" installed
}

@test "after halt nothing of the zone is left: processes, cgroups, mounts, network namespace" {
	boot_zone web busybox
	# a few more processes, started by the zone itself
	zlogin web sh -c 'sleep 1000 </dev/null >/dev/null 2>&1 & sleep 1001 </dev/null >/dev/null 2>&1 &'
	local init mon netns cgroups pids
	init=$(state_get web init_pid)
	mon=$(state_get web monitor_pid)
	netns=$(readlink /proc/"$init"/ns/net)
	cgroups=$(state_get web extra.cgroups)
	[ -n "$cgroups" ]
	# the host pids of everything in the zone, found from its pid namespace
	local pidns p
	pidns=$(readlink /proc/"$init"/ns/pid)
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/ns/pid" 2>/dev/null)" = "$pidns" ] && pids+=" ${p#/proc/}"
	done
	[ "$(wc -w <<<"$pids")" -ge 3 ]
	local d
	for d in $cgroups; do [ -d "$d" ]; done
	# (the zone's / is the zone root, as the zone's mountinfo says)
	grep -qF " $(zone_root web) / " /proc/"$init"/mountinfo

	run -0 zonectl halt web
	equals "$(zone_state web)" installed
	equals "$(zone_id web)" -

	wait_until 5 pid_gone "$init"
	wait_until 5 pid_gone "$mon"
	for p in $pids; do
		pid_gone "$p" || { echo "zone process $p survived halt: $(tr '\0' ' ' </proc/"$p"/cmdline)" >&2; false; }
	done
	for d in $cgroups; do
		[ ! -e "$d" ] || { echo "cgroup $d survived halt" >&2; false; }
	done
	run grep -F "$ZONES_ROOT/zones/" /proc/self/mountinfo
	equals "$output" ""
	local left=
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/ns/net" 2>/dev/null)" = "$netns" ] && ! pid_gone "${p#/proc/}" && left+=" ${p#/proc/}"
	done
	equals "$left" ""
}

@test "the store's zones-TAG cgroups outlive a halt and go when zoned stops" {
	boot_zone web busybox
	local cgroups d mids=
	cgroups=$(state_get web extra.cgroups)
	for d in $cgroups; do
		[[ $(basename "$(dirname "$d")") =~ ^zones-[0-9a-f]{8}$ ]]
		mids+=" $(dirname "$d")"
	done
	[ -n "$mids" ]
	run -0 zonectl halt web
	# kept for the next boot: one mkdir and rmdir per hierarchy fewer
	for d in $mids; do [ -d "$d" ]; done
	stop_zoned
	for d in $mids; do
		[ ! -e "$d" ] || { echo "cgroup $d survived zoned" >&2; false; }
	done
}

@test "halt ends open login sessions and still removes the zone's cgroups" {
	boot_zone web busybox
	local cgroups
	cgroups=$(state_get web extra.cgroups)
	local secs=$((100000 + RANDOM))
	"$ZONECTL" login -T web -- sleep $secs </dev/null >/dev/null 2>&1 &
	local client=$!
	track_pid "$client"
	wait_until 5 ps_has web "sleep $secs"
	run -0 zonectl halt web
	equals "$(zone_state web)" installed
	# the client returns (its command was killed) instead of hanging
	wait_until 5 pid_gone "$client"
	local rc=0
	wait "$client" || rc=$?
	[ "$rc" -ne 0 ]
	local d
	for d in $cgroups; do [ ! -e "$d" ]; done
	run pgrep -f "sleep $secs"
	equals "$output" ""
}

# ---- rc, shutdown, reboot -------------------------------------------------

@test "/etc/rc runs at boot, inside the zone" {
	make_zone web busybox
	local r
	r=$(zone_root web)
	cat >"$r/etc/rc" <<-'EOF'
	hostname >/tmp/rc-hostname
	echo $$ >/tmp/rc-pid
	id -u >/tmp/rc-uid
	EOF
	run -0 zonectl boot web
	wait_until 5 test -s "$r/tmp/rc-uid"
	equals "$(cat "$r/tmp/rc-hostname")" web
	equals "$(cat "$r/tmp/rc-uid")" 0
	# a pid of the zone's own namespace (init is 1), not a host pid
	[ "$(cat "$r/tmp/rc-pid")" -lt 100 ]
	[ "$(cat "$r/tmp/rc-pid")" -gt 1 ]
}

@test "shutdown runs /etc/rc.shutdown, then the zone is installed" {
	make_zone web busybox
	local r
	r=$(zone_root web)
	printf 'echo "ran as $(id -u) on $(hostname)" >/root/shutdown-marker\n' >"$r/etc/rc.shutdown"
	run -0 zonectl boot web
	local init
	init=$(state_get web init_pid)
	[ ! -e "$r/root/shutdown-marker" ]
	run -0 zonectl shutdown web
	equals "$(cat "$r/root/shutdown-marker")" "ran as 0 on web"
	equals "$(zone_state web)" installed
	wait_until 5 pid_gone "$init"
	# init exited by itself (status 0), it was not killed
	contains "$(cat "$(console_log web)")" "zone web halted: init exited with status 0"
}

@test "shutdown -t kills what ignores SIGTERM once the timeout passes" {
	make_zone web busybox
	local r
	r=$(zone_root web)
	# SIG_IGN is inherited: the loop and its sleeps all ignore SIGTERM
	printf "trap '' TERM\nwhile :; do sleep 1; done\n" >"$r/etc/rc"
	printf 'echo ran >/root/shutdown-marker\n' >"$r/etc/rc.shutdown"
	run -0 zonectl boot web
	wait_until 5 ps_has web 'sh /etc/rc'
	local init pids
	init=$(state_get web init_pid)
	pids=$(zonectl ps --json web | jget processes | python3 -c '
import json, sys
for l in sys.stdin: print(json.loads(l)["host_pid"])')
	local t0=$SECONDS
	run -0 zonectl shutdown -t 2 web
	local took=$((SECONDS - t0))
	equals "$(zone_state web)" installed
	[ -e "$r/root/shutdown-marker" ]
	# it waited for the timeout, but not much longer (zinit alone would
	# have waited 5 s before its SIGKILL)
	[ "$took" -ge 1 ] && [ "$took" -le 4 ] || { echo "shutdown -t 2 took ${took}s" >&2; false; }
	local p
	for p in $pids; do wait_until 2 pid_gone "$p"; done
}

@test "reboot gives a new init and the zone is running again" {
	make_zone web busybox
	local r
	r=$(zone_root web)
	echo 'echo boot >>/root/boots' >"$r/etc/rc"
	run -0 zonectl boot web
	wait_until 5 test -s "$r/root/boots"
	local init1 mon1 ns1
	init1=$(state_get web init_pid)
	mon1=$(state_get web monitor_pid)
	ns1=$(readlink /proc/"$init1"/ns/pid)
	run -0 zonectl reboot -t 5 web
	equals "$(zone_state web)" running
	local init2
	init2=$(state_get web init_pid)
	[ "$init2" != "$init1" ]
	pid_alive "$init2"
	wait_until 5 pid_gone "$init1"
	[ "$(readlink /proc/"$init2"/ns/pid)" != "$ns1" ]
	wait_until 5 lines_are "$r/root/boots" 2
	run -0 zlogin web cat /proc/1/cmdline
	equals "$output" "/sbin/zinit"
	if [ "$(state_get web monitor_pid)" != "$mon1" ]; then
		wait_until 5 pid_gone "$mon1"
	fi
}

@test "the console log records boot and halt" {
	boot_zone web busybox
	local init
	init=$(state_get web init_pid)
	run -0 zonectl halt web
	local log
	log=$(cat "$(console_log web)")
	contains "$log" "zone web booted: init /sbin/zinit is pid $init on the host"
	contains "$log" "zone web halted"
	# the boot line comes before the halt line
	local b h
	b=$(grep -n 'zone web booted' <<<"$log" | head -1 | cut -d: -f1)
	h=$(grep -n 'zone web halted' <<<"$log" | tail -1 | cut -d: -f1)
	[ "$b" -lt "$h" ]
}

# ---- ps -------------------------------------------------------------------------

@test "ps lists the zone's processes with their zone and host pids" {
	make_zone web busybox
	echo 'exec sleep 1000' >"$(zone_root web)/etc/rc"
	run -0 zonectl boot web
	wait_until 5 ps_has web 'sleep 1000'
	local init
	init=$(state_get web init_pid)

	run -0 zonectl ps --json web
	local procs
	procs=$(jget processes <<<"$output")
	equals "$(wc -l <<<"$procs")" 2
	run -0 python3 -c '
import json, sys
ps = [json.loads(l) for l in sys.stdin]
print(" ".join("%d:%s" % (p["pid"], p["cmd"]) for p in sorted(ps, key=lambda p: p["pid"])))
' <<<"$procs"
	equals "$output" "1:/sbin/zinit 2:sleep 1000"
	contains "$procs" "\"host_pid\": $init"

	run -0 zonectl ps web
	has_line "$output" "^ +1 +$init +0 +/sbin/zinit\$"
	has_line "$output" '^ +2 +[0-9]+ +0 +sleep 1000$'
}

@test "ps lists only processes inside the zone, even during a login" {
	boot_zone web busybox
	local init
	init=$(state_get web init_pid)
	"$ZONECTL" login -T web -- sleep 1000 </dev/null >/dev/null 2>&1 &
	track_pid $!
	wait_until 5 ps_has web 'sleep 1000'
	run -0 zonectl ps --json web
	# Every process listed is in the zone's pid namespace, and its "pid" is
	# its pid there (the last NSpid field), not a host pid.
	# (Before zoned, the fork of zonectl that enters the zone for a login sat
	# in the zone's cgroups in the host's pid namespace, and ps listed it as
	# a zone process with its host pid as its zone pid.)
	run -0 python3 -c '
import json, os, sys
zone_ns = os.readlink("/proc/%s/ns/pid" % sys.argv[1])
bad = []
for p in json.load(sys.stdin)["processes"]:
    try:
        ns = os.readlink("/proc/%d/ns/pid" % p["host_pid"])
        st = open("/proc/%d/status" % p["host_pid"]).read()
    except OSError:
        continue
    nspid = [l for l in st.splitlines() if l.startswith("NSpid:")][0].split()[-1]
    if ns != zone_ns or int(nspid) != p["pid"]:
        bad.append("%s (pid %d, host pid %d)" % (p["cmd"], p["pid"], p["host_pid"]))
print("\n".join(bad))
' "$init" <<<"$output"
	equals "$output" ""
}

@test "ps of a halted zone fails clearly" {
	make_zone web busybox
	run ! --separate-stderr zonectl ps web
	contains "$stderr" "not running"
}
