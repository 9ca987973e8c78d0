#!/usr/bin/env bash
# linux.seccomp as the container's process meets it: errno, kill, argument
# conditions, architectures and flags, a notify listener at listenerPath,
# and profiles that `create` refuses before any process exists.
source "$(dirname "$0")/lib.sh"

# run_limited ID BUNDLE: `rt run`, but a broken filter must not hang the suite.
run_limited() { timeout 60 "$RUNTIME" --root "$STATE_ROOT" run --bundle "$2" "$1"; }

# ERRNO with errnoRet: busybox mkdir reports strerror(38). The root is
# read-only, so without the filter mkdir would fail with EROFS instead.
bundle=$TEST_DIR/errno
make_bundle "$bundle" sh -c 'mkdir /tmp/x 2>&1; grep "^Seccomp:" /proc/self/status'
edit_config "$bundle" '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
  "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
  "flags": ["SECCOMP_FILTER_FLAG_SPEC_ALLOW"],
  "syscalls": [{"names": ["mkdir", "mkdirat", "a_syscall_from_the_future"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}]}'
expect_status 0 "run with an ERRNO rule" -- run_limited errno "$bundle"
expect_contains "$(last_out)" "Function not implemented" "mkdir fails with errnoRet 38"
expect_contains "$(last_out)" "Seccomp:	2" "the process runs in seccomp filter mode"

# The control: the same command without a profile.
bundle=$TEST_DIR/no-profile
make_bundle "$bundle" sh -c 'mkdir /tmp/x 2>&1; grep "^Seccomp:" /proc/self/status'
expect_status 0 "run without a profile" -- run_limited no-profile "$bundle"
expect_not_contains "$(last_out)" "Function not implemented" "mkdir is not filtered without a profile"
expect_contains "$(last_out)" "Seccomp:	0" "no filter without a profile"

# Default ERRNO with defaultErrnoRet, everything the shell needs allowed but mkdir.
bundle=$TEST_DIR/default-errno
make_bundle "$bundle" sh -c 'mkdir /tmp/x 2>&1; echo "mkdir=$?"'
allowed=$(printf '%s\n' read write open openat close fstat newfstatat stat lstat mmap munmap mprotect brk \
  rt_sigaction rt_sigprocmask rt_sigreturn ioctl fcntl getpid getppid getuid geteuid getgid getegid execve \
  exit exit_group wait4 clone clone3 fork vfork arch_prctl set_tid_address prctl getcwd chdir dup2 dup3 \
  pipe pipe2 access faccessat faccessat2 readlink readlinkat poll getdents64 lseek set_robust_list rseq \
  getrandom prlimit64 sigaltstack futex capget setpgid getpgid getpgrp statx | jq -R . | jq -s -c .)
edit_config "$bundle" '.linux.seccomp = {"defaultAction": "SCMP_ACT_ERRNO",
  "defaultErrnoRet": 1, "syscalls": [{"names": $allowed, "action": "SCMP_ACT_ALLOW"}]}' --argjson allowed "$allowed"
expect_status 0 "run under a default-deny profile" -- run_limited default-errno "$bundle"
expect_contains "$(last_out)" "Operation not permitted" "mkdir fails with defaultErrnoRet 1 (EPERM)"
expect_contains "$(last_out)" "mkdir=1" "mkdir fails: it is not on the allow list"

# KILL_PROCESS: pwd's getcwd kills the process with SIGSYS (128 + 31).
bundle=$TEST_DIR/kill
make_bundle "$bundle" pwd
edit_config "$bundle" '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [{"names": ["getcwd"], "action": "SCMP_ACT_KILL_PROCESS"}]}'
expect_status 159 "getcwd under KILL_PROCESS ends the container by SIGSYS" -- run_limited kill "$bundle"

# An argument condition: only personality(PER_LINUX32) is refused.
bundle=$TEST_DIR/args
make_bundle "$bundle" sh -c 'linux32 uname -m 2>&1; echo "linux32=$?"; uname -m'
edit_config "$bundle" '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [{"names": ["personality"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13,
                "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}]}]}'
expect_status 0 "run with an argument condition" -- run_limited args "$bundle"
expect_contains "$(last_out)" "Permission denied" "personality(PER_LINUX32) gets errnoRet 13"
expect_not_contains "$(last_out)" "linux32=0" "linux32 fails"
expect_contains "$(last_out)" "x86_64" "plain uname is unaffected"

