#include "store/inode_placement.h"

#include <linux/fs.h>
#include <sys/ioctl.h>

namespace berth::store {

Status spread_subdirectories(int directory_fd) {
  // The kernel reads and writes an int, whatever the ioctl's declared type.
  int flags = 0;
  if (::ioctl(directory_fd, FS_IOC_GETFLAGS, &flags) != 0) return fail_errno(errno, "read inode flags");
  if (flags & FS_TOPDIR_FL) return {};
  flags |= FS_TOPDIR_FL;
  if (::ioctl(directory_fd, FS_IOC_SETFLAGS, &flags) != 0) return fail_errno(errno, "set FS_TOPDIR_FL");
  return {};
}

}  // namespace berth::store
