#include "store/disk_usage.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <set>
#include <utility>
#include <vector>

#include "base/unique_fd.h"

namespace berth::store {

namespace {

constexpr int kMaxDepth = 512;

class UsageCounter {
 public:
  Result<uint64_t> count(int dir_fd, const char* name, int depth) {
    struct stat info {};
    if (::fstatat(dir_fd, name, &info, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT) return 0;  // removed while we walk: it takes no space
      return fail_errno(errno, "stat {}", name);
    }
    uint64_t total = 0;
    if (info.st_nlink <= 1 || S_ISDIR(info.st_mode) || seen_.insert({info.st_dev, info.st_ino}).second)
      total = static_cast<uint64_t>(info.st_blocks) * 512;
    if (!S_ISDIR(info.st_mode)) return total;
    if (depth >= kMaxDepth) return fail("disk usage: tree deeper than {} levels", kMaxDepth);

    UniqueFd fd(::openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd) return fail_errno(errno, "open directory {}", name);
    // Names are read first and the stream closed, so one fd per level stays open.
    BERTH_ASSIGN(auto names, list(fd.get(), name));
    for (const auto& child : names) {
      BERTH_ASSIGN(uint64_t child_total, count(fd.get(), child.c_str(), depth + 1));
      total += child_total;
    }
    return total;
  }

 private:
  static Result<std::vector<std::string>> list(int fd, const char* name) {
    UniqueFd listing_fd(::openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!listing_fd) return fail_errno(errno, "open directory {}", name);
    DIR* listing = ::fdopendir(listing_fd.get());
    if (listing == nullptr) return fail_errno(errno, "read directory {}", name);
    listing_fd.release();
    std::vector<std::string> names;
    for (;;) {
      errno = 0;
      dirent* entry = ::readdir(listing);
      if (entry == nullptr) break;
      std::string_view child = entry->d_name;
      if (child != "." && child != "..") names.emplace_back(child);
    }
    int err = errno;
    ::closedir(listing);
    if (err != 0) return fail_errno(err, "read directory {}", name);
    return names;
  }

  std::set<std::pair<dev_t, ino_t>> seen_;
};

}  // namespace

Result<uint64_t> tree_disk_usage(int dir_fd, const std::string& name) {
  return UsageCounter().count(dir_fd, name.c_str(), 0);
}

}  // namespace berth::store
