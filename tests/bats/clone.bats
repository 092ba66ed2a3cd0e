# SPDX-License-Identifier: GPL-2.0-or-later
# zonectl clone (issue 12) on real file systems: each test makes its own ext4,
# btrfs or xfs (reflink=1) on a loop device (a sparse image file in the test's
# temporary directory), puts ZONES_ROOT on it, and in teardown -- also when
# the test failed -- halts its zones, stops its zoned, unmounts and detaches
# every loop device it made (by its /dev/loopN) and removes the images.
#
# What is asserted is the outcome: the method really used (btrfs subvolume
# and parent UUIDs, shared extents), the clone's files against the source's
# (an inventory written here in Python, independent of libzone: path, type,
# mode, owner, size, mtime in ns, SHA-256 of the content, symlink target,
# every xattr, hard-link groups) equal but for exactly the identity files,
# the source's inventory unchanged by every clone, the clone booting as
# itself with its own uid range and MACs, and what a failure leaves.

# shellcheck disable=SC2154 # $stderr is set by bats' run --separate-stderr

load helpers
load runtime

setup() {
	common_setup
	# images, mount points and the records of both; ZONES_ROOT moves onto a
	# file system made here (use_fs)
	WORK=$ZONES_ROOT
	: >"$WORK/loops"
	: >"$WORK/mounts"
}

teardown() {
	kill_tracked
	if [ -n "${ZONES_ROOT:-}" ] && [ "$ZONES_ROOT" != "$WORK" ] && [ -d "$ZONES_ROOT" ]; then
		stop_zones
	fi
	[ -z "${ACCOUNTS:-}" ] || remove_accounts
	fs_teardown
	if [ -n "${NS:-}" ]; then ip netns del "$NS" 2>/dev/null || true; fi
	# nothing is mounted in WORK any more (a mount left would make this fail)
	rm -rf --one-file-system "$WORK"
}

# ---- file systems on loop devices ------------------------------------------------------

# make_fs TYPE SIZE NAME: a TYPE (ext4, btrfs, xfs: with reflink=1) file system
# of SIZE on a loop device, mounted on $WORK/NAME.
make_fs() {
	local type=$1 size=$2 name=$3 dev
	truncate -s "$size" "$WORK/$name.img"
	dev=$(losetup --find --show "$WORK/$name.img") || return 1
	echo "$dev" >>"$WORK/loops"
	case $type in
	ext4) mkfs.ext4 -q "$dev" ;;
	btrfs) mkfs.btrfs -q "$dev" >"$WORK/$name.mkfs" 2>&1 || { cat "$WORK/$name.mkfs" >&2; false; } ;;
	xfs) mkfs.xfs -q -m reflink=1 "$dev" ;;
	*) false ;;
	esac || return 1
	mkdir "$WORK/$name"
	mount "$dev" "$WORK/$name" || return 1
	echo "$WORK/$name" >>"$WORK/mounts"
	[ "$(findmnt -no FSTYPE "$WORK/$name")" = "$type" ] || {
		echo "$WORK/$name is $(findmnt -no FSTYPE "$WORK/$name"), not $type" >&2
		return 1
	}
}

# use_fs TYPE [SIZE]: ZONES_ROOT on a new TYPE file system (default 1 GiB),
# mounted on $WORK/TYPE.
use_fs() {
	make_fs "$1" "${2:-1G}" "$1" || return 1
	ZONES_ROOT=$WORK/$1/zr
	export ZONES_ROOT
	mkdir -m 0755 "$ZONES_ROOT"
}

# Unmount what make_fs mounted (the last first) and detach its loop devices.
fs_teardown() {
	local m d
	[ -f "$WORK/mounts" ] || return 0
	for m in $(tac "$WORK/mounts"); do
		mountpoint -q "$m" || continue
		for _ in $(seq 50); do
			umount "$m" 2>/dev/null && break
			sleep 0.1
		done
		if mountpoint -q "$m"; then
			echo "teardown: $m is busy: $(fuser -vm "$m" 2>&1 | tr '\n' ' ')" >&2
			umount -l "$m"
		fi
	done
	: >"$WORK/mounts"
	while read -r d; do
		losetup -d "$d" 2>/dev/null || true
	done <"$WORK/loops"
	: >"$WORK/loops"
}

# ---- a source worth cloning --------------------------------------------------------------

