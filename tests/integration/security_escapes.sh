# Attacks from the runc CVE list, checked against the real kernel:
# a cwd through a leaked fd (CVE-2024-21626), the inheritable capability set
# (CVE-2022-29162), and a container process reaching the runtime binary
# (CVE-2019-5736). Mount-target and /dev symlink attacks live in rootfs_hostile.sh.
source "$(dirname "$0")/lib.sh"

# CVE-2024-21626: process.cwd naming /proc/self/fd/N must never land in a host
# directory; either the start is refused or the cwd is inside the container.
for fd in 3 4 5 6 7 8 9; do
  bundle="$TEST_DIR/cwd-$fd"
  make_bundle "$bundle" sh -c 'pwd; ls'
  edit_config "$bundle" ".process.cwd = \"/proc/self/fd/$fd\" | .root.readonly = false"
  status=0
  out=$(rt run --bundle "$bundle" "cwd$fd" 2>&1) || status=$?
  if [ $status -ne 0 ]; then
    pass "cwd /proc/self/fd/$fd is refused"
  elif grep -q "berth-test-security" <<<"$out" || grep -qx "state" <<<"$out"; then
    fail "cwd /proc/self/fd/$fd reached a host directory: $out"
  else
    pass "cwd /proc/self/fd/$fd stays inside the container"
  fi
done

make_bundle "$TEST_DIR/box" sleep 1000
expect_status 0 "run a container" -- rt run --detach --bundle "$TEST_DIR/box" box
for fd in 3 4 5 6 7; do
  status=0
  out=$(rt exec --cwd "/proc/self/fd/$fd" box pwd 2>&1) || status=$?
  if [ $status -ne 0 ] || [[ "$out" != *berth-test-security* ]]; then pass "exec --cwd /proc/self/fd/$fd does not reach the host"; else
    fail "exec --cwd /proc/self/fd/$fd reached the host: $out"; fi
done

# CVE-2022-29162: with no inheritable set in the spec, it is empty, so an
# executable with file capabilities cannot gain them through it.
expect_eq "$(rt exec box grep CapInh /proc/self/status | awk '{print $2}')" "0000000000000000" "exec: inheritable set is empty"
make_bundle "$TEST_DIR/caps" grep CapInh /proc/self/status
expect_eq "$(rt run --bundle "$TEST_DIR/caps" caps | awk '{print $2}')" "0000000000000000" "run: inheritable set is empty"
edit_config "$TEST_DIR/caps" '.process.capabilities.inheritable = ["CAP_KILL"]'
expect_eq "$(rt run --bundle "$TEST_DIR/caps" caps2 | awk '{print $2}')" "0000000000000020" "an inheritable set asked for is granted exactly"

# CVE-2019-5736: the container's processes see only the container's binaries;
# no runtime binary is mapped into any container process.
expect_eq "$(rt exec box sh -c 'for p in /proc/[0-9]*; do readlink $p/exe; done | sort -u | tr "\n" " "')" "/bin/busybox " \
  "every process in the container runs the container's own binary"
init_pid=$(rt state box | jq .pid)
expect_not_contains "$(cat /proc/$init_pid/maps)" "berth-runtime" "the init maps nothing of berth-runtime"
expect_status 0 "delete the container" -- rt delete --force box

finish
