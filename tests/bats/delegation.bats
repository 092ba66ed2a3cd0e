# SPDX-License-Identifier: GPL-2.0-or-later
# Delegation through zoned: real users and a real group are granted (or not)
# the 'manage' and 'login' authorizations on a zone with 'zonectl admin', and
# then run zonectl as themselves.  What an authorization allows must work
# (and its outcome is checked: the zone's state, its init, what runs inside);
# everything else is refused with a message that names the zone and what is
# missing, leaves the zone's state and config files byte-identical, and is
# written to the audit trail with the caller's uid.
#
# Each test makes its own users and group (zt-XXXXXXXX-*) and removes them in
# teardown, also when the test fails.

# shellcheck disable=SC2154 # $stderr is set by bats' run --separate-stderr
# shellcheck disable=SC2016 # $ in single quotes is meant for an inner shell

load helpers
load runtime

setup() {
	common_setup
	MADE="$BATS_TEST_TMPDIR/made-accounts"
	: >"$MADE"
	local tag
	tag=zt-$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
	U_MANAGE=$tag-m # holds manage on the test's zone
	U_LOGIN=$tag-l  # holds login on the test's zone
	U_NONE=$tag-n   # holds nothing
	U_GROUP=$tag-g  # a member of G_OPS, which holds manage
	G_OPS=$tag-ops
	groupadd "$G_OPS"
	echo "group $G_OPS" >>"$MADE"
	local u
	for u in "$U_MANAGE" "$U_LOGIN" "$U_NONE"; do
		useradd -M -N -s /bin/sh "$u"
		echo "user $u" >>"$MADE"
	done
	# A supplementary member: the group reaches zoned through SO_PEERGROUPS.
	useradd -M -N -s /bin/sh -G "$G_OPS" "$U_GROUP"
	echo "user $U_GROUP" >>"$MADE"
}

# Remove the users and the group this test made (users first: a group that is
# someone's supplementary group can still be deleted, but keep the order tidy).
remove_accounts() {
	[ -f "${MADE:-}" ] || return 0
	local kind name
	while read -r kind name; do
		[ "$kind" = user ] || continue
		userdel "$name" 2>/dev/null || { sleep 0.5; userdel "$name" || true; }
	done <"$MADE"
	while read -r kind name; do
		[ "$kind" = group ] || continue
		groupdel "$name" || true
	done <"$MADE"
	rm -f "$MADE"
}

teardown() {
	kill_tracked
	remove_accounts
	common_teardown
}

# ---- helpers -------------------------------------------------------------------------

# as USER CMD...: run CMD as USER, with the primary and supplementary groups of
# the account (the environment, and so ZONES_ROOT, is kept).
as() {
	local u=$1
	shift
	setpriv --reuid="$u" --regid="$(id -g "$u")" --init-groups -- "$@"
}

# zc USER ARGS...: zonectl as USER, stdin from /dev/null.
zc() {
	local u=$1
	shift
	as "$u" "$ZONECTL" "$@" </dev/null
}

# sums NAME: the sha256 of the zone's state file, its live record (while it
# has one) and its config file.
sums() {
	local f
	for f in "index/$1.state" "run/$1.live" "index/$1.json"; do
		if [ -e "$ZONES_ROOT/$f" ]; then sha256sum "$ZONES_ROOT/$f"; fi
	done
}

# refused USER AUTH-TEXT ARGS...: 'zonectl ARGS' as USER fails, its message
# names the zone and AUTH-TEXT (an authorization, or "only root"), and the
# zone's state and config files are byte-identical afterwards.  The zone is
# the one in $Z.
refused() {
	local u=$1 what=$2 before
	shift 2
	before=$(sums "$Z")
	run ! --separate-stderr zc "$u" "$@"
	contains "$stderr" "$Z"
	contains "$stderr" "permission denied"
	contains "$stderr" "$what"
	equals "$(sums "$Z")" "$before"
}

needs() { printf '(needs the "%s" authorization)' "$1"; }
ROOT_ONLY="(only root may do this)"

