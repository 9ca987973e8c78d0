# Namespaces: a user namespace with id maps (set before any mount), joining
# another container's namespaces by path, cgroup and time namespaces,
# hostname/domainname, sysctl, and --no-pivot.
source "$(dirname "$0")/lib.sh"
chmod 755 "$TEST_DIR"  # the mapped root must be able to reach the bundles

# User namespace: root inside is uid 100000 outside; files it creates are 100000's.
make_bundle "$TEST_DIR/userns" sh -c 'id -u; cat /proc/self/uid_map; touch /tmp/made-inside; echo ok'
chown -R 100000:100000 "$TEST_DIR/userns/rootfs"
edit_config "$TEST_DIR/userns" '.linux.namespaces += [{"type": "user"}]
  | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
  | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
  | .root.readonly = false'
out=$(rt run --bundle "$TEST_DIR/userns" u1)
expect_eq "$(sed -n 1p <<<"$out")" "0" "root inside the user namespace"
expect_eq "$(sed -n 2p <<<"$out" | tr -s ' ' | sed 's/^ //')" "0 100000 65536" "uid_map as configured"
expect_eq "$(stat -c %u "$TEST_DIR/userns/rootfs/tmp/made-inside")" "100000" "a file made inside belongs to the mapped host uid"

# Joining another container's namespaces by path.
make_bundle "$TEST_DIR/first" sleep 1000
edit_config "$TEST_DIR/first" '.hostname = "first-host"'
expect_status 0 "run the first container" -- rt run --detach --bundle "$TEST_DIR/first" first
first_pid=$(rt state first | jq .pid)
make_bundle "$TEST_DIR/second" sh -c 'hostname; readlink /proc/self/ns/net; readlink /proc/self/ns/ipc'
export NET=/proc/$first_pid/ns/net IPC=/proc/$first_pid/ns/ipc UTS=/proc/$first_pid/ns/uts
edit_config "$TEST_DIR/second" 'del(.hostname) | .linux.namespaces = [{"type": "pid"}, {"type": "mount"},
  {"type": "network", "path": env.NET}, {"type": "ipc", "path": env.IPC}, {"type": "uts", "path": env.UTS}]'
out=$(rt run --bundle "$TEST_DIR/second" second)
expect_eq "$(sed -n 1p <<<"$out")" "first-host" "joined the first container's uts namespace"
expect_eq "$(sed -n 2p <<<"$out")" "$(readlink /proc/$first_pid/ns/net)" "joined its network namespace"
expect_eq "$(sed -n 3p <<<"$out")" "$(readlink /proc/$first_pid/ns/ipc)" "joined its ipc namespace"
make_bundle "$TEST_DIR/pidjoin" sh -c 'tr "\0" " " </proc/1/cmdline'
export PIDNS=/proc/$first_pid/ns/pid
edit_config "$TEST_DIR/pidjoin" 'del(.hostname) | .linux.namespaces = [{"type": "mount"}, {"type": "pid", "path": env.PIDNS}]'
expect_eq "$(rt run --bundle "$TEST_DIR/pidjoin" pidjoin)" "sleep 1000 " "joined its pid namespace: its pid 1 is the first container's"
# A new user namespace while joining a network namespace the host's user
# namespace owns (a pod with user namespaces): joined before the new one exists.
make_bundle "$TEST_DIR/userns-join" readlink /proc/self/ns/net
chown -R 100000:100000 "$TEST_DIR/userns-join/rootfs"
edit_config "$TEST_DIR/userns-join" 'del(.hostname) | .linux.namespaces = [{"type": "pid"}, {"type": "mount"}, {"type": "user"},
  {"type": "network", "path": env.NET}]
  | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
  | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
  | .mounts |= map(select(.destination != "/sys" and .destination != "/sys/fs/cgroup" and .destination != "/dev/mqueue"))'
expect_eq "$(rt run --bundle "$TEST_DIR/userns-join" uj 2>&1)" "$(readlink /proc/$first_pid/ns/net)" \
  "a new user namespace can join the host-owned network namespace"
