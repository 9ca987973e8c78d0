// linux.sysctl, written fd-relative under a /proc/sys checked to be procfs,
// so a rootfs cannot turn a sysctl write into a write to one of its files.
#include "runtime/sysctl.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <algorithm>

#include "base/path_in_root.h"

namespace berth::runtime {

Status apply_sysctls(int root_fd, const std::map<std::string, std::string>& sysctls) {
  if (sysctls.empty()) return {};
  auto proc_sys = open_in_root(root_fd, "/proc/sys", O_PATH | O_DIRECTORY);
  if (!proc_sys) return with_context(std::move(proc_sys), "linux.sysctl");
  struct statfs st {};
  if (::fstatfs(proc_sys->get(), &st) != 0) return fail_errno(errno, "linux.sysctl: statfs /proc/sys");
  if (st.f_type != PROC_SUPER_MAGIC) return fail("linux.sysctl: /proc/sys in the container is not a procfs");
  for (const auto& [key, value] : sysctls) {
    std::string relative = key;
    std::replace(relative.begin(), relative.end(), '.', '/');
    if (relative.empty() || clean_path(relative) != "/" + relative)
      return fail("linux.sysctl: invalid key \"{}\"", key);
    // open_in_root keeps ".." and symlinks inside /proc/sys.
    auto file = open_in_root(proc_sys->get(), relative, O_WRONLY | O_TRUNC);
    if (!file) return with_context(std::move(file), fmt::format("linux.sysctl {}", key));
    ssize_t written = ::write(file->get(), value.data(), value.size());
    if (written < 0) return fail_errno(errno, "linux.sysctl {}={}: write", key, value);
  }
  return {};
}

}  // namespace berth::runtime
