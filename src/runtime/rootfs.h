// The container's filesystem view: mounts, devices, pivot_root, masked and
// read-only paths. Runs in the container's init, inside its new mount
// namespace. Every mount target is resolved with openat2(RESOLVE_IN_ROOT) and
// mounted through the fd (see base/path_in_root.h).
#pragma once

#include <functional>
#include <string>

#include "base/result.h"
#include "oci/runtime_spec.h"

namespace berth::runtime {

struct RootfsOptions {
  std::string rootfs;              // absolute host path of spec.root.path, resolved against the bundle
  bool in_user_namespace = false;  // then devices are bind-mounted, not mknod'ed
  bool new_cgroup_namespace = false;
  std::string bundle;  // relative bind-mount sources resolve against it (empty: the current directory)
  // overlayfs mount data ("lowerdir=…,upperdir=…,workdir=…") from the
  // annotation kOverlayRootfsAnnotation: the rootfs is this overlay, mounted
  // inside the container's mount namespace, so it goes away with the
  // container whatever happens to the engine. Empty: bind the rootfs.
  std::string overlay;
  // Called before each "cgroup" mount, which binds the directories the
  // caller is in: the init's last moment to join a cgroup still being made.
  std::function<Status()> before_cgroup_mount;
};

// Berth's engine gives containers their image layers this way; any runtime
// user may. Needs the container's own mount namespace.
inline constexpr std::string_view kOverlayRootfsAnnotation = "org.berth.rootfs.overlay";

// Stage 1, before the createContainer hooks: make "/" private (or the spec's
// rootfsPropagation), bind the rootfs onto itself, perform spec.mounts in
// order, create linux.devices and the default devices and /dev symlinks.
// Leaves the current directory at the container root.
Status prepare_rootfs(const oci::Spec& spec, const RootfsOptions& options);

// Bind-mounts a pty slave (e.g. "/proc/self/fd/N") onto the container's
// /dev/console, creating the file. Call between prepare_rootfs and
// enter_rootfs: prepare_rootfs leaves the current directory at the container
// root, and the console is resolved inside it.
Status bind_console(const std::string& pty_slave_path);

// The same with the container root given as an fd.
Status bind_console_in_root(int root_fd, const std::string& pty_slave_path);

// Stage 2, after the createContainer hooks: pivot_root into the rootfs (or
// chroot when no_pivot), apply sysctl, readonlyPaths, maskedPaths,
// root.readonly, and rootfsPropagation.
Status enter_rootfs(const oci::Spec& spec, const RootfsOptions& options, bool no_pivot);

}  // namespace berth::runtime
