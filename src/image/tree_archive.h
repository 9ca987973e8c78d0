// A directory tree written as a tar stream (docker export, commit, cp):
// numeric owners only (the host's user names mean nothing in a container),
// of the extended attributes only security.capability (as docker's), sockets
// left out, hard links as links, symlinks never followed,
// no crossing into other mounts. With `overlay_whiteouts`, the tree is an
// overlay upper dir and its whiteouts become the OCI layer's: a 0/0
// character device is `.wh.NAME`, an opaque directory gets `.wh..wh..opq`,
// and overlayfs's own trusted.overlay.* attributes are left out.
#pragma once

#include <functional>
#include <string>
#include <sys/stat.h>

#include "base/result.h"
#include "image/byte_stream.h"

namespace berth {

struct TreeArchiveOptions {
  bool overlay_whiteouts = false;
  // Names in the archive start with this ("" for "./"-less names, or e.g. "dir/").
  std::string name_prefix;
  // A root that is a symlink is archived as what it points at; false
  // archives the link itself (docker cp without -L). Nothing below the root
  // is ever followed.
  bool follow_root_link = true;
  // Called for every entry below the root with its path relative to it
  // ("etc/hosts"); true leaves the entry (and, for a directory, all below) out.
  std::function<bool(const std::string& relative, const struct stat& info)> skip;
};

// `root`: a directory (e.g. /proc/self/fd/N of a detached mount) or a single
// file, which becomes one entry named by name_prefix (or its own name).
Status write_tree_archive(const std::string& root, ByteSink& sink, const TreeArchiveOptions& options = {});

}  // namespace berth
