// Shared by the image unit tests: temporary directories, tarballs built in
// memory with libarchive's writer (hostile ones included), and a snapshot of
// a directory tree to prove that nothing outside a layer changed.
#pragma once

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace berth::test {

inline std::span<const std::byte> as_bytes(const std::string& text) {
  return std::as_bytes(std::span(text.data(), text.size()));
}

inline std::string as_string(std::span<const std::byte> bytes) {
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

// A fresh directory under /tmp, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/berth-image-test.XXXXXX";
    if (::mkdtemp(pattern)) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

struct TarEntrySpec {
  std::string name;
  unsigned type = AE_IFREG;  // AE_IFREG, AE_IFDIR, AE_IFLNK, AE_IFCHR, AE_IFBLK, AE_IFIFO
  unsigned mode = 0644;
  std::string data;
  std::string symlink;   // target, for AE_IFLNK
  std::string hardlink;  // target; makes the entry a hard link
  int64_t uid = 0;
  int64_t gid = 0;
  time_t mtime = 1700000000;
  long mtime_nsec = 0;
  unsigned major = 0;
  unsigned minor = 0;
  std::vector<std::pair<std::string, std::string>> xattrs;
};

// Builds a tarball in memory. pax by default; GNU and ustar on request.
class TarBuilder {
 public:
  explicit TarBuilder(int format = ARCHIVE_FORMAT_TAR_PAX_RESTRICTED) : writer_(archive_write_new()) {
    archive_write_set_format(writer_, format);
    archive_write_open(writer_, &bytes_, nullptr, &TarBuilder::append, nullptr);
  }
  ~TarBuilder() { archive_write_free(writer_); }
  TarBuilder(const TarBuilder&) = delete;
  TarBuilder& operator=(const TarBuilder&) = delete;

  TarBuilder& add(const TarEntrySpec& spec) {
    archive_entry* entry = archive_entry_new();
    archive_entry_copy_pathname(entry, spec.name.c_str());
    archive_entry_set_filetype(entry, spec.type);
    archive_entry_set_perm(entry, spec.mode);
    archive_entry_set_uid(entry, spec.uid);
    archive_entry_set_gid(entry, spec.gid);
    archive_entry_set_mtime(entry, spec.mtime, spec.mtime_nsec);
    archive_entry_set_rdevmajor(entry, spec.major);
    archive_entry_set_rdevminor(entry, spec.minor);
    if (!spec.symlink.empty()) archive_entry_copy_symlink(entry, spec.symlink.c_str());
    if (!spec.hardlink.empty()) archive_entry_copy_hardlink(entry, spec.hardlink.c_str());
    for (const auto& [name, value] : spec.xattrs)
      archive_entry_xattr_add_entry(entry, name.c_str(), value.data(), value.size());
    bool has_data = spec.type == AE_IFREG && spec.hardlink.empty();
    archive_entry_set_size(entry, has_data ? static_cast<la_int64_t>(spec.data.size()) : 0);
    int status = archive_write_header(writer_, entry);
    EXPECT_GE(status, ARCHIVE_WARN) << spec.name << ": " << archive_error_string(writer_);
    if (has_data && !spec.data.empty()) archive_write_data(writer_, spec.data.data(), spec.data.size());
    archive_entry_free(entry);
    return *this;
  }
  TarBuilder& file(std::string name, std::string data, unsigned mode = 0644) {
    return add({.name = std::move(name), .mode = mode, .data = std::move(data)});
  }
  TarBuilder& dir(std::string name, unsigned mode = 0755) {
    return add({.name = std::move(name), .type = AE_IFDIR, .mode = mode});
  }
  TarBuilder& symlink(std::string name, std::string target) {
    return add({.name = std::move(name), .type = AE_IFLNK, .mode = 0777, .symlink = std::move(target)});
  }
  TarBuilder& hardlink(std::string name, std::string target) {
    return add({.name = std::move(name), .hardlink = std::move(target)});
  }
  // The tarball, end-of-archive blocks and record padding included.
  std::string finish() {
    archive_write_close(writer_);
    return bytes_;
  }

 private:
  static la_ssize_t append(archive*, void* context, const void* data, size_t size) {
    static_cast<std::string*>(context)->append(static_cast<const char*>(data), size);
    return static_cast<la_ssize_t>(size);
  }

  archive* writer_;
  std::string bytes_;
};

// Raw tar records, for what libarchive's writer will not produce (GNU sparse
// files): a ustar header and a pax extended header, by the POSIX layout.
inline std::string ustar_header(const std::string& name, char type, uint64_t size, unsigned mode = 0644) {
  std::string header(512, '\0');
  auto put = [&](size_t offset, size_t width, const std::string& text) {
    header.replace(offset, text.size(), text);
    (void)width;
  };
  auto octal = [](uint64_t value, int digits) {
    char text[32];
    std::snprintf(text, sizeof text, "%0*llo", digits, static_cast<unsigned long long>(value));
    return std::string(text);
  };
  put(0, 100, name.substr(0, 99));
  put(100, 8, octal(mode, 7));
  put(108, 8, octal(0, 7));
  put(116, 8, octal(0, 7));
  put(124, 12, octal(size, 11));
  put(136, 12, octal(1700000000, 11));
  header[156] = type;
  put(257, 6, std::string("ustar\0", 6));
  put(263, 2, "00");
  header.replace(148, 8, std::string(8, ' '));
  unsigned sum = 0;
  for (unsigned char c : header) sum += c;
  put(148, 8, octal(sum, 6) + std::string("\0 ", 2));
  return header;
}

inline std::string pad_to_block(std::string data) {
  data.resize((data.size() + 511) / 512 * 512, '\0');
  return data;
}

inline std::string pax_header(const std::vector<std::pair<std::string, std::string>>& records) {
  std::string body;
  for (const auto& [key, value] : records) {
    std::string rest = " " + key + "=" + value + "\n";
    size_t length = rest.size() + 1;
    while (std::to_string(length).size() + rest.size() != length) ++length;
    body += std::to_string(length) + rest;
  }
  return ustar_header("PaxHeaders/x", 'x', body.size()) + pad_to_block(body);
}

// A GNU sparse 1.0 entry (what `tar --sparse --format=pax` writes): `regions`
// are the (offset, length) data parts of `content`; the rest are holes.
inline std::string gnu_sparse_entry(const std::string& name, const std::string& content,
                                    const std::vector<std::pair<size_t, size_t>>& regions) {
  std::string map = std::to_string(regions.size()) + "\n";
  std::string data;
  for (const auto& [offset, length] : regions) {
    map += std::to_string(offset) + "\n" + std::to_string(length) + "\n";
    data += content.substr(offset, length);
  }
  std::string payload = pad_to_block(map) + data;
  return pax_header({{"GNU.sparse.major", "1"},
                     {"GNU.sparse.minor", "0"},
                     {"GNU.sparse.name", name},
                     {"GNU.sparse.realsize", std::to_string(content.size())}}) +
         ustar_header("GNUSparseFile.0/" + name, '0', payload.size()) + pad_to_block(payload);
}

// gzip with libarchive's zlib-based filter: a reference independent of ours.
inline std::string zlib_gzip(const std::string& data) {
  std::string out;
  archive* writer = archive_write_new();
  archive_write_set_format_raw(writer);
  archive_write_add_filter_gzip(writer);
  archive_write_set_bytes_in_last_block(writer, 1);  // no zero padding after the gzip stream
  archive_write_open(
      writer, &out, nullptr,
      [](archive*, void* context, const void* bytes, size_t size) -> la_ssize_t {
        static_cast<std::string*>(context)->append(static_cast<const char*>(bytes), size);
        return static_cast<la_ssize_t>(size);
      },
      nullptr);
  archive_entry* entry = archive_entry_new();
  archive_entry_set_filetype(entry, AE_IFREG);
  archive_write_header(writer, entry);
  archive_write_data(writer, data.data(), data.size());
  archive_entry_free(entry);
  archive_write_close(writer);
  archive_write_free(writer);
  return out;
}

// One line per path under `root` with what a write through a symlink would
// change: type, mode, owner, size, link count, mtime, symlink target.
inline std::string tree_snapshot(const std::string& root) {
  std::string lines;
  std::error_code error;
  std::vector<std::string> paths{root};
  for (auto it = std::filesystem::recursive_directory_iterator(root, error);
       it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
    paths.push_back(it->path().string());
  }
  std::sort(paths.begin(), paths.end());
  for (const auto& path : paths) {
    struct stat st {};
    ::lstat(path.c_str(), &st);
    lines += path + " mode=" + std::to_string(st.st_mode) + " uid=" + std::to_string(st.st_uid) +
             " gid=" + std::to_string(st.st_gid) + " size=" + std::to_string(st.st_size) +
             " nlink=" + std::to_string(st.st_nlink) + " mtime=" + std::to_string(st.st_mtim.tv_sec) + "." +
             std::to_string(st.st_mtim.tv_nsec);
    if (S_ISLNK(st.st_mode)) lines += " -> " + std::filesystem::read_symlink(path, error).string();
    lines += "\n";
  }
  return lines;
}

inline std::optional<std::string> read_text(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return std::nullopt;
  std::string text;
  char buffer[65536];
  ssize_t got;
  while ((got = ::read(fd, buffer, sizeof buffer)) > 0) text.append(buffer, static_cast<size_t>(got));
  ::close(fd);
  return text;
}

inline struct stat lstat_of(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::lstat(path.c_str(), &st), 0) << path;
  return st;
}

inline bool exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

}  // namespace berth::test
