#!/usr/bin/env bash
# bench/run.sh — `berth run --rm busybox true` against
# `podman run --rm --network none busybox true` and
# `docker run --rm --network none busybox true`, end to end, as a user types it.
#
# Each engine gets a private store holding one image, busybox:latest, imported
# from the same busybox-static rootfs tarball (build/fixtures/busybox-rootfs.tar,
# made here if missing) with CMD ["sh"]:
#   berth   --root/--runroot under the temp dir (berth's default network mode
#           is none, so its command line carries no --network flag);
#   podman  --root/--runroot and private storage.conf/containers.conf (overlay
#           driver, cgroupfs manager, events to a file; default_ulimits
#           with nofile at this machine's hard limit and nproc 32768:
#           podman's nofile default of 1048576 exceeds the hard limit, and
#           crun may not raise one);
#   docker  a dockerd started here (--iptables=false --ip6tables=false
#           --bridge=none, private data root, exec root and socket), in a mount
#           namespace of its own with a tmpfs on /run so that neither it, its
#           managed containerd nor the shims touch the host's /run/containerd;
#           driven by Debian's docker client (/usr/bin/docker).
# One unmeasured warm-up per engine, then N rounds; every round runs each
# engine once, the order rotating by one each round (each engine follows each
# other equally often: a run pays for whatever the one before left to the
# kernel). Wall time per run is measured with CLOCK_MONOTONIC by a tiny C
# wrapper compiled on the fly (date +%s%N without a compiler). It prints the
# median/min/max per engine and berth/podman, berth/docker as the median of the
# per-round ratios. Everything runs inside a network namespace of its own
# (unshare --net; only loopback is up). If an engine fails, the others are
# still measured and its error is printed.
#
# Usage: sudo bash bench/run.sh
# Env:   N=20                  measured rounds
#        BERTH=path            default ./build/bin/berth (finds berth-shim beside
#                              itself, or $BERTH_SHIM)
#        PODMAN=podman DOCKERD=dockerd DOCKER=/usr/bin/docker
#        BENCH_FIXTURE_DIR=dir where busybox-rootfs.tar is cached (default ./build/fixtures)
#        BENCH_KEEP=1          keep the temp dir (raw samples in samples.tsv)
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Engines create network namespaces: do it all in one of our own.
if [ -z "${BERTH_BENCH_NETNS:-}" ]; then
  export BERTH_BENCH_NETNS=1
  exec unshare --net -- bash "${BASH_SOURCE[0]}" "$@"
fi
ip link set lo up

if [ "$(id -u)" != 0 ]; then echo "run.sh: must run as root" >&2; exit 1; fi

N=${N:-20}
BERTH=${BERTH:-$REPO/build/bin/berth}
PODMAN=${PODMAN:-podman}
DOCKERD=${DOCKERD:-dockerd}
DOCKER=${DOCKER:-/usr/bin/docker}
[ -x "$DOCKER" ] || DOCKER=$(command -v docker || echo docker)
FIXTURES=${BENCH_FIXTURE_DIR:-$REPO/build/fixtures}

BENCH_NAME=run
source "$REPO/bench/engines_lib.sh"

run_cmd() { # run_cmd TOOL: the measured command line
  case $1 in
    berth) echo "$BERTH --root $TMP/berth/root --runroot $RUNSTATE/berth run --rm $IMAGE true" ;;
    podman) echo "podman_ run --rm --network none $IMAGE true" ;;
    docker) echo "docker_ run --rm --network none $IMAGE true" ;;
  esac
}
# run_one TOOL: one measured run; sets R_NS, or records the failure and returns 1.
run_one() {
  local tool=$1 status=0
  case $tool in
    berth) "$TIMER" "$TMP/t.out" "$BERTH" --root "$TMP/berth/root" --runroot "$RUNSTATE/berth" \
      run --rm "$IMAGE" true ;;
    podman) CONTAINERS_STORAGE_CONF="$TMP/podman/storage.conf" CONTAINERS_CONF="$TMP/podman/containers.conf" \
      "$TIMER" "$TMP/t.out" "$PODMAN" --root "$TMP/podman/root" --runroot "$RUNSTATE/podman" \
      run --rm --network none "$IMAGE" true ;;
    docker) "$TIMER" "$TMP/t.out" "$DOCKER" -H "unix://$DOCKER_SOCK" run --rm --network none "$IMAGE" true ;;
  esac </dev/null >"$TMP/run.out" 2>"$TMP/run.err" || status=$?
  if [ "$status" != 0 ]; then
    FAILED[$tool]="'$(run_cmd "$tool")' exited $status: $(head -c 2000 "$TMP/run.out") $(head -c 4000 "$TMP/run.err")"
    return 1
  fi
  read -r R_NS _ <"$TMP/t.out"
}

