// Mounting a local volume's device on its _data directory and taking it
// down again (see local_driver_options.h for when).
#pragma once

#include <string>

#include "base/result.h"
#include "volume/local_driver_options.h"

namespace berth::volume {

// Whether the directory dir_fd refers to is the root of a mount.
Result<bool> is_mount_point(int dir_fd);

// Mounts spec.device (type, flags, data) on the directory dir_fd refers to;
// the target is the fd itself (/proc/self/fd/N), never a path looked up again.
Status mount_on(const LocalMountSpec& spec, int dir_fd, const std::string& what);

// Lazily unmounts what is mounted on `path` (not following a symlink there).
// Nothing mounted is success.
Status unmount_at(const std::string& path);

}  // namespace berth::volume
