# SPDX-License-Identifier: GPL-2.0-or-later
# The configuration verbs of zonectl: create, list, show, set, add, remove,
# verify, mark, delete.  Every test asserts what the command did (files,
# listed state, shown config, messages), not only that it ran.

# shellcheck disable=SC2154 # $stderr is set by bats' run --separate-stderr

load helpers

bats_require_minimum_version 1.5.0

setup() { common_setup; }
teardown() { common_teardown; }

# ---- local helpers ----------------------------------------------------------

# jget PATH: the value at PATH ("limits.cpu_cap", "net.0.name") of the JSON
# document on stdin, printed as JSON (so 50, "256M", true); MISSING if absent.
jget() { json_at json "$1"; }

cfg() { printf '%s/index/%s.json' "$ZONES_ROOT" "$1"; }
statefile() { printf '%s/index/%s.state' "$ZONES_ROOT" "$1"; }
sha() { sha256sum "$1" | cut -d' ' -f1; }
set_state() { printf '{"state":"%s"}\n' "$2" >"$(statefile "$1")"; }

# A second brand ("other", a copy of busybox) in a private brands directory,
# for tests that need two brands whatever the tree ships.
two_brands() {
	export ZONES_BRANDS_DIR=$BATS_TEST_TMPDIR/brands
	mkdir -p "$ZONES_BRANDS_DIR"
	cp -r "$ZONES_SRC/brands/busybox" "$ZONES_BRANDS_DIR/busybox"
	cp -r "$ZONES_SRC/brands/busybox" "$ZONES_BRANDS_DIR/other"
}

# show NAME KEY: the value of KEY in the zone's shown config.
show_get() {
	local out
	out=$(zonectl show "$1") || return 1
	jget "$2" <<<"$out"
}

# ---- create -----------------------------------------------------------------

@test "create --brand makes a configured zone with the default zonepath" {
	run -0 zonectl create web --brand busybox
	equals "$output" ""
	[ -f "$(cfg web)" ]
	equals "$(jget state <"$(statefile web)")" '"configured"'
	equals "$(show_get web brand)" '"busybox"'
	equals "$(show_get web name)" '"web"'
	equals "$(show_get web zonepath)" "\"$ZONES_ROOT/zones/web\""
	equals "$(show_get web autoboot)" false
	equals "$(show_get web ip_type)" '"none"'
	run -0 zonectl list
	equals "$output" "web"
}

@test "create --json prints the new zone and its state" {
	run -0 zonectl create web --brand busybox --json
	equals "$(jget name <<<"$output")" '"web"'
	equals "$(jget state <<<"$output")" '"configured"'
}

@test "create --set applies typed and dotted keys" {
	run -0 zonectl create web --brand busybox \
		--set limits.memory_cap=256M --set limits.cpu_cap=50 \
		--set hostname=web1 --set attrs.owner=web-team --set autoboot=yes \
		--set limitpriv=chown,kill
	equals "$(show_get web limits.memory_cap)" '"256M"'
	equals "$(show_get web limits.cpu_cap)" 50
	equals "$(show_get web hostname)" '"web1"'
	equals "$(show_get web attrs.owner)" '"web-team"'
	equals "$(show_get web autoboot)" true
	equals "$(show_get web limitpriv)" '["chown", "kill"]'
}

@test "create --from FILE.json takes the whole config" {
	local f=$ZONES_ROOT/web.json
	cat >"$f" <<-EOF
	{
	  "brand": "busybox",
	  "hostname": "www",
	  "autoboot": true,
	  "limits": { "memory_cap": "1G", "max_processes": 500 },
	  "attrs": { "tier": "front" }
	}
	EOF
	run -0 zonectl create web --from "$f"
	rm -f "$f"
	equals "$(show_get web brand)" '"busybox"'
	equals "$(show_get web hostname)" '"www"'
	equals "$(show_get web autoboot)" true
	equals "$(show_get web limits.memory_cap)" '"1G"'
	equals "$(show_get web limits.max_processes)" 500
	equals "$(show_get web attrs.tier)" '"front"'
	equals "$(show_get web zonepath)" "\"$ZONES_ROOT/zones/web\""
}

