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
expect_eq "$(LD_DEBUG=files b run --rm busybox true 2>&1 | grep -c 'file=libarchive' || true)" "0" \
  "nor libarchive (tar is for image and copy commands)"
expect_status 3 "the container's exit status is run's" -- b run --rm busybox sh -c 'echo to-err >&2; exit 3'
expect_eq "$(last_err)" "to-err" "the container's stderr reaches ours"
# Started with SIGCHLD ignored (as some supervisors leave it), berth must not
# let the kernel reap the container's init before its shim is up to see the
# exit: that turned a quick exit into 255 about one run in three.
statuses=""
for _ in 1 2 3 4 5 6; do
  status=0
  python3 -c 'import os, signal, sys; signal.signal(signal.SIGCHLD, signal.SIG_IGN); os.execv(sys.argv[1], sys.argv[1:])' \
    "$BERTH" run --rm busybox sh -c 'exit 3' >/dev/null 2>&1 || status=$?
  statuses+="$status "
done
expect_eq "$statuses" "3 3 3 3 3 3 " "with SIGCHLD ignored by whoever started berth, the exit status still arrives"
expect_eq "$(b ps -aq | wc -l)" "0" "--rm removed both containers"
# run --rm leaves the container's directory to its shim, which deletes it
# once the client has gone.
b run --rm busybox sh -c 'echo data >/written'
for _ in $(seq 100); do [ -z "$(ls -A "$BERTH_ROOT/trash" 2>/dev/null)" ] && break; sleep 0.02; done
expect_eq "$(ls -A "$BERTH_ROOT/trash" "$BERTH_ROOT/containers" 2>/dev/null | grep -v ':$' | grep -c . || true)" "0" \
  "and the shim deleted what run --rm left it"
# and, with it, the container's cgroup directories (a dozen on a v1 host).
b run --rm --cidfile "$TEST_DIR/rm.cid" busybox true
rm_id=$(cat "$TEST_DIR/rm.cid")
cgroups_of_rm() { find /sys/fs/cgroup -mindepth 2 -maxdepth 3 -type d -name "*$rm_id" 2>/dev/null; }
for _ in $(seq 100); do [ -z "$(cgroups_of_rm)" ] && break; sleep 0.02; done
expect_eq "$(cgroups_of_rm | wc -l)" "0" "and the container's cgroup directories"
# The init sets its own oom score when the runtime has nothing else to do to it first.
expect_status 0 "run --oom-score-adj" -- b run --rm --oom-score-adj 300 busybox cat /proc/self/oom_score_adj
expect_eq "$(last_out)" "300" "the container's process has the oom score asked for"
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
# A network namespace of its own whose loopback is up, as Docker's default
# and "none" networks have it (berth makes it ahead of the runtime's create).
for mode in default none; do
  expect_status 0 "--network $mode: loopback is up" -- b run --rm --network "$mode" busybox \
    sh -c 'ip link show lo && ping -c 1 -W 2 127.0.0.1 >/dev/null && readlink /proc/self/ns/net'
  expect_contains "$(last_out)" "LOOPBACK,UP" "--network $mode: lo is UP"
  expect_eq "$(last_out | tail -n 1 | grep -c "$(readlink /proc/self/ns/net)" || true)" "0" \
    "--network $mode: the container's network namespace is not ours"
done
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
# Rotation (max-size with docker's units, max-file): logs keeps the newest
# files; logs -f follows the writer across each rotation and misses nothing.
b run -d --name rotating --log-opt max-size=1k --log-opt max-file=2 busybox \
  sh -c 'i=0; while [ $i -lt 60 ]; do echo line-$i; i=$((i+1)); sleep 0.05; done' >/dev/null
expect_eq "$(timeout 30 "$BERTH" logs -f rotating | md5sum)" "$(seq 0 59 | sed 's/^/line-/' | md5sum)" \
  "logs -f follows across rotations"
rotating_log=$(b inspect -f '{{.LogPath}}' rotating)
expect_eq "$(ls "$rotating_log"* | wc -l)" "2" "max-file=2 keeps two files"
expect_eq "$(stat -c %s "$rotating_log.1")" "$(( $(stat -c %s "$rotating_log.1") <= 1000 ? $(stat -c %s "$rotating_log.1") : -1 ))" \
  "each at most max-size (1k = 1000 bytes)"
