// Private to the cgroup implementation: the v1 and v2 classes' factories and
// the cgroup v2 helpers that the hybrid layout reuses for its unified part.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "runtime/cgroup.h"

namespace berth::runtime {

// Directories made while creating a cgroup; removed (innermost first) unless
// commit() is called, so a failed create leaves nothing behind.
class CreatedDirs {
 public:
  CreatedDirs() = default;
  CreatedDirs(const CreatedDirs&) = delete;
  CreatedDirs& operator=(const CreatedDirs&) = delete;
  ~CreatedDirs();
  std::vector<std::string>& list() { return dirs_; }
  const std::vector<std::string>& list() const { return dirs_; }
  bool contains(const std::string& dir) const;
  void commit() { dirs_.clear(); }

 private:
  std::vector<std::string> dirs_;
};

// v1 and hybrid. controller_dirs: controller -> this cgroup's directory in
// the controller's hierarchy; unified_dir/unified_mount: hybrid only.
struct CgroupV1Paths {
  std::map<std::string, std::string> controller_dirs;
  std::map<std::string, std::string> controller_mounts;
  std::string unified_dir, unified_mount;
};
// Makes the directories: all of them on a v1 host, the cgroup2 one only on
// a hybrid host, where finish_create() makes the rest (Cgroup::begin_create).
Result<std::unique_ptr<Cgroup>> begin_cgroup_v1(const CgroupV1Paths& paths, const oci::Resources* resources);
std::unique_ptr<Cgroup> open_cgroup_v1(CgroupV1Paths paths);

Result<std::unique_ptr<Cgroup>> create_cgroup_v2(const std::string& mount, const std::string& dir,
                                                 const oci::Resources* resources);
std::unique_ptr<Cgroup> open_cgroup_v2(std::string mount, std::string dir);

namespace cgroup2 {
// Enables controllers in cgroup.subtree_control of every level from `mount`
// down to dir's parent. `wanted` empty: every controller the root offers.
// Levels in `created` are known to be empty and are not read first.
Status enable_controllers(const std::string& mount, const std::string& dir, const std::vector<std::string>& wanted,
                          const CreatedDirs* created);
Status apply_resources(const std::string& dir, const oci::Resources& resources, bool fresh);
Status apply_hugetlb(const std::string& dir, const std::vector<oci::HugepageLimit>& limits);
// Writes the spec's "unified" key/value map; keys name files in dir.
Status apply_unified(const std::string& dir, const std::map<std::string, std::string>& unified);
Status set_frozen(const std::string& dir, bool frozen);
Result<bool> is_frozen(const std::string& dir);
// Controllers that a resources object needs ("hugetlb", "memory", ...).
std::vector<std::string> controllers_for_unified_keys(const std::map<std::string, std::string>& unified);
}  // namespace cgroup2

}  // namespace berth::runtime
