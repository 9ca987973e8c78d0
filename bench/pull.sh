#!/usr/bin/env bash
# bench/pull.sh — pull the Debian image (one ~50-60 MB gzip layer) from a
# registry on loopback with berth, podman and docker, side by side.
#
# Everything runs in a network namespace of the script's own: Debian's
# docker-registry on 127.0.0.1:5000 (storage in a temp dir), dockerd started
# here with --iptables=false --bridge=none and a private data root, exec root
# and socket, podman with a private store (overlay driver, its default). The
# image is pushed once (by berth, from the Debian minbase fixture). Then N
# rounds: each round removes the image from every store and times one pull
# per tool, the order rotating every round. `tar -xzf` of the same layer
# blob into an empty directory is the floor. Before each timed pull the
# script waits 31 s after the removals (see remove_all).
#
# Usage: sudo bash bench/pull.sh
# Env:   N=5  BERTH=path (default ./build/bin/berth)  BENCH_KEEP=1 keeps the temp dir
#        TOOLS="berth docker podman tar" (a subset, e.g. "berth tar")
#        VARIANTS="name=path ..." adds other berth builds as tools berth:name,
#        each with its own store (A/B of a change in the same run)
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FIXTURES=${BENCH_FIXTURE_DIR:-$REPO/build/fixtures}
# The fixture needs the network: make it before entering the namespace.
bash "$REPO/tests/fixtures/make_debian_rootfs.sh" "$FIXTURES"

if [ -z "${BERTH_BENCH_NETNS:-}" ]; then
  export BERTH_BENCH_NETNS=1
  exec unshare --net -- bash "${BASH_SOURCE[0]}" "$@"
fi
ip link set lo up

N=${N:-5}
BERTH=${BERTH:-$REPO/build/bin/berth}
TMP=$(mktemp -d /tmp/berth-bench-pull.XXXXXX)
PIDS=()
cleanup() {
  local status=$?
  set +e
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  grep -F " $TMP" /proc/self/mountinfo | awk '{print $5}' | sort -r | while read -r m; do umount -l "$m"; done
  [ -n "${BENCH_KEEP:-}" ] && echo "kept $TMP" || rm -rf "$TMP"
  exit $status
}
trap cleanup EXIT

now_ns() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# --- registry ---
mkdir -p "$TMP/registry"
cat >"$TMP/registry/config.yml" <<YAML
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $TMP/registry}, delete: {enabled: true}}
http: {addr: 127.0.0.1:5000}
YAML
docker-registry serve "$TMP/registry/config.yml" >"$TMP/registry.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do curl -fs http://127.0.0.1:5000/v2/ >/dev/null && break; sleep 0.1; done
IMAGE=127.0.0.1:5000/library/debian:bookworm
BERTH_ROOT="$TMP/berth-seed" "$BERTH" import "$FIXTURES/debian-minbase.tar.gz" "$IMAGE" >/dev/null
BERTH_ROOT="$TMP/berth-seed" "$BERTH" push -q "$IMAGE" >/dev/null
LAYER_BLOB=$(find "$TMP/registry" -path '*/blobs/sha256/*/data' -size +1M | head -1)
echo "image: $IMAGE, layer blob $(du -h "$LAYER_BLOB" | cut -f1) gzip, $(gzip -dc "$LAYER_BLOB" | wc -c | numfmt --to=si)B unpacked"

# --- dockerd ---
DOCKER_SOCK="$TMP/docker.sock"
if command -v dockerd >/dev/null && [[ -z "${TOOLS:-}" || " $TOOLS " == *" docker "* ]]; then
  dockerd --iptables=false --ip6tables=false --bridge=none --data-root "$TMP/docker-data" --exec-root "$TMP/docker-exec" \
    -H "unix://$DOCKER_SOCK" --pidfile "$TMP/docker.pid" --storage-driver overlay2 >"$TMP/dockerd.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 200); do /usr/bin/docker -H "unix://$DOCKER_SOCK" version >/dev/null 2>&1 && break; sleep 0.1; done
fi
docker_() { /usr/bin/docker -H "unix://$DOCKER_SOCK" "$@"; }
HAVE_DOCKER=0
[ ! -S "$DOCKER_SOCK" ] || ! docker_ version >/dev/null 2>&1 || HAVE_DOCKER=1
[ "$HAVE_DOCKER" == 1 ] || [ ! -f "$TMP/dockerd.log" ] || echo "dockerd did not start: $(tail -3 "$TMP/dockerd.log")" >&2

