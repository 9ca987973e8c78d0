#include "volume/volume_copy_up.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "base/path_in_root.h"
#include "base/unique_fd.h"

namespace berth::volume {

namespace {

constexpr int kMaxDepth = 256;

struct DirCloser {
  void operator()(DIR* dir) const { ::closedir(dir); }
};
using DirHandle = std::unique_ptr<DIR, DirCloser>;

// The names in a directory (a fresh description: the caller's fd offset is untouched).
Result<std::vector<std::string>> list_names(int dir_fd) {
  int fd = ::openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return fail_errno(errno, "open directory");
  DirHandle dir(::fdopendir(fd));
  if (!dir) {
    int saved = errno;
    ::close(fd);
    return fail_errno(saved, "fdopendir");
  }
  std::vector<std::string> names;
  errno = 0;
  while (dirent* entry = ::readdir(dir.get())) {
    std::string_view name = entry->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
    errno = 0;
  }
  if (errno != 0) return fail_errno(errno, "readdir");
  return names;
}

// xattrs of an open file onto another. Filesystems without xattrs (or
// names the destination refuses, like security.* under an LSM) are skipped:
// "where possible".
void copy_xattrs(int source_fd, int dest_fd) {
  std::vector<char> names(4096);
  ssize_t length;
  for (;;) {
    length = ::flistxattr(source_fd, names.data(), names.size());
    if (length >= 0) break;
    if (errno != ERANGE) return;
    names.resize(names.size() * 4);
    if (names.size() > (1u << 22)) return;
  }
  std::vector<char> value(4096);
  for (ssize_t at = 0; at < length; at += static_cast<ssize_t>(std::strlen(names.data() + at)) + 1) {
    const char* name = names.data() + at;
    ssize_t size;
    for (;;) {
      size = ::fgetxattr(source_fd, name, value.data(), value.size());
      if (size >= 0 || errno != ERANGE || value.size() > (1u << 22)) break;
      value.resize(value.size() * 4);
    }
    if (size >= 0) (void)::fsetxattr(dest_fd, name, value.data(), static_cast<size_t>(size), 0);
  }
}

// Owner first: chown clears setuid/setgid, so the mode comes after it.
Status copy_attributes(int source_fd, int dest_fd, const struct stat& info, const std::string& name) {
  if (::fchown(dest_fd, info.st_uid, info.st_gid) != 0) return fail_errno(errno, "copy up {}: chown", name);
  if (::fchmod(dest_fd, info.st_mode & 07777) != 0) return fail_errno(errno, "copy up {}: chmod", name);
  copy_xattrs(source_fd, dest_fd);
  const timespec times[2] = {info.st_atim, info.st_mtim};
  if (::futimens(dest_fd, times) != 0) return fail_errno(errno, "copy up {}: set times", name);
  return {};
}

Status copy_file_data(int source_fd, int dest_fd, off_t size, const std::string& name) {
  off_t copied = 0;
  while (copied < size) {
    ssize_t sent = ::copy_file_range(source_fd, nullptr, dest_fd, nullptr, static_cast<size_t>(size - copied), 0);
    if (sent < 0 && (errno == EXDEV || errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP))
      sent = ::sendfile(dest_fd, source_fd, nullptr, static_cast<size_t>(size - copied));
    if (sent < 0) {
      if (errno == EINTR) continue;
      return fail_errno(errno, "copy up {}: copy data", name);
    }
    if (sent == 0) break;  // the file shrank while we copied
    copied += sent;
  }
  return {};
}

Status copy_entry(int source_dir, int dest_dir, const std::string& name, const std::string& shown, int depth);

Status copy_contents(int source_dir, int dest_dir, const std::string& shown, int depth) {
  if (depth > kMaxDepth) return fail("copy up {}: directory tree deeper than {} levels", shown, kMaxDepth);
  BERTH_ASSIGN(auto names, list_names(source_dir));
  for (const std::string& name : names) BERTH_TRY(copy_entry(source_dir, dest_dir, name, shown + "/" + name, depth));
  return {};
}

Status copy_entry(int source_dir, int dest_dir, const std::string& name, const std::string& shown, int depth) {
  struct stat info {};
  if (::fstatat(source_dir, name.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return {};  // gone meanwhile
    return fail_errno(errno, "copy up {}: stat", shown);
  }
  switch (info.st_mode & S_IFMT) {
    case S_IFDIR: {
      UniqueFd source(::openat(source_dir, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (!source) return fail_errno(errno, "copy up {}: open", shown);
      if (::mkdirat(dest_dir, name.c_str(), 0700) != 0) return fail_errno(errno, "copy up {}: mkdir", shown);
      UniqueFd dest(::openat(dest_dir, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (!dest) return fail_errno(errno, "copy up {}: open the copy", shown);
      BERTH_TRY(copy_contents(source.get(), dest.get(), shown, depth + 1));
      return copy_attributes(source.get(), dest.get(), info, shown);
    }
    case S_IFREG: {
      UniqueFd source(::openat(source_dir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC));
      if (!source) return fail_errno(errno, "copy up {}: open", shown);
      UniqueFd dest(
          ::openat(dest_dir, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0600));
      if (!dest) return fail_errno(errno, "copy up {}: create", shown);
      BERTH_TRY(copy_file_data(source.get(), dest.get(), info.st_size, shown));
      return copy_attributes(source.get(), dest.get(), info, shown);
    }
    case S_IFLNK: {
      std::vector<char> target(static_cast<size_t>(info.st_size > 0 ? info.st_size : 255) + 1);
      ssize_t length = ::readlinkat(source_dir, name.c_str(), target.data(), target.size());
      if (length < 0) return fail_errno(errno, "copy up {}: readlink", shown);
      if (static_cast<size_t>(length) >= target.size()) return fail("copy up {}: symlink changed while copied", shown);
      std::string link(target.data(), static_cast<size_t>(length));
      if (::symlinkat(link.c_str(), dest_dir, name.c_str()) != 0)
        return fail_errno(errno, "copy up {}: symlink", shown);
      if (::fchownat(dest_dir, name.c_str(), info.st_uid, info.st_gid, AT_SYMLINK_NOFOLLOW) != 0)
        return fail_errno(errno, "copy up {}: chown", shown);
      const timespec times[2] = {info.st_atim, info.st_mtim};
      (void)::utimensat(dest_dir, name.c_str(), times, AT_SYMLINK_NOFOLLOW);
      return {};
    }
    default: {  // device nodes, fifos, sockets: made anew, never opened
      if (::mknodat(dest_dir, name.c_str(), info.st_mode & (S_IFMT | 0700), info.st_rdev) != 0)
        return fail_errno(errno, "copy up {}: mknod", shown);
      UniqueFd dest(::openat(dest_dir, name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
      if (!dest) return fail_errno(errno, "copy up {}: open the copy", shown);
      if (::fchownat(dest.get(), "", info.st_uid, info.st_gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) != 0)
        return fail_errno(errno, "copy up {}: chown", shown);
      // fchmod does not take O_PATH fds; chmod through the fd's magic link
      // acts on the node itself, whatever the name holds by now.
      if (::chmod(fd_path(dest.get()).c_str(), info.st_mode & 07777) != 0)
        return fail_errno(errno, "copy up {}: chmod", shown);
      return {};
    }
  }
}

}  // namespace

Status copy_directory_contents(int source_dir_fd, int dest_dir_fd) {
  return copy_contents(source_dir_fd, dest_dir_fd, "", 0);
}

Status copy_directory_attributes(int source_dir_fd, int dest_dir_fd) {
  struct stat info {};
  if (::fstat(source_dir_fd, &info) != 0) return fail_errno(errno, "copy up: stat");
  return copy_attributes(source_dir_fd, dest_dir_fd, info, "/");
}

Result<bool> directory_is_empty(int dir_fd) {
  BERTH_ASSIGN(auto names, list_names(dir_fd));
  return names.empty();
}

Result<bool> copy_up_into(int rootfs_fd, std::string_view path_in_container, int volume_dir_fd) {
  auto source = open_in_root(rootfs_fd, path_in_container, O_RDONLY | O_DIRECTORY);
  if (!source) {
    int err = source.error().errno_value;
    if (err == ENOENT || err == ENOTDIR) return false;  // nothing in the image there
    return with_context(std::move(source), "copy up");
  }
  BERTH_ASSIGN(bool empty, directory_is_empty(volume_dir_fd));
  if (!empty) return false;
  BERTH_TRY(copy_directory_contents(source->get(), volume_dir_fd));
  BERTH_TRY(copy_directory_attributes(source->get(), volume_dir_fd));
  return true;
}

}  // namespace berth::volume
