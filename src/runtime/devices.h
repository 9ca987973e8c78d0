// Device nodes in the container's /dev: the default set every container gets
// (null, zero, full, random, urandom, tty), linux.devices, and the standard
// /dev symlinks (fd, stdin, stdout, stderr, core, ptmx).
#pragma once

#include <vector>

#include "base/result.h"
#include "oci/runtime_spec.h"

namespace berth::runtime {

// The defaults merged with spec.linux.devices (a spec entry replaces the
// default with the same path).
std::vector<oci::Device> container_devices(const oci::Spec& spec);

// Fails when the rootfs's /dev is a symlink (it could point a device node or
// a mask at something else); creates /dev when it is missing.
Status check_dev_directory(int root_fd);

// mknod each device inside the root, or, in a user namespace (where mknod is
// refused), bind-mount the host's node onto an empty file.
Status create_devices(int root_fd, const std::vector<oci::Device>& devices, bool in_user_namespace);

// /dev/fd, /dev/stdin, /dev/stdout, /dev/stderr, /dev/core (when the host has
// /proc/kcore) and, when devpts is mounted on /dev/pts, /dev/ptmx → pts/ptmx.
Status create_dev_symlinks(int root_fd, bool devpts_mounted);

}  // namespace berth::runtime
