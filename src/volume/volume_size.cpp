#include "volume/volume_size.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <set>
#include <utility>

#include "base/unique_fd.h"

namespace berth::volume {

namespace {

using Inode = std::pair<dev_t, ino_t>;

Status add_sizes(int dir_fd, int depth, std::set<Inode>& seen, uint64_t& total) {
  if (depth > 256) return fail("volume size: directory tree deeper than 256 levels");
  int fd = ::openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return fail_errno(errno, "volume size: open directory");
  DIR* dir = ::fdopendir(fd);
  if (!dir) {
    int saved = errno;
    ::close(fd);
    return fail_errno(saved, "volume size: fdopendir");
  }
  Status status;
  while (dirent* entry = ::readdir(dir)) {
    std::string_view name = entry->d_name;
    if (name == "." || name == "..") continue;
    struct stat info {};
    if (::fstatat(fd, entry->d_name, &info, AT_SYMLINK_NOFOLLOW) != 0) continue;  // gone meanwhile
    if (S_ISDIR(info.st_mode)) {
      UniqueFd child(::openat(fd, entry->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (!child) continue;
      status = add_sizes(child.get(), depth + 1, seen, total);
      if (!status) break;
      continue;
    }
    if (info.st_nlink > 1 && !seen.insert({info.st_dev, info.st_ino}).second) continue;
    total += static_cast<uint64_t>(info.st_size);
  }
  ::closedir(dir);
  return status;
}

}  // namespace

Result<uint64_t> directory_size(int dir_fd) {
  std::set<Inode> seen;
  uint64_t total = 0;
  BERTH_TRY(add_sizes(dir_fd, 0, seen, total));
  return total;
}

}  // namespace berth::volume