# --- podman ---
mkdir -p "$TMP/podman"/{root,tmp}
PODMAN_RR=$(mktemp -d /tmp/bpp.XXXXXX)
printf '[storage]\ndriver = "overlay"\ngraphroot = "%s"\nrunroot = "%s"\n' "$TMP/podman/root" "$PODMAN_RR" >"$TMP/podman/storage.conf"
printf '[engine]\nevents_logger = "file"\nevents_logfile_path = "%s"\ntmp_dir = "%s"\n' "$TMP/podman/events.log" "$TMP/podman/tmp" >"$TMP/podman/containers.conf"
printf '[[registry]]\nlocation = "127.0.0.1:5000"\ninsecure = true\n' >"$TMP/podman/registries.conf"
podman_() {
  CONTAINERS_STORAGE_CONF="$TMP/podman/storage.conf" CONTAINERS_CONF="$TMP/podman/containers.conf" \
    CONTAINERS_REGISTRIES_CONF="$TMP/podman/registries.conf" \
    podman --root "$TMP/podman/root" --runroot "$PODMAN_RR" "$@"
}

berth_() { BERTH_ROOT="$TMP/berth" "$BERTH" "$@"; }
declare -A VARIANT_PATH=()
for variant in ${VARIANTS:-}; do VARIANT_PATH[${variant%%=*}]=${variant#*=}; done
variant_() { local name=$1; shift; BERTH_ROOT="$TMP/berth-$name" "${VARIANT_PATH[$name]}" "$@"; }

remove_all() {
  berth_ rmi -f "$IMAGE" >/dev/null 2>&1 || true
  berth_ image prune -a -f >/dev/null 2>&1 || true
  local name
  for name in "${!VARIANT_PATH[@]}"; do
    variant_ "$name" rmi -f "$IMAGE" >/dev/null 2>&1 || true
    variant_ "$name" image prune -a -f >/dev/null 2>&1 || true
  done
  podman_ rmi -f "$IMAGE" >/dev/null 2>&1 || true
  [ "$HAVE_DOCKER" == 0 ] || docker_ rmi -f "$IMAGE" >/dev/null 2>&1 || true
  rm -rf "$TMP/tar-floor"
  sync
  # ext4 will not hand out an inode freed in the last 30 s (the dirty expire
  # time) and checks every such inode it passes: right after thousands of
  # deletes, each file creation costs ~0.5 ms of kernel CPU, for whichever
  # tool comes next. Waiting out that window measures the pulls, not the
  # previous removal. (SETTLE=0 to skip.)
  sleep "${SETTLE:-31}"
}
pull_with() {
  case $1 in
    berth) berth_ pull -q "$IMAGE" ;;
    podman) podman_ pull -q "$IMAGE" ;;
    docker) docker_ pull -q "$IMAGE" ;;
    berth:*) variant_ "${1#berth:}" pull -q "$IMAGE" ;;
    tar) mkdir -p "$TMP/tar-floor" && tar -C "$TMP/tar-floor" -xzf "$LAYER_BLOB" ;;
  esac
}

if [ -n "${TOOLS:-}" ]; then
  read -ra TOOLS <<<"$TOOLS"
else
  TOOLS=(berth podman tar)
  [ "$HAVE_DOCKER" == 0 ] || TOOLS=(berth docker podman tar)
fi
for name in "${!VARIANT_PATH[@]}"; do TOOLS+=("berth:$name"); done
[ "${TOOLS[0]}" == berth ] || { echo "TOOLS must start with berth (the ratios are berth's)" >&2; exit 2; }
[ "$HAVE_DOCKER" == 1 ] || [[ " ${TOOLS[*]} " != *" docker "* ]] || { echo "docker asked for but dockerd did not start" >&2; exit 1; }
declare -A SAMPLES=()
for tool in "${TOOLS[@]}"; do remove_all; pull_with "$tool" >/dev/null; done  # warm-up (page cache, first-run set-up)
for round in $(seq "$N"); do
  order=("${TOOLS[@]:round % ${#TOOLS[@]}}" "${TOOLS[@]:0:round % ${#TOOLS[@]}}")
  for tool in "${order[@]}"; do
    remove_all
    start=$(now_ns)
    pull_with "$tool" >/dev/null || { echo "$tool pull failed" >&2; exit 1; }
    end=$(now_ns)
    SAMPLES[$tool]+="$(( (end - start) / 1000000 )) "
  done
  echo "round $round: $(for t in "${TOOLS[@]}"; do printf '%s ' "$t=$(echo "${SAMPLES[$t]}" | awk '{print $NF}')ms"; done)"
done

echo
printf '%-8s %12s %s\n' tool "median (ms)" "samples (ms)"
declare -A MEDIAN=()
for tool in "${TOOLS[@]}"; do
  MEDIAN[$tool]=$(echo "${SAMPLES[$tool]}" | tr ' ' '\n' | grep . | median)
  printf '%-8s %12s %s\n' "$tool" "${MEDIAN[$tool]}" "${SAMPLES[$tool]}"
done
echo
for tool in "${TOOLS[@]}"; do
  [ "$tool" == berth ] && continue
  awk -v b="${MEDIAN[berth]}" -v o="${MEDIAN[$tool]}" -v t="$tool" 'BEGIN {printf "berth/%-7s %.2fx\n", t, b / o}'
done
rm -rf "$PODMAN_RR"