@test "create --from - reads the config from stdin; --brand and --set override it" {
	two_brands
	run -0 zonectl create web --from - <<<'{"brand": "other", "hostname": "a"}'
	equals "$(show_get web brand)" '"other"'
	equals "$(show_get web hostname)" '"a"'
	run -0 zonectl create db --from - --brand busybox --set hostname=b \
		<<<'{"brand": "other", "hostname": "a"}'
	equals "$(show_get db brand)" '"busybox"'
	equals "$(show_get db hostname)" '"b"'
}

@test "create --from accepts a file whose name matches the zone" {
	run -0 zonectl create web --from - <<<'{"name": "web", "brand": "busybox"}'
	equals "$(show_get web name)" '"web"'
}

@test "create of an existing name is refused and leaves the zone as it was" {
	zonectl create web --brand busybox --set hostname=one
	local before
	before=$(sha "$(cfg web)")
	run -1 zonectl create web --brand busybox --set hostname=two
	contains "$output" "create web: a zone of that name exists"
	equals "$(sha "$(cfg web)")" "$before"
	equals "$(show_get web hostname)" '"one"'
}

@test "create without --brand or --from is a usage error" {
	run -2 zonectl create web
	contains "$output" "needs --brand or --from"
	[ ! -e "$(cfg web)" ]
}

@test "--root selects another zones root" {
	local alt=$ZONES_ROOT/alt
	run -0 zonectl --root "$alt" create web --brand busybox
	[ -f "$alt/index/web.json" ]
	[ ! -e "$(cfg web)" ]
	run -0 zonectl --root "$alt" list -p
	equals "$output" "-:web:configured:$alt/zones/web:busybox:none"
}

# ---- list -------------------------------------------------------------------

@test "list prints one name per line, sorted" {
	run -0 zonectl list
	equals "$output" ""
	zonectl create web --brand busybox
	zonectl create db --brand busybox
	zonectl create app --brand busybox
	run -0 zonectl list
	equals "$output" $'app\ndb\nweb'
}

@test "list -v prints a table with a header" {
	zonectl create web --brand busybox
	run -0 zonectl list -v
	[ "${#lines[@]}" -eq 2 ]
	[[ ${lines[0]} =~ ^ID\ +NAME\ +STATE\ +PATH\ +BRAND\ +IP\ +KZONE$ ]]
	read -r id name state path brand ip kz <<<"${lines[1]}"
	equals "$id" "-"
	equals "$name" "web"
	equals "$state" "configured"
	equals "$path" "$ZONES_ROOT/zones/web"
	equals "$brand" "busybox"
	equals "$ip" "none"
	equals "$kz" "-"
}

@test "list -p prints exactly id:name:state:zonepath:brand:ip_type" {
	zonectl create web --brand busybox
	run -0 --separate-stderr zonectl list -p
	equals "$output" "-:web:configured:$ZONES_ROOT/zones/web:busybox:none"
	equals "$stderr" ""
	run -0 zonectl list --parseable
	equals "$output" "-:web:configured:$ZONES_ROOT/zones/web:busybox:none"
}

@test "list -p escapes ':' and '\\' inside fields" {
	zonectl create web --brand busybox --set 'zonepath=/srv/a:b\c'
	run -0 zonectl list -p
	equals "$output" '-:web:configured:/srv/a\:b\\c:busybox:none'
}

@test "list --json gives every field of every zone" {
	two_brands
	zonectl create web --brand busybox --set autoboot=true
	zonectl create db --brand other --set ip_type=exclusive
	run -0 zonectl list --json
	python3 -c '
import json, sys
zones = json.loads(sys.argv[1])["zones"]
assert [z["name"] for z in zones] == ["db", "web"], zones
web = zones[1]
assert web == {"name": "web", "state": "configured", "id": None,
               "zonepath": sys.argv[2] + "/zones/web", "brand": "busybox",
               "ip_type": "none", "autoboot": True}, web
assert zones[0]["ip_type"] == "exclusive" and zones[0]["brand"] == "other", zones[0]
' "$output" "$ZONES_ROOT"
}

