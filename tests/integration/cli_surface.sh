# runc's command-line surface: spec (and --rootless), features, --version,
# global flags (--log, --log-format json, --systemd-cgroup), update's flags,
# events --stats, and bad flags.
source "$(dirname "$0")/lib.sh"

mkdir -p "$TEST_DIR/spec"
expect_status 0 "spec writes a config.json" -- rt spec --bundle "$TEST_DIR/spec"
config="$TEST_DIR/spec/config.json"
expect_eq "$(jq -r '.process.args[0]' "$config")" "sh" "the default process is sh"
expect_eq "$(jq -r '.process.terminal' "$config")" "true" "the default has a terminal"
expect_eq "$(jq -r '[.linux.namespaces[].type] | sort | join(",")' "$config")" "cgroup,ipc,mount,network,pid,uts" "default namespaces"
expect_status 1 "spec refuses to overwrite" -- rt spec --bundle "$TEST_DIR/spec"
expect_contains "$(last_err)" "exists. Remove it first" "spec overwrite wording"
mkdir -p "$TEST_DIR/rootless"
expect_status 0 "spec --rootless" -- rt spec --rootless --bundle "$TEST_DIR/rootless"
expect_eq "$(jq -r '[.linux.namespaces[].type] | index("user") != null' "$TEST_DIR/rootless/config.json")" "true" "rootless spec has a user namespace"
expect_eq "$(jq -r '.linux.uidMappings[0].hostID' "$TEST_DIR/rootless/config.json")" "$(id -u)" "rootless spec maps the caller"

# The generated spec runs (with the busybox rootfs and no terminal).
cp -a "$(busybox_rootfs)" "$TEST_DIR/spec/rootfs"
jq '.process.terminal = false | .process.args = ["echo", "from-spec"]' "$config" >"$config.new" && mv "$config.new" "$config"
expect_eq "$(rt run --bundle "$TEST_DIR/spec" fromspec)" "from-spec" "the default spec runs"

features=$(rt features)
expect_eq "$(jq -r .ociVersionMax <<<"$features")" "1.2.0" "features: ociVersionMax"
expect_eq "$(jq -r '.linux.seccomp.enabled' <<<"$features")" "true" "features: seccomp"
expect_eq "$(jq -r '.linux.namespaces | index("time") != null' <<<"$features")" "true" "features: time namespace"
expect_contains "$(rt --version)" "berth-runtime version" "--version"
expect_contains "$(rt --version)" "spec: 1.2.0" "--version names the spec"

expect_status 1 "--systemd-cgroup is refused" -- rt --systemd-cgroup list
expect_contains "$(last_err)" "systemd cgroup management is not supported" "--systemd-cgroup wording"
expect_status 1 "an unknown flag is refused" -- rt create --no-such-flag x
expect_contains "$(last_err)" "no-such-flag" "unknown flag is named"
expect_status 1 "state without an id" -- rt state nope
rt --log "$TEST_DIR/log.json" --log-format json state nope 2>/dev/null || true
expect_eq "$(jq -r .level "$TEST_DIR/log.json")" "error" "json log line has a level"
expect_contains "$(jq -r .msg "$TEST_DIR/log.json")" "container does not exist" "json log line has the message"
rt --log "$TEST_DIR/debug.log" --debug state nope 2>/dev/null || true
expect_contains "$(head -1 "$TEST_DIR/debug.log")" "level=debug" "--debug logs the command"
expect_contains "$(tail -1 "$TEST_DIR/debug.log")" "level=error" "text log line has a level"

# update's flags and events --stats on a running container.
make_bundle "$TEST_DIR/box" sleep 1000
edit_config "$TEST_DIR/box" '.linux.resources.memory = {"limit": 134217728} | .linux.resources.pids = {"limit": 100}'
expect_status 0 "run a container" -- rt run --detach --bundle "$TEST_DIR/box" box
expect_status 0 "update --memory --pids-limit --cpu-share" -- rt update --memory 64m --pids-limit 42 --cpu-share 512 box
cgroup=$(jq -r '.cgroup.dirs.memory // .cgroup.dir' "$STATE_ROOT/box/state.json")
pids_dir=$(jq -r '.cgroup.dirs.pids // .cgroup.dir' "$STATE_ROOT/box/state.json")
if [ -f "$cgroup/memory.limit_in_bytes" ]; then
  expect_eq "$(cat "$cgroup/memory.limit_in_bytes")" "67108864" "memory limit updated"
  expect_eq "$(cat "$pids_dir/pids.max")" "42" "pids limit updated"
else
  expect_eq "$(cat "$cgroup/memory.max")" "67108864" "memory limit updated"
  expect_eq "$(cat "$cgroup/pids.max")" "42" "pids limit updated"
fi
expect_status 1 "update with a bad size" -- rt update --memory 12zz box
expect_contains "$(last_err)" "--memory: invalid size" "bad size wording"
echo '{"memory": {"limit": "lots"}}' >"$TEST_DIR/bad-resources.json"
expect_status 1 "update --resources with a bad field" -- rt update --resources "$TEST_DIR/bad-resources.json" box
expect_contains "$(last_err)" "resources.memory.limit: expected an integer" "bad resources field is named"
stats=$(rt events --stats box)
expect_eq "$(jq -r .type <<<"$stats")" "stats" "events --stats prints a stats event"
expect_eq "$(jq -r .data.pids.current <<<"$stats")" "1" "stats count the container's one process"
expect_eq "$(jq -r .data.memory.usage.limit <<<"$stats")" "67108864" "stats show the memory limit"
expect_status 0 "delete --force" -- rt delete --force box

finish
