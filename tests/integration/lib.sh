# Shared helpers for the integration suites. Source it first thing:
#   source "$(dirname "$0")/lib.sh"
# Each suite runs in a network namespace of its own (nothing it creates is
# seen outside), with a private --root, and cleans up on any exit.
set -euo pipefail

if [ -z "${BERTH_TEST_NETNS:-}" ]; then
  export BERTH_TEST_NETNS=1
  exec unshare --net -- bash "$0" "$@"
fi
ip link set lo up 2>/dev/null || true

BERTH_BIN_DIR=${BERTH_BIN_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/bin}
BERTH_FIXTURE_DIR=${BERTH_FIXTURE_DIR:-$(dirname "$BERTH_BIN_DIR")/fixtures}
RUNTIME="$BERTH_BIN_DIR/berth-runtime"
TEST_NAME=$(basename "$0" .sh)
TEST_DIR=$(mktemp -d "/tmp/berth-test-$TEST_NAME.XXXXXX")
STATE_ROOT="$TEST_DIR/state"
FAILURES=0
CHECKS=0

rt() { "$RUNTIME" --root "$STATE_ROOT" "$@"; }

# Suites add their own cleanup steps (stop a server they started, by PID).
CLEANUP_HOOKS=()
cleanup() {
  local status=$?
  set +e
  local hook
  for hook in "${CLEANUP_HOOKS[@]}"; do $hook; done
  if [ -d "$STATE_ROOT" ]; then
    for id in $(ls "$STATE_ROOT" 2>/dev/null); do rt delete --force "$id" >/dev/null 2>&1 || true; done
  fi
  # Bundles may hold mounts made by tests (never by the runtime: it works in
  # the container's mount namespace); unmount before removing.
  { grep -F " $TEST_DIR" /proc/self/mountinfo || true; } | awk '{print $5}' | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
  rm -rf "$TEST_DIR"
  exit $status
}
trap cleanup EXIT

# The busybox rootfs fixture, built once from Debian's busybox-static and cached.
busybox_rootfs() {
  local fixture="$BERTH_FIXTURE_DIR/busybox-rootfs"
  if [ ! -x "$fixture/bin/busybox" ]; then
    local building="$fixture.$$"
    mkdir -p "$building"/{bin,etc,proc,sys,dev,tmp,root}
    cp /bin/busybox "$building/bin/busybox"
    for applet in $("$building/bin/busybox" --list); do
      [ "$applet" = busybox ] || ln -s busybox "$building/bin/$applet"
    done
    echo "root:x:0:0:root:/root:/bin/sh" >"$building/etc/passwd"
    echo "nobody:x:65534:65534:nobody:/:/bin/sh" >>"$building/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' >"$building/etc/group"
    chmod 1777 "$building/tmp"
    mkdir -p "$BERTH_FIXTURE_DIR"
    [ -e "$fixture/bin/busybox" ] || rm -rf "$fixture"  # a broken leftover
    mv -T "$building" "$fixture" 2>/dev/null || rm -rf "$building"
  fi
  echo "$fixture"
}

# make_bundle DIR [ARGS...]: a bundle with its own copy of the busybox rootfs
# and a runc-like default config.json whose process runs ARGS (default: true).
make_bundle() {
  local bundle=$1
  shift
  local args='["true"]'
  if (($#)); then args=$(printf '%s\n' "$@" | jq -R . | jq -s -c .); fi
  mkdir -p "$bundle"
  cp -a "$(busybox_rootfs)" "$bundle/rootfs"
  jq --argjson args "$args" '.process.args = $args' "$(dirname "${BASH_SOURCE[0]}")/bundle_config.json" >"$bundle/config.json"
}

# edit_config BUNDLE JQ-FILTER [jq args...]: rewrite config.json in place.
edit_config() {
  local bundle=$1 filter=$2
  shift 2
  jq "$@" "$filter" "$bundle/config.json" >"$bundle/config.json.new"
  mv "$bundle/config.json.new" "$bundle/config.json"
}

pass() { CHECKS=$((CHECKS + 1)); echo "ok - $*"; }
fail() { CHECKS=$((CHECKS + 1)); FAILURES=$((FAILURES + 1)); echo "FAIL - $*" >&2; }

expect_eq() { # expect_eq ACTUAL EXPECTED DESCRIPTION
  if [ "$1" == "$2" ]; then pass "$3"; else fail "$3: expected [$2], got [$1]"; fi
}
expect_contains() { # expect_contains HAYSTACK NEEDLE DESCRIPTION
  if [[ "$1" == *"$2"* ]]; then pass "$3"; else fail "$3: [$1] does not contain [$2]"; fi
}
expect_not_contains() {
  if [[ "$1" != *"$2"* ]]; then pass "$3"; else fail "$3: [$1] contains [$2]"; fi
}
# expect_status EXPECTED DESCRIPTION -- COMMAND...: runs COMMAND, checks its exit status.
expect_status() {
  local expected=$1 description=$2
  shift 3
  local status=0
  "$@" >"$TEST_DIR/last.out" 2>"$TEST_DIR/last.err" || status=$?
  if [ "$status" == "$expected" ]; then pass "$description"; else
    fail "$description: exit $status, expected $expected; stderr: $(cat "$TEST_DIR/last.err")"
  fi
}
last_out() { cat "$TEST_DIR/last.out"; }
last_err() { cat "$TEST_DIR/last.err"; }

finish() {
  echo "$((CHECKS - FAILURES)) passed, $FAILURES failed"
  [ "$FAILURES" == 0 ]
}
