// A volume's size as Docker reports it (pkg/directory.Size): the apparent
// size (st_size) of every file below a directory, a file with several hard
// links counted once, symlinks not followed.
#pragma once

#include <cstdint>

#include "base/result.h"

namespace berth::volume {

// Fails for trees deeper than 256 levels (one fd per level).
Result<uint64_t> directory_size(int dir_fd);

}  // namespace berth::volume
