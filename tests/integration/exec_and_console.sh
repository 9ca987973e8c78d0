# exec into a running container (args and --process forms, flags, detach,
# pid file, exit codes), terminals over --console-socket for run and exec,
# --preserve-fds, and that the runtime binary cannot be reached from inside.
source "$(dirname "$0")/lib.sh"

receiver="$(dirname "$0")/console_receiver.py"
bundle="$TEST_DIR/bundle"
make_bundle "$bundle" sleep 1000
edit_config "$bundle" '.process.env += ["FROM_CONFIG=yes"]'
expect_status 0 "run --detach a long-running container" -- rt run --detach --bundle "$bundle" box

expect_eq "$(rt exec box echo hello)" "hello" "exec runs a command"
expect_status 3 "exec returns the process's exit code" -- rt exec box sh -c 'exit 3'
expect_eq "$(rt exec box sh -c 'echo $FROM_CONFIG')" "yes" "exec inherits the config's env"
expect_eq "$(rt exec -e FOO=bar box sh -c 'echo $FOO')" "bar" "exec -e adds a variable"
expect_eq "$(rt exec --cwd /tmp box pwd)" "/tmp" "exec --cwd"
expect_eq "$(rt exec --user 65534:65534 box id -u)" "65534" "exec --user switches uid"
expect_eq "$(rt exec box hostname)" "berth" "exec joins the uts namespace"
expect_eq "$(rt exec box sh -c 'readlink /proc/1/exe')" "/bin/busybox" "exec sees the container's pid 1"
expect_eq "$(rt exec box cat /proc/self/status | grep -c '^CapInh:\s*0000000000000000')" "1" "inheritable set is empty"
expect_status 1 "exec of a missing program fails" -- rt exec box no-such-program
expect_contains "$(last_err)" 'exec: "no-such-program": executable file not found in $PATH' "missing program wording"
expect_status 1 "exec into a missing container" -- rt exec nobox true
expect_contains "$(last_err)" "container does not exist" "missing container wording"

cat >"$TEST_DIR/process.json" <<'JSON'
{"args": ["sh", "-c", "echo from-process-json $(id -u)"], "cwd": "/", "env": ["PATH=/bin"], "user": {"uid": 1, "gid": 1}}
JSON
expect_eq "$(rt exec --process "$TEST_DIR/process.json" box)" "from-process-json 1" "exec --process FILE"
echo '{"args": [], "cwd": "/"}' >"$TEST_DIR/bad-process.json"
expect_status 1 "exec --process with empty args is refused" -- rt exec --process "$TEST_DIR/bad-process.json" box
expect_contains "$(last_err)" "process.args: must name at least the program to run" "bad process.json names the field"

expect_status 0 "exec --detach --pid-file" -- rt exec --detach --pid-file "$TEST_DIR/exec.pid" box sleep 30
exec_pid=$(cat "$TEST_DIR/exec.pid")
expect_eq "$(cat /proc/$exec_pid/comm 2>/dev/null)" "sleep" "the detached exec process runs"
expect_contains "$(rt ps --format json box)" "$exec_pid" "the exec process is in the container's cgroup"

# A terminal: the master arrives over the console socket, the process sees a tty.
python3 "$receiver" "$TEST_DIR/exec-console.sock" "$TEST_DIR/exec-console.out" &
receiver_pid=$!
for _ in $(seq 50); do [ -S "$TEST_DIR/exec-console.sock" ] && break; sleep 0.05; done
expect_status 0 "exec -t with a console socket" -- rt exec -t --console-socket "$TEST_DIR/exec-console.sock" box sh -c 'tty; echo tty-ok'
wait $receiver_pid || true
expect_contains "$(cat "$TEST_DIR/exec-console.out")" "/dev/pts/" "exec -t: the process's stdin is a pty"
expect_contains "$(cat "$TEST_DIR/exec-console.out")" "tty-ok" "exec -t: output comes through the master"

out=$(echo 'echo in-exec-tty; tty; exit' | timeout 60 "$RUNTIME" --root "$STATE_ROOT" exec -t box sh | tr -d '\r')
expect_contains "$out" "in-exec-tty" "foreground exec -t proxies the terminal"
expect_contains "$out" "/dev/pts/" "foreground exec -t: the process has a terminal"
expect_status 0 "delete --force the container" -- rt delete --force box

# run with process.terminal and a console socket; input typed into the master.
make_bundle "$TEST_DIR/tty" sh -c 'read line; echo "got:$line"; tty'
edit_config "$TEST_DIR/tty" '.process.terminal = true | .process.consoleSize = {"height": 30, "width": 100}'
python3 "$receiver" "$TEST_DIR/run-console.sock" "$TEST_DIR/run-console.out" $'typed-in\n' &
receiver_pid=$!
for _ in $(seq 50); do [ -S "$TEST_DIR/run-console.sock" ] && break; sleep 0.05; done
expect_status 0 "run a terminal container" -- rt run --console-socket "$TEST_DIR/run-console.sock" --bundle "$TEST_DIR/tty" ttybox
wait $receiver_pid || true
expect_contains "$(cat "$TEST_DIR/run-console.out")" "got:typed-in" "run -t: input reaches the process"
expect_contains "$(cat "$TEST_DIR/run-console.out")" "/dev/pts/0" "run -t: the process's terminal is /dev/pts/0"
# Without a console socket, a foreground run is the terminal's other end itself (as runc).
out=$(echo typed-here | timeout 60 "$RUNTIME" --root "$STATE_ROOT" run --bundle "$TEST_DIR/tty" ttybox2 | tr -d '\r')
expect_contains "$out" "got:typed-here" "foreground run proxies stdin and stdout through the pty"
expect_contains "$out" "/dev/pts/0" "foreground run: the process has a terminal"
expect_status 1 "a detached terminal container without a console socket is refused" -- rt run --detach --bundle "$TEST_DIR/tty" ttybox3
expect_contains "$(last_err)" "no --console-socket" "missing console socket wording"
expect_eq "$(ls "$STATE_ROOT")" "" "refused terminal container left no state"

# --preserve-fds passes fd 3 on; other inherited fds are closed at exec.
make_bundle "$TEST_DIR/fds" sh -c 'cat <&3; ls /proc/self/fd | sort -n | tr "\n" " "'
echo "through-fd-3" >"$TEST_DIR/fd3.txt"
# (fd 4 is ls's own directory fd; fd 5 is the one that must not pass.)
out=$(rt run --preserve-fds 1 --bundle "$TEST_DIR/fds" fdbox 3<"$TEST_DIR/fd3.txt" 5<"$TEST_DIR/fd3.txt")
expect_contains "$out" "through-fd-3" "--preserve-fds 1 passes fd 3"
expect_contains "$out" "0 1 2 3 " "fds 0-3 are open in the container"
expect_not_contains "$out" " 5 " "fd 5 was not passed on"

# While the init is still the runtime's code (created, not started), container
# processes cannot open it through /proc (CVE-2019-5736).
expect_status 0 "create a container" -- rt create --bundle "$bundle" guard
out=$(rt exec guard sh -c 'head -c 4 /proc/1/exe >/dev/null 2>&1 && echo readable || echo refused')
expect_eq "$out" "refused" "the created init's executable is not reachable from the container"
expect_status 0 "delete the created container" -- rt delete guard

finish
