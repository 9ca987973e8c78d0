// The container's filesystem view, in two stages around the createContainer
// hooks. Everything here runs inside the container's own mount namespace.
#include "runtime/rootfs.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/path_in_root.h"
#include "runtime/devices.h"
#include "runtime/masked_paths.h"
#include "runtime/mount_calls.h"
#include "runtime/mount_entry.h"
#include "runtime/mount_options.h"
#include "runtime/sysctl.h"

namespace berth::runtime {

namespace {

Result<unsigned long> root_propagation(const oci::Spec& spec) {
  if (spec.linux.rootfs_propagation.empty()) return MS_SLAVE | MS_REC;
  return parse_propagation(spec.linux.rootfs_propagation);
}

// runc's needsSetupDev: a /dev bound from the host brings its own nodes.
bool needs_device_setup(const oci::Spec& spec) {
  for (const auto& mount : spec.mounts) {
    if (clean_path(mount.destination) != "/dev") continue;
    if (mount.type == "bind") return false;
    for (const auto& option : mount.options)
      if (option == "bind" || option == "rbind") return false;
  }
  return true;
}

bool devpts_on_dev_pts(const oci::Spec& spec) {
  for (const auto& mount : spec.mounts)
    if (mount.type == "devpts" && clean_path(mount.destination) == "/dev/pts") return true;
  return false;
}

std::string parent_directory(const std::string& path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos || slash == 0) return "/";
  return path.substr(0, slash);
}

// The mount point of the mount holding `path`: propagation can only be
// changed on a mount's root.
std::string enclosing_mount_point(std::string path) {
  for (;;) {
    struct statx st {};
    if (path == "/" ||
        (::statx(AT_FDCWD, path.c_str(), 0, STATX_TYPE, &st) == 0 && (st.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) &&
         (st.stx_attributes & STATX_ATTR_MOUNT_ROOT)))
      return path;
    path = parent_directory(path);
  }
}

Status pivot_into(const std::string& rootfs) {
  UniqueFd old_root(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!old_root) return fail_errno(errno, "open the old root");
  if (::chdir(rootfs.c_str()) != 0) return fail_errno(errno, "chdir {}", rootfs);
  // pivot_root(".", ".") stacks the old root on top of the new one; no
  // directory inside the container is needed to park it.
  if (::syscall(SYS_pivot_root, ".", ".") != 0) return fail_errno(errno, "pivot_root {}", rootfs);
  if (::fchdir(old_root.get()) != 0) return fail_errno(errno, "chdir to the old root");
  // Slave first, so that detaching it does not propagate an unmount to the host.
  if (::mount(nullptr, ".", nullptr, MS_SLAVE | MS_REC, nullptr) != 0)
    return fail_errno(errno, "make the old root rslave");
  if (::umount2(".", MNT_DETACH) != 0) return fail_errno(errno, "detach the old root");
  if (::chdir("/") != 0) return fail_errno(errno, "chdir / in the container");
  return {};
}

Status move_into(const std::string& rootfs) {
  if (::chdir(rootfs.c_str()) != 0) return fail_errno(errno, "chdir {}", rootfs);
  if (::mount(rootfs.c_str(), "/", nullptr, MS_MOVE, nullptr) != 0) return fail_errno(errno, "move {} to /", rootfs);
  if (::chroot(".") != 0) return fail_errno(errno, "chroot {}", rootfs);
  if (::chdir("/") != 0) return fail_errno(errno, "chdir / in the container");
  return {};
}

}  // namespace

