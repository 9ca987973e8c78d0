// Whole-file reads and atomic replaces for the shim's few small files
// (shim.conf, the cgroup's OOM counter, exit.json). base/file_io does the
// same but reports errors through fmt, which the shim keeps out of its
// binary (see shim_error.h).
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace berth::shim {

// Reads a small file whole; files above max_size are an error.
Result<std::string> read_small_file(const std::string& path, size_t max_size = 64 * 1024);

// Temporary file in the same directory, fsync, rename: readers see the old
// content or the new, never part of it, even across a crash.
Status replace_file_durably(const std::string& path, std::string_view content);

}  // namespace berth::shim
