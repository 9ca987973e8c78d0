// Masked and read-only paths. /dev/null is opened once and checked to be the
// real null device: a rootfs whose /dev/null is a symlink (or a plain file)
// must not get to choose what we bind over a masked path (CVE-2025-31133).
#include "runtime/masked_paths.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "base/path_in_root.h"
#include "runtime/mount_calls.h"

namespace berth::runtime {

namespace {

// The container's path, or nothing when it does not exist.
Result<UniqueFd> open_existing(int root_fd, const std::string& path) {
  auto fd = open_in_root(root_fd, path, O_PATH);
  if (!fd && fd.error().errno_value == ENOENT) return UniqueFd();
  return fd;
}

Result<UniqueFd> open_null_device(int root_fd) {
  BERTH_ASSIGN(UniqueFd null_fd, open_in_root(root_fd, "/dev/null", O_PATH | O_NOFOLLOW));
  struct stat st {};
  if (::fstat(null_fd.get(), &st) != 0) return fail_errno(errno, "stat /dev/null in container");
  if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != 1 || minor(st.st_rdev) != 3)
    return fail("/dev/null in container is not the null device (1:3); refusing to mask paths with it");
  return null_fd;
}

}  // namespace

Status apply_readonly_paths(int root_fd, const std::vector<std::string>& paths) {
  for (const auto& path : paths) {
    BERTH_ASSIGN(UniqueFd target, open_existing(root_fd, path));
    if (!target) continue;
    std::string what = fmt::format("make {} read-only", path);
    BERTH_ASSIGN(UniqueFd tree, clone_mount_tree(target.get(), "", true, what));
    BERTH_TRY(set_mount_attributes(tree.get(), MOUNT_ATTR_RDONLY, 0, true, what));
    BERTH_TRY(attach_mount(tree.get(), target.get(), what));
  }
  return {};
}

Status apply_masked_paths(int root_fd, const std::vector<std::string>& paths) {
  UniqueFd null_fd;
  for (const auto& path : paths) {
    BERTH_ASSIGN(UniqueFd target, open_existing(root_fd, path));
    if (!target) continue;
    if (!null_fd) {
      BERTH_ASSIGN(null_fd, open_null_device(root_fd));
    }
    std::string target_path = fd_path(target.get());
    // Asked first rather than learnt from a failed bind: a bind of /dev/null
    // onto a directory fails only after the kernel has made the new mount,
    // and tearing that down waits for an expedited RCU grace period
    // (~75 us here, twice per container with Docker's list).
    struct stat st {};
    if (::fstat(target.get(), &st) != 0) return fail_errno(errno, "mask {}: stat", path);
    if (S_ISDIR(st.st_mode)) {
      // A directory: cover it with an empty read-only tmpfs.
      if (::mount("tmpfs", target_path.c_str(), "tmpfs", MS_RDONLY, nullptr) != 0)
        return fail_errno(errno, "mask {}: mount tmpfs", path);
      continue;
    }
    if (::mount(fd_path(null_fd.get()).c_str(), target_path.c_str(), nullptr, MS_BIND, nullptr) != 0)
      return fail_errno(errno, "mask {}: bind /dev/null", path);
  }
  return {};
}

}  // namespace berth::runtime
