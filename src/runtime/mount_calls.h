// Thin wrappers over the fd-based mount syscalls (open_tree, mount_setattr,
// move_mount) used by the rootfs code, with errors that name the container path.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "base/unique_fd.h"

namespace berth::runtime {

// A detached copy of the mount at `path` (relative to dir_fd; "" means dir_fd
// itself), with its submounts when `recursive`: open_tree(OPEN_TREE_CLONE).
Result<UniqueFd> clone_mount_tree(int dir_fd, const std::string& path, bool recursive, std::string_view what);

// mount_setattr on the mount behind mount_fd (AT_RECURSIVE when `recursive`).
Status set_mount_attributes(int mount_fd, uint64_t set, uint64_t clear, bool recursive, std::string_view what);

// move_mount of a detached tree onto the directory or file behind target_fd.
Status attach_mount(int tree_fd, int target_fd, std::string_view what);

// MS_SHARED / MS_SLAVE / MS_PRIVATE / MS_UNBINDABLE (| MS_REC) on the mount behind mount_fd.
Status change_propagation(int mount_fd, unsigned long flags, std::string_view what);

}  // namespace berth::runtime
