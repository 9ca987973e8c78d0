#include "volume/volume_mount.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "base/path_in_root.h"

namespace berth::volume {

Result<bool> is_mount_point(int dir_fd) {
  struct statx info {};
  if (::statx(dir_fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &info) != 0)
    return fail_errno(errno, "statx");
  if (!(info.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT)) return fail("statx: the kernel does not report mount roots");
  return (info.stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0;
}

Status mount_on(const LocalMountSpec& spec, int dir_fd, const std::string& what) {
  // Propagation and bind flags are not for a filesystem mount; bind volumes
  // are never mounted here.
  unsigned long flags = spec.flags & ~(MS_BIND | MS_REC);
  std::string target = fd_path(dir_fd);
  if (::mount(spec.device.c_str(), target.c_str(), spec.type.c_str(), flags,
              spec.data.empty() ? nullptr : spec.data.c_str()) != 0)
    return fail_errno(errno, "failed to mount local volume {}: mount {} (type {}, options \"{}\")", what, spec.device,
                      spec.type, spec.data);
  return {};
}

Status unmount_at(const std::string& path) {
  if (::umount2(path.c_str(), MNT_DETACH | UMOUNT_NOFOLLOW) != 0 && errno != EINVAL && errno != ENOENT)
    return fail_errno(errno, "unmount {}", path);
  return {};
}

}  // namespace berth::volume
