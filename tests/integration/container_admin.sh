#!/usr/bin/env bash
# pause/unpause (the cgroup freezer really stops the processes), rename,
# top, port and container prune, with docker's output and exit statuses.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/image_lib.sh"

CLEANUP_HOOKS+=(remove_all_containers)

expect_status 0 "import the busybox image" -- b import --change 'CMD ["sh"]' "$(busybox_tarball)" busybox:latest
# A counter that advances every 50 ms while the container runs.
expect_status 0 "run a ticking container" -- \
  b run -d --name ticker busybox sh -c 'i=0; while true; do i=$((i+1)); echo $i >/tick.new; mv /tick.new /tick; sleep 0.05; done'

# ---- pause / unpause ----
expect_status 0 "pause" -- b pause ticker
expect_eq "$(last_out)" "ticker" "pause prints the name"
expect_eq "$(b inspect -f '{{.State.Status}} {{.State.Paused}} {{.State.Running}}' ticker)" "paused true true" \
  "inspect shows it paused (and running, as docker)"
expect_contains "$(b ps --format '{{.Status}}' --filter name=ticker)" "(Paused)" "ps says Paused"
init_pid=$(b inspect -f '{{.State.Pid}}' ticker)
for _ in $(seq 50); do [ -s "/proc/$init_pid/root/tick" ] && break; sleep 0.1; done
first=$(cat "/proc/$init_pid/root/tick")
sleep 0.3
expect_eq "$(cat "/proc/$init_pid/root/tick")" "$first" "a paused container does not run"
expect_status 1 "pause twice" -- b pause ticker
expect_contains "$(last_err)" "is already paused" "docker's words"
expect_status 1 "exec in a paused container" -- b exec ticker true
expect_contains "$(last_err)" "is paused, unpause the container before exec" "docker's words"
expect_status 1 "start of a paused container" -- b start ticker
expect_contains "$(last_err)" "cannot start a paused container, try unpause instead" "docker's words"
expect_status 0 "unpause" -- b unpause ticker
expect_eq "$(last_out)" "ticker" "unpause prints the name"
resumed=no
for _ in $(seq 50); do
  [ "$(cat "/proc/$init_pid/root/tick")" -gt "$first" ] && resumed=yes && break
  sleep 0.1
done
expect_eq "$resumed" "yes" "it runs again"
expect_status 1 "unpause of a running container" -- b unpause ticker
expect_contains "$(last_err)" "is not paused" "docker's words"

# ---- top ----
expect_status 0 "top" -- b top ticker
expect_contains "$(last_out | head -1)" "PID" "ps's header"
expect_contains "$(last_out)" "while true" "the container's init"
expect_eq "$(last_out | grep -c 'bash\|berth-shim' || true)" "0" "and nothing of the host"
expect_status 0 "top with ps options" -- b top ticker -o pid,comm
expect_eq "$(last_out | head -1 | tr -s ' ' | sed 's/^ //')" "PID COMMAND" "the options go to ps"
expect_eq "$(last_out | sed -n 2p | awk '{print $1}')" "$init_pid" "the init's pid first"

# ---- rename ----
expect_status 0 "rename" -- b rename ticker clock
expect_eq "$(b inspect -f '{{.Name}}' clock)" "/clock" "the new name"
expect_status 1 "the old name is gone" -- b inspect ticker
b create --name other busybox true >/dev/null
expect_status 1 "rename to a taken name" -- b rename clock other
expect_contains "$(last_err)" "is already in use by container" "docker's conflict"
expect_status 1 "rename to the same name" -- b rename clock clock
expect_contains "$(last_err)" "same name as its current name" "docker's words"
expect_status 1 "rename to an invalid name" -- b rename clock 'bad name'
expect_contains "$(last_err)" "Invalid container name" "docker's words"

# ---- port (nothing is published without the network work) ----
expect_status 0 "port lists nothing" -- b port clock
expect_eq "$(last_out)" "" "no mappings"
expect_status 1 "port of an unpublished port" -- b port clock 80
expect_eq "$(last_err)" "Error: No public port '80/tcp' published for clock" "docker's words"

# ---- a paused container can be stopped and removed ----
b pause clock >/dev/null
expect_status 0 "rm -f of a paused container" -- timeout 20 "$BERTH" rm -f clock
expect_status 1 "it is gone" -- b inspect clock

# ---- diff ----
b run --name changer busybox sh -c 'echo x >/new; rm /bin/ls; echo y >>/etc/passwd; mkdir -p /tmp/q/r'
expect_status 0 "diff" -- b diff changer
expect_eq "$(last_out | tr '\n' ',')" "C /bin,D /bin/ls,C /etc,C /etc/passwd,A /new,C /tmp,A /tmp/q,A /tmp/q/r," \
  "docker's A/C/D lines, sorted, without the runtime's mount points"
b run --name idle busybox true
expect_eq "$(b diff idle)" "" "a container that changed nothing has no diff"
expect_status 1 "diff of a missing container" -- b diff nosuch
b rm changer idle >/dev/null

