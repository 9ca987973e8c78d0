#!/bin/bash
# Per-shim memory with many shims running: starts N berth-shim processes
# (default 100), each launched the way the engine does it (the shim execs in
# place of the process that forked the container, here a `sleep`, with its
# stdout pipe at fd 5 and stderr at fd 6), then reads Rss and Pss from
# /proc/PID/smaps_rollup of every shim and prints min/avg/max.
#   bench/shim_memory.sh [BUILD_BIN_DIR] [N]
set -euo pipefail
BIN_DIR=${1:-$(cd "$(dirname "$0")/.." && pwd)/build/bin}
COUNT=${2:-100}
SHIM="$BIN_DIR/berth-shim"
[ -x "$SHIM" ] || { echo "no $SHIM" >&2; exit 1; }
WORK=$(mktemp -d /tmp/berth-shim-memory.XXXXXX)
PIDS=()
cleanup() {
  local pid conf
  # The containers (their pids are in each shim.conf), then the shims.
  for conf in "$WORK"/c*/shim.conf; do
    [ -f "$conf" ] || continue
    pid=$(sed -n 's/^pid=//p' "$conf")
    [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

for i in $(seq 1 "$COUNT"); do
  dir="$WORK/c$i"
  mkdir -p "$dir"
  (
    # The process substitution's sleep is this subshell's child: after the
    # exec below it is the shim's child, as a container init would be.
    exec 5< <(exec sleep 600)
    pid=$!
    exec 6</dev/null
    printf 'id=c%s\npid=%s\nlog_driver=json-file\nlog_path=%s/ctr.log\n' "$i" "$pid" "$dir" >"$dir/shim.conf"
    exec "$SHIM" "$dir" 3>"$dir/ready"
  ) </dev/null >/dev/null 2>&1 &
  PIDS+=($!)
done
for i in $(seq 1 "$COUNT"); do
  for _ in $(seq 1 100); do [ -s "$WORK/c$i/ready" ] && break; sleep 0.05; done
  [ "$(cat "$WORK/c$i/ready")" = ok ] || { echo "shim $i not ready: $(cat "$WORK/c$i/ready")" >&2; exit 1; }
done
sleep 0.5
for pid in "${PIDS[@]}"; do
  awk '/^Rss:/ {rss=$2} /^Pss:/ {pss=$2} /^Pss_Anon:/ {anon=$2} END {print rss, pss, anon}' "/proc/$pid/smaps_rollup"
done | awk -v n="$COUNT" '
  { rss+=$1; pss+=$2; anon+=$3; if (NR==1 || $1>maxr) maxr=$1; if (NR==1 || $2>maxp) maxp=$2; if (NR==1 || $1<minr) minr=$1 }
  END { printf "%d shims: RSS avg %.0f KiB (min %d, max %d), PSS avg %.0f KiB (max %d), anonymous avg %.0f KiB\n",
        NR, rss/NR, minr, maxr, pss/NR, maxp, anon/NR }'
