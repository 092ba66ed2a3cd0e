# SPDX-License-Identifier: GPL-2.0-or-later
# Zones that move between two hosts for real: `zonectl move`, detach / carry /
# attach, and `send | ssh | receive`.
#
# The two hosts are two network namespaces of each test's own, A and B
# (zm-PID-RANDOM-a/-b), joined by a veth pair (mv0: 10.97.0.1/24 on A,
# 10.97.0.2/24 on B).  Each has a bridge br0 with the same address
# (10.96.0.1/24), so that a zone at 10.96.0.10 on it serves at the same
# address from either host; each has its own ZONES_ROOT, and so its own
# zoned and socket, started in its namespace by the first zonectl run there
# (through nsenter --net, as in net.bats); and each runs an sshd of the
# test's own (/usr/sbin/sshd -D, in its namespace through nsenter --net,
# listening on its mv0 address only, key authentication only, a host key and
# authorized_keys made by the test, no PAM), killed by pid in the teardown.
#
# On each host "zonectl" is a wrapper ($HA/zonectl, $HB/zonectl) that sets
# that host's ZONES_ROOT (and the build's brands, policy and helpers) and
# execs the build's zonectl: `zonectl move --remote-zonectl $HB/zonectl`
# reaches it over ssh.  Host A's zonectl runs in A's namespace (za), so its
# ssh goes over the veth to B's sshd; the test fetches the zone's pages with
# curl from a namespace's bridge side (fetch_in).  No traffic leaves
# the test's namespaces.
#
# A test that needs the remote end to do more makes $HB/remote, a wrapper of
# B's zonectl with a hook: a change inside the running zone on A between the
# two passes (through A's zonectl), half of the second pass's stream, or B's
# bridge gone before the boot there.  What is checked: the zone serves the
# same pages at the same address from B, with what it wrote before and
# between the passes and without what it deleted; the downtime is printed
# (and shown as a TAP comment); a failure at any step leaves the zone
# running on A and nothing of it on B; a carried zonepath attaches (or is
# refused for its digest, and -F takes it); a stream over ssh arrives whole.

# shellcheck disable=SC2154 # $stderr is set by bats' run --separate-stderr

load helpers
load runtime

ZONE_ADDR=10.96.0.10

setup_file() {
	# sshd's privilege separation directory (made by the Debian service at
	# boot, which this machine does not start): made if missing, and
	# removed again in teardown_file if this file made it
	if [ ! -d /run/sshd ]; then
		mkdir -m 0755 /run/sshd
		touch "$BATS_FILE_TMPDIR/made-run-sshd"
	fi
}

teardown_file() {
	if [ -e "$BATS_FILE_TMPDIR/made-run-sshd" ]; then
		rmdir /run/sshd 2>/dev/null || true
	fi
}