# audit_has REGEX: a line of the zoned log matches REGEX.
audit_has() {
	has_line "$(cat "$ZONES_ROOT/log/zoned.log")" "$1"
}

# The host-touching operations, each refused to every delegated user.
root_only_refused() {
	local u=$1
	refused "$u" "$ROOT_ONLY" set "$Z" autoboot=true
	refused "$u" "$ROOT_ONLY" add "$Z" fs source=/tmp target=/mnt
	refused "$u" "$ROOT_ONLY" remove "$Z" admin "user=$U_MANAGE"
	refused "$u" "$ROOT_ONLY" install "$Z"
	refused "$u" "$ROOT_ONLY" uninstall "$Z"
	refused "$u" "$ROOT_ONLY" uninstall -F "$Z"
	refused "$u" "$ROOT_ONLY" delete "$Z"
	refused "$u" "$ROOT_ONLY" mark "$Z" incomplete
	refused "$u" "$ROOT_ONLY" admin add "$Z" --user "$u" --auths login,manage,clone
	refused "$u" "$ROOT_ONLY" admin remove "$Z" --user "$U_MANAGE"
	# create names a zone that must not come to exist
	run ! --separate-stderr zc "$u" create "$Z-new" --brand busybox
	contains "$stderr" "create $Z-new"
	contains "$stderr" "$ROOT_ONLY"
	[ ! -e "$ZONES_ROOT/index/$Z-new.json" ]
	run -0 zonectl list -p
	not_contains "$output" ":$Z-new:"
}

# A zone with the standard grants: U_MANAGE manage, U_LOGIN login, G_OPS manage.
Z=web
grant_all() {
	zonectl admin add "$Z" --user "$U_MANAGE" --auths manage
	zonectl admin add "$Z" --user "$U_LOGIN" --auths login
	zonectl admin add "$Z" --group "$G_OPS" --auths manage
}

# ---- manage ----------------------------------------------------------------------------

@test "manage: boot, reboot, shutdown and halt work and do what they say" {
	make_zone "$Z" busybox
	grant_all

	run -0 zc "$U_MANAGE" boot "$Z"
	equals "$(zone_state "$Z")" running
	local init1
	init1=$(state_get "$Z" init_pid)
	pid_alive "$init1"

	run -0 zc "$U_MANAGE" reboot -t 10 "$Z"
	equals "$(zone_state "$Z")" running
	local init2
	init2=$(state_get "$Z" init_pid)
	[ "$init2" != "$init1" ]
	pid_alive "$init2"
	wait_until 5 pid_gone "$init1"

	run -0 zc "$U_MANAGE" shutdown -t 10 "$Z"
	equals "$(zone_state "$Z")" installed
	wait_until 5 pid_gone "$init2"

	run -0 zc "$U_MANAGE" boot "$Z"
	equals "$(zone_state "$Z")" running
	local init3
	init3=$(state_get "$Z" init_pid)
	run -0 zc "$U_MANAGE" halt "$Z"
	equals "$(zone_state "$Z")" installed
	wait_until 5 pid_gone "$init3"
}

@test "manage: ps and stat show the zone" {
	boot_zone "$Z" busybox
	grant_all
	run -0 zc "$U_MANAGE" ps "$Z"
	contains "$output" "/sbin/zinit"
	contains "$output" "$(state_get "$Z" init_pid)"
	run -0 zc "$U_MANAGE" stat "$Z"
	contains "$output" "zone $Z (running"
}

@test "manage: login, console and every host change are refused, the zone untouched" {
	boot_zone "$Z" busybox
	grant_all
	local init
	init=$(state_get "$Z" init_pid)
	refused "$U_MANAGE" "$(needs login)" login "$Z" -- id
	refused "$U_MANAGE" "$(needs login)" login -T "$Z" -- true
	refused "$U_MANAGE" "$(needs login)" console "$Z"
	root_only_refused "$U_MANAGE"
	equals "$(zone_state "$Z")" running
	equals "$(state_get "$Z" init_pid)" "$init"
	pid_alive "$init"
}

# ---- login -----------------------------------------------------------------------------

