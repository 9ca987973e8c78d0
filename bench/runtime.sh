#!/usr/bin/env bash
# bench/runtime.sh — `berth-runtime run` vs `crun run` vs `runc run` on one bundle.
#
# The bundle is a busybox rootfs (Debian's busybox-static) with a runc-like
# default config whose process is /bin/true (pid, net, ipc, uts and mount
# namespaces; proc, /dev tmpfs, devpts, shm, mqueue, sysfs and cgroup mounts;
# masked and read-only paths; no terminal). Runs alternate berth, crun, runc,
# berth, ... N times each, the order of the other two swapping every other
# iteration (fresh container id every run, one unmeasured warm-up per runtime
# first); each run's wall time (monotonic clock, ns) and peak RSS
# (ru_maxrss of the runtime and every process it reaped, KB) are recorded.
#
# Usage: sudo bash bench/runtime.sh
# Env:   N=20                        runs per runtime
#        BERTH_RUNTIME=path          default ./build/bin/berth-runtime
#        CRUN=crun RUNC=runc         paths of the other runtimes
#        BENCH_FIXTURE_DIR=dir       where the busybox rootfs is cached
#                                    (default ./build/bench-fixtures)
#        BENCH_KEEP=1                keep the temp dir (raw samples in samples.tsv)
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Runtimes create network namespaces: do it all in one of our own.
if [ -z "${BERTH_BENCH_NETNS:-}" ]; then
  export BERTH_BENCH_NETNS=1
  exec unshare --net -- bash "${BASH_SOURCE[0]}" "$@"
fi
ip link set lo up 2>/dev/null || true

if [ "$(id -u)" != 0 ]; then echo "runtime.sh: must run as root" >&2; exit 1; fi

N=${N:-20}
BERTH_RUNTIME=${BERTH_RUNTIME:-$REPO/build/bin/berth-runtime}
CRUN=${CRUN:-crun}
RUNC=${RUNC:-runc}
FIXTURES=${BENCH_FIXTURE_DIR:-$REPO/build/bench-fixtures}

# crun 1.8 and podman refuse the hybrid layout unless the leftover v1
# controllers are mounted too (idempotent).
if [ "$(stat -fc %T /sys/fs/cgroup)" != cgroup2fs ]; then
  for c in hugetlb net_cls,net_prio perf_event; do
    mkdir -p "/sys/fs/cgroup/$c"
    mountpoint -q "/sys/fs/cgroup/$c" || mount -t cgroup -o "$c" cgroup "/sys/fs/cgroup/$c" || true
  done
fi

