#!/usr/bin/env bash
# Containers without a daemon: run, create/start, ps, logs, stop, kill, rm,
# wait and inspect through the real berth and berth-shim binaries, with
# docker's output and exit statuses; and what a dead shim or a wiped run
# dir leaves (an exited container, never a running one).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/image_lib.sh"

CLEANUP_HOOKS+=(remove_all_containers)

expect_status 0 "import the busybox image" -- b import --change 'CMD ["sh"]' "$(busybox_tarball)" busybox:latest

# ---- run in the foreground ----
expect_status 0 "run --rm echoes" -- b run --rm busybox echo hello
expect_eq "$(last_out)" "hello" "the container's stdout reaches ours"
# Only registry commands need HTTP: libcurl is loaded on first use.
expect_eq "$(LD_DEBUG=files b run --rm busybox true 2>&1 | grep -c 'file=libcurl' || true)" "0" \
  "run does not load libcurl"
expect_status 3 "the container's exit status is run's" -- b run --rm busybox sh -c 'echo to-err >&2; exit 3'
expect_eq "$(last_err)" "to-err" "the container's stderr reaches ours"
expect_eq "$(b ps -aq | wc -l)" "0" "--rm removed both containers"
expect_status 0 "stdin with -i" -- bash -c "echo piped | '$BERTH' run --rm -i busybox cat"
expect_eq "$(last_out)" "piped" "-i forwards stdin"
expect_status 127 "a missing command exits 127" -- b run --rm busybox /no/such/command
expect_status 125 "an unknown image exits 125" -- b run --rm --pull never nosuchimage:1
expect_contains "$(last_err)" "No such image" "and says so"
expect_status 0 "hostname is the short id" -- b run --name named busybox hostname
short=$(b inspect -f '{{.Id}}' named | cut -c1-12)
expect_eq "$(last_out)" "$short" "hostname is the first 12 characters of the id"
expect_status 0 "the container sees its own /etc files" -- b run --rm busybox cat /etc/hostname /etc/hosts
expect_contains "$(last_out)" "127.0.0.1	localhost" "/etc/hosts has localhost"
expect_status 0 "it runs with Docker's default capabilities" -- b run --rm busybox grep CapEff /proc/self/status
expect_eq "$(last_out)" "CapEff:	00000000a80425fb" "the effective set is docker's 14 capabilities"
expect_status 1 "seccomp's default profile refuses unshare of a user namespace" -- \
  b run --rm busybox unshare -U true

# ---- detached containers ----
expect_status 0 "run -d prints the id" -- b run -d --name sleeper busybox sleep 1000
id=$(last_out)
expect_eq "${#id}" "64" "the id has 64 hex digits"
expect_contains "$(b ps)" "sleeper" "ps lists the running container"
expect_contains "$(b ps)" "Up " "with an Up status"
expect_contains "$(b ps | head -1)" "CONTAINER ID   IMAGE     COMMAND        CREATED" "ps has docker's header"
expect_eq "$(b inspect -f '{{.State.Status}} {{.State.Running}} {{.Name}}' sleeper)" "running true /sleeper" "inspect shows the state"
expect_eq "$(b ps -q --filter name=sleep)" "${id:0:12}" "ps -q --filter name"
expect_status 125 "a taken name is a conflict" -- b run -d --name sleeper busybox true
expect_contains "$(last_err)" 'Conflict. The container name "/sleeper" is already in use' "with docker's words"
expect_status 1 "rm of a running container needs -f" -- b rm sleeper
expect_contains "$(last_err)" "container is running" "and says why"
start=$(date +%s%N)
expect_status 0 "stop -t 1 (sleep as pid 1 ignores SIGTERM)" -- b stop -t 1 sleeper
elapsed=$((($(date +%s%N) - start) / 1000000))
expect_eq "$(last_out)" "sleeper" "stop prints the name"
expect_eq "$([ $elapsed -ge 900 ] && echo waited)" "waited" "stop waited for the timeout before SIGKILL"
expect_eq "$(b inspect -f '{{.State.Status}} {{.State.ExitCode}}' sleeper)" "exited 137" "killed by SIGKILL: 137"
expect_contains "$(b ps -a --filter status=exited)" "Exited (137)" "ps -a shows the exit"
expect_eq "$(b ps -q | wc -l)" "0" "ps without -a hides it"