@test "login: login runs commands inside the zone as the zone's root" {
	boot_zone "$Z" busybox
	grant_all
	run -0 zc "$U_LOGIN" login "$Z" -- id
	contains "$output" "uid=0(root) gid=0(root)"
	run -0 zc "$U_LOGIN" login -T "$Z" -- cat /etc/hostname
	equals "$output" "$Z"
	# the exit status is the command's
	run -7 zc "$U_LOGIN" login -T "$Z" -- sh -c 'exit 7'
	# the command ran in the zone's pid namespace: its shell is not pid 1,
	# zinit is
	run -0 zc "$U_LOGIN" login -T "$Z" -- cat /proc/1/cmdline
	contains "$output" "/sbin/zinit"
}

@test "login: ps and stat show the zone" {
	boot_zone "$Z" busybox
	grant_all
	run -0 zc "$U_LOGIN" ps "$Z"
	contains "$output" "/sbin/zinit"
	run -0 zc "$U_LOGIN" stat "$Z"
	contains "$output" "zone $Z (running"
}

@test "login: boot, halt, shutdown, reboot and every host change are refused, the zone untouched" {
	boot_zone "$Z" busybox
	grant_all
	local init
	init=$(state_get "$Z" init_pid)
	refused "$U_LOGIN" "$(needs manage)" halt "$Z"
	refused "$U_LOGIN" "$(needs manage)" shutdown -t 5 "$Z"
	refused "$U_LOGIN" "$(needs manage)" reboot -t 5 "$Z"
	root_only_refused "$U_LOGIN"
	equals "$(zone_state "$Z")" running
	equals "$(state_get "$Z" init_pid)" "$init"
	pid_alive "$init"

	run -0 zonectl halt "$Z"
	refused "$U_LOGIN" "$(needs manage)" boot "$Z"
	equals "$(zone_state "$Z")" installed
}

# pty_as USER "LOGIN-ARGS": an interactive 'zonectl login LOGIN-ARGS' by USER
# on a pseudo-terminal of script(1); `tty` and `exit` are typed once the
# zone's shell is up.  Output (without carriage returns) in $output.
pty_as() {
	output=$( (sleep 1; printf 'tty\n'; sleep 0.5; printf 'exit\n'; sleep 1) |
		timeout 20 setpriv --reuid="$1" --regid="$(id -g "$1")" --init-groups -- \
			script -qec "$ZONECTL login $2" /dev/null 2>&1 | tr -d '\r')
}

@test "login: a delegated interactive login gets a terminal inside the zone" {
	boot_zone "$Z" busybox
	grant_all
	# No command: the user's login shell, on a pty because stdin is one.
	pty_as "$U_LOGIN" "$Z"
	has_line "$output" '^/dev/pts/0$'
	not_contains "$output" "not an array"
	equals "$(zone_state "$Z")" running
}

@test "login: a delegated 'login -t' runs a shell on a terminal inside the zone" {
	boot_zone "$Z" busybox
	grant_all
	pty_as "$U_LOGIN" "-t $Z -- /bin/sh"
	has_line "$output" '^/dev/pts/0$'
	# /dev/pts/0 is the zone's own devpts, not the host's: the host's
	# terminal (script's pty) is some other number there or the same
	# number on another file system; the zone's shell sees its own only.
	run -0 zc "$U_LOGIN" login -t "$Z" -- ls /dev/pts
	has_line "$(tr -d '\r' <<<"$output")" '^0 +ptmx$|^0$'
	equals "$(zone_state "$Z")" running
}

@test "login: a delegated console attach works and detaches with ~." {
	boot_zone "$Z" busybox
	grant_all
	run -0 --separate-stderr bash -c '(sleep 1; printf "~.\n") |
		timeout 10 setpriv --reuid="$1" --regid="$(id -g "$1")" --init-groups -- \
		script -qec "$0 console $2" /dev/null' "$ZONECTL" "$U_LOGIN" "$Z"
	contains "$output" "connected to zone $Z console"
	equals "$(zone_state "$Z")" running
}

# ---- no authorization ------------------------------------------------------------------

