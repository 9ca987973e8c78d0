// Where the host mounts its cgroup hierarchies, detected once per process
// from statfs(/sys/fs/cgroup) and /proc/self/mountinfo, and how a spec's
// cgroupsPath maps to a path inside each hierarchy.
#pragma once

#include <map>
#include <string>

#include "base/result.h"

namespace berth::runtime {

enum class CgroupLayoutKind { v1, v2, hybrid };

struct CgroupLayout {
  CgroupLayoutKind kind = CgroupLayoutKind::v2;
  // v1/hybrid: controller name ("cpu", "memory", ...) -> mountpoint. Co-mounted
  // controllers ("cpu,cpuacct") share one mountpoint.
  std::map<std::string, std::string> v1_mounts;
  // v2: the unified mount; hybrid: the extra cgroup2 mount; v1: empty.
  std::string unified_mount;
};

Result<CgroupLayout> detect_cgroup_layout();

// Parses mountinfo text (split out for tests).
CgroupLayout parse_cgroup_mounts(std::string_view mountinfo, bool root_is_cgroup2);

// Validates a spec cgroupsPath and returns the absolute path inside each
// hierarchy. Empty -> "/berth/<container_id>". A relative path is taken
// relative to the runtime's own cgroup (as runc does), read from
// /proc/self/cgroup for `hierarchy` ("" for the unified one). Rejects "..",
// and the systemd "slice:prefix:name" form (no systemd driver).
Result<std::string> validate_cgroups_path(const std::string& cgroups_path, const std::string& container_id);
bool cgroups_path_is_relative(const std::string& validated);

// The runtime's own cgroup in a v1 hierarchy (by controller) or in the
// unified one (controller ""), from /proc/self/cgroup text.
std::string own_cgroup(std::string_view proc_self_cgroup, std::string_view controller);

std::string_view layout_kind_name(CgroupLayoutKind kind);

}  // namespace berth::runtime
