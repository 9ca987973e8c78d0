#!/usr/bin/env bash
# docker attach without a daemon: our streams joined to a running
# container's through its shim; the container's exit status is attach's;
# signals are proxied unless --sig-proxy=false; the detach keys (Ctrl-P
# Ctrl-Q, or --detach-keys) leave it running, in attach and in run -it,
# through a real pty (script).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/image_lib.sh"

CLEANUP_HOOKS+=(remove_all_containers)

expect_status 0 "import the busybox image" -- b import --change 'CMD ["sh"]' "$(busybox_tarball)" busybox:latest

# Waits until the container's status is $2 (5 s at most).
wait_status() {
  for _ in $(seq 50); do
    [ "$(b inspect -f '{{.State.Status}}' "$1" 2>/dev/null)" = "$2" ] && return 0
    sleep 0.1
  done
  return 1
}

# ---- output and exit status ----
expect_status 0 "run a ticking container" -- \
  b run -d --name ticker busybox sh -c 'i=0; while true; do echo tick$i; i=$((i+1)); sleep 0.1; done'
out=$(timeout -s KILL 2 "$BERTH" attach ticker 2>&1) || true
expect_contains "$out" "tick" "attach shows the container's output as it comes"
wait_status ticker running && pass "a killed attach leaves the container running" ||
  fail "the container stopped when attach was killed"

expect_status 0 "run a container that exits 5 after a while" -- b run -d --name five busybox sh -c 'sleep 1; echo bye; exit 5'
expect_status 5 "attach returns the container's exit status" -- b attach five
expect_eq "$(last_out)" "bye" "and relays its output until the end"

expect_status 0 "stdout and stderr apart" -- b run -d --name streams busybox sh -c 'sleep 1; echo out; echo err >&2'
expect_status 0 "attach to it" -- b attach streams
expect_eq "$(last_out)" "out" "stdout goes to our stdout"
expect_eq "$(last_err)" "err" "stderr to our stderr"

# ---- stdin ----
expect_status 0 "run -d -i cat" -- b run -d -i --name cat busybox cat
out=$(echo hello | timeout -s KILL 3 "$BERTH" attach cat 2>&1) || true
expect_contains "$out" "hello" "attach forwards our stdin to a container with an open stdin"
wait_status cat running && pass "our end of input does not close the container's stdin (not stdin-once)" ||
  fail "attach's end of input stopped the container"
out=$(echo quiet | timeout -s KILL 2 "$BERTH" attach --no-stdin cat 2>&1) || true
expect_not_contains "$out" "quiet" "--no-stdin keeps our stdin away"

# ---- signals ----
expect_status 0 "run a container that exits 7 on SIGTERM" -- \
  b run -d --name trapper busybox sh -c 'trap "echo got-term; exit 7" TERM; while true; do echo ready; sleep 0.1; done'
"$BERTH" attach trapper >"$TEST_DIR/trap.out" 2>&1 &
attach_pid=$!
# attach relays output only once it has set up its signal handling.
for _ in $(seq 100); do grep -q ready "$TEST_DIR/trap.out" && break; sleep 0.1; done
kill -TERM "$attach_pid"
status=0
wait "$attach_pid" || status=$?
expect_eq "$status" "7" "SIGTERM to attach reaches the container (sig-proxy) and attach returns its status"
expect_contains "$(cat "$TEST_DIR/trap.out")" "got-term" "the container's trap ran"

expect_status 0 "run it again" -- b start trapper
"$BERTH" attach --sig-proxy=false trapper >"$TEST_DIR/noproxy.out" 2>&1 &
attach_pid=$!
for _ in $(seq 100); do grep -q ready "$TEST_DIR/noproxy.out" && break; sleep 0.1; done
kill -TERM "$attach_pid"
wait "$attach_pid" || true
sleep 0.5
expect_eq "$(b inspect -f '{{.State.Status}}' trapper)" "running" "--sig-proxy=false: SIGTERM ends attach, not the container"

# ---- detach keys through a pty ----
expect_status 0 "run -dit a shell" -- b run -dit --name shell busybox sh
status=0
out=$( (sleep 1; printf 'echo typed-$((6*7))\r'; sleep 1; printf '\020\021'; sleep 1) |
  timeout 20 script -qec "$BERTH attach shell" /dev/null 2>&1 | tr -d '\r\0') || status=$?
expect_eq "$status" "1" "Ctrl-P Ctrl-Q ends attach with status 1, as docker attach"
expect_contains "$out" "read escape sequence" "saying so, as docker attach"
expect_contains "$out" "typed-42" "the shell ran what we typed"
expect_eq "$(b inspect -f '{{.State.Status}}' shell)" "running" "and keeps running after the detach"
status=0
( (sleep 1; printf '\030'; sleep 1) | timeout 20 script -qec "$BERTH attach --detach-keys ctrl-x shell" /dev/null >/dev/null 2>&1) ||
  status=$?
expect_eq "$status" "1" "--detach-keys ctrl-x detaches on Ctrl-X"
expect_eq "$(b inspect -f '{{.State.Status}}' shell)" "running" "the shell still runs"

status=0
( (sleep 1; printf '\020\021'; sleep 1) |
  timeout 20 script -qec "$BERTH run -it --name runit busybox sh" /dev/null >/dev/null 2>&1) || status=$?
expect_eq "$status" "0" "run -it detaches on Ctrl-P Ctrl-Q"
expect_eq "$(b inspect -f '{{.State.Status}}' runit)" "running" "and leaves its container running, supervised"
status=0
( (sleep 1; printf 'exit 3\r'; sleep 1) | timeout 20 script -qec "$BERTH attach runit" /dev/null >/dev/null 2>&1) ||
  status=$?
expect_eq "$status" "3" "attach to a shell that exits 3 returns 3"
wait_status runit exited && pass "re-attached, the shell exits when told" || fail "the re-attached shell did not exit"
expect_eq "$(b inspect -f '{{.State.ExitCode}}' runit)" "3" "with the status typed"

# ---- refusals ----
expect_status 1 "a tty container with stdin not a terminal" -- b attach shell
expect_eq "$(last_err)" "Error: the input device is not a TTY" "is refused with docker's words"
expect_status 1 "a bad --detach-keys" -- b attach --no-stdin --detach-keys 'ctrl-' shell
expect_contains "$(last_err)" "Invalid detach keys (ctrl-) provided" "is refused in dockerd's words"
expect_status 0 "create a container" -- b create --name fresh busybox true
expect_status 1 "attach to a container never started" -- b attach fresh
expect_eq "$(last_err)" "Error: You cannot attach to a stopped container, start it first" "docker's words"
expect_status 0 "pause the ticker" -- b pause ticker
expect_status 1 "attach to a paused container" -- b attach ticker
expect_eq "$(last_err)" "Error: You cannot attach to a paused container, unpause it first" "docker's words"
expect_status 0 "unpause it" -- b unpause ticker
expect_status 1 "attach to no such container" -- b attach nosuch
expect_contains "$(last_err)" "No such container: nosuch" "names it"
expect_status 1 "attach takes exactly one container" -- b attach a b
expect_contains "$(last_err)" "requires exactly 1 argument" "docker's usage error"

finish
