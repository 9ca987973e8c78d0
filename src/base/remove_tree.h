// Recursive delete through directory fds: nothing is followed, so a symlink
// planted anywhere in the tree (by an image or a container) can never send
// the delete outside it. The store, the engine and the shim (a --rm
// container's files, after its client has gone) use it.
#pragma once

#include <string>

#include "base/result.h"

namespace berth {

// Removes `name` in dir_fd (a file, a symlink or a whole directory tree).
// - A missing name is success (removal is idempotent, e.g. after a crash).
// - Symlinks are removed, never followed (openat with O_NOFOLLOW|O_DIRECTORY).
// - Read-only and mode-000 directories are made writable first, so an
//   unprivileged caller can delete what it extracted.
// - It refuses to descend into a mount point (fails, deleting nothing below
//   it), so a leftover bind mount never turns into a delete of the host.
// - Arbitrarily deep trees are fine: past a fixed depth, subdirectories are
//   moved up to the top of the tree being removed, so open fds stay bounded.
// Files with the immutable or append-only attribute are not handled (the
// unlink fails and the error is returned).
Status remove_tree(int dir_fd, const std::string& name);

}  // namespace berth