# Joining another container's user namespace by path while creating new
# mount, pid and uts namespaces (a pod sharing a user namespace): an
# intermediate process makes the new ones from inside the joined one.
make_bundle "$TEST_DIR/userns-owner" sleep 1000
chown -R 100000:100000 "$TEST_DIR/userns-owner/rootfs"
edit_config "$TEST_DIR/userns-owner" '.linux.namespaces += [{"type": "user"}]
  | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
  | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
expect_status 0 "run a container with its own user namespace" -- rt run --detach --bundle "$TEST_DIR/userns-owner" owner
owner_pid=$(rt state owner | jq .pid)
export USERNS=/proc/$owner_pid/ns/user
make_bundle "$TEST_DIR/user-path" sh -c 'readlink /proc/self/ns/user; echo $$; hostname; id -u'
chown -R 100000:100000 "$TEST_DIR/user-path/rootfs"
edit_config "$TEST_DIR/user-path" '.hostname = "joiner" | .linux.namespaces = [{"type": "pid"}, {"type": "mount"}, {"type": "uts"},
  {"type": "ipc"}, {"type": "network"}, {"type": "user", "path": env.USERNS}]'
out=$(rt run --bundle "$TEST_DIR/user-path" up 2>&1)
expect_eq "$(sed -n 1p <<<"$out")" "$(readlink /proc/$owner_pid/ns/user)" "joined the other container's user namespace"
expect_eq "$(sed -n 2,4p <<<"$out" | tr '\n' ' ')" "1 joiner 0 " "with a new pid namespace (pid 1), its own hostname, as root"
expect_status 0 "delete the user namespace owner" -- rt delete --force owner
expect_status 0 "delete the first container" -- rt delete --force first

# cgroup namespace: the container sees its own cgroup as the root.
make_bundle "$TEST_DIR/cgroupns" cat /proc/self/cgroup
edit_config "$TEST_DIR/cgroupns" '.linux.namespaces += [{"type": "cgroup"}]'
out=$(rt run --bundle "$TEST_DIR/cgroupns" cg1)
expect_contains "$out" ":memory:/" "memory line present"
expect_not_contains "$out" "berth" "no host cgroup path is visible"

# time namespace with a boottime offset of 1,000,000 s.
make_bundle "$TEST_DIR/timens" cat /proc/uptime
edit_config "$TEST_DIR/timens" '.linux.namespaces += [{"type": "time"}]
  | .linux.timeOffsets = {"boottime": {"secs": 1000000, "nanosecs": 0}}'
uptime=$(rt run --bundle "$TEST_DIR/timens" t1 | cut -d. -f1)
host_uptime=$(cut -d. -f1 /proc/uptime)
[ "$uptime" -ge $((host_uptime + 999000)) ] && pass "time namespace offsets boottime" || fail "uptime $uptime is not offset from $host_uptime"
make_bundle "$TEST_DIR/offsets-only" true
edit_config "$TEST_DIR/offsets-only" '.linux.timeOffsets = {"boottime": {"secs": 5, "nanosecs": 0}}'
expect_status 1 "time offsets without a time namespace are refused" -- rt run --bundle "$TEST_DIR/offsets-only" t2
expect_contains "$(last_err)" "time offsets require a new time namespace" "offsets wording"

# hostname, domainname, sysctl.
make_bundle "$TEST_DIR/names" sh -c 'hostname; cat /proc/sys/kernel/domainname; cat /proc/sys/net/ipv4/ip_forward'
edit_config "$TEST_DIR/names" '.hostname = "box-1" | .domainname = "example.test" | .linux.sysctl = {"net.ipv4.ip_forward": "1"}'
out=$(rt run --bundle "$TEST_DIR/names" n1)
expect_eq "$(echo $out)" "box-1 example.test 1" "hostname, domainname and sysctl applied"
# (an unknown sysctl key: mounts_options.sh)

# --no-pivot: chroot instead of pivot_root.
make_bundle "$TEST_DIR/nopivot" sh -c 'ls /bin/busybox && echo in-root'
expect_eq "$(rt run --no-pivot --bundle "$TEST_DIR/nopivot" np1 | tail -1)" "in-root" "--no-pivot runs in the rootfs"

finish
