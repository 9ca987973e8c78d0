// The few write and sync steps every store write is made of: whole writes
// that survive EINTR and short writes, and directory fsyncs that make a
// rename durable.
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>

#include "base/result.h"

namespace berth::store {

// pwrite of all of data at offset.
Status write_all_at(int fd, std::span<const std::byte> data, uint64_t offset, const std::filesystem::path& what);

// fsync of a directory, so entries renamed into or out of it survive a crash.
Status fsync_directory(const std::filesystem::path& dir);

// A random 16-hex-digit name part for temporaries (getrandom).
std::string random_suffix();

}  // namespace berth::store
