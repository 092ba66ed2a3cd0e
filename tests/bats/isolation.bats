# SPDX-License-Identifier: GPL-2.0-or-later
# What a zone can see and do: its hostname, its init, its processes, its
# user-id range, masked and read-only paths, its /dev, the system calls its
# seccomp policy and capabilities refuse (through the zprobe helper), and
# that neither the host's files and processes nor another zone's reach it.

# shellcheck disable=SC2154 # $stderr is set by bats' run --separate-stderr
# shellcheck disable=SC2016 # $ in single quotes is meant for the zone's shell
# shellcheck disable=SC2153 # $ZPROBE is set by runtime.bash

load helpers
load runtime

# setup and teardown: runtime.bash's

# probe_refused ZONE TEST...: each zprobe TEST is refused inside ZONE; all
# are tried, and every one that was not refused is named.
probe_refused() {
	local z=$1 t out rc bad=
	shift
	for t in "$@"; do
		rc=0
		out=$(zlogin "$z" zprobe "$t" 2>&1) || rc=$?
		if [ "$rc" -ne 0 ] || ! [[ $out =~ ^$t:\ E[A-Z0-9]+$ ]]; then
			bad+="  $t: exit $rc: $out"$'\n'
		fi
	done
	if [ -n "$bad" ]; then
		printf 'not refused inside the zone:\n%s' "$bad" >&2
		return 1
	fi
}

# ---- identity -----------------------------------------------------------------

@test "the hostname inside is the zone's name" {
	boot_zone web busybox
	run -0 zlogin web hostname
	equals "$output" web
	run -0 zlogin web cat /proc/sys/kernel/hostname
	equals "$output" web
	# and the host's is not changed
	[ "$(hostname)" != web ]
}

@test "the hostname property sets the hostname inside" {
	boot_zone web busybox --set hostname=www.example.org
	run -0 zlogin web hostname
	equals "$output" www.example.org
	run -0 zlogin web uname -n
	equals "$output" www.example.org
}

@test "pid 1 inside is the brand's init, /sbin/zinit" {
	boot_zone web busybox
	run -0 zlogin web cat /proc/1/cmdline
	equals "$output" /sbin/zinit
	run -0 zlogin web readlink /proc/1/exe
	equals "$output" /sbin/zinit
	# and the login runs in that pid namespace (a small pid, not a host one)
	run -0 zlogin web sh -c 'echo $$'
	[ "$output" -gt 1 ]
	[ "$output" -lt 100 ]
}

@test "ps inside shows only the zone's processes, none of the host's" {
	boot_zone web busybox
	local tag=zone-isolation-$$-$RANDOM
	# A host process with a unique argument: exec -a sets argv[0].
	bash -c "exec -a $tag sleep 1000" &
	track_pid $!
	wait_until 5 pgrep -f "$tag" >/dev/null
	run -0 zlogin web ps -o pid,args
	not_contains "$output" "$tag"
	not_contains "$output" "bats"
	not_contains "$output" "$(tr '\0' ' ' </proc/$$/cmdline | cut -c1-40)"
	# exactly init and the ps itself
	equals "$(awk 'NR > 1 { print $1 }' <<<"$output" | tr '\n' ' ')" "1 2 "
	has_line "$output" '^ +1 /sbin/zinit$'
	has_line "$output" '^ +2 ps -o pid,args$'
	# nor does any /proc/PID inside belong to a host process
	run -0 zlogin web sh -c 'cat /proc/[0-9]*/cmdline | tr "\0" " "'
	not_contains "$output" "$tag"
}