load_warning() {
  if awk -v n="$(nproc)" '{exit !($1 > n / 2)}' /proc/loadavg; then
    echo "  warning: the machine is busy (1-min load $(cut -d' ' -f1 /proc/loadavg) on $(nproc) CPUs); figures will be noisy" >&2
  fi
}

echo "bench/run.sh: N=$N, kernel $(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ)"
load_warning
echo "  berth:  $BERTH"
echo "  podman: $(podman_ version -f '{{.Client.Version}}' 2>/dev/null || echo -), runtime $(podman_ info -f '{{.Host.OCIRuntime.Name}}' 2>/dev/null || echo -)"
echo "  docker: client $("$DOCKER" --version 2>/dev/null | head -n1), server $(docker_ version -f '{{.Server.Version}}' 2>/dev/null || echo -)"

# Warm-up (page cache, first cgroups, podman's first-run set-up), unmeasured.
for tool in "${TOOLS[@]}"; do run_one "$tool" || true; done

SAMPLES="$TMP/samples.tsv" # round tool ns
: >"$SAMPLES"
for ((round = 1; round <= N; round++)); do
  live=()
  for tool in "${TOOLS[@]}"; do [ -n "${FAILED[$tool]:-}" ] || live+=("$tool"); done
  ((${#live[@]})) || break
  k=$((round % ${#live[@]}))
  line="round $round:"
  for tool in "${live[@]:k}" "${live[@]:0:k}"; do
    if run_one "$tool"; then
      echo "$round $tool $R_NS" >>"$SAMPLES"
      line+=" $tool=$(awk -v n="$R_NS" 'BEGIN {printf "%.1f", n / 1e6}')ms"
    else
      line+=" $tool=FAILED"
    fi
  done
  echo "$line"
done

median() { sort -n | awk '{v[NR] = $1} END {if (NR == 0) {print "nan"; exit} if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
load_warning
echo
printf '%-7s %5s %10s %10s %10s\n' engine runs "median ms" "min ms" "max ms"
declare -A MED=()
for tool in berth podman docker; do
  runs=$(awk -v t="$tool" '$2 == t' "$SAMPLES" | wc -l)
  if [ "$runs" == 0 ]; then
    printf '%-7s %5s FAILED: %s\n' "$tool" 0 "${FAILED[$tool]:-no samples}"
    continue
  fi
  MED[$tool]=$(awk -v t="$tool" '$2 == t {print $3 / 1e6}' "$SAMPLES" | median)
  printf '%-7s %5s %10.1f %10.1f %10.1f\n' "$tool" "$runs" "${MED[$tool]}" \
    "$(awk -v t="$tool" '$2 == t {print $3 / 1e6}' "$SAMPLES" | sort -n | head -n1)" \
    "$(awk -v t="$tool" '$2 == t {print $3 / 1e6}' "$SAMPLES" | sort -n | tail -n1)"
  [ -z "${FAILED[$tool]:-}" ] || echo "        (then failed: ${FAILED[$tool]})"
done
echo
for other in podman docker; do
  [ -n "${MED[berth]:-}" ] && [ -n "${MED[$other]:-}" ] || continue
  r=$(awk -v o="$other" '$2 == "berth" {b[$1] = $3} $2 == o {x[$1] = $3}
        END {for (i in b) if ((i in x) && x[i] > 0) print b[i] / x[i]}' "$SAMPLES" | median)
  printf 'berth/%-6s %.3fx (median of per-round ratios; ratio of medians %.3fx)\n' "$other" "$r" \
    "$(awk -v b="${MED[berth]}" -v o="${MED[$other]}" 'BEGIN {print b / o}')"
done
[ -n "${MED[berth]:-}" ] || exit 1
