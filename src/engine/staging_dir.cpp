#include "engine/staging_dir.h"

#include <fcntl.h>
#include <stdlib.h>

#include "base/file_io.h"
#include "base/remove_tree.h"

#include <sys/stat.h>
#include <unistd.h>

#include <vector>

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
  if (parent) (void)remove_tree(parent.get(), path_.filename().string());
}

// Copies a staged file into the content store; the store verifies the digest.
Result<uint64_t> ingest_staged_file(store::ContentStore& content, int fd, const Digest& digest) {
  struct stat st {};
  if (fstat(fd, &st) != 0) return fail_errno(errno, "stat staged blob");
  BERTH_ASSIGN(auto ingest, content.begin_ingest(digest, static_cast<uint64_t>(st.st_size)));
  if (!ingest) return static_cast<uint64_t>(st.st_size);
  if (::lseek(fd, 0, SEEK_SET) < 0) return fail_errno(errno, "seek");
  std::vector<std::byte> buffer(1 << 20);
  while (true) {
    ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0) return fail_errno(errno, "read staged blob");
    if (n == 0) break;
    BERTH_TRY(ingest->write(std::span(buffer.data(), static_cast<size_t>(n))));
  }
  BERTH_TRY(ingest->commit());
  if (::lseek(fd, 0, SEEK_SET) < 0) return fail_errno(errno, "seek");
  return static_cast<uint64_t>(st.st_size);
}

}  // namespace berth