expect_eq "$(b logs rotating | tail -1)" "line-59" "logs reads the current file last"
expect_eq "$(b inspect -f '{{index .HostConfig.LogConfig.Config "max-size"}}' rotating)" "1k" "inspect keeps the option as given"
b rm rotating >/dev/null
# With one file (max-file's default) the shim truncates it in place; what
# was not read before that is gone, but the follower goes on from the start.
b run -d --name truncating --log-opt max-size=1k busybox \
  sh -c 'i=0; while [ $i -lt 40 ]; do echo line-$i; i=$((i+1)); sleep 0.05; done' >/dev/null
expect_eq "$(timeout 30 "$BERTH" logs -f truncating | tail -1)" "line-39" "logs -f follows a log truncated in place"
b rm truncating >/dev/null

# ---- create, start -a, kill ----
expect_status 0 "create" -- b create --name later busybox sh -c 'echo started; exit 5'
expect_eq "$(b inspect -f '{{.State.Status}}' later)" "created" "a created container is not running"
expect_status 5 "start -a relays and returns the exit code" -- b start -a later
expect_eq "$(last_out)" "started" "start -a shows the output"
b run -d --name running busybox sh -c 'sleep 0.5; echo later; exit 3' >/dev/null
expect_status 3 "start -a of a running container attaches to it" -- timeout 10 "$BERTH" start -a running
expect_eq "$(last_out)" "later" "and relays what it writes from then on"
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
# The shim holds the container's mount namespace, so that the init's exit
# reaches it before the kernel has unmounted everything (shim_setup.h).
expect_eq "$(readlink "/proc/$shim_pid/fd/7")" "$(readlink "/proc/$init_pid/ns/mnt")" \
  "the shim holds the container's mount namespace"
# A second after the start the shim unmaps the start-up code of its binary
# (startup_pages.h): a sleeping shim keeps well under the 1 MiB per
# container of the density target (about 350 KiB here; 1.1 MiB without).
for _ in $(seq 40); do
  shim_rss=$(awk '/^Rss:/ {print $2}' "/proc/$shim_pid/smaps_rollup")
  [ "$shim_rss" -lt 700 ] && break
  sleep 0.1
done
expect_eq "$([ "$shim_rss" -lt 700 ] && echo small || echo "$shim_rss KiB")" "small" "an idle shim's RSS stays small"
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

# ---- berth killed mid-run ----
# A kill -9 of `berth run -d` at any moment leaves a container that works
# (running, or created and startable) or none; never a hung start, a
# stranded init, or a shim that later restarts or removes something.
for i in $(seq 0 19); do
  rm_flag=(); [ $((i % 2)) -eq 1 ] && rm_flag=(--rm)
  "$BERTH" run -d "${rm_flag[@]}" --name "killed-$i" busybox sleep 1000 >/dev/null 2>&1 &
  runner=$!
  sleep "$(printf '0.%03d' $((i * 3)))"  # 0 to 57 ms: before, during and after the launch
  kill -9 "$runner" 2>/dev/null || true
  wait "$runner" 2>/dev/null || true
done
unusable=0 outcomes=""
for i in $(seq 0 19); do
  status=$(timeout 10 "$BERTH" inspect -f '{{.State.Status}}' "killed-$i" 2>/dev/null || echo none)
  if [ "$status" = created ]; then
    timeout 10 "$BERTH" start "killed-$i" >/dev/null 2>&1 || unusable=$((unusable + 1))
    status="started:$(timeout 10 "$BERTH" inspect -f '{{.State.Status}}' "killed-$i" 2>/dev/null)"
  fi
  outcomes+="$status "
  case $status in running | none | started:running) ;; *) unusable=$((unusable + 1)) ;; esac
done
echo "# outcomes of berth killed mid-run: $outcomes"
expect_eq "$unusable" "0" "every killed run left a running container, a startable one, or none"
sleep 0.3  # a retired shim that still acted would have removed or restarted by now
expect_eq "$(b ps -q --filter name=killed- | wc -l)" "$(b ps -aq --filter name=killed- | wc -l)" \
  "and each that is there is still running"