# ---- logs, wait, start again ----
expect_status 0 "run a talker" -- b run -d --name talker busybox sh -c 'echo out; echo err >&2'
expect_status 0 "wait" -- b wait talker
expect_eq "$(last_out)" "0" "wait prints the exit code"
expect_status 0 "logs" -- b logs talker
expect_eq "$(last_out)" "out" "logs: stdout"
expect_eq "$(last_err)" "err" "logs: stderr"
log=$(b inspect -f '{{.LogPath}}' talker)
expect_contains "$(head -1 "$log")" '{"log":"out\n","stream":"stdout","time":"' "the log is docker's json-file"
expect_status 0 "start it again" -- b start talker
b wait talker >/dev/null
expect_eq "$(b logs talker | wc -l)" "2" "a second run appends to the log"
expect_eq "$(b logs --tail 1 talker 2>&1)" "err" "logs --tail 1 counts both streams"
expect_contains "$(b logs -t talker | head -1)" "Z out" "logs -t adds timestamps"

# ---- create, start -a, kill ----
expect_status 0 "create" -- b create --name later busybox sh -c 'echo started; exit 5'
expect_eq "$(b inspect -f '{{.State.Status}}' later)" "created" "a created container is not running"
expect_status 5 "start -a relays and returns the exit code" -- b start -a later
expect_eq "$(last_out)" "started" "start -a shows the output"
b run -d --name victim busybox sleep 1000 >/dev/null
expect_status 0 "kill" -- b kill victim
expect_eq "$(b inspect -f '{{.State.Status}} {{.State.ExitCode}}' victim)" "exited 137" "kill sends SIGKILL"
expect_status 1 "kill of a stopped container fails" -- b kill victim
expect_contains "$(last_err)" "is not running" "and says so"

# ---- a dead shim, a wiped run dir ----
b run -d --name orphan busybox sleep 1000 >/dev/null
orphan_id=$(b inspect -f '{{.Id}}' orphan)
init_pid=$(b inspect -f '{{.State.Pid}}' orphan)
shim_pid=$(awk '{print $4}' "/proc/$init_pid/stat")
expect_eq "$(cat /proc/$shim_pid/comm)" "berth-shim" "the init's parent is berth-shim"
kill -9 "$shim_pid"
sleep 0.2
expect_eq "$(b inspect -f '{{.State.Status}} {{.State.ExitCode}}' orphan)" "exited 255" "a dead shim's container shows as exited"
expect_contains "$(b inspect -f '{{.State.Error}}' orphan)" "berth-shim" "with the reason"
# Gone, or a zombie waiting for this sandbox's pid 1 to reap it.
expect_eq "$(awk '$3 != "Z" {print "alive"}' "/proc/$init_pid/stat" 2>/dev/null || true)" "" "and its process was killed"

# A torn exit.json (the shim writes it without fsync; a host crash can leave
# it empty on a disk-backed run dir) reads as an exit of unknown status.
b run -d --name torn busybox sleep 1000 >/dev/null
torn_id=$(b inspect -f '{{.Id}}' torn)
printf '{"exit_co' >"$BERTH_RUNROOT/$torn_id/exit.json"
expect_eq "$(b inspect -f '{{.State.Status}} {{.State.ExitCode}}' torn)" "exited 255" "a torn exit record reads as exited"
expect_contains "$(b inspect -f '{{.State.Error}}' torn)" "unreadable" "with the reason"
expect_status 0 "ps -a still lists everything" -- b ps -a
expect_status 0 "and it can be removed" -- b rm -f torn

