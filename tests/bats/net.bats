# SPDX-License-Identifier: GPL-2.0-or-later
# Zone networking: ip_type none, shared and exclusive.  Exclusive-IP zones get
# a veth pair per net[] entry: the zone's end (name, MAC, MTU, address,
# default route) inside, the host's end (z<7 hex>.<n>) on a bridge.  What is
# checked: traffic between zones and the bridge (IPv4 and IPv6), the
# configuration read back inside, the derived MAC, the host ends' life (boot,
# halt, reboot, init killed, monitor killed, a boot that fails half-way), the
# configurations refused before anything is created, `zonectl net` and
# `zonectl stat` counters.
#
# The "host" is a network namespace of each test's own (zt-PID-RANDOM) with a
# bridge br0 (10.99.0.1/24, fd99::1/64): every zonectl runs in it through
# nsenter --net (not `ip netns exec`, which also changes the mount namespace),
# so zoned, which the first zonectl starts, creates its veths there, and the
# teardown deletes the namespace with whatever is left in it.  No traffic
# leaves the test's namespaces: only 10.99.0.0/24 and fd99::/64 on br0.

# shellcheck disable=SC2154 # $stderr is set by bats' run --separate-stderr

load helpers
load runtime

setup() { netns_setup 10.99.0.1/24 fd99::1/64; }
teardown() { netns_teardown; }

# ---- helpers ------------------------------------------------------------------

# exclusive_zone NAME ADDRESS [NET-KEY=VALUE...]: an installed exclusive-IP
# zone whose eth0 is on br0 with ADDRESS, allowed raw sockets (busybox ping).
exclusive_zone() {
	local z=$1 addr=$2
	shift 2
	zonectl create "$z" --brand busybox --set ip_type=exclusive \
		--set limitpriv=default,net_raw || return 1
	zonectl add "$z" net name=eth0 bridge=br0 address="$addr" "$@" || return 1
	zonectl install "$z" >/dev/null
}

# host_links: the test namespace's interfaces, one a line: index, name, peer,
# MTU, master, MAC and whether it is up (not the carrier and operstate, which
# a bridge updates on its own time).
host_links() {
	ip -n "$NS" -j link show | python3 -c '
import json, sys
for l in json.load(sys.stdin):
    print(l["ifindex"], l["ifname"], l.get("link", "-"), "mtu", l["mtu"],
          "master", l.get("master", "-"), l.get("address", "-"),
          "UP" if "UP" in l.get("flags", []) else "DOWN")
'
}

# host_names: only their names, one a line (no @peer suffix).
host_names() {
	ip -n "$NS" -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'
}

# has_link NAME / no_link NAME: the test namespace has (not) an interface NAME.
has_link() { ip -n "$NS" link show dev "$1" >/dev/null 2>&1; }
no_link() { ! has_link "$1"; }

# host_end ZONE [IFNAME]: the name, in the test namespace, of the peer of the
# zone's IFNAME (eth0): found through the ifindex the zone's end links to.
host_end() {
	local idx
	idx=$(zlogin "$1" cat "/sys/class/net/${2:-eth0}/iflink") || return 1
	ip -n "$NS" -o link show | awk -F': ' -v i="$idx" '$1 == i { sub(/@.*/, "", $2); print $2 }'
}

# state_is ZONE STATE (for wait_until).
state_is() { [ "$(zone_state "$1")" = "$2" ]; }

# iface_get NAME FIELD: FIELD of interface NAME in the `net --json` ("interfaces")
# or `stat --json` ("network") document on stdin; lists one item a line.
iface_get() {
	python3 -c '
import json, sys
d = json.load(sys.stdin)
for l in d.get("interfaces", d.get("network")) or []:
    if l.get("name") == sys.argv[1]:
        v = l.get(sys.argv[2], "MISSING")
        if isinstance(v, bool):
            print("true" if v else "false")
        elif isinstance(v, list):
            for x in v:
                print(x)
        else:
            print(v)
        sys.exit(0)
print("MISSING")
' "$1" "$2"
}