# populate ROOT NAME: put in the root of zone NAME what a clone must keep --
# owners of several uids and gids, set-id bits, a file capability, POSIX ACLs
# (on a fifo too), user and trusted xattrs (on a symlink too), hard links, a
# sparse file, a fifo, a device node, a socket, symlinks, odd names, a deep
# tree, times with nanoseconds -- and what it must reset: a machine-id, SSH
# host keys, the host name in /etc/hosts.
populate() {
	local r=$1 name=$2 s=$1/srv k
	mkdir -p "$s/sub" "$s/private" "$s/shared" "$r/etc/ssh"
	# identity
	echo 0123456789abcdef0123456789abcdef >"$r/etc/machine-id"
	chmod 0444 "$r/etc/machine-id"
	for k in rsa ecdsa ed25519; do
		echo "fake $k host key" >"$r/etc/ssh/ssh_host_${k}_key"
		chmod 0600 "$r/etc/ssh/ssh_host_${k}_key"
		echo "ssh-$k AAAAfake root@$name" >"$r/etc/ssh/ssh_host_${k}_key.pub"
	done
	echo "PermitRootLogin no" >"$r/etc/ssh/sshd_config"
	printf '192.0.2.7\t%s-db\n' "$name" >>"$r/etc/hosts"
	# owners
	echo zero >"$s/own-0"
	echo thousand >"$s/own-1000" && chown 1000:1000 "$s/own-1000"
	echo mixed >"$s/own-1001" && chown 1001:2002 "$s/own-1001"
	echo nobody >"$s/own-65534" && chown 65534:65534 "$s/own-65534"
	echo inside >"$s/private/secret" && chown 42:4242 "$s/private/secret"
	chown 42:4242 "$s/private" && chmod 0700 "$s/private"
	# set-id bits (after chown, which clears them)
	printf '#!/bin/sh\necho root\n' >"$s/setuid" && chmod 4755 "$s/setuid"
	printf '#!/bin/sh\n' >"$s/setgid" && chown 0:42 "$s/setgid" && chmod 2711 "$s/setgid"
	chown 1000:100 "$s/shared" && chmod 3775 "$s/shared"
	# a file capability, ACLs, xattrs
	printf 'cap\n' >"$s/cap" && setcap 'cap_net_bind_service,cap_net_raw+ep' "$s/cap"
	printf 'acl\n' >"$s/acl" && setfacl -m u:1234:rw,g:4321:r "$s/acl"
	setfacl -d -m u:1234:rwx,g:4321:rx "$s/shared"
	printf 'x\n' >"$s/xattr"
	setfattr -n user.color -v blue "$s/xattr"
	setfattr -n user.bin -v 0x00ff00fe "$s/xattr"
	setfattr -n trusted.zone -v secret "$s/xattr"
	setfattr -n user.dir -v yes "$s/sub"
	# hard links, three names in three directories
	echo linked >"$s/hard1" && ln "$s/hard1" "$s/sub/hard2" && ln "$s/hard1" "$r/hard3"
	# sparse: 64 MiB with 4 KiB of data in the middle
	truncate -s 64M "$s/sparse"
	printf 'island' | dd of="$s/sparse" bs=4096 seek=8192 conv=notrunc status=none
	# special files
	mkfifo -m 0620 "$s/fifo" && chown 1001:1002 "$s/fifo" && setfacl -m u:77:rw "$s/fifo"
	mknod -m 0640 "$s/null" c 1 3 && chown 0:5 "$s/null"
	python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$s/sock"
	ln -s /etc/passwd "$s/abs-link" && chown -h 123:456 "$s/abs-link"
	setfattr -h -n trusted.link -v yes "$s/abs-link"
	ln -s ../nowhere "$s/sub/dangling"
	# data and names
	head -c 5M /dev/urandom >"$s/random"
	: >"$s/empty" && chmod 0600 "$s/empty"
	echo long >"$s/$(printf 'n%.0s' $(seq 255))"
	echo nl >"$s/$(printf 'new\nline')"
	echo ff >"$s/$(printf 'bad\377byte')"
	mkdir -p "$s/deep/$(printf 'd/%.0s' $(seq 40))" && echo bottom >"$s/deep/$(printf 'd/%.0s' $(seq 40))f"
	# times with nanoseconds, a directory's after its content
	python3 - "$s" <<'PY'
import os, sys
t = 1400000000
for d, dirs, files in os.walk(sys.argv[1], topdown=False):
    for n in files + dirs + ([] if d != sys.argv[1] else ["."]):
        t += 1
        os.utime(os.path.join(d, n), ns=(t * 10**9 + 111111111, t * 10**9 + 987654321),
                 follow_symlinks=False)
PY
}

# big_files ROOT N: N files of 1 MiB of random data in ROOT/big.
big_files() {
	python3 - "$1/big" "$2" <<'PY'
import os, sys
os.makedirs(sys.argv[1], exist_ok=True)
for i in range(int(sys.argv[2])):
    with open(os.path.join(sys.argv[1], "f%04d" % i), "wb") as f:
        f.write(os.urandom(1 << 20))
PY
}

# ---- the inventory ---------------------------------------------------------------------------