@test "no authorization: everything is refused and the zone is untouched" {
	boot_zone "$Z" busybox
	grant_all
	local init
	init=$(state_get "$Z" init_pid)
	refused "$U_NONE" "$(needs manage)" halt "$Z"
	refused "$U_NONE" "$(needs manage)" shutdown -t 5 "$Z"
	refused "$U_NONE" "$(needs manage)" reboot -t 5 "$Z"
	refused "$U_NONE" "$(needs login)" login "$Z" -- id
	refused "$U_NONE" "$(needs login)" console "$Z"
	refused "$U_NONE" "permission denied" ps "$Z"
	refused "$U_NONE" "permission denied" stat "$Z"
	refused "$U_NONE" "permission denied" show "$Z"
	root_only_refused "$U_NONE"
	equals "$(zone_state "$Z")" running
	equals "$(state_get "$Z" init_pid)" "$init"
	pid_alive "$init"

	run -0 zonectl halt "$Z"
	refused "$U_NONE" "$(needs manage)" boot "$Z"
	equals "$(zone_state "$Z")" installed
}

# ---- a group ---------------------------------------------------------------------------

@test "group: a supplementary member of a group with manage may boot and halt" {
	make_zone "$Z" busybox
	grant_all
	run -0 zc "$U_GROUP" boot "$Z"
	equals "$(zone_state "$Z")" running
	local init
	init=$(state_get "$Z" init_pid)
	pid_alive "$init"
	run -0 zc "$U_GROUP" ps "$Z"
	contains "$output" "/sbin/zinit"
	run -0 zc "$U_GROUP" halt "$Z"
	equals "$(zone_state "$Z")" installed
	wait_until 5 pid_gone "$init"
}

@test "group: manage through a group grants nothing else" {
	boot_zone "$Z" busybox
	grant_all
	refused "$U_GROUP" "$(needs login)" login "$Z" -- id
	refused "$U_GROUP" "$(needs login)" console "$Z"
	root_only_refused "$U_GROUP"
	equals "$(zone_state "$Z")" running
}

@test "group: the group's grant is the members' only: a non-member is refused" {
	make_zone "$Z" busybox
	zonectl admin add "$Z" --group "$G_OPS" --auths manage
	refused "$U_NONE" "$(needs manage)" boot "$Z"
	refused "$U_MANAGE" "$(needs manage)" boot "$Z"
	equals "$(zone_state "$Z")" installed
}

# ---- list ------------------------------------------------------------------------------

@test "list shows a user only the zones they hold an authorization on" {
	zonectl create a --brand busybox
	zonectl create b --brand busybox
	zonectl create c --brand busybox
	zonectl create d --brand busybox
	zonectl admin add a --user "$U_MANAGE" --auths manage
	zonectl admin add b --user "$U_LOGIN" --auths login
	zonectl admin add c --group "$G_OPS" --auths manage
	zonectl admin add d --user "$U_MANAGE" --auths clone

	run -0 zonectl list -p
	equals "$(cut -d: -f2 <<<"$output" | sort | tr '\n' ' ')" "a b c d "

	run -0 zc "$U_MANAGE" list -p
	equals "$(cut -d: -f2 <<<"$output" | sort | tr '\n' ' ')" "a d "
	run -0 zc "$U_LOGIN" list -p
	equals "$(cut -d: -f2 <<<"$output" | sort | tr '\n' ' ')" "b "
	run -0 zc "$U_GROUP" list -p
	equals "$(cut -d: -f2 <<<"$output" | sort | tr '\n' ' ')" "c "
	run -0 zc "$U_NONE" list -p
	equals "$output" ""
	run -0 zc "$U_NONE" list --json
	equals "$(jget zones <<<"$output")" ""
}

@test "an authorization on one zone is worth nothing on another" {
	make_zone other busybox
	boot_zone "$Z" busybox
	zonectl admin add other --user "$U_MANAGE" --auths manage,login
	refused "$U_MANAGE" "$(needs manage)" halt "$Z"
	refused "$U_MANAGE" "$(needs login)" login "$Z" -- id
	equals "$(zone_state "$Z")" running
	run -0 zc "$U_MANAGE" boot other
	equals "$(zone_state other)" running
}