@test "list shows zones with a corrupt config or state as error, lists the rest, exits 0" {
	zonectl create bad-cfg --brand busybox
	zonectl create bad-state --brand busybox
	zonectl create good --brand busybox
	# Truncate the config in the middle of a key, and the state file too.
	truncate -s 20 "$(cfg bad-cfg)"
	printf '{"sta' >"$(statefile bad-state)"

	run -0 --separate-stderr zonectl list
	equals "$output" $'bad-cfg\nbad-state\ngood'
	contains "$stderr" "zonectl: bad-cfg: bad-cfg.json: line"
	contains "$stderr" "zonectl: bad-state: zone bad-state: bad-state.state: corrupt"

	run -0 zonectl list -v
	[[ ${lines[1]} =~ ^-\ +bad-cfg\ +error\  ]]
	contains "${lines[2]}" "error: bad-cfg.json: line 2, column"
	[[ ${lines[3]} =~ ^-\ +bad-state\ +error\  ]]
	contains "${lines[4]}" "error: zone bad-state: bad-state.state: corrupt"
	[[ ${lines[5]} =~ ^-\ +good\ +configured\ +$ZONES_ROOT/zones/good\ +busybox\ +none\ +-$ ]]

	run -0 --separate-stderr zonectl list -p
	equals "${lines[0]}" "-:bad-cfg:error:::"
	equals "${lines[1]}" "-:bad-state:error:$ZONES_ROOT/zones/bad-state:busybox:none"
	equals "${lines[2]}" "-:good:configured:$ZONES_ROOT/zones/good:busybox:none"
	[ "${#lines[@]}" -eq 3 ]
	contains "$stderr" "bad-cfg.json: line"

	run -0 zonectl list --json
	python3 -c '
import json, sys
z = {z["name"]: z for z in json.loads(sys.argv[1])["zones"]}
assert z["bad-cfg"]["state"] == "error", z
assert "bad-cfg.json: line" in z["bad-cfg"]["error"], z
assert z["bad-state"]["state"] == "error", z
assert "bad-state.state: corrupt" in z["bad-state"]["error"], z
assert z["good"]["state"] == "configured" and "error" not in z["good"], z
' "$output"
}

@test "list shows a state file with an unknown state or a config for another name as error" {
	zonectl create web --brand busybox
	zonectl create db --brand busybox
	set_state web flying
	sed -i 's/"name": "db"/"name": "other"/' "$(cfg db)"
	run -0 zonectl list -v
	contains "$output" "error: zone web: web.state: state: not a zone state"
	contains "$output" 'error: db.json: name: "other": does not match the file name'
}

@test "list ignores index files whose name is not a zone name" {
	zonectl create web --brand busybox
	cp "$(cfg web)" "$ZONES_ROOT/index/-rf.json"
	cp "$(cfg web)" "$ZONES_ROOT/index/.json"
	run -0 zonectl list
	equals "$output" "web"
}

# ---- show -------------------------------------------------------------------

@test "show prints the canonical zone.json" {
	zonectl create web --brand busybox --set limits.memory_cap=1048576
	run -0 zonectl show web
	python3 -c '
import json, sys
c = json.loads(sys.argv[1])
assert c == {"version": 1, "name": "web", "brand": "busybox",
             "zonepath": sys.argv[2] + "/zones/web", "autoboot": False,
             "ip_type": "none", "userns": "auto",
             "limits": {"memory_cap": "1M"}}, c
' "$output" "$ZONES_ROOT"
	# show's output is a zone.json that create --from accepts as is
	run -0 zonectl create copy --from - --set zonepath="$ZONES_ROOT/zones/copy" \
		<<<"${output/\"name\": \"web\"/\"name\": \"copy\"}"
	equals "$(show_get copy limits.memory_cap)" '"1M"'
}

@test "show --json wraps the config in a reply object" {
	zonectl create web --brand busybox
	run -0 zonectl show --json web
	equals "$(jget config.name <<<"$output")" '"web"'
}

@test "show of a missing zone fails and names it" {
	run -1 zonectl show nope
	contains "$output" "zone nope: no such zone"
}

# ---- set --------------------------------------------------------------------

@test "set types values by the schema" {
	zonectl create web --brand busybox
	run -0 zonectl set web limits.cpu_cap=50 limits.memory_cap=256M autoboot=yes \
		limits.max_processes=1000 limits.cpuset=0 hostname=web.example
	equals "$output" ""
	equals "$(show_get web limits.cpu_cap)" 50
	equals "$(show_get web limits.memory_cap)" '"256M"'
	equals "$(show_get web autoboot)" true
	equals "$(show_get web limits.max_processes)" 1000
	equals "$(show_get web limits.cpuset)" '"0"'
	equals "$(show_get web hostname)" '"web.example"'
	# and the file on disk holds the same types
	equals "$(jget limits.cpu_cap <"$(cfg web)")" 50
	equals "$(jget autoboot <"$(cfg web)")" true
}

