#include "image/whiteout.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

namespace berth {

Whiteout classify_whiteout(std::string_view name) {
  if (name == kOpaqueWhiteout) return {WhiteoutKind::opaque, {}};
  if (name.starts_with(kWhiteoutMetaPrefix)) return {WhiteoutKind::aufs_meta, {}};
  if (name.starts_with(kWhiteoutPrefix)) return {WhiteoutKind::file, name.substr(kWhiteoutPrefix.size())};
  return {};
}

bool is_overlay_whiteout(const struct stat& st) { return S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0); }

Status make_overlay_whiteout(int dir_fd, const std::string& name) {
  // Mode 0 as Docker and containerd make them: overlayfs only looks at the
  // type and the 0/0 device number.
  if (::mknodat(dir_fd, name.c_str(), S_IFCHR, makedev(0, 0)) != 0)
    return fail_errno(errno, "create whiteout device {}", name);
  return {};
}

Status make_overlay_opaque(int dir_fd) {
  std::string name(kOverlayOpaqueXattr);
  if (::fsetxattr(dir_fd, name.c_str(), "y", 1, 0) != 0) return fail_errno(errno, "set {}", name);
  return {};
}

}  // namespace berth
