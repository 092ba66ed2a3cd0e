# SPDX-License-Identifier: GPL-2.0-or-later
# Shared set-up for the bats suites.  Every test gets its own temporary
# ZONES_ROOT (never /var/lib/zones) and uses the build tree's binaries,
# brands and policy.  Tests clean up everything they make.

ZONES_SRC=${ZONES_SRC:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}
ZONES_BUILD=${ZONES_BUILD:-$ZONES_SRC/build}
export ZONES_BRANDS_DIR="$ZONES_SRC/brands"
export ZONES_POLICY_DIR="$ZONES_SRC/policy"
export ZONES_LIBEXEC_DIR="$ZONES_BUILD/brands"
ZONECTL="$ZONES_BUILD/zonectl/zonectl"
ZONED="$ZONES_BUILD/zoned/zoned"

zonectl() { "$ZONECTL" "$@"; }

# contains HAYSTACK NEEDLE: fail, showing both, unless NEEDLE is in HAYSTACK.
contains() {
	if [[ $1 != *"$2"* ]]; then
		printf 'expected to find:\n  %s\nin:\n  %s\n' "$2" "$1" >&2
		return 1
	fi
}

# equals ACTUAL EXPECTED
equals() {
	if [[ $1 != "$2" ]]; then
		printf 'expected:\n  %s\ngot:\n  %s\n' "$2" "$1" >&2
		return 1
	fi
}

common_setup() {
	ZONES_ROOT=$(mktemp -d /tmp/zones-test.XXXXXX)
	export ZONES_ROOT
	chmod 0755 "$ZONES_ROOT"
}

# Is a process there and not a zombie?  (This sandbox's pid 1 reaps late.)
alive() {
	local st
	st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1) || return 1
	[ -n "$st" ] && [ "$st" != Z ]
}

# Stop the zoned that zonectl started for a root (by the pid in its pid file).
stop_zoned_of() {
	local pid
	pid=$(cat "$1/zoned.pid" 2>/dev/null) || return 0
	[ -n "$pid" ] && alive "$pid" || return 0
	kill -TERM "$pid" 2>/dev/null || true
	for _ in $(seq 100); do
		alive "$pid" || return 0
		sleep 0.02
	done
	kill -KILL "$pid" 2>/dev/null || true
}

# Every zoned of this test: its root's, and any for a root made inside it.
stop_zoned() {
	local f
	for f in $(find "$ZONES_ROOT" -maxdepth 3 -name zoned.pid 2>/dev/null); do
		stop_zoned_of "$(dirname "$f")"
	done
}

# stop_zones: halt whatever a failed test left running in $ZONES_ROOT, stop its
# zoned and make sure its run tmpfs is unmounted.
stop_zones() {
	local z
	for z in $("$ZONECTL" list 2>/dev/null); do
		"$ZONECTL" halt "$z" >/dev/null 2>&1 || true
	done
	stop_zoned
	# zoned unmounts its run tmpfs when it stops; make sure of it
	if mountpoint -q "$ZONES_ROOT/run"; then umount -l "$ZONES_ROOT/run"; fi
}

common_teardown() {
	if [ -n "${ZONES_ROOT:-}" ] && [ -d "$ZONES_ROOT" ]; then
		stop_zones
		rm -rf --one-file-system "$ZONES_ROOT"
	fi
}

# Files under the zones root other than the store's own directories and the
# daemon's (its pid file, socket, store lock and log): what a zone leaves.
store_files() {
	(cd "$ZONES_ROOT" && find . -mindepth 1 -not -path './index' -not -path './zones' \
		-not -path './log' -not -path './run' -not -path './zoned.pid' \
		-not -path './zoned.sock' -not -path './.lock' -not -path './log/zoned.log' | sort)
}

# json_at MODE PATH: the value at PATH ("extra.cgroups", "net.0.name") of the
# JSON document on stdin; MISSING if the path is absent.  MODE json prints it
# as JSON (50, "256M", true); MODE bare prints strings and numbers bare, lists
# one item a line, null as "null", objects as JSON.
json_at() {
	python3 -c '
import json, sys
v = json.load(sys.stdin)
for k in [k for k in sys.argv[2].split(".") if k]:
    try:
        v = v[int(k)] if isinstance(v, list) else v[k]
    except (KeyError, IndexError, ValueError, TypeError):
        print("MISSING")
        sys.exit(0)
if sys.argv[1] == "json":
    print(json.dumps(v, sort_keys=True))
elif v is None:
    print("null")
elif isinstance(v, bool):
    print("true" if v else "false")
elif isinstance(v, list):
    for x in v:
        print(x if isinstance(x, (str, int, float)) else json.dumps(x))
elif isinstance(v, (str, int, float)):
    print(v)
else:
    print(json.dumps(v, sort_keys=True))
' "$1" "$2"
}
