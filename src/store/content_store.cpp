#include "store/content_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "store/durable_io.h"

namespace berth::store {

ContentStore::ContentStore(StorePaths paths) : paths_(std::move(paths)) {}

// Digest guarantees "sha256:" + 64 lowercase hex, so the name can never hold
// a '/' or "..": no path is ever built from unvalidated text here.
std::filesystem::path ContentStore::blob_path(const Digest& digest) const { return paths_.blobs() / digest.hex(); }

std::filesystem::path ContentStore::partial_path(const Digest& digest) const {
  return paths_.ingest() / (std::string(digest.hex()) + ".partial");
}

std::filesystem::path ContentStore::ingest_lock_path(const Digest& digest) const {
  return paths_.locks() / ("ingest-" + std::string(digest.hex()));
}

bool ContentStore::contains(const Digest& digest) const {
  if (digest.empty()) return false;
  struct stat info {};
  return ::lstat(blob_path(digest).c_str(), &info) == 0 && S_ISREG(info.st_mode);
}

Result<UniqueFd> ContentStore::open_blob(const Digest& digest) const {
  if (digest.empty()) return fail("open blob: empty digest");
  UniqueFd fd(::open(blob_path(digest).c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd) return fail_errno(errno, "open blob {}", digest);
  return fd;
}

Result<uint64_t> ContentStore::blob_size(const Digest& digest) const {
  if (digest.empty()) return fail("blob size: empty digest");
  struct stat info {};
  if (::lstat(blob_path(digest).c_str(), &info) != 0) return fail_errno(errno, "stat blob {}", digest);
  return static_cast<uint64_t>(info.st_size);
}

Result<std::string> ContentStore::read_blob(const Digest& digest, size_t max_bytes) const {
  BERTH_ASSIGN(UniqueFd fd, open_blob(digest));
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) return fail_errno(errno, "stat blob {}", digest);
  if (static_cast<uint64_t>(info.st_size) > max_bytes)
    return fail("blob {}: {} bytes is more than the {} allowed", digest, info.st_size, max_bytes);
  std::string data;
  data.resize(static_cast<size_t>(info.st_size));
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::read(fd.get(), data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail_errno(errno, "read blob {}", digest);
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  data.resize(done);
  auto actual = Digest::of(data);
  if (actual != digest) return fail("blob {} is corrupt: digest mismatch: expected {}, got {}", digest, digest, actual);
  return data;
}

Result<Digest> ContentStore::write_blob(std::string_view data, std::optional<Digest> expected) {
  Digest digest = Digest::of(data);
  if (expected && *expected != digest)
    return fail("write blob: digest mismatch: expected {}, got {}", *expected, digest);
  if (contains(digest)) return digest;

  // A unique temporary name: concurrent writers of the same blob never share
  // a file, and the last rename wins with identical content.
  std::string temporary = (paths_.ingest() / (std::string(digest.hex()) + "-XXXXXX.tmp")).string();
  UniqueFd fd(::mkostemps(temporary.data(), 4, O_CLOEXEC));
  if (!fd) return fail_errno(errno, "create {}", temporary);
  auto cleanup = [&] { ::unlink(temporary.c_str()); };
  if (::fchmod(fd.get(), 0644) != 0) {
    int err = errno;
    cleanup();
    return fail_errno(err, "chmod {}", temporary);
  }
  if (auto written = write_all_at(fd.get(), std::as_bytes(std::span(data.data(), data.size())), 0, temporary);
      !written) {
    cleanup();
    return std::unexpected(std::move(written.error()));
  }
  if (::fsync(fd.get()) != 0) {
    int err = errno;
    cleanup();
    return fail_errno(err, "fsync {}", temporary);
  }
  fd.reset();
  if (::rename(temporary.c_str(), blob_path(digest).c_str()) != 0) {
    int err = errno;
    cleanup();
    return fail_errno(err, "rename {} to {}", temporary, blob_path(digest).string());
  }
  BERTH_TRY(fsync_directory(paths_.blobs()));
  return digest;
}

Status ContentStore::remove_blob(const Digest& digest) {
  if (digest.empty()) return fail("remove blob: empty digest");
  if (::unlink(blob_path(digest).c_str()) != 0 && errno != ENOENT) return fail_errno(errno, "remove blob {}", digest);
  return {};
}

Result<std::vector<Digest>> ContentStore::list_blobs() const {
  DIR* dir = ::opendir(paths_.blobs().c_str());
  if (dir == nullptr) return fail_errno(errno, "open {}", paths_.blobs().string());
  std::vector<Digest> digests;
  for (;;) {
    errno = 0;
    dirent* entry = ::readdir(dir);
    if (entry == nullptr) break;
    // Anything not named like a digest is not a blob (and not ours to touch).
    if (auto digest = Digest::parse(std::string("sha256:") + entry->d_name)) digests.push_back(std::move(*digest));
  }
  int err = errno;
  ::closedir(dir);
  if (err != 0) return fail_errno(err, "read {}", paths_.blobs().string());
  std::sort(digests.begin(), digests.end());
  return digests;
}

}  // namespace berth::store
