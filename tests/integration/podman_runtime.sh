#!/usr/bin/env bash
# podman as a real client of berth-runtime: podman --runtime berth-runtime run,
# -it through a pty, exec into a detached container, exit codes, stop,
# --memory, --pids-limit, --cap-drop.
#
# podman runs with a store, runroot, tmp dir, lock dir, network config dir
# and containers.conf of this test's own (under $TEST_DIR), so it never
# touches the machine's podman state. The image is imported from the busybox
# fixture each run (quick: ~2 MB).
#
# PODMAN_TEST_RUNTIME=/usr/bin/crun runs the same checks against another
# runtime (to validate the test itself). PODMAN_TEST_DEBUG=1 makes podman log
# at debug level to $TEST_DIR/podman-debug.log (its tail is printed on
# failure; PODMAN_TEST_DEBUG_LOG=FILE keeps all of it).
source "$(dirname "$0")/lib.sh"

if ! command -v podman >/dev/null 2>&1; then
  echo "skip: podman is not installed"
  exit 77
fi
PODMAN_RUNTIME=${PODMAN_TEST_RUNTIME:-$RUNTIME}
if [ ! -x "$PODMAN_RUNTIME" ]; then
  fail "runtime $PODMAN_RUNTIME is missing"
  finish
  exit 1
fi

# crun 1.8 and podman 4.3 refuse hybrid cgroups unless the leftover v1
# controllers are mounted as hierarchies too (idempotent, host-wide).
if [ "$(stat -fc %T /sys/fs/cgroup)" != cgroup2fs ]; then
  for c in hugetlb net_cls,net_prio perf_event; do
    mkdir -p "/sys/fs/cgroup/$c"
    mountpoint -q "/sys/fs/cgroup/$c" || mount -t cgroup -o "$c" cgroup "/sys/fs/cgroup/$c" || true
  done
fi

# podman (cgroupfs manager) parents containers under libpod_parent; remove
# the ones this test made (rmdir only removes empty cgroups).
NEW_PARENTS=()
for c in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do
  [ -d "${c}libpod_parent" ] || NEW_PARENTS+=("${c}libpod_parent")
done

P="$TEST_DIR/podman"
mkdir -p "$P"/{root,tmp,networks}
# podman wants a runroot under 50 characters (conmon's socket paths): it
# lives apart from TEST_DIR and goes with it.
RR=$(mktemp -d /tmp/bpr.XXXXXX)
cat >"$P/storage.conf" <<EOF
[storage]
driver = "vfs"
graphroot = "$P/root"
runroot = "$RR"
EOF
cat >"$P/containers.conf" <<EOF
[containers]
default_capabilities = ["CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "NET_BIND_SERVICE",
                        "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"]
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]
log_driver = "k8s-file"

[network]
network_config_dir = "$P/networks"

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$P/events.log"
tmp_dir = "$P/tmp"
lock_type = "file"
volume_path = "$P/volumes"
static_dir = "$P/root/libpod"
EOF
# PODMAN_TEST_SECCOMP_PROFILE=unconfined (or a path) to bisect failures.
if [ -n "${PODMAN_TEST_SECCOMP_PROFILE:-}" ]; then
  sed -i "/^\[containers\]/a seccomp_profile = \"$PODMAN_TEST_SECCOMP_PROFILE\"" "$P/containers.conf"
fi
export CONTAINERS_CONF="$P/containers.conf"
export CONTAINERS_STORAGE_CONF="$P/storage.conf"
export CONTAINERS_REGISTRIES_CONF="$P/registries.conf"
echo 'unqualified-search-registries = []' >"$CONTAINERS_REGISTRIES_CONF"