@test "root inside maps to the zone's own id range; two zones never overlap" {
	boot_zone a busybox
	boot_zone b busybox
	local ma mb ga
	ma=$(zlogin a cat /proc/self/uid_map)
	ga=$(zlogin a cat /proc/self/gid_map)
	mb=$(zlogin b cat /proc/self/uid_map)
	matches "$ma" '^ +0 +[0-9]+ +65536$'
	matches "$mb" '^ +0 +[0-9]+ +65536$'
	equals "$ga" "$ma"
	local na nb
	na=$(awk '{print $2}' <<<"$ma")
	nb=$(awk '{print $2}' <<<"$mb")
	[ "$na" -ge 1000000000 ]
	[ "$nb" -ge 1000000000 ]
	# [na, na+65536) and [nb, nb+65536) are disjoint
	[ $((na + 65536)) -le "$nb" ] || [ $((nb + 65536)) -le "$na" ]
	# the host sees the zone's root as that uid
	local init
	init=$(state_get a init_pid)
	equals "$(awk '/^Uid:/ { print $2 }' /proc/"$init"/status)" "$na"
}

# ---- masked and read-only paths ------------------------------------------------

@test "masked /proc files read empty; /proc/kcore and /proc/sysrq-trigger are out of reach" {
	boot_zone web busybox
	local f
	for f in keys timer_list interrupts key-users kallsyms; do
		[ -e "/proc/$f" ] || continue
		run -0 zlogin web sh -c "wc -c </proc/$f"
		equals "$output" 0
	done
	# the host's /proc/interrupts is not empty: the mask did the work
	[ "$(wc -c </proc/interrupts)" -gt 0 ]

	# Where these exist inside they must be neither readable nor writable.
	run -0 zlogin web sh -c '
		for f in /proc/kcore /proc/sysrq-trigger; do
			[ -e "$f" ] || continue
			n=$(head -c 16 "$f" 2>/dev/null | wc -c)
			[ "$n" -eq 0 ] || echo "$f: readable"
			(echo h >"$f") 2>/dev/null && echo "$f: writable"
		done; true'
	equals "$output" ""
	put_probe web
	probe_refused web sysrq
}

@test "/sys/firmware is empty inside" {
	boot_zone web busybox
	run -0 zlogin web ls -A /sys/firmware
	equals "$output" ""
	[ -n "$(ls -A /sys/firmware)" ]
}

@test "/proc/sys is read-only inside" {
	boot_zone web busybox
	local host_hn
	host_hn=$(cat /proc/sys/kernel/hostname)
	run ! --separate-stderr zlogin web sh -c 'echo hacked >/proc/sys/kernel/hostname'
	contains "$stderr" "Read-only file system"
	run -0 zlogin web hostname
	equals "$output" web
	equals "$(cat /proc/sys/kernel/hostname)" "$host_hn"
	run ! zlogin web sh -c 'echo 1 >/proc/sys/vm/drop_caches'
}

@test "/dev holds only the allowed devices" {
	boot_zone web busybox
	run -0 zlogin web ls -A /dev
	equals "$(sort <<<"$output" | tr '\n' ' ')" \
		"console fd full mqueue null ptmx pts random shm stderr stdin stdout tty urandom zero "
	run -0 zlogin web ls -A /dev/pts
	equals "$output" ptmx
	# the device nodes are the real ones, and nothing else is a device
	run -0 zlogin web sh -c 'echo x >/dev/null && head -c 4 /dev/zero | wc -c && head -c 4 /dev/urandom | wc -c'
	equals "$output" $'4\n4'
	run ! zlogin web sh -c 'echo x >/dev/full'
}

# ---- system calls ----------------------------------------------------------------

@test "device, mount and namespace operations are refused" {
	boot_zone web busybox
	put_probe web
	probe_refused web mknod mount-proc mount-sysfs unshare-user clone-newns umount-mask
	# the mask over /proc/keys is still there
	run -0 zlogin web sh -c 'wc -c </proc/keys'
	equals "$output" 0
}

@test "system calls that reach kernel state are refused" {
	boot_zone web busybox
	put_probe web
	probe_refused web keyctl add_key bpf perf_event_open userfaultfd kexec_load \
		init_module open_by_handle_at settimeofday
}

