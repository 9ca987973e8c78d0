// fd-based mount syscalls: a mount is built detached, given its attributes,
// then attached in one step, so it is never visible half-configured.
#include "runtime/mount_calls.h"

#include <fcntl.h>
#include <sys/mount.h>

#include "base/path_in_root.h"

namespace berth::runtime {

Result<UniqueFd> clone_mount_tree(int dir_fd, const std::string& path, bool recursive, std::string_view what) {
  unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC;
  if (recursive) flags |= AT_RECURSIVE;
  if (path.empty()) flags |= AT_EMPTY_PATH;
  int fd = ::open_tree(dir_fd, path.c_str(), flags);
  if (fd < 0) return fail_errno(errno, "{}: clone mount {}", what, path.empty() ? fd_path(dir_fd) : path);
  return UniqueFd(fd);
}

Status set_mount_attributes(int mount_fd, uint64_t set, uint64_t clear, bool recursive, std::string_view what) {
  mount_attr attributes{};
  attributes.attr_set = set;
  attributes.attr_clr = clear;
  unsigned flags = AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0);
  if (::mount_setattr(mount_fd, "", flags, &attributes, sizeof attributes) != 0)
    return fail_errno(errno, "{}: set mount attributes", what);
  return {};
}

Status attach_mount(int tree_fd, int target_fd, std::string_view what) {
  if (::move_mount(tree_fd, "", target_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) != 0)
    return fail_errno(errno, "{}: attach mount", what);
  return {};
}

Status change_propagation(int mount_fd, unsigned long flags, std::string_view what) {
  if (::mount(nullptr, fd_path(mount_fd).c_str(), nullptr, flags, nullptr) != 0)
    return fail_errno(errno, "{}: change mount propagation", what);
  return {};
}

}  // namespace berth::runtime
