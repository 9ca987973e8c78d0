#!/usr/bin/env bash
# bench/density.sh — COUNT detached `sleep` containers per engine: what each
# costs the host beyond its sleeping process, and how long it takes to start
# and to remove them all. berth against podman and docker.
#
# Engines and stores are set up as in bench/run.sh: one busybox:latest image
# imported from build/fixtures/busybox-rootfs.tar into a private store per
# engine (berth --root/--runroot; podman with a private storage.conf and
# containers.conf, cgroupfs manager, nofile limit at this machine's hard
# limit and nproc 32768; a dockerd started here with --iptables=false --ip6tables=false
# --bridge=none, private data root, exec root and socket, in a mount namespace
# of its own with a tmpfs on /run), all inside a network namespace of the
# script's own (unshare --net, only loopback up).
#
# One engine at a time (berth, podman, docker), after one unmeasured warm-up
# container started and removed:
#  - start: COUNT containers one after the other, timed as a whole (monotonic
#    clock):  berth run -d busybox sleep 3600
#             podman run -d --network none busybox sleep 3600
#             docker run -d --network none busybox sleep 3600
#  - memory: after SETTLE seconds, each container's init pid (inspect -f
#    '{{.State.Pid}}') and its parent, the per-container monitor (berth-shim,
#    conmon, containerd-shim-runc-v2); Rss and Pss summed over the distinct
#    monitors from /proc/PID/smaps_rollup and divided by COUNT. PSS splits
#    pages shared between processes (the monitors' common binary and libraries)
#    among them, so it is the fair share of each container. dockerd's and its
#    containerd's RSS growth over the phase is printed as well (not a
#    per-container monitor, but memory the containers cost).
#  - removal: one `rm -f` with all COUNT ids (docker's client and podman remove
#    several containers in parallel; podman gets `-t 0` so that it kills at
#    once as docker and berth do, instead of waiting 10 s for `sleep` to ignore
#    SIGTERM), timed as a whole; RM_EACH=1 removes one by one instead. Then it
#    checks that no container and no monitor process is left.
# If an engine fails, the others are still measured and its error is printed.
#
# Usage: sudo bash bench/density.sh
# Env:   COUNT=100             containers per engine (mind the 20000 fd limit)
#        SETTLE=2              seconds between the last start and reading memory
#        RM_EACH=1             remove the containers one `rm -f` at a time
#        BERTH=path            default ./build/bin/berth (finds berth-shim beside
#                              itself, or $BERTH_SHIM)
#        PODMAN=podman DOCKERD=dockerd DOCKER=/usr/bin/docker
#        BENCH_FIXTURE_DIR=dir where busybox-rootfs.tar is cached (default ./build/fixtures)
#        BENCH_KEEP=1          keep the temp dir
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Engines create network namespaces: do it all in one of our own.
if [ -z "${BERTH_BENCH_NETNS:-}" ]; then
  export BERTH_BENCH_NETNS=1
  exec unshare --net -- bash "${BASH_SOURCE[0]}" "$@"
fi
ip link set lo up

if [ "$(id -u)" != 0 ]; then echo "density.sh: must run as root" >&2; exit 1; fi

COUNT=${COUNT:-100}
SETTLE=${SETTLE:-2}
BERTH=${BERTH:-$REPO/build/bin/berth}
PODMAN=${PODMAN:-podman}
DOCKERD=${DOCKERD:-dockerd}
DOCKER=${DOCKER:-/usr/bin/docker}
[ -x "$DOCKER" ] || DOCKER=$(command -v docker || echo docker)
FIXTURES=${BENCH_FIXTURE_DIR:-$REPO/build/fixtures}

BENCH_NAME=density
source "$REPO/bench/engines_lib.sh"

load_warning() {
  if awk -v n="$(nproc)" '{exit !($1 > n / 2)}' /proc/loadavg; then
    echo "  warning: the machine is busy (1-min load $(cut -d' ' -f1 /proc/loadavg) on $(nproc) CPUs); figures will be noisy" >&2
  fi
}
now_ns() { "$TIMER" now; }
ms_between() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.0f", (b - a) / 1e6}'; }
rss_kib() { awk '/^Rss:/ {print $2}' "/proc/$1/smaps_rollup" 2>/dev/null || echo 0; }
# alive PID: the process exists and is not a zombie.
alive() { [ -r "/proc/$1/stat" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]; }
# The dockerd process itself (under `unshare`, DOCKERD_PID is it after exec)
# and the containerd it manages.
docker_daemons() {
  [ -n "$DOCKERD_PID" ] || return 0
  echo "$DOCKERD_PID"
  pgrep -P "$DOCKERD_PID" -x containerd || true
}
daemons_rss() { local sum=0 p; for p in $(docker_daemons); do sum=$((sum + $(rss_kib "$p"))); done; echo "$sum"; }

