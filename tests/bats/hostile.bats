# SPDX-License-Identifier: GPL-2.0-or-later
# Hostile input to the configuration verbs: bad zone names, malformed and
# ill-typed zone.json, out-of-range numbers, dangerous zonepaths, unknown
# brands.  Each case asserts the error text (it names the field and the
# value) and that nothing was created or changed under ZONES_ROOT.

# shellcheck disable=SC2154 # $stderr is set by bats' run --separate-stderr

load helpers

bats_require_minimum_version 1.5.0

setup() { common_setup; }
teardown() { common_teardown; }

# ---- local helpers ----------------------------------------------------------

no_store_files() {
	local f
	f=$(store_files)
	if [ -n "$f" ]; then
		printf 'files were created under %s:\n%s\n' "$ZONES_ROOT" "$f" >&2
		return 1
	fi
}

# Every file under the root with its checksum; lock files are left out (a
# refused edit may leave the zone's lock file, which holds nothing).
snapshot() {
	# the store's files; the daemon's own (pid, socket, log) change by design
	(cd "$ZONES_ROOT" && find . -type f ! -name '*.lock' ! -path ./zoned.pid \
		! -path ./log/zoned.log -print0 | sort -z | xargs -0 -r sha256sum)
}

# refuse_name NAME MESSAGE: every verb refuses NAME with exactly MESSAGE on
# one line, and creates nothing.  "--" lets names that look like options
# through to the name check.
refuse_name() {
	local name=$1 msg=$2
	local -a cmd
	local -a cmds=(
		"create --brand busybox --"
		"show --"
		"set --"
		"delete --"
		"verify --"
		"mark --"
		"add --"
		"remove --"
	)
	local c
	for c in "${cmds[@]}"; do
		# shellcheck disable=SC2206
		cmd=($c "$name")
		case ${cmd[0]} in
		set) cmd+=(autoboot=true) ;;
		mark) cmd+=(installed) ;;
		add | remove) cmd+=(fs source=/srv target=/srv) ;;
		esac
		run -1 zonectl "${cmd[@]}"
		if [[ $output != "zonectl: $msg" ]]; then
			printf '%s: expected:\n  zonectl: %s\ngot:\n  %s\n' "${cmd[0]}" "$msg" "$output" >&2
			return 1
		fi
		no_store_files
	done
}

# create_from JSON: create zone "z" from JSON on stdin; must fail.
create_from() {
	run -1 zonectl create z --from - <<<"$1"
	[ "${#lines[@]}" -eq 1 ]
}

# ---- zone names -------------------------------------------------------------

@test "name ../x is refused everywhere" {
	refuse_name "../x" 'zone name: "../x": must start with a letter or digit'
}

@test "name -rf is refused everywhere, and is not taken for a name without --" {
	refuse_name "-rf" 'zone name: "-rf": must start with a letter or digit'
	run -2 zonectl create -rf --brand busybox
	contains "$output" "zonectl create: unknown option '-r'"
	run -2 zonectl delete -rf
	contains "$output" "zonectl delete: unknown option '-r'"
	no_store_files
}

@test "name a/b is refused everywhere" {
	refuse_name "a/b" "zone name: \"a/b\": only letters, digits, '_', '.' and '-' are allowed"
}

@test "the empty name is refused everywhere" {
	refuse_name "" 'zone name: "": must not be empty'
}

@test "a 300-character name is refused everywhere" {
	local long
	long=$(printf 'a%.0s' {1..300})
	refuse_name "$long" "zone name: \"$(printf 'a%.0s' {1..80})\"...: longer than 63 characters"
}

@test "name global is refused everywhere" {
	refuse_name global 'zone name: "global": reserved for the host'
}

@test "a name with a newline inside is refused, quoted on one line" {
	refuse_name $'web\nx' "zone name: \"web\\nx\": only letters, digits, '_', '.' and '-' are allowed"
}

@test "a name that is not UTF-8 is refused everywhere" {
	refuse_name $'\xff' 'zone name: "\xff": must start with a letter or digit'
	refuse_name $'web\xff' "zone name: \"web\\xff\": only letters, digits, '_', '.' and '-' are allowed"
}

