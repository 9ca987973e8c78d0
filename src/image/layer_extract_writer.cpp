#include "image/layer_extract_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "base/path_in_root.h"
#include "image/layer_extract_names.h"
#include "image/whiteout.h"

namespace berth {

namespace {

constexpr int kCreateFileFlags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
constexpr int kOpenDirectoryFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;

Status write_all_at(int fd, std::span<const std::byte> bytes, uint64_t offset) {
  while (!bytes.empty()) {
    ssize_t wrote = ::pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(offset));
    if (wrote < 0) {
      if (errno == EINTR) continue;
      return fail_errno(errno, "write at offset {}", offset);
    }
    bytes = bytes.subspan(static_cast<size_t>(wrote));
    offset += static_cast<uint64_t>(wrote);
  }
  return {};
}

// Runs a create call (returns 0 or -1 with errno); when the name is taken,
// removes what holds it, a directory with its contents, and runs it again.
// Creating exclusively and replacing on EEXIST, rather than checking first,
// costs nothing on the common path: a fresh name in a fresh directory.
template <class Create>
Status create_replacing(int dir_fd, const std::string& name, std::string_view what, Create create) {
  if (create() == 0) return {};
  if (errno != EEXIST) return fail_errno(errno, "create {}", what);
  BERTH_TRY(remove_entry_at(dir_fd, name));
  if (create() != 0) return fail_errno(errno, "create {}", what);
  return {};
}

}  // namespace

Result<int> LayerWriter::parent_directory(std::string_view parent) {
  if (cached_parent_ && *cached_parent_ == parent) return cached_parent_fd_.get();
  auto fd = open_in_root(root_fd_, parent, O_PATH | O_DIRECTORY);
  // Tarballs may omit parent directories: make them as Docker does (0755).
  if (!fd && fd.error().errno_value == ENOENT) fd = make_directories_in_root(root_fd_, parent, 0755);
  if (!fd) return std::unexpected(std::move(fd.error()));
  cached_parent_fd_ = std::move(*fd);
  cached_parent_ = std::string(parent);
  return cached_parent_fd_.get();
}

Status LayerWriter::write(const LayerEntry& entry, FileData& data) {
  using Type = LayerEntry::Type;
  if (entry.type == Type::opaque) return write_opaque(entry);
  if (entry.path.empty()) {
    if (entry.type == Type::directory) return write_root_directory(entry);
    return fail("the layer root can only be a directory");
  }
  BERTH_ASSIGN(int dir_fd, parent_directory(parent_path(entry.path)));
  std::string name(base_name(entry.path));
  switch (entry.type) {
    case Type::regular:
      return write_regular(entry, dir_fd, name, data);
    case Type::directory:
      return write_directory(entry, dir_fd, name);
    case Type::symlink:
      return write_symlink(entry, dir_fd, name);
    case Type::hardlink:
      return write_hardlink(entry, dir_fd, name);
    case Type::char_device:
    case Type::block_device:
    case Type::fifo:
      return write_node(entry, dir_fd, name);
    case Type::whiteout:
      return write_whiteout(entry, dir_fd, name);
    case Type::opaque:
      break;
  }
  return fail("unknown entry type");
}

Status LayerWriter::write_regular(const LayerEntry& entry, int dir_fd, const std::string& name, FileData& data) {
  UniqueFd fd;
  BERTH_TRY(create_replacing(dir_fd, name, "file", [&] {
    fd.reset(::openat(dir_fd, name.c_str(), kCreateFileFlags, 0600));
    return fd ? 0 : -1;
  }));
  uint64_t end = 0;
  for (;;) {
    BERTH_ASSIGN(auto block, data.next());
    if (!block) break;
    BERTH_TRY(write_all_at(fd.get(), block->bytes, block->offset));
    end = std::max(end, block->offset + block->bytes.size());
  }
  // A sparse file may end in a hole: no block reaches its size.
  if (entry.size > end && ::ftruncate(fd.get(), static_cast<off_t>(entry.size)) != 0)
    return fail_errno(errno, "extend to {} bytes", entry.size);
  // Attributes after the data: a write clears security.capability.
  BERTH_TRY(apply_attributes(fd.get(), entry));
  return set_times(fd.get(), entry);
}

Status LayerWriter::write_directory(const LayerEntry& entry, int dir_fd, const std::string& name) {
  if (::mkdirat(dir_fd, name.c_str(), 0700) != 0) {
    if (errno != EEXIST) return fail_errno(errno, "mkdir");
    struct stat existing;
    if (::fstatat(dir_fd, name.c_str(), &existing, AT_SYMLINK_NOFOLLOW) != 0) return fail_errno(errno, "stat");
    // An existing directory is kept with its contents (tar appends, Docker
    // too); anything else, a symlink included, is replaced, never followed.
    if (!S_ISDIR(existing.st_mode)) {
      BERTH_TRY(remove_entry_at(dir_fd, name));
      if (::mkdirat(dir_fd, name.c_str(), 0700) != 0) return fail_errno(errno, "mkdir");
    }
  }
  UniqueFd fd(::openat(dir_fd, name.c_str(), kOpenDirectoryFlags));
  if (!fd) return fail_errno(errno, "open directory");
  BERTH_TRY(apply_attributes(fd.get(), entry));
  defer_directory_times(entry);
  return {};
}