# inventory ROOT: one JSON line per entry of ROOT (never following a symlink,
# never leaving the file system), sorted by path: type, mode, owner, size,
# mtime and ctime in ns, SHA-256 of a file's content, a symlink's target, a
# device's numbers, every xattr (name and value), and for a file with more
# than one name the names of its hard-link group within the tree.
inventory() {
	python3 - "$1" <<'PY'
import hashlib, json, os, stat, sys
root = sys.argv[1]
dev = os.lstat(root).st_dev
entries, groups = [], {}
def kind(m):
    for f, k in ((stat.S_ISDIR, "d"), (stat.S_ISREG, "f"), (stat.S_ISLNK, "l"),
                 (stat.S_ISFIFO, "p"), (stat.S_ISCHR, "c"), (stat.S_ISBLK, "b"),
                 (stat.S_ISSOCK, "s")):
        if f(m):
            return k
def walk(rel):
    p = root if rel == "." else os.path.join(root, rel)
    st = os.lstat(p)
    if st.st_dev != dev:
        sys.exit("%s: on another file system" % rel)
    k = kind(st.st_mode)
    e = {"path": rel, "type": k, "mode": "%o" % stat.S_IMODE(st.st_mode), "uid": st.st_uid,
         "gid": st.st_gid, "mtime_ns": st.st_mtime_ns, "ctime_ns": st.st_ctime_ns}
    if k == "f":
        h = hashlib.sha256()
        with open(p, "rb", buffering=0, opener=lambda f, fl: os.open(f, fl | os.O_NOFOLLOW)) as fh:
            for b in iter(lambda: fh.read(1 << 20), b""):
                h.update(b)
        e["size"], e["sha256"] = st.st_size, h.hexdigest()
    if k == "l":
        e["target"] = os.readlink(p)
    if k in "cb":
        e["rdev"] = [os.major(st.st_rdev), os.minor(st.st_rdev)]
    e["xattrs"] = {n: os.getxattr(p, n, follow_symlinks=False).hex()
                   for n in sorted(os.listxattr(p, follow_symlinks=False))}
    if k != "d":
        e["nlink"] = st.st_nlink
        if st.st_nlink > 1:
            groups.setdefault(st.st_ino, []).append(rel)
            e["ino"] = st.st_ino
    entries.append(e)
    if k == "d":
        for n in os.listdir(p):
            walk(n if rel == "." else os.path.join(rel, n))
walk(".")
for e in sorted(entries, key=lambda e: os.fsencode(e["path"])):
    if "ino" in e:
        e["links"] = sorted(groups[e.pop("ino")])
    print(json.dumps(e, sort_keys=True))
PY
}

# inv_diff MODE A B: the differences between two inventories, one a line, and
# fail if there is any that MODE does not allow.  MODE same: none at all.
# MODE clone: B is a clone of A, so /etc/hostname, /etc/hosts and
# /etc/machine-id differ, the SSH host keys are gone, /etc and /etc/ssh have
# a new mtime (their content changed); ctimes are the clone's own; nothing
# else differs (owners included: nothing is chowned).
inv_diff() {
	python3 - "$@" <<'PY'
import fnmatch, json, sys
mode = sys.argv[1]
a, b = ({e["path"]: e for e in map(json.loads, open(f))} for f in sys.argv[2:4])
bad = []
def short(v):
    s = json.dumps(v)
    return s if len(s) < 80 else s[:77] + "..."
for p in sorted(set(a) | set(b)):
    x, y = dict(a.get(p) or {}), dict(b.get(p) or {})
    if mode == "clone":
        for e in (x, y):
            e.pop("ctime_ns", None)
        if p in ("etc/hostname", "etc/hosts", "etc/machine-id"):
            if not x or not y:
                bad.append("%s: missing in the %s" % (p, "source" if not x else "clone"))
            continue
        if fnmatch.fnmatch(p, "etc/ssh/ssh_host_*"):
            if y:
                bad.append("%s: an SSH host key still in the clone" % p)
            continue
        if p in ("etc", "etc/ssh"):
            x.pop("mtime_ns", None)
            y.pop("mtime_ns", None)
    if not x or not y:
        bad.append("%r: only in the %s" % (p, "second" if not x else "first"))
        continue
    for k in sorted(set(x) | set(y)):
        if x.get(k) != y.get(k):
            bad.append("%r: %s: %s != %s" % (p, k, short(x.get(k)), short(y.get(k))))
for l in bad:
    print(l)
sys.exit(1 if bad else 0)
PY
}

# inventory_of ROOT FILE: write the inventory and check it is complete (the
# entries populate makes are all in it).
inventory_of() {
	inventory "$1" >"$2" || return 1
	local n
	for n in srv/cap srv/fifo srv/sock srv/null srv/abs-link srv/sparse hard3; do
		grep -q "\"path\": \"$n\"" "$2" || { echo "inventory of $1: no $n" >&2; return 1; }
	done
}

# ---- zones ------------------------------------------------------------------------------------

# source_zone NAME: an installed busybox zone, populated.
source_zone() {
	make_zone "$1" busybox || return 1
	populate "$(zone_root "$1")" "$1"
}

# uid_base NAME: the uid_base of the zone's record.
uid_base() { state_get "$1" uid_base; }

# reason NAME: why the zone is incomplete, from its record.
reason() { jget extra.reason <"$ZONES_ROOT/index/$1.state"; }

# state_is NAME STATE: the zone is in STATE (for wait_until).
state_is() { [ "$(zone_state "$1")" = "$2" ]; }

# identity_reset NAME SOURCE: NEW's root names NEW, with no machine-id and no
# SSH host keys (the rest of /etc/ssh kept).
identity_reset() {
	local r n=$1 s=$2
	r=$(zone_root "$n")
	equals "$(cat "$r/etc/hostname")" "$n"
	has_line "$(cat "$r/etc/hosts")" "^127\.0\.1\.1[[:space:]]+$n\$"
	not_contains "$(grep -v -- "$s-db" "$r/etc/hosts")" "$s"
	# a name that only begins with the old one is another name: kept
	has_line "$(cat "$r/etc/hosts")" "^192\.0\.2\.7[[:space:]]+$s-db\$"
	has_line "$(cat "$r/etc/hosts")" "^127\.0\.0\.1[[:space:]]+localhost\$"
	[ -f "$r/etc/machine-id" ] && [ ! -s "$r/etc/machine-id" ] && [ ! -L "$r/etc/machine-id" ]
	equals "$(ls "$r/etc/ssh")" sshd_config
}

