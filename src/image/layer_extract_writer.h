// Writes the entries of a layer, already parsed and named, into the layer
// directory. Knows nothing of tar: layer_extract.cpp turns libarchive's
// entries into LayerEntry values, so the filesystem rules live here alone.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"
#include "image/layer_extract.h"
#include "image/write_pool.h"

namespace berth {

struct LayerEntry {
  enum class Type { regular, directory, symlink, hardlink, char_device, block_device, fifo, whiteout, opaque };
  Type type = Type::regular;
  // Cleaned, relative to the layer root ("" is the root). For a whiteout the
  // path of the name it deletes; for an opaque marker its directory.
  std::string path;
  std::string tar_name;     // the name as the archive wrote it, for messages
  std::string link_target;  // symlink: verbatim; hard link: cleaned path in the layer
  mode_t mode = 0;          // permission bits with setuid/setgid/sticky
  uid_t uid = 0;
  gid_t gid = 0;
  dev_t device = 0;  // character and block devices
  timespec atime{};
  timespec mtime{};
  uint64_t size = 0;  // regular files: the logical size (sparse holes included)
  std::vector<std::pair<std::string, std::string>> xattrs;
};

// A regular file's data, in blocks at increasing offsets (a sparse file's
// holes are skipped offsets). nullopt at the end.
struct FileDataBlock {
  std::span<const std::byte> bytes;
  uint64_t offset = 0;
};
class FileData {
 public:
  virtual ~FileData() = default;
  virtual Result<std::optional<FileDataBlock>> next() = 0;
};

class LayerWriter {
 public:
  LayerWriter(int root_fd, const ExtractOptions& options);

  // `data` is read for regular files only (before write returns, even when
  // the file itself is written later by a worker). Errors name the entry.
  Status write(const LayerEntry& entry, FileData& data);
  // Waits for the queued files, then sets the deferred directory times;
  // call once after the last entry.
  Status finish();

  uint64_t xattrs_skipped() const { return xattrs_skipped_; }

 private:
  Status write_entry(const LayerEntry& entry, FileData& data);
  // Reads a regular file's data and queues the file for a worker.
  Status queue_regular(const LayerEntry& entry, FileData& data);
  // Whether `entry` touches a path a queued file may still be writing.
  bool depends_on_pending(const LayerEntry& entry) const;
  bool path_is_pending(std::string_view path) const;
  bool resolves_through_symlink(std::string_view path) const;
  Status wait_for_pending();

  Result<int> parent_directory(std::string_view parent);
  Status write_regular(const LayerEntry& entry, int dir_fd, const std::string& name, FileData& data);
  Status write_directory(const LayerEntry& entry, int dir_fd, const std::string& name);
  Status write_root_directory(const LayerEntry& entry);
  Status write_symlink(const LayerEntry& entry, int dir_fd, const std::string& name);
  Status write_hardlink(const LayerEntry& entry, int dir_fd, const std::string& name);
  Status write_node(const LayerEntry& entry, int dir_fd, const std::string& name);
  Status write_whiteout(const LayerEntry& entry, int dir_fd, const std::string& name);
  Status write_opaque(const LayerEntry& entry);

  // Owner, mode and xattrs through a real fd of the entry (times separately).
  Status apply_attributes(int fd, const LayerEntry& entry);
  Status apply_xattrs(int fd, const LayerEntry& entry);
  // Owner, mode (not for symlinks) and times of an entry that is not opened:
  // a symlink would be followed, opening a device or fifo has side effects.
  Status apply_attributes_at(int dir_fd, const std::string& name, const LayerEntry& entry);
  static Status set_times(int fd, const LayerEntry& entry);
  void defer_directory_times(const LayerEntry& entry);

  int root_fd_;
  ExtractOptions options_;
  // The parent directory of the previous entry. Consecutive entries mostly
  // share it, so most entries cost no path resolution at all. One slot is
  // never stale: entries only create or remove children of the current
  // parent, which cannot change what the parent's own path resolves to; an
  // entry that touches the parent itself has another parent and refills it.
  // Shared with the queued files of that directory, which outlive the cache slot.
  std::optional<std::string> cached_parent_;
  std::shared_ptr<UniqueFd> cached_parent_fd_;
  struct DirectoryTimes {
    std::string path;
    timespec atime, mtime;
  };
  std::vector<DirectoryTimes> directory_times_;
  std::atomic<uint64_t> xattrs_skipped_ = 0;  // workers count too
  std::unique_ptr<WritePool> pool_;
  // Paths of the files queued since the pool was last drained.
  std::set<std::string, std::less<>> pending_;
  // Paths where this layer made a symlink (or a hard link, which may be one
  // to a symlink); resolving through them is not lexical. The layer
  // directory starts empty, so nothing else in it is a symlink.
  std::set<std::string, std::less<>> maybe_symlinks_;
};

// Removes `name` in dir_fd whatever it is, a directory with its contents;
// a missing name is fine. Never follows a symlink.
Status remove_entry_at(int dir_fd, const std::string& name);

}  // namespace berth
