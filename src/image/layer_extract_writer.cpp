#include "image/layer_extract_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <thread>

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
Status create_replacing(int dir_fd, const std::string& name, bool keep_directories, std::string_view what,
                        Create create) {
  if (create() == 0) return {};
  if (errno != EEXIST) return fail_errno(errno, "create {}", what);
  struct stat existing;
  if (keep_directories && ::fstatat(dir_fd, name.c_str(), &existing, AT_SYMLINK_NOFOLLOW) == 0 &&
      S_ISDIR(existing.st_mode))
    return fail("cannot overwrite directory \"{}\" with non-directory", name);
  BERTH_TRY(remove_entry_at(dir_fd, name));
  if (create() != 0) return fail_errno(errno, "create {}", what);
  return {};
}

// Larger files are written on the reading thread: their data would have to
// be held in memory, and one large write gains nothing from a worker.
constexpr uint64_t kLargestQueuedFile = 4 << 20;
constexpr size_t kMaxQueuedBytes = 64 << 20;

unsigned worker_count(int requested) {
  if (requested >= 0) return static_cast<unsigned>(requested);
  return std::clamp(std::thread::hardware_concurrency(), 1u, 4u);
}

std::string entry_context(const LayerEntry& entry) {
  return fmt::format("layer entry {}", quote_entry_name(entry.tar_name.empty() ? entry.path : entry.tar_name));
}

// A regular file's data read ahead of writing it, replayed to write_regular.
class BufferedFileData final : public FileData {
 public:
  Status read_all(FileData& source, uint64_t size_hint) {
    bytes_.reserve(size_hint);
    for (;;) {
      BERTH_ASSIGN(auto block, source.next());
      if (!block) return {};
      blocks_.push_back({block->offset, bytes_.size(), block->bytes.size()});
      bytes_.insert(bytes_.end(), block->bytes.begin(), block->bytes.end());
    }
  }
  size_t size() const { return bytes_.size(); }
  Result<std::optional<FileDataBlock>> next() override {
    if (next_ == blocks_.size()) return std::nullopt;
    const Block& block = blocks_[next_++];
    return FileDataBlock{std::span(bytes_).subspan(block.start, block.length), block.offset};
  }

 private:
  struct Block {
    uint64_t offset;
    size_t start, length;
  };
  std::vector<std::byte> bytes_;
  std::vector<Block> blocks_;
  size_t next_ = 0;
};

}  // namespace

LayerWriter::LayerWriter(int root_fd, const ExtractOptions& options) : root_fd_(root_fd), options_(options) {
  if (unsigned workers = worker_count(options.file_workers); workers > 0)
    pool_ = std::make_unique<WritePool>(workers, kMaxQueuedBytes);
}

Result<int> LayerWriter::parent_directory(std::string_view parent) {
  if (cached_parent_ && *cached_parent_ == parent) return cached_parent_fd_->get();
  auto fd = open_in_root(root_fd_, parent, O_PATH | O_DIRECTORY);
  // Tarballs may omit parent directories: make them as Docker does (0755).
  if (!fd && fd.error().errno_value == ENOENT) fd = make_directories_in_root(root_fd_, parent, 0755);
  if (!fd) return std::unexpected(std::move(fd.error()));
  cached_parent_fd_ = std::make_shared<UniqueFd>(std::move(*fd));
  cached_parent_ = std::string(parent);
  return cached_parent_fd_->get();
}

bool LayerWriter::path_is_pending(std::string_view path) const {
  // The path itself, or a queued file where the path expects a directory.
  for (std::string_view at = path; !at.empty(); at = parent_path(at))
    if (pending_.contains(at)) return true;
  return false;
}

bool LayerWriter::resolves_through_symlink(std::string_view path) const {
  for (std::string_view at = path; !at.empty(); at = parent_path(at))
    if (maybe_symlinks_.contains(at)) return true;
  return false;
}

bool LayerWriter::depends_on_pending(const LayerEntry& entry) const {
  if (pending_.empty()) return false;
  if (path_is_pending(entry.path)) return true;
  // A symlink on the way may lead anywhere in the layer, a queued file
  // included: only the lexical checks below are exact without one.
  if (resolves_through_symlink(entry.type == LayerEntry::Type::opaque ? entry.path : parent_path(entry.path)))
    return true;
  if (entry.type == LayerEntry::Type::hardlink && resolves_through_symlink(parent_path(entry.link_target))) return true;
  // A queued file below the path: replacing the path removes its directory.
  std::string below = entry.path.empty() ? std::string() : entry.path + "/";
  auto after = pending_.lower_bound(below);
  if (after != pending_.end() && after->starts_with(below)) return true;
  return entry.type == LayerEntry::Type::hardlink && path_is_pending(entry.link_target);
}

Status LayerWriter::wait_for_pending() {
  pending_.clear();
  return pool_->drain();  // a queued file's error names that file
}

Status LayerWriter::write(const LayerEntry& entry, FileData& data) {
  if (pool_ && depends_on_pending(entry)) BERTH_TRY(wait_for_pending());
  // A hard link may be one to a symlink.
  if (pool_ && (entry.type == LayerEntry::Type::symlink || entry.type == LayerEntry::Type::hardlink))
    maybe_symlinks_.emplace(entry.path);
  if (pool_ && entry.type == LayerEntry::Type::regular && entry.size <= kLargestQueuedFile && !entry.path.empty())
    return queue_regular(entry, data);
  auto status = write_entry(entry, data);
  if (!status) return with_context(std::move(status), entry_context(entry));
  return {};
}

Status LayerWriter::queue_regular(const LayerEntry& entry, FileData& data) {
  if (auto parent = parent_directory(parent_path(entry.path)); !parent)
    return with_context(std::move(parent), entry_context(entry));
  auto buffered = std::make_shared<BufferedFileData>();
  if (auto read = buffered->read_all(data, entry.size); !read)
    return with_context(std::move(read), entry_context(entry));
  size_t bytes = buffered->size() + sizeof(LayerEntry);
  // The job holds the parent's fd: the cache slot moves on to other directories.
  auto job = [this, entry, buffered, parent = cached_parent_fd_]() -> Status {
    auto status = write_regular(entry, parent->get(), std::string(base_name(entry.path)), *buffered);
    if (!status) return with_context(std::move(status), entry_context(entry));
    return {};
  };
  pending_.emplace(entry.path);
  // A failed submit returns an earlier queued file's error, which names that file.
  return pool_->submit(std::move(job), bytes);
}

Status LayerWriter::write_entry(const LayerEntry& entry, FileData& data) {
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
  BERTH_TRY(create_replacing(dir_fd, name, !options_.replace_directories, "file", [&] {
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
  BERTH_TRY(create_replacing(dir_fd, name, !options_.replace_directories, "symlink",
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
  auto status = create_replacing(dir_fd, name, !options_.replace_directories, "hard link", [&] {
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
  BERTH_TRY(create_replacing(dir_fd, name, !options_.replace_directories, "device node",
                             [&] { return ::mknodat(dir_fd, name.c_str(), kind | 0600, entry.device); }));
  return apply_attributes_at(dir_fd, name, entry);
}

Status LayerWriter::write_whiteout(const LayerEntry& entry, int dir_fd, const std::string& name) {
  BERTH_TRY(create_replacing(dir_fd, name, !options_.replace_directories, "whiteout", [&] {
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
  if (pool_) BERTH_TRY(wait_for_pending());
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