# sparse_kept NAME: the clone's sparse file holds less than 1 MiB of blocks.
sparse_kept() {
	local f blocks
	f=$(zone_root "$1")/srv/sparse
	blocks=$(stat -c %b "$f")
	equals "$(stat -c %s "$f")" $((64 << 20))
	[ "$((blocks * 512))" -lt $((1 << 20)) ] || {
		echo "$f: $blocks blocks: the hole was filled" >&2
		return 1
	}
}

# shares_extents FILE: FIEMAP says FILE's data is shared (a reflink or a snapshot).
shares_extents() {
	filefrag -v "$1" | grep -q shared || {
		echo "$1: no shared extent:" >&2
		filefrag -v "$1" >&2
		return 1
	}
}

# cloned SOURCE NEW METHOD [ARGS...]: 'zonectl clone --json SOURCE NEW ARGS'
# works, says METHOD, and NEW is installed, identical to the source but for its
# identity, with a uid range of its own; the source is unchanged ($INV: its
# inventory from before).
cloned() {
	local src=$1 new=$2 method=$3
	shift 3
	run -0 --separate-stderr zonectl clone "$src" "$new" --json "$@"
	equals "$(jget method <<<"$output")" "$method"
	equals "$(jget crash_consistent <<<"$output")" false
	equals "$(jget state <<<"$output")" installed
	equals "$(zone_state "$new")" installed
	inventory_of "$(zone_root "$new")" "$BATS_TEST_TMPDIR/$new.inv"
	inv_diff clone "$INV" "$BATS_TEST_TMPDIR/$new.inv"
	identity_reset "$new" "$src"
	sparse_kept "$new"
	inventory "$(zone_root "$src")" >"$BATS_TEST_TMPDIR/$src.after"
	inv_diff same "$INV" "$BATS_TEST_TMPDIR/$src.after"
	# a uid range of its own
	[ -n "$(uid_base "$new")" ] && [ "$(uid_base "$new")" != "$(uid_base "$src")" ]
}

# refused_method SOURCE NEW METHOD TEXT: the clone is refused, saying TEXT,
# and leaves no zone NEW and nothing at its zonepath.
refused_method() {
	run ! --separate-stderr zonectl clone "$1" "$2" --method "$3"
	contains "$stderr" "clone $1 $2: --method $3: "
	contains "$stderr" "$4"
	run -0 zonectl list -p
	not_contains "$output" ":$2:"
	[ ! -e "$ZONES_ROOT/index/$2.json" ] && [ ! -e "$ZONES_ROOT/index/$2.state" ]
	[ ! -e "$ZONES_ROOT/zones/$2" ] || { echo "left: $(find "$ZONES_ROOT/zones/$2")" >&2; false; }
}

# boots_as NAME: the zone boots, calls itself NAME, runs in its own uid range;
# then it is halted.
boots_as() {
	run -0 zonectl boot "$1"
	run -0 zlogin "$1" hostname
	equals "$output" "$1"
	run -0 zlogin "$1" cat /etc/hostname
	equals "$output" "$1"
	run -0 zlogin "$1" cat /proc/self/uid_map
	matches "$output" "^ +0 +$(uid_base "$1") +65536\$"
	run -0 zonectl halt "$1"
}

# ---- method by file system ---------------------------------------------------------------

@test "ext4: a copy is chosen and keeps everything; reflink and snapshot are refused and leave nothing" {
	use_fs ext4
	source_zone src
	INV=$BATS_TEST_TMPDIR/src.inv
	inventory_of "$(zone_root src)" "$INV"

	cloned src auto1 copy
	cloned src forced copy --method copy
	refused_method src no1 reflink "cannot share extents"
	refused_method src no2 snapshot "not a btrfs subvolume"
	[ "$(uid_base auto1)" != "$(uid_base forced)" ]
	boots_as auto1
	inventory "$(zone_root src)" >"$BATS_TEST_TMPDIR/src.end"
	inv_diff same "$INV" "$BATS_TEST_TMPDIR/src.end"
}

@test "xfs (reflink=1): reflinks are chosen; copy works forced; snapshot is refused and leaves nothing" {
	use_fs xfs
	source_zone src
	INV=$BATS_TEST_TMPDIR/src.inv
	inventory_of "$(zone_root src)" "$INV"

	cloned src auto1 reflink
	shares_extents "$(zone_root auto1)/srv/random"
	cloned src forced1 reflink --method reflink
	shares_extents "$(zone_root forced1)/srv/random"
	cloned src forced2 copy --method copy
	refused_method src no1 snapshot "not a btrfs subvolume"
	boots_as auto1
	inventory "$(zone_root src)" >"$BATS_TEST_TMPDIR/src.end"
	inv_diff same "$INV" "$BATS_TEST_TMPDIR/src.end"
}

