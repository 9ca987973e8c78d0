#!/usr/bin/env bash
# run --init: berth-init runs first as /sbin/docker-init, reaps orphans,
# forwards signals to the command and exits with the command's status.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/image_lib.sh"

CLEANUP_HOOKS+=(remove_all_containers)

expect_status 0 "import the busybox image" -- b import --change 'CMD ["sh"]' "$(busybox_tarball)" busybox:latest

expect_status 0 "run --init" -- b run --rm --init busybox ps -o pid,args
expect_eq "$(last_out | awk '$1 == 1 {$1 = ""; print substr($0, 2)}')" "/sbin/docker-init -- ps -o pid,args" \
  "pid 1 is the init, with the command after --"
expect_eq "$(last_out | awk '$1 != 1 && $1 != "PID" {$1 = ""; print substr($0, 2)}')" "ps -o pid,args" \
  "the command runs as its child"
expect_status 7 "the command's exit status is the container's" -- b run --rm --init busybox sh -c 'exit 7'
expect_status 127 "a missing command exits 127" -- b run --rm --init busybox /no/such/command
expect_contains "$(last_err)" "/no/such/command: No such file or directory" "and says why"
expect_status 0 "the command gets the terminal's foreground" -- \
  b run --rm -t --init busybox sh -c 'cut -d" " -f5,8 /proc/$$/stat'
expect_eq "$(last_out | tr -d '\r')" "2 2" "its process group is the terminal's"

# An orphan whose parent ended is reparented to pid 1: sleep as pid 1 never
# reaps it, the init does.
orphan_maker='sh -c "sleep 0.1 &"; exec sleep 1000'
b run -d --name no-init busybox sh -c "$orphan_maker" >/dev/null
b run -d --init --name with-init busybox sh -c "$orphan_maker" >/dev/null
sleep 0.6
expect_eq "$(b exec no-init ps -o stat,comm | grep -c '^Z' || true)" "1" "without an init the orphan stays a zombie"
expect_eq "$(b exec with-init ps -o stat,comm | grep -c '^Z' || true)" "0" "with --init it is reaped"
expect_eq "$(b inspect -f '{{.HostConfig.Init}}' with-init)" "true" "inspect shows HostConfig.Init"

# sleep as pid 1 ignores SIGTERM (stop must SIGKILL it: 137); as the init's
# child it gets the forwarded SIGTERM and dies of it (143).
expect_status 0 "stop" -- b stop -t 20 with-init
expect_eq "$(b inspect -f '{{.State.ExitCode}}' with-init)" "143" "the init forwarded SIGTERM to the command"
b run -d --init --name trapper busybox sh -c 'trap "echo got-usr1; exit 3" USR1; while :; do sleep 0.05; done' >/dev/null
sleep 0.3
expect_status 0 "kill -s USR1" -- b kill -s USR1 trapper
expect_eq "$(b wait trapper)" "3" "the command got the signal"
expect_eq "$(b logs trapper)" "got-usr1" "and said so"

finish