@test "names . and .. are refused everywhere" {
	refuse_name . 'zone name: ".": must start with a letter or digit'
	refuse_name .. 'zone name: "..": must start with a letter or digit'
}

@test "names at the edge of the rules are accepted" {
	local max
	max=$(printf 'a%.0s' {1..63})
	run -0 zonectl create "$max" --brand busybox
	run -0 zonectl create a.b-c_D9 --brand busybox
	run -0 zonectl create GLOBAL --brand busybox
	run -0 zonectl list
	equals "$output" $'GLOBAL\na.b-c_D9\n'"$max"
	run -1 zonectl create "${max}a" --brand busybox
	contains "$output" "longer than 63 characters"
}

@test "a config whose name is not the zone's name is refused" {
	create_from '{"name": "../x", "brand": "busybox"}'
	equals "$output" 'zonectl: create z: zone.json: name: "../x": does not match the zone name'
	create_from '{"name": 5, "brand": "busybox"}'
	equals "$output" 'zonectl: create z: zone.json: name: (not a string): does not match the zone name'
	no_store_files
}

# ---- malformed JSON ---------------------------------------------------------

@test "malformed JSON in --from FILE is refused with its line and column" {
	local f=$BATS_TEST_TMPDIR/bad.json
	printf '{\n  "brand": "busybox",\n  "autoboot": tru\n}\n' >"$f"
	run -1 zonectl create z --from "$f"
	equals "$output" "zonectl: $f: line 3, column 17: invalid token near 'tru'"
	no_store_files
}

@test "malformed JSON on stdin is refused with its line and column" {
	create_from $'{\n  "brand": "busybox",\n  "limits": {"cpu_cap": 5,}\n}'
	equals "$output" "zonectl: -: line 3, column 27: string or '}' expected near '}'"
	create_from ''
	contains "$output" "zonectl: -: line 2, column 0: '[' or '{' expected"
	no_store_files
}

@test "JSON that is not an object, has duplicate keys, NUL or bad UTF-8 is refused" {
	create_from '["brand", "busybox"]'
	equals "$output" "zonectl: -: not a JSON object"
	create_from '{"brand": "busybox", "brand": "busybox"}'
	contains "$output" "zonectl: -: line 1, column "
	contains "$output" "duplicate object key"
	create_from '{"brand": "busybox", "hostname": "a\u0000b"}'
	contains "$output" '\u0000 is not allowed'
	create_from $'{"brand": "busybox", "hostname": "\xff"}'
	contains "$output" "unable to decode byte 0xff"
	no_store_files
}

@test "a --from file larger than 1 MiB or missing is refused" {
	local f=$BATS_TEST_TMPDIR/big.json
	head -c 1100000 /dev/zero | tr '\0' ' ' >"$f"
	run -1 zonectl create z --from "$f"
	equals "$output" "zonectl: $f: larger than 1 MiB"
	run -1 zonectl create z --from "$BATS_TEST_TMPDIR/missing.json"
	equals "$output" "zonectl: $BATS_TEST_TMPDIR/missing.json: No such file or directory"
	no_store_files
}

# ---- unknown keys and wrong types ------------------------------------------

@test "unknown keys are refused, naming their path" {
	create_from '{"brand": "busybox", "bogus": 1}'
	equals "$output" 'zonectl: create z: zone.json: "bogus": unknown key'
	create_from '{"brand": "busybox", "limits": {"memory_cap": "1G", "bogus": 1}}'
	equals "$output" 'zonectl: create z: zone.json: limits."bogus": unknown key'
	create_from '{"brand": "busybox", "ip_type": "exclusive", "net": [{"name": "eth0", "vlan": 3}]}'
	equals "$output" 'zonectl: create z: zone.json: net[0]."vlan": unknown key'
	create_from '{"brand": "busybox", "fs": [{"source": "/srv", "target": "/srv", "ro": true}]}'
	equals "$output" 'zonectl: create z: zone.json: fs[0]."ro": unknown key'
	create_from '{"brand": "busybox", "admins": [{"user": "root", "auths": ["login"], "x": 1}]}'
	equals "$output" 'zonectl: create z: zone.json: admins[0]."x": unknown key'
	run -1 zonectl create z --brand busybox --set bogus=1
	equals "$output" 'zonectl: create z: --set: "bogus": unknown key'
	run -1 zonectl create z --brand busybox --set limits.bogus=1
	equals "$output" 'zonectl: create z: --set: limits."bogus": unknown key'
	no_store_files
}