@test "btrfs: roots are subvolumes, a snapshot is chosen; reflink and copy work forced" {
	use_fs btrfs
	source_zone src
	INV=$BATS_TEST_TMPDIR/src.inv
	inventory_of "$(zone_root src)" "$INV"
	run -0 btrfs subvolume show "$(zone_root src)"
	local src_uuid
	src_uuid=$(awk '$1 == "UUID:" { print $2 }' <<<"$output")
	[ -n "$src_uuid" ]

	cloned src auto1 snapshot
	run -0 btrfs subvolume show "$(zone_root auto1)"
	has_line "$output" "^[[:space:]]*Parent UUID:[[:space:]]+$src_uuid\$"
	cloned src forced1 snapshot --method snapshot
	run -0 btrfs subvolume show "$(zone_root forced1)"
	has_line "$output" "^[[:space:]]*Parent UUID:[[:space:]]+$src_uuid\$"
	cloned src forced2 reflink --method reflink
	shares_extents "$(zone_root forced2)/srv/random"
	cloned src forced3 copy --method copy
	# the walked clones are subvolumes of their own, so that they snapshot in turn
	local z
	for z in forced2 forced3; do
		run -0 btrfs subvolume show "$(zone_root $z)"
		has_line "$output" "^[[:space:]]*Parent UUID:[[:space:]]+-\$"
	done
	run -0 zonectl clone forced3 again --json
	equals "$(jget method <<<"$output")" snapshot
	boots_as auto1
	inventory "$(zone_root src)" >"$BATS_TEST_TMPDIR/src.end"
	inv_diff same "$INV" "$BATS_TEST_TMPDIR/src.end"
}

@test "across file systems: a copy (a snapshot is refused), into btrfs or ext4" {
	use_fs btrfs
	make_fs btrfs 1G other
	make_fs ext4 1G plain
	source_zone src
	INV=$BATS_TEST_TMPDIR/src.inv
	inventory_of "$(zone_root src)" "$INV"
	# zones root configured on another file system, then cloned into
	zonectl create nosnap --brand busybox --set zonepath="$WORK/other/nosnap"
	run ! --separate-stderr zonectl clone src nosnap --method snapshot
	contains "$stderr" "--method snapshot: "
	contains "$stderr" "not on the btrfs file system of"
	equals "$(zone_state nosnap)" configured
	[ ! -e "$WORK/other/nosnap/root" ]
	zonectl delete nosnap

	zonectl create far --brand busybox --set zonepath="$WORK/other/far"
	run -0 --separate-stderr zonectl clone src far --json
	equals "$(jget method <<<"$output")" copy
	inventory_of "$WORK/other/far/root" "$BATS_TEST_TMPDIR/far.inv"
	inv_diff clone "$INV" "$BATS_TEST_TMPDIR/far.inv"

	zonectl create flat --brand busybox --set zonepath="$WORK/plain/flat"
	run -0 --separate-stderr zonectl clone src flat --json
	equals "$(jget method <<<"$output")" copy
	inventory_of "$WORK/plain/flat/root" "$BATS_TEST_TMPDIR/flat.inv"
	inv_diff clone "$INV" "$BATS_TEST_TMPDIR/flat.inv"
	boots_as flat
	inventory "$(zone_root src)" >"$BATS_TEST_TMPDIR/src.end"
	inv_diff same "$INV" "$BATS_TEST_TMPDIR/src.end"
}

# ---- the clone is a zone of its own ---------------------------------------------------------

@test "the clone boots as itself beside its source: host name, uid range, owners through the idmap" {
	use_fs btrfs
	source_zone src
	zonectl clone src dup >/dev/null
	run -0 zonectl boot src
	run -0 zonectl boot dup
	run -0 zlogin dup hostname
	equals "$output" dup
	run -0 zlogin src hostname
	equals "$output" src
	local map_src map_dup
	map_src=$(zlogin src cat /proc/self/uid_map)
	map_dup=$(zlogin dup cat /proc/self/uid_map)
	matches "$map_src" "^ +0 +$(uid_base src) +65536\$"
	matches "$map_dup" "^ +0 +$(uid_base dup) +65536\$"
	[ "$map_src" != "$map_dup" ]
	# the ranges do not overlap
	local a b
	a=$(uid_base src) b=$(uid_base dup)
	[ "$a" -ge $((b + 65536)) ] || [ "$b" -ge $((a + 65536)) ]
	# the same owners inside both (the roots are unshifted, mounted idmapped)
	run -0 zlogin dup stat -c %u:%g /srv/own-1001 /srv/private/secret /srv/abs-link
	equals "$output" "$(printf '1001:2002\n42:4242\n123:456')"
	run -0 zlogin dup cat /etc/machine-id
	equals "$output" ""
	run -0 zlogin dup ls /etc/ssh
	equals "$output" sshd_config
	equals "$(stat -c %u:%g "$(zone_root dup)/srv/own-1001")" 1001:2002
}

