// The "cgroup" mount type: cgroup2 when the host is on the unified hierarchy;
// otherwise a tmpfs holding one mount per v1 hierarchy of this process
// (fresh cgroup mounts in a new cgroup namespace, binds of our own cgroup
// directories otherwise), read-only when asked, as runc does.
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include "base/file_io.h"
#include "base/path_in_root.h"
#include "runtime/mount_calls.h"
#include "runtime/mount_entry.h"

namespace berth::runtime {

namespace {

constexpr unsigned long kPerMountFlags =
    MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME;

struct Hierarchy {
  std::string mount_point;  // host path: /sys/fs/cgroup/memory
  std::string root;         // mountinfo's root of that mount
  std::string type;         // cgroup | cgroup2
  std::string controllers;  // "cpu,cpuacct", "name=systemd"; empty for cgroup2
};

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (;;) {
    size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape_mountinfo(std::string_view field) {
  std::string out;
  for (size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size()) {
      out += static_cast<char>((field[i + 1] - '0') * 64 + (field[i + 2] - '0') * 8 + (field[i + 3] - '0'));
      i += 3;
    } else {
      out += field[i];
    }
  }
  return out;
}

// Keeps the controller names of a cgroup v1 superblock's options, in order.
std::string controllers_of(std::string_view super_options) {
  std::string controllers;
  for (auto option : split(super_options, ',')) {
    if (option == "rw" || option == "ro" || option == "clone_children" || option == "noprefix" || option == "xattr" ||
        option == "cpuset_v2_mode" || option == "favordynmods" || option.starts_with("release_agent="))
      continue;
    if (!controllers.empty()) controllers += ',';
    controllers += option;
  }
  return controllers;
}

Result<std::vector<Hierarchy>> host_hierarchies(const std::string& under) {
  BERTH_ASSIGN(std::string mountinfo, read_file("/proc/self/mountinfo"));
  std::vector<Hierarchy> hierarchies;
  for (auto line : split(mountinfo, '\n')) {
    // id parent major:minor root mount_point options [optional...] - type source super_options
    auto fields = split(line, ' ');
    auto dash = std::find(fields.begin(), fields.end(), "-");
    if (fields.size() < 5 || dash == fields.end() || fields.end() - dash < 4) continue;
    std::string_view type = dash[1];
    if (type != "cgroup" && type != "cgroup2") continue;
    std::string mount_point = unescape_mountinfo(fields[4]);
    if (!mount_point.starts_with(under + "/")) continue;
    hierarchies.push_back(Hierarchy{mount_point, unescape_mountinfo(fields[3]), std::string(type),
                                    type == "cgroup" ? controllers_of(dash[3]) : std::string()});
  }
  return hierarchies;
}

// This process's cgroup path in the hierarchy with these controllers ("" for cgroup2).
std::string own_cgroup_path(const std::string& proc_self_cgroup, const std::string& controllers) {
  for (auto line : split(proc_self_cgroup, '\n')) {
    auto fields = split(line, ':');
    if (fields.size() < 3) continue;
    if (fields[1] != controllers) continue;
    std::string_view path = line.substr(fields[0].size() + fields[1].size() + 2);
    return std::string(path);
  }
  return "/";
}

std::string host_directory(const Hierarchy& hierarchy, const std::string& cgroup_path) {
  std::string relative = cgroup_path;
  if (hierarchy.root != "/" && relative.starts_with(hierarchy.root)) relative = relative.substr(hierarchy.root.size());
  return clean_path(hierarchy.mount_point + "/" + relative);
}

Status mount_one_hierarchy(int tmpfs_fd, const Hierarchy& hierarchy, const std::string& proc_self_cgroup,
                           const MountOptions& parsed, const RootfsOptions& options, const std::string& destination) {
  std::string name = hierarchy.mount_point.substr(hierarchy.mount_point.rfind('/') + 1);
  std::string what = fmt::format("mount cgroup {} on {}/{}", hierarchy.mount_point, destination, name);
  // The tmpfs is ours and fresh: plain *at calls relative to it are safe.
  if (::mkdirat(tmpfs_fd, name.c_str(), 0755) != 0 && errno != EEXIST) return fail_errno(errno, "{}: mkdir", what);
  UniqueFd target(::openat(tmpfs_fd, name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!target) return fail_errno(errno, "{}: open", what);
  if (options.new_cgroup_namespace) {
    // A new cgroup namespace roots a fresh mount at the container's cgroup.
    unsigned long flags = parsed.flags & kPerMountFlags;
    const char* data = hierarchy.controllers.empty() ? nullptr : hierarchy.controllers.c_str();
    if (::mount(hierarchy.type.c_str(), fd_path(target.get()).c_str(), hierarchy.type.c_str(), flags, data) != 0)
      return fail_errno(errno, "{}", what);
  } else {
    std::string source = host_directory(hierarchy, own_cgroup_path(proc_self_cgroup, hierarchy.controllers));
    BERTH_ASSIGN(UniqueFd tree, clone_mount_tree(AT_FDCWD, source, false, what));
    uint64_t set =
        mount_attributes_from_flags(parsed.flags & kPerMountFlags & ~(MS_RELATIME | MS_NOATIME | MS_STRICTATIME));
    if (set) BERTH_TRY(set_mount_attributes(tree.get(), set, 0, false, what));
    BERTH_TRY(attach_mount(tree.get(), target.get(), what));
  }
  // Co-mounted controllers ("cpu,cpuacct") get one symlink per controller.
  if (name.find(',') != std::string::npos)
    for (auto controller : split(name, ','))
      if (::symlinkat(name.c_str(), tmpfs_fd, std::string(controller).c_str()) != 0 && errno != EEXIST)
        return fail_errno(errno, "{}: symlink {}", what, controller);
  return {};
}

Status mount_cgroup_v1(int root_fd, const std::string& destination, const MountOptions& parsed,
                       const RootfsOptions& options) {
  std::string what = fmt::format("mount cgroup on {}", destination);
  BERTH_ASSIGN(UniqueFd target, make_directories_in_root(root_fd, destination));
  BERTH_TRY(check_procfs_target(target.get(), destination));
  unsigned long flags = parsed.flags & kPerMountFlags & ~MS_RDONLY;
  if (::mount("tmpfs", fd_path(target.get()).c_str(), "tmpfs", flags, "mode=755") != 0)
    return fail_errno(errno, "{}: mount tmpfs", what);
  BERTH_ASSIGN(UniqueFd tmpfs, open_in_root(root_fd, destination, O_PATH | O_DIRECTORY));
  BERTH_ASSIGN(auto hierarchies, host_hierarchies("/sys/fs/cgroup"));
  BERTH_ASSIGN(std::string proc_self_cgroup, read_file("/proc/self/cgroup"));
  for (const auto& hierarchy : hierarchies)
    BERTH_TRY(mount_one_hierarchy(tmpfs.get(), hierarchy, proc_self_cgroup, parsed, options, destination));
  if (parsed.flags & MS_RDONLY) BERTH_TRY(set_mount_attributes(tmpfs.get(), MOUNT_ATTR_RDONLY, 0, false, what));
  for (unsigned long propagation : parsed.propagation) BERTH_TRY(change_propagation(tmpfs.get(), propagation, what));
  return {};
}

Status mount_cgroup_v2(int root_fd, const std::string& destination, const MountOptions& parsed,
                       const RootfsOptions& options) {
  std::string what = fmt::format("mount cgroup2 on {}", destination);
  BERTH_ASSIGN(UniqueFd target, make_directories_in_root(root_fd, destination));
  BERTH_TRY(check_procfs_target(target.get(), destination));
  unsigned long flags = parsed.flags & kPerMountFlags;
  if (::mount("cgroup2", fd_path(target.get()).c_str(), "cgroup2", flags, nullptr) == 0) {
    if (parsed.propagation.empty()) return {};
    BERTH_ASSIGN(UniqueFd mounted, open_in_root(root_fd, destination, O_PATH | O_DIRECTORY));
    for (unsigned long propagation : parsed.propagation)
      BERTH_TRY(change_propagation(mounted.get(), propagation, what));
    return {};
  }
  int err = errno;
  if (err != EPERM && err != EBUSY) return fail_errno(err, "{}", what);
  // A user namespace without its own cgroup namespace may not mount cgroup2:
  // bind our own cgroup directory instead, as runc does.
  (void)options;
  BERTH_ASSIGN(std::string proc_self_cgroup, read_file("/proc/self/cgroup"));
  MountOptions bind = parsed;
  bind.flags |= MS_BIND | MS_REC;
  std::string source = clean_path("/sys/fs/cgroup/" + own_cgroup_path(proc_self_cgroup, ""));
  return bind_mount_entry(root_fd, source, destination, bind);
}

}  // namespace

Status mount_cgroup_entry(int root_fd, const std::string& destination, const MountOptions& parsed,
                          const RootfsOptions& options) {
  struct statfs host {};
  if (::statfs("/sys/fs/cgroup", &host) != 0)
    return fail_errno(errno, "mount cgroup on {}: statfs /sys/fs/cgroup", destination);
  if (host.f_type == CGROUP2_SUPER_MAGIC) return mount_cgroup_v2(root_fd, destination, parsed, options);
  return mount_cgroup_v1(root_fd, destination, parsed, options);
}

}  // namespace berth::runtime