LOG_LEVEL=error
[ -z "${PODMAN_TEST_DEBUG:-}" ] || LOG_LEVEL=debug
# One wrapper with all the flags, usable under script(1) too. timeout is hang
# protection only (not a timing assertion): a wedged podman fails its check
# instead of the whole suite timing out. --foreground keeps podman in the
# terminal's foreground process group under script: without it timeout moves
# itself and podman into a new group, and podman's raw-mode ioctl on the pty
# stops it with SIGTTOU (seen whenever script's shell is /bin/sh, as in CI).
PM="$P/pm"
{
  echo '#!/bin/bash'
  if [ "$LOG_LEVEL" == debug ]; then
    # Debug lines go to the log; stderr also still reaches the caller.
    echo "echo \"+ podman \$*\" >>'$TEST_DIR/podman-debug.log'"
    echo "exec 2> >(tee -a '$TEST_DIR/podman-debug.log' >&2)"
  fi
  echo "exec timeout --foreground 120 podman --root '$P/root' --runroot '$RR' --runtime '$PODMAN_RUNTIME' \\"
  echo "  --cgroup-manager cgroupfs --events-backend file --log-level $LOG_LEVEL \"\$@\""
} >"$PM"
chmod +x "$PM"
pm() { "$PM" "$@"; }

podman_cleanup() {
  local status=$?
  set +e
  [ ! -d "$P/root" ] || "$PM" rm -a -f -t 0 >/dev/null 2>&1
  if [ -n "${RR:-}" ] && [ -d "$RR" ]; then
    grep -F " $RR" /proc/self/mountinfo | awk '{print $5}' | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
    rm -rf "$RR"
  fi
  for d in "${NEW_PARENTS[@]}"; do [ ! -d "$d" ] || find "$d" -depth -type d -exec rmdir {} + 2>/dev/null; done
  if [ "$status" != 0 ] || [ "$FAILURES" != 0 ]; then
    [ ! -s "$TEST_DIR/podman-debug.log" ] || { echo "--- podman debug log (tail)"; tail -n 300 "$TEST_DIR/podman-debug.log"; } >&2
  fi
  # PODMAN_TEST_DEBUG_LOG=FILE keeps the whole debug log.
  [ -z "${PODMAN_TEST_DEBUG_LOG:-}" ] || [ ! -f "$TEST_DIR/podman-debug.log" ] || cp "$TEST_DIR/podman-debug.log" "$PODMAN_TEST_DEBUG_LOG"
  (exit "$status")
  cleanup
}
trap podman_cleanup EXIT

# ---- image from the busybox fixture ----
ROOTFS=$(busybox_rootfs)
if [ -L "$ROOTFS/bin/busybox" ]; then
  # An older fixture linked bin/busybox to itself (busybox --list names
  # busybox); put the binary back in a private copy.
  cp -a "$ROOTFS" "$TEST_DIR/rootfs"
  rm -f "$TEST_DIR/rootfs/bin/busybox"
  cp /bin/busybox "$TEST_DIR/rootfs/bin/busybox"
  ROOTFS="$TEST_DIR/rootfs"
fi
IMAGE=localhost/berth-test-busybox:latest
tar -C "$ROOTFS" -cf "$TEST_DIR/rootfs.tar" .
expect_status 0 "podman import of the busybox rootfs" -- pm import "$TEST_DIR/rootfs.tar" "$IMAGE"

# ---- run --rm: output and exit codes ----
expect_status 0 "podman run --rm echo hi" -- pm run --rm --network none "$IMAGE" echo hi
expect_eq "$(last_out)" "hi" "run prints hi"
expect_status 7 "exit code propagates (sh -c 'exit 7')" -- pm run --rm --network none "$IMAGE" sh -c 'exit 7'
expect_status 127 "a missing executable exits 127" -- pm run --rm --network none "$IMAGE" /no/such/binary
expect_status 0 "run with env and workdir" -- pm run --rm --network none -e FOO=bar -w /tmp "$IMAGE" sh -c 'echo "$FOO $(pwd) $(hostname)"'
expect_contains "$(last_out)" "bar /tmp" "env and workdir reach the process"
expect_status 0 "pid namespace: the process is pid 1" -- pm run --rm --network none "$IMAGE" sh -c 'echo $$'
expect_eq "$(last_out)" "1" "sh is pid 1"
expect_status 0 "stdin passes through with -i" -- pm run --rm -i --network none "$IMAGE" cat <<<"piped-in"
expect_eq "$(last_out)" "piped-in" "cat echoes stdin"