@test "values of the wrong type are refused, naming the path, value and type" {
	create_from '{"brand": "busybox", "autoboot": "yes"}'
	equals "$output" 'zonectl: create z: zone.json: autoboot: "yes": not a boolean (true or false) (got a string)'
	create_from '{"brand": 5}'
	equals "$output" 'zonectl: create z: zone.json: brand: 5: not a string (got an integer)'
	create_from '{"brand": "busybox", "limits": {"cpu_cap": "50"}}'
	equals "$output" 'zonectl: create z: zone.json: limits.cpu_cap: "50": not an integer (got a string)'
	create_from '{"brand": "busybox", "limits": {"cpu_cap": 1.5}}'
	equals "$output" 'zonectl: create z: zone.json: limits.cpu_cap: 1.5: not an integer (got a number)'
	create_from '{"brand": "busybox", "limits": []}'
	equals "$output" 'zonectl: create z: zone.json: limits: []: not an object (got an array)'
	create_from '{"brand": "busybox", "net": {}}'
	equals "$output" 'zonectl: create z: zone.json: net: {}: not an array (got an object)'
	create_from '{"brand": "busybox", "fs": [5]}'
	equals "$output" 'zonectl: create z: zone.json: fs[0]: 5: not an object'
	create_from '{"brand": "busybox", "limitpriv": "chown"}'
	equals "$output" 'zonectl: create z: zone.json: limitpriv: "chown": not an array of strings (got a string)'
	create_from '{"brand": "busybox", "attrs": {"owner": 1}}'
	equals "$output" 'zonectl: create z: zone.json: attrs."owner": 1: not a string'
	create_from '{"brand": "busybox", "zonepath": null}'
	equals "$output" 'zonectl: create z: zone.json: zonepath: null: not a string (got null)'
	run -1 zonectl create z --brand busybox --set autoboot=maybe
	equals "$output" 'zonectl: create z: --set: autoboot: "maybe": not a boolean (true or false)'
	run -1 zonectl create z --brand busybox --set limits.cpu_cap=half
	equals "$output" 'zonectl: create z: --set: limits.cpu_cap: "half": not an integer'
	no_store_files
}

@test "assignments that are not key=value, or target a list or object, are refused" {
	run -1 zonectl create z --brand busybox --set novalue
	equals "$output" 'zonectl: create z: --set: "novalue": not of the form key=value'
	run -1 zonectl create z --brand busybox --set =x
	equals "$output" 'zonectl: create z: --set: "=x": not of the form key=value'
	run -1 zonectl create z --brand busybox --set net=eth0
	equals "$output" 'zonectl: create z: --set: net: a list of resources: use add/remove'
	run -1 zonectl create z --brand busybox --set net.name=eth0
	equals "$output" 'zonectl: create z: --set: net."name": no such entry of net (net.N.KEY with N from 0, or net.NAME.KEY; add/remove make and drop entries)'
	run -1 zonectl create z --brand busybox --set limits=1
	equals "$output" 'zonectl: create z: --set: limits: set its keys (limits.KEY=VALUE)'
	run -1 zonectl create z --brand busybox --set name=other
	equals "$output" 'zonectl: create z: --set: name: cannot be changed with set'
	run -1 zonectl create z --brand busybox --set $'hostname=\xff'
	equals "$output" 'zonectl: create: --set: not valid UTF-8'
	no_store_files
}

# ---- numbers ----------------------------------------------------------------