# ---- the 32-bit ABIs ---------------------------------------------------------
#
# Hosts of our kind come in two sorts: most run 32-bit x86 code through the
# kernel's IA32 entry, some have none at all (a static i386 ELF gives
# ENOEXEC, int $0x80 from a 64-bit process is SIGSEGV).  Each test below
# asks the host first, outside any zone, and proves what holds on that sort
# of host; the tests/kernel guest (CONFIG_IA32_EMULATION=y) proves the
# other on every run (tests/kernel/guest-i386).

ZPROBE32=${ZPROBE32:-$ZONES_BUILD/tests/helpers/zprobe32}

# host_ia32: prints "yes" when this host's kernel runs 32-bit x86 code, "no"
# when it has no IA32 entry at all.  Two probes, outside any zone, each in a
# process of its own, must agree: the static i386 zprobe32 runs, or execve()
# fails with ENOEXEC (zprobe exec reports the errno itself: a shell or
# execvp() would retry the file as a script); int $0x80 getpid from the
# 64-bit zprobe returns, or the process dies of SIGSEGV (139).  Anything
# else fails the test, showing what was seen.
host_ia32() {
	local elf elf_rc=0 int80 int80_rc=0
	elf=$("$ZPROBE" exec "$ZPROBE32" getpid 2>&1) || elf_rc=$?
	int80=$("$ZPROBE" i386 2>&1) || int80_rc=$?
	if [ "$elf_rc/$elf" = "0/getpid: allowed" ] && [ "$int80_rc/$int80" = "0/i386: allowed" ]; then
		echo yes
	elif [ "$elf_rc/$elf" = "0/exec: ENOEXEC" ] && [ "$int80_rc/$int80" = "139/" ]; then
		echo no
	else
		printf 'host_ia32: neither a host with IA32 nor one without:\n' >&2
		printf '  zprobe exec zprobe32 getpid: exit %s: %s\n' "$elf_rc" "$elf" >&2
		printf '  zprobe i386: exit %s: %s\n' "$int80_rc" "$int80" >&2
		return 1
	fi
}

# put_probe32 NAME: the static i386 zprobe32 into the zone root's /bin.
put_probe32() {
	install -m 0755 "$ZPROBE32" "$(zone_root "$1")/bin/zprobe32"
}

# says WHERE WANT-EXIT WANT-OUTPUT CMD...: CMD, run on the host (WHERE "-")
# or in zone WHERE, exits WANT-EXIT and prints exactly WANT-OUTPUT.
says() {
	local where=$1 want_rc=$2 want=$3 out rc=0
	shift 3
	if [ "$where" = - ]; then
		out=$("$@" 2>&1) || rc=$?
	else
		out=$(zlogin "$where" "$@" 2>&1) || rc=$?
	fi
	if [ "$rc" != "$want_rc" ] || [ "$out" != "$want" ]; then
		printf '%s: %s:\n  expected exit %s: %s\n  got exit %s: %s\n' \
			"${where/#-/the host}" "$*" "$want_rc" "$want" "$rc" "$out" >&2
		return 1
	fi
}

