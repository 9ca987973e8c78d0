#!/usr/bin/env bash
# The default bundle's filesystem view: mounts, devices, /dev symlinks,
# masked and read-only paths, a read-only root, and no trace of the host tree.
source "$(dirname "$0")/lib.sh"

bundle="$TEST_DIR/layout"
make_bundle "$bundle" sh /check.sh
cat >"$bundle/rootfs/check.sh" <<'SCRIPT'
  echo "MOUNTS"; cat /proc/mounts
  echo "DEVICES"; for d in null zero full random urandom tty; do stat -c "%n %F %t:%T %a" /dev/$d; done
  echo "LINKS"; for l in fd stdin stdout stderr ptmx; do echo "$l -> $(readlink /dev/$l)"; done
  echo "KCORE[$(cat /proc/kcore 2>/dev/null | wc -c)]"
  touch /rootfile 2>/dev/null && echo "ROOT-WRITABLE" || echo "ROOT-READONLY"
  echo 1 2>/dev/null >/proc/sys/kernel/domainname && echo "SYS-WRITABLE" || echo "SYS-READONLY"
  touch /dev/shm/x && echo "SHM-WRITABLE"
  ls /sys/firmware | wc -l | sed "s/^/FIRMWARE-ENTRIES /"
  echo "CWD $(pwd)"
  stat -c "%n %F %t:%T %a %u:%g" /dev/fuse-like /dev/pipe
SCRIPT
edit_config "$bundle" '.linux.devices = [{"path": "/dev/fuse-like", "type": "c", "major": 1, "minor": 7, "fileMode": 384, "uid": 1000, "gid": 1000},
                                         {"path": "/dev/pipe", "type": "p"}]'

expect_status 0 "run the default bundle" -- rt run -b "$bundle" layout
out=$(last_out)
expect_contains "$out" "proc /proc proc rw" "proc is mounted"
expect_contains "$out" "tmpfs /dev tmpfs rw,nosuid,size=65536k,mode=755" "/dev is a tmpfs with its options"
expect_contains "$out" "devpts /dev/pts devpts rw,nosuid,noexec" "devpts is mounted"
expect_contains "$out" "shm /dev/shm tmpfs rw,nosuid,nodev,noexec" "/dev/shm is mounted"
expect_contains "$out" "mqueue /dev/mqueue mqueue rw,nosuid,nodev,noexec" "mqueue is mounted"
expect_contains "$out" "sysfs /sys sysfs ro,nosuid,nodev,noexec" "sysfs is read-only"
expect_contains "$out" " /sys/fs/cgroup" "cgroups are mounted"
expect_not_contains "$(grep ' /sys/fs/cgroup' <<<"$out" | grep -v ' ro,')" "cgroup" "every cgroup mount is read-only"
expect_contains "$out" "/dev/null character special file 1:3 666" "/dev/null"
expect_contains "$out" "/dev/zero character special file 1:5 666" "/dev/zero"
expect_contains "$out" "/dev/full character special file 1:7 666" "/dev/full"
expect_contains "$out" "/dev/random character special file 1:8 666" "/dev/random"
expect_contains "$out" "/dev/urandom character special file 1:9 666" "/dev/urandom"
expect_contains "$out" "/dev/tty character special file 5:0 666" "/dev/tty"
expect_contains "$out" "/dev/fuse-like character special file 1:7 600 1000:1000" "linux.devices node with mode and owner"
expect_contains "$out" "/dev/pipe fifo" "linux.devices fifo"
expect_contains "$out" "fd -> /proc/self/fd" "/dev/fd symlink"
expect_contains "$out" "stdin -> /proc/self/fd/0" "/dev/stdin symlink"
expect_contains "$out" "stdout -> /proc/self/fd/1" "/dev/stdout symlink"
expect_contains "$out" "stderr -> /proc/self/fd/2" "/dev/stderr symlink"
expect_contains "$out" "ptmx -> pts/ptmx" "/dev/ptmx symlink"
expect_contains "$out" "KCORE[0]" "masked /proc/kcore reads empty"
expect_contains "$out" "ROOT-READONLY" "root.readonly makes / read-only"
expect_contains "$out" "SYS-READONLY" "/proc/sys is read-only"
expect_contains "$out" "SHM-WRITABLE" "/dev/shm stays writable under a read-only root"
expect_contains "$out" "FIRMWARE-ENTRIES 0" "masked /sys/firmware is empty"
expect_contains "$out" "CWD /" "the process starts in /"
expect_not_contains "$out" "$TEST_DIR" "no host path of the bundle is visible in the mount table"

# The runtime never mounts in the host's namespace.
expect_eq "$(grep -c "$TEST_DIR" /proc/self/mountinfo || true)" "0" "nothing of the container is mounted on the host"

# ---- org.berth.rootfs.overlay: the rootfs is an overlay mounted inside the container ----
ov="$TEST_DIR/overlay"
make_bundle "$ov" sh -c 'echo new >/made-here; rm /etc/lower-file; cat /proc/self/mountinfo | grep " / / "; ls /etc'
mkdir -p "$ov/upper" "$ov/work"
echo from-lower >"$ov/rootfs/etc/lower-file"
mv "$ov/rootfs" "$ov/lower" && mkdir "$ov/rootfs"
edit_config "$ov" ".root.readonly = false | .annotations[\"org.berth.rootfs.overlay\"] = \"lowerdir=$ov/lower,upperdir=$ov/upper,workdir=$ov/work\""
expect_status 0 "run a container whose rootfs is an overlay" -- rt run -b "$ov" overlay
expect_contains "$(last_out)" " / / rw" "the container's root is the overlay mount"
expect_contains "$(last_out)" "overlay" "mounted as overlayfs"
expect_eq "$(cat "$ov/upper/made-here")" "new" "writes land in the upper dir"
expect_eq "$(cat "$ov/lower/etc/lower-file")" "from-lower" "the lower dir is unchanged"
expect_eq "$(stat -c %F "$ov/upper/etc/lower-file")" "character special file" "a deletion is a whiteout in the upper dir"
expect_eq "$(ls -A "$ov/rootfs" | wc -l)" "0" "nothing is mounted on the rootfs dir on the host"
expect_eq "$(grep -c "$ov" /proc/self/mountinfo || true)" "0" "no overlay mount is left on the host"
edit_config "$ov" ".annotations[\"org.berth.rootfs.overlay\"] = \"lowerdir=$ov/missing,upperdir=$ov/upper,workdir=$ov/work\""
expect_status 1 "a bad overlay fails the create" -- rt run -b "$ov" overlay-bad
expect_contains "$(last_err)" "mount the overlay rootfs" "the error names the overlay mount"

finish
