// OCI/AUFS whiteouts in layer tarballs, and their overlayfs form on disk.
//
// In a tar layer, ".wh.NAME" deletes NAME of the layers below and
// ".wh..wh..opq" hides everything below in its directory. overlayfs spells
// the same things as a 0/0 character device NAME and the xattr
// trusted.overlay.opaque="y" on the directory.
#pragma once

#include <sys/stat.h>

#include <string>
#include <string_view>

#include "base/result.h"

namespace berth {

inline constexpr std::string_view kWhiteoutPrefix = ".wh.";
inline constexpr std::string_view kWhiteoutMetaPrefix = ".wh..wh.";  // AUFS bookkeeping
inline constexpr std::string_view kOpaqueWhiteout = ".wh..wh..opq";
inline constexpr std::string_view kOverlayOpaqueXattr = "trusted.overlay.opaque";

enum class WhiteoutKind {
  none,       // an ordinary name
  file,       // ".wh.NAME": delete NAME
  opaque,     // ".wh..wh..opq": the directory is opaque
  aufs_meta,  // ".wh..wh.plnk", ".wh..wh.aufs"...: AUFS's own files, never extracted
};

struct Whiteout {
  WhiteoutKind kind = WhiteoutKind::none;
  std::string_view target;  // NAME for WhiteoutKind::file
};

// Classifies one path component (not a path).
Whiteout classify_whiteout(std::string_view name);

// An overlayfs whiteout on disk: a 0/0 character device (lstat'ed, so not
// followed).
bool is_overlay_whiteout(const struct stat& st);

// Creates the overlayfs whiteout for `name` in the directory dir_fd: a 0/0
// character device. Fails with errno_value EEXIST when the name is taken;
// the caller decides whether to replace what is there.
Status make_overlay_whiteout(int dir_fd, const std::string& name);

// Marks the directory open as dir_fd (a real fd, not O_PATH) opaque.
Status make_overlay_opaque(int dir_fd);

}  // namespace berth