Status prepare_rootfs(const oci::Spec& spec, const RootfsOptions& options) {
  BERTH_ASSIGN(unsigned long propagation, root_propagation(spec));
  if (::mount(nullptr, "/", nullptr, propagation, nullptr) != 0)
    return fail_errno(errno, "set the propagation of / to {}",
                      spec.linux.rootfs_propagation.empty() ? "rslave" : spec.linux.rootfs_propagation);
  if (propagation & MS_SHARED) {
    // pivot_root refuses a new root whose parent mount is shared.
    std::string parent = enclosing_mount_point(parent_directory(options.rootfs));
    if (::mount(nullptr, parent.c_str(), nullptr, MS_PRIVATE, nullptr) != 0)
      return fail_errno(errno, "make the mount holding {} private", parent);
  }
  // The root must be a mount point for pivot_root, and a mount of our own.
  if (!options.overlay.empty()) {
    if (options.overlay.size() >= 4096)  // mount(2) takes one page of options
      return fail("overlay rootfs: {} bytes of mount options, more than the kernel's 4095", options.overlay.size());
    if (::mount("overlay", options.rootfs.c_str(), "overlay", 0, options.overlay.c_str()) != 0)
      return fail_errno(errno, "mount the overlay rootfs on {}", options.rootfs);
  } else if (::mount(options.rootfs.c_str(), options.rootfs.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0) {
    return fail_errno(errno, "bind the rootfs {} onto itself", options.rootfs);
  }
  UniqueFd root_fd(::open(options.rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root_fd) return fail_errno(errno, "open rootfs {}", options.rootfs);

  bool setup_dev = needs_device_setup(spec);
  if (setup_dev) BERTH_TRY(check_dev_directory(root_fd.get()));
  for (const auto& mount : spec.mounts) {
    if (mount.type == "cgroup" && options.before_cgroup_mount) BERTH_TRY(options.before_cgroup_mount());
    BERTH_TRY(mount_entry(root_fd.get(), mount, options));
  }
  if (setup_dev) {
    BERTH_TRY(create_devices(root_fd.get(), container_devices(spec), options.in_user_namespace));
    BERTH_TRY(create_dev_symlinks(root_fd.get(), devpts_on_dev_pts(spec)));
  }
  if (::fchdir(root_fd.get()) != 0) return fail_errno(errno, "chdir to rootfs {}", options.rootfs);
  return {};
}

Status bind_console_in_root(int root_fd, const std::string& pty_slave_path) {
  BERTH_ASSIGN(UniqueFd console, make_file_in_root(root_fd, "/dev/console", 0666));
  if (::mount(pty_slave_path.c_str(), fd_path(console.get()).c_str(), nullptr, MS_BIND, nullptr) != 0)
    return fail_errno(errno, "bind {} onto /dev/console", pty_slave_path);
  return {};
}

Status bind_console(const std::string& pty_slave_path) {
  UniqueFd root_fd(::open(".", O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root_fd) return fail_errno(errno, "open the container root (current directory)");
  return bind_console_in_root(root_fd.get(), pty_slave_path);
}

Status enter_rootfs(const oci::Spec& spec, const RootfsOptions& options, bool no_pivot) {
  BERTH_TRY(no_pivot ? move_into(options.rootfs) : pivot_into(options.rootfs));
  UniqueFd root_fd(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root_fd) return fail_errno(errno, "open / in the container");
  BERTH_TRY(apply_sysctls(root_fd.get(), spec.linux.sysctl));
  BERTH_TRY(apply_readonly_paths(root_fd.get(), spec.linux.readonly_paths));
  BERTH_TRY(apply_masked_paths(root_fd.get(), spec.linux.masked_paths));
  if (spec.root.readonly) {
    // mount_setattr only adds MOUNT_ATTR_RDONLY: flags locked by a user namespace stay as they are.
    auto readonly = set_mount_attributes(root_fd.get(), MOUNT_ATTR_RDONLY, 0, false, "make / read-only");
    if (!readonly) return readonly;
  }
  if (!spec.linux.rootfs_propagation.empty()) {
    BERTH_ASSIGN(unsigned long propagation, parse_propagation(spec.linux.rootfs_propagation));
    if (::mount(nullptr, "/", nullptr, propagation, nullptr) != 0)
      return fail_errno(errno, "set the propagation of / to {}", spec.linux.rootfs_propagation);
  }
  return {};
}

}  // namespace berth::runtime
