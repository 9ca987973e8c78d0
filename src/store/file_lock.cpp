#include "store/file_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

namespace berth::store {

FileLock& FileLock::operator=(FileLock&& other) noexcept {
  if (this != &other) {
    release();
    path_ = std::move(other.path_);
    fd_ = std::move(other.fd_);
  }
  return *this;
}

Result<FileLock> FileLock::acquire(std::filesystem::path file, LockMode mode) {
  BERTH_ASSIGN(auto lock, FileLock::lock(std::move(file), mode, true));
  return std::move(*lock);
}

Result<std::optional<FileLock>> FileLock::try_acquire(std::filesystem::path file, LockMode mode) {
  return FileLock::lock(std::move(file), mode, false);
}

Result<std::optional<FileLock>> FileLock::lock(std::filesystem::path file, LockMode mode, bool wait) {
  int operation = (mode == LockMode::exclusive ? LOCK_EX : LOCK_SH) | (wait ? 0 : LOCK_NB);
  for (;;) {
    UniqueFd fd(::open(file.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!fd) return fail_errno(errno, "open lock {}", file.string());
    int result;
    do {
      result = ::flock(fd.get(), operation);
    } while (result != 0 && errno == EINTR);
    if (result != 0) {
      if (errno == EWOULDBLOCK) return std::optional<FileLock>();
      return fail_errno(errno, "lock {}", file.string());
    }
    // The previous holder may have unlinked the file (release_and_remove)
    // between our open and our flock: then we hold a lock nobody else sees.
    struct stat locked {
    }, current{};
    if (::fstat(fd.get(), &locked) != 0) return fail_errno(errno, "stat lock {}", file.string());
    if (::lstat(file.c_str(), &current) != 0) {
      if (errno == ENOENT) continue;
      return fail_errno(errno, "stat lock {}", file.string());
    }
    if (locked.st_dev != current.st_dev || locked.st_ino != current.st_ino) continue;
    return std::optional<FileLock>(FileLock(std::move(file), std::move(fd)));
  }
}

void FileLock::release() { fd_.reset(); }

void FileLock::release_and_remove() {
  if (!fd_) return;
  ::unlink(path_.c_str());
  fd_.reset();
}

}  // namespace berth::store
