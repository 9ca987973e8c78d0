# Malformed or hostile config.json: a clear error naming the field, and no
# container, state directory or cgroup left behind.
source "$(dirname "$0")/lib.sh"

bundle="$TEST_DIR/bundle"
make_bundle "$bundle" true
cp "$bundle/config.json" "$TEST_DIR/good.json"

# expect_rejected DESCRIPTION EXPECTED-MESSAGE JQ-FILTER
expect_rejected() {
  local description=$1 message=$2 filter=$3
  jq "$filter" "$TEST_DIR/good.json" >"$bundle/config.json"
  expect_status 1 "$description is refused" -- rt create --bundle "$bundle" bad
  expect_contains "$(last_err)" "$message" "$description: error names the problem"
  expect_eq "$(ls "$STATE_ROOT" 2>/dev/null)" "" "$description: no state left"
  # find fails on cgroups that other tests remove while it walks: only
  # what it prints counts.
  local left; left=$(find /sys/fs/cgroup -maxdepth 4 -path "*/berth/*-bad" 2>/dev/null | head -1 || true)
  [ -z "$left" ] && pass "$description: no cgroup left" ||
    fail "$description: a cgroup was left behind"
}

expect_rejected "unknown namespace type" 'linux.namespaces[5].type: unknown namespace type "foo"' \
  '.linux.namespaces += [{"type": "foo"}]'
expect_rejected "a namespace listed twice" 'namespace "pid" is listed twice' '.linux.namespaces += [{"type": "pid"}]'
expect_rejected "a relative mount destination" 'mounts[0].destination: "proc" must be an absolute path' \
  '.mounts[0].destination = "proc"'
expect_rejected "a .. in a mount destination" 'must not contain ".."' '.mounts[0].destination = "/proc/../../etc"'
expect_rejected "a huge uid" 'process.user.uid: 99999999999 is out of range' '.process.user.uid = 99999999999'
expect_rejected "a negative rlimit" 'process.rlimits[0].hard: -1 is out of range' '.process.rlimits[0].hard = -1'
expect_rejected "an unknown rlimit" 'unknown rlimit "RLIMIT_BOGUS"' '.process.rlimits[0].type = "RLIMIT_BOGUS"'
expect_rejected "a string where a number belongs" 'process.user.gid: expected an integer, got string' \
  '.process.user.gid = "0"'
expect_rejected "an empty args list" 'process.args: must name at least the program to run' '.process.args = []'
expect_rejected "a relative cwd" 'process.cwd: "tmp" must be an absolute path' '.process.cwd = "tmp"'
expect_rejected "an unsupported ociVersion" 'ociVersion: "2.0.0" is not supported' '.ociVersion = "2.0.0"'
expect_rejected "a missing root" 'root: is required' 'del(.root)'
expect_rejected "a device with a .. path" 'must not contain ".."' \
  '.linux.devices = [{"type": "c", "path": "/dev/../../x", "major": 1, "minor": 3}]'
expect_rejected "an unknown device type" 'unknown device type "z"' \
  '.linux.devices = [{"type": "z", "path": "/dev/x", "major": 1, "minor": 3}]'
expect_rejected "a cgroupsPath with .." 'linux.cgroupsPath: "/berth/../../escape" must not contain ".."' \
  '.linux.cgroupsPath = "/berth/../../escape"'
expect_rejected "an oversized hostname" 'hostname: is longer than 64 bytes' ".hostname = \"$(printf 'h%.0s' $(seq 70))\""
expect_rejected "a missing executable" 'exec: "no-such-program": executable file not found in $PATH' \
  '.process.args = ["no-such-program"]'
expect_rejected "a missing rootfs" 'resolve' '.root.path = "missing-rootfs"'
expect_rejected "a namespace path that does not exist" 'open network namespace /proc/self/ns/nope' \
  '.linux.namespaces[1].path = "/proc/self/ns/nope"'
expect_rejected "an unknown propagation" 'unknown propagation "sideways"' '.linux.rootfsPropagation = "sideways"'

printf '{"ociVersion": "1.0.2", "process": ' >"$bundle/config.json"
expect_status 1 "truncated JSON is refused" -- rt create --bundle "$bundle" bad
expect_contains "$(last_err)" "invalid JSON" "truncated JSON: error says so"
expect_eq "$(ls "$STATE_ROOT" 2>/dev/null)" "" "truncated JSON: no state left"

echo '[1, 2, 3]' >"$bundle/config.json"
expect_status 1 "a JSON array is refused" -- rt create --bundle "$bundle" bad
expect_contains "$(last_err)" "expected an object" "a JSON array: error says so"

rm "$bundle/config.json"
expect_status 1 "a missing config.json is refused" -- rt create --bundle "$bundle" bad
expect_contains "$(last_err)" "config.json: No such file or directory" "missing config.json: error names the file"

finish
