// Device nodes and /dev symlinks, created fd-relative inside the container root.
#include "runtime/devices.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <array>

#include "base/path_in_root.h"

namespace berth::runtime {

namespace {

struct DefaultDevice {
  const char* path;
  int64_t major, minor;
};

constexpr std::array<DefaultDevice, 6> kDefaultDevices{{
    {"/dev/null", 1, 3},
    {"/dev/zero", 1, 5},
    {"/dev/full", 1, 7},
    {"/dev/random", 1, 8},
    {"/dev/urandom", 1, 9},
    {"/dev/tty", 5, 0},
}};

Result<mode_t> node_type(const oci::Device& device) {
  if (device.type == "c" || device.type == "u") return S_IFCHR;
  if (device.type == "b") return S_IFBLK;
  if (device.type == "p") return S_IFIFO;
  return fail("device {}: unknown type \"{}\"", device.path, device.type);
}

// Restores the umask on scope exit: device modes must be exactly fileMode.
class ZeroUmask {
 public:
  ZeroUmask() : saved_(::umask(0)) {}
  ~ZeroUmask() { ::umask(saved_); }
  ZeroUmask(const ZeroUmask&) = delete;
  ZeroUmask& operator=(const ZeroUmask&) = delete;

 private:
  mode_t saved_;
};

Status make_node(int root_fd, int dev_fd, const oci::Device& device) {
  BERTH_ASSIGN(mode_t type, node_type(device));
  std::string path = clean_path(device.path);
  if (path == "/") return fail("device {}: not a device path", device.path);
  size_t slash = path.rfind('/');
  std::string parent = slash == 0 ? "/" : path.substr(0, slash);
  std::string name = path.substr(slash + 1);
  UniqueFd parent_fd;
  int dir_fd = dev_fd;
  if (parent != "/dev") {
    BERTH_ASSIGN(parent_fd, make_directories_in_root(root_fd, parent));
    dir_fd = parent_fd.get();
  }
  mode_t mode = type | (device.file_mode.value_or(0666) & 07777);
  dev_t number = type == S_IFIFO ? 0 : makedev(device.major, device.minor);
  if (::mknodat(dir_fd, name.c_str(), mode, number) != 0) {
    // An existing node is kept, as runc does.
    if (errno == EEXIST) return {};
    return fail_errno(errno, "mknod {} in container root", path);
  }
  uint32_t uid = device.uid.value_or(0), gid = device.gid.value_or(0);
  if ((uid != 0 || gid != 0) && ::fchownat(dir_fd, name.c_str(), uid, gid, AT_SYMLINK_NOFOLLOW) != 0)
    return fail_errno(errno, "chown {} in container root", path);
  return {};
}

Status bind_node(int root_fd, const oci::Device& device) {
  std::string path = clean_path(device.path);
  BERTH_ASSIGN(UniqueFd target, make_file_in_root(root_fd, path, 0));
  if (::mount(device.path.c_str(), fd_path(target.get()).c_str(), nullptr, MS_BIND, nullptr) != 0)
    return fail_errno(errno, "bind mount device {} in container root", device.path);
  return {};
}

Status make_symlink(int dev_fd, const char* target, const char* name) {
  if (::symlinkat(target, dev_fd, name) != 0 && errno != EEXIST)
    return fail_errno(errno, "symlink /dev/{} -> {} in container root", name, target);
  return {};
}

}  // namespace

std::vector<oci::Device> container_devices(const oci::Spec& spec) {
  std::vector<oci::Device> devices;
  devices.reserve(kDefaultDevices.size() + spec.linux.devices.size());
  for (const auto& default_device : kDefaultDevices) {
    bool overridden = false;
    for (const auto& device : spec.linux.devices)
      if (clean_path(device.path) == default_device.path) overridden = true;
    if (overridden) continue;
    devices.push_back(oci::Device{"c", default_device.path, default_device.major, default_device.minor, 0666, 0u, 0u});
  }
  devices.insert(devices.end(), spec.linux.devices.begin(), spec.linux.devices.end());
  return devices;
}

Status check_dev_directory(int root_fd) {
  struct stat st {};
  if (::fstatat(root_fd, "dev", &st, AT_SYMLINK_NOFOLLOW) == 0) {
    if (S_ISLNK(st.st_mode)) return fail("container root: /dev is a symlink; refusing to create devices through it");
    if (!S_ISDIR(st.st_mode)) return fail("container root: /dev is not a directory");
    return {};
  }
  if (errno != ENOENT) return fail_errno(errno, "stat /dev in container root");
  if (::mkdirat(root_fd, "dev", 0755) != 0 && errno != EEXIST) return fail_errno(errno, "mkdir /dev in container root");
  return {};
}

Status create_devices(int root_fd, const std::vector<oci::Device>& devices, bool in_user_namespace) {
  if (in_user_namespace) {
    for (const auto& device : devices) BERTH_TRY(bind_node(root_fd, device));
    return {};
  }
  BERTH_ASSIGN(UniqueFd dev_fd, open_in_root(root_fd, "/dev", O_PATH | O_DIRECTORY));
  ZeroUmask zero_umask;
  for (const auto& device : devices) BERTH_TRY(make_node(root_fd, dev_fd.get(), device));
  return {};
}

Status create_dev_symlinks(int root_fd, bool devpts_mounted) {
  BERTH_ASSIGN(UniqueFd dev_fd, open_in_root(root_fd, "/dev", O_PATH | O_DIRECTORY));
  BERTH_TRY(make_symlink(dev_fd.get(), "/proc/self/fd", "fd"));
  BERTH_TRY(make_symlink(dev_fd.get(), "/proc/self/fd/0", "stdin"));
  BERTH_TRY(make_symlink(dev_fd.get(), "/proc/self/fd/1", "stdout"));
  BERTH_TRY(make_symlink(dev_fd.get(), "/proc/self/fd/2", "stderr"));
  // Still the host's /proc here: pivot_root comes later.
  if (::access("/proc/kcore", F_OK) == 0) BERTH_TRY(make_symlink(dev_fd.get(), "/proc/kcore", "core"));
  if (devpts_mounted) {
    if (::unlinkat(dev_fd.get(), "ptmx", 0) != 0 && errno != ENOENT)
      return fail_errno(errno, "remove /dev/ptmx in container root");
    BERTH_TRY(make_symlink(dev_fd.get(), "pts/ptmx", "ptmx"));
  }
  return {};
}

}  // namespace berth::runtime