setup() {
	T=$BATS_TEST_TMPDIR
	TOKEN=page-$$-$RANDOM
	HA=$T/a HB=$T/b
	mkdir -p "$HA" "$HB"
	ROOT_A=$(mktemp -d /tmp/zones-test.XXXXXX)
	ROOT_B=$(mktemp -d /tmp/zones-test.XXXXXX)
	chmod 0755 "$ROOT_A" "$ROOT_B"
	NS_A=zm-$$-$RANDOM-a
	NS_B=zm-$$-$RANDOM-b
	local h ns addr
	for h in a b; do
		if [ $h = a ]; then ns=$NS_A; else ns=$NS_B; fi
		ip netns add "$ns"
		ip -n "$ns" link set lo up
		ip -n "$ns" link add br0 type bridge
		ip -n "$ns" addr add 10.96.0.1/24 dev br0
		ip -n "$ns" link set br0 up
	done
	ip -n "$NS_A" link add mv0 type veth peer name mv0 netns "$NS_B"
	ip -n "$NS_A" addr add 10.97.0.1/24 dev mv0 nodad 2>/dev/null ||
		ip -n "$NS_A" addr add 10.97.0.1/24 dev mv0
	ip -n "$NS_B" addr add 10.97.0.2/24 dev mv0 nodad 2>/dev/null ||
		ip -n "$NS_B" addr add 10.97.0.2/24 dev mv0
	ip -n "$NS_A" link set mv0 up
	ip -n "$NS_B" link set mv0 up

	# each host's zonectl: its own root, the build's brands, policy, helpers
	for h in a b; do
		if [ $h = a ]; then addr=$ROOT_A; else addr=$ROOT_B; fi
		cat >"$T/$h/zonectl" <<-EOF
			#!/bin/sh
			# host $h's zonectl (move.bats)
			export ZONES_ROOT=$addr
			export ZONES_BRANDS_DIR=$ZONES_BRANDS_DIR
			export ZONES_POLICY_DIR=$ZONES_POLICY_DIR
			export ZONES_LIBEXEC_DIR=$ZONES_LIBEXEC_DIR
			exec $ZONECTL "\$@"
		EOF
		chmod 0755 "$T/$h/zonectl"
	done

	# keys: root's client key, a host key per host, known_hosts naming both
	ssh-keygen -q -t ed25519 -N '' -C move.bats -f "$T/client_key"
	: >"$T/known_hosts"
	for h in a b; do
		if [ $h = a ]; then ns=$NS_A addr=10.97.0.1; else ns=$NS_B addr=10.97.0.2; fi
		ssh-keygen -q -t ed25519 -N '' -C "move.bats host $h" -f "$T/$h/host_key"
		echo "$addr $(cut -d' ' -f1,2 "$T/$h/host_key.pub")" >>"$T/known_hosts"
		cp "$T/client_key.pub" "$T/$h/authorized_keys"
		cat >"$T/$h/sshd_config" <<-EOF
			# host $h's sshd (move.bats): key authentication for root only
			ListenAddress $addr:22
			HostKey $T/$h/host_key
			PidFile none
			AuthorizedKeysFile $T/$h/authorized_keys
			AllowUsers root
			PermitRootLogin prohibit-password
			PubkeyAuthentication yes
			PasswordAuthentication no
			KbdInteractiveAuthentication no
			UsePAM no
			StrictModes no
			PermitUserEnvironment no
			AllowTcpForwarding no
			AllowAgentForwarding no
			X11Forwarding no
			PrintMotd no
			LogLevel VERBOSE
		EOF
		/usr/sbin/sshd -t -f "$T/$h/sshd_config"
		# nsenter execs sshd (no --fork): $! is sshd's pid
		nsenter --net="/run/netns/$ns" /usr/sbin/sshd -D -f "$T/$h/sshd_config" \
			-E "$T/$h/sshd.log" </dev/null >/dev/null 2>&1 3>&- &
		echo $! >"$T/$h/sshd.pid"
	done
	SSH="ssh -F /dev/null -i $T/client_key -o IdentitiesOnly=yes"
	SSH+=" -o UserKnownHostsFile=$T/known_hosts -o StrictHostKeyChecking=yes"
	SSH+=" -o BatchMode=yes -o ConnectTimeout=5 -o LogLevel=ERROR"
	export ZONES_SSH=
	wait_until 10 listening "$NS_A" 10.97.0.1
	wait_until 10 listening "$NS_B" 10.97.0.2
}

teardown() {
	local h ns root z pid
	for h in a b; do
		if [ $h = a ]; then ns=$NS_A root=$ROOT_A; else ns=$NS_B root=$ROOT_B; fi
		if [ -z "$ns" ] || [ ! -e "/run/netns/$ns" ] || [ ! -d "$root" ]; then continue; fi
		for z in $(nsenter --net="/run/netns/$ns" "$T/$h/zonectl" list 2>/dev/null); do
			nsenter --net="/run/netns/$ns" "$T/$h/zonectl" halt "$z" >/dev/null 2>&1 || true
		done
	done
	for root in "$ROOT_A" "$ROOT_B"; do
		if [ -z "$root" ] || [ ! -d "$root" ]; then continue; fi
		stop_zoned_of "$root"
		if mountpoint -q "$root/run"; then umount -l "$root/run"; fi
		rm -rf --one-file-system "$root"
	done
	for h in a b; do
		pid=$(cat "$T/$h/sshd.pid" 2>/dev/null) || continue
		kill -TERM "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	kill_tracked
	for ns in "$NS_A" "$NS_B"; do
		if [ -n "$ns" ]; then ip netns del "$ns" 2>/dev/null || true; fi
	done
	rm -f "$T/client_key" "$T/client_key.pub" "$T/known_hosts" \
		"$T"/[ab]/host_key "$T"/[ab]/host_key.pub "$T"/[ab]/authorized_keys
}

