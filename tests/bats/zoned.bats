# SPDX-License-Identifier: GPL-2.0-or-later
# zoned, the daemon: supervision (zones outlive zoned, a new zoned adopts
# them), clients that die mid-request, the socket protocol against hostile
# and slow clients, connection limits, many clients at once, autoboot and
# shutting every zone down.  Raw protocol messages are sent with python3.

# shellcheck disable=SC2154 # $stderr is set by bats' run --separate-stderr
# shellcheck disable=SC2016 # $ in single quotes is meant for the zone's shell

load helpers
load runtime

# setup and teardown: runtime.bash's

# ---- helpers ---------------------------------------------------------------------------

# A varlink client for raw messages: python3 -c "$VARLINK_PY" MODE ARGS...
#   send TEXT       send TEXT and a NUL; print the reply, then "closed" or
#                   "open" (whether zoned hung up within 2 s)
#   big             send a 1 MiB + 100 byte message; same output
#   stall           send half a message and stop; print the reply, the
#                   seconds until it came, and "closed"/"open"
#   flood N HOLD    open N connections, print "refused=K quiet=M" and one
#                   refusal, hold them all until HOLD seconds have passed
VARLINK_PY='
import os, socket, sys, time
path = os.environ.get("ZONED_SOCKET") or os.environ["ZONES_ROOT"] + "/zoned.sock"

def connect():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    return s

def reply(s, timeout):
    """One NUL-terminated message (without the NUL), or None."""
    s.settimeout(timeout)
    buf = b""
    try:
        while b"\0" not in buf:
            d = s.recv(65536)
            if not d:
                return None
            buf += d
    except (socket.timeout, ConnectionResetError):
        return None
    return buf.split(b"\0", 1)[0].decode()

def closed(s, timeout=2):
    s.settimeout(timeout)
    try:
        return "closed" if s.recv(1) == b"" else "open"
    except ConnectionResetError:
        return "closed"
    except socket.timeout:
        return "open"

def send(s, data):
    s.settimeout(10)
    try:
        s.sendall(data)
    except (BrokenPipeError, ConnectionResetError):
        pass  # zoned stopped reading; its reply is still there to read

mode = sys.argv[1]
if mode in ("send", "big"):
    s = connect()
    if mode == "send":
        send(s, sys.argv[2].encode() + b"\0")
    else:
        pad = b"a" * ((1 << 20) + 100)
        send(s, b"{\"method\":\"io.zones.List\",\"parameters\":{\"pad\":\"" + pad + b"\"}}\0")
    print(reply(s, 10))
    print(closed(s))
elif mode == "stall":
    s = connect()
    t0 = time.monotonic()
    send(s, b"{\"method\":\"io.zones.Li")
    r = reply(s, 30)
    print(r)
    print("%.2f" % (time.monotonic() - t0))
    print(closed(s))
elif mode == "flood":
    n, hold = int(sys.argv[2]), float(sys.argv[3])
    t0 = time.monotonic()
    socks = [connect() for _ in range(n)]
    time.sleep(1)
    refused, quiet, first = 0, 0, ""
    for s in socks:
        s.setblocking(False)
        try:
            d = s.recv(65536)
        except BlockingIOError:
            quiet += 1
            continue
        if d:
            refused += 1
            first = first or d.split(b"\0", 1)[0].decode()
    print("refused=%d quiet=%d" % (refused, quiet))
    print(first, flush=True)
    time.sleep(max(0, hold - (time.monotonic() - t0)))
'

vl() { python3 -c "$VARLINK_PY" "$@"; }

# A python3 that users other than root may run (root's may be a pyenv shim
# under /root).
USER_PYTHON=${USER_PYTHON:-/usr/bin/python3}

now_ms() { date +%s%3N; }

zoned_pid() { cat "$ZONES_ROOT/zoned.pid"; }
zoned_log() { cat "$ZONES_ROOT/log/zoned.log"; }

# start_zoned: make sure the test's zoned runs (zonectl starts it).
start_zoned() {
	"$ZONECTL" list >/dev/null
	alive "$(zoned_pid)"
}

