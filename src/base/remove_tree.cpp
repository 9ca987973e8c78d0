#include "base/remove_tree.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/unique_fd.h"

namespace berth {

namespace {

// Directory fds held at once. Deeper subtrees are hoisted to the top.
constexpr int kMaxDepth = 32;
// A directory is re-read until empty; more passes than this means something
// keeps adding entries while we delete.
constexpr int kMaxPasses = 100000;

bool is_mount_root(int fd) {
  struct statx info {};
  if (::statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &info) != 0) return false;
  return (info.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) && (info.stx_attributes & STATX_ATTR_MOUNT_ROOT);
}

// Opens a child directory without following symlinks. A directory we may not
// read (mode 000 when unprivileged) is given u+rwx first.
Result<UniqueFd> open_directory(int dir_fd, const char* name) {
  constexpr int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
  UniqueFd fd(::openat(dir_fd, name, flags));
  if (!fd && errno == EACCES && ::fchmodat(dir_fd, name, 0700, AT_SYMLINK_NOFOLLOW) == 0)
    fd.reset(::openat(dir_fd, name, flags));
  if (!fd) return fail_errno(errno, "open directory {}", name);
  if (is_mount_root(fd.get())) return fail("remove {}: is a mount point", name);
  return fd;
}

// unlinkat, retrying once with the directory made writable (a read-only
// directory blocks unlinking its entries for an unprivileged caller).
Status unlink_entry(int dir_fd, const char* name, int flags) {
  if (::unlinkat(dir_fd, name, flags) == 0 || errno == ENOENT) return {};
  if ((errno == EACCES || errno == EPERM) && ::fchmod(dir_fd, 0700) == 0) {
    if (::unlinkat(dir_fd, name, flags) == 0 || errno == ENOENT) return {};
  }
  return fail_errno(errno, "remove {}", name);
}

// A directory stream that owns its fd: one fd per directory level.
class Directory {
 public:
  static Result<Directory> open(int parent_fd, const char* name) {
    BERTH_ASSIGN(UniqueFd fd, open_directory(parent_fd, name));
    DIR* stream = ::fdopendir(fd.get());
    if (stream == nullptr) return fail_errno(errno, "read directory {}", name);
    fd.release();
    return Directory(stream);
  }
  Directory(Directory&& other) noexcept : stream_(std::exchange(other.stream_, nullptr)) {}
  Directory& operator=(Directory&&) = delete;
  ~Directory() {
    if (stream_) ::closedir(stream_);
  }
  int fd() const { return ::dirfd(stream_); }
  DIR* stream() const { return stream_; }

 private:
  explicit Directory(DIR* stream) : stream_(stream) {}
  DIR* stream_;
};

class TreeRemover {
 public:
  explicit TreeRemover(int top_fd) : top_fd_(top_fd) {}

  // Removes everything inside directory, which sits `depth` levels below the top.
  Status empty(const Directory& directory, int depth) {
    for (int pass = 0; pass < kMaxPasses; ++pass) {
      // Removing entries while reading may hide others from this stream; so
      // read again from the start until a pass finds nothing.
      ::rewinddir(directory.stream());
      bool found = false;
      for (;;) {
        errno = 0;
        dirent* entry = ::readdir(directory.stream());
        if (entry == nullptr) {
          if (errno != 0) return fail_errno(errno, "read directory");
          break;
        }
        std::string_view name = entry->d_name;
        if (name == "." || name == "..") continue;
        found = true;
        BERTH_TRY(remove_entry(directory.fd(), entry->d_name, entry->d_type, depth));
      }
      if (!found) return {};
    }
    return fail("remove tree: entries keep appearing");
  }

 private:
  Status remove_entry(int dir_fd, const char* name, unsigned char type, int depth) {
    if (type == DT_UNKNOWN) {
      struct stat info {};
      if (::fstatat(dir_fd, name, &info, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno == ENOENT) return {};
        return fail_errno(errno, "stat {}", name);
      }
      type = S_ISDIR(info.st_mode) ? DT_DIR : DT_REG;
    }
    if (type != DT_DIR) return unlink_entry(dir_fd, name, 0);
    if (depth + 1 >= kMaxDepth) return hoist(dir_fd, name);
    {
      auto child = Directory::open(dir_fd, name);
      if (!child) return with_context(std::move(child), name);
      if (auto emptied = empty(*child, depth + 1); !emptied) return with_context(std::move(emptied), name);
    }
    return unlink_entry(dir_fd, name, AT_REMOVEDIR);
  }

  // Moves a deep directory up to the top, where a later pass of the top
  // directory removes it with fresh depth.
  Status hoist(int dir_fd, const char* name) {
    for (;;) {
      std::string target = ".berth-deep-" + std::to_string(hoisted_++);
      if (::renameat2(dir_fd, name, top_fd_, target.c_str(), RENAME_NOREPLACE) == 0) return {};
      if (errno == EEXIST) continue;
      // Moving a directory to another parent rewrites its "..": it must be writable.
      if (errno == EACCES && ::fchmodat(dir_fd, name, 0700, AT_SYMLINK_NOFOLLOW) == 0 &&
          ::renameat2(dir_fd, name, top_fd_, target.c_str(), RENAME_NOREPLACE) == 0)
        return {};
      return fail_errno(errno, "move deep directory {} up", name);
    }
  }

  int top_fd_;
  uint64_t hoisted_ = 0;
};

}  // namespace

Status remove_tree(int dir_fd, const std::string& name) {
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos)
    return fail("remove tree: \"{}\" is not a single path component", name);
  struct stat info {};
  if (::fstatat(dir_fd, name.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return {};
    return fail_errno(errno, "stat {}", name);
  }
  if (!S_ISDIR(info.st_mode)) return unlink_entry(dir_fd, name.c_str(), 0);
  {
    auto top = Directory::open(dir_fd, name.c_str());
    if (!top) return with_context(std::move(top), "remove tree");
    if (auto emptied = TreeRemover(top->fd()).empty(*top, 0); !emptied)
      return with_context(std::move(emptied), fmt::format("remove tree {}", name));
  }
  return unlink_entry(dir_fd, name.c_str(), AT_REMOVEDIR);
}

}  // namespace berth