Status LayerWriter::write_root_directory(const LayerEntry& entry) {
  BERTH_ASSIGN(UniqueFd fd, open_in_root(root_fd_, "/", O_RDONLY | O_DIRECTORY));
  BERTH_TRY(apply_attributes(fd.get(), entry));
  defer_directory_times(entry);
  return {};
}

Status LayerWriter::write_symlink(const LayerEntry& entry, int dir_fd, const std::string& name) {
  // The target is stored verbatim: it is only ever resolved later, inside
  // the container's root.
  BERTH_TRY(create_replacing(dir_fd, name, "symlink",
                             [&] { return ::symlinkat(entry.link_target.c_str(), dir_fd, name.c_str()); }));
  return apply_attributes_at(dir_fd, name, entry);
}

Status LayerWriter::write_hardlink(const LayerEntry& entry, int dir_fd, const std::string& name) {
  const std::string& target = entry.link_target;
  auto missing = [&] { return fail("hard link target {} does not exist in the layer", quote_entry_name(target)); };
  if (target == entry.path) return {};  // a link to itself: already there
  auto target_dir = open_in_root(root_fd_, parent_path(target), O_PATH | O_DIRECTORY);
  if (!target_dir) {
    int err = target_dir.error().errno_value;
    if (err == ENOENT || err == ENOTDIR) return missing();
    return with_context(std::move(target_dir), fmt::format("hard link target {}", quote_entry_name(target)));
  }
  std::string target_name(base_name(target));
  // No AT_SYMLINK_FOLLOW: a target that is a symlink is linked itself, and
  // the target's parent was resolved inside the layer like every other path.
  auto status = create_replacing(dir_fd, name, "hard link", [&] {
    return ::linkat(target_dir->get(), target_name.c_str(), dir_fd, name.c_str(), 0);
  });
  if (!status) {
    if (status.error().errno_value == ENOENT) return missing();
    return fail("link to {}: {}", quote_entry_name(target), status.error().message);
  }
  return {};
}

Status LayerWriter::write_node(const LayerEntry& entry, int dir_fd, const std::string& name) {
  mode_t kind = entry.type == LayerEntry::Type::char_device    ? S_IFCHR
                : entry.type == LayerEntry::Type::block_device ? S_IFBLK
                                                               : S_IFIFO;
  BERTH_TRY(create_replacing(dir_fd, name, "device node",
                             [&] { return ::mknodat(dir_fd, name.c_str(), kind | 0600, entry.device); }));
  return apply_attributes_at(dir_fd, name, entry);
}

Status LayerWriter::write_whiteout(const LayerEntry& entry, int dir_fd, const std::string& name) {
  BERTH_TRY(create_replacing(dir_fd, name, "whiteout", [&] {
    auto made = make_overlay_whiteout(dir_fd, name);
    if (!made) errno = made.error().errno_value;
    return made ? 0 : -1;
  }));
  if (options_.preserve_ownership && ::fchownat(dir_fd, name.c_str(), entry.uid, entry.gid, AT_SYMLINK_NOFOLLOW) != 0)
    return fail_errno(errno, "chown whiteout {}:{}", entry.uid, entry.gid);
  return {};
}

Status LayerWriter::write_opaque(const LayerEntry& entry) {
  // The marker's directory is usually the parent of the entries that follow:
  // resolve it through the same cache.
  BERTH_ASSIGN(int dir_fd, parent_directory(entry.path));
  // xattrs need a real fd; "." of a directory resolved inside the root.
  UniqueFd fd(::openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) return fail_errno(errno, "open directory");
  return make_overlay_opaque(fd.get());
}

Status LayerWriter::finish() {
  for (const auto& directory : directory_times_) {
    auto fd = open_in_root(root_fd_, directory.path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
    if (!fd) {
      int err = fd.error().errno_value;
      // A later entry replaced the directory (or a parent) by something else.
      if (err == ENOENT || err == ENOTDIR || err == ELOOP) continue;
      return with_context(std::move(fd), fmt::format("set times of {}", quote_entry_name(directory.path)));
    }
    const timespec times[2] = {directory.atime, directory.mtime};
    if (::futimens(fd->get(), times) != 0)
      return fail_errno(errno, "set times of {}", quote_entry_name(directory.path));
  }
  directory_times_.clear();
  return {};
}

}  // namespace berth