# gone PID: the process is no longer there (for wait_until).
gone() { ! alive "$1"; }

# shutdown_marker NAME: give the zone an /etc/rc.shutdown that leaves a marker
# in its /root, which zinit runs when it is asked to shut down (SIGPWR).
shutdown_marker() {
	local r
	r=$(zone_root "$1")
	printf 'echo "shut down by rc.shutdown" >/root/shutdown-marker\n' >"$r/etc/rc.shutdown"
	rm -f "$r/root/shutdown-marker"
}

# state_is NAME STATE: the zone's record on disk says STATE (no zoned needed).
state_is() { [ "$(state_get "$1" state)" = "$2" ]; }

# ---- the binary ----------------------------------------------------------------------------

@test "zoned --help prints its usage" {
	run -0 "$ZONED" --help
	contains "$output" "Usage: zoned"
	contains "$output" "--root DIR"
	contains "$output" "--shutdown-zones"
	contains "$output" "--timeout SECONDS"
}

@test "a second zoned for the same root exits 0 saying it is already running" {
	start_zoned
	local pid
	pid=$(zoned_pid)
	run -0 --separate-stderr "$ZONED" --root "$ZONES_ROOT"
	contains "$stderr" "already running"
	contains "$stderr" "$ZONES_ROOT"
	equals "$(zoned_pid)" "$pid"
	alive "$pid"
	run -0 zonectl list
}

# ---- the protocol --------------------------------------------------------------------------

@test "GetInfo returns vendor and product" {
	start_zoned
	run -0 vl send '{"method":"org.varlink.service.GetInfo","parameters":{}}'
	local info=${lines[0]}
	equals "$(jget parameters.vendor <<<"$info")" zones
	equals "$(jget parameters.product <<<"$info")" zoned
	[ "$(jget parameters.version <<<"$info")" != MISSING ]
	has_line "$(jget parameters.interfaces <<<"$info")" '^io\.zones$'
	# and the connection stays open for the next request
	equals "${lines[1]}" open
}

@test "a method of another interface gets org.varlink.service.MethodNotFound" {
	start_zoned
	run -0 vl send '{"method":"com.example.Frobnicate","parameters":{}}'
	equals "$(jget error <<<"${lines[0]}")" org.varlink.service.MethodNotFound
	contains "$(jget parameters.message <<<"${lines[0]}")" "com.example.Frobnicate"
}

@test "an unknown io.zones method gets org.varlink.service.MethodNotFound" {
	start_zoned
	# (an io.zones.* name that is no method is MethodNotFound, naming the method)
	run -0 vl send '{"method":"io.zones.Frobnicate","parameters":{}}'
	equals "$(jget error <<<"${lines[0]}")" org.varlink.service.MethodNotFound
	contains "$(jget parameters.message <<<"${lines[0]}")" "io.zones.Frobnicate"
}

@test "malformed JSON gets an error naming the problem, and the connection is closed" {
	start_zoned
	run -0 vl send '{"method": "io.zones.List", "parameters": {'
	local r=${lines[0]}
	[ "$r" != None ]
	[ "$(jget error <<<"$r")" != MISSING ]
	contains "$(jget parameters.message <<<"$r")" "malformed"
	# the parser's complaint, not only "error"
	contains "$(jget parameters.message <<<"$r")" "expected"
	equals "${lines[1]}" closed

	run -0 vl send 'not json at all'
	contains "$(jget parameters.message <<<"${lines[0]}")" "malformed"
	equals "${lines[1]}" closed

	# zoned itself is fine
	run -0 zonectl list
}

@test "a message over 1 MiB gets an error and the connection is closed" {
	start_zoned
	run -0 vl big
	local r=${lines[0]}
	[ "$r" != None ]
	equals "$(jget error <<<"$r")" io.zones.MessageTooLarge
	contains "$(jget parameters.message <<<"$r")" "1048576"
	equals "${lines[1]}" closed
	run -0 zonectl list
}

