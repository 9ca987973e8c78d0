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

// Temporary file in the same directory, then rename: readers see the old
// content or the new, never part of it. No fsync: the run dir's files matter
// only until the host restarts (the run dir is a tmpfs in production), and
// an fsync on the exit path would delay every `run` by a disk flush. After
// a crash on a disk-backed run dir, the engine reads a torn exit.json as
// "exited, status unknown".
Status replace_file_atomically(const std::string& path, std::string_view content);

}  // namespace berth::shim