@test "the x32 ABI is refused; i386 is filtered like x86_64, or absent inside as outside" {
	local ia32
	ia32=$(host_ia32)
	boot_zone web busybox
	put_probe web
	put_probe32 web
	# x32 on both sorts of host
	probe_refused web x32
	if [ "$ia32" = yes ]; then
		# The keyring calls are refused by the profile (EPERM) through
		# int $0x80 from a 64-bit program and from an i386 one, while i386
		# getpid is allowed: the i386 ABI is filtered, not refused whole.
		says web 0 "i386-keyctl: EPERM" zprobe i386-keyctl
		says web 0 "i386-add_key: EPERM" zprobe i386-add_key
		says web 0 "i386: allowed" zprobe i386
		says web 0 "getpid: allowed" zprobe exec /bin/zprobe32 getpid
		says web 0 "keyctl: EPERM" zprobe exec /bin/zprobe32 keyctl
		says web 0 "add_key: EPERM" zprobe exec /bin/zprobe32 add_key
		# and outside the zone the same calls work: the refusal is ours
		says - 1 "i386-keyctl: allowed" "$ZPROBE" i386-keyctl
		says - 1 "keyctl: allowed" "$ZPROBE32" keyctl
	else
		# No IA32 entry: an i386 ELF cannot be executed and int $0x80
		# faults, inside the zone exactly as outside.
		says - 0 "exec: ENOEXEC" "$ZPROBE" exec "$ZPROBE32" getpid
		says web 0 "exec: ENOEXEC" zprobe exec /bin/zprobe32 getpid
		run -126 "$ZPROBE32" getpid
		contains "$output" "Exec format error"
		local t
		for t in i386 i386-keyctl i386-add_key; do
			says - 139 "" "$ZPROBE" "$t"
			says web 139 "" zprobe "$t"
		done
	fi
}

# i386_brand true|false: a brand "i386" in a temporary brands directory, the
# busybox brand with needs_ia32 set as given (brand.json is read again at
# every verify, install and boot).
i386_brand() {
	export ZONES_BRANDS_DIR=$BATS_TEST_TMPDIR/brands
	mkdir -p "$ZONES_BRANDS_DIR"
	[ -d "$ZONES_BRANDS_DIR/i386" ] || cp -r "$ZONES_SRC/brands/busybox" "$ZONES_BRANDS_DIR/i386"
	python3 - "$ZONES_BRANDS_DIR/i386/brand.json" "$1" <<-'EOF'
		import json, sys
		b = json.load(open(sys.argv[1]))
		b["needs_ia32"] = sys.argv[2] == "true"
		json.dump(b, open(sys.argv[1], "w"), indent=2)
	EOF
}

# nothing_of ZONE: no mount under the zone's root, no process in a cgroup
# named after the zone, no such cgroup (zoned's tmpfs on run/ is not the
# zone's; ZONE is unique to the test, as other suites may run meanwhile).
nothing_of() {
	equals "$(grep -F " $ZONES_ROOT/zones/" /proc/self/mountinfo)" ""
	equals "$(grep -slE "/$1\$" /proc/[0-9]*/cgroup 2>/dev/null)" ""
	equals "$(find /sys/fs/cgroup -mindepth 2 -maxdepth 6 -type d -name "$1" 2>/dev/null)" ""
	[ ! -e "$ZONES_ROOT/run/$1.live" ]
}

@test "a brand that needs 32-bit code: verify and boot say whether this host runs it" {
	local ia32 want z=ia32z$$
	ia32=$(host_ia32)
	i386_brand true
	zonectl create "$z" --brand i386
	if [ "$ia32" = no ]; then
		want="brand i386: needs 32-bit (IA32) code, and this host's kernel cannot run it"
		want+=" (int \$0x80 faults; an i386 ELF gives ENOEXEC)"
		run -1 --separate-stderr zonectl verify "$z"
		equals "$stderr" "zonectl: verify $z: $want"
		run -1 --separate-stderr zonectl verify --json "$z"
		equals "$(jget problems <<<"$output")" "$want"
		run -1 --separate-stderr zonectl install "$z"
		equals "$stderr" "zonectl: install $z: $want"
		equals "$(zone_state "$z")" configured
		[ ! -e "$(zone_root "$z")" ]
		# Installed while the brand did not say so (as a zone attached from
		# a host that runs i386 code would be): boot refuses it before it
		# makes anything, and the zone stays installed.
		i386_brand false
		zonectl install "$z" >/dev/null
		i386_brand true
		local files
		files=$(store_files)
		run -1 --separate-stderr zonectl boot "$z"
		equals "$stderr" "zonectl: boot $z: $want"
		equals "$(zone_state "$z")" installed
		equals "$(store_files)" "$files"
		nothing_of "$z"
		# and without the flag the same zone boots (which nothing_of sees)
		i386_brand false
		zonectl boot "$z"
		equals "$(zone_state "$z")" running
		run ! nothing_of "$z"
	else
		run -0 --separate-stderr zonectl verify "$z"
		equals "$output$stderr" ""
		zonectl install "$z" >/dev/null
		zonectl boot "$z"
		equals "$(zone_state "$z")" running
		put_probe "$z"
		put_probe32 "$z"
		says "$z" 0 "getpid: allowed" zprobe exec /bin/zprobe32 getpid
	fi
}

