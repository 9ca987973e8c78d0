#include <algorithm>
#include <cstring>

#include "image/byte_stream.h"

namespace berth {

namespace {

// Small pushes (curl hands over ~16 KiB at a time) are appended to one chunk
// of up to this size, so the reader copies out large pieces and the queue
// does not hold thousands of tiny allocations.
constexpr size_t kChunkSize = 256 << 10;

}  // namespace

BytePipe::BytePipe(size_t capacity) : capacity_(std::max<size_t>(capacity, 1)) {}

Status BytePipe::push(std::span<const std::byte> data) {
  std::unique_lock lock(mutex_);
  if (write_closed_) return fail("byte pipe: push after close");
  while (!data.empty()) {
    writable_.wait(lock, [&] { return read_aborted_ || queued_ < capacity_; });
    if (read_aborted_) return std::unexpected(*read_aborted_);
    // Queue at most the free room, so memory stays bounded by about `capacity`.
    size_t count = std::min(data.size(), capacity_ - queued_);
    auto piece = data.first(count);
    if (!chunks_.empty() && chunks_.back().size() + count <= kChunkSize) {
      chunks_.back().insert(chunks_.back().end(), piece.begin(), piece.end());
    } else {
      auto& chunk = chunks_.emplace_back();
      chunk.reserve(std::max(count, kChunkSize));
      chunk.assign(piece.begin(), piece.end());
    }
    queued_ += count;
    data = data.subspan(count);
    readable_.notify_one();
  }
  return {};
}

void BytePipe::close_write(Status status) {
  std::lock_guard lock(mutex_);
  if (write_closed_) return;
  write_closed_ = true;
  write_status_ = std::move(status);
  readable_.notify_all();
}

void BytePipe::abort_read(Error error) {
  std::lock_guard lock(mutex_);
  if (read_aborted_) return;
  read_aborted_ = std::move(error);
  chunks_.clear();
  front_offset_ = 0;
  queued_ = 0;
  writable_.notify_all();
  readable_.notify_all();
}

Result<size_t> BytePipe::pull(std::span<std::byte> buffer) {
  std::unique_lock lock(mutex_);
  readable_.wait(lock, [&] { return queued_ > 0 || write_closed_ || read_aborted_; });
  if (read_aborted_) return std::unexpected(*read_aborted_);
  if (queued_ == 0) {
    // Closed and drained: the producer's verdict decides end or error.
    if (!write_status_) return std::unexpected(write_status_.error());
    return 0;
  }
  size_t copied = 0;
  while (copied < buffer.size() && !chunks_.empty()) {
    auto& front = chunks_.front();
    size_t count = std::min(buffer.size() - copied, front.size() - front_offset_);
    std::memcpy(buffer.data() + copied, front.data() + front_offset_, count);
    copied += count;
    front_offset_ += count;
    if (front_offset_ == front.size()) {
      chunks_.pop_front();
      front_offset_ = 0;
    }
  }
  queued_ -= copied;
  writable_.notify_one();
  return copied;
}

}  // namespace berth
