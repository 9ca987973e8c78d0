// flock(2) on a file under <root>/locks: how berth processes (and threads:
// every acquisition opens its own file description) exclude each other from
// one blob ingest, one layer chain, or the whole store during gc.
#pragma once

#include <filesystem>
#include <optional>

#include "base/result.h"
#include "base/unique_fd.h"

namespace berth::store {

enum class LockMode { exclusive, shared };

class FileLock {
 public:
  FileLock() = default;
  FileLock(FileLock&&) noexcept = default;
  FileLock& operator=(FileLock&& other) noexcept;
  ~FileLock() { release(); }

  // Waits for the lock. The file is created when missing.
  static Result<FileLock> acquire(std::filesystem::path file, LockMode mode = LockMode::exclusive);
  // Disengaged when another holder has it.
  static Result<std::optional<FileLock>> try_acquire(std::filesystem::path file, LockMode mode = LockMode::exclusive);

  bool held() const { return fd_.valid(); }
  const std::filesystem::path& path() const { return path_; }
  void release();
  // Unlinks the lock file while still holding it, so locks/ does not grow with
  // every blob and layer ever pulled. Safe because acquire() re-checks, after
  // flock returns, that the file it locked is still the one at the path.
  // Only for exclusive locks.
  void release_and_remove();

 private:
  FileLock(std::filesystem::path path, UniqueFd fd) : path_(std::move(path)), fd_(std::move(fd)) {}
  static Result<std::optional<FileLock>> lock(std::filesystem::path file, LockMode mode, bool wait);

  std::filesystem::path path_;
  UniqueFd fd_;
};

}  // namespace berth::store