@test "capabilities inside are the default set" {
	boot_zone web busybox
	run -0 zlogin web grep -E '^Cap(Inh|Prm|Eff|Bnd|Amb):' /proc/self/status
	has_line "$output" $'^CapEff:\t00000000a00405fb$'
	has_line "$output" $'^CapPrm:\t00000000a00405fb$'
	has_line "$output" $'^CapBnd:\t00000000a00405fb$'
	has_line "$output" $'^CapAmb:\t0000000000000000$'
	# and init has no more than a login
	run -0 zlogin web grep -E '^Cap(Eff|Bnd):' /proc/1/status
	equals "$output" $'CapEff:\t00000000a00405fb\nCapBnd:\t00000000a00405fb'
	# a user other than root has none
	run -0 "$ZONECTL" login -T -l nobody web -- grep '^CapEff:' /proc/self/status </dev/null
	equals "$output" $'CapEff:\t0000000000000000'
}

@test "limitpriv with net_raw adds CAP_NET_RAW and nothing else" {
	boot_zone web busybox --set limitpriv=default,net_raw
	run -0 zlogin web grep '^CapEff:' /proc/self/status
	# 0xa00405fb | 1 << 13 (CAP_NET_RAW)
	equals "$output" $'CapEff:\t00000000a00425fb'
}

@test "every process in the zone runs under seccomp filter mode" {
	boot_zone web busybox
	run -0 zlogin web grep '^Seccomp:' /proc/self/status
	equals "$output" $'Seccomp:\t2'
	run -0 zlogin web grep '^Seccomp:' /proc/1/status
	equals "$output" $'Seccomp:\t2'
}

# ---- file descriptors ------------------------------------------------------

@test "no host file descriptor enters the zone (stdout a pipe)" {
	boot_zone web busybox
	# an extra open descriptor on the host side must not be inherited
	exec 7>"$BATS_TEST_TMPDIR/host-fd-7"
	run -0 "$ZONECTL" login -T web -- ls -l /proc/self/fd </dev/null
	exec 7>&-
	local fds
	fds=$(awk '$1 ~ /^l[-rwx]+$/ { print $9 }' <<<"$output" | sort -n | tr '\n' ' ')
	equals "$fds" "0 1 2 3 "
	not_contains "$output" "$BATS_TEST_TMPDIR"
	not_contains "$output" "host-fd-7"
}

@test "no host file descriptor enters the zone (stdout and stderr host files)" {
	boot_zone web busybox
	local out=$BATS_TEST_TMPDIR/fd-out err=$BATS_TEST_TMPDIR/fd-err
	# (readlink of the shell's descriptors: $(...) would show its own pipe)
	"$ZONECTL" login -T web -- sh -c \
		'for f in /proc/$$/fd/*; do echo "${f##*/} -> $(readlink "$f")"; done' \
		</dev/null >"$out" 2>"$err"
	local list
	list=$(cat "$out")
	has_line "$list" '^0 -> '
	has_line "$list" '^1 -> '
	has_line "$list" '^2 -> '
	# The zone gets fresh pipes, never the caller's descriptors (DESIGN: no
	# host fd crosses into a zone), so no host path shows here.
	not_contains "$list" "$BATS_TEST_TMPDIR"
}