@test "an exclusive-IP clone gets MACs of its own and no address, unless --set gives one" {
	# the namespace's zonectl wrapper, with the root on a file system of ours
	# (netns_setup makes a temporary root of its own: not used)
	netns_setup 10.97.0.1/24
	rmdir "$ZONES_ROOT"
	use_fs btrfs
	# (raw sockets for busybox ping; the clone has them too)
	zonectl create src --brand busybox --set ip_type=exclusive --set limitpriv=default,net_raw
	zonectl add src net name=eth0 bridge=br0 address=10.97.0.2/24 gateway=10.97.0.1 \
		mac=02:97:00:00:00:02
	zonectl install src >/dev/null
	run -0 zonectl clone src bare
	# what --set cannot give is refused, and no zone is left
	local bad
	for bad in "net.eth9.address=10.97.0.4/24|src has no interface \"eth9\"" \
		"net.eth0.address=bogus|net[0].address: \"bogus\": not an address" \
		"net.eth0.bridge=br1|takes address, gateway or mac" \
		"net.eth0=x|not net.IFNAME.KEY=VALUE"; do
		run ! --separate-stderr zonectl clone src given --set "${bad%|*}"
		contains "$stderr" "zonectl: clone src"
		contains "$stderr" "${bad#*|}"
		run -0 zonectl list -p
		not_contains "$output" ":given:"
	done
	run -0 zonectl clone src given --set net.eth0.address=10.97.0.3/24
	run -0 zonectl show bare --json
	equals "$(jget config.net.0.name <<<"$output")" eth0
	equals "$(jget config.net.0.bridge <<<"$output")" br0
	equals "$(jget config.net.0.address <<<"$output")" MISSING
	equals "$(jget config.net.0.gateway <<<"$output")" MISSING
	equals "$(jget config.net.0.mac <<<"$output")" MISSING
	run -0 zonectl show given --json
	equals "$(jget config.net.0.address <<<"$output")" 10.97.0.3/24
	equals "$(jget config.net.0.mac <<<"$output")" MISSING

	local z m macs=""
	for z in src bare given; do
		run -0 zonectl boot "$z"
		m=$(zlogin "$z" cat /sys/class/net/eth0/address)
		[[ " $macs " != *" $m "* ]] || { echo "$z has the MAC $m of another" >&2; false; }
		macs="$macs $m"
	done
	equals "$(zlogin src cat /sys/class/net/eth0/address)" 02:97:00:00:00:02
	run -0 zlogin bare ip -o -4 addr show dev eth0
	equals "$output" ""
	run -0 zlogin given ip -o -4 addr show dev eth0
	contains "$output" "inet 10.97.0.3/24"
	# and the two addressed zones reach each other over the bridge
	run -0 zlogin src ping -c 1 -W 3 10.97.0.3
	run -0 zlogin given ping -c 1 -W 3 10.97.0.2
}

# ---- failures ----------------------------------------------------------------------------------

# copier_caught ROOT: wait (up to 60 s) for the child of this root's zoned (a
# worker) that has a descriptor in the clone root ROOT -- the process that
# copies -- and stop it (SIGSTOP); then let it run in slices of 1 ms until it
# has copied 20 of the source's 300 big files, and print its pid.  It is left
# stopped, half-way.  (The watcher runs SCHED_FIFO, so that a loaded machine
# cannot keep it off the CPU while the copier runs on to the end.)
copier_caught() {
	chrt -f 10 python3 - "$1" "$(cat "$ZONES_ROOT/zoned.pid")" <<'PY'
import os, signal, sys, time
root, zoned = sys.argv[1], int(sys.argv[2])
big = os.path.join(root, "big")
deadline = time.monotonic() + 60
def children():
    out = []
    for t in os.listdir("/proc/%d/task" % zoned):
        try:
            out += [int(c) for c in open("/proc/%d/task/%s/children" % (zoned, t)).read().split()]
        except OSError:
            pass
    return out
def holds(pid):
    try:
        for fd in os.listdir("/proc/%d/fd" % pid):
            t = os.readlink("/proc/%d/fd/%s" % (pid, fd))
            if t == root or t.startswith(root + "/"):
                return True
    except OSError:
        pass
    return False
def copied():
    try:
        return len(os.listdir(big))
    except OSError:
        return 0
pids = []
while not pids:
    if time.monotonic() > deadline:
        sys.exit("no child of zoned %d has a descriptor in %s" % (zoned, root))
    pids = [p for p in children() if holds(p)]
    time.sleep(0.0005)
if len(pids) != 1:
    sys.exit("children of zoned with a descriptor in %s: %s" % (root, pids))
pid = pids[0]
os.kill(pid, signal.SIGSTOP)
while copied() < 20:
    if time.monotonic() > deadline:
        os.kill(pid, signal.SIGCONT)
        sys.exit("the copy into %s does not go on" % root)
    os.kill(pid, signal.SIGCONT)
    time.sleep(0.001)
    os.kill(pid, signal.SIGSTOP)
n = copied()
if n >= 300:
    os.kill(pid, signal.SIGCONT)
    sys.exit("caught too late: %d files copied" % n)
print(pid)
PY
}

