#include "base/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/unique_fd.h"

namespace berth {

namespace {

Result<std::string> read_all(int fd, const std::string& what) {
  std::string content;
  char buffer[8192];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail_errno(errno, "read {}", what);
    }
    if (n == 0) break;
    content.append(buffer, static_cast<size_t>(n));
  }
  return content;
}

Status write_all(int fd, std::string_view content, const std::string& what) {
  while (!content.empty()) {
    ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail_errno(errno, "write {}", what);
    }
    content.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

}  // namespace

Result<std::string> read_file(const std::string& path) { return read_file_at(AT_FDCWD, path); }

Result<std::string> read_file_at(int dir_fd, const std::string& name) {
  UniqueFd fd(::openat(dir_fd, name.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return fail_errno(errno, "open {}", name);
  return read_all(fd.get(), name);
}

Status write_existing_file(const std::string& path, std::string_view content) {
  return write_existing_file_at(AT_FDCWD, path, content);
}

Status write_existing_file_at(int dir_fd, const std::string& name, std::string_view content) {
  UniqueFd fd(::openat(dir_fd, name.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd) return fail_errno(errno, "open {}", name);
  // Kernel files want one write() with the whole value.
  ssize_t n;
  do {
    n = ::write(fd.get(), content.data(), content.size());
  } while (n < 0 && errno == EINTR);
  if (n < 0) return fail_errno(errno, "write {} to {}", content, name);
  return {};
}

Status write_file_atomic(const std::string& path, std::string_view content, int mode, Durability durability) {
  std::string temporary = path + ".tmp-" + std::to_string(::getpid());
  // O_EXCL|O_NOFOLLOW: a planted file or symlink at the temporary name is not followed.
  ::unlink(temporary.c_str());
  UniqueFd fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode));
  if (!fd) return fail_errno(errno, "create {}", temporary);
  if (auto written = write_all(fd.get(), content, temporary); !written) {
    ::unlink(temporary.c_str());
    return written;
  }
  if (durability == Durability::durable && ::fsync(fd.get()) != 0) {
    int err = errno;
    ::unlink(temporary.c_str());
    return fail_errno(err, "fsync {}", temporary);
  }
  fd.reset();
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(temporary.c_str());
    return fail_errno(err, "rename {} to {}", temporary, path);
  }
  return {};
}

Status make_directories(const std::string& path, int mode) {
  if (path.empty()) return {};
  std::string prefix;
  size_t position = 0;
  while (position != std::string::npos) {
    position = path.find('/', position + 1);
    prefix = path.substr(0, position);
    if (prefix.empty()) continue;
    if (::mkdir(prefix.c_str(), mode) != 0 && errno != EEXIST) return fail_errno(errno, "mkdir {}", prefix);
  }
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return fail_errno(errno, "stat {}", path);
  if (!S_ISDIR(info.st_mode)) return fail("mkdir {}: exists and is not a directory", path);
  return {};
}

}  // namespace berth