@test "set normalises sizes and booleans" {
	zonectl create web --brand busybox
	zonectl set web limits.memory_cap=1073741824 autoboot=off
	equals "$(show_get web limits.memory_cap)" '"1G"'
	equals "$(show_get web autoboot)" false
	zonectl set web limits.memory_cap=512MiB autoboot=1
	equals "$(show_get web limits.memory_cap)" '"512M"'
	equals "$(show_get web autoboot)" true
}

@test "set KEY= removes the property" {
	zonectl create web --brand busybox --set limits.cpu_cap=50 --set hostname=h \
		--set limits.memory_cap=1G
	run -0 zonectl set web limits.cpu_cap= hostname=
	equals "$(show_get web limits.cpu_cap)" MISSING
	equals "$(show_get web hostname)" MISSING
	equals "$(show_get web limits.memory_cap)" '"1G"'
	zonectl set web limits.memory_cap=
	equals "$(show_get web limits)" MISSING
}

@test "set zonepath= goes back to the default zonepath" {
	zonectl create web --brand busybox --set zonepath=/srv/web
	run -0 zonectl set web zonepath=
	equals "$(show_get web zonepath)" "\"$ZONES_ROOT/zones/web\""
}

@test "set brand to another brand while configured; an unknown brand is refused" {
	two_brands
	zonectl create web --brand busybox
	run -0 zonectl set web brand=other
	equals "$(show_get web brand)" '"other"'
	run -1 zonectl set web brand=nosuch
	equals "$output" "zonectl: set web: brand: \"nosuch\": no such brand (looked in $ZONES_BRANDS_DIR)"
	equals "$(show_get web brand)" '"other"'
}

@test "set --json prints the resulting configuration" {
	zonectl create web --brand busybox
	run -0 zonectl set --json web limits.cpu_cap=25
	equals "$(jget config.limits.cpu_cap <<<"$output")" 25
}

@test "set applies all assignments or none" {
	zonectl create web --brand busybox
	local before
	before=$(sha "$(cfg web)")
	run -1 zonectl set web autoboot=true limits.cpu_cap=lots
	contains "$output" 'set web: limits.cpu_cap: "lots": not an integer'
	equals "$(sha "$(cfg web)")" "$before"
	equals "$(show_get web autoboot)" false
}

@test "a refused edit leaves the config byte-identical" {
	zonectl create web --brand busybox --set limits.memory_cap=256M
	zonectl create other --brand busybox --set zonepath=/srv/other
	local f before
	f=$(cfg web)
	before=$(sha "$f")
	local -a bad=(
		"set web limits.memory_cap=12Q"
		"set web bogus=1"
		"set web limits.bogus=1"
		"set web autoboot=maybe"
		"set web name=other"
		"set web version=2"
		"set web brand=nosuch"
		"set web brand="
		"set web zonepath=/etc"
		"set web zonepath=/srv/other/sub"
		"set web net=x"
		"set web nokey"
		"add web net name=eth0"
		"add web fs source=relative target=/data"
		"add web bogus x=1"
		"add web fs colour=red"
		"remove web fs target=/nowhere"
		"remove web admin user=nobody"
	)
	local cmd
	for cmd in "${bad[@]}"; do
		# shellcheck disable=SC2086
		run -1 zonectl $cmd
		[[ $output == "zonectl: ${cmd%% *} web: "* ]] || {
			echo "unexpected message for '$cmd': $output" >&2
			return 1
		}
		[ "${#lines[@]}" -eq 1 ]
		equals "$(sha "$f")" "$before"
	done
}

@test "set refuses brand and zonepath changes once installed, allows the rest" {
	zonectl create web --brand busybox --set zonepath=/srv/web
	set_state web installed
	local before
	before=$(sha "$(cfg web)")
	run -1 zonectl set web brand=other
	equals "$output" "zonectl: set web: brand cannot change while the zone is installed (uninstall it first)"
	run -1 zonectl set web zonepath=/srv/web2
	equals "$output" "zonectl: set web: zonepath cannot change while the zone is installed (uninstall it first)"
	run -1 zonectl set web zonepath=
	contains "$output" "zonepath cannot change while the zone is installed"
	equals "$(sha "$(cfg web)")" "$before"
	run -0 zonectl set web autoboot=true
	equals "$(show_get web autoboot)" true
	equals "$(jget state <"$(statefile web)")" '"installed"'
}

