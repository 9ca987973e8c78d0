#include "shim/json_log_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shim/go_json_string.h"
#include "shim/rfc3339_time.h"
#include "shim/shim_error.h"

namespace berth::shim {

namespace {

void append_entry(std::string& line, std::string_view piece, LogStream stream, const timespec& time) {
  line.append("{\"log\":");
  append_go_json_string(line, piece);
  line.append(stream == LogStream::stdout_stream ? ",\"stream\":\"stdout\",\"time\":\""
                                                 : ",\"stream\":\"stderr\",\"time\":\"");
  append_rfc3339_nano(line, time);
  line.append("\"}\n");
}

Result<UniqueFd> open_log(const std::string& path, int extra_flags) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW | extra_flags, 0640));
  if (!fd) return shim_fail_errno(errno, "open log ", path);
  return fd;
}

std::string numbered(const std::string& path, uint32_t number) { return path + "." + std::to_string(number); }

}  // namespace

std::string format_json_log_entry(std::string_view piece, LogStream stream, const timespec& time) {
  std::string line;
  append_entry(line, piece, stream, time);
  return line;
}

Result<JsonLogWriter> JsonLogWriter::open(std::string path, LogRotation rotation) {
  BERTH_ASSIGN(UniqueFd fd, open_log(path, 0));
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) return shim_fail_errno(errno, "stat log ", path);
  if (rotation.max_file == 0) rotation.max_file = 1;
  return JsonLogWriter(std::move(path), rotation, std::move(fd), static_cast<uint64_t>(info.st_size));
}

Status JsonLogWriter::write_entry(std::string_view piece, LogStream stream, const timespec& time) {
  line_.clear();
  append_entry(line_, piece, stream, time);
  // An entry larger than max_size on its own still goes into a fresh file.
  if (rotation_.max_size > 0 && size_ > 0 && size_ + line_.size() > rotation_.max_size) BERTH_TRY(rotate());
  std::string_view rest = line_;
  while (!rest.empty()) {
    ssize_t written = ::write(fd_.get(), rest.data(), rest.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return shim_fail_errno(errno, "write log ", path_);
    }
    rest.remove_prefix(static_cast<size_t>(written));
    size_ += static_cast<uint64_t>(written);
  }
  return {};
}

Status JsonLogWriter::rotate() {
  for (uint32_t number = rotation_.max_file - 1; number >= 2; --number) {
    if (::rename(numbered(path_, number - 1).c_str(), numbered(path_, number).c_str()) != 0 && errno != ENOENT)
      return shim_fail_errno(errno, "rotate log ", numbered(path_, number - 1));
  }
  if (rotation_.max_file >= 2) {
    if (::rename(path_.c_str(), numbered(path_, 1).c_str()) != 0 && errno != ENOENT)
      return shim_fail_errno(errno, "rotate log ", path_);
    BERTH_ASSIGN(fd_, open_log(path_, O_TRUNC));
  } else {
    BERTH_ASSIGN(fd_, open_log(path_, O_TRUNC));  // max_file=1: no old file is kept
  }
  size_ = 0;
  return {};
}

}  // namespace berth::shim