@test "a request cannot claim another identity: only the connection's credentials count" {
	local py=${USER_PYTHON:-/usr/bin/python3}
	[ -x "$py" ] || skip "no python3 for an unprivileged user (set USER_PYTHON)"
	make_zone "$Z" busybox
	grant_all
	local before
	before=$(sums "$Z")
	# A raw Boot from a user with no authorization that names root and a
	# delegated user in every way a parameter could.
	run -0 as "$U_NONE" "$py" -c '
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(os.environ["ZONES_ROOT"] + "/zoned.sock")
s.settimeout(10)
s.sendall(("{\"method\":\"io.zones.Boot\",\"parameters\":{\"name\":\"%s\",\"uid\":0,"
           "\"gid\":0,\"user\":\"root\",\"caller\":{\"uid\":0},\"as\":\"%s\"}}\0"
           % (sys.argv[1], sys.argv[2])).encode())
buf = b""
while b"\0" not in buf:
    d = s.recv(4096)
    if not d:
        break
    buf += d
print(buf.split(b"\0")[0].decode())
' "$Z" "$U_MANAGE"
	equals "$(jget error <<<"$output")" io.zones.Error
	contains "$(jget parameters.message <<<"$output")" "boot $Z: permission denied"
	equals "$(zone_state "$Z")" installed
	equals "$(sums "$Z")" "$before"
}

# ---- audit -------------------------------------------------------------------------------

@test "the audit trail records the caller's uid for allowed and refused requests" {
	make_zone "$Z" busybox
	grant_all
	local um ul un
	um=$(id -u "$U_MANAGE")
	ul=$(id -u "$U_LOGIN")
	un=$(id -u "$U_NONE")

	run -0 zc "$U_MANAGE" boot "$Z"
	audit_has "uid=$um method=boot zone=\"?$Z\"? result=ok"
	run ! zc "$U_MANAGE" set "$Z" autoboot=true
	audit_has "uid=$um method=set zone=\"?$Z\"? result=error: .*permission denied"
	run ! zc "$U_LOGIN" halt "$Z"
	audit_has "uid=$ul method=halt zone=\"?$Z\"? result=error: .*permission denied"
	run -0 zc "$U_LOGIN" login -T "$Z" -- true
	audit_has "uid=$ul method=login zone=\"?$Z\"? .*result=(ok|started)"
	run ! zc "$U_NONE" login -T "$Z" -- true
	audit_has "uid=$un method=login zone=\"?$Z\"? result=error: .*permission denied"
	run ! zc "$U_NONE" create other --brand busybox
	audit_has "uid=$un method=create zone=\"?other\"? result=error: .*permission denied"
	run -0 zc "$U_MANAGE" halt "$Z"
	audit_has "uid=$um method=halt zone=\"?$Z\"? result=ok"
}

# ---- revocation ----------------------------------------------------------------------------

@test "admin remove takes access away at once" {
	make_zone "$Z" busybox
	grant_all
	run -0 zc "$U_MANAGE" boot "$Z"
	equals "$(zone_state "$Z")" running
	run -0 zc "$U_LOGIN" login -T "$Z" -- true

	run -0 zonectl admin remove "$Z" --user "$U_MANAGE"
	run -0 zonectl admin list "$Z"
	not_contains "$output" "$U_MANAGE"
	refused "$U_MANAGE" "$(needs manage)" halt "$Z"
	equals "$(zone_state "$Z")" running
	run -0 zc "$U_MANAGE" list -p
	equals "$output" ""

	# taking one authorization away leaves the others
	run -0 zonectl admin add "$Z" --user "$U_LOGIN" --auths manage
	run -0 zonectl admin remove "$Z" --user "$U_LOGIN" --auths login
	refused "$U_LOGIN" "$(needs login)" login -T "$Z" -- true
	run -0 zc "$U_LOGIN" halt "$Z"
	equals "$(zone_state "$Z")" installed

	# and a group's grant goes the same way
	run -0 zonectl admin remove "$Z" --group "$G_OPS"
	refused "$U_GROUP" "$(needs manage)" boot "$Z"
	equals "$(zone_state "$Z")" installed
}