@test "set refuses brand and zonepath changes when the state cannot be read" {
	two_brands
	zonectl create web --brand busybox
	printf '{"sta' >"$(statefile web)"
	local before
	before=$(sha "$(cfg web)")
	run -1 zonectl set web zonepath=/srv/web
	equals "$output" "zonectl: set web: zonepath cannot change: zone web: web.state: corrupt (premature end of input near '\"sta')"
	run -1 zonectl set web brand=other
	contains "$output" "set web: brand cannot change: zone web: web.state: corrupt"
	equals "$(sha "$(cfg web)")" "$before"
	run -0 zonectl set web autoboot=true
	equals "$(show_get web autoboot)" true
}

@test "set of a missing zone fails and creates nothing" {
	run -1 zonectl set nope autoboot=true
	contains "$output" "zone nope: no such zone"
	[ ! -e "$ZONES_ROOT/index/nope.json" ]
	[ ! -e "$ZONES_ROOT/index/nope.lock" ]
}

# ---- add / remove -----------------------------------------------------------

@test "add net needs ip_type=exclusive, then adds and removes interfaces" {
	zonectl create web --brand busybox
	run -1 zonectl add web net name=eth0
	equals "$output" 'zonectl: add web: zone.json: net: interfaces need "ip_type": "exclusive"'
	equals "$(show_get web net)" MISSING

	zonectl set web ip_type=exclusive
	run -0 zonectl add web net name=eth0 bridge=br0 address=10.0.0.2/24 \
		gateway=10.0.0.1 mac=02:00:00:00:00:01 mtu=1400
	equals "$(show_get web net)" \
		'[{"address": "10.0.0.2/24", "bridge": "br0", "gateway": "10.0.0.1", "mac": "02:00:00:00:00:01", "mtu": 1400, "name": "eth0"}]'
	run -0 zonectl add web net name=eth1
	equals "$(show_get web net.1.name)" '"eth1"'

	run -1 zonectl add web net name=eth0
	contains "$output" 'add web: zone.json: net[2].name: "eth0" is used by net[0] too'
	run -1 zonectl add web net name=eth2 address=10.0.0.3/24 gateway=10.0.1.1
	contains "$output" 'net[2].gateway: "10.0.1.1": outside the subnet of 10.0.0.3/24'

	run -0 zonectl remove web net name=eth0
	equals "$(show_get web net)" '[{"name": "eth1"}]'
	run -0 zonectl remove web net name=eth1
	equals "$(show_get web net)" MISSING
	run -1 zonectl remove web net name=eth1
	equals "$output" 'zonectl: remove web: net: no entry matches {"name":"eth1"}'
}

@test "add and remove fs" {
	zonectl create web --brand busybox
	run -0 zonectl add web fs source=/srv/data target=/data readonly=true
	run -0 zonectl add web fs source=/srv/logs target=/var/log
	equals "$(show_get web fs)" \
		'[{"readonly": true, "source": "/srv/data", "target": "/data"}, {"readonly": false, "source": "/srv/logs", "target": "/var/log"}]'
	run -1 zonectl add web fs source=/srv/x target=/data
	contains "$output" 'fs[2].target: "/data" is the target of fs[0] too'
	run -1 zonectl add web fs source=/srv/x
	contains "$output" 'zone.json: fs[2]: missing "target"'
	run -0 zonectl remove web fs target=/data
	equals "$(show_get web fs)" '[{"readonly": false, "source": "/srv/logs", "target": "/var/log"}]'
	run -0 zonectl remove web fs source=/srv/logs target=/var/log
	equals "$(show_get web fs)" MISSING
}

@test "remove deletes every entry that matches all the given properties" {
	zonectl create web --brand busybox
	zonectl add web fs source=/srv/a target=/a readonly=true
	zonectl add web fs source=/srv/b target=/b readonly=true
	zonectl add web fs source=/srv/c target=/c
	run -0 zonectl remove web fs readonly=true
	equals "$(show_get web fs)" '[{"readonly": false, "source": "/srv/c", "target": "/c"}]'
}