# ---- container prune ----
b run --name keeper --label keep=yes busybox true
b run --name writer busybox sh -c 'head -c 5000 /dev/zero >/payload'
b run -d --name runner busybox sleep 300 >/dev/null
expect_status 0 "prune with a label!= filter" -- b container prune -f --filter label!=keep
expect_contains "$(last_out)" "Deleted Containers:" "docker's heading"
expect_eq "$(b ps -a --format '{{.Names}}' | sort | tr '\n' ' ')" "keeper runner " "keeps the labelled and the running"
expect_contains "$(last_out)" "Total reclaimed space: 5kB" "counts what the pruned containers wrote"
expect_status 0 "a no at the prompt" -- bash -c "echo n | '$BERTH' container prune"
expect_contains "$(last_out)" "Are you sure you want to continue? [y/N]" "asks first"
expect_eq "$(b ps -aq | wc -l)" "2" "and removes nothing"
expect_status 1 "an unknown filter" -- b container prune -f --filter bogus=1
expect_eq "$(last_err)" "Error: invalid filter 'bogus'" "docker's words"
expect_status 0 "prune everything stopped" -- b container prune -f
expect_eq "$(b ps -a --format '{{.Names}}')" "runner" "only the running one is left"

# ---- system df and ps -s: what containers wrote, volumes, images in use ----
b run --name writer -v df-vol:/data busybox sh -c 'head -c 100000 /dev/zero >/data/z; head -c 3000 /dev/zero >/w'
volumes=$(b volume ls -q | wc -l)
expect_eq "$(b system df --format '{{.Type}}={{.TotalCount}}/{{.Active}}' | tr '\n' ' ')" \
  "Images=1/1 Containers=2/1 Local Volumes=$volumes/1 Build Cache=0/0 " \
  "system df counts containers and volumes, and what is in use (a stopped container's volume too)"
expect_contains "$(b system df --format '{{.Type}} {{.Reclaimable}}' | grep Containers)" "Containers 3kB (" \
  "a stopped container's writes are reclaimable"
expect_contains "$(b system df --format '{{.Type}} {{.Reclaimable}}' | grep Images)" "Images 0B (0%)" \
  "an image in use is not"
expect_status 0 "system df -v" -- b system df -v
expect_contains "$(last_out | grep ' writer$' | tr -s ' ')" '" 1 3kB ' "its container table: local volumes and size"
expect_eq "$(last_out | awk '$1 == "df-vol" {print $2, $3}')" "1 100kB" "its volume table: links and size"
expect_eq "$(last_out | awk '$1 == "busybox" {print $NF}')" "2" "its image table counts the containers"
expect_contains "$(b ps -as --filter name=writer)" "3kB (virtual " "ps -s: written and virtual size"
expect_eq "$(b ps -a --filter name=writer --format '{{.Mounts}} {{.LocalVolumes}} {{.Size}}' | cut -d' ' -f1-3)" \
  "df-vol 1 3kB" "--format .Size measures without -s; .Mounts names the volume"
b rm writer >/dev/null && b volume rm df-vol >/dev/null

# ---- system prune ----
b run --name stopped-one busybox true
b volume create unused-named >/dev/null
b run --name with-anon -v /anon busybox true
b rm with-anon >/dev/null  # leaves its anonymous volume behind
b import "$(busybox_tarball)" >/dev/null  # an untagged (dangling) image
expect_status 0 "system prune, answering no" -- bash -c "echo n | '$BERTH' system prune"
expect_contains "$(last_out)" "  - all stopped containers" "the warning lists what goes"
expect_contains "$(last_out)" "Are you sure you want to continue? [y/N]" "and asks"
expect_eq "$(b ps -aq | wc -l)" "2" "a no removes nothing"
expect_status 0 "system prune -f --volumes" -- b system prune -f --volumes
expect_contains "$(last_out)" "Deleted Containers:" "removes stopped containers"
expect_contains "$(last_out)" "Deleted Volumes:" "and anonymous volumes"
expect_contains "$(last_out)" "Deleted Images:" "and dangling images"
expect_contains "$(last_out)" "Total reclaimed space:" "with the total"
expect_eq "$(b ps -a --format '{{.Names}}')" "runner" "the running container stays"
expect_eq "$(b volume ls -q)" "unused-named" "named volumes stay (anonymous ones go)"
expect_eq "$(b images --filter dangling=true -q | wc -l)" "0" "no dangling image is left"
expect_eq "$(b images -q busybox | wc -l)" "1" "a tagged image in use stays"
expect_status 1 "system prune --filter" -- b system prune -f --filter label=x
expect_contains "$(last_err)" "not supported" "is refused, not half done"

# ---- info ----
expect_status 0 "info" -- b info
expect_contains "$(last_out)" " Containers: 1
  Running: 1
  Paused: 0
  Stopped: 0" "docker's container counts"
expect_contains "$(last_out)" " Storage Driver: overlay2" "the storage driver"
expect_contains "$(last_out)" " Kernel Version: $(uname -r)" "the kernel"
expect_eq "$(b system info --format '{{.ContainersRunning}} {{.OSType}} {{.NCPU}}')" "1 linux $(nproc)" "--format over docker's fields"
expect_eq "$(b info --format json | jq -r .DockerRootDir)" "$BERTH_ROOT" "json, with the root dir"
expect_status 64 "a broken --format" -- b info --format '{{.Containers'

finish
