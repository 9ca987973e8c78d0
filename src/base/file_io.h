// Reading and writing whole small files (configs, state, cgroup knobs).
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace berth {

Result<std::string> read_file(const std::string& path);
Result<std::string> read_file_at(int dir_fd, const std::string& name);

// Writes without O_CREAT|O_TRUNC: for kernel files (cgroup knobs, /proc/*).
Status write_existing_file(const std::string& path, std::string_view content);
Status write_existing_file_at(int dir_fd, const std::string& name, std::string_view content);

// Crash-safe replace: temporary name, fsync, rename.
Status write_file_atomic(const std::string& path, std::string_view content, int mode = 0644);

// mkdir -p; existing directories are fine.
Status make_directories(const std::string& path, int mode = 0755);

}  // namespace berth