@test "add and remove device" {
	zonectl create web --brand busybox
	run -0 zonectl add web device path=/dev/fuse access=rwm
	run -0 zonectl add web device path=/dev/null
	equals "$(show_get web devices)" \
		'[{"access": "rwm", "path": "/dev/fuse"}, {"access": "rw", "path": "/dev/null"}]'
	run -1 zonectl add web device path=/dev/zero access=rwx
	contains "$output" 'devices[2].access: "rwx": not a combination of r, w and m'
	run -0 zonectl remove web device path=/dev/fuse
	equals "$(show_get web devices)" '[{"access": "rw", "path": "/dev/null"}]'
}

@test "add and remove admin; auths match as a set" {
	zonectl create web --brand busybox
	run -0 zonectl add web admin user=root auths=login,manage
	run -0 zonectl add web admin group=root auths=clone
	equals "$(show_get web admins)" \
		'[{"auths": ["login", "manage"], "user": "root"}, {"auths": ["clone"], "group": "root"}]'
	run -1 zonectl add web admin user=root group=root auths=login
	contains "$output" 'admins[2]: needs exactly one of "user" and "group"'
	run -1 zonectl add web admin user=root auths=root
	contains "$output" 'admins[2].auths[0]: "root": not an authorization (login, manage, clone)'
	run -1 zonectl remove web admin user=root auths=manage
	contains "$output" "admin: no entry matches"
	run -0 zonectl remove web admin user=root auths=manage,login
	equals "$(show_get web admins)" '[{"auths": ["clone"], "group": "root"}]'
	run -0 zonectl remove web admin group=root
	equals "$(show_get web admins)" MISSING
}

@test "add --json prints the resulting configuration" {
	zonectl create web --brand busybox
	run -0 zonectl add --json web fs source=/srv target=/srv
	equals "$(jget config.fs.0.target <<<"$output")" '"/srv"'
}

# ---- verify -----------------------------------------------------------------

@test "verify of a sound zone exits 0 and prints nothing" {
	zonectl create web --brand busybox --set limits.cpuset=0 --set limits.memory_cap=16M
	zonectl add web fs source=/tmp target=/data
	zonectl add web device path=/dev/null
	zonectl add web admin user=root auths=login
	run -0 --separate-stderr zonectl verify web
	equals "$output" ""
	equals "$stderr" ""
	run -0 zonectl verify --json web
	equals "$(jget ok <<<"$output")" true
	equals "$(jget problems <<<"$output")" '[]'
}

