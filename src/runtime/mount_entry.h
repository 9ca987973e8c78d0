// Performs one config.json mount inside the container root (before
// pivot_root). Targets are resolved with openat2(RESOLVE_IN_ROOT) and mounted
// through their fd, so a symlink in the rootfs cannot send a mount outside it.
#pragma once

#include <string>

#include "base/result.h"
#include "oci/runtime_spec.h"
#include "runtime/mount_options.h"
#include "runtime/rootfs.h"

namespace berth::runtime {

// One entry of spec.mounts, in the context of the open container root.
Status mount_entry(int root_fd, const oci::Mount& mount, const RootfsOptions& options);

// A bind mount of host `source` on `destination` (a cleaned container path).
Status bind_mount_entry(int root_fd, const std::string& source, const std::string& destination,
                        const MountOptions& parsed);

// type "cgroup": cgroup2, or a read-only tmpfs holding the v1 hierarchies.
Status mount_cgroup_entry(int root_fd, const std::string& destination, const MountOptions& parsed,
                          const RootfsOptions& options);

// Refuses mounting over /proc/<anything> except the files lxcfs emulates, and
// over /proc itself unless the mount is a procfs (runc's checkProcMount).
Status check_proc_destination(const std::string& destination, bool is_procfs_mount);

// Like check_proc_destination, for a target whose resolved fd turned out to be
// on a procfs (a symlink elsewhere in the rootfs can lead there).
Status check_procfs_target(int target_fd, const std::string& destination);

}  // namespace berth::runtime
