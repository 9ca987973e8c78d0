// Space a file tree takes on disk, the way du(1) counts it.
#pragma once

#include <cstdint>
#include <string>

#include "base/result.h"

namespace berth::store {

// st_blocks * 512 of `name` in dir_fd and everything below it, without
// following symlinks; an inode with several hard links inside the tree counts
// once. Fails for trees deeper than a few hundred levels (one fd per level).
Result<uint64_t> tree_disk_usage(int dir_fd, const std::string& name);

}  // namespace berth::store
