// Cgroup::create and Cgroup::from_state: detect the layout once, resolve the
// container's directories in each hierarchy, and hand over to v1 or v2.
//
// cgroupsPath: an absolute path ("/berth/web") is taken below the root of
// every hierarchy; a relative one below the runtime's own cgroup; an empty
// one defaults to "/berth/<container_id>".
#include "runtime/cgroup.h"

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "base/file_io.h"
#include "runtime/cgroup_fs.h"
#include "runtime/cgroup_impl.h"
#include "runtime/cgroup_layout.h"

namespace berth::runtime {

CreatedDirs::~CreatedDirs() {
  for (auto it = dirs_.rbegin(); it != dirs_.rend(); ++it) (void)cgroupfs::remove_tree(*it);
}

Status remove_cgroup_directories(const std::vector<std::string>& dirs) {
  Status result;
  for (const auto& dir : dirs) {
    auto removed = cgroupfs::remove_tree(dir);
    if (!removed && result) result = std::move(removed);
  }
  return result;
}

bool CreatedDirs::contains(const std::string& dir) const {
  for (const auto& created : dirs_)
    if (created == dir) return true;
  return false;
}

Result<std::unique_ptr<Cgroup>> Cgroup::create(const std::string& cgroups_path, const std::string& container_id,
                                               const oci::Resources* resources) {
  BERTH_ASSIGN(auto cgroup, begin_create(cgroups_path, container_id, resources));
  BERTH_TRY(cgroup->finish_create());
  return cgroup;
}

Result<std::unique_ptr<Cgroup>> Cgroup::begin_create(const std::string& cgroups_path, const std::string& container_id,
                                                     const oci::Resources* resources) {
  BERTH_ASSIGN(std::string inner, validate_cgroups_path(cgroups_path, container_id));
  BERTH_ASSIGN(CgroupLayout layout, detect_cgroup_layout());
  std::string self_cgroup;
  bool relative = cgroups_path_is_relative(inner);
  if (relative) {
    BERTH_ASSIGN(self_cgroup, read_file("/proc/self/cgroup"));
  }
  auto in_hierarchy = [&](const std::string& mount, std::string_view controller) {
    if (!relative) return mount + inner;
    std::string own = own_cgroup(self_cgroup, controller);
    if (own == "/") own.clear();
    return mount + own + "/" + inner;
  };

  if (layout.kind == CgroupLayoutKind::v2) {
    return create_cgroup_v2(layout.unified_mount, in_hierarchy(layout.unified_mount, ""), resources);
  }
  CgroupV1Paths paths;
  for (const auto& [controller, mount] : layout.v1_mounts) {
    paths.controller_dirs[controller] = in_hierarchy(mount, controller);
    paths.controller_mounts[controller] = mount;
  }
  if (layout.kind == CgroupLayoutKind::hybrid) {
    paths.unified_mount = layout.unified_mount;
    paths.unified_dir = in_hierarchy(layout.unified_mount, "");
  }
  return begin_cgroup_v1(paths, resources);
}

Result<std::unique_ptr<Cgroup>> Cgroup::from_state(const nlohmann::json& saved) {
  try {
    std::string layout = saved.at("layout").get<std::string>();
    if (layout == "v2") return open_cgroup_v2(saved.at("mount").get<std::string>(), saved.at("dir").get<std::string>());
    if (layout == "v1" || layout == "hybrid") {
      CgroupV1Paths paths;
      paths.controller_dirs = saved.at("dirs").get<std::map<std::string, std::string>>();
      paths.controller_mounts = saved.at("mounts").get<std::map<std::string, std::string>>();
      if (layout == "hybrid") {
        paths.unified_dir = saved.at("unified_dir").get<std::string>();
        paths.unified_mount = saved.at("unified_mount").get<std::string>();
      }
      return open_cgroup_v1(std::move(paths));
    }
    return fail("saved cgroup state: unknown layout \"{}\"", layout);
  } catch (const nlohmann::json::exception& error) {
    return fail("saved cgroup state: {}", error.what());
  }
}

}  // namespace berth::runtime