# ---- -it through a pty ----
# script gives podman a terminal; the container's output comes back through it.
# script's stdin must not end: at end of its input, script types its EOF
# character (^D) into the pty. podman, once it set the pty raw, reads it as a
# byte (NUL) and forwards it over conmon's attach socket; when the container has
# already exited, conmon closes that socket with the byte unread, the kernel
# then fails podman's next read with ECONNRESET ahead of the output still
# queued for it, and podman drops that output: [] instead of tty-ok, about one
# run in eight, with crun as with berth-runtime. A fifo opened read-write
# never has data and never ends, so script types nothing.
NO_INPUT="$TEST_DIR/no-input.fifo"
mkfifo "$NO_INPUT"
out=$(timeout 120 script -qec "$PM run -it --rm --network none $IMAGE sh -c 'echo tty-ok; tty; stty size'" /dev/null <>"$NO_INPUT" 2>&1 | tr -d '\r') || true
expect_contains "$out" "tty-ok" "-it: output arrives through the pty"
expect_contains "$out" "/dev/pts/0" "-it: the process's stdin is /dev/pts/0"
# Input typed into the terminal reaches an interactive shell.
out=$( (printf 'echo in-$((40+2))\n'; sleep 3; printf 'exit 5\n') |
  timeout 120 script -qec "$PM run -it --rm --network none $IMAGE sh" /dev/null 2>&1 | tr -d '\r') || true
expect_contains "$out" "in-42" "-it: input typed into the terminal reaches sh"

# ---- detached container, exec, stop ----
expect_status 0 "podman run -d sleep 100" -- pm run -d --network none "$IMAGE" sleep 100
CID=$(last_out)
if [ -n "$CID" ]; then
  expect_status 0 "podman inspect: running" -- pm inspect -f '{{.State.Status}}' "$CID"
  expect_eq "$(last_out)" "running" "detached container is running"
  expect_status 0 "podman exec echo hi" -- pm exec "$CID" echo hi
  expect_eq "$(last_out)" "hi" "exec prints hi"
  expect_status 3 "exec exit code propagates" -- pm exec "$CID" sh -c 'exit 3'
  expect_status 0 "exec sees the container's pid 1" -- pm exec "$CID" cat /proc/1/cmdline
  expect_contains "$(last_out | tr '\0' ' ')" "sleep 100" "pid 1 is sleep 100"
  expect_status 0 "exec -i with stdin" -- pm exec -i "$CID" cat <<<"exec-in"
  expect_eq "$(last_out)" "exec-in" "exec -i echoes stdin"
  # Stdin that never ends, as for run -it above.
  out=$(timeout 120 script -qec "$PM exec -it $CID sh -c 'echo exec-tty-ok; tty'" /dev/null <>"$NO_INPUT" 2>&1 | tr -d '\r') || true
  expect_contains "$out" "exec-tty-ok" "exec -it: output arrives through the pty"
  expect_contains "$out" "/dev/pts/" "exec -it: stdin is a pty"
  expect_status 0 "podman top / ps of the container" -- pm top "$CID"
  expect_contains "$(last_out)" "sleep" "podman top lists sleep"
  expect_status 0 "podman stop" -- pm stop -t 2 "$CID"
  expect_status 0 "podman inspect: exited" -- pm inspect -f '{{.State.Status}}' "$CID"
  expect_eq "$(last_out)" "exited" "stopped container has exited"
  expect_status 0 "podman rm" -- pm rm "$CID"
else
  fail "podman run -d printed no container id; stderr: $(last_err)"
fi

# ---- resources ----
# Inside: the container's view of its own cgroup. Outside: the host's file for
# the cgroup the container's pid 1 is in (cgroup v1 here; v2 if unified).
host_cgroup_file() { # host_cgroup_file PID CONTROLLER FILE
  local pid=$1 ctrl=$2 file=$3 path
  if [ "$(stat -fc %T /sys/fs/cgroup)" == cgroup2fs ]; then
    path=$(awk -F: '$1 == "0" {print $3}' "/proc/$pid/cgroup")
    cat "/sys/fs/cgroup$path/$file"
  else
    path=$(awk -F: -v c="$ctrl" '{n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3}' "/proc/$pid/cgroup")
    cat "/sys/fs/cgroup/$ctrl$path/$file"
  fi
}
V2=0
[ "$(stat -fc %T /sys/fs/cgroup)" != cgroup2fs ] || V2=1

