#include "image/tree_archive.h"

#include <archive.h>
#include <archive_entry.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <utility>
#include <vector>

#include "image/archive_loader.h"
#include "image/whiteout.h"

namespace berth {

namespace {

struct DiskReaderFree {
  void operator()(archive* a) const { archive_read_free(a); }
};
struct WriterFree {
  void operator()(archive* a) const { archive_write_free(a); }
};
struct ResolverFree {
  void operator()(archive_entry_linkresolver* r) const { archive_entry_linkresolver_free(r); }
};
struct EntryFree {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};

// libarchive's write callback: everything into the sink; the first error is kept for the caller.
struct SinkTarget {
  ByteSink& sink;
  Error error;
  bool failed = false;
};

la_ssize_t write_to_sink(archive* a, void* data, const void* buffer, size_t length) {
  auto* target = static_cast<SinkTarget*>(data);
  auto written = target->sink.write(std::span(static_cast<const std::byte*>(buffer), length));
  if (!written) {
    target->error = std::move(written.error());
    target->failed = true;
    archive_set_error(a, EIO, "%s", target->error.message.c_str());
    return -1;
  }
  return static_cast<la_ssize_t>(length);
}

// Keeps only the attributes a layer carries; true when the directory was
// an opaque overlay directory.
bool filter_xattrs(archive_entry* entry) {
  std::vector<std::pair<std::string, std::string>> kept;
  bool opaque = false;
  const char* name = nullptr;
  const void* value = nullptr;
  size_t size = 0;
  archive_entry_xattr_reset(entry);
  while (archive_entry_xattr_next(entry, &name, &value, &size) == ARCHIVE_OK) {
    std::string_view key(name);
    std::string text(static_cast<const char*>(value), size);
    if (key == kOverlayOpaqueXattr && text == "y") opaque = true;
    // As docker's archiver: file capabilities travel, host labels
    // (security.selinux, …) and overlayfs's own attributes do not.
    if (key == "security.capability") kept.emplace_back(key, std::move(text));
  }
  archive_entry_xattr_clear(entry);
  for (const auto& [key, text] : kept) archive_entry_xattr_add_entry(entry, key.c_str(), text.data(), text.size());
  return opaque;
}

class TreeWriter {
 public:
  TreeWriter(ByteSink& sink, const TreeArchiveOptions& options) : target_{sink, {}, false}, options_(options) {}

  Status run(const std::string& root) {
    BERTH_TRY(load_libarchive());
    disk_.reset(archive_read_disk_new());
    writer_.reset(archive_write_new());
    resolver_.reset(archive_entry_linkresolver_new());
    if (!disk_ || !writer_ || !resolver_) return fail("archive {}: out of memory", root);
    // Hybrid: the root itself may be a link (/proc/self/fd/N); nothing below is followed.
    if (options_.follow_root_link) {
      archive_read_disk_set_symlink_hybrid(disk_.get());
    } else {
      archive_read_disk_set_symlink_physical(disk_.get());
    }
    archive_read_disk_set_behavior(disk_.get(), ARCHIVE_READDISK_NO_TRAVERSE_MOUNTS | ARCHIVE_READDISK_NO_ACL |
                                                    ARCHIVE_READDISK_NO_FFLAGS | ARCHIVE_READDISK_NO_SPARSE);
    archive_write_set_format_pax_restricted(writer_.get());
    archive_write_set_bytes_in_last_block(writer_.get(), 1);
    archive_entry_linkresolver_set_strategy(resolver_.get(), archive_format(writer_.get()));
    if (archive_write_open2(writer_.get(), &target_, nullptr, write_to_sink, nullptr, nullptr) != ARCHIVE_OK)
      return writer_error("start the archive");
    if (archive_read_disk_open(disk_.get(), root.c_str()) != ARCHIVE_OK)
      return fail("archive {}: {}", root, archive_error_string(disk_.get()));

    while (true) {
      std::unique_ptr<archive_entry, EntryFree> entry(archive_entry_new());
      int status = archive_read_next_header2(disk_.get(), entry.get());
      if (status == ARCHIVE_EOF) break;
      // A file that vanished while the tree was walked (a running
      // container's tmp or logs) is left out, as docker's archiver does.
      if (status == ARCHIVE_FAILED && archive_errno(disk_.get()) == ENOENT) continue;
      if (status < ARCHIVE_WARN) return fail("archive {}: {}", root, archive_error_string(disk_.get()));
      std::string path = archive_entry_pathname(entry.get());
      std::string relative = path.size() > root.size() ? path.substr(root.size() + 1) : "";
      const struct stat* info = archive_entry_stat(entry.get());
      bool is_dir = S_ISDIR(info->st_mode);
      // Sockets have no tar form; docker's archiver leaves them out too.
      if (S_ISSOCK(info->st_mode)) continue;
      if (!relative.empty() && options_.skip && options_.skip(relative, *info)) continue;
      if (is_dir) archive_read_disk_descend(disk_.get());
      BERTH_TRY(write_entry(std::move(entry), relative));
    }
    if (archive_write_close(writer_.get()) != ARCHIVE_OK) return writer_error("finish the archive");
    return {};
  }

