#include "engine/staging_dir.h"

#include <fcntl.h>
#include <stdlib.h>

#include "base/file_io.h"
#include "store/remove_tree.h"

namespace berth {

Result<StagingDir> StagingDir::create(const std::filesystem::path& parent, std::string_view purpose) {
  BERTH_TRY(make_directories(parent.string(), 0700));
  std::string pattern = (parent / fmt::format("{}.XXXXXX", purpose)).string();
  if (!mkdtemp(pattern.data())) return fail_errno(errno, "create staging directory in {}", parent.string());
  UniqueFd fd(::open(pattern.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd) return fail_errno(errno, "open staging directory {}", pattern);
  return StagingDir(pattern, std::move(fd));
}

StagingDir::StagingDir(StagingDir&& other) noexcept : path_(std::move(other.path_)), fd_(std::move(other.fd_)) {
  other.path_.clear();
}

StagingDir::~StagingDir() {
  if (path_.empty()) return;
  fd_.reset();
  UniqueFd parent(::open(path_.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (parent) (void)store::remove_tree(parent.get(), path_.filename().string());
}

}  // namespace berth
