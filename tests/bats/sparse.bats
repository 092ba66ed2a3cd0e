# SPDX-License-Identifier: GPL-2.0-or-later
# The sparse brand: the host's /usr (and /bin, /sbin, /lib*) read-only in the
# zone, /etc, /var, /home, /tmp and /root private to it.  The zone runs the
# host's own binaries.

# shellcheck disable=SC2154 # $stderr is set by bats' run --separate-stderr
# shellcheck disable=SC2016 # $ in single quotes is meant for the zone's shell

load helpers
load runtime

setup() { common_setup; }
teardown() { common_teardown; }

sha() { sha256sum "$1" | cut -d' ' -f1; }

@test "a sparse zone installs small and boots its own init" {
	run -0 zonectl create sp --brand sparse
	run -0 zonectl install sp
	equals "$(zone_state sp)" installed
	local r
	r=$(zone_root sp)
	[ -x "$r/etc/zone/zinit" ]
	[ -f "$r/etc/passwd" ]
	# no copy of the host's /usr: the private root is tiny
	[ "$(du -sk "$r" | cut -f1)" -lt 4096 ]
	[ -z "$(ls -A "$r/usr")" ]
	run -0 zonectl boot sp
	equals "$(zone_state sp)" running
	run -0 zlogin sp cat /proc/1/cmdline
	equals "$output" /etc/zone/zinit
}

@test "the host's /usr is visible inside, the same files" {
	boot_zone sp sparse
	run -0 zlogin sp sha256sum /usr/bin/env
	equals "${output%% *}" "$(sha /usr/bin/env)"
	run -0 zlogin sp sh -c 'ls /usr/bin | wc -l'
	equals "$output" "$(ls /usr/bin | wc -l)"
	# the zone's root stays empty there on the host
	[ -z "$(ls -A "$(zone_root sp)/usr")" ]
}

@test "/usr, /bin, /sbin and /lib are read-only inside, and cannot be remounted" {
	boot_zone sp sparse
	local d
	for d in /usr /usr/bin /bin /sbin /lib; do
		[ -e "$d" ] || continue
		run ! --separate-stderr zlogin sp touch "$d/zone-wrote-here"
		contains "$stderr" "Read-only file system"
		[ ! -e "$d/zone-wrote-here" ]
	done
	run ! zlogin sp mount -o remount,rw /usr
	run ! zlogin sp mount -o remount,bind,rw /usr
	run ! --separate-stderr zlogin sp touch /usr/zone-wrote-here
	contains "$stderr" "Read-only file system"
	[ ! -e /usr/zone-wrote-here ]
}

@test "/etc, /var, /root, /home and /tmp are private to the zone" {
	boot_zone sp sparse
	local tag=sparse-$$-$RANDOM d
	run -0 zlogin sp sh -c "for d in /etc /var /root /home /tmp; do echo $tag >\$d/$tag; done"
	local r
	r=$(zone_root sp)
	for d in etc var root home tmp; do
		equals "$(cat "$r/$d/$tag")" "$tag"
		[ ! -e "/$d/$tag" ] || { echo "/$d/$tag appeared on the host" >&2; rm -f "/$d/$tag"; false; }
	done
	# and the host's /etc is not what the zone sees
	run -0 zlogin sp cat /etc/hostname
	equals "$output" sp
	run -0 zlogin sp cat /etc/passwd
	equals "$output" "$(cat "$r/etc/passwd")"
}

@test "the host's /bin/sh and id work inside, as the zone's root" {
	boot_zone sp sparse
	run -0 zlogin sp /bin/sh -c 'echo "sh works: $((6 * 7))"'
	equals "$output" "sh works: 42"
	run -0 zlogin sp id
	equals "$output" "uid=0(root) gid=0(root) groups=0(root)"
	run -0 zlogin sp id -un
	equals "$output" root
	run -0 "$ZONECTL" login -T -l nobody sp -- id -u </dev/null
	equals "$output" 65534
}

@test "a sparse zone is confined like any other zone" {
	boot_zone sp sparse
	run -0 zlogin sp cat /proc/self/uid_map
	matches "$output" '^ +0 +[0-9]{10,} +65536$'
	run -0 zlogin sp grep -E '^(CapEff|Seccomp):' /proc/self/status
	equals "$output" $'CapEff:\t00000000a00405fb\nSeccomp:\t2'
	run -0 zlogin sp hostname
	equals "$output" sp
	# the host's setuid programs give no more than the zone's root has
	if [ -u /usr/bin/su ] || [ -u /bin/su ]; then
		run -0 "$ZONECTL" login -T -l nobody sp -- sh -c 'su -c id root 2>&1; true' </dev/null
		not_contains "$output" "uid=0(root)"
	fi
}

@test "uninstall removes the private root and leaves the host's /usr alone" {
	boot_zone sp sparse
	local before r
	before=$(sha /usr/bin/env)
	r=$(zone_root sp)
	run -0 zonectl halt sp
	# nothing is mounted over the root any more
	run grep -F " $r" /proc/self/mountinfo
	equals "$output" ""
	run -0 zonectl uninstall sp
	equals "$(zone_state sp)" configured
	[ ! -e "$r" ]
	[ -x /usr/bin/env ]
	equals "$(sha /usr/bin/env)" "$before"
	[ -x /bin/sh ]
}
