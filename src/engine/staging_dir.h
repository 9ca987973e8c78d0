// A private scratch directory under the store's tmp/ (same filesystem as the
// blobs and layers, so staged files can be renamed into place), removed with
// everything in it when the object goes. It holds an flock on the directory
// meanwhile: a killed owner's is removed by garbage collection (image prune).
#pragma once

#include <filesystem>
#include <string_view>

#include "base/result.h"
#include "base/digest.h"
#include "base/unique_fd.h"
#include "store/content_store.h"

namespace berth {

class StagingDir {
 public:
  static Result<StagingDir> create(const std::filesystem::path& parent, std::string_view purpose);
  StagingDir(StagingDir&& other) noexcept;
  StagingDir& operator=(StagingDir&&) = delete;
  ~StagingDir();

  int fd() const { return fd_.get(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  StagingDir(std::filesystem::path path, UniqueFd fd) : path_(std::move(path)), fd_(std::move(fd)) {}
  std::filesystem::path path_;
  UniqueFd fd_;
};

// Copies a staged file (read from its start) into the content store under
// `digest`, which the store verifies; returns the file's size. The fd is left
// at offset 0 for the caller's next read.
Result<uint64_t> ingest_staged_file(store::ContentStore& content, int fd, const Digest& digest);

}  // namespace berth