# zping ZONE ADDRESS: one echo request from ZONE to ADDRESS that must come back.
zping() {
	local out
	out=$(zlogin "$1" ping -c 1 -W 3 "$2" 2>&1) || {
		printf 'ping %s from zone %s failed:\n%s\n' "$2" "$1" "$out" >&2
		return 1
	}
	contains "$out" "1 packets received"
}

# locally_administered_unicast MAC: bit 1 of the first octet set, bit 0 clear.
locally_administered_unicast() {
	matches "$1" '^([0-9a-f]{2}:){5}[0-9a-f]{2}$' || return 1
	local first=$((16#${1%%:*}))
	if [ $((first & 3)) -ne 2 ]; then
		echo "not a locally administered unicast MAC: $1" >&2
		return 1
	fi
}

# ---- traffic ------------------------------------------------------------------

@test "two exclusive-IP zones on br0 reach each other and the bridge over IPv4" {
	exclusive_zone a 10.99.0.2/24 gateway=10.99.0.1
	exclusive_zone b 10.99.0.3/24 gateway=10.99.0.1
	zonectl boot a
	zonectl boot b
	zping a 10.99.0.3
	zping b 10.99.0.2
	zping a 10.99.0.1
	zping b 10.99.0.1
	# the bridge's side learnt each zone at the MAC of the zone's own eth0
	local mac_a mac_b
	mac_a=$(zlogin a cat /sys/class/net/eth0/address)
	mac_b=$(zlogin b cat /sys/class/net/eth0/address)
	run -0 ip -n "$NS" neigh show dev br0
	has_line "$output" "^10\.99\.0\.2 lladdr $mac_a"
	has_line "$output" "^10\.99\.0\.3 lladdr $mac_b"
	# and zone a learnt b directly (same link), not through the gateway
	run -0 zlogin a ip neigh show
	has_line "$output" "^10\.99\.0\.3 dev eth0 lladdr $mac_b"
}

@test "two exclusive-IP zones on br0 reach each other and the bridge over IPv6" {
	exclusive_zone a fd99::2/64 gateway=fd99::1
	exclusive_zone b fd99::3/64 gateway=fd99::1
	zonectl boot a
	zonectl boot b
	run -0 zlogin a ip -6 addr show dev eth0
	contains "$output" "inet6 fd99::2/64 scope global"
	run -0 zlogin a ip -6 route
	has_line "$output" '^default via fd99::1 dev eth0'
	zping a fd99::3
	zping b fd99::2
	zping a fd99::1
	zping b fd99::1
	local mac_a
	mac_a=$(zlogin a cat /sys/class/net/eth0/address)
	run -0 ip -n "$NS" -6 neigh show dev br0
	has_line "$output" "^fd99::2 lladdr $mac_a"
}

# ---- the configuration, read back inside ---------------------------------------

@test "address, default route, MTU and MAC inside the zone are the configured ones" {
	exclusive_zone a 10.99.0.2/24 gateway=10.99.0.1 mac=02:99:00:00:00:02 mtu=1400
	zonectl boot a
	# the zone has its own interfaces only: lo and eth0, not the host's br0
	run -0 zlogin a ls -1 /sys/class/net
	equals "$output" $'eth0\nlo'
	run -0 zlogin a ip -o -4 addr show dev eth0
	contains "$output" "inet 10.99.0.2/24"
	run -0 zlogin a ip route
	has_line "$output" '^default via 10\.99\.0\.1 dev eth0'
	has_line "$output" '^10\.99\.0\.0/24 dev eth0 .*src 10\.99\.0\.2'
	run -0 zlogin a cat /sys/class/net/eth0/address
	equals "$output" 02:99:00:00:00:02
	run -0 zlogin a cat /sys/class/net/eth0/mtu
	equals "$output" 1400
	run -0 zlogin a cat /sys/class/net/eth0/operstate
	equals "$output" up
	# the host's end keeps the bridge's MTU: a zone never shrinks the bridge
	local end
	end=$(host_end a)
	run -0 ip -n "$NS" -o link show dev "$end"
	contains "$output" "mtu 1500 "
	run -0 ip -n "$NS" -o link show dev br0
	contains "$output" "mtu 1500 "
	# zonectl net shows the same, as the zone sees it
	run -0 zonectl net a
	contains "$output" "eth0: UP mtu 1400 02:99:00:00:00:02"
	contains "$output" "inet 10.99.0.2/24"
	contains "$output" "route default via 10.99.0.1"
	run -0 zonectl net --json a
	local json=$output
	equals "$(jget name <<<"$json")" a
	equals "$(iface_get eth0 mac <<<"$json")" 02:99:00:00:00:02
	equals "$(iface_get eth0 mtu <<<"$json")" 1400
	equals "$(iface_get eth0 up <<<"$json")" true
	has_line "$(iface_get eth0 addresses <<<"$json")" '^10\.99\.0\.2/24$'
	equals "$(iface_get lo up <<<"$json")" true
	equals "$(iface_get br0 name <<<"$json")" MISSING
	has_line "$(jget routes <<<"$json")" '"destination": "default", "gateway": "10\.99\.0\.1"'
}

@test "an unset MAC is locally administered unicast, stable across reboots, and differs per zone and interface" {
	exclusive_zone a 10.99.0.2/24
	zonectl add a net name=eth1 bridge=br0 address=fd99::2/64
	exclusive_zone b 10.99.0.3/24
	zonectl boot a
	zonectl boot b
	local mac0 mac1 macb
	mac0=$(zlogin a cat /sys/class/net/eth0/address)
	mac1=$(zlogin a cat /sys/class/net/eth1/address)
	macb=$(zlogin b cat /sys/class/net/eth0/address)
	locally_administered_unicast "$mac0"
	locally_administered_unicast "$mac1"
	locally_administered_unicast "$macb"
	[ "$mac0" != "$mac1" ]
	[ "$mac0" != "$macb" ]
	# zonectl net reports the same
	run -0 zonectl net --json a
	equals "$(iface_get eth0 mac <<<"$output")" "$mac0"
	# the same after a reboot, and after halt and boot
	zonectl reboot a
	equals "$(zlogin a cat /sys/class/net/eth0/address)" "$mac0"
	equals "$(zlogin a cat /sys/class/net/eth1/address)" "$mac1"
	zonectl halt a
	zonectl boot a
	equals "$(zlogin a cat /sys/class/net/eth0/address)" "$mac0"
	equals "$(zlogin a cat /sys/class/net/eth1/address)" "$mac1"
	# and the config did not get one written into it
	run -0 zonectl show a
	not_contains "$output" '"mac"'
}

@test "an interface name of 15 characters is created as such" {
	exclusive_zone a 10.99.0.2/24
	zonectl remove a net name=eth0
	zonectl add a net name=abcdefghijklmno bridge=br0 address=10.99.0.2/24
	zonectl boot a
	run -0 zlogin a ls -1 /sys/class/net
	equals "$output" $'abcdefghijklmno\nlo'
	zping a 10.99.0.1
}

# ---- the host's ends ------------------------------------------------------------

@test "the host end is on br0 in zoned's namespace while the zone runs, and goes at halt" {
	exclusive_zone a 10.99.0.2/24
	zonectl add a net name=eth1 bridge=br0 address=fd99::2/64
	local before
	before=$(host_names)
	equals "$before" $'lo\nbr0'
	zonectl boot a
	local end0 end1
	end0=$(host_end a eth0)
	end1=$(host_end a eth1)
	matches "$end0" '^z[0-9a-f]{7}\.0$'
	equals "$end1" "${end0%.0}.1"
	run -0 ip -n "$NS" -d -o link show dev "$end0"
	contains "$output" "master br0"
	contains "$output" "veth"
	matches "$output" '<[A-Z_,]*[<,]UP[,>]'
	run -0 ip -n "$NS" -o link show master br0
	equals "$(wc -l <<<"$output")" 2
	# not in the namespace the tests run in
	run ! ip link show dev "$end0"
	# a reboot gives the same ends, and no more
	zonectl reboot a
	equals "$(host_end a eth0)" "$end0"
	run -0 ip -n "$NS" -o link show master br0
	equals "$(wc -l <<<"$output")" 2
	zonectl halt a
	no_link "$end0"
	no_link "$end1"
	equals "$(host_names)" "$before"
	equals "$(zone_state a)" installed
}

@test "killing the zone's init from the host removes the host end; the zone is installed and boots again" {
	exclusive_zone a 10.99.0.2/24 gateway=10.99.0.1
	zonectl boot a
	local end init
	end=$(host_end a)
	has_link "$end"
	init=$(state_get a init_pid)
	[ -n "$init" ]
	pid_alive "$init"
	kill -9 "$init"
	wait_until 10 no_link "$end"
	wait_until 10 state_is a installed
	[ ! -e "$ZONES_ROOT/run/a.live" ]
	equals "$(host_names)" $'lo\nbr0'
	# nothing is left over that would stop the next boot
	zonectl boot a
	equals "$(host_end a)" "$end"
	zping a 10.99.0.1
}

@test "a zone whose monitor was killed is cleaned up by the next command, host end included" {
	exclusive_zone a 10.99.0.2/24
	zonectl boot a
	local end init mon
	end=$(host_end a)
	init=$(state_get a init_pid)
	mon=$(state_get a monitor_pid)
	kill -9 "$mon"
	wait_until 10 pid_gone "$mon"
	# the zone's init (and so its namespace and the veth) outlive the monitor...
	pid_alive "$init"
	has_link "$end"
	# ... until zonectl finds the zone orphaned
	wait_until 10 state_is a installed
	wait_until 10 pid_gone "$init"
	no_link "$end"
	equals "$(host_names)" $'lo\nbr0'
	zonectl boot a
	has_link "$end"
}

@test "a boot that fails after the veth pairs were made removes them again" {
	# The zone's init is missing: boot fails at its very end, when both
	# pairs exist and are configured inside the zone.
	exclusive_zone a 10.99.0.2/24
	zonectl add a net name=eth1 bridge=br0 address=fd99::2/64
	mv "$(zone_root a)/sbin/zinit" "$(zone_root a)/sbin/zinit.away"
	run ! --separate-stderr zonectl boot a
	contains "$stderr" "/sbin/zinit"
	# (br0 is not quite as it was: with its last port gone the kernel gives
	# it the MAC 00:00:00:00:00:00; what matters is that no port is left)
	equals "$(host_names)" $'lo\nbr0'
	run -0 ip -n "$NS" -o link show master br0
	equals "$output" ""
	equals "$(zone_state a)" installed
	[ ! -e "$ZONES_ROOT/run/a.live" ]
	# and it boots once init is back
	mv "$(zone_root a)/sbin/zinit.away" "$(zone_root a)/sbin/zinit"
	zonectl boot a
	zping a fd99::1
	zping a 10.99.0.1
}

# An IPv6 address with an MTU below 1280 is refused by add; and whatever a
# zone's MTU, its host end keeps the bridge's, so a zone never shrinks br0
# (which would drop br0's own IPv6 addresses).
@test "a boot refused over an MTU too small for IPv6 leaves the bridge's addresses alone" {
	exclusive_zone a 10.99.0.2/24
	local addrs
	addrs=$(ip -n "$NS" -o addr show dev br0 scope global | awk '{ print $4 }')
	has_line "$addrs" '^fd99::1/64$'
	run --separate-stderr zonectl add a net name=eth1 bridge=br0 address=fd99::2/64 mtu=1000
	if [ "$status" -ne 0 ]; then
		# refused before boot: that is fine too, if it says why
		contains "$stderr" "net[1]"
	else
		run ! --separate-stderr zonectl boot a
		contains "$stderr" "net[1]"
		equals "$(zone_state a)" installed
	fi
	equals "$(host_names)" $'lo\nbr0'
	equals "$(ip -n "$NS" -o addr show dev br0 scope global | awk '{ print $4 }')" "$addrs"
	run -0 ip -n "$NS" -o link show dev br0
	contains "$output" "mtu 1500 "
}

@test "zoned makes the veths in its own namespace, whatever namespace zonectl runs in" {
	# br0 must not exist where the tests run, so that a wrong zoned could not
	# create anything here either (the bridge check refuses first).
	if ip link show dev br0 >/dev/null 2>&1; then
		skip "the namespace the tests run in has a br0"
	fi
	exclusive_zone a 10.99.0.2/24
	# zoned (started by the zonectl above) lives in the test's namespace
	equals "$(readlink "/proc/$(cat "$ZONES_ROOT/zoned.pid")/ns/net")" \
		"$(nsenter --net="/run/netns/$NS" readlink /proc/self/ns/net)"
	local mine
	mine=$(ip -o link show | awk -F': ' '{ print $2 }')
	run -0 "$ZONECTL_BIN" boot a
	local end
	end=$(host_end a)
	has_link "$end"
	equals "$(ip -o link show | awk -F': ' '{ print $2 }')" "$mine"
	run -0 "$ZONECTL_BIN" halt a
	no_link "$end"
}

# ---- none and shared ------------------------------------------------------------

@test "an ip_type none zone has only lo and cannot reach the bridge" {
	zonectl create n --brand busybox --set ip_type=none --set limitpriv=default,net_raw
	zonectl install n
	local before
	before=$(host_names)
	zonectl boot n
	equals "$(host_names)" "$before"
	run -0 zlogin n ls -1 /sys/class/net
	equals "$output" lo
	run -0 zlogin n ip -o link show dev lo
	contains "$output" "LOOPBACK,UP"
	run -0 zlogin n ping -c 1 -W 1 127.0.0.1
	contains "$output" "1 packets received"
	# allowed raw sockets, so what stops ping is the network, not a permission
	run ! zlogin n ping -c 1 -W 1 10.99.0.1
	contains "$output" "Network is unreachable"
	run -0 zonectl net --json n
	equals "$(iface_get lo name <<<"$output")" lo
	equals "$(iface_get br0 name <<<"$output")" MISSING
	equals "$(iface_get eth0 name <<<"$output")" MISSING
}

@test "a shared zone sees the host's interfaces but cannot add an address or use a raw socket" {
	# net_raw is asked for, and still not given: a shared zone never has it
	zonectl create s --brand busybox --set ip_type=shared --set limitpriv=default,net_raw
	zonectl install s
	zonectl boot s
	# (through netlink: the zone's /sys is the host's, whose net/ shows the
	# namespace that mounted it, not zoned's)
	run -0 zlogin s ip -o link show
	equals "$(awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' <<<"$output")" "$(host_names)"
	run -0 zlogin s ip -o -4 addr show dev br0
	contains "$output" "inet 10.99.0.1/24"
	# CAP_NET_ADMIN (12) and CAP_NET_RAW (13) are not in its effective set
	local capeff
	capeff=$(zlogin s sed -n 's/^CapEff:[[:space:]]*//p' /proc/self/status)
	[ -n "$capeff" ]
	[ $((16#$capeff & (1 << 12))) -eq 0 ]
	[ $((16#$capeff & (1 << 13))) -eq 0 ]
	run ! zlogin s ip addr add 10.99.0.50/24 dev br0
	contains "$output" "Operation not permitted"
	run -0 ip -n "$NS" -o addr show dev br0
	not_contains "$output" 10.99.0.50
	run ! zlogin s ip link set br0 down
	run -0 ip -n "$NS" -o link show dev br0
	contains "$output" ",UP"
	run ! zlogin s ip link add zx0 type bridge
	equals "$(host_names)" $'lo\nbr0'
	# busybox ping needs a raw socket
	run ! zlogin s ping -c 1 -W 1 10.99.0.1
	contains "$output" "permission denied"
}

# ---- refused before anything is created -------------------------------------------

@test "bad net entries are refused by add with their message, and the config is unchanged" {
	zonectl create a --brand busybox --set ip_type=exclusive
	zonectl install a
	local before links bad=
	before=$(zonectl show a)
	links=$(host_links)
	# "KEY=VALUE ..." | the message expected on stderr
	local cases=(
		'address=10.99.0/24|net[0].address: "10.99.0/24": not an address in CIDR form'
		'address=10.99.0.2|net[0].address: "10.99.0.2": not an address in CIDR form'
		'address=10.99.0.2/33|net[0].address: "10.99.0.2/33": not an address in CIDR form'
		'address=10.99.0.256/24|net[0].address: "10.99.0.256/24": not an address in CIDR form'
		'address=fd99::2/129|net[0].address: "fd99::2/129": not an address in CIDR form'
		'address=/24|net[0].address: "/24": not an address in CIDR form'
		'address=10.99.0.2/24 gateway=10.98.0.1|net[0].gateway: "10.98.0.1": outside the subnet of 10.99.0.2/24'
		'address=10.99.0.2/25 gateway=10.99.0.129|net[0].gateway: "10.99.0.129": outside the subnet of 10.99.0.2/25'
		'address=fd99::2/64 gateway=fd98::1|net[0].gateway: "fd98::1": outside the subnet of fd99::2/64'
		'address=10.99.0.2/24 gateway=fd99::1|net[0].gateway: "fd99::1": not the same address family as address 10.99.0.2/24'
		'address=fd99::2/64 gateway=10.99.0.1|net[0].gateway: "10.99.0.1": not the same address family as address fd99::2/64'
		'gateway=10.99.0.1|net[0].gateway: "10.99.0.1": a gateway needs an address'
		'address=10.99.0.2/24 name=abcdefghijklmnop|net[0].name: "abcdefghijklmnop": not an interface name'
		'address=10.99.0.2/24 mac=03:00:00:00:00:01|net[0].mac: "03:00:00:00:00:01": not a unicast MAC address'
		'address=10.99.0.2/24 mac=00:00:00:00:00:00|net[0].mac: "00:00:00:00:00:00": not a unicast MAC address'
		'address=10.99.0.2/24 mac=02:00:00:00:00|net[0].mac: "02:00:00:00:00": not a unicast MAC address'
		'address=10.99.0.2/24 name=..|net[0].name: "..": not an interface name'
		'address=10.99.0.2/24 name=eth/0|net[0].name: "eth/0": not an interface name'
		'address=10.99.0.2/24 bridge=br:0|net[0].bridge: "br:0": not an interface name'
		'address=10.99.0.2/24 mtu=20|net[0].mtu: 20: out of range (68 to 65535)'
	)
	local c kv msg args rc out
	for c in "${cases[@]}"; do
		kv=${c%%|*}
		msg=${c#*|}
		# shellcheck disable=SC2206 # the pairs have no spaces or globs
		args=(name=eth0 bridge=br0 $kv)
		rc=0
		out=$(zonectl add a net "${args[@]}" 2>&1) || rc=$?
		if [ "$rc" -eq 0 ] || [[ $out != *"zone.json: $msg"* ]]; then
			bad+="  add a net ${args[*]}: exit $rc: $out"$'\n'
			# accepted: take it out again for the next case
			zonectl remove a net bridge=br0 >/dev/null 2>&1 || true
		fi
	done
	if [ -n "$bad" ]; then
		printf 'not refused as expected:\n%s' "$bad" >&2
		return 1
	fi
	equals "$(zonectl show a)" "$before"
	equals "$(zone_state a)" installed
	# and the zone still boots, with nothing in the host's namespace
	zonectl boot a
	equals "$(host_links)" "$links"
	run -0 zlogin a ls -1 /sys/class/net
	equals "$output" lo
}

@test "a bridge that does not exist is reported by verify and refused by boot; nothing is created" {
	exclusive_zone a 10.99.0.2/24
	zonectl remove a net name=eth0
	zonectl add a net name=eth0 bridge=nosuchbr0 address=10.99.0.2/24
	local links
	links=$(host_links)
	run -1 --separate-stderr zonectl verify --json a
	equals "$(jget ok <<<"$output")" false
	has_line "$(jget problems <<<"$output")" '^net\[0\]\.bridge: "nosuchbr0": no such interface on the host$'
	run ! --separate-stderr zonectl boot a
	contains "$stderr" 'boot a: net[0].bridge: "nosuchbr0": no such interface on the host'
	equals "$(host_links)" "$links"
	equals "$(zone_state a)" installed
	[ ! -e "$ZONES_ROOT/run/a.live" ]
	# once the bridge exists, the same zone boots
	ip -n "$NS" link add nosuchbr0 type bridge
	ip -n "$NS" link set nosuchbr0 up
	run -0 zonectl verify a
	zonectl boot a
	run -0 ip -n "$NS" -o link show master nosuchbr0
	equals "$(wc -l <<<"$output")" 1
}

@test "an interface that is not a bridge is refused as one; nothing is created" {
	exclusive_zone a 10.99.0.2/24
	ip -n "$NS" link add vx0 type veth peer name vx1
	local links cand
	links=$(host_links)
	for cand in lo:'a plain device' vx0:veth; do
		zonectl remove a net name=eth0
		zonectl add a net name=eth0 bridge="${cand%%:*}" address=10.99.0.2/24
		run -1 --separate-stderr zonectl verify a
		contains "$stderr" "net[0].bridge: \"${cand%%:*}\": not a bridge (it is ${cand#*:})"
		run ! --separate-stderr zonectl boot a
		contains "$stderr" "boot a: net[0].bridge: \"${cand%%:*}\": not a bridge (it is ${cand#*:})"
		equals "$(host_links)" "$links"
		equals "$(zone_state a)" installed
	done
	# vx0 was not enslaved or touched
	run -0 ip -n "$NS" -o link show master br0
	equals "$output" ""
}

@test "a host interface already named like the zone's host end is refused; nothing is touched" {
	exclusive_zone a 10.99.0.2/24
	zonectl boot a
	local end
	end=$(host_end a)
	zonectl halt a
	no_link "$end"
	# something else takes the name
	ip -n "$NS" link add "$end" type veth peer name zother0
	local links
	links=$(host_links)
	run -1 --separate-stderr zonectl verify a
	contains "$stderr" "net[0]: the host already has an interface named $end"
	run ! --separate-stderr zonectl boot a
	contains "$stderr" "boot a: net[0]: the host already has an interface named $end"
	equals "$(host_links)" "$links"
	equals "$(zone_state a)" installed
	# the other interface is left alone by the refused boot
	has_link "$end"
	has_link zother0
	ip -n "$NS" link del "$end"
	zonectl boot a
	equals "$(host_end a)" "$end"
}

@test "a zone.json written by hand with a bad net entry is refused at boot; nothing is created" {
	exclusive_zone a 10.99.0.2/24
	local cfg=$ZONES_ROOT/index/a.json links
	[ -f "$cfg" ]
	python3 - "$cfg" <<-'EOF'
		import json, sys
		c = json.load(open(sys.argv[1]))
		c["net"][0]["address"] = "10.99.0.2/24"
		c["net"][0]["gateway"] = "10.99.1.1"
		json.dump(c, open(sys.argv[1], "w"))
	EOF
	links=$(host_links)
	run ! --separate-stderr zonectl boot a
	contains "$stderr" 'net[0].gateway: "10.99.1.1": outside the subnet of 10.99.0.2/24'
	equals "$(host_links)" "$links"
	# list shows the zone in error (its config does not load), never running
	equals "$(zone_state a)" error
	[ ! -e "$ZONES_ROOT/run/a.live" ]
	# put right, it boots
	python3 - "$cfg" <<-'EOF'
		import json, sys
		c = json.load(open(sys.argv[1]))
		c["net"][0]["gateway"] = "10.99.0.1"
		json.dump(c, open(sys.argv[1], "w"))
	EOF
	equals "$(zone_state a)" installed
	zonectl boot a
	zping a 10.99.0.1
}

# ---- one address per bridge ------------------------------------------------------

@test "a second zone with a running zone's address on the same bridge is refused, naming the first" {
	exclusive_zone a 10.99.0.2/24
	zonectl boot a
	exclusive_zone b 10.99.0.2/24
	local links
	links=$(host_links)
	run -1 --separate-stderr zonectl verify --json b
	has_line "$(jget problems <<<"$output")" '^net\[0\]\.address: "10\.99\.0\.2/24": zone a uses it on bridge br0 too$'
	run ! --separate-stderr zonectl boot b
	contains "$stderr" 'boot b: net[0].address: "10.99.0.2/24": zone a uses it on bridge br0 too'
	equals "$(host_links)" "$links"
	equals "$(zone_state b)" installed
	equals "$(zone_state a)" running
	zping a 10.99.0.1
	# the same address written otherwise is the same address
	zonectl remove b net name=eth0
	zonectl add b net name=eth0 bridge=br0 address=10.99.0.2/16
	run ! --separate-stderr zonectl boot b
	contains "$stderr" 'zone a uses it on bridge br0 too'
	equals "$(host_links)" "$links"
	# on another bridge it is not a conflict
	ip -n "$NS" link add br1 type bridge
	ip -n "$NS" link set br1 up
	zonectl remove b net name=eth0
	zonectl add b net name=eth0 bridge=br1 address=10.99.0.2/24
	zonectl boot b
	equals "$(zone_state b)" running
	run -0 ip -n "$NS" -o link show master br1
	equals "$(wc -l <<<"$output")" 1
}

@test "the same IPv6 address written two ways is one address" {
	exclusive_zone a fd99::2/64
	zonectl boot a
	exclusive_zone b fd99:0:0:0::0002/64
	local links
	links=$(host_links)
	run ! --separate-stderr zonectl boot b
	contains "$stderr" 'net[0].address: "fd99:0:0:0::0002/64": zone a uses it on bridge br0 too'
	equals "$(host_links)" "$links"
	equals "$(zone_state b)" installed
}

# ---- counters ----------------------------------------------------------------------

@test "net --json and stat --json show eth0's counters growing after a ping" {
	exclusive_zone a 10.99.0.2/24 gateway=10.99.0.1
	zonectl boot a
	local n0 s0 n1 s1 f
	n0=$(zonectl net --json a)
	s0=$(zonectl stat --json a)
	equals "$(jget name <<<"$s0")" a
	equals "$(iface_get eth0 name <<<"$s0")" eth0
	equals "$(iface_get lo name <<<"$s0")" lo
	run -0 zlogin a ping -c 3 -W 3 10.99.0.1
	contains "$output" "3 packets received"
	n1=$(zonectl net --json a)
	s1=$(zonectl stat --json a)
	for f in tx_packets rx_packets; do
		[ "$(iface_get eth0 $f <<<"$n1")" -ge $(($(iface_get eth0 $f <<<"$n0") + 3)) ]
		[ "$(iface_get eth0 $f <<<"$s1")" -ge $(($(iface_get eth0 $f <<<"$s0") + 3)) ]
	done
	# 3 echo requests and replies of 98 bytes on the wire each (14 + 20 + 8 + 56)
	for f in tx_bytes rx_bytes; do
		[ "$(iface_get eth0 $f <<<"$n1")" -ge $(($(iface_get eth0 $f <<<"$n0") + 294)) ]
		[ "$(iface_get eth0 $f <<<"$s1")" -ge $(($(iface_get eth0 $f <<<"$s0") + 294)) ]
	done
	# and they are the kernel's counters of the zone's eth0
	local k
	k=$(zlogin a cat /sys/class/net/eth0/statistics/tx_packets)
	[ "$k" -ge "$(iface_get eth0 tx_packets <<<"$s1")" ]
	# the text forms show the same interface
	run -0 zonectl stat a
	contains "$output" "net eth0:"
	run -0 zonectl net a
	has_line "$output" '^    rx [0-9]+ bytes [0-9]+ packets, tx [0-9]+ bytes [0-9]+ packets$'
}

@test "net refuses a zone that is not running" {
	exclusive_zone a 10.99.0.2/24
	run ! --separate-stderr zonectl net a
	contains "$stderr" "net a: the zone is not running (it is installed)"
	run -0 zonectl list -p
	contains "$output" ":a:installed:"
}
