# The OCI lifecycle through berth-runtime's runc-compatible verbs:
# create → created, start → running, kill, delete, state/list/ps, run's exit code.
source "$(dirname "$0")/lib.sh"

bundle="$TEST_DIR/bundle"
make_bundle "$bundle" sleep 1000
edit_config "$bundle" '.process.terminal = false'

expect_status 0 "create a container" -- rt create --bundle "$bundle" --pid-file "$TEST_DIR/pid" c1
state=$(rt state c1)
expect_eq "$(jq -r .status <<<"$state")" created "state is created after create"
expect_eq "$(jq -r .id <<<"$state")" c1 "state names the id"
expect_eq "$(jq -r .bundle <<<"$state")" "$bundle" "state names the bundle"
pid=$(jq -r .pid <<<"$state")
expect_eq "$(cat "$TEST_DIR/pid")" "$pid" "pid file holds the init pid"
expect_status 1 "create refuses a duplicate id" -- rt create --bundle "$bundle" c1
expect_contains "$(last_err)" "container with id exists: c1" "duplicate id error wording"

expect_status 0 "start the container" -- rt start c1
expect_eq "$(rt state c1 | jq -r .status)" running "state is running after start"
expect_status 1 "start again is refused" -- rt start c1
expect_contains "$(last_err)" "cannot start an already running container" "double start wording"
expect_eq "$(readlink /proc/$pid/exe | xargs basename)" busybox "the init became the container process"

expect_contains "$(rt list)" "c1" "list shows the container"
expect_contains "$(rt list)" "running" "list shows its status"
expect_eq "$(rt list --format json | jq -r '.[0].status')" running "list --format json"
expect_eq "$(rt list -q)" c1 "list -q prints ids"
expect_eq "$(rt ps --format json c1 | jq -r '.[0]')" "$pid" "ps --format json lists the init"
expect_contains "$(rt ps c1)" "sleep 1000" "ps table shows the process"

expect_status 1 "delete of a running container is refused" -- rt delete c1
expect_contains "$(last_err)" "cannot delete container c1 that is not stopped: running" "delete refusal wording"

expect_status 0 "pause" -- rt pause c1
expect_eq "$(rt state c1 | jq -r .status)" paused "state is paused"
expect_status 0 "resume" -- rt resume c1
expect_eq "$(rt state c1 | jq -r .status)" running "state is running after resume"

expect_status 0 "kill with a signal name" -- rt kill c1 KILL
for _ in $(seq 100); do [ "$(rt state c1 | jq -r .status)" == stopped ] && break; sleep 0.05; done
expect_eq "$(rt state c1 | jq -r .status)" stopped "state is stopped after SIGKILL"
expect_status 1 "kill of a stopped container" -- rt kill c1 TERM
expect_contains "$(last_err)" "container not running" "kill stopped wording"
expect_status 0 "delete the stopped container" -- rt delete c1
expect_status 1 "state of a deleted container fails" -- rt state c1
expect_contains "$(last_err)" "container does not exist" "missing container wording"
expect_status 0 "delete --force of a missing container succeeds" -- rt delete --force c1

# delete --force kills a running container, and no cgroup is left behind.
expect_status 0 "create c2" -- rt create --bundle "$bundle" c2
expect_status 0 "start c2" -- rt start c2
cgroup_dirs=$(jq -r '.cgroup.dirs[]?, .cgroup.unified_dir? // empty' "$STATE_ROOT/c2/state.json" | sort -u)
expect_status 0 "delete --force a running container" -- rt delete --force c2
leftover=""
for dir in $cgroup_dirs; do [ -d "$dir" ] && leftover+=" $dir"; done
expect_eq "$leftover" "" "delete removed the container's cgroups"

# A created container can be killed, then deleted.
expect_status 0 "create c3" -- rt create --bundle "$bundle" c3
expect_status 0 "kill a created container" -- rt kill c3 SIGKILL
expect_status 0 "delete the killed container" -- rt delete c3

# A `start` that opens the exec fifo and dies before reading it (berth
# killed mid-run) starts nothing: the init waits for the next start.
expect_status 0 "create c8" -- rt create --bundle "$bundle" c8
sleep 0.2  # the init is blocked opening its end of the fifo
python3 -c 'import os, sys; os.close(os.open(sys.argv[1], os.O_RDONLY | os.O_NONBLOCK))' "$STATE_ROOT/c8/exec.fifo"
sleep 0.2
expect_eq "$(rt state c8 | jq -r .status)" created "a start that vanished leaves the container created"
expect_status 0 "and the next start starts it" -- rt start c8
expect_eq "$(rt state c8 | jq -r .status)" running "it runs"
expect_status 0 "delete --force c8" -- rt delete --force c8

# run: exit code of the container process, --detach, and the default signal.
make_bundle "$TEST_DIR/exit" sh -c 'exit 42'
expect_status 42 "run returns the container's exit code" -- rt run --bundle "$TEST_DIR/exit" c4
expect_eq "$(ls "$STATE_ROOT")" "" "run deleted its container"
make_bundle "$TEST_DIR/hello" echo hello from berth
expect_eq "$(rt run --bundle "$TEST_DIR/hello" c5)" "hello from berth" "run passes stdout through"
expect_status 0 "run --detach" -- rt run --detach --bundle "$bundle" c6
expect_eq "$(rt state c6 | jq -r .status)" running "detached container runs"
expect_status 0 "kill --all" -- rt kill --all c6 9
expect_status 0 "delete --force after kill --all" -- rt delete --force c6

# Bad names and signals are refused with a message.
expect_status 1 "invalid id" -- rt create --bundle "$bundle" "../x"
expect_contains "$(last_err)" "invalid container id" "invalid id wording"
expect_status 0 "create c7" -- rt create --bundle "$bundle" c7
expect_status 1 "unknown signal" -- rt kill c7 SIGNOPE
expect_contains "$(last_err)" 'unknown signal "SIGNOPE"' "unknown signal wording"
expect_status 0 "delete created c7" -- rt delete c7

finish
