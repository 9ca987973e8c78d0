#include "store/durable_io.h"

#include <fcntl.h>
#include <sys/random.h>
#include <unistd.h>

#include <chrono>

#include "base/unique_fd.h"

namespace berth::store {

Status write_all_at(int fd, std::span<const std::byte> data, uint64_t offset, const std::filesystem::path& what) {
  while (!data.empty()) {
    ssize_t n = ::pwrite(fd, data.data(), data.size(), static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail_errno(errno, "write {}", what.string());
    }
    data = data.subspan(static_cast<size_t>(n));
    offset += static_cast<uint64_t>(n);
  }
  return {};
}

Status fsync_directory(const std::filesystem::path& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) return fail_errno(errno, "open {}", dir.string());
  if (::fsync(fd.get()) != 0) return fail_errno(errno, "fsync {}", dir.string());
  return {};
}

std::string random_suffix() {
  uint64_t value = 0;
  // getrandom(2) with a small buffer never returns short once the pool is up;
  // a fallback keeps names distinct if it fails anyway.
  if (::getrandom(&value, sizeof value, 0) != static_cast<ssize_t>(sizeof value))
    value = (static_cast<uint64_t>(::getpid()) << 40) ^
            static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  return fmt::format("{:016x}", value);
}

}  // namespace berth::store