 private:
  std::string archive_name(const std::string& relative, bool is_dir) const {
    std::string name = options_.name_prefix + relative;
    if (relative.empty() && name.ends_with('/')) name.pop_back();
    if (is_dir && !name.empty()) name += '/';
    return name;
  }

  Status write_entry(std::unique_ptr<archive_entry, EntryFree> entry, const std::string& relative) {
    const struct stat* info = archive_entry_stat(entry.get());
    bool is_dir = S_ISDIR(info->st_mode);
    std::string name = archive_name(relative, is_dir);
    if (name.empty()) return {};  // the root itself, when names carry no prefix
    bool opaque = filter_xattrs(entry.get()) && options_.overlay_whiteouts;
    if (options_.overlay_whiteouts && S_ISCHR(info->st_mode) && info->st_rdev == 0)
      return write_whiteout(*info, relative);
    // Only the modification time: layers made twice from the same tree hash the same.
    archive_entry_unset_atime(entry.get());
    archive_entry_unset_ctime(entry.get());
    archive_entry_unset_birthtime(entry.get());
    archive_entry_copy_pathname(entry.get(), name.c_str());
    archive_entry_set_uname(entry.get(), nullptr);
    archive_entry_set_gname(entry.get(), nullptr);
    archive_entry* to_write = entry.get();
    archive_entry* sparse = nullptr;
    archive_entry_linkify(resolver_.get(), &to_write, &sparse);
    if (to_write) {
      if (archive_write_header(writer_.get(), to_write) < ARCHIVE_WARN) return writer_error(name);
      // A hard link to an entry already written carries no data.
      if (S_ISREG(info->st_mode) && archive_entry_size(to_write) > 0) BERTH_TRY(copy_data(name));
    }
    if (opaque) BERTH_TRY(write_marker(relative.empty() ? "" : relative + "/", ".wh..wh..opq", *info));
    return {};
  }

  Status copy_data(const std::string& name) {
    const void* block = nullptr;
    size_t size = 0;
    la_int64_t offset = 0;
    while (true) {
      int status = archive_read_data_block(disk_.get(), &block, &size, &offset);
      if (status == ARCHIVE_EOF) return {};
      if (status < ARCHIVE_WARN) return fail("archive {}: {}", name, archive_error_string(disk_.get()));
      if (size > 0 && archive_write_data(writer_.get(), block, size) < 0) return writer_error(name);
    }
  }

  Status write_whiteout(const struct stat& info, const std::string& relative) {
    auto slash = relative.rfind('/');
    std::string dir = slash == std::string::npos ? "" : relative.substr(0, slash + 1);
    std::string base = slash == std::string::npos ? relative : relative.substr(slash + 1);
    return write_marker(dir, ".wh." + base, info);
  }

  // An empty regular file named `dir_relative` + `marker`, as OCI layers mark deletions.
  Status write_marker(const std::string& dir_relative, const std::string& marker, const struct stat& like) {
    std::unique_ptr<archive_entry, EntryFree> entry(archive_entry_new());
    std::string name = options_.name_prefix + dir_relative + marker;
    archive_entry_copy_pathname(entry.get(), name.c_str());
    archive_entry_set_filetype(entry.get(), AE_IFREG);
    archive_entry_set_perm(entry.get(), 0);
    archive_entry_set_size(entry.get(), 0);
    archive_entry_set_mtime(entry.get(), like.st_mtim.tv_sec, like.st_mtim.tv_nsec);
    if (archive_write_header(writer_.get(), entry.get()) < ARCHIVE_WARN) return writer_error(name);
    return {};
  }

  Status writer_error(const std::string& what) {
    if (target_.failed) return std::unexpected(std::move(target_.error));
    return fail("archive {}: {}", what, archive_error_string(writer_.get()));
  }

  SinkTarget target_;
  const TreeArchiveOptions& options_;
  std::unique_ptr<archive, DiskReaderFree> disk_;
  std::unique_ptr<archive, WriterFree> writer_;
  std::unique_ptr<archive_entry_linkresolver, ResolverFree> resolver_;
};

}  // namespace

Status write_tree_archive(const std::string& root, ByteSink& sink, const TreeArchiveOptions& options) {
  TreeWriter writer(sink, options);
  return writer.run(root);
}

}  // namespace berth
