# bench/engines_lib.sh — what bench/run.sh and bench/density.sh share: source
# it after setting BENCH_NAME (for messages and the temp dir), REPO, BERTH,
# PODMAN, DOCKERD, DOCKER and FIXTURES. It mounts the leftover v1 cgroup
# hierarchies, makes $TMP with a cleanup trap (containers of every engine,
# dockerd by its pid, mounts under $TMP), defines berth_/podman_/docker_ for
# the private stores, builds the timer ($TIMER), imports busybox:latest
# ($IMAGE, from $TARBALL) into each engine and starts a private dockerd.
# Engines that work are in TOOLS; the others' errors are in FAILED[tool].
# crun 1.8 and podman refuse the hybrid cgroup layout unless the leftover v1
# controllers are mounted too (idempotent).
if [ "$(stat -fc %T /sys/fs/cgroup)" != cgroup2fs ]; then
  # hugetlb cannot move to a v1 hierarchy while a cgroup2 subtree_control
  # enables it (something on the host may have): release it, deepest first.
  if [ -f /sys/fs/cgroup/unified/cgroup.subtree_control ]; then
    find /sys/fs/cgroup/unified -depth -name cgroup.subtree_control 2>/dev/null | while read -r control; do
      ! grep -qw hugetlb "$control" || echo -hugetlb >"$control" 2>/dev/null || true
    done
  fi
  for c in hugetlb net_cls,net_prio perf_event; do
    mkdir -p "/sys/fs/cgroup/$c"
    mountpoint -q "/sys/fs/cgroup/$c" || mount -t cgroup -o "$c" cgroup "/sys/fs/cgroup/$c" || true
  done
fi

TMP=$(mktemp -d /tmp/berth-bench-$BENCH_NAME.XXXXXX)
# Every engine's run state (berth's and podman's --runroot, dockerd's
# --exec-root) on one tmpfs, as under /run on a standard host. These
# machines have /run on the disk, where each engine's per-run files would
# cost it ext4 inode allocations a usual host does not pay.
RUNSTATE="$TMP/runstate"  # mounted once the cleanup trap is set
DOCKER_SOCK="$TMP/docker.sock"
DOCKERD_PID=
berth_() { "$BERTH" --root "$TMP/berth/root" --runroot "$RUNSTATE/berth" "$@"; }
podman_() {
  CONTAINERS_STORAGE_CONF="$TMP/podman/storage.conf" CONTAINERS_CONF="$TMP/podman/containers.conf" \
    "$PODMAN" --root "$TMP/podman/root" --runroot "$RUNSTATE/podman" "$@"
}
docker_() { "$DOCKER" -H "unix://$DOCKER_SOCK" "$@"; }

cleanup() {
  local status=$?
  set +e
  trap - INT TERM
  local ids
  if [ -d "$TMP/berth" ]; then
    ids=$(berth_ ps -aq 2>/dev/null)
    [ -z "$ids" ] || berth_ rm -f $ids >/dev/null 2>&1
  fi
  [ ! -f "$TMP/podman/containers.conf" ] || podman_ rm -fa -t 0 >/dev/null 2>&1
  if [ -n "$DOCKERD_PID" ]; then
    ids=$(docker_ ps -aq 2>/dev/null)
    [ -z "$ids" ] || docker_ rm -f $ids >/dev/null 2>&1
    # dockerd stops its managed containerd on the way out.
    kill "$DOCKERD_PID" 2>/dev/null
    for _ in $(seq 200); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$DOCKERD_PID" 2>/dev/null
    wait "$DOCKERD_PID" 2>/dev/null
  fi
  grep -F " $TMP" /proc/self/mountinfo 2>/dev/null | awk '{print $5}' | sort -r |
    while read -r m; do umount -l "$m" 2>/dev/null; done
  if [ -n "${BENCH_KEEP:-}" ]; then echo "kept $TMP" >&2; else rm -rf "$TMP"; fi
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$RUNSTATE"
mount -t tmpfs -o mode=755 tmpfs "$RUNSTATE"

# ---- timer: "benchtime now" prints CLOCK_MONOTONIC ns; "benchtime OUT CMD..."
# runs CMD and writes its wall ns and exit status to OUT ----
TIMER="$TMP/benchtime"
if command -v cc >/dev/null 2>&1; then
  cat >"$TMP/benchtime.c" <<'C'
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
static long long now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}
int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "now") == 0) { printf("%lld\n", now()); return 0; }
  if (argc < 3) { fprintf(stderr, "usage: benchtime now | benchtime OUT CMD...\n"); return 2; }
  long long a = now();
  pid_t pid = fork();
  if (pid < 0) { perror("fork"); return 2; }
  if (pid == 0) { execvp(argv[2], argv + 2); perror(argv[2]); _exit(127); }
  int st;
  if (waitpid(pid, &st, 0) < 0) { perror("waitpid"); return 2; }
  long long b = now();
  int code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  FILE *f = fopen(argv[1], "w");
  if (!f) { perror(argv[1]); return 2; }
  fprintf(f, "%lld %d\n", b - a, code);
  fclose(f);
  return code;
}
C
  cc -O2 -o "$TIMER" "$TMP/benchtime.c"
