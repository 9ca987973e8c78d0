#include "image/byte_stream.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace berth {

Result<size_t> FdSource::read(std::span<std::byte> buffer) {
  for (;;) {
    ssize_t got = ::read(fd_, buffer.data(), buffer.size());
    if (got >= 0) return static_cast<size_t>(got);
    if (errno != EINTR) return fail_errno(errno, "read fd {}", fd_);
  }
}

Status FdSink::write(std::span<const std::byte> data) {
  while (!data.empty()) {
    ssize_t wrote = ::write(fd_, data.data(), data.size());
    if (wrote < 0) {
      if (errno == EINTR) continue;
      return fail_errno(errno, "write fd {}", fd_);
    }
    data = data.subspan(static_cast<size_t>(wrote));
  }
  return {};
}

Result<size_t> MemorySource::read(std::span<std::byte> buffer) {
  size_t count = std::min(buffer.size(), data_.size());
  if (count > 0) std::memcpy(buffer.data(), data_.data(), count);
  data_ = data_.subspan(count);
  return count;
}

Status MemorySink::write(std::span<const std::byte> data) {
  data_.insert(data_.end(), data.begin(), data.end());
  return {};
}

Result<size_t> HashingSource::read(std::span<std::byte> buffer) {
  BERTH_ASSIGN(size_t got, inner_.read(buffer));
  hasher_.update(buffer.first(got));
  bytes_ += got;
  return got;
}

Digest HashingSource::digest() {
  if (!digest_) digest_ = hasher_.finish();
  return *digest_;
}

Status HashingSink::write(std::span<const std::byte> data) {
  hasher_.update(data);
  bytes_ += data.size();
  return inner_.write(data);
}

Digest HashingSink::digest() {
  if (!digest_) digest_ = hasher_.finish();
  return *digest_;
}

Result<uint64_t> copy_stream(ByteSource& from, ByteSink& to) {
  std::vector<std::byte> buffer(1 << 20);
  uint64_t total = 0;
  for (;;) {
    BERTH_ASSIGN(size_t got, from.read(buffer));
    if (got == 0) return total;
    BERTH_TRY(to.write(std::span(buffer).first(got)));
    total += got;
  }
}

}  // namespace berth
