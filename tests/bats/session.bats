# SPDX-License-Identifier: GPL-2.0-or-later
# Sessions in a zone: login (users, exit status, stdin, pseudo-terminals) and
# the console (attach, detach, the log, one session at a time).

# shellcheck disable=SC2154 # $stderr is set by bats' run --separate-stderr
# shellcheck disable=SC2016 # $ in single quotes is meant for the zone's shell

load helpers
load runtime

# setup and teardown: runtime.bash's

# ---- users -------------------------------------------------------------------------

@test "login -l root runs as root" {
	boot_zone z busybox
	run -0 "$ZONECTL" login -T -l root z -- id </dev/null
	equals "$output" "uid=0(root) gid=0(root) groups=0(root)"
}

@test "login -l nobody runs as uid 65534 with no capabilities" {
	boot_zone z busybox
	run -0 "$ZONECTL" login -T -l nobody z -- id </dev/null
	equals "$output" "uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)"
	run -0 "$ZONECTL" login -T -l nobody z -- grep -E '^(Uid|Gid|CapEff):' /proc/self/status </dev/null
	equals "$output" $'Uid:\t65534\t65534\t65534\t65534\nGid:\t65534\t65534\t65534\t65534\nCapEff:\t0000000000000000'
	# and it cannot do what root in the zone can
	run ! "$ZONECTL" login -T -l nobody z -- touch /root/x </dev/null
	[ ! -e "$(zone_root z)/root/x" ]
}

@test "login -l with an unknown user fails clearly" {
	boot_zone z busybox
	run ! --separate-stderr "$ZONECTL" login -T -l nosuchuser z -- id </dev/null
	contains "$stderr" "nosuchuser"
	contains "$stderr" "no user"
	equals "$output" ""
}

# ---- exit status and stdin -----------------------------------------------------------

@test "login passes on the command's exit status" {
	boot_zone z busybox
	run -7 zlogin z sh -c 'exit 7'
	run -0 zlogin z true
	run -1 zlogin z false
}

@test "a command that cannot be run gives 127 (not found) or 126 (not executable)" {
	boot_zone z busybox
	# As sh, env, ssh and docker exec do.
	run -127 --separate-stderr zlogin z /no/such/program
	contains "$stderr" "/no/such/program"
	run -126 --separate-stderr zlogin z /etc/passwd
	contains "$stderr" "/etc/passwd"
}

@test "a command killed by signal N gives 128+N" {
	boot_zone z busybox
	run -137 zlogin z sh -c 'kill -KILL $$'
	run -143 zlogin z sh -c 'kill -TERM $$'
	run -138 zlogin z sh -c 'kill -USR1 $$'
}

@test "stdin piped into login reaches the command" {
	boot_zone z busybox
	run -0 bash -c 'printf "line one\nline two\n" | "$0" login z -- cat' "$ZONECTL"
	equals "$output" $'line one\nline two'
	# a megabyte of binary data, byte for byte, both ways
	head -c 1048576 /dev/urandom >"$BATS_TEST_TMPDIR/blob"
	run -0 bash -c '"$0" login z -- sha256sum <"$1"' "$ZONECTL" "$BATS_TEST_TMPDIR/blob"
	equals "${output%% *}" "$(sha256sum <"$BATS_TEST_TMPDIR/blob" | cut -d' ' -f1)"
	"$ZONECTL" login z -- cat <"$BATS_TEST_TMPDIR/blob" >"$BATS_TEST_TMPDIR/back"
	cmp "$BATS_TEST_TMPDIR/blob" "$BATS_TEST_TMPDIR/back"
}

# ---- pseudo-terminals ------------------------------------------------------------------

# pty_session "LOGIN-ARGS" INPUT [DELAY]: an interactive 'zonectl login
# LOGIN-ARGS' on a pseudo-terminal of script(1), INPUT typed into it after
# DELAY seconds; the session's output in $output (carriage returns removed).
pty_session() {
	local in=$2 delay=${3:-0}
	output=$( (sleep "$delay"; printf '%s' "$in"; sleep 3) |
		timeout 20 script -qec "$ZONECTL login $1" /dev/null 2>&1 | tr -d '\r')
}

