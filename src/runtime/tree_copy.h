// Copies a directory tree between two open directories (for "tmpcopyup":
// a fresh tmpfs starts with the content of the directory it covers).
#pragma once

#include "base/result.h"

namespace berth::runtime {

// Copies directories, regular files, symlinks, fifos and device nodes from
// source_dir_fd into target_dir_fd, keeping mode, owner and times. Nothing
// is followed: symlinks are copied as symlinks.
Status copy_tree(int source_dir_fd, int target_dir_fd);

}  // namespace berth::runtime
