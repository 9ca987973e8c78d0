// Docker's json-file log: one JSON object per entry,
//   {"log":"hello\n","stream":"stdout","time":"2026-11-23T07:00:00.123456789Z"}
// appended to log_path, rotated by size: before an entry that would make the
// file exceed max_size, path.(n-2) -> path.(n-1) ... path -> path.1 (keeping
// max_file-1 old files) and a new empty path is started.
#pragma once

#include <time.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "base/unique_fd.h"

namespace berth::shim {

enum class LogStream { stdout_stream, stderr_stream };

struct LogRotation {
  uint64_t max_size = 0;  // 0 = never rotate
  uint32_t max_file = 1;  // files kept, counting the live one
};

// One formatted line, with its trailing '\n'.
std::string format_json_log_entry(std::string_view piece, LogStream stream, const timespec& time);

class JsonLogWriter {
 public:
  // Opens (creating, appending to an existing file: a restarted container
  // keeps its log) the log file.
  static Result<JsonLogWriter> open(std::string path, LogRotation rotation);

  Status write_entry(std::string_view piece, LogStream stream, const timespec& time);

 private:
  JsonLogWriter(std::string path, LogRotation rotation, UniqueFd fd, uint64_t size)
      : path_(std::move(path)), rotation_(rotation), fd_(std::move(fd)), size_(size) {}
  Status rotate();

  std::string path_;
  LogRotation rotation_;
  UniqueFd fd_;
  uint64_t size_ = 0;
  std::string line_;  // reused for every entry: no allocation per line
};

}  // namespace berth::shim
