// A private scratch directory under the store's tmp/ (same filesystem as the
// blobs and layers, so staged files can be renamed into place), removed with
// everything in it when the object goes.
#pragma once

#include <filesystem>
#include <string_view>

#include "base/result.h"
#include "base/unique_fd.h"

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

}  // namespace berth