@test "verify reports a cpuset CPU that is not online" {
	# One past the highest online CPU is offline (or absent) by definition.
	local online off
	online=$(cat /sys/devices/system/cpu/online)
	off=$((${online##*[-,]} + 1))
	zonectl create web --brand busybox --set limits.cpuset="0,$off"
	run -1 zonectl verify web
	equals "$output" "zonectl: verify web: limits.cpuset: \"0,$off\": CPU $off is not online on this host (online: $online)"
}

@test "verify reports a memory_cap bigger than the machine" {
	# 2^60 bytes: the largest size the schema takes, more than any host has.
	zonectl create web --brand busybox --set limits.memory_cap=1048576T
	run -1 zonectl verify web
	contains "$output" "verify web: limits.memory_cap: 1152921504606846976: more than this host's memory"
	[ "${#lines[@]}" -eq 1 ]
}

@test "verify reports a missing fs source" {
	zonectl create web --brand busybox
	zonectl add web fs source="$ZONES_ROOT/no-such-dir" target=/data
	run -1 zonectl verify web
	equals "$output" "zonectl: verify web: fs[0].source: \"$ZONES_ROOT/no-such-dir\": No such file or directory"
}

@test "verify reports every problem, one line each; --json lists them" {
	zonectl create web --brand busybox --set limits.memory_cap=1048576T
	zonectl add web fs source=/no/such/source target=/data
	zonectl add web device path=/dev/no-such-device
	zonectl add web admin user=no_such_user_zt auths=login
	run -1 zonectl verify web
	[ "${#lines[@]}" -eq 4 ]
	contains "${lines[0]}" "limits.memory_cap:"
	contains "${lines[1]}" 'fs[0].source: "/no/such/source"'
	contains "${lines[2]}" 'devices[0].path: "/dev/no-such-device"'
	contains "${lines[3]}" 'admins[0].user: "no_such_user_zt": no such user'
	run -1 zonectl verify --json web
	equals "$(jget ok <<<"$output")" false
	python3 -c 'import json,sys; assert len(json.loads(sys.argv[1])["problems"]) == 4' "$output"
}

@test "verify reports a zonepath that overlaps another zone" {
	zonectl create web --brand busybox --set zonepath=/srv/web
	zonectl create db --brand busybox --set zonepath=/srv/db
	# Overlaps can only arise by editing index files by hand.
	sed -i 's|"/srv/db"|"/srv/web/db"|' "$(cfg db)"
	run -1 zonectl verify db
	contains "$output" 'verify db: zonepath: "/srv/web/db": overlaps zone web (zonepath /srv/web)'
}

# ---- zonepath overlaps ------------------------------------------------------

@test "zonepaths that overlap another zone's are refused" {
	zonectl create a --brand busybox --set zonepath=/srv/zones/a
	run -1 zonectl create b --brand busybox --set zonepath=/srv/zones/a/b
	equals "$output" 'zonectl: create b: zonepath: "/srv/zones/a/b": overlaps zone a (zonepath /srv/zones/a)'
	run -1 zonectl create b --brand busybox --set zonepath=/srv/zones
	contains "$output" 'zonepath: "/srv/zones": overlaps zone a (zonepath /srv/zones/a)'
	run -1 zonectl create b --brand busybox --set zonepath=/srv/zones/a
	contains "$output" 'overlaps zone a'
	[ ! -e "$(cfg b)" ]
	# a common prefix that is not a parent directory is no overlap
	run -0 zonectl create b --brand busybox --set zonepath=/srv/zones/ab
	local before
	before=$(sha "$(cfg b)")
	run -1 zonectl set b zonepath=/srv/zones/a/x
	equals "$output" 'zonectl: set b: zonepath: "/srv/zones/a/x": overlaps zone a (zonepath /srv/zones/a)'
	equals "$(sha "$(cfg b)")" "$before"
}

@test "zonepaths that contain the zones root or lie in the store are refused" {
	run -1 zonectl create a --brand busybox --set zonepath="$ZONES_ROOT"
	contains "$output" "zonepath: \"$ZONES_ROOT\": contains the zones root $ZONES_ROOT"
	run -1 zonectl create a --brand busybox --set zonepath="$ZONES_ROOT/index/a"
	contains "$output" "zonepath: \"$ZONES_ROOT/index/a\": inside the zones store"
	run -1 zonectl create a --brand busybox --set zonepath="$ZONES_ROOT/log"
	contains "$output" "inside the zones store"
	[ ! -e "$(cfg a)" ]
}

# ---- mark -------------------------------------------------------------------

@test "mark refuses a configured zone and says why" {
	zonectl create web --brand busybox
	run -1 zonectl mark web incomplete
	equals "$output" "zonectl: mark web incomplete: the zone is configured (mark works between incomplete and installed)"
	run -1 zonectl mark web installed
	equals "$output" "zonectl: mark web installed: the zone is configured (mark works between incomplete and installed)"
	equals "$(jget state <"$(statefile web)")" '"configured"'
}

@test "mark moves between installed and incomplete" {
	zonectl create web --brand busybox
	set_state web installed
	run -0 zonectl mark web incomplete
	equals "$(jget state <"$(statefile web)")" '"incomplete"'
	run -0 zonectl list -p
	equals "$output" "-:web:incomplete:$ZONES_ROOT/zones/web:busybox:none"

	# installed needs the zone root to exist
	run -1 zonectl mark web installed
	equals "$output" "zonectl: mark web installed: the zone root $ZONES_ROOT/zones/web/root does not exist"
	equals "$(jget state <"$(statefile web)")" '"incomplete"'
	mkdir -p "$ZONES_ROOT/zones/web/root"
	run -0 zonectl mark --json web installed
	equals "$(jget state <<<"$output")" '"installed"'
	equals "$(jget state <"$(statefile web)")" '"installed"'
}

@test "mark refuses a running zone and states that are not incomplete/installed" {
	zonectl create web --brand busybox
	set_state web running
	run -1 zonectl mark web incomplete
	contains "$output" "mark web incomplete: the zone is running"
	equals "$(jget state <"$(statefile web)")" '"running"'
	run -1 zonectl mark web configured
	equals "$output" 'zonectl: mark web: "configured": not one of incomplete, installed'
	run -1 zonectl mark web bogus
	equals "$output" 'zonectl: mark web: "bogus": not one of incomplete, installed'
	run -1 zonectl mark nope installed
	contains "$output" "zone nope: no such zone"
}

# ---- delete -----------------------------------------------------------------

@test "delete removes a configured zone's files" {
	zonectl create web --brand busybox
	zonectl create db --brand busybox
	zonectl set web autoboot=true # takes the zone lock: web.lock exists
	run -0 zonectl delete web
	equals "$output" ""
	[ ! -e "$(cfg web)" ]
	[ ! -e "$(statefile web)" ]
	[ ! -e "$ZONES_ROOT/index/web.lock" ]
	run -0 zonectl list
	equals "$output" "db"
	run -1 zonectl show web
	contains "$output" "zone web: no such zone"
	# the name is free again
	run -0 zonectl create web --brand busybox --set hostname=again
	equals "$(show_get web hostname)" '"again"'
}

@test "delete --json reports the deletion" {
	zonectl create web --brand busybox
	run -0 zonectl delete --json web
	equals "$(jget deleted <<<"$output")" true
}

@test "delete refuses a zone that is not configured and names its state" {
	zonectl create web --brand busybox
	local st
	for st in installed incomplete running; do
		set_state web "$st"
		local before
		before=$(sha "$(cfg web)")
		run -1 zonectl delete web
		equals "$output" "zonectl: delete web: the zone is $st; it must be configured (halt and uninstall it first)"
		equals "$(sha "$(cfg web)")" "$before"
		equals "$(jget state <"$(statefile web)")" "\"$st\""
	done
}

@test "delete of a missing zone fails" {
	run -1 zonectl delete nope
	equals "$output" "zonectl: delete nope: no such zone"
}

@test "delete removes a zone whose config is corrupt" {
	zonectl create web --brand busybox
	truncate -s 5 "$(cfg web)"
	run -0 zonectl delete web
	[ ! -e "$(cfg web)" ]
	run -0 zonectl list
	equals "$output" ""
}

# ---- the command line itself -----------------------------------------------

@test "--help works for zonectl and every subcommand" {
	run -0 --separate-stderr zonectl --help
	equals "${lines[0]}" "Usage: zonectl [--root DIR] COMMAND [ARGS...]"
	equals "$stderr" ""
	local cmd
	for cmd in create delete list show set add remove verify mark; do
		run -0 --separate-stderr zonectl "$cmd" --help
		[[ ${lines[0]} == "Usage: zonectl $cmd"* ]] || {
			echo "$cmd --help: ${lines[0]}" >&2
			return 1
		}
		equals "$stderr" ""
		run -0 zonectl "$cmd" -h
		[[ ${lines[0]} == "Usage: zonectl $cmd"* ]]
	done
	# --help wins over missing arguments and creates nothing
	[ -z "$(store_files)" ]
}

@test "an unknown subcommand fails with one line on stderr" {
	run -2 --separate-stderr zonectl frobnicate web
	equals "$output" ""
	equals "$stderr" "zonectl: \"frobnicate\": no such command (see 'zonectl --help')"
}

@test "an unknown option fails with one line on stderr naming it" {
	local cmd
	for cmd in create delete list show set add remove verify mark; do
		run -2 --separate-stderr zonectl "$cmd" --frobnicate
		equals "$output" ""
		equals "$stderr" "zonectl $cmd: unknown option '--frobnicate' (see 'zonectl $cmd --help')"
		run -2 --separate-stderr zonectl "$cmd" -Q
		equals "$stderr" "zonectl $cmd: unknown option '-Q' (see 'zonectl $cmd --help')"
	done
	run -2 --separate-stderr zonectl create web --brand
	equals "$stderr" "zonectl create: option --brand needs a value (see 'zonectl create --help')"
	[ -z "$(store_files)" ]
}

@test "wrong numbers of arguments are usage errors" {
	run -2 zonectl create
	contains "$output" "zonectl create: expects exactly one zone name"
	run -2 zonectl show
	contains "$output" "zonectl show: expects exactly one zone name"
	run -2 zonectl show a b
	contains "$output" "zonectl show: expects exactly one zone name"
	run -2 zonectl set web
	contains "$output" "zonectl set: expects NAME KEY=VALUE..."
	run -2 zonectl add web net
	contains "$output" "zonectl add: expects NAME KIND KEY=VALUE..."
	run -2 zonectl mark web
	contains "$output" "zonectl mark: expects NAME and a state"
	run -2 zonectl list extra
	contains "$output" "zonectl list: takes no arguments"
	[ -z "$(store_files)" ]
}
