// One config.json mount: binds are cloned with open_tree, given their
// attributes while detached and attached with move_mount; every other type
// goes through mount(2) onto /proc/self/fd/N of the in-root target.
#include "runtime/mount_entry.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>

#include <array>

#include "base/path_in_root.h"
#include "runtime/mount_calls.h"
#include "runtime/tree_copy.h"

namespace berth::runtime {

namespace {

// Files under /proc that lxcfs and similar tools legitimately cover.
constexpr std::array<std::string_view, 10> kAllowedProcMounts{
    "/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo",  "/proc/stat",    "/proc/swaps",
    "/proc/uptime",  "/proc/loadavg",   "/proc/slabinfo", "/proc/net/dev", "/proc/sys/kernel/ns_last_pid",
};

bool is_allowed_proc_mount(const std::string& destination) {
  for (auto allowed : kAllowedProcMounts)
    if (destination == allowed) return true;
  return false;
}

// MOUNT_ATTR_* bits a bind mount's options clear explicitly ("rw", "suid", ...).
uint64_t cleared_attributes(const MountOptions& parsed) {
  uint64_t clear = mount_attributes_from_flags(parsed.cleared);
  constexpr unsigned long kAtimeFlags = MS_NOATIME | MS_STRICTATIME | MS_RELATIME;
  if ((parsed.flags | parsed.cleared) & kAtimeFlags) {
    // mount_setattr(2): an access-time mode replaces the whole field.
    clear &= ~static_cast<uint64_t>(MOUNT_ATTR_NOATIME | MOUNT_ATTR_STRICTATIME);
    clear |= MOUNT_ATTR__ATIME;
  }
  return clear;
}

// In a user namespace the source's ro/nosuid/nodev/noexec may be locked:
// keep them (as runc does) rather than fail the whole container.
uint64_t possibly_locked_attributes(int tree_fd) {
  struct statvfs st {};
  if (::fstatvfs(tree_fd, &st) != 0) return 0;
  uint64_t locked = 0;
  if (st.f_flag & ST_RDONLY) locked |= MOUNT_ATTR_RDONLY;
  if (st.f_flag & ST_NOSUID) locked |= MOUNT_ATTR_NOSUID;
  if (st.f_flag & ST_NODEV) locked |= MOUNT_ATTR_NODEV;
  if (st.f_flag & ST_NOEXEC) locked |= MOUNT_ATTR_NOEXEC;
  if (st.f_flag & (ST_NOATIME | ST_RELATIME)) locked |= MOUNT_ATTR__ATIME;
  return locked;
}

Status apply_after_mount(int mount_fd, const MountOptions& parsed, const std::string& what) {
  if (parsed.has_recursive_attributes())
    BERTH_TRY(set_mount_attributes(mount_fd, parsed.recursive_set, parsed.recursive_clear, true, what));
  for (unsigned long propagation : parsed.propagation) BERTH_TRY(change_propagation(mount_fd, propagation, what));
  return {};
}

// Resolves (creating if needed) a directory target inside the root.
Result<UniqueFd> directory_target(int root_fd, const std::string& destination) {
  BERTH_ASSIGN(UniqueFd target, make_directories_in_root(root_fd, destination));
  BERTH_TRY(check_procfs_target(target.get(), destination));
  return target;
}

bool is_procfs(int fd) {
  struct statfs st {};
  return ::fstatfs(fd, &st) == 0 && st.f_type == PROC_SUPER_MAGIC;
}

Status mount_filesystem(int root_fd, const oci::Mount& mount, const std::string& destination,
                        const MountOptions& parsed, const RootfsOptions& options) {
  std::string what = fmt::format("mount {} on {}", mount.type, destination);
  auto target = directory_target(root_fd, destination);
  if (!target) return with_context(std::move(target), what);

  // For tmpcopyup, an fd opened before the mount still sees what the tmpfs hides.
  UniqueFd covered;
  unsigned long flags = parsed.flags & ~(MS_BIND | MS_REC);
  if (parsed.tmpcopyup) {
    covered.reset(::openat(target->get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!covered) return fail_errno(errno, "{}: open for tmpcopyup", what);
    flags &= ~MS_RDONLY;  // made read-only after the copy
  }
  const char* data = parsed.data.empty() ? nullptr : parsed.data.c_str();
  if (::mount(mount.source.c_str(), fd_path(target->get()).c_str(), mount.type.c_str(), flags, data) != 0) {
    int err = errno;
    // In a user namespace without its own network (or ipc) namespace, the
    // kernel refuses a new sysfs (mqueue): fall back to the host's, as runc does.
    if (err == EPERM && options.in_user_namespace && (mount.type == "sysfs" || mount.type == "mqueue")) {
      MountOptions fallback = parsed;
      fallback.flags |= MS_BIND | MS_REC;
      return bind_mount_entry(root_fd, mount.type == "sysfs" ? "/sys" : "/dev/mqueue", destination, fallback);
    }
    return fail_errno(err, "{}", what);
  }
  if (!parsed.tmpcopyup && !parsed.has_recursive_attributes() && parsed.propagation.empty()) return {};

  // The target fd names the covered directory; reopen to reach the new mount.
  BERTH_ASSIGN(UniqueFd mounted, open_in_root(root_fd, destination, O_RDONLY | O_DIRECTORY));
  if (parsed.tmpcopyup) {
    auto copied = copy_tree(covered.get(), mounted.get());
    if (!copied) return with_context(std::move(copied), what + ": tmpcopyup");
    if (parsed.flags & MS_RDONLY) BERTH_TRY(set_mount_attributes(mounted.get(), MOUNT_ATTR_RDONLY, 0, false, what));
  }
  return apply_after_mount(mounted.get(), parsed, what);
}

}  // namespace

Status check_proc_destination(const std::string& destination, bool is_procfs_mount) {
  if (destination == "/proc") {
    if (is_procfs_mount) return {};
    return fail("mount on /proc: only a procfs can be mounted there");
  }
  if (!destination.starts_with("/proc/") || is_allowed_proc_mount(destination)) return {};
  return fail("mount on {}: refusing to mount inside /proc", destination);
}

Status check_procfs_target(int target_fd, const std::string& destination) {
  if (destination == "/proc" || is_allowed_proc_mount(destination) || !is_procfs(target_fd)) return {};
  return fail("mount on {}: the target resolves into a procfs; refusing", destination);
}

Status bind_mount_entry(int root_fd, const std::string& source, const std::string& destination,
                        const MountOptions& parsed) {
  std::string what = fmt::format("bind mount {} on {}", source, destination);
  auto tree = clone_mount_tree(AT_FDCWD, source, (parsed.flags & MS_REC) != 0, what);
  if (!tree) return std::unexpected(std::move(tree.error()));
  struct stat source_stat {};
  if (::fstat(tree->get(), &source_stat) != 0) return fail_errno(errno, "{}: stat source", what);

  if (destination == "/proc" || destination.starts_with("/proc/"))
    BERTH_TRY(check_proc_destination(destination, is_procfs(tree->get())));
  auto target = S_ISDIR(source_stat.st_mode) ? make_directories_in_root(root_fd, destination)
                                             : make_file_in_root(root_fd, destination);
  if (!target) return with_context(std::move(target), what);
  BERTH_TRY(check_procfs_target(target->get(), destination));

  uint64_t set = mount_attributes_from_flags(parsed.flags);
  uint64_t clear = cleared_attributes(parsed);
  if (set || clear) {
    // Only the top mount, like runc's MS_REMOUNT|MS_BIND; "rro" etc. recurse.
    auto changed = set_mount_attributes(tree->get(), set, clear, false, what);
    if (!changed && changed.error().errno_value == EPERM && clear) {
      uint64_t locked = possibly_locked_attributes(tree->get());
      clear &= ~locked;
      if (locked & MOUNT_ATTR__ATIME) set &= ~static_cast<uint64_t>(MOUNT_ATTR__ATIME);
      changed = set_mount_attributes(tree->get(), set, clear, false, what);
    }
    if (!changed) return changed;
  }
  if (parsed.has_recursive_attributes())
    BERTH_TRY(set_mount_attributes(tree->get(), parsed.recursive_set, parsed.recursive_clear, true, what));
  BERTH_TRY(attach_mount(tree->get(), target->get(), what));
  // After move_mount the tree fd names the attached mount.
  for (unsigned long propagation : parsed.propagation) BERTH_TRY(change_propagation(tree->get(), propagation, what));
  return {};
}

Status mount_entry(int root_fd, const oci::Mount& mount, const RootfsOptions& options) {
  MountOptions parsed = parse_mount_options(mount.options);
  std::string destination = clean_path(mount.destination);
  if (parsed.idmap) return fail("mount on {}: id-mapped mounts are not supported yet", destination);
  if (mount.type == "bind" || parsed.is_bind()) {
    std::string source = mount.source;
    if (!source.starts_with('/') && !options.bundle.empty()) source = options.bundle + "/" + source;
    if (mount.type == "bind") parsed.flags |= MS_BIND;
    return bind_mount_entry(root_fd, source, destination, parsed);
  }
  BERTH_TRY(check_proc_destination(destination, mount.type == "proc"));
  if (mount.type == "cgroup") return mount_cgroup_entry(root_fd, destination, parsed, options);
  return mount_filesystem(root_fd, mount, destination, parsed, options);
}

}  // namespace berth::runtime
