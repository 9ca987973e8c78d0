#!/usr/bin/env bash
# Hostile rootfs content: symlinks used as mount targets stay inside the root,
# a symlinked /dev is refused, mounts into /proc are refused, and a fake
# /dev/null is not used to mask paths. Nothing reaches the host.
source "$(dirname "$0")/lib.sh"

tag="berth-escape-$$"

# Symlinks to / and to .. used as mount targets.
bundle="$TEST_DIR/escape"
make_bundle "$bundle" sh -c "grep $tag /proc/mounts; ls -d /$tag-root /$tag-up"
ln -s / "$bundle/rootfs/evil"
ln -s ../../../../../../.. "$bundle/rootfs/up"
TARGET_A="/evil/$tag-root" TARGET_B="/up/$tag-up" edit_config "$bundle" \
  '.mounts += [{"destination": env.TARGET_A, "type": "tmpfs", "source": "tmpfs"}, {"destination": env.TARGET_B, "type": "tmpfs", "source": "tmpfs"}]'
expect_status 0 "mount targets through symlinks to / and .." -- rt run -b "$bundle" escape
expect_contains "$(last_out)" "tmpfs /$tag-root tmpfs" "the mount through evil -> / lands in the container root"
expect_contains "$(last_out)" "tmpfs /$tag-up tmpfs" "the mount through up -> .. lands in the container root"
[ -e "/$tag-root" ] && fail "/$tag-root was created on the host" || pass "nothing created at /$tag-root on the host"
[ -e "/$tag-up" ] && fail "/$tag-up was created on the host" || pass "nothing created at /$tag-up on the host"
[ -d "$bundle/rootfs/$tag-root" ] && pass "the target directory was created inside the rootfs" || fail "no $tag-root in the rootfs"

# A /dev that is a symlink is refused.
bundle="$TEST_DIR/devlink"
make_bundle "$bundle" true
rm -rf "$bundle/rootfs/dev"
ln -s /tmp "$bundle/rootfs/dev"
expect_status 1 "a symlinked /dev is refused" -- rt run -b "$bundle" devlink
expect_contains "$(last_err)" "/dev is a symlink" "the error says why"

# Mounting over /proc/sys (or through a symlink into the procfs) is refused.
bundle="$TEST_DIR/procmount"
make_bundle "$bundle" true
edit_config "$bundle" '.mounts += [{"destination": "/proc/sys", "type": "tmpfs", "source": "tmpfs"}]'
expect_status 1 "a mount inside /proc is refused" -- rt run -b "$bundle" procmount
expect_contains "$(last_err)" "refusing to mount inside /proc" "the error names /proc"

bundle="$TEST_DIR/proclink"
make_bundle "$bundle" true
ln -s /proc/sys/kernel "$bundle/rootfs/sneaky"
edit_config "$bundle" '.mounts += [{"destination": "/sneaky", "type": "tmpfs", "source": "tmpfs"}]'
expect_status 1 "a mount through a symlink into procfs is refused" -- rt run -b "$bundle" proclink
expect_contains "$(last_err)" "procfs" "the error names the procfs"

# lxcfs-style files under /proc are allowed.
bundle="$TEST_DIR/lxcfs"
echo "12345.67 0.00" >"$TEST_DIR/uptime"
make_bundle "$bundle" cat /proc/uptime
SOURCE="$TEST_DIR/uptime" edit_config "$bundle" '.mounts += [{"destination": "/proc/uptime", "type": "bind", "source": env.SOURCE, "options": ["bind", "ro"]}]'
expect_status 0 "a bind onto /proc/uptime is allowed" -- rt run -b "$bundle" lxcfs
expect_eq "$(last_out)" "12345.67 0.00" "the container reads the bound file"

# Without a /dev mount, a /dev/null planted as a symlink is not used for masks.
bundle="$TEST_DIR/fakenull"
make_bundle "$bundle" true
edit_config "$bundle" 'del(.mounts[] | select(.destination | startswith("/dev")))'
ln -s /proc/sys/kernel/core_pattern "$bundle/rootfs/dev/null"
expect_status 1 "a symlinked /dev/null is not used to mask paths" -- rt run -b "$bundle" fakenull
expect_contains "$(last_err)" "not the null device" "the error names /dev/null"

expect_eq "$(grep -c "$TEST_DIR\|$tag" /proc/self/mountinfo || true)" "0" "nothing is mounted on the host"
finish