# The copying is done by zoned's worker for the connection, not by zonectl: a
# killed client does not stop it, a killed worker leaves the clone incomplete.
@test "a clone whose client is killed finishes; one whose worker is killed half-way is incomplete" {
	use_fs ext4
	source_zone src
	big_files "$(zone_root src)" 300
	INV=$BATS_TEST_TMPDIR/src.inv
	inventory_of "$(zone_root src)" "$INV"

	# the client killed half-way: zoned's worker finishes the clone
	"$ZONECTL" clone src orphan --method copy >"$BATS_TEST_TMPDIR/orphan.out" 2>&1 &
	local client=$!
	track_pid "$client"
	local worker
	worker=$(copier_caught "$(zone_root orphan)")
	kill -9 "$client"
	wait "$client" || true
	kill -CONT "$worker"
	wait_until 60 state_is orphan installed
	inventory_of "$(zone_root orphan)" "$BATS_TEST_TMPDIR/orphan.inv"
	inv_diff clone "$INV" "$BATS_TEST_TMPDIR/orphan.inv"

	# the worker killed half-way
	"$ZONECTL" clone src half --method copy >"$BATS_TEST_TMPDIR/half.out" 2>&1 &
	client=$!
	track_pid "$client"
	worker=$(copier_caught "$(zone_root half)")
	kill -9 "$worker"
	local rc=0
	wait "$client" || rc=$?
	[ "$rc" -ne 0 ] || { echo "the client of the killed worker exited 0" >&2; false; }
	equals "$(zone_state half)" incomplete
	run -0 zonectl list -v
	has_line "$output" "^ +incomplete: clone from src\$"
	equals "$(reason half)" "clone from src"
	# half a root is there, and the source is intact
	local n
	n=$(find "$(zone_root half)/big" -type f | wc -l)
	[ "$n" -gt 0 ] && [ "$n" -lt 300 ]
	inventory "$(zone_root src)" >"$BATS_TEST_TMPDIR/src.after"
	inv_diff same "$INV" "$BATS_TEST_TMPDIR/src.after"
	# a new clone into it is refused until uninstall -F cleans it up
	run ! --separate-stderr zonectl clone src half
	contains "$stderr" "uninstall -F"
	run -0 zonectl uninstall -F half
	equals "$(zone_state half)" configured
	[ ! -e "$(zone_root half)" ]
	run -0 zonectl clone src half
	equals "$(zone_state half)" installed
	inv_diff clone "$INV" <(inventory "$(zone_root half)")
}

@test "a clone onto a file system too small is incomplete with the reason, its partial root gone" {
	use_fs ext4
	make_fs ext4 64M small
	source_zone src
	big_files "$(zone_root src)" 100
	INV=$BATS_TEST_TMPDIR/src.inv
	inventory_of "$(zone_root src)" "$INV"
	zonectl create tight --brand busybox --set zonepath="$WORK/small/tight"
	local used
	used=$(df --output=used "$WORK/small" | tail -1)

	run ! --separate-stderr zonectl clone src tight
	contains "$stderr" "clone src tight: "
	contains "$stderr" "No space left on device"
	equals "$(zone_state tight)" incomplete
	contains "$(reason tight)" "No space left on device"
	run -0 zonectl list -v
	has_line "$output" "^ +incomplete: .*No space left on device"
	# the partial root is gone, its space free again
	[ ! -e "$WORK/small/tight/root" ]
	[ "$(df --output=used "$WORK/small" | tail -1)" -le $((used + 1024)) ]
	inventory "$(zone_root src)" >"$BATS_TEST_TMPDIR/src.after"
	inv_diff same "$INV" "$BATS_TEST_TMPDIR/src.after"
	run -0 zonectl uninstall -F tight
	equals "$(zone_state tight)" configured
}

@test "a running source: refused but by snapshot; on btrfs a snapshot works and says it is crash-consistent" {
	use_fs btrfs
	source_zone src
	run -0 zonectl boot src
	local m
	for m in "" copy reflink; do
		run ! --separate-stderr zonectl clone src hot ${m:+--method $m}
		contains "$stderr" "clone src hot: zone src is running: only --method snapshot clones a running zone"
		run -0 zonectl list -p
		not_contains "$output" ":hot:"
		[ ! -e "$ZONES_ROOT/zones/hot" ]
	done
	run -0 --separate-stderr zonectl clone src hot --method snapshot
	contains "$output" "hot: installed, cloned from src by snapshot"
	contains "$output" "crash-consistent"
	run -0 --separate-stderr zonectl clone src hot2 --method snapshot --json
	equals "$(jget method <<<"$output")" snapshot
	equals "$(jget crash_consistent <<<"$output")" true
	matches "$(jget files <<<"$output") $(jget bytes <<<"$output")" '^[0-9]+ [0-9]+$'
	equals "$(zone_state src)" running
	identity_reset hot src
	boots_as hot
}

@test "a running source on ext4: a snapshot is refused too, and leaves nothing" {
	use_fs ext4
	make_zone src busybox
	run -0 zonectl boot src
	run ! --separate-stderr zonectl clone src hot --method snapshot
	contains "$stderr" "not a btrfs subvolume"
	run -0 zonectl list -p
	not_contains "$output" ":hot:"
	[ ! -e "$ZONES_ROOT/zones/hot" ]
	equals "$(zone_state src)" running
}

# ---- delegation (the illumos way) ---------------------------------------------------------

# remove_accounts: the users this test made ($ACCOUNTS).
remove_accounts() {
	local u
	for u in $ACCOUNTS; do
		userdel "$u" 2>/dev/null || { sleep 0.5; userdel "$u" || true; }
	done
}

