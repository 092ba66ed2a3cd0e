# SPDX-License-Identifier: GPL-2.0-or-later
# Hostile send streams (issue 12, point 5), and what a good one keeps.
#
# Each hostile stream is a real `zonectl send` of a busybox zone, edited
# with tests/bats/streamcraft.py (Python's tarfile, pax): the manifest first,
# the config second, the digest trailer last, the manifest's declared counts
# adjusted where a test wants the stream otherwise consistent, and nothing
# recomputed that the test wants caught.  Every refusal is checked for
#   (a) an error that names the problem,
#   (b) no half zone: 'zonectl list' is empty and ZONES_ROOT/zones is empty,
#   (c) nothing written outside the target: a canary directory the stream
#       aims at is as it was (and neither its file nor /etc/passwd has a
#       second name: a hard link),
#   (d) zoned still answers, and is the same process.

# shellcheck disable=SC2154 # $stderr is set by bats' run --separate-stderr
# shellcheck disable=SC2016 # $ in single quotes is meant for bash -c

load helpers
load runtime

bats_require_minimum_version 1.5.0

export ZONECTL # for the pipelines run under bash -c

# ---- the stream every test edits: made once, from a zone of its own ---------

setup_file() {
	STREAMS_DIR=$(mktemp -d /tmp/zones-streams.XXXXXX)
	export STREAMS_DIR BASE_TAR="$STREAMS_DIR/web.tar"
	ZONES_ROOT="$STREAMS_DIR/root"
	mkdir -m 0755 "$ZONES_ROOT"
	export ZONES_ROOT
	"$ZONECTL" create web --brand busybox >/dev/null
	"$ZONECTL" install web >/dev/null
	"$ZONECTL" send web --compress none -o "$BASE_TAR" >/dev/null
	"$ZONECTL" send web --compress zstd -o "$BASE_TAR.zst" >/dev/null
	# what its manifest declares (the busybox root's size differs between builds)
	BASE_BYTES=$(python3 -c '
import json, sys, tarfile
t = tarfile.open(sys.argv[1])
print(json.load(t.extractfile("zone/manifest.json"))["root"]["bytes"])' "$BASE_TAR")
	export BASE_BYTES
	common_teardown
}

teardown_file() {
	# the source zone's root, if setup_file stopped half-way
	ZONES_ROOT="$STREAMS_DIR/root" common_teardown
	rm -rf --one-file-system "${STREAMS_DIR:?}"
}

setup() {
	common_setup
	CANARY=$(mktemp -d /tmp/zones-canary.XXXXXX)
	echo "the canary" >"$CANARY/keep"
	CANARY_ID=$(stat -c %i:%h "$CANARY/keep")
	export CANARY
	# zoned, up before anything is received
	run -0 zonectl list
	ZONED_PID=$(cat "$ZONES_ROOT/zoned.pid")
}

teardown() {
	# a writer a failed test left waiting
	if [ -n "${SLOW_FLAG:-}" ]; then touch "$SLOW_FLAG"; fi
	if [ -n "${BG_PID:-}" ]; then kill "$BG_PID" 2>/dev/null || true; fi
	common_teardown
	rm -rf --one-file-system "${CANARY:?}"
}

# ---- helpers ----------------------------------------------------------------

# craft OUT <<'PY' ... PY: run the Python snippet on stdin with `s`, the base
# stream loaded (streamcraft.Stream), OUT and CANARY; unless the snippet
# wrote OUT itself, s is written there uncompressed.
craft() {
	PYTHONPATH="$BATS_TEST_DIRNAME" python3 -c '
import os, sys
from streamcraft import *
s = Stream.load(sys.argv[1])
OUT, CANARY = sys.argv[2], os.environ["CANARY"]
exec(compile(sys.stdin.read(), "craft", "exec"))
if not os.path.exists(OUT):
    s.write(OUT)
' "$BASE_TAR" "$1"
}

# The canary as it was, and no second name for it or for /etc/passwd.  (Not
# /etc/passwd's content: other test suites on the host add users.)
canary_intact() {
	local got
	got=$(cd "$CANARY" && find . | sort | tr '\n' ' ')
	equals "$got" ". ./keep "
	equals "$(cat "$CANARY/keep")" "the canary"
	equals "$(stat -c %i:%h "$CANARY/keep")" "$CANARY_ID"
	equals "$(stat -c %h /etc/passwd)" 1
}

# No zone, no zonepath, no leftover of the store's; zoned the same and answering.
no_half_zone() {
	run -0 zonectl list
	equals "$output" ""
	local left
	left=$(find "$ZONES_ROOT/zones" -mindepth 1 2>/dev/null)
	equals "$left" ""
	left=$(store_files)
	equals "$left" ""
	alive "$ZONED_PID"
	equals "$(cat "$ZONES_ROOT/zoned.pid")" "$ZONED_PID"
}

# refused STREAM MESSAGE [RECEIVE-OPTIONS...]: receive fails with MESSAGE in
# its error, and leaves no trace (no_half_zone, canary_intact).
refused() {
	local stream=$1 msg=$2
	shift 2
	run -1 --separate-stderr zonectl receive -i "$stream" "$@"
	contains "$stderr" "zonectl: receive"
	contains "$stderr" "$msg"
	equals "$output" ""
	no_half_zone
	canary_intact
}

# refused_pipe MESSAGE COMMAND...: COMMAND's output piped to receive, refused.
refused_pipe() {
	local msg=$1
	shift
	run -1 --separate-stderr bash -c '"$@" | "$ZONECTL" receive' _ "$@"
	contains "$stderr" "zonectl: receive"
	contains "$stderr" "$msg"
	no_half_zone
	canary_intact
}

# ---- names: .., absolute, too long, too deep --------------------------------

@test "a member with .. is refused" {
	craft "$BATS_TEST_TMPDIR/s" <<'PY'
s.add(entry("root/../../../../../../../../../.." + CANARY + "/dotdot", data=b"escaped"))
s.declare(files=1, bytes=7)
PY
	refused "$BATS_TEST_TMPDIR/s" 'a ".." component'
	craft "$BATS_TEST_TMPDIR/s2" <<'PY'
s.add(entry("root/etc/../../x", data=b"escaped"))
s.declare(files=1, bytes=7)
PY
	refused "$BATS_TEST_TMPDIR/s2" 'member "root/etc/../../x": a ".." component'
}

@test "an absolute member name is refused" {
	craft "$BATS_TEST_TMPDIR/s" <<'PY'
s.add(entry(CANARY + "/absolute", data=b"escaped"))
s.declare(files=1, bytes=7)
PY
	refused "$BATS_TEST_TMPDIR/s" "member \"$CANARY/absolute\": an absolute name"
}

@test "a member outside root/ and zone/ is refused" {
	craft "$BATS_TEST_TMPDIR/s" <<'PY'
s.add(entry("etc/passwd", data=b"root::0:0::/:/bin/sh\n"))
s.declare(files=1, bytes=21)
PY
	refused "$BATS_TEST_TMPDIR/s" 'member "etc/passwd": not under root/'
}

@test "4096-deep directories are refused past 256" {
	craft "$BATS_TEST_TMPDIR/s" <<'PY'
s.add(*[entry("root/" + "/".join(["d"] * i), "dir") for i in range(1, 4097)])
s.declare(files=4096)
PY
	refused "$BATS_TEST_TMPDIR/s" "more than 256 directories deep"
}

@test "a PATH_MAX name is refused, and a component over NAME_MAX" {
	craft "$BATS_TEST_TMPDIR/s" <<'PY'
name = "root/" + "/".join(["n" * 200] * 21)   # 4225 bytes, each component legal
s.add(entry(name, data=b"x"))
s.declare(files=1, bytes=1)
PY
	refused "$BATS_TEST_TMPDIR/s" "a member name of 4225 bytes (PATH_MAX is 4096)"
	craft "$BATS_TEST_TMPDIR/s2" <<'PY'
s.add(entry("root/" + "n" * 256, data=b"x"))
s.declare(files=1, bytes=1)
PY
	refused "$BATS_TEST_TMPDIR/s2" "a name of 256 bytes (NAME_MAX is 255)"
}

@test "names from the stream reach the terminal quoted" {
	craft "$BATS_TEST_TMPDIR/s" <<'PY'
s.add(entry("root/\x1b]0;owned\x07/../x", data=b"x"))
s.declare(files=1, bytes=1)
PY
	refused "$BATS_TEST_TMPDIR/s" 'member "root/\x1b]0;owned\x07/../x": a ".." component'
	not_contains "$stderr" $'\x1b'
	# a device node's name, listed
	craft "$BATS_TEST_TMPDIR/s2" <<'PY'
s.add(entry("root/etc/\x1b[2Jnull", "chr", devmajor=1, devminor=3))
s.declare(files=1)
PY
	run -0 zonectl receive -i "$BATS_TEST_TMPDIR/s2"
	contains "$output" 'web: device node not made: "etc/\x1b[2Jnull"'
	not_contains "$output" $'\x1b'
}

# ---- links ------------------------------------------------------------------

@test "a file through a symlink is refused, absolute or relative target" {
	craft "$BATS_TEST_TMPDIR/s" <<'PY'
s.add(entry("root/a", "symlink", linkname=CANARY),
      entry("root/a/x", data=b"escaped"))
s.declare(files=2, bytes=7)
PY
	refused "$BATS_TEST_TMPDIR/s" '"a/x": its directory "a" (a symlink on the way'
	craft "$BATS_TEST_TMPDIR/s2" <<'PY'
s.add(entry("root/etc/a", "symlink", linkname="../../../../../../../.." + CANARY),
      entry("root/etc/a/sub", "dir"),
      entry("root/etc/a/sub/x", data=b"escaped"))
s.declare(files=3, bytes=7)
PY
	refused "$BATS_TEST_TMPDIR/s2" '"etc/a/sub": its directory "etc/a" (a symlink on the way'
}

@test "a symlink replaced by a file of the same name is refused" {
	craft "$BATS_TEST_TMPDIR/s" <<'PY'
s.add(entry("root/a", "symlink", linkname=CANARY + "/keep"),
      entry("root/a", data=b"overwritten"))
s.declare(files=2, bytes=11)
PY
	refused "$BATS_TEST_TMPDIR/s" '"a": in the stream twice'
}

@test "a hard link out of the root is refused" {
	local t
	for t in ../../etc/passwd root/../../../../../../../etc/passwd /etc/passwd \
		"../../../../../../../..$CANARY/keep" "$CANARY/keep"; do
		T=$t craft "$BATS_TEST_TMPDIR/s" <<'PY'
s.add(entry("root/pw", "hardlink", linkname=os.environ["T"]))
s.declare(files=1)
PY
		refused "$BATS_TEST_TMPDIR/s" '"pw": hard link: member'
		rm "$BATS_TEST_TMPDIR/s"
	done
}

@test "a hard link through a symlink is refused" {
	craft "$BATS_TEST_TMPDIR/s" <<'PY'
s.add(entry("root/e", "symlink", linkname="/etc"),
      entry("root/pw", "hardlink", linkname="root/e/passwd"))
s.declare(files=2)
PY
	refused "$BATS_TEST_TMPDIR/s" '"pw": a hard link to "e/passwd", which is no regular file received before'
	# a link to the symlink itself: not a regular file either
	craft "$BATS_TEST_TMPDIR/s2" <<'PY'
s.add(entry("root/e", "symlink", linkname="/etc/passwd"),
      entry("root/pw", "hardlink", linkname="root/e"))
s.declare(files=2)
PY
	refused "$BATS_TEST_TMPDIR/s2" '"pw": a hard link to "e", which is no regular file received before'
}

@test "a hard link to a path never received is refused" {
	craft "$BATS_TEST_TMPDIR/s" <<'PY'
s.add(entry("root/pw", "hardlink", linkname="root/never/sent"))
s.declare(files=1)
PY
	refused "$BATS_TEST_TMPDIR/s" '"pw": a hard link to "never/sent", which is no regular file received before'
	# nor to a directory that was
	craft "$BATS_TEST_TMPDIR/s2" <<'PY'
s.add(entry("root/dl", "hardlink", linkname="root/etc"))
s.declare(files=1)
PY
	refused "$BATS_TEST_TMPDIR/s2" '"dl": a hard link to "etc", which is no regular file received before'
}

# ---- device nodes -----------------------------------------------------------

@test "device nodes in a stream are stripped and listed; the zone is received" {
	craft "$BATS_TEST_TMPDIR/s" <<'PY'
s.add(entry("root/devs", "dir"),
      entry("root/devs/sda", "blk", devmajor=8, devminor=0, mode=0o666),
      entry("root/devs/mem", "chr", devmajor=1, devminor=1, mode=0o666))
s.declare(files=3)
PY
	# the digest trailer is the sender's, which had no root/devs: a stream
	# with a directory more is refused by it; one without the directory is not
	run -1 --separate-stderr zonectl receive -i "$BATS_TEST_TMPDIR/s"
	contains "$stderr" "the digest of what arrived"
	no_half_zone
	craft "$BATS_TEST_TMPDIR/s2" <<'PY'
s.add(entry("root/etc/sda", "blk", devmajor=8, devminor=0, mode=0o666),
      entry("root/etc/mem", "chr", devmajor=1, devminor=1, mode=0o666))
s.declare(files=2)
PY
	run -0 zonectl receive -i "$BATS_TEST_TMPDIR/s2"
	contains "$output" "web: installed"
	contains "$output" "web: device node not made: etc/sda"
	contains "$output" "web: device node not made: etc/mem"
	[ ! -e "$(zone_root web)/etc/sda" ] && [ ! -L "$(zone_root web)/etc/sda" ]
	[ ! -e "$(zone_root web)/etc/mem" ] && [ ! -L "$(zone_root web)/etc/mem" ]
	equals "$(zone_state web)" installed
	[ -x "$(zone_root web)/bin/busybox" ]
	canary_intact
}

@test "device nodes in a real zone are sent, stripped on receive, and listed" {
	zonectl create src --brand busybox
	zonectl install src
	mkdir "$(zone_root src)/dev/disks" 2>/dev/null || mkdir -p "$(zone_root src)/dev/disks"
	mknod -m 0600 "$(zone_root src)/dev/disks/sda" b 8 0
	mknod -m 0666 "$(zone_root src)/dev/kmem" c 1 2
	zonectl send src -o "$BATS_TEST_TMPDIR/src.zst"
	run -0 --separate-stderr zonectl receive dst -i "$BATS_TEST_TMPDIR/src.zst"
	contains "$output" "dst: installed"
	contains "$output" "dst: device node not made: dev/disks/sda"
	contains "$output" "dst: device node not made: dev/kmem"
	[ -d "$(zone_root dst)/dev/disks" ]
	[ ! -e "$(zone_root dst)/dev/disks/sda" ]
	[ ! -e "$(zone_root dst)/dev/kmem" ]
	equals "$(zone_state dst)" installed
}

# ---- sizes and counts -------------------------------------------------------

@test "an archive of more bytes than the manifest declares is refused" {
	craft "$BATS_TEST_TMPDIR/s" <<'PY'
m = s.get("root/etc/hostname")
m[1] = b"x" * (4 << 20)     # the same entries, 4 MiB more
PY
	refused "$BATS_TEST_TMPDIR/s" "more bytes than the manifest declares"
}

@test "an archive of more entries than the manifest declares is refused" {
	craft "$BATS_TEST_TMPDIR/s" <<'PY'
s.add(entry("root/extra", data=b""))
PY
	refused "$BATS_TEST_TMPDIR/s" "more entries than the manifest declares (292)"
}

@test "a stream bigger than --max-size is refused before anything is written" {
	refused "$BASE_TAR.zst" "the manifest declares $BASE_BYTES bytes, more than 1048576 (--max-size" --max-size 1M
	# and one that lies in its manifest is stopped while it is read
	craft "$BATS_TEST_TMPDIR/s" <<'PY'
s.set_root(bytes=1000)
PY
	refused "$BATS_TEST_TMPDIR/s" "more bytes than the manifest declares (1000)" --max-size 1M
}

@test "a sparse file bigger than declared is refused before its holes are hashed" {
	craft "$BATS_TEST_TMPDIR/s" <<'PY'
s.add(sparse_entry("root/huge", 1 << 50))   # a PiB of hole, no data
s.declare(files=1)
PY
	SECONDS=0
	refused "$BATS_TEST_TMPDIR/s" '"huge": 1125899906842624 bytes, more than'
	refused "$BATS_TEST_TMPDIR/s" "(--max-size, or the free space here)"
	refused "$BATS_TEST_TMPDIR/s" "\"huge\": more bytes than the manifest declares ($BASE_BYTES)" --max-size 2000T
	[ "$SECONDS" -lt 20 ]
}

@test "a manifest declaring 10^6 files is refused before extraction" {
	refused "$BASE_TAR" "the manifest declares 292 files, more than 100 (--max-files)" --max-files 100
	refused_pipe "the manifest declares 1000000 files, more than 500000 (--max-files)" \
		python3 -c '
import sys; sys.path.insert(0, sys.argv[1])
from streamcraft import *
s = Stream.load(sys.argv[2]); s.set_root(files=1000000)
s.write_many(sys.stdout.buffer, 1000000)' "$BATS_TEST_DIRNAME" "$BASE_TAR"
}

@test "10^6 files behind a manifest that declares fewer are refused while read" {
	SECONDS=0
	refused_pipe "more entries than the manifest declares (292)" \
		python3 -c '
import sys; sys.path.insert(0, sys.argv[1])
from streamcraft import *
s = Stream.load(sys.argv[2])
s.write_many(sys.stdout.buffer, 1000000)' "$BATS_TEST_DIRNAME" "$BASE_TAR"
	[ "$SECONDS" -lt 30 ]
}

@test "a live manifest lifts no limit of a full receive" {
	refused_pipe "a move's first pass" \
		python3 -c '
import sys; sys.path.insert(0, sys.argv[1])
from streamcraft import *
s = Stream.load(sys.argv[2]); s.edit_manifest(lambda m: m.update(live=True))
s.write_many(sys.stdout.buffer, 1000000)' "$BATS_TEST_DIRNAME" "$BASE_TAR"
}

@test "a zstd bomb declared small is refused" {
	craft "$BATS_TEST_TMPDIR/s" <<'PY'
s.declare(files=1)
zstd_bomb(s, "root/bomb", 16, OUT)      # 16 GiB of zeros in 530 KiB
PY
	# (the busybox root before it is most of the stream)
	[ "$(stat -c %s "$BATS_TEST_TMPDIR/s")" -lt $((2 << 20)) ]
	refused "$BATS_TEST_TMPDIR/s" "more bytes than the manifest declares"
}

@test "a zstd bomb declared big, within --max-size, trips the ratio guard" {
	craft "$BATS_TEST_TMPDIR/s" <<'PY'
s.root_only()
s.declare(files=1, bytes=16 << 30)
zstd_bomb(s, "root/bomb", 16, OUT)
PY
	SECONDS=0
	refused "$BATS_TEST_TMPDIR/s" "the stream expands more than 1000:1 (a decompression bomb?)" --max-size 32G
	[ "$SECONDS" -lt 30 ]
	# with a real root before it, the guard trips as well
	craft "$BATS_TEST_TMPDIR/s2" <<'PY'
s.declare(files=1, bytes=16 << 30)
zstd_bomb(s, "root/bomb", 16, OUT)
PY
	refused "$BATS_TEST_TMPDIR/s2" "the stream expands more than 1000:1 (a decompression bomb?)" --max-size 32G
}

# ---- damage -----------------------------------------------------------------

@test "a truncated stream is refused" {
	local n
	# compressed, cut in the middle
	n=$(stat -c %s "$BASE_TAR.zst")
	head -c $((n / 2)) "$BASE_TAR.zst" >"$BATS_TEST_TMPDIR/half.zst"
	refused "$BATS_TEST_TMPDIR/half.zst" "Truncated zstd input"
	# compressed, the last bytes (the digest trailer's) missing
	head -c $((n - 10)) "$BASE_TAR.zst" >"$BATS_TEST_TMPDIR/end.zst"
	refused "$BATS_TEST_TMPDIR/end.zst" "receive web: "
	# uncompressed, cut inside a member's data
	n=$(stat -c %s "$BASE_TAR")
	head -c $((n / 2 + 100)) "$BASE_TAR" >"$BATS_TEST_TMPDIR/half.tar"
	refused "$BATS_TEST_TMPDIR/half.tar" "Truncated tar archive"
	# cut between two members, before the digest
	craft "$BATS_TEST_TMPDIR/nodigest" <<'PY'
s.remove("zone/digest.json")
PY
	refused "$BATS_TEST_TMPDIR/nodigest" "the stream ended before its digest (truncated?)"
	# cut inside the manifest
	head -c 700 "$BASE_TAR" >"$BATS_TEST_TMPDIR/head.tar"
	refused "$BATS_TEST_TMPDIR/head.tar" "zone/manifest.json: Truncated tar archive"
	# nothing at all
	: >"$BATS_TEST_TMPDIR/empty"
	refused "$BATS_TEST_TMPDIR/empty" "read the stream: "
}

@test "zoned answers while a stream comes slowly; one cut short leaves nothing" {
	SLOW_FLAG="$BATS_TEST_TMPDIR/go"
	# half of the stream, then a wait for the test's word, then the end: cut short
	python3 -c '
import os, sys, time
data = open(sys.argv[1], "rb").read()
sys.stdout.buffer.write(data[:len(data) // 2])
sys.stdout.buffer.flush()
while not os.path.exists(sys.argv[2]):
    time.sleep(0.05)' "$BASE_TAR" "$SLOW_FLAG" |
		"$ZONECTL" receive >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" &
	BG_PID=$!
	for _ in $(seq 200); do
		[ "$(zone_state web)" = incomplete ] && break
		sleep 0.05
	done
	# the zone is incomplete while its stream comes, and zoned answers meanwhile
	equals "$(zone_state web)" incomplete
	run -0 zonectl list
	equals "$output" web
	run -0 zonectl show web
	touch "$SLOW_FLAG"
	local rc=0
	wait "$BG_PID" || rc=$?
	BG_PID=
	equals "$rc" 1
	contains "$(cat "$BATS_TEST_TMPDIR/err")" "zonectl: receive web: "
	contains "$(cat "$BATS_TEST_TMPDIR/err")" "Truncated tar archive"
	equals "$(cat "$BATS_TEST_TMPDIR/out")" ""
	no_half_zone
	canary_intact
}

@test "a changed byte with the sender's digest is refused" {
	craft "$BATS_TEST_TMPDIR/s" <<'PY'
m = s.get("root/etc/hostname")
m[1] = bytes([m[1][0] ^ 1]) + m[1][1:]
PY
	refused "$BATS_TEST_TMPDIR/s" "is not the stream's"
	refused "$BATS_TEST_TMPDIR/s" "the stream was changed or damaged"
	# a changed mode, owner or time as well
	craft "$BATS_TEST_TMPDIR/s2" <<'PY'
s.get("root/bin/busybox")[0].mode |= 0o4000
PY
	refused "$BATS_TEST_TMPDIR/s2" "the stream was changed or damaged"
	# a digest trailer that is not one
	craft "$BATS_TEST_TMPDIR/s3" <<'PY'
s.set_json("zone/digest.json", {"digest": "0" * 64, "files": 292, "bytes": 2765074})
PY
	refused "$BATS_TEST_TMPDIR/s3" "the stream was changed or damaged"
	craft "$BATS_TEST_TMPDIR/s4" <<'PY'
s.set_json("zone/digest.json", None, raw=b"{not json")
PY
	refused "$BATS_TEST_TMPDIR/s4" "zone/digest.json: line 1:"
}

# ---- the manifest -----------------------------------------------------------

@test "the wrong architecture is refused" {
	craft "$BATS_TEST_TMPDIR/s" <<'PY'
s.edit_manifest(lambda m: m.update(arch="s390x"))
PY
	refused "$BATS_TEST_TMPDIR/s" "this host cannot take the zone: arch: the zone was made on s390x, this host is $(uname -m)"
}

@test "an unknown brand, or another major version of it, is refused" {
	craft "$BATS_TEST_TMPDIR/s" <<'PY'
def f(m):
    m["brand"]["name"] = m["config"]["brand"] = "solaris10"
s.edit_manifest(f)
s.set_json("zone/config.json", s.manifest["config"])
PY
	refused "$BATS_TEST_TMPDIR/s" "solaris10"
	craft "$BATS_TEST_TMPDIR/s2" <<'PY'
s.edit_manifest(lambda m: m["brand"].update(version="7"))
PY
	refused "$BATS_TEST_TMPDIR/s2" "brand busybox: version 1 here, 7 in the manifest: a different major version"
}

@test "a config that reaches into the host is refused unless --trust-config, naming what it would take" {
	craft "$BATS_TEST_TMPDIR/s" <<'PY'
def f(m):
    m["config"]["userns"] = "none"
    m["config"]["fs"] = [{"source": "/etc", "target": "/mnt/hostetc"}]
    m["config"]["limitpriv"] = ["default", "sys_admin"]
s.edit_manifest(f)
s.set_json("zone/config.json", s.manifest["config"])
PY
	refused "$BATS_TEST_TMPDIR/s" "the stream's config reaches into this host: fs[0] (/etc), limitpriv sys_admin, userns: none (its root would be the host's); 'receive --trust-config' takes it as it is"
	# the receiver may say it trusts the sender: then it is taken as it is
	run -0 zonectl receive --trust-config -i "$BATS_TEST_TMPDIR/s"
	contains "$output" "web: installed"
	equals "$(json_at bare config.userns < <(zonectl show web --json))" none
	run -0 zonectl uninstall web
	run -0 zonectl delete web
}

@test "a manifest that is not first, or missing, is refused" {
	craft "$BATS_TEST_TMPDIR/s" <<'PY'
s.m[0], s.m[1] = s.m[1], s.m[0]
PY
	refused "$BATS_TEST_TMPDIR/s" 'the stream has "zone/config.json" where zone/manifest.json was due'
	craft "$BATS_TEST_TMPDIR/s2" <<'PY'
s.remove("zone/manifest.json")
PY
	refused "$BATS_TEST_TMPDIR/s2" 'the stream has "zone/config.json" where zone/manifest.json was due'
	craft "$BATS_TEST_TMPDIR/s3" <<'PY'
s.remove("zone/manifest.json"); s.remove("zone/config.json")
PY
	refused "$BATS_TEST_TMPDIR/s3" 'the stream has "root/" where zone/manifest.json was due'
	# and the config must come second
	craft "$BATS_TEST_TMPDIR/s4" <<'PY'
s.remove("zone/config.json")
PY
	refused "$BATS_TEST_TMPDIR/s4" 'the stream has "root/" where zone/config.json was due'
}

@test "a manifest that is not JSON is refused" {
	craft "$BATS_TEST_TMPDIR/s" <<'PY'
s.set_manifest(raw=b'{"format": "zones-manifest", ')
PY
	refused "$BATS_TEST_TMPDIR/s" "zone/manifest.json: line 1:"
	craft "$BATS_TEST_TMPDIR/s2" <<'PY'
s.set_manifest(raw=b'["zones-manifest"]')
PY
	refused "$BATS_TEST_TMPDIR/s2" "manifest: not a JSON object"
	craft "$BATS_TEST_TMPDIR/s3" <<'PY'
s.set_manifest(raw=b'{"format": "zones-manifest", "format": "zones-manifest"}')
PY
	refused "$BATS_TEST_TMPDIR/s3" "zone/manifest.json: line 1: duplicate object key"
	craft "$BATS_TEST_TMPDIR/s4" <<'PY'
s.set_manifest(raw=b" " * ((1 << 20) + 1))
PY
	refused "$BATS_TEST_TMPDIR/s4" "zone/manifest.json: not a file of at most 1048576 bytes"
}

@test "every bad manifest field is refused, and named" {
	# FIELD-PATH=JSON-VALUE MESSAGE
	local -a cases=(
		'format="tar"|manifest: format: not "zones-manifest"'
		'format_version=2|manifest: format_version: not 1'
		'format_version="1"|manifest: format_version: not 1'
		'name=null|manifest: name: missing or not a string'
		'name="../x"|"../x"'
		'arch=7|manifest: arch: missing or not a string'
		'arch=""|manifest: arch: empty or longer than 64'
		'arch="x86_64\n"|manifest: arch: a control character'
		'libzone_version=[]|manifest: libzone_version: missing or not a string'
		'brand="busybox"|manifest: brand: not an object'
		'brand.name=1|manifest: name: missing or not a string'
		'brand.version=null|manifest: version: missing or not a string'
		'root=[]|manifest: root: not an object'
		'root.files=-1|manifest: root.files: not a count'
		'root.files="292"|manifest: root.files: not a count'
		'root.bytes=1.5|manifest: root.bytes: not a count'
		'root.bytes=2305843009213693952|manifest: root.bytes: not a count'
		'root.bytes=18446744073709551615|zone/manifest.json: line 1: too big integer'
		'root.digest="xyz"|manifest: root.digest: not 64 lowercase hex digits'
		'config=null|manifest: config'
		'config.name="other"|manifest: config: its name or brand is not the manifest'"'"'s'
		'config.memory="lots"|manifest: config'
	)
	local c
	# one stream a case, made in one go: s-0, s-1, ...
	printf '%s\n' "${cases[@]}" | cut -d'|' -f1 >"$BATS_TEST_TMPDIR/fields"
	craft "$BATS_TEST_TMPDIR/unused" <<'PY'
import copy, json
base = s.manifest
for i, line in enumerate(open(OUT.replace("unused", "fields")).read().splitlines()):
    path, value = line.split("=", 1)
    m = copy.deepcopy(base)
    *up, last = path.split(".")
    at = m
    for k in up:
        at = at[k]
    at[last] = json.loads(value)
    s.set_manifest(m)
    s.write(OUT.replace("unused", "s-%d" % i))
open(OUT, "w").close()
PY
	# (a counter of its own name: bats' run changes a global i)
	local case_no=0
	for c in "${cases[@]}"; do
		refused "$BATS_TEST_TMPDIR/s-$case_no" "${c#*|}"
		case_no=$((case_no + 1))
	done
}

@test "a config.json that is not the manifest's is refused" {
	craft "$BATS_TEST_TMPDIR/s" <<'PY'
c = s.json("zone/config.json"); c["autoboot"] = True
s.set_json("zone/config.json", c)
PY
	refused "$BATS_TEST_TMPDIR/s" "zone/config.json: not the manifest's config"
}

# ---- order ------------------------------------------------------------------

@test "members after the digest are refused" {
	craft "$BATS_TEST_TMPDIR/s" <<'PY'
s.m.append(entry("root/late", data=b"late"))
PY
	refused "$BATS_TEST_TMPDIR/s" "members after the digest"
}

@test "the same member twice is refused" {
	craft "$BATS_TEST_TMPDIR/s" <<'PY'
s.add(entry("root/etc/hostname", data=b"evil\n"))
s.declare(files=1, bytes=5)
PY
	refused "$BATS_TEST_TMPDIR/s" '"etc/hostname": in the stream twice'
	craft "$BATS_TEST_TMPDIR/s2" <<'PY'
s.add(entry("root/etc/", "dir", mode=0o777))
s.declare(files=1)
PY
	refused "$BATS_TEST_TMPDIR/s2" '"etc": in the stream twice'
	craft "$BATS_TEST_TMPDIR/s3" <<'PY'
s.add(entry("root", "dir", mode=0o777))
s.declare(files=1)
PY
	refused "$BATS_TEST_TMPDIR/s3" "the root: in the stream twice"
	craft "$BATS_TEST_TMPDIR/s4" <<'PY'
s.add(s.get("zone/manifest.json"))
s.declare(files=1)
PY
	refused "$BATS_TEST_TMPDIR/s4" 'member "zone/manifest.json": not under root/'
}

# ---- what a good stream keeps -----------------------------------------------

# inventory ROOT: every entry's type, mode, owner, size, mtime, link target,
# content hash, xattrs (ACLs and capabilities are ones), hard-link group and
# data/hole map, one JSON line each.
inventory() {
	python3 - "$1" <<'PY'
import hashlib, json, os, stat, sys
top = sys.argv[1]
groups = {}
for d, dirs, files in os.walk(top):
    for n in dirs + files:
        st = os.lstat(os.path.join(d, n))
        if stat.S_ISREG(st.st_mode) and st.st_nlink > 1:
            groups.setdefault(st.st_ino, []).append(os.path.relpath(os.path.join(d, n), top))
def holes(p, size):
    fd = os.open(p, os.O_RDONLY)
    try:
        out, off = [], 0
        while off < size:
            try:
                d = os.lseek(fd, off, os.SEEK_DATA)
            except OSError:
                break
            h = os.lseek(fd, d, os.SEEK_HOLE)
            out.append((d, h))
            off = h
        return out
    finally:
        os.close(fd)
rows = []
for d, dirs, files in os.walk(top):
    for n in sorted(dirs + files) + ([None] if d == top else []):
        p = top if n is None else os.path.join(d, n)
        st = os.lstat(p)
        r = {"path": os.path.relpath(p, top), "mode": oct(st.st_mode), "uid": st.st_uid,
             "gid": st.st_gid, "mtime": st.st_mtime_ns,
             "xattrs": {k: os.getxattr(p, k, follow_symlinks=False).hex()
                        for k in sorted(os.listxattr(p, follow_symlinks=False))}}
        if stat.S_ISREG(st.st_mode):
            r["size"] = st.st_size
            h = hashlib.sha256()
            with open(p, "rb") as f:
                for b in iter(lambda: f.read(1 << 20), b""):
                    h.update(b)
            r["sha256"] = h.hexdigest()
            r["data"] = holes(p, st.st_size)
            r["links"] = sorted(groups.get(st.st_ino, []))
        elif stat.S_ISLNK(st.st_mode):
            r["target"] = os.readlink(p)
        rows.append(r)
for r in sorted(rows, key=lambda r: r["path"]):
    print(json.dumps(r, sort_keys=True))
PY
}

# A zone "src" whose root holds one of everything a stream must keep.
make_rich_zone() {
	zonectl create src --brand busybox
	zonectl install src
	local r
	r=$(zone_root src)
	mkdir -p "$r/srv/data"
	echo "set-uid" >"$r/srv/suid" && chmod 4755 "$r/srv/suid"
	echo "set-gid" >"$r/srv/sgid" && chown 0:50 "$r/srv/sgid" && chmod 2750 "$r/srv/sgid"
	echo "owned" >"$r/srv/data/owned" && chown 1000:1001 "$r/srv/data/owned"
	setfattr -n user.color -v blue "$r/srv/data/owned"
	setfattr -n user.dir -v yes "$r/srv/data"
	setfattr -n trusted.zone -v 0x00ff00 "$r/srv/suid"
	cp "$r/bin/busybox" "$r/srv/ping" && setcap cap_net_raw+ep "$r/srv/ping"
	echo "acl" >"$r/srv/acl" && setfacl -m u:1234:rw,g:99:r "$r/srv/acl"
	setfacl -d -m u:1234:rwx "$r/srv/data"
	echo "linked" >"$r/srv/hard1" && ln "$r/srv/hard1" "$r/srv/data/hard2" &&
		ln "$r/srv/hard1" "$r/srv/hard3"
	# holes: data, a 32 MiB hole, data, a hole to the end
	python3 -c '
import os, sys
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT, 0o640)
os.pwrite(fd, b"a" * 1048576, 0)
os.pwrite(fd, b"b" * 1048576, 33 << 20)
os.ftruncate(fd, 48 << 20)
os.close(fd)' "$r/srv/sparse"
	truncate -s 256M "$r/srv/allhole"
	mkfifo -m 0620 "$r/srv/fifo"
	ln -s ../bin/busybox "$r/srv/link"
	ln -s /nonexistent/target "$r/srv/dangling"
	touch -h -d '2001-02-03 04:05:06.123456789' "$r/srv/link"
	touch -d '1999-12-31 23:59:59.987654321' "$r/srv/data/owned"
	touch -d '2010-01-01 00:00:00.5' "$r/srv/data"
}

@test "send | receive keeps set-id bits, xattrs, ACLs, caps, hard links, holes; zonepath is 0700" {
	make_rich_zone
	local before after
	before=$(inventory "$(zone_root src)")
	run -0 --separate-stderr bash -c '"$ZONECTL" send src | "$ZONECTL" receive dst'
	equals "$stderr" ""
	contains "$output" "dst: installed"
	after=$(inventory "$(zone_root dst)")
	equals "$after" "$before"
	equals "$(stat -c %a "$ZONES_ROOT/zones/dst")" 700
	equals "$(stat -c %a "$(zone_root dst)/srv/suid")" 4755
	equals "$(stat -c %a:%g "$(zone_root dst)/srv/sgid")" 2750:50
	equals "$(getcap "$(zone_root dst)/srv/ping" | awk '{print $2}')" "cap_net_raw=ep"
	contains "$(getfacl -p "$(zone_root dst)/srv/acl")" "user:1234:rw-"
	equals "$(stat -c %h "$(zone_root dst)/srv/hard1")" 3
	equals "$(stat -c %i "$(zone_root dst)/srv/hard1")" "$(stat -c %i "$(zone_root dst)/srv/data/hard2")"
	# the holes stay holes: 48 MiB and 256 MiB files take about 2 MiB on disk
	[ "$(du -k "$(zone_root dst)/srv/sparse" | cut -f1)" -lt 4096 ]
	[ "$(du -k "$(zone_root dst)/srv/allhole" | cut -f1)" -lt 64 ]
	equals "$(zone_state dst)" installed
	equals "$(zone_state src)" installed
}

@test "--compress gzip, none and zstd all round-trip" {
	make_rich_zone
	local before c
	before=$(inventory "$(zone_root src)")
	for c in gzip none zstd; do
		zonectl send src --compress "$c" -o "$BATS_TEST_TMPDIR/src.$c"
		case $c in
		gzip) equals "$(head -c 2 "$BATS_TEST_TMPDIR/src.$c" | od -An -tx1 | tr -d ' ')" 1f8b ;;
		zstd) equals "$(head -c 4 "$BATS_TEST_TMPDIR/src.$c" | od -An -tx1 | tr -d ' ')" 28b52ffd ;;
		none) tar tf "$BATS_TEST_TMPDIR/src.$c" | head -n 1 | grep -qx zone/manifest.json ;;
		esac
		run -0 zonectl receive "dst-$c" -i "$BATS_TEST_TMPDIR/src.$c"
		contains "$output" "dst-$c: installed"
		equals "$(inventory "$(zone_root "dst-$c")")" "$before"
	done
}