@test "a client that stalls mid-message is cut off after about 5 s; others are served meanwhile" {
	start_zoned
	zonectl create web --brand busybox
	vl stall >"$BATS_TEST_TMPDIR/stall" &
	local py=$!
	track_pid "$py"
	sleep 1
	local t0 t1
	t0=$(now_ms)
	run -0 zonectl list -p
	t1=$(now_ms)
	has_line "$output" ':web:configured:'
	[ $((t1 - t0)) -lt 1000 ] || { echo "list took $((t1 - t0)) ms during the stall" >&2; false; }
	wait "$py"
	mapfile -t res <"$BATS_TEST_TMPDIR/stall"
	equals "$(jget error <<<"${res[0]}")" io.zones.Timeout
	# cut off after about 5 s, not at once and not much later
	python3 -c 'import sys; t = float(sys.argv[1]); sys.exit(0 if 4.5 <= t <= 8 else 1)' "${res[1]}" ||
		{ echo "cut off after ${res[1]} s" >&2; false; }
	equals "${res[2]}" closed
}

# ---- many clients ------------------------------------------------------------------------

# many_lists DIR N: N concurrent `list -p`, each's output in DIR/I.out and
# DIR/I.err; prints how many exited 0.
many_lists() {
	local d=$1 i ok=0
	local -a pids=()
	mkdir "$d"
	for i in $(seq "$2"); do
		"$ZONECTL" list -p >"$d/$i.out" 2>"$d/$i.err" &
		pids+=($!)
	done
	for i in "${pids[@]}"; do
		if wait "$i"; then ok=$((ok + 1)); fi
	done
	echo "$ok"
}

@test "200 concurrent clients are all served" {
	zonectl create web --brand busybox
	local d=$BATS_TEST_TMPDIR/many i ok
	ok=$(many_lists "$d" 200)
	equals "$ok" 200
	for i in $(seq 200); do
		grep -q ':web:configured:' "$d/$i.out" || { cat "$d/$i.err" >&2; false; }
	done
}

