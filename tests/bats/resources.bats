# SPDX-License-Identifier: GPL-2.0-or-later
# Resource controls: memory, process, CPU and cpuset caps and the io weight.
# Each test checks the cap where the kernel keeps it (the zone's cgroup on
# the host, found from extra.cgroups of the state file, and the same files
# as the zone sees them), that it bites inside the zone only, and what
# 'zonectl stat' reports about it.

# shellcheck disable=SC2154 # $stderr is set by bats' run --separate-stderr
# shellcheck disable=SC2016 # $ in single quotes is meant for the zone's shell

load helpers
load runtime

setup() { common_setup; }

teardown() {
	kill_tracked
	if [ -n "${PROBE_CG:-}" ]; then
		rmdir "$PROBE_CG" 2>/dev/null || true
	fi
	common_teardown
}

# stat_get NAME PATH: a value of 'zonectl stat --json NAME'.
stat_get() {
	"$ZONECTL" stat --json "$1" | jget "$2"
}

# no_cgroup_left DIR...: none of the directories exists any more.
no_cgroup_left() {
	local d
	for d in "$@"; do
		[ ! -e "$d" ] || { echo "cgroup $d is left behind" >&2; return 1; }
	done
}

# ---- memory -------------------------------------------------------------------

@test "memory_cap: a memory hog is OOM-killed inside the zone only" {
	boot_zone web busybox --set limits.memory_cap=64M
	local init
	init=$(state_get web init_pid)
	equals "$(stat_get web memory.max)" 67108864
	equals "$(stat_get web memory.oom_kills)" 0

	# tail keeps its whole input (no newline in it): 200 MiB > 64 MiB
	run zlogin web sh -c 'dd if=/dev/zero bs=1M count=200 2>/dev/null | tail >/dev/null; echo "tail: $?"'
	# (the shell may also say "Killed")
	contains "$output" "tail: 137"

	# the zone, its init and the test's shell are fine
	equals "$(zone_state web)" running
	equals "$(state_get web init_pid)" "$init"
	pid_alive "$init"
	pid_alive $$
	run -0 zlogin web echo still-here
	equals "$output" still-here
	local hits ooms
	hits=$(stat_get web memory.limit_hits)
	ooms=$(stat_get web memory.oom_kills)
	[ "$hits" -gt 0 ] || [ "$ooms" -gt 0 ] || {
		echo "stat shows no cap hit and no OOM kill: hits=$hits oom_kills=$ooms" >&2
		false
	}
	# the peak is at the cap, not above it
	[ "$(stat_get web memory.peak)" -le 67108864 ]
}

@test "memory_cap reads back in the zone's cgroup, on the host and inside" {
	boot_zone web busybox --set limits.memory_cap=64M
	local cg
	cg=$(zone_cgroup web memory)
	if cgroup_v2_only; then
		equals "$(cat "$cg/memory.max")" 67108864
		run -0 zlogin web cat /sys/fs/cgroup/memory.max
	else
		equals "$(cat "$cg/memory.limit_in_bytes")" 67108864
		run -0 zlogin web cat /sys/fs/cgroup/memory/memory.limit_in_bytes
	fi
	equals "$output" 67108864
}

@test "the zone cannot lift its own caps" {
	boot_zone web busybox --set limits.memory_cap=64M --set limits.max_processes=20
	local f=/sys/fs/cgroup/memory/memory.limit_in_bytes p=/sys/fs/cgroup/pids/pids.max
	if cgroup_v2_only; then
		f=/sys/fs/cgroup/memory.max p=/sys/fs/cgroup/pids.max
	fi
	run ! zlogin web sh -c "echo 1073741824 >$f"
	run ! zlogin web sh -c "echo max >$p"
	run ! zlogin web sh -c "mkdir /sys/fs/cgroup/escape || mkdir ${f%/*}/escape"
	run -0 zlogin web cat "$f"
	equals "$output" 67108864
	equals "$(stat_get web memory.max)" 67108864
	equals "$(stat_get web processes.max)" 20
}

# ---- processes ------------------------------------------------------------------

@test "max_processes: a fork loop stops at the cap; the host can still fork" {
	boot_zone web busybox --set limits.max_processes=20
	local r
	r=$(zone_root web)
	# each child lives on; the loop ends when fork fails
	run zlogin web sh -c 'i=0; while [ $i -lt 100 ]; do
		sleep 300 </dev/null >/dev/null 2>&1 & i=$((i + 1)); echo $i >/tmp/forks; done'
	[ "$status" -ne 0 ]
	contains "$output" "can't fork"
	local n
	n=$(cat "$r/tmp/forks")
	[ "$n" -lt 20 ] && [ "$n" -gt 5 ] || { echo "forks that worked: $n" >&2; false; }

	equals "$(stat_get web processes.max)" 20
	[ "$(stat_get web processes.limit_hits)" -gt 0 ]
	[ "$(stat_get web processes.current)" -le 20 ]
	equals "$(zone_state web)" running

	# The host is not affected: 30 more processes at once.
	run -0 bash -c 'for i in $(seq 30); do sleep 0.2 & done; wait; echo forked'
	equals "$output" forked

	# and the cap reads back
	if cgroup_v2_only; then
		equals "$(cat "$(zone_cgroup web pids)/pids.max")" 20
	else
		equals "$(cat "$(zone_cgroup web pids)/pids.max")" 20
		run -0 zlogin web cat /sys/fs/cgroup/pids/pids.max
		equals "$output" 20
	fi
}