start_one() {
  case $1 in
    berth) berth_ run -d "$IMAGE" sleep 3600 ;;
    podman) podman_ run -d --network none "$IMAGE" sleep 3600 ;;
    docker) docker_ run -d --network none "$IMAGE" sleep 3600 ;;
  esac
}
remove() { # remove TOOL ID...
  local tool=$1
  shift
  case $tool in
    berth) berth_ rm -f "$@" ;;
    podman) podman_ rm -f -t 0 "$@" ;;
    docker) docker_ rm -f "$@" ;;
  esac
}
inspect_pids() { # inspect_pids TOOL ID...: the init pid of each
  local tool=$1
  shift
  case $tool in
    berth) berth_ inspect -f '{{.State.Pid}}' "$@" ;;
    podman) podman_ inspect -f '{{.State.Pid}}' "$@" ;;
    docker) docker_ inspect -f '{{.State.Pid}}' "$@" ;;
  esac
}
list_all() {
  case $1 in
    berth) berth_ ps -aq ;;
    podman) podman_ ps -aq ;;
    docker) docker_ ps -aq ;;
  esac
}

declare -A START_MS=() RM_MS=() RSS=() PSS=() SHIMS=() SHIM_NAME=() NOTES=()

# measure TOOL: the whole phase for one engine; returns 1 (with FAILED[TOOL]
# set) if it could not go through.
measure() {
  local tool=$1 id ids=() t0 t1 i
  echo "== $tool"
  # Warm-up: one container started and removed, unmeasured.
  if ! id=$(start_one "$tool" 2>"$TMP/err") || ! remove "$tool" "$id" >/dev/null 2>>"$TMP/err"; then
    FAILED[$tool]="warm-up container: $(head -c 3000 "$TMP/err")"
    return 1
  fi
  local daemons_before
  daemons_before=$(daemons_rss)

  t0=$(now_ns)
  for ((i = 1; i <= COUNT; i++)); do
    if ! id=$(start_one "$tool" 2>"$TMP/err"); then
      FAILED[$tool]="container $i of $COUNT did not start: $(head -c 3000 "$TMP/err")"
      [ "${#ids[@]}" == 0 ] || remove "$tool" "${ids[@]}" >/dev/null 2>&1 || true
      return 1
    fi
    ids+=("$id")
  done
  t1=$(now_ns)
  START_MS[$tool]=$(ms_between "$t0" "$t1")
  echo "  started $COUNT in ${START_MS[$tool]} ms ($(awk -v t="${START_MS[$tool]}" -v n="$COUNT" 'BEGIN {printf "%.1f", t / n}') ms each), load $(cut -d' ' -f1 /proc/loadavg)"

  sleep "$SETTLE"
  local pids ppid rss pss nshim=0 sum_rss=0 sum_pss=0 names=() bad=0
  declare -A seen=()
  pids=$(inspect_pids "$tool" "${ids[@]}" 2>"$TMP/err") || {
    FAILED[$tool]="inspect: $(head -c 3000 "$TMP/err")"
    remove "$tool" "${ids[@]}" >/dev/null 2>&1 || true
    return 1
  }
  for pid in $pids; do
    if [ "$pid" == 0 ] || ! alive "$pid"; then bad=$((bad + 1)); continue; fi
    ppid=$(awk '/^PPid:/ {print $2}' "/proc/$pid/status")
    [ -z "${seen[$ppid]:-}" ] || continue
    seen[$ppid]=1
    read -r rss pss < <(awk '/^Rss:/ {r = $2} /^Pss:/ {p = $2} END {print r + 0, p + 0}' "/proc/$ppid/smaps_rollup")
    sum_rss=$((sum_rss + rss))
    sum_pss=$((sum_pss + pss))
    nshim=$((nshim + 1))
    names+=("$(basename "$(readlink "/proc/$ppid/exe")")")
  done
  ((bad == 0)) || NOTES[$tool]+="$bad of $COUNT containers had no live init pid when inspected; "
  SHIMS[$tool]=$nshim
  SHIM_NAME[$tool]=$(printf '%s\n' "${names[@]}" | sort | uniq -c | awk '{printf "%s%s x%d", (NR > 1 ? ", " : ""), $2, $1}')
  RSS[$tool]=$(awk -v s="$sum_rss" -v n="$COUNT" 'BEGIN {printf "%.0f", s / n}')
  PSS[$tool]=$(awk -v s="$sum_pss" -v n="$COUNT" 'BEGIN {printf "%.0f", s / n}')
  echo "  monitors: ${SHIM_NAME[$tool]}; total RSS $((sum_rss / 1024)) MiB, PSS $((sum_pss / 1024)) MiB;" \
    "per container RSS ${RSS[$tool]} KiB, PSS ${PSS[$tool]} KiB"
  if [ "$tool" == docker ]; then
    local daemons_after
    daemons_after=$(daemons_rss)
    echo "  dockerd + containerd RSS: $((daemons_before / 1024)) MiB before, $((daemons_after / 1024)) MiB with $COUNT containers" \
      "($(((daemons_after - daemons_before) / COUNT)) KiB per container)"
  fi

  local status=0
  t0=$(now_ns)
  if [ -n "${RM_EACH:-}" ]; then
    for id in "${ids[@]}"; do remove "$tool" "$id" >/dev/null 2>>"$TMP/err" || status=$?; done
  else
    remove "$tool" "${ids[@]}" >/dev/null 2>"$TMP/err" || status=$?
  fi
  t1=$(now_ns)
  RM_MS[$tool]=$(ms_between "$t0" "$t1")
  [ "$status" == 0 ] || NOTES[$tool]+="rm -f exited $status: $(head -c 2000 "$TMP/err"); "
  echo "  removed $COUNT in ${RM_MS[$tool]} ms ($(awk -v t="${RM_MS[$tool]}" -v n="$COUNT" 'BEGIN {printf "%.1f", t / n}') ms each)"

  # Leftovers: containers still listed; monitors still running, cgroups
  # (any directory named after an id) and mounts (in this mount namespace)
  # still there up to 10 s later.
  local left live=0 cgroups mounts
  left=$(list_all "$tool" 2>/dev/null | wc -l)
  ((left == 0)) || NOTES[$tool]+="$left containers still listed after rm -f; "
  for _ in $(seq 100); do
    live=0
    for ppid in "${!seen[@]}"; do alive "$ppid" && live=$((live + 1)); done
    ((live == 0)) && break
    sleep 0.1
  done
  ((live == 0)) || NOTES[$tool]+="$live monitor processes still running 10 s after rm -f; "
  printf '%s\n' "${ids[@]}" >"$TMP/ids"
  cgroups=$(find /sys/fs/cgroup -maxdepth 4 -type d 2>/dev/null | grep -c -F -f "$TMP/ids" || true)
  mounts=$(grep -c -F -f "$TMP/ids" /proc/self/mountinfo || true)
  ((cgroups == 0)) || NOTES[$tool]+="$cgroups cgroup directories named after removed containers left; "
  ((mounts == 0)) || NOTES[$tool]+="$mounts mounts named after removed containers left; "
  [ -z "${NOTES[$tool]:-}" ] || echo "  note: ${NOTES[$tool]}"
}

