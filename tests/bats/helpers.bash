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

common_setup() {
	ZONES_ROOT=$(mktemp -d /tmp/zones-test.XXXXXX)
	export ZONES_ROOT
	chmod 0755 "$ZONES_ROOT"
}

common_teardown() {
	if [ -n "${ZONES_ROOT:-}" ] && [ -d "$ZONES_ROOT" ]; then
		# Halt whatever a failed test left running, then remove the root.
		local z
		for z in $("$ZONECTL" list 2>/dev/null); do
			"$ZONECTL" halt "$z" >/dev/null 2>&1 || true
		done
		rm -rf --one-file-system "$ZONES_ROOT"
	fi
}

# Files under the zones root other than the store's own directories.
store_files() {
	(cd "$ZONES_ROOT" && find . -mindepth 1 -not -path './index' -not -path './zones' \
		-not -path './log' -not -path './run' | sort)
}