@test "a zone cannot reopen the caller's output file through /proc" {
	boot_zone web busybox
	local out=$BATS_TEST_TMPDIR/fd-out err=$BATS_TEST_TMPDIR/fd-err
	printf 'host-secret\n' >"$out"
	# stdout inside is a pipe, not the caller's file: reopening it through
	# /proc cannot read the host file.  (exec first: the shell's own stdout, not that of a redirected command;
	# timeout: on a pipe, which the zone should hold, the read would wait for
	# the shell's own write end.)
	timeout 20 "$ZONECTL" login -T web -- sh -c \
		'exec 5</proc/$$/fd/1 && timeout 2 head -n1 <&5 >&2' \
		</dev/null >>"$out" 2>"$err" || true
	not_contains "$(cat "$err")" host-secret
}

@test "a host directory given as stdin does not open the host's files to the zone" {
	boot_zone web busybox
	local dir=$BATS_TEST_TMPDIR/hostdir
	mkdir -p "$dir/sub"
	echo host-secret >"$dir/sub/secret"
	chmod 0644 "$dir/sub/secret"
	# A directory as stdin must not let /proc/self/fd/0/ walk the host's tree.
	run timeout 20 "$ZONECTL" login -T web -- sh -c \
		'ls /proc/self/fd/0/sub/ 2>&1; cat /proc/self/fd/0/sub/secret 2>&1; true' <"$dir"
	not_contains "$output" host-secret
	run grep -cx secret <<<"$output"
	equals "$output" 0
}

# ---- the host and other zones ------------------------------------------------------

@test "the zone cannot see the host's files" {
	boot_zone web busybox
	local tag=host-marker-$$-$RANDOM
	echo secret >"$BATS_TEST_TMPDIR/$tag"
	echo secret >"$ZONES_ROOT/$tag"
	run ! zlogin web ls "$BATS_TEST_TMPDIR/$tag"
	run -0 zlogin web sh -c "find / -xdev -name '$tag*' 2>/dev/null; find /tmp /root /home -name '$tag*' 2>/dev/null; true"
	equals "$output" ""
	# the zone's / is its root, not the host's
	echo inside >"$(zone_root web)/root/only-in-zone"
	run -0 zlogin web cat /root/only-in-zone
	equals "$output" inside
	rm -f "$ZONES_ROOT/$tag"
}

@test "a zone cannot see or signal another zone's processes" {
	make_zone a busybox
	echo 'exec sleep 1000' >"$(zone_root a)/etc/rc"
	run -0 zonectl boot a
	boot_zone b busybox
	wait_until 5 ps_has a 'sleep 1000'
	local sleeper
	sleeper=$(zonectl ps --json a | python3 -c '
import json, sys
print([p["host_pid"] for p in json.load(sys.stdin)["processes"] if p["cmd"] == "sleep 1000"][0])')
	pid_alive "$sleeper"

	# B sees only its own processes
	run -0 zlogin b ps -o pid,args
	not_contains "$output" "sleep 1000"
	# B cannot signal A's sleep by its host pid or its zone pid (2 in A)
	run ! --separate-stderr zlogin b kill -9 "$sleeper"
	run -0 zlogin b sh -c 'kill -9 2 2>/dev/null; kill -9 -1 2>/dev/null; true'
	sleep 0.2
	pid_alive "$sleeper"
	equals "$(zone_state a)" running
	equals "$(zone_state b)" running
	run -0 zlogin a ps -o args
	contains "$output" "sleep 1000"
}

@test "the zone's network namespace is its own" {
	boot_zone web busybox
	local init
	init=$(state_get web init_pid)
	[ "$(readlink /proc/"$init"/ns/net)" != "$(readlink /proc/self/ns/net)" ]
	run -0 zlogin web cat /proc/net/dev
	# only loopback (ip_type none)
	equals "$(awk -F: 'NR > 2 { gsub(/ /, "", $1); print $1 }' <<<"$output")" lo
}