# ---- CPU ------------------------------------------------------------------------

@test "cpu_cap=50 reads back from the cgroup, inside the zone and in stat" {
	boot_zone web busybox --set limits.cpu_cap=50
	local cg
	cg=$(zone_cgroup web cpu)
	if cgroup_v2_only; then
		equals "$(cat "$cg/cpu.max")" "50000 100000"
		run -0 zlogin web cat /sys/fs/cgroup/cpu.max
		equals "$output" "50000 100000"
	else
		equals "$(cat "$cg/cpu.cfs_quota_us")" 50000
		equals "$(cat "$cg/cpu.cfs_period_us")" 100000
		run -0 zlogin web cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us
		equals "$output" 50000
		run -0 zlogin web cat /sys/fs/cgroup/cpu/cpu.cfs_period_us
		equals "$output" 100000
	fi
	equals "$(stat_get web cpu.cap_percent)" 50
}

@test "cpu_cap=50 holds a busy loop to about half a CPU" {
	boot_zone web busybox --set limits.cpu_cap=50
	local u0 u1 t0 t1
	u0=$(stat_get web cpu.usage_usec)
	t0=$(date +%s%N)
	zlogin web timeout 2 sh -c 'while :; do :; done' || true
	t1=$(date +%s%N)
	u1=$(stat_get web cpu.usage_usec)
	local used=$((u1 - u0)) wall=$(((t1 - t0) / 1000))
	# at most 50 % of the wall time, with some slack for accounting
	[ $((used * 100 / wall)) -le 60 ] || { echo "used ${used}us of ${wall}us" >&2; false; }
	[ $((used * 100 / wall)) -ge 10 ] || { echo "used only ${used}us of ${wall}us" >&2; false; }
	[ "$(stat_get web cpu.throttled)" -gt 0 ]
}

@test "cpuset=0 pins the zone to CPU 0" {
	boot_zone web busybox --set limits.cpuset=0
	run -0 zlogin web grep '^Cpus_allowed_list:' /proc/self/status
	equals "$output" $'Cpus_allowed_list:\t0'
	run -0 zlogin web grep '^Cpus_allowed_list:' /proc/1/status
	equals "$output" $'Cpus_allowed_list:\t0'
	if cgroup_v2_only; then
		equals "$(cat "$(zone_cgroup web cpuset)/cpuset.cpus")" 0
	else
		equals "$(cat "$(zone_cgroup web cpuset)/cpuset.cpus")" 0
	fi
	# the zone cannot widen it (the kernel keeps the mask within the cpuset)
	zlogin web taskset -p -c 0,1 1 >/dev/null 2>&1 || true
	run -0 zlogin web grep '^Cpus_allowed_list:' /proc/1/status
	equals "$output" $'Cpus_allowed_list:\t0'
}

@test "a cpuset naming an offline CPU is refused at boot and leaves nothing" {
	local z=cpus$$
	make_zone "$z" busybox
	run -0 zonectl set "$z" limits.cpuset=63
	run ! --separate-stderr zonectl boot "$z"
	contains "$stderr" "limits.cpuset"
	contains "$stderr" "63"
	equals "$(zone_state "$z")" installed
	run find /sys/fs/cgroup -mindepth 2 -maxdepth 6 -type d -name "$z" -path '*zones*'
	equals "$output" ""
}

# ---- cgroup placement ------------------------------------------------------------

