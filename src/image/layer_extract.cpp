// libarchive parses the tar stream; the disk side is ours. libarchive's own
// archive_write_disk could extract too, but it resolves names as path
// strings from the working directory (its "secure" flags check for symlinks,
// then act by path, and race with the entries they check), has no notion of
// overlayfs whiteouts, and would chmod through names we want pinned to fds.
// LayerWriter (layer_extract_writer.cpp) does the disk side with openat2 and
// *at() calls instead.
#include "image/layer_extract.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/sysmacros.h>

#include <algorithm>
#include <memory>
#include <tuple>
#include <vector>

#include "image/archive_loader.h"
#include "image/layer_extract_names.h"
#include "image/layer_extract_writer.h"
#include "image/whiteout.h"

namespace berth {

namespace {

// The tar stream as libarchive reads it, hashed on the way: the diff_id is
// the sha256 of every byte, so it is computed here rather than by a second
// pass over the layer.
struct TarInput {
  ByteSource& source;
  Sha256 hasher;
  uint64_t bytes = 0;
  std::vector<std::byte> buffer = std::vector<std::byte>(1 << 20);
  std::optional<Error> error;  // the source's own error, clearer than libarchive's

  Result<size_t> read_chunk() {
    BERTH_ASSIGN(size_t got, source.read(buffer));
    hasher.update(std::span(buffer).first(got));
    bytes += got;
    return got;
  }
};

la_ssize_t read_callback(archive* tar, void* context, const void** data) {
  auto& input = *static_cast<TarInput*>(context);
  auto got = input.read_chunk();
  if (!got) {
    archive_set_error(tar, EIO, "%s", got.error().message.c_str());
    input.error = std::move(got.error());
    return -1;
  }
  *data = input.buffer.data();
  return static_cast<la_ssize_t>(*got);
}

struct ArchiveFree {
  void operator()(archive* tar) const { archive_read_free(tar); }
};

// What went wrong, preferring the source's error (a truncated gzip) to the
// consequence libarchive saw (a truncated tar).
Error read_error(archive* tar, const TarInput& input) {
  if (input.error) return *input.error;
  const char* message = archive_error_string(tar);
  return Error{fmt::format("tar: {}", message ? message : "unknown libarchive error"), archive_errno(tar)};
}

class ArchiveFileData final : public FileData {
 public:
  ArchiveFileData(archive* tar, const TarInput& input) : tar_(tar), input_(input) {}
  Result<std::optional<FileDataBlock>> next() override {
    const void* data = nullptr;
    size_t size = 0;
    la_int64_t offset = 0;
    int status = archive_read_data_block(tar_, &data, &size, &offset);
    if (status == ARCHIVE_EOF) return std::nullopt;
    if (status != ARCHIVE_OK && status != ARCHIVE_WARN) return std::unexpected(read_error(tar_, input_));
    return FileDataBlock{{static_cast<const std::byte*>(data), size}, static_cast<uint64_t>(offset)};
  }