# check_zone_terminal: $output of a pty session that ran the commands of
# TERMINAL_CHECK shows the zone's own terminal, on its own devpts.
TERMINAL_CHECK=$'tty\nls /dev/pts\nstat -c "dev=%d" /dev/pts/0\nexit\n'
check_zone_terminal() {
	has_line "$output" '^/dev/pts/0$'
	# the zone's devpts holds its own terminal only
	has_line "$output" '^0 +ptmx$'
	# and is a devpts instance other than the host's
	local dev
	dev=$(grep -E '^dev=[0-9]+$' <<<"$output" | head -n1)
	[ -n "$dev" ] || { echo "no dev= line in: $output" >&2; return 1; }
	[ "${dev#dev=}" != "$(stat -c %d /dev/pts/ptmx)" ] || {
		echo "the zone's terminal is on the host's devpts" >&2
		return 1
	}
}

@test "an interactive login gets a terminal of the zone's own, not the host's" {
	boot_zone z busybox
	pty_session z "$TERMINAL_CHECK" 1
	check_zone_terminal
	equals "$(zone_state z)" running
}

@test "login -t runs a shell on a terminal of the zone's own" {
	boot_zone z busybox
	pty_session "-t z -- sh" "$TERMINAL_CHECK" 1
	check_zone_terminal
	equals "$(zone_state z)" running
}

@test "what is typed before the zone's shell starts is not lost" {
	boot_zone z busybox
	# Typed at once, before login has set up its terminal.
	# (TCSADRAIN, not TCSAFLUSH, when login switches the terminal to raw mode)
	pty_session "-t z -- sh" $'echo typed-$((40 + 2))\nexit\n' 0
	has_line "$output" '^typed-42$'
}

@test "login -t allocates a terminal inside the zone for a command" {
	boot_zone z busybox
	run -0 zlogin z sh -c 'tty; true'
	equals "$output" "not a tty"
	run -0 "$ZONECTL" login -t z -- tty </dev/null
	equals "$(tr -d '\r' <<<"$output")" /dev/pts/0
	run -3 "$ZONECTL" login -t z -- sh -c 'exit 3' </dev/null
}

# ---- console ------------------------------------------------------------------------------

@test "console: ~. detaches with status 0" {
	boot_zone z busybox
	run -0 bash -c 'printf "~.\n" | timeout 10 "$0" console z' "$ZONECTL"
	equals "$(zone_state z)" running
	# detaching again works: the session was released
	run -0 bash -c 'printf "~.\n" | timeout 10 "$0" console z' "$ZONECTL"
}

@test "console: what is written to /dev/console inside is logged and shown" {
	boot_zone z busybox
	local tag=console-$$-$RANDOM
	# an attached session sees it
	(
		sleep 1.5
		printf '~.\n'
	) | timeout 20 "$ZONECTL" console z >"$BATS_TEST_TMPDIR/attached" 2>&1 &
	track_pid $!
	sleep 0.5
	run -0 zlogin z sh -c "echo $tag >/dev/console"
	wait_until 10 grep -q "$tag" "$(console_log z)"
	wait_until 10 grep -q "$tag" "$BATS_TEST_TMPDIR/attached"
	# and what init prints goes there too
	run -0 zonectl halt z
	contains "$(cat "$(console_log z)")" "zone z halted"
}

@test "console: a second attach is refused while one is attached" {
	boot_zone z busybox
	sleep 3 | timeout 20 "$ZONECTL" console z >/dev/null 2>&1 &
	track_pid $!
	sleep 0.5
	run ! --separate-stderr bash -c 'timeout 10 "$0" console z </dev/null' "$ZONECTL"
	contains "$stderr" "another session"
	# the first one is still attached
	sleep 0.2
	run ! --separate-stderr bash -c 'timeout 10 "$0" console z </dev/null' "$ZONECTL"
	contains "$stderr" "another session"
}

@test "console of a halted zone fails clearly" {
	make_zone z busybox
	run ! --separate-stderr bash -c 'timeout 10 "$0" console z </dev/null' "$ZONECTL"
	contains "$stderr" "console z"
	contains "$stderr" "not running"
}