# ---- helpers ------------------------------------------------------------------

# said: what the last `run --separate-stderr` saw, for a failing test's log.
said() { printf 'status %s\nstdout:\n%s\nstderr:\n%s\n' "$status" "$output" "${stderr:-}"; }

# listening NS ADDRESS: an sshd listens on ADDRESS:22 in NS (for wait_until).
listening() {
	nsenter --net="/run/netns/$1" ss -Hltn "src $2:22" 2>/dev/null | grep -q .
}

# za / zb ARGS...: host A's / host B's zonectl, in its namespace.
za() { nsenter --net="/run/netns/$NS_A" "$HA/zonectl" "$@"; }
zb() { nsenter --net="/run/netns/$NS_B" "$HB/zonectl" "$@"; }

# ssh_to_b ARGS...: ssh from host A to root on host B.
# shellcheck disable=SC2086 # $SSH is a command line, split at spaces
ssh_to_b() { nsenter --net="/run/netns/$NS_A" $SSH root@10.97.0.2 "$@"; }

# state_on a|b NAME: the zone's state in that host's 'list -p' (empty: none).
state_on() {
	"z$1" list -p | awk -F: -v n="$2" '$2 == n { print $3 }'
}

# fetch_in NS PATH: the page PATH of the zone's httpd, fetched in NS from the
# bridge's side.
fetch_in() {
	nsenter --net="/run/netns/$1" curl -sSf --max-time 3 "http://$ZONE_ADDR/$2"
}

# serves NS PATH TEXT: the zone serves TEXT at PATH, seen from NS (for wait_until).
serves() { [ "$(fetch_in "$1" "$2" 2>/dev/null)" = "$3" ]; }

# web_zone NAME: on host A, an installed exclusive-IP busybox zone on br0 at
# $ZONE_ADDR whose /etc/rc starts busybox httpd on /srv/www (index.html
# holds $TOKEN) and a writer that appends "RUN N" to /var/log/ticks every
# 50 ms, RUN being a number of each boot's own.
web_zone() {
	local z=$1 root
	za create "$z" --brand busybox --set ip_type=exclusive
	za add "$z" net name=eth0 bridge=br0 address="$ZONE_ADDR/24" gateway=10.96.0.1
	za install "$z" >/dev/null
	root=$ROOT_A/zones/$z/root
	mkdir -p "$root/srv/www"
	echo "$TOKEN" >"$root/srv/www/index.html"
	cat >"$root/etc/rc" <<-'EOF'
		#!/bin/sh
		httpd -p 80 -h /srv/www
		run=$$$RANDOM
		i=0
		while :; do
			i=$((i + 1))
			echo "$run $i" >>/var/log/ticks
			usleep 50000
		done </dev/null >/dev/null 2>&1 &
	EOF
	chmod 0755 "$root/etc/rc"
}

# boot_web NAME: boot it on A; it serves there.
boot_web() {
	za boot "$1"
	equals "$(state_on a "$1")" running
	wait_until 10 serves "$NS_A" index.html "$TOKEN"
}

# remote_zonectl [LINES]: host B's zonectl as the move's remote end
# ($HB/remote): shell LINES (a test's hook; the remote arguments are "$@")
# run first, then B's zonectl.
remote_zonectl() {
	{
		echo '#!/bin/bash'
		echo '# host b, the remote end of a move (move.bats), with a hook of the test'
		printf '%s\n' "${1:-}"
		printf 'exec %q "$@"\n' "$HB/zonectl"
	} >"$HB/remote"
	chmod 0755 "$HB/remote"
}

# move_to_b ARGS...: zonectl move on host A to root on host B, through
# $HB/remote when a test made one.
move_to_b() {
	local remote=$HB/zonectl
	[ -x "$HB/remote" ] && remote=$HB/remote
	za move --ssh "$SSH" --remote-zonectl "$remote" "$@"
}

# inventory DIR: every entry under DIR (type, mode, owner, size, mtime, link
# target) and every regular file's SHA-256: what a carried root must keep.
inventory() {
	(cd "$1" && find . -printf '%y %m %U:%G %s %T@ %p -> %l\n' | sort &&
		find . -type f -print0 | sort -z | xargs -0 -r sha256sum)
}

