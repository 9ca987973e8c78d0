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

// Whether a replaced file must survive a power cut (fsync before rename).
// State under a tmpfs run dir (gone at reboot anyway) need not pay for it.
enum class Durability { durable, until_reboot };

// Atomic replace: temporary name, fsync (when durable), rename.
Status write_file_atomic(const std::string& path, std::string_view content, int mode = 0644,
                         Durability durability = Durability::durable);

// mkdir -p; existing directories are fine.
Status make_directories(const std::string& path, int mode = 0755);

}  // namespace berth