TMP=$(mktemp -d /tmp/berth-bench-runtime.XXXXXX)
declare -A RT_PATH=()
cleanup() {
  local status=$?
  set +e
  local name
  for name in "${!RT_PATH[@]}"; do
    local root="$TMP/state-$name"
    [ -d "$root" ] || continue
    for dir in "$root"/*/; do
      [ -d "$dir" ] || continue
      "${RT_PATH[$name]}" --root "$root" delete --force "$(basename "$dir")" >/dev/null 2>&1 || true
    done
  done
  grep -F " $TMP" /proc/self/mountinfo 2>/dev/null | awk '{print $5}' | sort -r |
    while read -r m; do umount -l "$m" 2>/dev/null || true; done || true
  if [ -n "${BENCH_KEEP:-}" ]; then echo "kept $TMP" >&2; else rm -rf "$TMP"; fi
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- timing wrapper: monotonic wall ns + peak RSS of the whole process tree ----
# benchtime OUT CMD...: runs CMD, writes "wall_ns maxrss_kb status" to OUT.
TIMER="$TMP/benchtime"
if command -v cc >/dev/null 2>&1; then
  cat >"$TMP/benchtime.c" <<'C'
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>
int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: benchtime OUT CMD...\n"); return 2; }
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  pid_t pid = fork();
  if (pid < 0) { perror("fork"); return 2; }
  if (pid == 0) { execvp(argv[2], argv + 2); perror(argv[2]); _exit(127); }
  int st; struct rusage ru;
  if (wait4(pid, &st, 0, &ru) < 0) { perror("wait4"); return 2; }
  clock_gettime(CLOCK_MONOTONIC, &b);
  long long ns = (long long)(b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
  int code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  FILE *f = fopen(argv[1], "w");
  if (!f) { perror(argv[1]); return 2; }
  fprintf(f, "%lld %ld %d\n", ns, ru.ru_maxrss, code);
  fclose(f);
  return code;
}
C
  cc -O2 -o "$TIMER" "$TMP/benchtime.c"
else
  # Fallback: date's clock is CLOCK_REALTIME, /usr/bin/time gives peak RSS.
  cat >"$TIMER" <<'SH'
#!/usr/bin/env bash
out=$1; shift
a=$(date +%s%N)
status=0
/usr/bin/time -f "%M" -o "$out.rss" "$@" || status=$?
b=$(date +%s%N)
echo "$((b - a)) $(tail -n1 "$out.rss") $status" >"$out"
exit $status
SH
  chmod +x "$TIMER"
fi

# ---- bundle ----
busybox_rootfs() {
  local fixture="$FIXTURES/busybox-rootfs"
  if [ ! -x "$fixture/bin/busybox" ]; then
    local bb
    bb=$(command -v busybox || true)
    [ -n "$bb" ] || { echo "runtime.sh: busybox-static is not installed (apt-get install busybox-static)" >&2; exit 1; }
    local building="$fixture.$$"
    mkdir -p "$building"/{bin,etc,proc,sys,dev,tmp,root}
    cp "$bb" "$building/bin/busybox"
    # (--list includes "busybox" itself: linking that would replace the binary.)
    for applet in $("$building/bin/busybox" --list); do
      [ "$applet" == busybox ] || ln -sf busybox "$building/bin/$applet"
    done
    echo "root:x:0:0:root:/root:/bin/sh" >"$building/etc/passwd"
    echo "nobody:x:65534:65534:nobody:/:/bin/sh" >>"$building/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' >"$building/etc/group"
    chmod 1777 "$building/tmp"
    mkdir -p "$FIXTURES"
    mv -T "$building" "$fixture" 2>/dev/null || rm -rf "$building"
  fi
  echo "$fixture"
}

BUNDLE="$TMP/bundle"
mkdir -p "$BUNDLE"
cp -a "$(busybox_rootfs)" "$BUNDLE/rootfs"
# The same runc-like default config the integration suites use, running /bin/true.
jq '.process.args = ["/bin/true"] | .hostname = "bench"' "$REPO/tests/integration/bundle_config.json" \
  >"$BUNDLE/config.json"

# ---- runtimes ----
ORDER=()
declare -A FAILED=()
add_runtime() { # add_runtime NAME PATH
  local name=$1 path=$2 resolved
  if resolved=$(command -v "$path" 2>/dev/null) && [ -x "$resolved" ]; then
    RT_PATH[$name]=$resolved
    mkdir -p "$TMP/state-$name"
  else
    FAILED[$name]="not found: $path"
  fi
  ORDER+=("$name")
}
add_runtime berth "$BERTH_RUNTIME"
add_runtime crun "$CRUN"
add_runtime runc "$RUNC"

SAMPLES="$TMP/samples.tsv" # runtime iter wall_ns rss_kb
: >"$SAMPLES"

# run_one NAME ID: one measured `run`; sets R_WALL (ns) and R_RSS (KB), or
# records the failure in FAILED[NAME] and returns 1.
run_one() {
  local name=$1 id=$2 root="$TMP/state-$1" status=0
  (cd "$BUNDLE" && "$TIMER" "$TMP/t.out" "${RT_PATH[$name]}" --root "$root" run --bundle "$BUNDLE" "$id" \
    </dev/null >"$TMP/run.out" 2>"$TMP/run.err") || status=$?
  # `run` deletes the container when it exits; make sure nothing is left.
  "${RT_PATH[$name]}" --root "$root" delete --force "$id" >/dev/null 2>&1 || true
  if [ "$status" != 0 ]; then
    FAILED[$name]="'$name run' exited $status; stdout: $(head -c 2000 "$TMP/run.out"); stderr: $(head -c 4000 "$TMP/run.err")"
    return 1
  fi
  read -r R_WALL R_RSS _ <"$TMP/t.out"
}

echo "bench/runtime.sh: N=$N, kernel $(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ)"
if awk -v n="$(nproc)" '{exit !($1 > n / 2)}' /proc/loadavg; then
  echo "  warning: the machine is busy (1-min load above half the CPUs); figures will be noisy" >&2
fi
for name in "${ORDER[@]}"; do
  if [ -n "${RT_PATH[$name]:-}" ]; then
    echo "  $name: ${RT_PATH[$name]} ($("${RT_PATH[$name]}" --version 2>/dev/null | head -n1 || true))"
    # Unmeasured warm-up (page cache, first cgroup creation).
    run_one "$name" "warm-$name-$$" || true
  fi
done

# Runs alternate between runtimes. Whatever one run leaves for the kernel to
# finish asynchronously (netns teardown, cgroup removal, a Go runtime's exit)
# lands on the next run, so odd iterations go berth crun runc and even ones
# go berth runc crun: over each pair of iterations every runtime follows every
# other exactly once. BENCH_BALANCE=0 keeps the fixed order; BENCH_PAUSE=SECS
# sleeps (unmeasured) before each run instead (slower: CPUs go idle).
for ((i = 1; i <= N; i++)); do
  k=${#ORDER[@]}
  for ((j = 0; j < k; j++)); do
    if [ "${BENCH_BALANCE:-1}" != 0 ] && ((i % 2 == 0 && j > 0)); then
      name=${ORDER[$((k - j))]} # berth, then the others reversed
    else
      name=${ORDER[$j]}
    fi
    [ -n "${RT_PATH[$name]:-}" ] && [ -z "${FAILED[$name]:-}" ] || continue
    [ "${BENCH_PAUSE:-0}" == 0 ] || sleep "$BENCH_PAUSE"
    if run_one "$name" "bench-$name-$$-$i"; then
      echo "$name $i $R_WALL $R_RSS" >>"$SAMPLES"
    fi
  done
done

median() { sort -n | awk '{v[NR] = $1} END {if (NR == 0) {print "nan"; exit} if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

echo
printf '%-6s %5s %12s %12s %12s %14s\n' runtime runs "median ms" "min ms" "max ms" "median RSS KB"
declare -A MED=()
for name in "${ORDER[@]}"; do
  if ! awk -v n="$name" '$1 == n {f = 1} END {exit !f}' "$SAMPLES"; then
    printf '%-6s %5s %s\n' "$name" 0 "FAILED: ${FAILED[$name]:-no samples}"
    continue
  fi
  runs=$(awk -v n="$name" '$1 == n' "$SAMPLES" | wc -l)
  ms=$(awk -v n="$name" '$1 == n {print $3 / 1e6}' "$SAMPLES" | median)
  mn=$(awk -v n="$name" '$1 == n {print $3 / 1e6}' "$SAMPLES" | sort -n | head -n1)
  mx=$(awk -v n="$name" '$1 == n {print $3 / 1e6}' "$SAMPLES" | sort -n | tail -n1)
  rss=$(awk -v n="$name" '$1 == n {print $4}' "$SAMPLES" | median)
  MED[$name]=$ms
  printf '%-6s %5s %12.2f %12.2f %12.2f %14.0f\n' "$name" "$runs" "$ms" "$mn" "$mx" "$rss"
  [ -z "${FAILED[$name]:-}" ] || echo "       (some runs failed: ${FAILED[$name]})"
done

# Paired ratios: median over iterations of berth[i]/other[i].
ratio() { # ratio OTHER COLUMN(3 = wall, 4 = rss)
  awk -v o="$1" -v c="$2" '$1 == "berth" {b[$2] = $c} $1 == o {x[$2] = $c}
    END {for (i in b) if ((i in x) && x[i] > 0) print b[i] / x[i]}' "$SAMPLES" | median
}
echo
for other in crun runc; do
  if [ -n "${MED[berth]:-}" ] && [ -n "${MED[$other]:-}" ]; then
    printf 'berth/%s: wall %.2fx, peak RSS %.2fx (median of paired per-iteration ratios)\n' \
      "$other" "$(ratio "$other" 3)" "$(ratio "$other" 4)"
  fi
done
if [ -z "${MED[berth]:-}" ]; then
  echo "berth FAILED: ${FAILED[berth]:-no samples}"
  exit 1
fi