# init_pid_on a|b NAME: the host pid of the zone's init (empty when it has none).
init_pid_on() {
	"z$1" list --json | python3 -c '
import json, sys
for z in json.load(sys.stdin)["zones"]:
    if z["name"] == sys.argv[1]:
        print(z.get("init_pid", ""))
' "$2"
}

# nothing_on_b NAME: host B has no zone NAME, no zonepath, no run file of it,
# and only its own links (lo, br0 if it has it, mv0): nothing of a move left.
nothing_on_b() {
	local z=$1 out
	out=$(zb list 2>&1) || { echo "list on B: $out" >&2; return 1; }
	not_contains "$out" "$z" || return 1
	[ ! -e "$ROOT_B/zones/$z" ] || { echo "left on B: $(ls -la "$ROOT_B/zones/$z")" >&2; return 1; }
	[ ! -e "$ROOT_B/index/$z.json" ] || { echo "config left on B" >&2; return 1; }
	out=$(find "$ROOT_B/run/" -maxdepth 1 -name "$z.*" 2>/dev/null)
	[ -z "$out" ] || { echo "run files left on B: $out" >&2; return 1; }
	out=$(ip -n "$NS_B" -o link show | awk -F': ' '{ print $2 }' | sed 's/@.*//' |
		grep -vxE 'lo|br0|mv0' || true)
	[ -z "$out" ] || { echo "links left on B: $out" >&2; return 1; }
}

# ---- the two hosts themselves -----------------------------------------------------

@test "the two hosts: each its own zoned and root, ssh from A to B with the test's keys" {
	# B's sshd runs the given command as root in B's namespace
	run -0 ssh_to_b "id -u; ip -o -4 addr show dev mv0"
	has_line "$output" '^0$'
	contains "$output" "inet 10.97.0.2/24"
	# a host key that is not the one known is refused (StrictHostKeyChecking)
	grep -v '^10\.97\.0\.2 ' "$T/known_hosts" >"$T/known_hosts.new"
	echo "10.97.0.2 $(cut -d' ' -f1,2 "$HA/host_key.pub")" >>"$T/known_hosts.new"
	mv "$T/known_hosts.new" "$T/known_hosts"
	run ! ssh_to_b true
	# each host's zonectl reaches its own zoned, in its own namespace
	run -0 za list
	run -0 zb list
	[ -S "$ROOT_A/zoned.sock" ] && [ -S "$ROOT_B/zoned.sock" ]
	local pa pb
	pa=$(cat "$ROOT_A/zoned.pid") pb=$(cat "$ROOT_B/zoned.pid")
	[ "$pa" != "$pb" ]
	equals "$(readlink "/proc/$pa/ns/net")" "$(nsenter --net="/run/netns/$NS_A" readlink /proc/self/ns/net)"
	equals "$(readlink "/proc/$pb/ns/net")" "$(nsenter --net="/run/netns/$NS_B" readlink /proc/self/ns/net)"
}

# ---- zonectl move ---------------------------------------------------------------

@test "move: a running zone serving HTTP moves to B and serves the same content at the same address" {
	web_zone web
	local rootA=$ROOT_A/zones/web/root
	echo "gone between the passes" >"$rootA/srv/www/deleted.txt"
	boot_web web
	# written inside the zone while it runs, before the move (the first pass)
	za login -T web -- sh -c 'echo "written before the move" >/srv/www/before.txt' </dev/null
	wait_until 10 serves "$NS_A" before.txt "written before the move"
	# Between the first pass and the halt, the zone changes a page, writes a
	# new one and deletes one: B's end runs the first pass's receive, then
	# (as the zone's own work would) changes them through A's zonectl.
	remote_zonectl "case \"\$*\" in
*'--pass base'*)
	$(printf %q "$HB/zonectl") \"\$@\" || exit
	nsenter --net=/run/netns/$NS_A $(printf %q "$HA/zonectl") login -T web -- sh -c '
		echo \"$TOKEN changed between the passes\" >/srv/www/index.html
		echo \"written between the passes\" >/srv/www/between.txt
		rm /srv/www/deleted.txt' </dev/null >/dev/null || exit
	touch $(printf %q "$T/hook-ran")
	exit 0 ;;
