#!/usr/bin/env bash
# docker exec without a daemon: a further process in a running container,
# with the container's environment, user, directory and capabilities unless
# the flags say otherwise; its exit status is exec's; a process that cannot
# start is 126, an engine error 1. -it goes through a real pty (script).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/image_lib.sh"

CLEANUP_HOOKS+=(remove_all_containers)

expect_status 0 "import the busybox image" -- b import --change 'CMD ["sh"]' "$(busybox_tarball)" busybox:latest
expect_status 0 "run a container to exec in" -- b run -d --name target -e FOO=bar -w /tmp busybox sleep 300

# ---- the container's settings by default ----
expect_status 3 "exec returns the process's status" -- b exec target sh -c 'echo out; echo err >&2; exit 3'
expect_eq "$(last_out)" "out" "the process's stdout is ours"
expect_eq "$(last_err)" "err" "the process's stderr is ours"
expect_status 0 "exec sees the container" -- b exec target sh -c 'echo $FOO; pwd; id -u; cat /etc/hostname'
expect_eq "$(last_out | sed -n 1,3p | tr '\n' ' ')" "bar /tmp 0 " "the container's env, working dir and user"
expect_eq "$(last_out | sed -n 4p)" "$(b inspect -f '{{.Config.Hostname}}' target)" "and its hostname"
init_pid=$(b inspect -f '{{.State.Pid}}' target)
expect_status 0 "exec in the container's pid namespace" -- b exec target sh -c 'cat /proc/1/cmdline | tr "\0" " "'
expect_eq "$(last_out)" "sleep 300 " "pid 1 is the container's init"
expect_eq "$(readlink /proc/"$init_pid"/ns/mnt)" "$(b exec target readlink /proc/self/ns/mnt 2>/dev/null || true)" \
  "it shares the init's mount namespace"
expect_status 0 "capabilities" -- b exec target grep CapEff /proc/self/status
expect_eq "$(last_out)" "CapEff:	00000000a80425fb" "docker's 14 default capabilities"

# ---- the flags ----
expect_status 0 "-e and -w" -- b exec -e FOO=baz -e NEW=1 -w / target sh -c 'echo $FOO $NEW; pwd'
expect_eq "$(last_out | tr '\n' ' ')" "baz 1 / " "-e replaces and adds, -w sets the directory"
printf 'FROMFILE=yes\n# comment\n' >"$TEST_DIR/exec.env"
expect_status 0 "--env-file" -- b exec --env-file "$TEST_DIR/exec.env" target sh -c 'echo $FROMFILE'
expect_eq "$(last_out)" "yes" "--env-file adds its variables"
expect_status 0 "-u by name, resolved in the container's /etc/passwd" -- b exec -u nobody target sh -c 'id -un; grep CapEff /proc/self/status'
expect_eq "$(last_out | tr '\n' ' ')" "nobody CapEff:	0000000000000000 " "a non-root user has no effective capabilities"
expect_status 0 "-u uid:gid" -- b exec -u 1234:5678 target id
expect_eq "$(last_out)" "uid=1234 gid=5678 groups=5678" "numeric ids need no passwd entry"
expect_status 126 "-u of an unknown name fails" -- b exec -u nosuchuser target true
expect_contains "$(last_err)" "unable to find user nosuchuser" "with docker's words"
expect_status 0 "--privileged" -- b exec --privileged target grep CapBnd /proc/self/status
expect_eq "$(last_out)" "$(grep CapBnd /proc/self/status)" "every capability we hold"
expect_status 1 "a relative -w is refused" -- b exec -w tmp target true
expect_contains "$(last_err)" "needs to be an absolute path" "and says why"

# ---- stdin ----
expect_eq "$(echo piped | b exec -i target cat)" "piped" "-i forwards stdin"
expect_eq "$(echo piped | b exec target cat)" "" "without -i the process reads /dev/null"

# ---- -d ----
started=$(date +%s%N)
expect_status 0 "-d returns at once" -- b exec -d target sh -c 'sleep 5; echo done >/tmp/detached'
elapsed_ms=$((($(date +%s%N) - started) / 1000000))
if [ "$elapsed_ms" -lt 4000 ]; then pass "-d did not wait for the process (${elapsed_ms} ms)"; else
  fail "-d took ${elapsed_ms} ms: it waited"
fi
expect_eq "$(last_out)" "" "-d prints nothing"
for _ in $(seq 100); do b exec target test -f /tmp/detached && break; sleep 0.1; done
expect_eq "$(b exec target cat /tmp/detached)" "done" "the detached process ran to its end"

# ---- -t through a pty ----
NO_INPUT="$TEST_DIR/no-input"
: >"$NO_INPUT"
out=$(timeout 30 script -qec "$BERTH exec -it target sh -c 'tty; echo \$TERM'" /dev/null <"$NO_INPUT" 2>&1 | tr -d '\r\0') || true
expect_contains "$out" "/dev/pts/" "-it gives the process a terminal"
expect_contains "$out" "xterm" "with TERM=xterm"
expect_status 0 "-t without -i" -- b exec -t target sh -c 'tty'
expect_contains "$(last_out)" "/dev/pts/" "still gets a terminal"
expect_eq "$(echo typed | b exec -t target sh -c 'read -t 1 line; echo "[$line]"' | tr -d '\r')" "[]" \
  "and our stdin does not reach it"
expect_status 1 "-it without a terminal is refused" -- b exec -it target true
expect_eq "$(last_err)" "Error: the input device is not a TTY" "with docker's words"

# ---- errors ----
expect_status 126 "a missing command cannot be started" -- b exec target /no/such/binary
expect_contains "$(last_err)" "OCI runtime exec failed" "docker's prefix"
expect_contains "$(last_err)" "/no/such/binary" "naming the command"
expect_status 1 "a missing container" -- b exec nosuch true
expect_eq "$(last_err)" "Error: No such container: nosuch" "docker's words"
expect_status 1 "no command" -- b exec target
expect_contains "$(last_err)" "\"berth exec\" requires at least 2 arguments." "docker's usage error"
expect_status 125 "an unknown flag" -- b exec --bogus target true
expect_status 0 "stop it" -- b stop -t 0 target
expect_status 1 "exec in a stopped container" -- b exec target true
expect_contains "$(last_err)" "is not running" "docker's words"

finish
