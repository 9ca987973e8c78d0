// ContentStore::Ingest: streaming, resumable, digest-verified blob writes.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vector>

#include "store/content_store.h"
#include "store/durable_io.h"
#include "store/file_lock.h"
#include "base/remove_tree.h"

namespace berth::store {

struct ContentStore::Ingest::State {
  std::filesystem::path partial;
  std::filesystem::path blob;
  std::filesystem::path blobs_dir;
  uint64_t expected_size = 0;  // 0: unknown
  UniqueFd fd;
  FileLock lock;
  Sha256 hasher;
};

ContentStore::Ingest::Ingest(std::unique_ptr<State> state) : state_(std::move(state)) {}
ContentStore::Ingest::Ingest(Ingest&&) noexcept = default;
ContentStore::Ingest& ContentStore::Ingest::operator=(Ingest&& other) noexcept {
  if (this != &other) {
    finish(false);
    expected_ = std::move(other.expected_);
    offset_ = other.offset_;
    state_ = std::move(other.state_);
  }
  return *this;
}
ContentStore::Ingest::~Ingest() { finish(false); }

void ContentStore::Ingest::finish(bool delete_partial) {
  if (!state_) return;
  state_->fd.reset();
  // Deleted while the lock is still held, so no resumer opens it meanwhile.
  if (delete_partial) ::unlink(state_->partial.c_str());
  state_->lock.release_and_remove();
  state_.reset();
}

Status ContentStore::Ingest::write(std::span<const std::byte> data) {
  if (!state_) return fail("ingest {}: already finished", expected_);
  if (state_->expected_size != 0 && offset_ + data.size() > state_->expected_size)
    return fail("ingest {}: more data than the expected {} bytes", expected_, state_->expected_size);
  BERTH_TRY(write_all_at(state_->fd.get(), data, offset_, state_->partial));
  state_->hasher.update(data);
  offset_ += data.size();
  return {};
}

Result<Digest> ContentStore::Ingest::commit() {
  if (!state_) return fail("ingest {}: already finished", expected_);
  if (uint64_t size = state_->expected_size; size != 0 && offset_ != size) {
    finish(true);
    return fail("ingest {}: size mismatch: expected {} bytes, got {}", expected_, size, offset_);
  }
  Digest actual = state_->hasher.finish();
  if (actual != expected_) {
    finish(true);
    return fail("digest mismatch: expected {}, got {}", expected_, actual);
  }
  // A failed write may have left bytes past offset_; they are not ours.
  int fd = state_->fd.get();
  auto partial = state_->partial;
  if (::ftruncate(fd, static_cast<off_t>(offset_)) != 0) {
    int err = errno;
    finish(false);
    return fail_errno(err, "truncate {}", partial.string());
  }
  if (::fsync(fd) != 0) {
    int err = errno;
    finish(false);
    return fail_errno(err, "fsync {}", partial.string());
  }
  if (::rename(state_->partial.c_str(), state_->blob.c_str()) != 0) {
    int err = errno;
    auto message = fmt::format("rename {} to {}", state_->partial.string(), state_->blob.string());
    finish(false);
    return fail_errno(err, "{}", message);
  }
  auto synced = fsync_directory(state_->blobs_dir);
  finish(false);
  if (!synced) return std::unexpected(std::move(synced.error()));
  return actual;
}

void ContentStore::Ingest::discard() { finish(true); }

Result<std::optional<ContentStore::Ingest>> ContentStore::begin_ingest(const Digest& expected, uint64_t expected_size) {
  if (expected.empty()) return fail("ingest: empty digest");
  if (contains(expected)) return std::optional<Ingest>();
  BERTH_ASSIGN(FileLock lock, FileLock::acquire(ingest_lock_path(expected)));
  // Whoever held the lock before us may have completed this very blob.
  if (contains(expected)) {
    lock.release_and_remove();
    return std::optional<Ingest>();
  }

  auto state = std::make_unique<Ingest::State>();
  state->partial = partial_path(expected);
  state->blob = blob_path(expected);
  state->blobs_dir = paths_.blobs();
  state->expected_size = expected_size;
  state->lock = std::move(lock);
  state->fd.reset(::open(state->partial.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644));
  if (!state->fd) return fail_errno(errno, "open {}", state->partial.string());

  struct stat info {};
  if (::fstat(state->fd.get(), &info) != 0) return fail_errno(errno, "stat {}", state->partial.string());
  uint64_t present = static_cast<uint64_t>(info.st_size);
  // Longer than the blob can be: not a prefix of it, start over.
  if (expected_size != 0 && present > expected_size) present = 0;

  // Rebuild the hash state from what is already there (a hash state cannot be
  // saved, and the bytes on disk are what will be committed anyway).
  std::vector<std::byte> buffer(1 << 20);
  uint64_t hashed = 0;
  while (hashed < present) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(buffer.size(), present - hashed));
    ssize_t n = ::pread(state->fd.get(), buffer.data(), want, static_cast<off_t>(hashed));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail_errno(errno, "read {}", state->partial.string());
    if (n == 0) break;
    state->hasher.update(std::span(buffer.data(), static_cast<size_t>(n)));
    hashed += static_cast<uint64_t>(n);
  }
  if (hashed != static_cast<uint64_t>(info.st_size) && ::ftruncate(state->fd.get(), static_cast<off_t>(hashed)) != 0)
    return fail_errno(errno, "truncate {}", state->partial.string());

  Ingest ingest(std::move(state));
  ingest.expected_ = expected;
  ingest.offset_ = hashed;
  return std::optional<Ingest>(std::move(ingest));
}

Result<ContentStore::StaleIngests> ContentStore::remove_stale_ingests(std::chrono::seconds min_age) {
  auto dir_path = paths_.ingest();
  UniqueFd dir_fd(::open(dir_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir_fd) return fail_errno(errno, "open {}", dir_path.string());
  std::vector<std::string> names;
  {
    DIR* dir = ::fdopendir(::dup(dir_fd.get()));
    if (dir == nullptr) return fail_errno(errno, "read {}", dir_path.string());
    while (dirent* entry = ::readdir(dir)) {
      std::string_view name = entry->d_name;
      if (name != "." && name != "..") names.emplace_back(name);
    }
    ::closedir(dir);
  }

  auto now = std::chrono::system_clock::now();
  auto is_old = [&](const struct stat& info) {
    auto modified = std::chrono::system_clock::time_point(std::chrono::seconds(info.st_mtim.tv_sec));
    return now - modified >= min_age;
  };

  StaleIngests removed;
  for (const auto& name : names) {
    struct stat info {};
    if (::fstatat(dir_fd.get(), name.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0 || !is_old(info)) continue;
    std::optional<FileLock> lock;
    constexpr std::string_view suffix = ".partial";
    if (name.ends_with(suffix)) {
      auto digest = Digest::parse("sha256:" + name.substr(0, name.size() - suffix.size()));
      if (digest) {
        // A held lock is a download in progress, however old its last byte.
        BERTH_ASSIGN(lock, FileLock::try_acquire(ingest_lock_path(*digest)));
        if (!lock) continue;
        // Re-read under the lock: the ingest may have finished meanwhile.
        if (::fstatat(dir_fd.get(), name.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0) {
          lock->release_and_remove();
          continue;
        }
      }
    }
    auto status = remove_tree(dir_fd.get(), name);
    if (lock) lock->release_and_remove();
    if (!status) return with_context(std::move(status), "remove stale ingest");
    removed.files += 1;
    removed.bytes += static_cast<uint64_t>(info.st_blocks) * 512;
  }
  return removed;
}

}  // namespace berth::store