@test "limits.max_processes: negative, 2^63 and 2^64 are refused" {
	create_from '{"brand": "busybox", "limits": {"max_processes": -1}}'
	equals "$output" 'zonectl: create z: zone.json: limits.max_processes: -1: out of range (1 to 4194304)'
	create_from '{"brand": "busybox", "limits": {"max_processes": 9223372036854775807}}'
	equals "$output" 'zonectl: create z: zone.json: limits.max_processes: 9223372036854775807: out of range (1 to 4194304)'
	# beyond int64 the JSON parser itself refuses, at the number's position
	create_from '{"brand": "busybox", "limits": {"max_processes": 9223372036854775808}}'
	equals "$output" "zonectl: -: line 1, column 68: too big integer near '9223372036854775808'"
	create_from '{"brand": "busybox", "limits": {"max_processes": 18446744073709551616}}'
	equals "$output" "zonectl: -: line 1, column 69: too big integer near '18446744073709551616'"
	run -1 zonectl create z --brand busybox --set limits.max_processes=-1
	equals "$output" 'zonectl: create z: zone.json: limits.max_processes: -1: out of range (1 to 4194304)'
	run -1 zonectl create z --brand busybox --set limits.max_processes=0
	equals "$output" 'zonectl: create z: zone.json: limits.max_processes: 0: out of range (1 to 4194304)'
	run -1 zonectl create z --brand busybox --set limits.max_processes=9223372036854775808
	equals "$output" 'zonectl: create z: --set: limits.max_processes: "9223372036854775808": out of range'
	run -1 zonectl create z --brand busybox --set limits.max_processes=18446744073709551616
	equals "$output" 'zonectl: create z: --set: limits.max_processes: "18446744073709551616": out of range'
	no_store_files
}

@test "limits.memory_cap: negative, 2^63, 2^64 and 12Q are refused" {
	create_from '{"brand": "busybox", "limits": {"memory_cap": -1}}'
	equals "$output" 'zonectl: create z: zone.json: limits.memory_cap: -1: not a size'
	create_from '{"brand": "busybox", "limits": {"memory_cap": "9223372036854775808"}}'
	equals "$output" 'zonectl: create z: zone.json: limits.memory_cap: "9223372036854775808": size out of range'
	create_from '{"brand": "busybox", "limits": {"memory_cap": "18446744073709551616"}}'
	equals "$output" 'zonectl: create z: zone.json: limits.memory_cap: "18446744073709551616": size out of range'
	create_from '{"brand": "busybox", "limits": {"memory_cap": 18446744073709551616}}'
	contains "$output" "zonectl: -: line 1, column "
	contains "$output" "too big integer"
	create_from '{"brand": "busybox", "limits": {"memory_cap": "16777216T"}}'
	equals "$output" 'zonectl: create z: zone.json: limits.memory_cap: "16777216T": size out of range'
	create_from '{"brand": "busybox", "limits": {"memory_cap": "12Q"}}'
	equals "$output" 'zonectl: create z: zone.json: limits.memory_cap: "12Q": not a size'
	run -1 zonectl create z --brand busybox --set limits.memory_cap=12Q
	equals "$output" 'zonectl: create z: zone.json: limits.memory_cap: "12Q": not a size'
	run -1 zonectl create z --brand busybox --set limits.memory_cap=-1
	equals "$output" 'zonectl: create z: zone.json: limits.memory_cap: "-1": not a size'
	run -1 zonectl create z --brand busybox --set limits.memory_cap=9223372036854775808
	equals "$output" 'zonectl: create z: zone.json: limits.memory_cap: "9223372036854775808": size out of range'
	run -1 zonectl create z --brand busybox --set limits.memory_cap=18446744073709551616
	equals "$output" 'zonectl: create z: zone.json: limits.memory_cap: "18446744073709551616": size out of range'
	run -1 zonectl create z --brand busybox --set 'limits.memory_cap= 1G'
	equals "$output" 'zonectl: create z: zone.json: limits.memory_cap: " 1G": not a size'
	run -1 zonectl create z --brand busybox --set limits.memory_cap=1
	equals "$output" 'zonectl: create z: zone.json: limits.memory_cap: 1: too small (at least 1048576 bytes)'
	no_store_files
}

