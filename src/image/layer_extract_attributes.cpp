// Ownership, mode, xattrs and times of extracted entries. The order is forced
// by the kernel: chown clears setuid/setgid and security.capability, so the
// mode and the xattrs come after it; and every call acts on the entry's own
// fd or with AT_SYMLINK_NOFOLLOW, so a symlink in the layer never redirects
// a chmod or chown to the host (CVE-2021-32760).
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include "image/layer_extract_writer.h"
#include "image/whiteout.h"

namespace berth {

namespace {

constexpr std::string_view kCapabilityXattr = "security.capability";

bool xattr_allowed(std::string_view name) {
  if (name == kCapabilityXattr) return true;  // file capabilities (ping's cap_net_raw)
  if (name.starts_with("user.")) return true;
  // Overlay state comes from whiteout entries only: a header-supplied
  // trusted.overlay.redirect or .metacopy would reach into other layers.
  if (name.starts_with("trusted.overlay.")) return false;
  return name.starts_with("trusted.");
}

}  // namespace

Status LayerWriter::apply_attributes(int fd, const LayerEntry& entry) {
  if (options_.preserve_ownership && ::fchown(fd, entry.uid, entry.gid) != 0)
    return fail_errno(errno, "chown {}:{}", entry.uid, entry.gid);
  if (::fchmod(fd, entry.mode) != 0) return fail_errno(errno, "chmod {:o}", entry.mode);
  return apply_xattrs(fd, entry);
}

Status LayerWriter::apply_xattrs(int fd, const LayerEntry& entry) {
  for (const auto& [name, value] : entry.xattrs) {
    if (!xattr_allowed(name)) {
      ++xattrs_skipped_;
      continue;
    }
    if (::fsetxattr(fd, name.c_str(), value.data(), value.size(), 0) == 0) continue;
    // A filesystem without user/trusted xattrs still holds a working image;
    // one that drops file capabilities does not (ping would break).
    if ((errno == ENOTSUP || errno == EPERM) && name != kCapabilityXattr) {
      ++xattrs_skipped_;
      continue;
    }
    return fail_errno(errno, "set xattr {}", name);
  }
  return {};
}

Status LayerWriter::apply_attributes_at(int dir_fd, const std::string& name, const LayerEntry& entry) {
  const char* path = name.c_str();
  if (options_.preserve_ownership && ::fchownat(dir_fd, path, entry.uid, entry.gid, AT_SYMLINK_NOFOLLOW) != 0)
    return fail_errno(errno, "chown {}:{}", entry.uid, entry.gid);
  // Linux ignores a symlink's own mode. For device nodes and fifos glibc does
  // the no-follow chmod through an O_PATH fd.
  if (entry.type != LayerEntry::Type::symlink && ::fchmodat(dir_fd, path, entry.mode, AT_SYMLINK_NOFOLLOW) != 0)
    return fail_errno(errno, "chmod {:o}", entry.mode);
  xattrs_skipped_ += entry.xattrs.size();
  const timespec times[2] = {entry.atime, entry.mtime};
  if (::utimensat(dir_fd, path, times, AT_SYMLINK_NOFOLLOW) != 0) return fail_errno(errno, "set times");
  return {};
}

Status LayerWriter::set_times(int fd, const LayerEntry& entry) {
  const timespec times[2] = {entry.atime, entry.mtime};
  if (::futimens(fd, times) != 0) return fail_errno(errno, "set times");
  return {};
}

void LayerWriter::defer_directory_times(const LayerEntry& entry) {
  // Creating the directory's contents would move its mtime again.
  directory_times_.push_back({entry.path, entry.atime, entry.mtime});
}

}  // namespace berth