echo "bench/density.sh: COUNT=$COUNT, kernel $(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ)"
load_warning
echo "  berth:  $BERTH"
echo "  podman: $(podman_ version -f '{{.Client.Version}}' 2>/dev/null || echo -), runtime $(podman_ info -f '{{.Host.OCIRuntime.Name}}' 2>/dev/null || echo -)"
echo "  docker: client $("$DOCKER" --version 2>/dev/null | head -n1), server $(docker_ version -f '{{.Server.Version}}' 2>/dev/null || echo -)"
echo "  removal: $([ -n "${RM_EACH:-}" ] && echo "one rm -f per container" || echo "one rm -f with all ids"); starts: sequential"

for tool in "${TOOLS[@]}"; do
  measure "$tool" || echo "  FAILED: ${FAILED[$tool]}" >&2
done

echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
load_warning
echo
printf '%-7s %-28s %12s %12s %10s %10s\n' engine "monitor (processes)" "RSS/ctr KiB" "PSS/ctr KiB" "start ms" "rm ms"
for tool in berth podman docker; do
  if [ -z "${START_MS[$tool]:-}" ] || [ -z "${RSS[$tool]:-}" ]; then
    printf '%-7s FAILED (below)\n' "$tool"
    continue
  fi
  printf '%-7s %-28s %12s %12s %10s %10s\n' "$tool" "$(echo "${SHIM_NAME[$tool]}" | cut -c1-28)" \
    "${RSS[$tool]}" "${PSS[$tool]}" "${START_MS[$tool]}" "${RM_MS[$tool]}"
done
echo
if [ -n "${RSS[berth]:-}" ]; then
  for other in podman docker; do
    [ -n "${RSS[$other]:-}" ] || continue
    awk -v br="${RSS[berth]}" -v bp="${PSS[berth]}" -v bs="${START_MS[berth]}" -v bm="${RM_MS[berth]}" \
      -v orr="${RSS[$other]}" -v op="${PSS[$other]}" -v os="${START_MS[$other]}" -v om="${RM_MS[$other]}" -v o="$other" \
      'BEGIN {printf "berth/%-6s RSS %.2fx, PSS %.2fx, start %.2fx, rm %.2fx\n", o, br / orr, bp / op, bs / os, bm / om}'
  done
  verdict() { if awk -v a="$1" -v b="$2" 'BEGIN {exit !(a <= b)}'; then echo met; else echo MISSED; fi; }
  echo "target RSS <= 1024 KiB per container: ${RSS[berth]} KiB, $(verdict "${RSS[berth]}" 1024)"
  echo "target PSS <= 200 KiB per container: ${PSS[berth]} KiB, $(verdict "${PSS[berth]}" 200)"
  if [ -n "${START_MS[podman]:-}" ]; then
    echo "target start <= podman/3 = $((START_MS[podman] / 3)) ms: ${START_MS[berth]} ms, $(verdict "${START_MS[berth]}" $((START_MS[podman] / 3)))"
  fi
fi
for tool in berth podman docker; do
  [ -z "${FAILED[$tool]:-}" ] || echo "$tool FAILED: ${FAILED[$tool]}"
done
[ -n "${RSS[berth]:-}" ] || exit 1