 private:
  archive* tar_;
  const TarInput& input_;
};

Result<LayerEntry::Type> entry_type(archive_entry* entry) {
  using Type = LayerEntry::Type;
  if (archive_entry_hardlink(entry)) return Type::hardlink;
  switch (archive_entry_filetype(entry)) {
    case AE_IFREG:
      return Type::regular;
    case AE_IFDIR:
      return Type::directory;
    case AE_IFLNK:
      return Type::symlink;
    case AE_IFCHR:
      return Type::char_device;
    case AE_IFBLK:
      return Type::block_device;
    case AE_IFIFO:
      return Type::fifo;
    default:
      return fail("unsupported entry type 0{:o}", archive_entry_filetype(entry));
  }
}

Result<uint32_t> id_from_header(la_int64_t id, std::string_view what) {
  // (uid_t)-1 means "unchanged" to chown: never a real owner.
  if (id < 0 || id >= UINT32_MAX) return fail("{} {} out of range", what, id);
  return static_cast<uint32_t>(id);
}

std::vector<std::pair<std::string, std::string>> entry_xattrs(archive_entry* entry) {
  std::vector<std::pair<std::string, std::string>> xattrs;
  if (archive_entry_xattr_reset(entry) == 0) return xattrs;
  const char* name = nullptr;
  const void* value = nullptr;
  size_t size = 0;
  while (archive_entry_xattr_next(entry, &name, &value, &size) == ARCHIVE_OK) {
    // libarchive's pax writer records each xattr twice (LIBARCHIVE.xattr
    // and SCHILY.xattr) and its reader reports both: the last one wins.
    std::string text(static_cast<const char*>(value), size);
    auto same =
        std::ranges::find(xattrs, std::string_view(name), [](const auto& x) { return std::string_view(x.first); });
    if (same != xattrs.end()) {
      same->second = std::move(text);
    } else {
      xattrs.emplace_back(name, std::move(text));
    }
  }
  return xattrs;
}

// The entry in our terms, or nullopt for a name that is never extracted.
Result<std::optional<LayerEntry>> to_layer_entry(archive_entry* entry, std::string_view raw_name,
                                                 bool apply_whiteouts) {
  using Type = LayerEntry::Type;
  BERTH_ASSIGN(std::string path, clean_entry_name(raw_name));
  LayerEntry result;
  result.tar_name = std::string(raw_name);
  std::string_view parent = parent_path(path);
  Whiteout whiteout = apply_whiteouts ? classify_whiteout(base_name(path)) : Whiteout{};
  // Under a whiteout name nothing means anything to overlayfs: this is where
  // AUFS kept its bookkeeping (.wh..wh.plnk holds its hard link copies),
  // which Docker skips too.
  for (std::string_view rest = parent; apply_whiteouts && !rest.empty(); rest = parent_path(rest)) {
    if (classify_whiteout(base_name(rest)).kind != WhiteoutKind::none) return std::nullopt;
  }
  switch (whiteout.kind) {
    case WhiteoutKind::aufs_meta:
      return std::nullopt;
    case WhiteoutKind::opaque:
      result.type = Type::opaque;
      result.path = std::string(parent);
      return result;
    case WhiteoutKind::file:
      if (whiteout.target.empty() || whiteout.target == "." || whiteout.target == "..")
        return fail("whiteout of an invalid name");
      result.type = Type::whiteout;
      result.path = parent.empty() ? std::string(whiteout.target) : fmt::format("{}/{}", parent, whiteout.target);
      break;
    case WhiteoutKind::none: {
      BERTH_ASSIGN(result.type, entry_type(entry));
      result.path = std::move(path);
      break;
    }
  }
  BERTH_ASSIGN(result.uid, id_from_header(archive_entry_uid(entry), "uid"));
  BERTH_ASSIGN(result.gid, id_from_header(archive_entry_gid(entry), "gid"));
  result.mode = archive_entry_perm(entry) & 07777;
  result.device = makedev(archive_entry_rdevmajor(entry), archive_entry_rdevminor(entry));
  result.mtime = {archive_entry_mtime(entry), archive_entry_mtime_nsec(entry)};
  result.atime = archive_entry_atime_is_set(entry)
                     ? timespec{archive_entry_atime(entry), archive_entry_atime_nsec(entry)}
                     : result.mtime;
  result.size = archive_entry_size_is_set(entry) ? static_cast<uint64_t>(archive_entry_size(entry)) : 0;
  if (result.type == Type::symlink) {
    const char* target = archive_entry_symlink(entry);
    if (!target || !*target) return fail("symlink without a target");
    result.link_target = target;
  } else if (result.type == Type::hardlink) {
    const char* target = archive_entry_hardlink(entry);
    auto cleaned = clean_entry_name(target);
    if (!cleaned) return fail("hard link target {}: {}", quote_entry_name(target), cleaned.error().message);
    if (cleaned->empty()) return fail("hard link target {} is the layer root", quote_entry_name(target));
    result.link_target = std::move(*cleaned);
  }
  result.xattrs = entry_xattrs(entry);
  return result;
}

}  // namespace

Result<ExtractResult> extract_layer(ByteSource& tar_stream, int layer_dir_fd, const ExtractOptions& options) {
  BERTH_TRY(load_libarchive());
  std::unique_ptr<archive, ArchiveFree> tar(archive_read_new());
  if (!tar) return fail("libarchive: out of memory");
  // Tar formats only (ustar, pax and GNU are one reader), no filters:
  // decompression is ours. "empty" accepts a zero-byte layer as Go's tar does.
  archive_read_support_format_tar(tar.get());
  archive_read_support_format_empty(tar.get());
  TarInput input{tar_stream};
  if (archive_read_open(tar.get(), &input, nullptr, read_callback, nullptr) != ARCHIVE_OK)
    return std::unexpected(std::move(read_error(tar.get(), input)).context("read layer"));

  LayerWriter writer(layer_dir_fd, options);
  ExtractResult result;
  for (;;) {
    archive_entry* entry = nullptr;
    int status = archive_read_next_header(tar.get(), &entry);
    if (status == ARCHIVE_EOF) break;
    // ARCHIVE_WARN comes with a usable entry, typically a name libarchive
    // could not convert to the locale's charset: it keeps the raw bytes,
    // which are what the image means.
    if (status != ARCHIVE_OK && status != ARCHIVE_WARN) {
      return std::unexpected(
          std::move(read_error(tar.get(), input)).context(fmt::format("read layer after {} entries", result.entries)));
    }
    ++result.entries;
    const char* raw_name = archive_entry_pathname(entry);
    if (!raw_name) return fail("read layer: entry {} has no name", result.entries);
    auto entry_context = [&] { return fmt::format("layer entry {}", quote_entry_name(raw_name)); };
    auto layer_entry = to_layer_entry(entry, raw_name, options.apply_whiteouts);
    if (!layer_entry) return with_context(std::move(layer_entry), entry_context());
    if (!*layer_entry) continue;
    if (options.owner) std::tie((*layer_entry)->uid, (*layer_entry)->gid) = *options.owner;
    ArchiveFileData data(tar.get(), input);
    BERTH_TRY(writer.write(**layer_entry, data));  // its errors name the entry
  }
  // libarchive stops at the end-of-archive blocks; whatever follows (the
  // rest of the zero padding, a record's tail) is still part of the blob the
  // diff_id names.
  for (;;) {
    BERTH_ASSIGN(size_t got, input.read_chunk());
    if (got == 0) break;
  }
  BERTH_TRY(writer.finish());
  result.diff_id = input.hasher.finish();
  result.tar_size = input.bytes;
  result.xattrs_skipped = writer.xattrs_skipped();
  return result;
}

}  // namespace berth
