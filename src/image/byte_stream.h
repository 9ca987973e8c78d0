// Byte streams that layer data flows through: a download is pushed into a
// pipe, pulled through a decompressor and a hasher, and read by the tar
// extractor. Pull (ByteSource) and push (ByteSink) meet in BytePipe, which
// lets the HTTP callback and the extractor run on different threads.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

#include "base/digest.h"
#include "base/result.h"
#include "base/unique_fd.h"

namespace berth {

// Pull-style stream of bytes. read() returns 0 only at the end of the stream.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual Result<size_t> read(std::span<std::byte> buffer) = 0;
};

// Push-style sink. close() ends this sink's own stream (a compressor writes
// its trailer); a sink that wraps another one by reference does not close it:
// whoever owns a sink closes it.
class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual Status write(std::span<const std::byte> data) = 0;
  virtual Status close() { return {}; }
};

// Reads a file descriptor; owns it only when built from a UniqueFd.
class FdSource final : public ByteSource {
 public:
  explicit FdSource(int fd) : fd_(fd) {}
  explicit FdSource(UniqueFd fd) : owned_(std::move(fd)), fd_(owned_.get()) {}
  Result<size_t> read(std::span<std::byte> buffer) override;

 private:
  UniqueFd owned_;
  int fd_;
};

// Writes everything to a file descriptor; owns it only when built from a UniqueFd.
class FdSink final : public ByteSink {
 public:
  explicit FdSink(int fd) : fd_(fd) {}
  explicit FdSink(UniqueFd fd) : owned_(std::move(fd)), fd_(owned_.get()) {}
  Status write(std::span<const std::byte> data) override;

 private:
  UniqueFd owned_;
  int fd_;
};

// Reads bytes held in memory (not copied: the span must outlive the source).
class MemorySource final : public ByteSource {
 public:
  explicit MemorySource(std::span<const std::byte> data) : data_(data) {}
  Result<size_t> read(std::span<std::byte> buffer) override;

 private:
  std::span<const std::byte> data_;
};

// Collects everything written into memory.
class MemorySink final : public ByteSink {
 public:
  Status write(std::span<const std::byte> data) override;
  const std::vector<std::byte>& data() const { return data_; }

 private:
  std::vector<std::byte> data_;
};

// Passes a source through and sha256-hashes every byte read from it.
class HashingSource final : public ByteSource {
 public:
  explicit HashingSource(ByteSource& inner) : inner_(inner) {}
  Result<size_t> read(std::span<std::byte> buffer) override;
  // The digest of everything read so far; ends hashing (read no more afterwards).
  Digest digest();
  uint64_t bytes() const { return bytes_; }

 private:
  ByteSource& inner_;
  Sha256 hasher_;
  std::optional<Digest> digest_;
  uint64_t bytes_ = 0;
};

// Passes writes through to another sink and sha256-hashes them.
class HashingSink final : public ByteSink {
 public:
  explicit HashingSink(ByteSink& inner) : inner_(inner) {}
  Status write(std::span<const std::byte> data) override;
  // The digest of everything written so far; ends hashing (write no more afterwards).
  Digest digest();
  uint64_t bytes() const { return bytes_; }

 private:
  ByteSink& inner_;
  Sha256 hasher_;
  std::optional<Digest> digest_;
  uint64_t bytes_ = 0;
};

// A bounded, thread-safe pipe from one producer thread (e.g. the HTTP
// download callback) to one consumer thread (extraction). push() blocks while
// `capacity` or more bytes are queued, so a slow disk throttles the download
// instead of buffering a whole layer in memory.
class BytePipe {
 public:
  explicit BytePipe(size_t capacity = 8 << 20);
  BytePipe(const BytePipe&) = delete;
  BytePipe& operator=(const BytePipe&) = delete;

  // Producer side. push() copies the data in; it fails once the consumer has
  // aborted (with the consumer's error) or after close_write().
  Status push(std::span<const std::byte> data);
  // Ends the stream: the reader drains what is queued, then reads 0 — or,
  // when `status` is an error, gets that error instead of the end.
  void close_write(Status status = {});

  // Consumer side: a failing consumer unblocks the producer, whose next
  // push() returns `error`. Queued data is dropped.
  void abort_read(Error error);

  ByteSource& source() { return reader_; }
  ByteSink& sink() { return writer_; }  // push()/close_write() as a ByteSink

 private:
  class Reader final : public ByteSource {
   public:
    explicit Reader(BytePipe& pipe) : pipe_(pipe) {}
    Result<size_t> read(std::span<std::byte> buffer) override { return pipe_.pull(buffer); }

   private:
    BytePipe& pipe_;
  };
  class Writer final : public ByteSink {
   public:
    explicit Writer(BytePipe& pipe) : pipe_(pipe) {}
    Status write(std::span<const std::byte> data) override { return pipe_.push(data); }
    Status close() override {
      pipe_.close_write();
      return {};
    }

   private:
    BytePipe& pipe_;
  };

  Result<size_t> pull(std::span<std::byte> buffer);

  const size_t capacity_;
  std::mutex mutex_;
  std::condition_variable readable_;  // data queued, closed or aborted
  std::condition_variable writable_;  // room freed or aborted
  std::deque<std::vector<std::byte>> chunks_;
  size_t front_offset_ = 0;  // bytes of chunks_.front() already read
  size_t queued_ = 0;        // unread bytes in chunks_
  bool write_closed_ = false;
  Status write_status_;                // the producer's verdict, once closed
  std::optional<Error> read_aborted_;  // the consumer's error, once aborted
  Reader reader_{*this};
  Writer writer_{*this};
};

// Reads `from` to its end, writing everything to `to` (which is not closed).
// Returns the number of bytes copied.
Result<uint64_t> copy_stream(ByteSource& from, ByteSink& to);

}  // namespace berth