left=$(b ps -aq --filter name=killed-)
removed=0
[ -z "$left" ] || timeout 20 "$BERTH" rm -f $left >/dev/null || removed=$?
expect_eq "$removed" "0" "they all remove"
# A shim lives in its run dir: any whose container is gone is stranded.
living=" $(b ps -aq --no-trunc | tr '\n' ' ') " stranded=0
for proc in /proc/[0-9]*; do
  cwd=$(readlink "$proc/cwd" 2>/dev/null) || continue
  case $cwd in "$BERTH_RUNROOT"/*) ;; *) continue ;; esac
  owner=${cwd#"$BERTH_RUNROOT"/} owner=${owner%% *} owner=${owner%%/*}
  case $living in *" $owner "*) ;; *) stranded=$((stranded + 1)) ;; esac
done
expect_eq "$stranded" "0" "no shim of theirs is left"

# The two windows a random kill rarely hits, made exact.
# 1. Killed right after the launch: strace kills berth at its first
#    pidfd_open, the one it makes of the launcher (by then the shim) right
#    after the launch, before it has read the launcher's reports or recorded
#    anything. The launcher has started the container by itself meanwhile
#    (it does not wait for berth): the next berth command adopts it as
#    running, and its own shim removes it (--rm) when it ends.
killed=0 run_dirs_before=$(ls "$BERTH_RUNROOT")
strace -qq -o /dev/null -e trace=pidfd_open -e inject=pidfd_open:signal=SIGKILL:when=1 \
  "$BERTH" run -d --rm --name abandoned busybox sleep 1000 >/dev/null 2>&1 || killed=$?
expect_eq "$killed" "137" "berth was killed mid-run"
# Looked at before any berth command, which would settle it.
abandoned_dir=$(ls "$BERTH_RUNROOT" | grep -vxF "$run_dirs_before" || true)
expect_eq "$(cat "$BERTH_RUNROOT/$abandoned_dir/shim.conf" >/dev/null && echo launched)" "launched" \
  "after its shim was launched"
expect_eq "$(timeout 10 "$BERTH" inspect -f '{{.State.Status}}' abandoned)" "running" "the container reads as running"
expect_eq "$(b inspect -f '{{.State.Pid}}' abandoned)" "$(grep '^pid=' "$BERTH_RUNROOT/$abandoned_dir/shim.conf" | cut -d= -f2)" \
  "with the pid its launcher recorded"
expect_eq "$(b ps -q --filter name=abandoned | wc -l)" "1" "ps lists it"
expect_status 0 "it stops" -- timeout 10 "$BERTH" stop -t 0 abandoned
for _ in $(seq 1 50); do b inspect abandoned >/dev/null 2>&1 || break; sleep 0.1; done
expect_status 1 "and its own shim removes it (--rm)" -- b inspect abandoned

# 2. Killed after the start, before the record says so: the record is put
#    back as berth left it. The running container is adopted.
b create --name adopted busybox sleep 1000 >/dev/null
adopted_id=$(b inspect -f '{{.Id}}' adopted)
state_sql() { python3 -c 'import sqlite3,sys; db=sqlite3.connect(sys.argv[1]); db.isolation_level=None
if len(sys.argv) > 3: db.execute("UPDATE containers SET state_json=? WHERE id=?", (sys.argv[3], sys.argv[2]))
else: print(db.execute("SELECT state_json FROM containers WHERE id=?", (sys.argv[2],)).fetchone()[0])' "$BERTH_ROOT/berth.db" "$@"; }
created_state=$(state_sql "$adopted_id")
b start adopted >/dev/null
state_sql "$adopted_id" "$created_state"
expect_eq "$(b ps --filter name=adopted --format '{{.Names}} {{.State}}')" "adopted running" "ps shows it running"
expect_eq "$(b inspect -f '{{.State.Pid}}' adopted)" "$(cat "/proc/$(b inspect -f '{{.State.Pid}}' adopted)/stat" | cut -d' ' -f1)" \
  "with its init's pid"
expect_status 0 "it stops" -- timeout 10 "$BERTH" stop -t 0 adopted
expect_eq "$(b inspect -f '{{.State.Status}} {{.State.ExitCode}}' adopted)" "exited 137" "and reads as killed"
b rm adopted >/dev/null

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

# A restart cut short (its `berth start` killed) leaves the container exited,
# not "restarting" forever. The shim runs the berth that launched it: a copy,
# replaced after the launch by a script that dies at once, before (or after
# wiping the run dir, as a real start does first).
for variant in before-wipe after-wipe; do
  cp "$BERTH" "$TEST_DIR/berth-copy"
  BERTH_SHIM="$BERTH_BIN_DIR/berth-shim" "$TEST_DIR/berth-copy" run -d --name "cut-$variant" --restart always \
    busybox sh -c 'sleep 0.5; exit 1' >/dev/null
  cut_id=$(b inspect -f '{{.Id}}' "cut-$variant")
  # After the wipe: someone (the script itself, with the shim's --root and
  # --runroot) has seen the container restarting first.
  wipe=""; [ "$variant" = after-wipe ] && wipe="'$BERTH' \"\$1\" \"\$2\" \"\$3\" \"\$4\" inspect $cut_id >/dev/null; rm -rf '$BERTH_RUNROOT/$cut_id'"
  printf '#!/bin/sh\n%s\nkill -9 $$\n' "$wipe" >"$TEST_DIR/berth-copy.new"
  chmod +x "$TEST_DIR/berth-copy.new" && mv -f "$TEST_DIR/berth-copy.new" "$TEST_DIR/berth-copy"
  # Restarting while the shim or its berth start lives; then exited.
  for _ in $(seq 150); do
    [ "$(b inspect -f '{{.State.Status}}' "cut-$variant")" = exited ] && break
    sleep 0.1
  done
  expect_eq "$(b inspect -f '{{.State.Status}}' "cut-$variant")" "exited" "a restart killed $variant: the container is exited"
  expect_contains "$(b inspect -f '{{.State.Error}}' "cut-$variant")" "restart policy" "and says the restart was cut short"
  expect_status 0 "and it starts again" -- b start "cut-$variant"
  b rm -f "cut-$variant" >/dev/null
done

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
# A foreground run --rm removes its container itself; killed before it
# could, its shim does.
"$BERTH" run --rm --name client-killed busybox sleep 0.5 >/dev/null 2>&1 &
client=$!
for _ in $(seq 1 50); do [ "$(b inspect -f '{{.State.Status}}' client-killed 2>/dev/null)" = running ] && break; sleep 0.05; done
kill -9 "$client"
wait "$client" 2>/dev/null || true
for _ in $(seq 1 100); do b inspect client-killed >/dev/null 2>&1 || break; sleep 0.1; done
expect_status 1 "run --rm whose berth was killed is removed by its shim" -- b inspect client-killed

# ---- images in use ----
expect_status 0 "tag the image under a second name" -- b tag busybox:latest used:1
b create --name user-of-used used:1 true >/dev/null
expect_status 0 "rmi of one of two tags only untags" -- b rmi busybox:latest
expect_status 1 "rmi of an image a container uses is refused" -- b rmi used:1
expect_contains "$(last_err)" "unable to remove repository reference \"used:1\" (must force) - container" "with docker's reason for a tag"
expect_status 0 "image prune -a keeps it" -- b image prune -a -f
expect_eq "$(b images -q | wc -l)" "1" "the image is still there"
# By id, while a container of it runs, not even -f: docker's hard conflict.
b run -d --name runs-used used:1 sleep 60 >/dev/null
expect_status 1 "rmi -f by id of a running container's image is refused" -- b rmi -f "$(b images -q used:1)"
expect_contains "$(last_err)" "(cannot be forced) - image is being used by running container" "in docker's words"
expect_status 0 "rm every container" -- b rm -f $(b ps -aq)
expect_status 0 "then rmi works" -- b rmi used:1
expect_eq "$(b images -q | wc -l)" "0" "and the image is gone"

finish