@test "bad numbers in an edit leave the config unchanged" {
	zonectl create web --brand busybox --set limits.memory_cap=256M --set limits.max_processes=100
	local before
	before=$(snapshot)
	run -1 zonectl set web limits.max_processes=-1
	equals "$output" 'zonectl: set web: zone.json: limits.max_processes: -1: out of range (1 to 4194304)'
	run -1 zonectl set web limits.max_processes=9223372036854775808
	equals "$output" 'zonectl: set web: limits.max_processes: "9223372036854775808": out of range'
	run -1 zonectl set web limits.max_processes=18446744073709551616
	equals "$output" 'zonectl: set web: limits.max_processes: "18446744073709551616": out of range'
	run -1 zonectl set web limits.memory_cap=-1
	equals "$output" 'zonectl: set web: zone.json: limits.memory_cap: "-1": not a size'
	run -1 zonectl set web limits.memory_cap=9223372036854775808
	equals "$output" 'zonectl: set web: zone.json: limits.memory_cap: "9223372036854775808": size out of range'
	run -1 zonectl set web limits.memory_cap=18446744073709551616
	equals "$output" 'zonectl: set web: zone.json: limits.memory_cap: "18446744073709551616": size out of range'
	run -1 zonectl set web limits.memory_cap=12Q
	equals "$output" 'zonectl: set web: zone.json: limits.memory_cap: "12Q": not a size'
	run -1 zonectl add web net name=eth0 mtu=99999
	contains "$output" 'add web: zone.json: net'
	equals "$(snapshot)" "$before"
}

# ---- zonepath ---------------------------------------------------------------

@test "zonepath / is refused" {
	run -1 zonectl create z --brand busybox --set zonepath=/
	equals "$output" 'zonectl: create z: zone.json: zonepath: "/": must not be the root directory'
	no_store_files
}

@test "zonepath /etc and paths inside system directories are refused" {
	local p
	for p in /etc /etc/zones/z /usr/local/z /proc/1 /sys/z /dev/z /boot /bin /lib64/z; do
		run -1 zonectl create z --brand busybox --set zonepath="$p"
		equals "$output" "zonectl: create z: zone.json: zonepath: \"$p\": must not be a system directory or inside one"
	done
	for p in /var /var/lib /home /srv /tmp /root; do
		run -1 zonectl create z --brand busybox --set zonepath="$p"
		equals "$output" "zonectl: create z: zone.json: zonepath: \"$p\": must not be a top-level system directory"
	done
	no_store_files
}

