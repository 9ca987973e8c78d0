#include "engine/staging_dir.h"

#include <fcntl.h>
#include <stdlib.h>

#include "base/file_io.h"
#include "base/remove_tree.h"

#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vector>

namespace berth {

Result<StagingDir> StagingDir::create(const std::filesystem::path& parent, std::string_view purpose) {
  BERTH_TRY(make_directories(parent.string(), 0700));
  // Locked for as long as it lives: garbage collection removes only
  // directories whose lock is free (store::remove_abandoned_staging). One it
  // took between our mkdtemp and flock is its to delete: make another.
  for (int attempt = 0;; ++attempt) {
    std::string pattern = (parent / fmt::format("{}.XXXXXX", purpose)).string();
    if (!mkdtemp(pattern.data())) return fail_errno(errno, "create staging directory in {}", parent.string());
    UniqueFd fd(::open(pattern.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW));
    struct stat info {};
    if (fd && ::flock(fd.get(), LOCK_EX | LOCK_NB) == 0) {
      // Locked, but perhaps only after a collector had locked, removed and
      // released it: then it is gone (no links), and another is made.
      if (::fstat(fd.get(), &info) == 0 && info.st_nlink > 0) return StagingDir(pattern, std::move(fd));
      errno = ENOENT;
    }
    int error = errno;
    if ((error != ENOENT && error != EWOULDBLOCK) || attempt == 9)
      return fail_errno(error, "take staging directory {}", pattern);
  }
}

StagingDir::StagingDir(StagingDir&& other) noexcept : path_(std::move(other.path_)), fd_(std::move(other.fd_)) {
  other.path_.clear();
}

StagingDir::~StagingDir() {
  if (path_.empty()) return;
  // Removed while still locked, so that no collector removes it alongside.
  UniqueFd parent(::open(path_.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (parent) (void)remove_tree(parent.get(), path_.filename().string());
  fd_.reset();
}

// Copies a staged file into the content store; the store verifies the digest.
Result<uint64_t> ingest_staged_file(store::ContentStore& content, int fd, const Digest& digest) {
  struct stat st {};
  if (fstat(fd, &st) != 0) return fail_errno(errno, "stat staged blob");
  auto size = static_cast<uint64_t>(st.st_size);
  std::vector<std::byte> buffer(1 << 20);
  for (bool retried = false;; retried = true) {
    BERTH_ASSIGN(auto ingest, content.begin_ingest(digest, size));
    if (!ingest) break;
    // A killed earlier load or import may have left part of this blob:
    // the store kept it (hashed), so only the rest is copied.
    uint64_t resumed_at = ingest->offset();
    for (off_t at = static_cast<off_t>(resumed_at);;) {
      ssize_t n = ::pread(fd, buffer.data(), buffer.size(), at);
      if (n < 0) return fail_errno(errno, "read staged blob");
      if (n == 0) break;
      BERTH_TRY(ingest->write(std::span(buffer.data(), static_cast<size_t>(n))));
      at += n;
    }
    auto committed = ingest->commit();
    if (committed) break;
    // Resumed bytes that were not this file's (commit deleted them): once
    // more from the start.
    if (resumed_at == 0 || retried) return std::unexpected(std::move(committed.error()));
  }
  if (::lseek(fd, 0, SEEK_SET) < 0) return fail_errno(errno, "seek");
  return size;
}

}  // namespace berth