@test "200 concurrent clients with no zoned running: one zoned starts, all are served" {
	zonectl create web --brand busybox
	stop_zoned
	local d=$BATS_TEST_TMPDIR/many ok
	ok=$(many_lists "$d" 200)
	if [ "$ok" != 200 ]; then
		cat "$d"/*.err | sort | uniq -c >&2
	fi
	equals "$ok" 200
	alive "$(zoned_pid)"
	# one zoned serves the root
	equals "$(grep -c ' started for ' "$ZONES_ROOT/log/zoned.log")" 2
}

@test "an unprivileged connection flood does not lock root out; past the limit it is refused" {
	[ -x "$USER_PYTHON" ] || skip "no python3 for an unprivileged user (set USER_PYTHON)"
	start_zoned
	zonectl create web --brand busybox
	local out=$BATS_TEST_TMPDIR/flood
	setpriv --reuid=65534 --regid=65534 --clear-groups -- \
		"$USER_PYTHON" -c "$VARLINK_PY" flood 100 4 >"$out" 2>&1 &
	local py=$!
	track_pid "$py"
	wait_until 10 grep -q '^refused=' "$out"
	alive "$py" # still holding its connections
	local t0 t1
	t0=$(now_ms)
	run -0 zonectl list -p
	t1=$(now_ms)
	has_line "$output" ':web:configured:'
	[ $((t1 - t0)) -lt 1000 ] || { echo "list took $((t1 - t0)) ms during the flood" >&2; false; }
	alive "$py"
	wait "$py"
	# 64 connections per uid; the other 36 get an error reply at once
	has_line "$(cat "$out")" '^refused=36 quiet=64$'
	local first
	first=$(sed -n 2p "$out")
	[ "$(jget error <<<"$first")" != MISSING ]
	contains "$(jget parameters.message <<<"$first")" "too many connections"
}

# ---- supervision ----------------------------------------------------------------------------

@test "kill -9 of zoned stops no zone; a new zoned adopts them and halt leaves nothing" {
	local z
	for z in a b c; do boot_zone "$z" busybox; done
	declare -A init mon cg
	for z in a b c; do
		init[$z]=$(state_get "$z" init_pid)
		mon[$z]=$(state_get "$z" monitor_pid)
		cg[$z]=$(state_get "$z" extra.cgroups)
		[ -n "${cg[$z]}" ]
	done
	local old
	old=$(zoned_pid)
	kill -9 "$old"
	wait_until 5 gone "$old"
	sleep 0.5
	for z in a b c; do
		alive "${init[$z]}"
		alive "${mon[$z]}"
	done

	# the next zonectl starts a new zoned, which adopts the three
	run -0 zonectl list -p
	for z in a b c; do has_line "$output" "^[0-9]+:$z:running:"; done
	local new
	new=$(zoned_pid)
	[ "$new" != "$old" ]
	alive "$new"
	has_line "$(zoned_log)" "zoned\[$new\]: adopted 3 running zone"

	for z in a b c; do
		run -0 zonectl login -T "$z" -- true
		run -0 zonectl login -T "$z" -- cat /etc/hostname
		equals "$output" "$z"
		equals "$(state_get "$z" init_pid)" "${init[$z]}"
	done

	for z in a b c; do
		run -0 zonectl halt "$z"
		equals "$(zone_state "$z")" installed
	done
	local d
	for z in a b c; do
		wait_until 5 gone "${init[$z]}"
		wait_until 5 gone "${mon[$z]}"
		for d in ${cg[$z]}; do
			[ ! -e "$d" ] || { echo "left behind: $d" >&2; false; }
		done
		[ ! -e "$ZONES_ROOT/run/$z.sock" ]
		[ ! -e "$ZONES_ROOT/run/$z.live" ]
		state_is "$z" installed
	done
}

@test "SIGTERM stops zoned, not its zones" {
	boot_zone a busybox
	boot_zone b busybox
	local ia ib ma
	ia=$(state_get a init_pid)
	ib=$(state_get b init_pid)
	ma=$(state_get a monitor_pid)
	local old
	old=$(zoned_pid)
	kill -TERM "$old"
	wait_until 5 gone "$old"
	[ ! -e "$ZONES_ROOT/zoned.sock" ]
	has_line "$(zoned_log)" "zoned\[$old\]: stopped by signal 15"
	alive "$ia"
	alive "$ib"
	alive "$ma"
	state_is a running
	run -0 zonectl list -p
	has_line "$output" '^[0-9]+:a:running:'
	has_line "$output" '^[0-9]+:b:running:'
	run -0 zonectl login -T a -- true
	run -0 zonectl halt a
	wait_until 5 gone "$ia"
	alive "$ib"
}

# is_stopped PID: the process is stopped (state T).
is_stopped() {
	[ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)" = T ]
}

@test "a client killed in the middle of boot leaves the zone running or installed, never half-booted" {
	make_zone z busybox
	# A boot takes some 4 ms here (and `sleep` itself about 1 ms); the kills
	# land before (0: at once), during and after the request, by SIGKILL and
	# by SIGINT (^C) in turn.  Each client starts stopped and is let go just
	# before its delay, so that on a loaded machine too some kills land
	# while it runs.
	local delay st seen='' sig=KILL hits=0
	for delay in 0 0.0005 0.001 0.002 0.003 0.004 0.006 0.008 0.012 0.020; do
		bash -c 'kill -STOP $$; exec "$0" boot z' "$ZONECTL" >/dev/null 2>&1 &
		local c=$!
		wait_until 5 is_stopped "$c"
		kill -CONT "$c"
		[ "$delay" = 0 ] || sleep "$delay"
		if alive "$c"; then hits=$((hits + 1)); fi
		kill -"$sig" "$c" 2>/dev/null || true
		wait "$c" 2>/dev/null || true
		sleep 1
		st=$(zone_state z)
		case $st in
		running)
			state_is z running
			run -0 zonectl login -T z -- cat /proc/1/cmdline
			contains "$output" /sbin/zinit
			alive "$(state_get z init_pid)"
			alive "$(state_get z monitor_pid)"
			run -0 zonectl halt z
			;;
		installed)
			state_is z installed
			;;
		*)
			echo "after a client killed (SIG$sig) $delay s into boot: state '$st'" >&2
			false
			;;
		esac
		seen="$seen $st"
		# whatever happened, the zone boots and halts as usual afterwards
		run -0 zonectl boot z
		equals "$(zone_state z)" running
		run -0 zonectl halt z
		equals "$(zone_state z)" installed
		if [ "$sig" = KILL ]; then sig=INT; else sig=KILL; fi
	done
	echo "# states seen:$seen; $hits kills landed while the client ran" >&3
	# the test did kill clients in flight
	[ "$hits" -gt 0 ]
}

# ---- autoboot and shutting down --------------------------------------------------------------

@test "autoboot: a new zoned boots an installed autoboot zone" {
	make_zone auto busybox
	make_zone manual busybox
	run -0 zonectl set auto autoboot=true
	equals "$(zone_state auto)" installed
	stop_zoned
	gone "$(zoned_pid)"
	# any zonectl command starts a new zoned
	run -0 zonectl list
	wait_until 10 state_is auto running
	equals "$(zone_state auto)" running
	equals "$(zone_state manual)" installed
	run -0 zonectl login -T auto -- cat /etc/hostname
	equals "$output" auto
	has_line "$(zoned_log)" "autoboot auto: running"
}

@test "zoned --shutdown-zones shuts every running zone down through its init" {
	local z
	for z in a b; do
		make_zone "$z" busybox
		shutdown_marker "$z"
		run -0 zonectl boot "$z"
	done
	make_zone idle busybox
	local ia ib
	ia=$(state_get a init_pid)
	ib=$(state_get b init_pid)
	run -0 "$ZONED" --root "$ZONES_ROOT" --shutdown-zones --timeout 5
	for z in a b; do
		# init took the shutdown path (rc.shutdown ran), not a SIGKILL
		[ -f "$(zone_root "$z")/root/shutdown-marker" ]
		equals "$(cat "$(zone_root "$z")/root/shutdown-marker")" "shut down by rc.shutdown"
		state_is "$z" installed
		equals "$(zone_state "$z")" installed
	done
	state_is idle installed
	wait_until 5 gone "$ia"
	wait_until 5 gone "$ib"
	has_line "$(zoned_log)" "shutdown a: done"
	has_line "$(zoned_log)" "shutdown b: done"
}

@test "SIGPWR to zoned shuts every zone down, then zoned exits" {
	local z
	for z in a b; do
		make_zone "$z" busybox
		shutdown_marker "$z"
		run -0 zonectl boot "$z"
	done
	local ia ib pid
	ia=$(state_get a init_pid)
	ib=$(state_get b init_pid)
	pid=$(zoned_pid)
	kill -PWR "$pid"
	wait_until 20 gone "$pid"
	# zoned stopped after the zones were down, not before.
	# (zoned waits for its own shutdown workers by pid: as a subreaper it
	# also reaps the zones' monitors, which must not count)
	local order
	order=$(grep -E "shutdown [ab]: done|zoned\[$pid\]: stopped" "$ZONES_ROOT/log/zoned.log" |
		sed -E 's/.*(shutdown [ab]: done|stopped)$/\1/' | tr '\n' ,)
	matches "$order" '^shutdown [ab]: done,shutdown [ab]: done,stopped,$'
	# so when zoned is gone the records on disk say installed already
	for z in a b; do
		state_is "$z" installed
		equals "$(cat "$(zone_root "$z")/root/shutdown-marker")" "shut down by rc.shutdown"
	done
	wait_until 5 gone "$ia"
	wait_until 5 gone "$ib"
	has_line "$(zoned_log)" "zoned\[$pid\]: SIGPWR: shutting every zone down"
	has_line "$(zoned_log)" "zoned\[$pid\]: stopped"
	# a new zoned sees them installed
	equals "$(zone_state a)" installed
	equals "$(zone_state b)" installed
}