@test "the zone's cgroups are below the caller's own and are removed at halt" {
	boot_zone web busybox --set limits.memory_cap=64M --set limits.max_processes=50 \
		--set limits.cpu_cap=50 --set limits.cpuset=0
	local cgroups
	mapfile -t cgroups < <(state_get web extra.cgroups)
	[ ${#cgroups[@]} -gt 0 ]
	# Each directory lies in a cgroup file system, below the cgroup this test
	# runs in (for that hierarchy), and holds the zone's init.
	local init
	init=$(state_get web init_pid)
	run -0 python3 -c '
import os, sys
own = {}
for line in open("/proc/self/cgroup"):
    hid, ctrls, path = line.rstrip("\n").split(":", 2)
    own[ctrls] = path
mounts = []
for line in open("/proc/self/mountinfo"):
    pre, post = line.split(" - ")
    fstype, src, opts = post.split()[:3]
    if fstype in ("cgroup", "cgroup2"):
        mnt, root = pre.split()[4], pre.split()[3]
        ctrls = "" if fstype == "cgroup2" else ",".join(
            o for o in opts.split(",") if o not in ("rw", "ro") and "=" not in o or o.startswith("name="))
        mounts.append((mnt, root, ctrls))
bad = []
for d in sys.argv[2:]:
    m = max((m for m in mounts if d == m[0] or d.startswith(m[0] + "/")), key=lambda m: len(m[0]), default=None)
    if m is None:
        bad.append("%s: not in a cgroup file system" % d); continue
    rel = m[1].rstrip("/") + d[len(m[0]):]
    key = [k for k in own if set(k.split(",")) == set(m[2].split(","))]
    if not key:
        bad.append("%s: hierarchy %s not in /proc/self/cgroup" % (d, m[2])); continue
    mine = own[key[0]].rstrip("/")
    if not (rel.startswith(mine + "/") and rel != mine):
        bad.append("%s: %s is not below our own %s" % (d, rel, mine or "/"))
print("\n".join(bad))
' "$init" "${cgroups[@]}"
	equals "$output" ""
	# init is in the deepest directory of each hierarchy
	local c
	for c in memory pids cpu cpuset; do
		cgroup_v2_only && [ "$c" != memory ] && continue
		grep -qx "$init" "$(zone_cgroup web $c)/cgroup.procs"
	done

	run -0 zonectl halt web
	no_cgroup_left "${cgroups[@]}"
}

# ---- io weight -------------------------------------------------------------------

# io_weight_supported: whether a cgroup below ours gets a weight control
# file (blkio.weight / blkio.bfq.weight on v1, io.weight / io.bfq.weight on
# v2).  Probes with a directory of its own, removed at once.
io_weight_supported() {
	local base f
	if cgroup_v2_only; then
		base=/sys/fs/cgroup$(awk -F: '$1 == 0 { print $3 }' /proc/self/cgroup)
		grep -qw io "$base/cgroup.controllers" || return 1
		PROBE_CG=$base/zones-probe-$$
		mkdir "$PROBE_CG" 2>/dev/null || return 1
		for f in io.weight io.bfq.weight; do
			[ -e "$PROBE_CG/$f" ] && { rmdir "$PROBE_CG"; return 0; }
		done
	else
		[ -d /sys/fs/cgroup/blkio ] || return 1
		base=/sys/fs/cgroup/blkio$(awk -F: '$2 == "blkio" { print $3 }' /proc/self/cgroup)
		PROBE_CG=${base%/}/zones-probe-$$
		mkdir "$PROBE_CG" 2>/dev/null || return 1
		for f in blkio.weight blkio.bfq.weight; do
			[ -e "$PROBE_CG/$f" ] && { rmdir "$PROBE_CG"; return 0; }
		done
	fi
	rmdir "$PROBE_CG"
	return 1
}

@test "io_weight: set where the host has a weight control, else boot fails naming it" {
	local z=iow$$
	make_zone "$z" busybox --set limits.io_weight=200
	if io_weight_supported; then
		run -0 zonectl boot "$z"
		equals "$(zone_state "$z")" running
		local cg f w=
		if cgroup_v2_only; then
			cg=$(zone_cgroup "$z" io)
			for f in io.weight io.bfq.weight; do
				[ -e "$cg/$f" ] && { w=$(head -n1 "$cg/$f"); break; }
			done
			equals "${w#default }" 200
		else
			cg=$(zone_cgroup "$z" blkio)
			for f in blkio.weight blkio.bfq.weight; do
				[ -e "$cg/$f" ] && { w=$(head -n1 "$cg/$f"); break; }
			done
			# v1 weights run 10..1000 where ours run 1..10000: 200 is 20
			equals "${w#default }" 20
		fi
		run -0 zonectl halt "$z"
		[ ! -e "$cg" ]
	else
		run ! --separate-stderr zonectl boot "$z"
		contains "$stderr" "limits.io_weight"
		equals "$(zone_state "$z")" installed
		run find /sys/fs/cgroup -mindepth 2 -maxdepth 6 -type d -name "$z" -path '*zones*'
		equals "$output" ""
	fi
}

# ---- stat --------------------------------------------------------------------------

@test "stat reports a running zone's use and caps; null where there is no cap" {
	boot_zone web busybox --set limits.memory_cap=128M
	run -0 zonectl stat --json web
	local js=$output
	equals "$(jget name <<<"$js")" web
	equals "$(jget state <<<"$js")" running
	equals "$(jget init_pid <<<"$js")" "$(state_get web init_pid)"
	equals "$(jget memory.max <<<"$js")" 134217728
	equals "$(jget processes.max <<<"$js")" null
	equals "$(jget cpu.cap_percent <<<"$js")" null
	[ "$(jget memory.current <<<"$js")" -gt 0 ]
	[ "$(jget processes.current <<<"$js")" -ge 1 ]
	[ "$(jget cpu.usage_usec <<<"$js")" -gt 0 ]
	run -0 zonectl stat web
	contains "$output" "zone web (running"
}

@test "stat of a halted zone fails clearly" {
	make_zone web busybox
	run ! --separate-stderr zonectl stat web
	contains "$stderr" "not running"
}
