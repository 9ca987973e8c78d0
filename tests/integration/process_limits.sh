#!/usr/bin/env bash
# process.rlimits, oomScoreAdj, scheduler, ioPriority and linux.personality
# as the container's process sees them.
source "$(dirname "$0")/lib.sh"

bundle=$TEST_DIR/limits
make_bundle "$bundle" sh -c 'ulimit -n; ulimit -Hn; ulimit -c; cat /proc/self/oom_score_adj'
edit_config "$bundle" '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 4096, "hard": 8192},
    {"type": "RLIMIT_CORE", "soft": 0, "hard": 0}]
  | .process.oomScoreAdj = 300'
expect_status 0 "run with rlimits and oomScoreAdj" -- rt run --bundle "$bundle" limits
expect_eq "$(last_out | tr '\n' ' ')" "4096 8192 0 300 " "nofile soft/hard, core and oom_score_adj are applied"

# Raising the hard limit above the runtime's own needs CAP_SYS_RESOURCE.
hard_now=$(ulimit -Hn)
bundle=$TEST_DIR/too-high
make_bundle "$bundle" true
edit_config "$bundle" '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 1048576, "hard": 1048576}]'
cap_eff=$(awk '$1 == "CapEff:" {print $2}' /proc/self/status)
if (((0x$cap_eff >> 24) & 1)); then
  echo "# skip the hard-limit check: this process has CAP_SYS_RESOURCE"
else
  expect_status 1 "a hard RLIMIT_NOFILE above the current one fails" -- rt run --bundle "$bundle" too-high
  expect_contains "$(last_err)" "RLIMIT_NOFILE" "the error names the limit"
  expect_contains "$(last_err)" "above the current $hard_now" "the error gives the current hard limit"
fi

bundle=$TEST_DIR/bad-rlimit
make_bundle "$bundle" true
edit_config "$bundle" '.process.rlimits = [{"type": "RLIMIT_WARP", "soft": 1, "hard": 1}]'
expect_status 1 "an unknown rlimit fails the run" -- rt run --bundle "$bundle" bad-rlimit
expect_contains "$(last_err)" "RLIMIT_WARP" "the error names the unknown rlimit"

# Scheduler: field 19 of /proc/self/stat is the nice value, field 41 the policy.
bundle=$TEST_DIR/sched
make_bundle "$bundle" sh -c 'cut -d" " -f19,41 /proc/self/stat'
edit_config "$bundle" '.process.scheduler = {"policy": "SCHED_BATCH", "nice": 7}'
expect_status 0 "run with SCHED_BATCH nice 7" -- rt run --bundle "$bundle" sched
expect_eq "$(last_out)" "7 3" "nice 7 and policy SCHED_BATCH (3)"

bundle=$TEST_DIR/ioprio
make_bundle "$bundle" ionice
edit_config "$bundle" '.process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 6}'
expect_status 0 "run with ioPriority best-effort 6" -- rt run --bundle "$bundle" ioprio
expect_contains "$(last_out)" "prio 6" "ionice reports priority 6"
expect_contains "$(last_out)" "best-effort" "ionice reports class best-effort"

bundle=$TEST_DIR/personality
make_bundle "$bundle" uname -m
edit_config "$bundle" '.linux.personality = {"domain": "LINUX32"}'
expect_status 0 "run with personality LINUX32" -- rt run --bundle "$bundle" personality
expect_eq "$(last_out)" i686 "uname -m reports i686 under LINUX32"

bundle=$TEST_DIR/personality-flags
make_bundle "$bundle" true
edit_config "$bundle" '.linux.personality = {"domain": "LINUX", "flags": ["ADDR_NO_RANDOMIZE"]}'
expect_status 1 "personality flags fail the run" -- rt run --bundle "$bundle" personality-flags
expect_contains "$(last_err)" "personality flags are not supported" "the error says flags are unsupported"

finish
