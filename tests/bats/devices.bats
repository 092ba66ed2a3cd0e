# SPDX-License-Identifier: GPL-2.0-or-later
# The device allow-list (zone.json devices[] and the defaults), enforced by
# the zone's device cgroup: the v1 devices hierarchy on hybrid and v1 hosts
# (the development machine), a BPF program on pure v2 (the QEMU guest runs
# the same assertions: tests/kernel/guest-devices).  The zones here have
# CAP_MKNOD (userns none: in a user namespace the kernel refuses mknod of a
# device anyway), so they can make any node, and each test checks what the
# node then opens.

# shellcheck disable=SC2154 # $stderr is set by bats' run --separate-stderr
# shellcheck disable=SC2016 # $ in single quotes is meant for the zone's shell

load helpers
load runtime

# setup and teardown: runtime.bash's

DEVPROBE="$ZONES_SRC/tests/helpers/devprobe"

# The defaults, as devices.list shows them: mknod of anything, then null zero
# full random urandom tty (policy/mounts.json), the zone's devpts (ptmx and
# the slaves; /dev/console is a slave of a host pty).
DEFAULT_LIST='c *:* m
b *:* m
c 1:3 rwm
c 1:5 rwm
c 1:7 rwm
c 1:8 rwm
c 1:9 rwm
c 5:0 rwm
c 5:2 rwm
c 136:* rwm'

# What the defaults let a zone open, and nodes it may make but not open:
# /dev/mem, port, kmsg, the host's console (5:1), fuse, loop-control, a
# loop and a disk, and neighbours of the allowed numbers.
ALLOWED='c:1:3 c:1:5 c:1:7 c:1:8 c:1:9 c:5:0 c:5:2 c:136:0 c:136:4242'
DENIED='c:1:1 c:1:2 c:1:4 c:1:11 c:1:11:w c:5:1 c:5:3 c:10:229 c:10:237 c:137:0 b:7:0 b:8:0 b:1:3'

# boot_mknod_zone NAME ["path=/dev/X access=rw"...]: a running busybox zone
# with CAP_MKNOD, given these devices[], with devprobe in its /bin.
boot_mknod_zone() {
	local z=$1 d
	shift
	"$ZONECTL" create "$z" --brand busybox --set userns=none \
		--set limitpriv=default,mknod || return 1
	for d in "$@"; do
		# shellcheck disable=SC2086 # KEY=VALUE words
		"$ZONECTL" add "$z" device $d || return 1
	done
	"$ZONECTL" install "$z" >/dev/null || return 1
	install -m 0755 "$DEVPROBE" "$(zone_root "$z")/bin/devprobe"
	"$ZONECTL" boot "$z" || return 1
	[ "$(zone_state "$z")" = running ]
}

# expect_probe ZONE ALLOWED DENIED: devprobe in ZONE finds exactly ALLOWED
# allowed and DENIED denied.
expect_probe() {
	local want='' s
	# shellcheck disable=SC2086 # the lists are meant to split
	for s in $2; do want+="$s allowed"$'\n'; done
	for s in $3; do want+="$s denied"$'\n'; done
	# shellcheck disable=SC2086
	run -0 zlogin "$1" devprobe $2 $3
	equals "$output" "${want%$'\n'}"
}

# devices_list ZONE: the zone's devices.list, read on the host.
devices_list() {
	cat "$(zone_cgroup "$1" devices)/devices.list"
}

