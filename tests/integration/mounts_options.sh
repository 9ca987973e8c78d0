#!/usr/bin/env bash
# Mount types and options from config.json: bind/rbind with ro and the
# recursive r* attributes, tmpfs data, tmpcopyup, propagation, sysctl.
source "$(dirname "$0")/lib.sh"

host="$TEST_DIR/host"
mkdir -p "$host/sub"
echo "host data" >"$host/file"
mount -t tmpfs -o size=1m tmpfs "$host/sub"
echo "sub data" >"$host/sub/file"

bundle="$TEST_DIR/options"
make_bundle "$bundle" sh /check.sh
cat >"$bundle/rootfs/check.sh" <<'SCRIPT'
  grep -E " /(ro|rro|flat|scratch|etc) " /proc/mounts
  cat /ro/file /ro/sub/file
  touch /ro/x 2>/dev/null && echo RO-TOP-WRITABLE || echo RO-TOP-READONLY
  touch /ro/sub/x 2>/dev/null && echo RO-SUB-WRITABLE || echo RO-SUB-READONLY
  touch /rro/sub/y 2>/dev/null && echo RRO-SUB-WRITABLE || echo RRO-SUB-READONLY
  ls /flat/sub | wc -l | sed "s/^/FLAT-SUB-ENTRIES /"
  cat /etc/passwd | head -1
  touch /etc/new 2>/dev/null && echo ETC-WRITABLE
  echo "DOMAIN $(cat /proc/sys/kernel/domainname)"
SCRIPT
HOST_DIR="$host" edit_config "$bundle" '.root.readonly = false | .mounts += [
  {"destination": "/ro", "type": "bind", "source": env.HOST_DIR, "options": ["rbind", "ro", "nosuid", "nodev"]},
  {"destination": "/rro", "type": "bind", "source": env.HOST_DIR, "options": ["rbind", "rro"]},
  {"destination": "/flat", "type": "none", "source": env.HOST_DIR, "options": ["bind", "noexec"]},
  {"destination": "/scratch", "type": "tmpfs", "source": "tmpfs", "options": ["noexec", "nosuid", "size=2m", "mode=700"]},
  {"destination": "/etc", "type": "tmpfs", "source": "tmpfs", "options": ["tmpcopyup", "nodev"]}]
  | .linux.sysctl = {"kernel.domainname": "berth.test"}'
expect_status 0 "run with bind, tmpfs and tmpcopyup mounts" -- rt run -b "$bundle" options
out=$(last_out)
expect_contains "$out" " /ro " "the rbind mount exists"
expect_contains "$(grep ' /ro ' <<<"$out")" "ro,nosuid,nodev" "ro,nosuid,nodev reach the bind mount"
expect_contains "$out" "host data" "bind content is visible"
expect_contains "$out" "sub data" "rbind brings the submount"
expect_contains "$out" "RO-TOP-READONLY" "ro applies to the top mount"
expect_contains "$out" "RO-SUB-WRITABLE" "ro does not recurse (as runc)"
expect_contains "$out" "RRO-SUB-READONLY" "rro applies to submounts"
expect_contains "$out" "FLAT-SUB-ENTRIES 0" "bind (not rbind) leaves the submount out"
expect_contains "$(grep ' /flat ' <<<"$out")" "noexec" "noexec on a bind mount"
expect_contains "$(grep ' /scratch ' <<<"$out")" "rw,nosuid,noexec" "tmpfs flags"
expect_contains "$(grep ' /scratch ' <<<"$out")" "size=2048k,mode=700" "tmpfs data options"
expect_contains "$out" "root:x:0:0:root" "tmpcopyup keeps the directory's files"
expect_contains "$out" "ETC-WRITABLE" "the tmpcopyup tmpfs is writable"
expect_contains "$out" "DOMAIN berth.test" "linux.sysctl is applied"
[ -e "$bundle/rootfs/etc/new" ] && fail "tmpcopyup wrote through to the rootfs" || pass "tmpcopyup does not write to the rootfs"

# An unknown filesystem type fails with the mount named.
bundle="$TEST_DIR/badfs"
make_bundle "$bundle" true
edit_config "$bundle" '.mounts += [{"destination": "/x", "type": "nosuchfs", "source": "none"}]'
expect_status 1 "an unknown filesystem type fails" -- rt run -b "$bundle" badfs
expect_contains "$(last_err)" "mount nosuchfs on /x: No such device" "the error names type and destination"

# A sysctl error names the key.
bundle="$TEST_DIR/badsysctl"
make_bundle "$bundle" true
edit_config "$bundle" '.linux.sysctl = {"kernel.no_such_knob": "1"}'
expect_status 1 "an unknown sysctl fails" -- rt run -b "$bundle" badsysctl
expect_contains "$(last_err)" "kernel.no_such_knob" "the error names the key"

# rootfsPropagation and --no-pivot.
bundle="$TEST_DIR/propagation"
make_bundle "$bundle" sh -c 'awk "\$5 == \"/\"" /proc/self/mountinfo; cat /marker'
echo "in the root" >"$bundle/rootfs/marker"
edit_config "$bundle" '.linux.rootfsPropagation = "rshared"'
expect_status 0 "rootfsPropagation rshared" -- rt run -b "$bundle" propagation
expect_contains "$(last_out)" "shared:" "/ is shared inside the container"
expect_status 0 "run with --no-pivot" -- rt run --no-pivot -b "$bundle" nopivot
expect_contains "$(last_out)" "in the root" "the root is in place without pivot_root"

umount "$host/sub"
expect_eq "$(grep -c "$TEST_DIR" /proc/self/mountinfo || true)" "0" "nothing of the container is mounted on the host"
finish