# SCMP_ACT_NOTIFY: a listener at listenerPath receives the fd with the state
# JSON, sees mkdir and answers EXDEV for it.
bundle=$TEST_DIR/notify
listener=$TEST_DIR/listener.sock
make_bundle "$bundle" sh -c 'mkdir /tmp/y 2>&1; echo "mkdir=$?"'
edit_config "$bundle" '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
  "listenerPath": $path, "listenerMetadata": "berth-test-metadata",
  "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}]}' --arg path "$listener"
cat >"$TEST_DIR/listener.py" <<'PY'
# Accepts the runtime's connection, takes the seccomp fd and answers every
# notification with -EXDEV until no process uses the filter any more.
import fcntl, json, select, socket, struct, sys
path, report = sys.argv[1], sys.argv[2]
server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
server.bind(path)
server.listen(1)
server.settimeout(60)
connection, _ = server.accept()
message, fds, _, _ = socket.recv_fds(connection, 1 << 20, 1)
while chunk := connection.recv(1 << 20):
    message += chunk
state = json.loads(message)
NOTIF_RECV = 0xC0502100  # _IOWR('!', 0, struct seccomp_notif), 80 bytes
NOTIF_SEND = 0xC0182101  # _IOWR('!', 1, struct seccomp_notif_resp), 24 bytes
poller = select.poll()
poller.register(fds[0], select.POLLIN)
numbers = []
while True:
    events = poller.poll(60000)
    if not events or events[0][1] & select.POLLHUP:
        break
    request = bytearray(80)
    fcntl.ioctl(fds[0], NOTIF_RECV, request)
    ident, pid, _, nr = struct.unpack_from("QIIi", request)
    numbers.append(nr)
    fcntl.ioctl(fds[0], NOTIF_SEND, struct.pack("QqiI", ident, 0, -18, 0))
with open(report, "w") as out:
    json.dump({"fds": state.get("fds"), "metadata": state.get("metadata"), "pid": state.get("pid"),
               "id": state.get("state", {}).get("id"), "syscalls": numbers}, out)
PY
python3 "$TEST_DIR/listener.py" "$listener" "$TEST_DIR/listener.json" &
listener_pid=$!
for _ in $(seq 100); do [ -S "$listener" ] && break; sleep 0.05; done
expect_status 0 "run with a notify rule" -- run_limited notify "$bundle"
expect_contains "$(last_out)" "Invalid cross-device link" "the listener's answer (EXDEV) reaches mkdir"
wait "$listener_pid" || true
report=$(cat "$TEST_DIR/listener.json" 2>/dev/null || echo '{}')
expect_eq "$(jq -c .fds <<<"$report")" '["seccompFd"]' "the state names the passed fd seccompFd"
expect_eq "$(jq -r .metadata <<<"$report")" "berth-test-metadata" "the state carries listenerMetadata"
expect_eq "$(jq -r .id <<<"$report")" "notify" "the state names the container"
expect_eq "$(jq -r '.syscalls | length > 0' <<<"$report")" "true" "the listener saw a notification"

# Profiles refused at create, before any process exists; errors name the field.
refuse() { # refuse NAME SECCOMP-JSON EXPECTED-ERROR
  local bundle=$TEST_DIR/$1
  make_bundle "$bundle" true
  edit_config "$bundle" '.linux.seccomp = $seccomp' --argjson seccomp "$2"
  expect_status 1 "create refuses $1" -- rt create --bundle "$bundle" "$1"
  expect_contains "$(last_err)" "$3" "the $1 error names the field"
  expect_eq "$(rt state "$1" >/dev/null 2>&1 && echo exists || echo absent)" absent "no $1 container is left"
}
refuse bad-action '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["getcwd"], "action": "SCMP_ACT_ERRNO"},
  {"names": ["mkdir"], "action": "SCMP_ACT_FOO"}]}' 'linux.seccomp.syscalls[1].action: unknown action "SCMP_ACT_FOO"'
refuse bad-arch '{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_Z80"]}' \
  'linux.seccomp.architectures[0]: unknown architecture "SCMP_ARCH_Z80"'
refuse bad-flag '{"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_FAST"]}' \
  'linux.seccomp.flags[0]: unknown flag "SECCOMP_FILTER_FLAG_FAST"'
refuse bad-op '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["kill"], "action": "SCMP_ACT_ERRNO",
  "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_ALMOST"}]}]}' \
  'linux.seccomp.syscalls[0].args[0].op: unknown operator "SCMP_CMP_ALMOST"'
refuse notify-without-listener '{"defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]}' 'linux.seccomp.listenerPath: required'

finish
