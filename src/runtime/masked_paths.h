// linux.maskedPaths and linux.readonlyPaths, applied after pivot_root with
// the container's "/" as root_fd.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"

namespace berth::runtime {

// Binds each existing path onto itself, recursively read-only. Missing paths are skipped.
Status apply_readonly_paths(int root_fd, const std::vector<std::string>& paths);

// Covers files with the container's /dev/null and directories with an empty
// read-only tmpfs. Missing paths are skipped.
Status apply_masked_paths(int root_fd, const std::vector<std::string>& paths);

}  // namespace berth::runtime
