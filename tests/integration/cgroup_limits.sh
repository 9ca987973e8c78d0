#!/usr/bin/env bash
# linux.resources and linux.cgroupsPath as the host's cgroup files show them,
# across the lifecycle: create, update, pause/resume, events --stats, delete.
# Works on cgroup v1, hybrid (as these machines boot) and v2.
source "$(dirname "$0")/lib.sh"

group="berth-it-$$"
if [ "$(stat -f -c %T /sys/fs/cgroup)" == cgroup2fs ]; then layout=v2; else layout=v1; fi
# cgroup_dir CONTROLLER ID: the container's directory for that controller.
cgroup_dir() {
  if [ $layout == v2 ]; then echo "/sys/fs/cgroup/$group/$2"; else echo "/sys/fs/cgroup/$1/$group/$2"; fi
}
cleanup_groups() {
  local dir
  for dir in /sys/fs/cgroup/$group /sys/fs/cgroup/*/$group; do
    if [ -d "$dir" ]; then find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null || true; fi
  done
}
# Containers first (lib.sh's cleanup would do it, but after we need the groups gone).
trap 'status=$?
  for id in $(ls "$STATE_ROOT" 2>/dev/null); do rt delete --force "$id" >/dev/null 2>&1 || true; done
  cleanup_groups; (exit $status); cleanup' EXIT

bundle=$TEST_DIR/limited
make_bundle "$bundle" sleep 1000
edit_config "$bundle" '.linux.cgroupsPath = $path
  | .linux.resources.memory = {"limit": 67108864}
  | .linux.resources.pids = {"limit": 40}
  | .linux.resources.cpu = {"shares": 512, "quota": 50000, "period": 100000}' --arg path "/$group/limited"
expect_status 0 "create with memory, pids and cpu limits" -- rt create --bundle "$bundle" limited
if [ $layout == v2 ]; then
  expect_eq "$(cat "$(cgroup_dir memory limited)/memory.max")" 67108864 "memory.max"
  expect_eq "$(cat "$(cgroup_dir cpu limited)/cpu.max")" "50000 100000" "cpu.max"
else
  expect_eq "$(cat "$(cgroup_dir memory limited)/memory.limit_in_bytes")" 67108864 "memory.limit_in_bytes"
  expect_eq "$(cat "$(cgroup_dir cpu limited)/cpu.shares")" 512 "cpu.shares"
  expect_eq "$(cat "$(cgroup_dir cpu limited)/cpu.cfs_quota_us")" 50000 "cpu.cfs_quota_us"
fi
expect_eq "$(cat "$(cgroup_dir pids limited)/pids.max")" 40 "pids.max"

pid=$(rt state limited | jq -r .pid)
expect_contains "$(cat "$(cgroup_dir pids limited)/cgroup.procs")" "$pid" "the init process is in the container's cgroup"
expect_status 0 "start" -- rt start limited

cat >"$TEST_DIR/update.json" <<'JSON'
{"memory": {"limit": 134217728}, "pids": {"limit": 80}}
JSON
expect_status 0 "update --resources" -- rt update --resources "$TEST_DIR/update.json" limited
if [ $layout == v2 ]; then
  expect_eq "$(cat "$(cgroup_dir memory limited)/memory.max")" 134217728 "updated memory.max"
else
  expect_eq "$(cat "$(cgroup_dir memory limited)/memory.limit_in_bytes")" 134217728 "updated memory.limit_in_bytes"
fi
expect_eq "$(cat "$(cgroup_dir pids limited)/pids.max")" 80 "updated pids.max"

expect_status 0 "pause" -- rt pause limited
expect_eq "$(rt state limited | jq -r .status)" paused "state says paused"
if [ $layout == v1 ]; then
  expect_eq "$(cat "$(cgroup_dir freezer limited)/freezer.state")" FROZEN "freezer.state is FROZEN"
fi
expect_status 0 "resume" -- rt resume limited
expect_eq "$(rt state limited | jq -r .status)" running "state says running again"

expect_status 0 "events --stats" -- rt events --stats limited
expect_eq "$(last_out | jq -r .data.memory.usage.limit)" 134217728 "stats report the memory limit"
expect_eq "$(last_out | jq -r .data.pids.current)" 1 "stats count one process"
expect_eq "$(last_out | jq -r '.data.cpu.usage.total > 0')" true "stats report cpu usage"

expect_status 0 "delete --force" -- rt delete --force limited
for controller in memory pids cpu freezer; do
  if [ -d "$(cgroup_dir $controller limited)" ]; then fail "$controller cgroup removed by delete"; else pass "$controller cgroup removed by delete"; fi
done

# The spec's device rules: deny all, plus the defaults every container gets.
bundle=$TEST_DIR/devices
make_bundle "$bundle" sh -c 'echo hi >/dev/null && echo null-ok; mknod /dev/kmsg2 c 1 11 && (head -c1 /dev/kmsg2 >/dev/null 2>&1 && echo kmsg-readable || echo kmsg-denied)'
edit_config "$bundle" '.linux.cgroupsPath = $path
  | .process.capabilities.bounding += ["CAP_MKNOD"] | .process.capabilities.effective += ["CAP_MKNOD"]
  | .process.capabilities.permitted += ["CAP_MKNOD"]' --arg path "/$group/devices"
expect_status 0 "run with the default device rules" -- rt run --bundle "$bundle" devices
expect_contains "$(last_out)" null-ok "/dev/null is usable"
expect_contains "$(last_out)" kmsg-denied "a device outside the allow list cannot be opened"

bundle=$TEST_DIR/bad
make_bundle "$bundle" true
edit_config "$bundle" '.linux.cgroupsPath = "/berth/../../escape"'
expect_status 1 "a cgroupsPath with .. is refused" -- rt run --bundle "$bundle" dotdot
expect_contains "$(last_err)" '".."' "the error says why"
edit_config "$bundle" '.linux.cgroupsPath = "system.slice:berth:abc"'
expect_status 1 "the systemd cgroupsPath form is refused" -- rt run --bundle "$bundle" systemd
expect_contains "$(last_err)" systemd "the error mentions systemd"

edit_config "$bundle" '.linux.cgroupsPath = $path | .linux.resources.cpu = {"cpus": "999999"}' --arg path "/$group/badcpus"
expect_status 1 "an impossible cpuset fails the run" -- rt run --bundle "$bundle" badcpus
expect_contains "$(last_err)" "999999" "the error names the value"
expect_contains "$(last_err)" "cpuset.cpus" "the error names the file"
if [ -d "$(cgroup_dir cpuset badcpus)" ]; then fail "no cgroup left behind"; else pass "no cgroup left behind"; fi
# On a hybrid host the init is cloned into its cgroup2 directory before the
# v1 directories are made (and fail here): that one goes too, with the init.
if [ $layout == v1 ] && [ -d /sys/fs/cgroup/unified ]; then
  if [ -d "/sys/fs/cgroup/unified/$group/badcpus" ]; then fail "no cgroup2 directory left behind"; else pass "no cgroup2 directory left behind"; fi
fi

cleanup_groups
finish
