// Resolving paths inside a container root without ever leaving it.
//
// Every lookup goes through openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS):
// ".." and absolute symlinks are clamped to the root, so a symlink planted by
// the container (or swapped in while we work) cannot send a mount, a device
// node or a chdir to the host. Callers act on the returned fd, never on a
// path string rebuilt from it.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "base/unique_fd.h"

namespace berth {

// Lexically cleans an absolute or relative path: collapses "//", drops ".",
// resolves ".." against the components before it (never above "/").
std::string clean_path(std::string_view path);

// openat2 inside root_fd. `flags` are open flags (O_CLOEXEC is always added).
Result<UniqueFd> open_in_root(int root_fd, std::string_view path, int flags, unsigned mode = 0);

// mkdir -p inside the root; returns an O_PATH fd of the final directory.
Result<UniqueFd> make_directories_in_root(int root_fd, std::string_view path, unsigned mode = 0755);

// Makes sure a regular file exists at path (parents created); returns an O_PATH fd.
Result<UniqueFd> make_file_in_root(int root_fd, std::string_view path, unsigned mode = 0644);

// "/proc/self/fd/N": lets mount(2) and friends act on an fd we resolved safely.
std::string fd_path(int fd);

}  // namespace berth