@test "relative and unnormalized zonepaths are refused" {
	local p
	for p in zones/x x ./x /var/../etc /srv/./z //srv/z /srv/z/ /srv//z $'/srv/a\nb'; do
		run -1 zonectl create z --brand busybox --set zonepath="$p"
		local shown=${p//$'\n'/\\n}
		equals "$output" "zonectl: create z: zone.json: zonepath: \"$shown\": not an absolute, normalized path"
	done
	create_from '{"brand": "busybox", "zonepath": "/var/../etc"}'
	equals "$output" 'zonectl: create z: zone.json: zonepath: "/var/../etc": not an absolute, normalized path'
	no_store_files
}

@test "a bad zonepath in an edit leaves the config unchanged" {
	zonectl create web --brand busybox --set zonepath=/srv/zones/web
	local before
	before=$(snapshot)
	local p
	for p in / /etc zones/x /var/../etc "$ZONES_ROOT" "$ZONES_ROOT/index/web"; do
		run -1 zonectl set web zonepath="$p"
		contains "$output" "zonectl: set web: "
		contains "$output" "zonepath: \"$p\": "
	done
	equals "$(snapshot)" "$before"
}

# ---- brands and other fields ------------------------------------------------

@test "an unknown brand is refused" {
	run -1 zonectl create z --brand nosuch
	equals "$output" "zonectl: create z: brand: \"nosuch\": no such brand (looked in $ZONES_BRANDS_DIR)"
	run -1 zonectl create z --brand ../busybox
	equals "$output" 'zonectl: create z: zone.json: brand: "../busybox": not a brand name'
	run -1 zonectl create z --brand ""
	equals "$output" 'zonectl: create z: zone.json: brand: "": not a brand name'
	run -1 zonectl create z --brand $'\xff'
	equals "$output" 'zonectl: create z: --brand: not valid UTF-8'
	create_from '{"brand": "nosuch"}'
	equals "$output" "zonectl: create z: brand: \"nosuch\": no such brand (looked in $ZONES_BRANDS_DIR)"
	no_store_files
}

@test "hostile values in resources are refused, naming the field" {
	create_from '{"brand": "busybox", "fs": [{"source": "/srv", "target": "/proc/x"}]}'
	equals "$output" 'zonectl: create z: zone.json: fs[0].target: "/proc/x": must not be inside /proc'
	create_from '{"brand": "busybox", "fs": [{"source": "../etc", "target": "/x"}]}'
	equals "$output" 'zonectl: create z: zone.json: fs[0].source: "../etc": not an absolute, normalized path'
	create_from '{"brand": "busybox", "fs": [{"source": "/srv", "target": "/"}]}'
	equals "$output" 'zonectl: create z: zone.json: fs[0].target: "/": not an absolute, normalized path below /'
	create_from '{"brand": "busybox", "devices": [{"path": "/dev/../etc/shadow"}]}'
	equals "$output" 'zonectl: create z: zone.json: devices[0].path: "/dev/../etc/shadow": not a normalized path below /dev/'
	create_from '{"brand": "busybox", "ip_type": "exclusive", "net": [{"name": "../eth0"}]}'
	contains "$output" 'zonectl: create z: zone.json: net[0].name: "../eth0": not an interface name'
	create_from '{"brand": "busybox", "admins": [{"user": "-root", "auths": ["login"]}]}'
	equals "$output" 'zonectl: create z: zone.json: admins[0].user: "-root": not a user or group name'
	create_from '{"brand": "busybox", "hostname": "a b"}'
	equals "$output" 'zonectl: create z: zone.json: hostname: "a b": not a host name'
	create_from '{"brand": "busybox", "limitpriv": ["sys_admin", "not_a_cap"]}'
	equals "$output" 'zonectl: create z: zone.json: limitpriv[1]: "not_a_cap": not a capability name'
	create_from '{"brand": "busybox", "version": 2}'
	equals "$output" 'zonectl: create z: zone.json: version: 2: unsupported version (this libzone reads version 1)'
	run -1 zonectl create z --brand busybox --set $'hostname=a\tb'
	equals "$output" 'zonectl: create z: zone.json: hostname: "a\x09b": not a host name'
	no_store_files
}

@test "hostile values in an edit leave the config unchanged" {
	zonectl create web --brand busybox
	local before
	before=$(snapshot)
	run -1 zonectl add web fs source=/srv target=/sys/fs
	equals "$output" 'zonectl: add web: zone.json: fs[0].target: "/sys/fs": must not be inside /sys'
	run -1 zonectl add web device path=/etc/shadow
	equals "$output" 'zonectl: add web: zone.json: devices[0].path: "/etc/shadow": not a normalized path below /dev/'
	run -1 zonectl add web admin user=root auths=login,root
	equals "$output" 'zonectl: add web: zone.json: admins[0].auths[1]: "root": not an authorization (login, manage, clone)'
	run -1 zonectl add web nic name=eth0
	equals "$output" 'zonectl: add web: "nic": not a resource (net, fs, device, admin)'
	run -1 zonectl set web brand=../busybox
	equals "$output" 'zonectl: set web: zone.json: brand: "../busybox": not a brand name'
	run -1 zonectl set web brand=nosuch
	contains "$output" 'zonectl: set web: brand: "nosuch": no such brand'
	run -1 zonectl set web attrs.owner=$'\xff'
	contains "$output" 'not valid UTF-8'
	equals "$(snapshot)" "$before"
}

@test "index files with hostile contents are reported, not trusted" {
	zonectl create web --brand busybox
	# A config that names another zone, or points the zonepath at /etc.
	printf '{"name": "web", "brand": "busybox", "zonepath": "/etc"}\n' >"$ZONES_ROOT/index/web.json"
	run -0 zonectl list -v
	contains "$output" 'error: web.json: zonepath: "/etc": must not be a system directory or inside one'
	run -1 zonectl show web
	equals "$output" 'zonectl: show: web.json: zonepath: "/etc": must not be a system directory or inside one'
	run -1 zonectl set web autoboot=true
	contains "$output" 'web.json: zonepath: "/etc"'
	# a config without a zonepath is refused rather than half-loaded
	printf '{"name": "web", "brand": "busybox"}\n' >"$ZONES_ROOT/index/web.json"
	run -0 --separate-stderr zonectl list -p
	equals "$output" "-:web:error:::"
	equals "$stderr" "zonectl: web: web.json: zonepath: missing"
	run -0 zonectl create other --brand busybox
}