esac"
	local ticks_before
	ticks_before=$(wc -l <"$rootA/var/log/ticks")
	run --separate-stderr move_to_b web root@10.97.0.2
	said
	[ "$status" -eq 0 ] && [ -z "$stderr" ]
	[ -e "$T/hook-ran" ]
	contains "$output" "web: moved to root@10.97.0.2"
	has_line "$output" '^web: running on root@10\.97\.0\.2; downtime [0-9]+\.[0-9]+ s \(halt [0-9.]+, second pass [0-9.]+, boot there [0-9.]+\)$'
	local downtime
	downtime=$(sed -n 's/.*; downtime \([0-9.]*\) s (.*/\1/p' <<<"$output")
	echo "# move downtime: $downtime s ($(sed -n 's/.*s (\(.*\))$/\1/p' <<<"$output"))" >&3
	# the second pass sent only what changed: far fewer files than the zone has
	local files sent
	files=$(sed -n 's/.*(\([0-9]*\) files, .*/\1/p' <<<"$output")
	sent=$(sed -n 's/.*the second pass sent \([0-9]*\))$/\1/p' <<<"$output")
	[ "$sent" -ge 2 ] && [ "$sent" -lt $((files / 4)) ] || {
		echo "second pass sent $sent of $files files" >&2
		return 1
	}

	# B: running, serving the same content at the same address
	equals "$(state_on b web)" running
	wait_until 10 serves "$NS_B" index.html "$TOKEN changed between the passes"
	run -0 fetch_in "$NS_B" before.txt
	equals "$output" "written before the move"
	run -0 fetch_in "$NS_B" between.txt
	equals "$output" "written between the passes"
	run ! fetch_in "$NS_B" deleted.txt
	[ ! -e "$ROOT_B/zones/web/root/srv/www/deleted.txt" ]
	run -0 zb login -T web -- ip -o -4 addr show dev eth0
	contains "$output" "inet $ZONE_ADDR/24"
	# what the writer wrote on A, up to the halt, is all there, in order
	local rootB=$ROOT_B/zones/web/root run1 n
	run1=$(head -n1 "$rootB/var/log/ticks" | cut -d' ' -f1)
	n=$(awk -v r="$run1" '$1 == r' "$rootB/var/log/ticks" | wc -l)
	[ "$n" -ge "$ticks_before" ] || { echo "ticks: $n on B, $ticks_before before the move" >&2; return 1; }
	# shellcheck disable=SC2016 # an awk program
	run -0 awk -v r="$run1" '$1 == r && $2 != ++i { print "tick " i " is " $0; exit 1 }' \
		"$rootB/var/log/ticks"
	# and B's boot runs its own writer on after them
	wait_until 10 grep -qv "^$run1 " "$rootB/var/log/ticks"

	# A: configured, uninstalled, noting where the zone went; nothing serves
	equals "$(state_on a web)" configured
	run -0 za list -v
	contains "$output" "moved to root@10.97.0.2"
	[ ! -e "$ROOT_A/zones/web" ]
	[ ! -e "$ROOT_A/run/web.move" ]
	run ! nsenter --net="/run/netns/$NS_A" curl -sSf --max-time 1 "http://$ZONE_ADDR/"
}

@test "move: an installed zone moves as it is, with no boot there and no downtime" {
	web_zone web
	local rootA=$ROOT_A/zones/web/root
	mkdir "$rootA/srv/www/sub"
	echo "$TOKEN data" >"$rootA/srv/www/sub/data.txt"
	ln "$rootA/srv/www/sub/data.txt" "$rootA/srv/www/hard.txt"
	ln -s sub/data.txt "$rootA/srv/www/soft.txt"
	setfattr -n user.move -v kept "$rootA/srv/www/sub/data.txt"
	inventory "$rootA" >"$T/before"
	run --separate-stderr move_to_b web root@10.97.0.2
	said
	[ "$status" -eq 0 ] && [ -z "$stderr" ]
	contains "$output" "web: moved to root@10.97.0.2"
	not_contains "$output" "downtime"
	not_contains "$output" "running on"
	# B: installed, not booted, the root as it was on A, hard link and xattr kept
	equals "$(state_on b web)" installed
	local rootB=$ROOT_B/zones/web/root
	inventory "$rootB" >"$T/after"
	run -0 diff "$T/before" "$T/after"
	equals "$(stat -c %i "$rootB/srv/www/sub/data.txt")" "$(stat -c %i "$rootB/srv/www/hard.txt")"
	equals "$(getfattr --only-values -n user.move "$rootB/srv/www/sub/data.txt")" kept
	[ ! -e "$ROOT_B/zones/web/.move-index" ]
	# A: configured, noting where it went
	equals "$(state_on a web)" configured
	run -0 za list -v
	contains "$output" "moved to root@10.97.0.2"
	[ ! -e "$ROOT_A/zones/web" ]
	# and it boots there and serves
	zb boot web
	wait_until 10 serves "$NS_B" sub/data.txt "$TOKEN data"
}