@test "send and receive show progress on a terminal, and nothing otherwise" {
	zonectl create src --brand busybox
	zonectl install src
	head -c $((64 << 20)) /dev/urandom >"$(zone_root src)/big"
	# on a pty (script): a progress line on the terminal
	run -0 script -qec "$ZONECTL send src --compress none -o $BATS_TEST_TMPDIR/s" /dev/null
	contains "$output" "send: send: "
	contains "$output" " files, "
	contains "$output" "src: sent 293 files"
	run -0 script -qec "$ZONECTL receive dst -i $BATS_TEST_TMPDIR/s" /dev/null
	contains "$output" "receive: receive: "
	contains "$output" "dst: installed"
	# not on a terminal: the result line only, on stdout; nothing on stderr
	run -0 --separate-stderr zonectl send src --compress none -o "$BATS_TEST_TMPDIR/s2"
	equals "$stderr" ""
	matches "$output" "^src: sent 293 files, [0-9]+ bytes to $BATS_TEST_TMPDIR/s2 \\(digest [0-9a-f]{64}\\)$"
	run -0 --separate-stderr zonectl receive dst2 -i "$BATS_TEST_TMPDIR/s2"
	equals "$stderr" ""
	matches "$output" "^dst2: installed; 293 files, [0-9]+ bytes, digest checked$"
	# stdout as the stream: nothing but the stream on it
	run -0 --separate-stderr bash -c '"$ZONECTL" send src | "$ZONECTL" receive dst3'
	equals "$stderr" ""
	matches "$output" "^dst3: installed; 293 files"
}