expect_status 0 "run -d --memory 64m --pids-limit 50" -- pm run -d --network none --memory 64m --pids-limit 50 "$IMAGE" sleep 100
CID=$(last_out)
if [ -n "$CID" ]; then
  pid=$(pm inspect -f '{{.State.Pid}}' "$CID" 2>/dev/null || true)
  if [ -n "$pid" ] && [ "$pid" != 0 ] && [ -e "/proc/$pid/cgroup" ]; then
    if [ "$V2" == 1 ]; then
      expect_eq "$(host_cgroup_file "$pid" memory memory.max 2>&1)" "67108864" "host: memory.max of the container's cgroup"
    else
      expect_eq "$(host_cgroup_file "$pid" memory memory.limit_in_bytes 2>&1)" "67108864" "host: memory.limit_in_bytes of the container's cgroup"
    fi
    expect_eq "$(host_cgroup_file "$pid" pids pids.max 2>&1)" "50" "host: pids.max of the container's cgroup"
    expect_not_contains "$(cat "/proc/$pid/cgroup")" ":/user.slice" "host: the container left the caller's cgroup"
  else
    fail "no pid for the resource-limited container (inspect: [$pid])"
  fi
  pm rm -f -t 0 "$CID" >/dev/null 2>&1 || true
else
  fail "podman run -d with limits printed no container id; stderr: $(last_err)"
fi
if [ "$V2" == 1 ]; then
  expect_status 0 "inside: memory.max" -- pm run --rm --network none --memory 64m "$IMAGE" cat /sys/fs/cgroup/memory.max
else
  expect_status 0 "inside: memory.limit_in_bytes" -- pm run --rm --network none --memory 64m "$IMAGE" cat /sys/fs/cgroup/memory/memory.limit_in_bytes
fi
expect_eq "$(last_out)" "67108864" "inside: the memory limit is 64 MiB"
if [ "$V2" == 1 ]; then
  expect_status 0 "inside: pids.max" -- pm run --rm --network none --pids-limit 50 "$IMAGE" cat /sys/fs/cgroup/pids.max
else
  expect_status 0 "inside: pids.max" -- pm run --rm --network none --pids-limit 50 "$IMAGE" cat /sys/fs/cgroup/pids/pids.max
fi
expect_eq "$(last_out)" "50" "inside: pids.max is 50"

# ---- capabilities ----
capeff() { sed -n 's/^CapEff:[[:space:]]*//p' <<<"$1"; }
expect_status 0 "default capabilities" -- pm run --rm --network none "$IMAGE" cat /proc/self/status
default_caps=$(capeff "$(last_out)")
# default_capabilities of our containers.conf: CHOWN DAC_OVERRIDE FOWNER FSETID
# KILL NET_BIND_SERVICE SETFCAP SETGID SETPCAP SETUID SYS_CHROOT.
expect_eq "$default_caps" "00000000800405fb" "default CapEff is podman's default set"
expect_status 0 "--cap-drop CHOWN" -- pm run --rm --network none --cap-drop CHOWN "$IMAGE" cat /proc/self/status
expect_eq "$(capeff "$(last_out)")" "00000000800405fa" "--cap-drop CHOWN clears bit 0 only"
expect_status 0 "--cap-add NET_RAW" -- pm run --rm --network none --cap-add NET_RAW "$IMAGE" cat /proc/self/status
expect_eq "$(capeff "$(last_out)")" "00000000800425fb" "--cap-add NET_RAW sets bit 13"
expect_status 0 "--cap-drop ALL" -- pm run --rm --network none --cap-drop ALL "$IMAGE" cat /proc/self/status
expect_eq "$(capeff "$(last_out)")" "0000000000000000" "--cap-drop ALL: CapEff is empty"
expect_eq "$(sed -n 's/^CapBnd:[[:space:]]*//p' "$TEST_DIR/last.out")" "0000000000000000" "--cap-drop ALL: CapBnd is empty"

# ---- read-only rootfs, user ----
expect_status 0 "--read-only: writes to / fail" -- pm run --rm --network none --read-only "$IMAGE" sh -c 'touch /x 2>/dev/null && echo writable || echo read-only'
expect_eq "$(last_out)" "read-only" "--read-only rootfs is read-only"
expect_status 0 "--user 65534:65534" -- pm run --rm --network none --user 65534:65534 "$IMAGE" id -u
expect_eq "$(last_out)" "65534" "--user sets the uid"

finish