b run -d --name rebooted busybox sleep 1000 >/dev/null
reboot_id=$(b inspect -f '{{.Id}}' rebooted)
init_pid=$(b inspect -f '{{.State.Pid}}' rebooted)
shim_pid=$(awk '{print $4}' "/proc/$init_pid/stat")
kill -9 "$shim_pid" "$init_pid"
rm -rf "${BERTH_RUNROOT:?}/$reboot_id" "$BERTH_RUNROOT/runtime/$reboot_id"
expect_contains "$(b ps -a --filter name=rebooted)" "Exited (255)" "after the run dir is wiped, ps -a shows it exited"
expect_status 0 "and it starts again" -- b start rebooted
expect_eq "$(b inspect -f '{{.State.Status}}' rebooted)" "running" "running again"

# ---- many at once ----
pids=()
for i in $(seq 50); do b run -d --name "many-$i" busybox sleep 1000 >"$TEST_DIR/many-$i.out" 2>&1 & pids+=($!); done
# While they are being made, every container ps lists is whole: it inspects.
half_made=0
for _ in 1 2 3; do
  for id in $(b ps -aq --filter name=many- 2>/dev/null); do b inspect -f '{{.Name}}' "$id" >/dev/null 2>&1 || half_made=$((half_made + 1)); done
done
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=$((failed + 1)); done
expect_eq "$failed" "0" "50 parallel run -d all succeed"
expect_eq "$half_made" "0" "ps never lists a half-made container meanwhile"
expect_eq "$(b ps -q --filter name=many- | wc -l)" "50" "and all 50 run"
expect_status 0 "rm -f removes them" -- b rm -f $(b ps -q --filter name=many-)
expect_eq "$(b ps -aq --filter name=many- | wc -l)" "0" "all gone"

# ---- restart policy ----
b run -d --name flaky --restart on-failure:2 busybox sh -c 'exit 1' >/dev/null
for i in $(seq 50); do
  [ "$(b inspect -f '{{.RestartCount}} {{.State.Status}}' flaky)" = "2 exited" ] && break
  sleep 0.1
done
expect_eq "$(b inspect -f '{{.RestartCount}} {{.State.Status}} {{.State.ExitCode}}' flaky)" "2 exited 1" \
  "on-failure:2 restarts twice, then stays exited"

# ---- --rm without a client: the shim removes the container ----
expect_status 0 "run -d --rm" -- b run -d --rm --name gone -v /scratch busybox sh -c 'sleep 0.5'
anon=$(b inspect -f '{{range .Mounts}}{{.Name}}{{end}}' gone)
for _ in $(seq 1 100); do b inspect gone >/dev/null 2>&1 || break; sleep 0.1; done
expect_status 1 "is removed by its shim once it exits" -- b inspect gone
expect_eq "$(b volume ls -q | grep -c "^$anon\$" || true)" "0" "with its anonymous volume"
expect_status 0 "run -d --rm of a container that is stopped" -- b run -d --rm --name stopped-gone busybox sleep 100
expect_status 0 "stop it" -- b stop -t 1 stopped-gone
for _ in $(seq 1 100); do b inspect stopped-gone >/dev/null 2>&1 || break; sleep 0.1; done
expect_status 1 "is removed too" -- b inspect stopped-gone

# ---- images in use ----
expect_status 0 "tag the image under a second name" -- b tag busybox:latest used:1
b create --name user-of-used used:1 true >/dev/null
expect_status 0 "rmi of one of two tags only untags" -- b rmi busybox:latest
expect_status 1 "rmi of an image a container uses is refused" -- b rmi used:1
expect_contains "$(last_err)" "image is being used by container" "with docker's reason"
expect_status 0 "image prune -a keeps it" -- b image prune -a -f
expect_eq "$(b images -q | wc -l)" "1" "the image is still there"
expect_status 0 "rm every container" -- b rm -f $(b ps -aq)
expect_status 0 "then rmi works" -- b rmi used:1
expect_eq "$(b images -q | wc -l)" "0" "and the image is gone"

finish