else
  cat >"$TIMER" <<'SH'
#!/usr/bin/env bash
if [ "$1" == now ]; then date +%s%N; exit 0; fi
out=$1; shift
a=$(date +%s%N); status=0
"$@" || status=$?
b=$(date +%s%N)
echo "$((b - a)) $status" >"$out"
exit $status
SH
  chmod +x "$TIMER"
fi

# ---- the image: a busybox-static rootfs tarball (as tests/integration makes it) ----
busybox_tarball() {
  local tarball="$FIXTURES/busybox-rootfs.tar" rootfs="$FIXTURES/busybox-rootfs"
  if [ ! -s "$tarball" ]; then
    if [ ! -x "$rootfs/bin/busybox" ]; then
      [ -x /bin/busybox ] || { echo "$BENCH_NAME.sh: busybox-static is not installed" >&2; exit 1; }
      local building="$rootfs.$$"
      mkdir -p "$building"/{bin,etc,proc,sys,dev,tmp,root}
      cp /bin/busybox "$building/bin/busybox"
      for applet in $("$building/bin/busybox" --list); do
        [ "$applet" == busybox ] || ln -s busybox "$building/bin/$applet"
      done
      echo "root:x:0:0:root:/root:/bin/sh" >"$building/etc/passwd"
      echo "nobody:x:65534:65534:nobody:/:/bin/sh" >>"$building/etc/passwd"
      printf 'root:x:0:\nnogroup:x:65534:\n' >"$building/etc/group"
      chmod 1777 "$building/tmp"
      mkdir -p "$FIXTURES"
      mv -T "$building" "$rootfs" 2>/dev/null || rm -rf "$building"
    fi
    tar -C "$rootfs" --numeric-owner -cf "$tarball.$$" . && mv "$tarball.$$" "$tarball"
  fi
  echo "$tarball"
}
TARBALL=$(busybox_tarball)
IMAGE=busybox:latest

# ---- engines ----
mkdir -p "$TMP/podman"/{root,run,tmp}
cat >"$TMP/podman/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$TMP/podman/root"
runroot = "$RUNSTATE/podman"
EOF
# podman's defaults for root are nofile 1048576 (above this machine's hard
# limit, and crun may not raise one) and nproc 32768; naming one limit in
# default_ulimits drops the other default (nproc then comes out above the
# 32768 that crun runs with, and fails the same way), so both are set.
NPROC=$(ulimit -Hu)
[ "$NPROC" != unlimited ] && [ "$NPROC" -lt 32768 ] || NPROC=32768
cat >"$TMP/podman/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=$(ulimit -Hn):$(ulimit -Hn)", "nproc=$NPROC:$NPROC"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$TMP/podman/events.log"
tmp_dir = "$TMP/podman/tmp"
EOF

declare -A FAILED=()
TOOLS=()
if berth_ import --change 'CMD ["sh"]' "$TARBALL" "$IMAGE" >"$TMP/import.out" 2>&1; then
  TOOLS+=(berth)
else
  FAILED[berth]="import: $(tail -c 2000 "$TMP/import.out")"
fi
if podman_ import -q --change 'CMD ["sh"]' "$TARBALL" "$IMAGE" >"$TMP/import.out" 2>&1; then
  TOOLS+=(podman)
else
  FAILED[podman]="import: $(tail -c 2000 "$TMP/import.out")"
fi
if command -v "$DOCKERD" >/dev/null 2>&1; then
  # A private mount namespace with an empty /run: dockerd would otherwise use
  # a host containerd at /run/containerd/containerd.sock if one ran, and the
  # shims of containerd 1.6 put their sockets in /run/containerd/s.
  unshare --mount --propagation private -- sh -c 'mount -t tmpfs -o mode=755 tmpfs /run && exec "$@"' sh \
    "$DOCKERD" --iptables=false --ip6tables=false --bridge=none --storage-driver overlay2 \
    --data-root "$TMP/docker-data" --exec-root "$RUNSTATE/docker-exec" \
    -H "unix://$DOCKER_SOCK" --pidfile "$TMP/docker.pid" >"$TMP/dockerd.log" 2>&1 &
  DOCKERD_PID=$!
  for _ in $(seq 300); do
    docker_ version >/dev/null 2>&1 && break
    kill -0 "$DOCKERD_PID" 2>/dev/null || break
    sleep 0.1
  done
  if ! docker_ version >/dev/null 2>&1; then
    FAILED[docker]="dockerd did not start: $(tail -n 5 "$TMP/dockerd.log")"
  elif docker_ import --change 'CMD ["sh"]' "$TARBALL" "$IMAGE" >"$TMP/import.out" 2>&1; then
    TOOLS+=(docker)
  else
    FAILED[docker]="import: $(tail -c 2000 "$TMP/import.out")"
  fi
else
  FAILED[docker]="$DOCKERD not found"
fi