@test "move: a receive that fails in the second pass leaves the zone running on A and nothing on B" {
	web_zone web
	boot_web web
	# B's receive of the second pass gets only half of the stream
	remote_zonectl "case \"\$*\" in
*'--pass delta'*)
	f=\$(mktemp)
	cat >\"\$f\"
	head -c \$((\$(stat -c %s \"\$f\") / 2)) \"\$f\" | $(printf %q "$HB/zonectl") \"\$@\"
	rc=\$?
	rm -f \"\$f\"
	touch $(printf %q "$T/hook-ran")
	exit \$((rc ? rc : 1)) ;;
esac"
	local pid0
	pid0=$(init_pid_on a web)
	run --separate-stderr move_to_b web root@10.97.0.2
	said
	[ "$status" -ne 0 ]
	[ -e "$T/hook-ran" ]
	contains "$stderr" "move web: delta: the receive on root@10.97.0.2 failed"
	contains "$stderr" "move web: failed at delta; the zone is still here (running again)"
	# A: running again (a new boot), serving
	equals "$(state_on a web)" running
	[ "$(init_pid_on a web)" != "$pid0" ]
	wait_until 10 serves "$NS_A" index.html "$TOKEN"
	# B: nothing of it, and the move said so, and no more
	contains "$stderr" "and nothing of it is left on root@10.97.0.2"
	not_contains "$stderr" "no such zone"
	not_contains "$stderr" "not running"
	nothing_on_b web
}

@test "move: a boot that fails on B leaves the zone running on A and nothing on B" {
	web_zone web
	boot_web web
	# B's bridge goes away between the second pass and the boot
	remote_zonectl "if [ \"\$1\" = boot ]; then ip link del br0 && touch $(printf %q "$T/hook-ran"); fi"
	run --separate-stderr move_to_b web root@10.97.0.2
	said
	[ "$status" -ne 0 ]
	[ -e "$T/hook-ran" ]
	contains "$stderr" "br0"
	contains "$stderr" "move web: boot: the boot on root@10.97.0.2 failed"
	contains "$stderr" "move web: failed at boot; the zone is still here (running again)"
	contains "$stderr" "and nothing of it is left on root@10.97.0.2"
	equals "$(state_on a web)" running
	wait_until 10 serves "$NS_A" index.html "$TOKEN"
	nothing_on_b web
}

@test "move: a host without the zone's bridge refuses it in the first pass; the zone runs on A untouched" {
	web_zone web
	boot_web web
	ip -n "$NS_B" link del br0
	local pid0
	pid0=$(init_pid_on a web)
	run --separate-stderr move_to_b web root@10.97.0.2
	said
	[ "$status" -ne 0 ]
	contains "$stderr" "receive web: this host cannot take the zone"
	contains "$stderr" "br0"
	contains "$stderr" "move web: failed at base; the zone is still here, and nothing"
	# never halted: the same init, serving all along
	equals "$(state_on a web)" running
	equals "$(init_pid_on a web)" "$pid0"
	serves "$NS_A" index.html "$TOKEN"
	nothing_on_b web
}

# ---- detach, carry, attach ---------------------------------------------------------

@test "detach on A, carry the zonepath to B, attach there: it boots and serves" {
	web_zone web
	boot_web web
	za login -T web -- sh -c 'echo "carried along" >/srv/www/carried.txt' </dev/null
	za halt web
	run -0 za detach web
	contains "$output" "web: detached;"
	[ -f "$ROOT_A/zones/web/detached.json" ]
	equals "$(state_on a web)" configured
	run ! za boot web
	# carried to B's disk, as cp -a does it
	mkdir "$ROOT_B/carried"
	cp -a "$ROOT_A/zones/web" "$ROOT_B/carried/web"
	local zp=$ROOT_B/carried/web
	run -0 zb attach -n --zonepath "$zp" web
	equals "$output" "web: would attach (the checks pass)"
	equals "$(state_on b web)" ""
	[ -f "$zp/detached.json" ]
	run --separate-stderr zb attach --zonepath "$zp" web
	said
	[ "$status" -eq 0 ] && [ -z "$stderr" ]
	equals "$output" "web: attached; installed"
	equals "$(state_on b web)" installed
	[ ! -e "$zp/detached.json" ]
	zb boot web
	equals "$(state_on b web)" running
	wait_until 10 serves "$NS_B" index.html "$TOKEN"
	run -0 fetch_in "$NS_B" carried.txt
	equals "$output" "carried along"
	run -0 zb login -T web -- ip -o -4 addr show dev eth0
	contains "$output" "inet $ZONE_ADDR/24"
}

@test "attach refuses a root changed since detach and leaves it untouched; -F attaches anyway" {
	web_zone web
	za detach web >/dev/null
	mkdir "$ROOT_B/carried"
	cp -a "$ROOT_A/zones/web" "$ROOT_B/carried/web"
	local zp=$ROOT_B/carried/web
	echo "changed after detach" >>"$zp/root/srv/www/index.html"
	inventory "$zp" >"$T/before"
	# refused, naming the digest; nothing is made on B
	run --separate-stderr zb attach --zonepath "$zp" web
	said
	[ "$status" -ne 0 ]
	has_line "$stderr" "^zonectl: attach web: root: its digest [0-9a-f]{16}\.\.\. is not the manifest's"
	equals "$(state_on b web)" ""
	run -1 zb attach -n --zonepath "$zp" web
	contains "$output" "web: root: its digest"
	contains "$output" "web: would not attach (1 problem)"
	# the problems, as JSON
	run -1 --separate-stderr zb attach --json --zonepath "$zp" web
	said
	equals "$(jget attached <<<"$output")" false
	equals "$(jget checked <<<"$output")" true
	run -0 jget problems <<<"$output"
	equals "${#lines[@]}" 1
	matches "${lines[0]}" "^root: its digest [0-9a-f]{16}\.\.\. is not the manifest's"
	# a zone configured on B already stays configured
	zb create web --brand busybox --set zonepath="$zp" --set ip_type=exclusive
	zb add web net name=eth0 bridge=br0 address="$ZONE_ADDR/24" gateway=10.96.0.1
	run ! zb attach web
	equals "$(state_on b web)" configured
	inventory "$zp" >"$T/after"
	run -0 diff "$T/before" "$T/after"
	# -F attaches anyway, and says so
	run -0 zb attach -F web
	contains "$output" "web: attached WITHOUT checks (-F)"
	equals "$(state_on b web)" installed
	zb boot web
	wait_until 10 serves "$NS_B" index.html "$TOKEN"$'\n'"changed after detach"
}

# ---- send | ssh | receive ------------------------------------------------------------

# send_to_b NAME: zonectl send on A, through ssh, into zonectl receive on B.
send_to_b() {
	set -o pipefail
	za send "$1" | ssh_to_b "$(printf %q "$HB/zonectl") receive"
}

@test "send | ssh | receive: the zone received on B boots and serves" {
	web_zone web
	boot_web web
	za login -T web -- sh -c 'echo "sent along" >/srv/www/sent.txt' </dev/null
	za halt web
	inventory "$ROOT_A/zones/web/root" >"$T/before"
	run --separate-stderr send_to_b web
	said
	[ "$status" -eq 0 ] && [ -z "$stderr" ]
	matches "$output" "^web: installed; [0-9]+ files, [0-9]+ bytes, digest checked$"
	equals "$(state_on b web)" installed
	inventory "$ROOT_B/zones/web/root" >"$T/after"
	run -0 diff "$T/before" "$T/after"
	# A keeps its zone, as it was
	equals "$(state_on a web)" installed
	zb boot web
	wait_until 10 serves "$NS_B" index.html "$TOKEN"
	run -0 fetch_in "$NS_B" sent.txt
	equals "$output" "sent along"
}
