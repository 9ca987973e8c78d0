#!/usr/bin/env bash
# process.user and process.capabilities as the container's process sees them:
# /proc/self/status capability sets, `id`, umask, and the errors for unknown
# capabilities.
source "$(dirname "$0")/lib.sh"

# cap_field STATUS-TEXT FIELD: the hex mask of one Cap* line.
cap_field() { echo "$1" | awk -v f="$2:" '$1 == f {print $2}'; }

# The default bundle (runc's spec): root, three capabilities, no inheritable.
# Ambient capabilities are listed but not inheritable, so they are skipped.
bundle=$TEST_DIR/default
make_bundle "$bundle" sh -c 'grep ^Cap /proc/self/status; id'
expect_status 0 "run with the default capabilities" -- rt run --bundle "$bundle" default-caps
out=$(last_out)
# CAP_AUDIT_WRITE (29) | CAP_NET_BIND_SERVICE (10) | CAP_KILL (5)
expect_eq "$(cap_field "$out" CapBnd)" 0000000020000420 "bounding set is exactly the listed one"
expect_eq "$(cap_field "$out" CapEff)" 0000000020000420 "root's effective set is the listed one"
expect_eq "$(cap_field "$out" CapPrm)" 0000000020000420 "root's permitted set is the listed one"
expect_eq "$(cap_field "$out" CapInh)" 0000000000000000 "inheritable set is empty when not listed (CVE-2022-29162)"
expect_eq "$(cap_field "$out" CapAmb)" 0000000000000000 "ambient capabilities that are not inheritable are skipped"
expect_contains "$out" "uid=0(root) gid=0(root)" "runs as root"

# nobody with one effective capability, kept across execve through ambient.
bundle=$TEST_DIR/nobody
make_bundle "$bundle" sh -c 'grep ^Cap /proc/self/status; id; umask'
edit_config "$bundle" '.process.user = {"uid": 65534, "gid": 65534, "additionalGids": [10, 20], "umask": 63}
  | .process.capabilities = {"bounding": ["CAP_KILL", "CAP_CHOWN"], "effective": ["CAP_KILL"],
      "permitted": ["CAP_KILL", "CAP_CHOWN"], "inheritable": ["CAP_KILL"], "ambient": ["CAP_KILL"]}'
expect_status 0 "run as nobody with CAP_KILL ambient" -- rt run --bundle "$bundle" nobody-caps
out=$(last_out)
expect_eq "$(cap_field "$out" CapBnd)" 0000000000000021 "bounding set is CAP_KILL|CAP_CHOWN"
expect_eq "$(cap_field "$out" CapInh)" 0000000000000020 "inheritable set is CAP_KILL"
expect_eq "$(cap_field "$out" CapAmb)" 0000000000000020 "ambient set is CAP_KILL"
expect_eq "$(cap_field "$out" CapEff)" 0000000000000020 "after execve a non-root process has its ambient set"
expect_contains "$out" "uid=65534(nobody) gid=65534(nogroup)" "runs as nobody"
expect_contains "$out" "groups=" "has supplementary groups"
expect_contains "$out" "10" "additional gid 10 is set"
expect_contains "$out" "0077" "umask 0077 is applied"

# Without ambient capabilities, a non-root process ends with none at all.
bundle=$TEST_DIR/nobody-plain
make_bundle "$bundle" sh -c 'grep ^Cap /proc/self/status'
edit_config "$bundle" '.process.user = {"uid": 1000, "gid": 1000}'
expect_status 0 "run as uid 1000 with the default capabilities" -- rt run --bundle "$bundle" plain-user
expect_eq "$(cap_field "$(last_out)" CapEff)" 0000000000000000 "non-root without ambient has no effective capabilities"

# Absent process.capabilities: root keeps every capability the runtime has.
bundle=$TEST_DIR/absent
make_bundle "$bundle" sh -c 'grep ^CapEff /proc/self/status'
edit_config "$bundle" 'del(.process.capabilities)'
expect_status 0 "run without a capabilities object" -- rt run --bundle "$bundle" absent-caps
expect_eq "$(cap_field "$(last_out)" CapEff)" "$(awk '$1 == "CapEff:" {print $2}' /proc/self/status)" \
  "root keeps the runtime's capabilities when none are listed"

# A capability the kernel does not know yet is skipped; an unknown name fails.
bundle=$TEST_DIR/unknown
make_bundle "$bundle" true
edit_config "$bundle" '.process.capabilities.bounding += ["CAP_TELEPORT"]'
expect_status 1 "an unknown capability name fails the run" -- rt run --bundle "$bundle" unknown-cap
expect_contains "$(last_err)" "CAP_TELEPORT" "the error names the unknown capability"

finish
