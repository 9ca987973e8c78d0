#!/usr/bin/env bash
# Healthchecks without a daemon: the shim runs `berth container health-probe`
# every interval; State.Health (Status, FailingStreak, Log) and ps's
# "(healthy)" follow docker's rules for retries, timeouts and start periods.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/image_lib.sh"

CLEANUP_HOOKS+=(remove_all_containers)

# wait_health CONTAINER STATUS: up to 15 s for State.Health.Status to be STATUS.
wait_health() {
  for _ in $(seq 1 150); do
    [ "$(b inspect -f '{{.State.Health.Status}}' "$1" 2>/dev/null)" = "$2" ] && return 0
    sleep 0.1
  done
  return 1
}

expect_status 0 "import the busybox image" -- b import --change 'CMD ["sh"]' "$(busybox_tarball)" busybox:latest

expect_status 0 "a container with a passing healthcheck" -- \
  b run -d --name ok --health-cmd 'echo fine' --health-interval 1s busybox sleep 1000
expect_eq "$(b inspect -f '{{.State.Health.Status}}' ok)" "starting" "starts as starting"
expect_contains "$(b ps --format '{{.Status}}' --filter name=ok)" "(health: starting)" "ps says so"
expect_status 0 "becomes healthy" -- wait_health ok healthy
expect_contains "$(b ps --format '{{.Status}}' --filter name=ok)" "(healthy)" "ps shows (healthy)"
expect_eq "$(b inspect -f '{{(index .State.Health.Log 0).ExitCode}}' ok)" "0" "the log has the probe's exit code"
expect_eq "$(b inspect -f '{{(index .State.Health.Log 0).Output}}' ok)" "fine" "and its output"

expect_status 0 "a failing healthcheck with two retries" -- \
  b run -d --name bad --health-cmd 'echo failing; exit 1' --health-interval 1s --health-retries 2 busybox sleep 1000
expect_status 0 "becomes unhealthy" -- wait_health bad unhealthy
expect_eq "$(b inspect -f '{{.State.Health.FailingStreak}}' bad)" "2" "after two failures in a row"
expect_contains "$(b ps --format '{{.Status}}' --filter name=bad)" "(unhealthy)" "ps shows (unhealthy)"

expect_status 0 "a healthcheck that hangs" -- \
  b run -d --name slow --health-cmd 'sleep 10' --health-interval 1s --health-timeout 500ms --health-retries 1 \
  busybox sleep 1000
expect_status 0 "is unhealthy after its timeout" -- wait_health slow unhealthy
expect_contains "$(b inspect -f '{{(index .State.Health.Log 0).Output}}' slow)" "Health check exceeded timeout (500ms)" \
  "in docker's words"

expect_status 0 "failures within the start period" -- \
  b run -d --name warming --health-cmd 'exit 1' --health-interval 1s --health-retries 1 --health-start-period 60s \
  busybox sleep 1000
sleep 3.5
expect_eq "$(b inspect -f '{{.State.Health.Status}} {{.State.Health.FailingStreak}}' warming)" "starting 0" \
  "do not count"
expect_eq "$(b inspect -f '{{len .State.Health.Log}}' warming)" "3" "but are logged"

expect_status 0 "--no-healthcheck" -- b run -d --name none --no-healthcheck busybox sleep 1000
expect_eq "$(b inspect -f '{{json .State}}' none | jq 'has("Health")')" "false" "has no Health"
expect_eq "$(b ps --format '{{.Status}}' --filter name=none | grep -c health || true)" "0" "and no suffix in ps"

expect_status 0 "stop the healthy one" -- b stop -t 0 ok
expect_eq "$(b inspect -f '{{.State.Health.Status}}' ok)" "healthy" "its last health is kept"
expect_status 0 "a probe of a stopped container does nothing" -- b container health-probe ok
expect_status 1 "a probe of no such container" -- b container health-probe nosuch
expect_eq "$(b container --help | grep -c health-probe || true)" "0" "the probe command is not listed"

finish