# zc USER ARGS...: zonectl as USER, no supplementary groups, stdin from /dev/null.
zc() {
	local u=$1
	shift
	setpriv --reuid="$u" --regid="$(id -g "$u")" --clear-groups -- "$ZONECTL" "$@" </dev/null
}

# sums: the sha256 of every config and state file (not the lock files, which
# say who last held them), and the list of zonepaths.
sums() {
	sha256sum "$ZONES_ROOT"/index/*.json "$ZONES_ROOT"/index/*.state
	ls "$ZONES_ROOT/zones"
}

# deleg_refused USER TEXT ARGS...: 'zonectl ARGS' as USER fails saying TEXT,
# and no config, state or root changes.
deleg_refused() {
	local u=$1 what=$2 before
	shift 2
	before=$(sums)
	run ! --separate-stderr zc "$u" "$@"
	contains "$stderr" "$what"
	equals "$(sums)" "$before"
}

@test "delegation: a user with clone on SOURCE and manage on NEW clones; without either, refused" {
	use_fs btrfs
	local tag u v
	tag=zt-$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
	u=$tag-c v=$tag-n
	ACCOUNTS="$u $v"
	useradd -M -N -s /bin/sh "$u"
	useradd -M -N -s /bin/sh "$v"
	source_zone src
	INV=$BATS_TEST_TMPDIR/src.inv
	inventory_of "$(zone_root src)" "$INV"
	zonectl create mine --brand busybox
	zonectl create theirs --brand busybox
	run -0 zonectl admin add mine --user "$u" --auths manage
	run -0 zonectl admin add theirs --user "$v" --auths manage
	run -0 zonectl admin add src --user "$u" --auths clone

	# no manage on NEW
	deleg_refused "$u" "permission denied" clone src theirs
	contains "$stderr" theirs
	contains "$stderr" manage
	# no clone on SOURCE
	deleg_refused "$v" "permission denied" clone src theirs
	contains "$stderr" src
	contains "$stderr" clone
	# a NEW root has not configured
	deleg_refused "$u" "only root may create a zone" clone src nosuch
	[ ! -e "$ZONES_ROOT/index/nosuch.json" ]
	# --set, into a zone of theirs
	deleg_refused "$u" "--set" clone src mine --set autoboot=true
	# a method is theirs to choose
	run -0 --separate-stderr zc "$u" clone src mine --method reflink --json
	equals "$(jget method <<<"$output")" reflink
	equals "$(zone_state mine)" installed
	identity_reset mine src
	inv_diff clone "$INV" <(inventory "$(zone_root mine)")
	inv_diff same "$INV" <(inventory "$(zone_root src)")
	# their own zone, now installed, is not a configured one to clone into again
	deleg_refused "$u" "a clone makes a configured zone installed" clone src mine
	# and the grants hold: the user manages the clone
	run -0 zc "$u" boot mine
	equals "$(zone_state mine)" running
	run -0 zc "$u" halt mine
}

# ---- what it reports ---------------------------------------------------------------------------

@test "--json has method, crash_consistent, files and bytes; progress shows on a terminal only" {
	use_fs ext4
	source_zone src
	python3 -c '
import os, sys
d = os.path.join(sys.argv[1], "many")
os.mkdir(d)
for i in range(3000):
    with open(os.path.join(d, "m%d" % i), "w") as f:
        f.write("%d\n" % i)
' "$(zone_root src)"
	# what a copy must count: every entry, and the data of each file once
	local want
	want=$(python3 - "$(zone_root src)" <<'PY'
import os, stat, sys
files = data = 0
seen = set()
for d, dirs, names in os.walk(sys.argv[1]):
    for n in dirs + names:
        files += 1
        st = os.lstat(os.path.join(d, n))
        if not stat.S_ISREG(st.st_mode) or st.st_ino in seen:
            continue
        seen.add(st.st_ino)
        fd = os.open(os.path.join(d, n), os.O_RDONLY)
        off = 0
        while off < st.st_size:
            try:
                a = os.lseek(fd, off, os.SEEK_DATA)
            except OSError:
                break
            b = os.lseek(fd, a, os.SEEK_HOLE)
            data += b - a
            off = b
        os.close(fd)
print(files, data)
PY
)
	run -0 --separate-stderr zonectl clone src j1 --method copy --json
	equals "$stderr" ""
	equals "$(jget method <<<"$output")" copy
	equals "$(jget crash_consistent <<<"$output")" false
	equals "$(jget files <<<"$output") $(jget bytes <<<"$output")" "$want"
	# without --json, and no terminal: one line, no progress
	run -0 --separate-stderr zonectl clone src j2 --method copy
	equals "$output" "j2: installed, cloned from src by copy"
	equals "$stderr" ""
	# on a terminal: progress lines, rewritten in place, then the result
	run -0 script -qec "$(printf '%q ' "$ZONECTL" clone src j3 --method copy)" /dev/null
	contains "$output" $'\r'"clone: copy: "
	matches "$output" "clone: copy: [0-9]+ files, "
	contains "$output" "j3: installed, cloned from src by copy"
	equals "$(zone_state j3)" installed
}