@test "the zone's device cgroup holds exactly the default allow-list" {
	boot_zone web busybox
	if cgroup_v2_only; then
		# no list to read on v2: the program is checked by what it lets through
		# (below, and in the QEMU guest); here only that the zone has a cgroup
		[ -d "$(zone_cgroup web memory)" ]
	else
		local cg
		cg=$(zone_cgroup web devices)
		[[ $cg == /sys/fs/cgroup/devices/*/web ]]
		equals "$(devices_list web)" "$DEFAULT_LIST"
		# the zone sees the same, read-only, through its cgroup namespace
		run -0 zlogin web cat /sys/fs/cgroup/devices/devices.list
		equals "$output" "$DEFAULT_LIST"
		run ! zlogin web sh -c 'echo "a *:* rwm" >/sys/fs/cgroup/devices/devices.allow'
		equals "$(devices_list web)" "$DEFAULT_LIST"
		# the zone's processes are in it: init and a login
		local init
		init=$(state_get web init_pid)
		grep -qx "$init" "$cg/cgroup.procs"
		run -0 zlogin web cat /proc/self/cgroup
		has_line "$output" '^[0-9]+:devices:/$'
	fi
	# and it goes with the zone
	run -0 "$ZONECTL" halt web
	[ -z "${cg:-}" ] || wait_until 5 test ! -e "$cg"
}

@test "the default devices work inside" {
	boot_zone web busybox
	run -0 zlogin web sh -c 'echo x >/dev/null && head -c 4 /dev/zero | wc -c &&
		head -c 4 /dev/random | wc -c && head -c 4 /dev/urandom | wc -c'
	equals "$output" $'4\n4\n4'
	# /dev/full opens (and is full), /dev/tty opens (no terminal: ENXIO)
	run ! --separate-stderr zlogin web sh -c 'echo x >/dev/full'
	contains "$stderr" "No space left on device"
	run ! --separate-stderr zlogin web sh -c 'exec 3</dev/tty'
	contains "$stderr" "No such device or address"
	# the console (a host pty's slave) and a terminal of the zone's devpts
	run -0 zlogin web sh -c 'echo to-the-console >/dev/console && exec 3<>/dev/ptmx && echo ptmx-ok'
	equals "$output" ptmx-ok
	run -0 "$ZONECTL" login -t web -- tty </dev/null
	equals "$(tr -d '\r' <<<"$output")" /dev/pts/0
}

@test "a zone with CAP_MKNOD makes any node but opens only the allowed ones" {
	boot_mknod_zone web
	expect_probe web "$ALLOWED" "$DENIED"
	if ! cgroup_v2_only; then
		equals "$(devices_list web)" "$DEFAULT_LIST"
	fi
}

@test "a node made inside is refused by the cgroup, not by the kernel's driver" {
	boot_mknod_zone web
	local init
	init=$(state_get web init_pid)
	run -0 zlogin web sh -c 'mknod -m 0666 /dev/km c 1 11 && mknod -m 0666 /dev/lp b 7 0 && echo made'
	equals "$output" made
	run ! --separate-stderr zlogin web sh -c 'exec 3>/dev/km'
	contains "$stderr" "Operation not permitted"
	run ! --separate-stderr zlogin web sh -c 'exec 3</dev/lp'
	contains "$stderr" "Operation not permitted"
	# the same nodes open from the host (its device cgroup allows them):
	# the numbers are real devices, and EPERM came from the zone's cgroup
	: >"/proc/$init/root/dev/km"
	: <"/proc/$init/root/dev/lp"
}

@test "a device in devices[] opens and works, with its access only" {
	boot_mknod_zone web "path=/dev/kmsg access=w"
	local tag=zones-devices-$$-$RANDOM
	run -0 zlogin web sh -c "echo $tag >/dev/kmsg"
	run -0 dmesg
	contains "$output" "$tag"
	# the devices[] row, after the defaults; w only
	if ! cgroup_v2_only; then
		equals "$(devices_list web)" "$DEFAULT_LIST"$'\nc 1:11 w'
	fi
	# what it allows is the numbers, wherever the node is; reading is not
	expect_probe web "$ALLOWED c:1:11:w" "${DENIED/ c:1:11:w/}"
}

@test "a device in devices[] that the host lacks fails the boot and names it" {
	make_zone web busybox
	"$ZONECTL" add web device path=/dev/null
	"$ZONECTL" add web device path=/dev/zones-no-such-device
	run -1 --separate-stderr "$ZONECTL" boot web
	contains "$stderr" 'devices[1].path: "/dev/zones-no-such-device": No such file or directory'
	equals "$(zone_state web)" installed
}
