// Recursive copy of a directory's content, fd-relative throughout so that a
// symlink in the source can never redirect a read or a write.
#include "runtime/tree_copy.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "base/unique_fd.h"

namespace berth::runtime {

namespace {

Status copy_file_content(int source_fd, int target_fd, off_t size, const char* name) {
  off_t copied = 0;
  while (copied < size) {
    ssize_t sent = ::sendfile(target_fd, source_fd, nullptr, static_cast<size_t>(size - copied));
    if (sent < 0) {
      if (errno == EINTR) continue;
      return fail_errno(errno, "copy {}", name);
    }
    if (sent == 0) break;  // the file shrank while we copied
    copied += sent;
  }
  return {};
}

void copy_metadata(int target_dir_fd, const char* name, const struct stat& st) {
  // Best effort, as cp -a does: ownership may be refused in a user namespace.
  (void)::fchownat(target_dir_fd, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW);
  if (!S_ISLNK(st.st_mode)) (void)::fchmodat(target_dir_fd, name, st.st_mode & 07777, 0);
  timespec times[2] = {st.st_atim, st.st_mtim};
  (void)::utimensat(target_dir_fd, name, times, AT_SYMLINK_NOFOLLOW);
}

Status copy_entry(int source_dir_fd, int target_dir_fd, const char* name) {
  struct stat st {};
  if (::fstatat(source_dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) return fail_errno(errno, "stat {}", name);
  if (S_ISDIR(st.st_mode)) {
    if (::mkdirat(target_dir_fd, name, 0700) != 0 && errno != EEXIST) return fail_errno(errno, "mkdir {}", name);
    UniqueFd source(::openat(source_dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!source) return fail_errno(errno, "open {}", name);
    UniqueFd target(::openat(target_dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!target) return fail_errno(errno, "open {}", name);
    auto copied = copy_tree(source.get(), target.get());
    if (!copied) return with_context(std::move(copied), name);
  } else if (S_ISREG(st.st_mode)) {
    UniqueFd source(::openat(source_dir_fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!source) return fail_errno(errno, "open {}", name);
    UniqueFd target(::openat(target_dir_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!target) return fail_errno(errno, "create {}", name);
    BERTH_TRY(copy_file_content(source.get(), target.get(), st.st_size, name));
  } else if (S_ISLNK(st.st_mode)) {
    std::string link(static_cast<size_t>(st.st_size) + 1, '\0');
    ssize_t length = ::readlinkat(source_dir_fd, name, link.data(), link.size());
    if (length < 0) return fail_errno(errno, "readlink {}", name);
    link.resize(static_cast<size_t>(length));
    if (::symlinkat(link.c_str(), target_dir_fd, name) != 0) return fail_errno(errno, "symlink {}", name);
  } else {
    if (::mknodat(target_dir_fd, name, st.st_mode, st.st_rdev) != 0) return fail_errno(errno, "mknod {}", name);
  }
  copy_metadata(target_dir_fd, name, st);
  return {};
}

}  // namespace

Status copy_tree(int source_dir_fd, int target_dir_fd) {
  // fdopendir takes ownership of its fd, so it gets a fresh one on the same directory.
  int listing_fd = ::openat(source_dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (listing_fd < 0) return fail_errno(errno, "open directory to copy");
  DIR* listing = ::fdopendir(listing_fd);
  if (!listing) {
    ::close(listing_fd);
    return fail_errno(errno, "list directory to copy");
  }
  Status status;
  while (dirent* entry = ::readdir(listing)) {
    std::string_view name = entry->d_name;
    if (name == "." || name == "..") continue;
    status = copy_entry(source_dir_fd, target_dir_fd, entry->d_name);
    if (!status) break;
  }
  ::closedir(listing);
  return status;
}

}  // namespace berth::runtime
