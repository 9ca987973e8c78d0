#!/usr/bin/env bash
# docker stats and docker update without a daemon: stats reads each
# container's cgroup (CPU share, memory against its limit, pids, block and
# network I/O) in docker's columns and formats; update changes limits in the
# running container's cgroup and the restart policy its shim applies.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/image_lib.sh"

CLEANUP_HOOKS+=(remove_all_containers)

# The host path of a cgroup file of a running container, for its controller.
cgroup_file() { # cgroup_file CONTAINER CONTROLLER FILE
  local pid mount path
  pid=$(b inspect -f '{{.State.Pid}}' "$1")
  mount=$(awk -v c="$2" '$3 == "cgroup" { n = split($4, o, ","); for (i = 1; i <= n; i++) if (o[i] == c) print $2 }' /proc/mounts | head -1)
  if [ -n "$mount" ]; then
    path=$(awk -F: -v c="$2" '{ n = split($2, o, ","); for (i = 1; i <= n; i++) if (o[i] == c) print $3 }' "/proc/$pid/cgroup")
  else
    mount=$(awk '$3 == "cgroup2" { print $2 }' /proc/mounts | head -1)
    path=$(awk -F: '$1 == "0" { print $3 }' "/proc/$pid/cgroup")
  fi
  echo "$mount$path/$3"
}

expect_status 0 "import the busybox image" -- b import --change 'CMD ["sh"]' "$(busybox_tarball)" busybox:latest
expect_status 0 "a busy container" -- b run -d --name hog busybox sh -c 'while :; do :; done'
expect_status 0 "an idle one with a memory limit" -- b run -d --name idle --memory 64m busybox sleep 1000
expect_status 0 "a stopped one" -- b run --name done busybox true

# ---- stats ----
expect_status 0 "stats --no-stream" -- b stats --no-stream
table=$(last_out)
expect_contains "$(echo "$table" | head -1)" "CONTAINER ID   NAME      CPU %     MEM USAGE / LIMIT   MEM %     NET I/O   BLOCK I/O   PIDS" \
  "docker's header"
expect_contains "$table" "hog" "the running containers"
expect_not_contains "$table" "done" "but not the stopped one"
hog_cpu=$(b stats --no-stream --format '{{.CPUPerc}}' hog | tr -d '%')
expect_eq "$(awk -v v="$hog_cpu" 'BEGIN { print (v > 1.0) ? "busy" : "idle " v }')" "busy" "a busy loop shows CPU use"
expect_eq "$(b stats --no-stream --format '{{.Name}} {{.PIDs}}' idle)" "idle 1" "--format with names and pids"
expect_contains "$(b stats --no-stream --format '{{.MemUsage}}' idle)" " / 64MiB" "the memory limit in binary units"
expect_contains "$(b stats --no-stream --format '{{.NetIO}} {{.BlockIO}}' idle)" "B / " "network and block I/O pairs"
json=$(b stats --no-stream --format json idle)
expect_eq "$(echo "$json" | jq -r '.Name + " " + .PIDs')" "idle 1" "--format json has docker's keys"
expect_eq "$(b stats --no-stream --format '{{.ID}}' idle | wc -c)" "13" "ids are truncated"
expect_eq "$(b stats --no-stream --no-trunc --format '{{.ID}}' idle | wc -c)" "65" "unless --no-trunc"
expect_contains "$(b stats --no-stream -a --format '{{.Name}} {{.CPUPerc}} {{.MemUsage}}')" "done 0.00% 0B / 0B" \
  "-a shows stopped containers with zeros"
lines=$(timeout 3 "$BERTH" stats --format '{{.Name}}' idle | wc -l || true)
expect_eq "$([ "$lines" -ge 2 ] && echo streamed || echo "only $lines")" "streamed" "without --no-stream it goes on"
expect_status 1 "stats of no such container" -- b stats --no-stream nosuch
expect_contains "$(last_err)" "No such container: nosuch" "names it"
expect_status 1 "a broken --format" -- b stats --no-stream --format '{{.Name'
b stop -t 0 hog >/dev/null

# ---- update ----
expect_status 0 "update a running container's memory and pids" -- \
  b update --memory 32m --memory-swap 64m --pids-limit 20 idle
expect_eq "$(last_out)" "idle" "prints the container"
expect_eq "$(b inspect -f '{{.HostConfig.Memory}} {{.HostConfig.PidsLimit}}' idle)" "33554432 20" "saved with it"
expect_contains "$(b stats --no-stream --format '{{.MemUsage}}' idle)" " / 32MiB" "the cgroup has the new memory limit"
expect_eq "$(cat "$(cgroup_file idle pids pids.max)")" "20" "and the new pids limit"
expect_status 0 "lift the pids limit" -- b update --pids-limit -1 idle
expect_eq "$(cat "$(cgroup_file idle pids pids.max)")" "max" "pids.max is max again"
expect_status 0 "cpu shares and cpus" -- b update --cpu-shares 512 --cpus 0.5 idle
expect_eq "$(b inspect -f '{{.HostConfig.CpuShares}} {{.HostConfig.NanoCpus}}' idle)" "512 500000000" "saved"

expect_status 0 "a container that fails after a moment" -- b run -d --name flaky busybox sh -c 'sleep 1; exit 3'
expect_status 0 "gets a restart policy while it runs" -- b update --restart on-failure:2 flaky
for _ in $(seq 1 100); do
  [ "$(b inspect -f '{{.RestartCount}} {{.State.Status}}' flaky)" = "2 exited" ] && break
  sleep 0.1
done
expect_eq "$(b inspect -f '{{.RestartCount}} {{.State.Status}} {{.HostConfig.RestartPolicy.Name}}' flaky)" \
  "2 exited on-failure" "the shim applies the new policy"

expect_status 0 "update a stopped container" -- b update --memory 48m done
expect_status 0 "start it" -- b start done
expect_eq "$(b inspect -f '{{.HostConfig.Memory}}' done)" "50331648" "the new limit is kept"

expect_status 1 "update without flags" -- b update idle
expect_contains "$(last_err)" "you must provide one or more flags when using this command" "docker's words"
expect_status 125 "a malformed memory value" -- b update --memory lots idle
expect_contains "$(last_err)" 'invalid argument "lots" for "-m, --memory" flag' "names the flag"
expect_status 1 "a memory limit under 6MB" -- b update --memory 1m idle
expect_contains "$(last_err)" "Minimum memory limit allowed is 6MB" "docker's words"
expect_status 1 "memory above the swap already set" -- b update --memory 128m idle
expect_contains "$(last_err)" "update the memoryswap at the same time" "docker's words"
expect_eq "$(b inspect -f '{{.HostConfig.Memory}}' idle)" "33554432" "a refused update changes nothing"
expect_status 1 "an unknown restart policy" -- b update --restart sometimes idle
expect_contains "$(last_err)" "unknown policy 'sometimes'" "names it"
expect_status 0 "an --rm container" -- b create --rm --name auto busybox true
expect_status 1 "cannot get a restart policy" -- b update --restart always auto
expect_contains "$(last_err)" "AutoRemove is enabled" "saying why"
expect_status 1 "update of no such container" -- b update --memory 32m nosuch
expect_contains "$(last_err)" "No such container: nosuch" "names it"

finish
