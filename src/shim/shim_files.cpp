#include "shim/shim_files.h"

#include <fcntl.h>
#include <unistd.h>

#include "base/unique_fd.h"
#include "shim/shim_error.h"

namespace berth::shim {

Result<std::string> read_small_file(const std::string& path, size_t max_size) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return shim_fail_errno(errno, "open ", path);
  std::string content;
  char buffer[4096];
  for (;;) {
    ssize_t got = ::read(fd.get(), buffer, sizeof buffer);
    if (got < 0) {
      if (errno == EINTR) continue;
      return shim_fail_errno(errno, "read ", path);
    }
    if (got == 0) return content;
    content.append(buffer, static_cast<size_t>(got));
    if (content.size() > max_size) return shim_fail(path, ": larger than ", max_size, " bytes");
  }
}

Status replace_file_atomically(const std::string& path, std::string_view content) {
  std::string temporary = path + ".tmp-" + std::to_string(::getpid());
  ::unlink(temporary.c_str());
  // O_EXCL|O_NOFOLLOW: a file or symlink planted at the temporary name is not followed.
  UniqueFd fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
  if (!fd) return shim_fail_errno(errno, "create ", temporary);
  std::string_view rest = content;
  while (!rest.empty()) {
    ssize_t written = ::write(fd.get(), rest.data(), rest.size());
    if (written < 0 && errno == EINTR) continue;
    if (written < 0) {
      int err = errno;
      ::unlink(temporary.c_str());
      return shim_fail_errno(err, "write ", temporary);
    }
    rest.remove_prefix(static_cast<size_t>(written));
  }
  fd.reset();
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(temporary.c_str());
    return shim_fail_errno(err, "rename ", temporary, " to ", path);
  }
  return {};
}

}  // namespace berth::shim
