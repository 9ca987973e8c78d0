#include "image/layer_extract.h"

#include <gtest/gtest.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include <thread>

#include "image/compression.h"
#include "layer_test_fixture.h"

namespace berth {
namespace {

using test::exists;
using test::lstat_of;
using test::read_text;
using test::TarBuilder;
using test::TarEntrySpec;
using test::TempDir;

class ExtractLayer : public test::LayerTest {};

std::string get_xattr(const std::string& path, const std::string& name) {
  char value[256];
  ssize_t size = ::lgetxattr(path.c_str(), name.c_str(), value, sizeof value);
  return size < 0 ? "<none>" : std::string(value, static_cast<size_t>(size));
}

TEST_F(ExtractLayer, RegularFileWithContentModeOwnerAndTimes) {
  TarBuilder tar(ARCHIVE_FORMAT_TAR_PAX_INTERCHANGE);  // records nanoseconds
  tar.add({.name = "etc/hosts",
           .mode = 0640,
           .data = "127.0.0.1 localhost\n",
           .uid = 1000,
           .gid = 2000,
           .mtime = 1600000000,
           .mtime_nsec = 123456789});
  auto result = extract(tar.finish());
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(read_text(in_layer("etc/hosts")), "127.0.0.1 localhost\n");
  auto st = lstat_of(in_layer("etc/hosts"));
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0640u);
  EXPECT_EQ(st.st_uid, 1000u);
  EXPECT_EQ(st.st_gid, 2000u);
  EXPECT_EQ(st.st_mtim.tv_sec, 1600000000);
  EXPECT_EQ(st.st_mtim.tv_nsec, 123456789);
  EXPECT_EQ(result->entries, 1u);
}

TEST_F(ExtractLayer, SetuidSetgidAndStickyBitsSurviveChown) {
  TarBuilder tar;
  tar.add({.name = "usr/bin/passwd", .mode = 04755, .data = "elf", .uid = 0, .gid = 0});
  tar.add({.name = "usr/bin/wall", .mode = 02755, .data = "elf", .uid = 0, .gid = 5});
  tar.add({.name = "tmp", .type = AE_IFDIR, .mode = 01777});
  auto result = extract(tar.finish());
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(lstat_of(in_layer("usr/bin/passwd")).st_mode & 07777, 04755u);
  EXPECT_EQ(lstat_of(in_layer("usr/bin/wall")).st_mode & 07777, 02755u);
  EXPECT_EQ(lstat_of(in_layer("usr/bin/wall")).st_gid, 5u);
  EXPECT_EQ(lstat_of(in_layer("tmp")).st_mode & 07777, 01777u);
}

TEST_F(ExtractLayer, DirectoryTimesAreSetAfterTheirContents) {
  TarBuilder tar;
  tar.add({.name = "var/", .type = AE_IFDIR, .mode = 0700, .uid = 5, .gid = 6, .mtime = 1500000000});
  tar.add({.name = "var/lib/", .type = AE_IFDIR, .mode = 0555, .mtime = 1400000000});
  tar.add({.name = "var/lib/dpkg", .data = "status", .mtime = 1300000000});
  tar.add({.name = "var/log", .data = "log", .mtime = 1300000000});
  auto result = extract(tar.finish());
  ASSERT_TRUE(result) << result.error().message;
  auto var = lstat_of(in_layer("var"));
  EXPECT_EQ(var.st_mtim.tv_sec, 1500000000);
  EXPECT_EQ(var.st_mode & 07777, 0700u);
  EXPECT_EQ(var.st_uid, 5u);
  EXPECT_EQ(var.st_gid, 6u);
  EXPECT_EQ(lstat_of(in_layer("var/lib")).st_mtim.tv_sec, 1400000000);
  EXPECT_EQ(lstat_of(in_layer("var/lib")).st_mode & 07777, 0555u);
  EXPECT_EQ(read_text(in_layer("var/lib/dpkg")), "status");
}

TEST_F(ExtractLayer, MissingParentDirectoriesAreCreated) {
  TarBuilder tar;
  tar.file("a/b/c/file", "deep");
  auto result = extract(tar.finish());
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(read_text(in_layer("a/b/c/file")), "deep");
  EXPECT_TRUE(S_ISDIR(lstat_of(in_layer("a/b")).st_mode));
}

TEST_F(ExtractLayer, SymlinksKeepTargetOwnerAndTimes) {
  TarBuilder tar;
  tar.add(
      {.name = "bin", .type = AE_IFLNK, .mode = 0777, .symlink = "usr/bin", .uid = 7, .gid = 8, .mtime = 1200000000});
  tar.add({.name = "abs", .type = AE_IFLNK, .mode = 0777, .symlink = "/berth-test/does/not/exist"});
  auto result = extract(tar.finish());
  ASSERT_TRUE(result) << result.error().message;
  auto st = lstat_of(in_layer("bin"));
  ASSERT_TRUE(S_ISLNK(st.st_mode));
  EXPECT_EQ(std::filesystem::read_symlink(in_layer("bin")), "usr/bin");
  EXPECT_EQ(std::filesystem::read_symlink(in_layer("abs")), "/berth-test/does/not/exist");
  EXPECT_EQ(st.st_uid, 7u);
  EXPECT_EQ(st.st_gid, 8u);
  EXPECT_EQ(st.st_mtim.tv_sec, 1200000000);
}

TEST_F(ExtractLayer, HardLinksShareTheInode) {
  TarBuilder tar;
  // Names no host has, so that even a broken extractor cannot touch real files.
  tar.file("opt/berth-test/tool-1.0", "#!tool", 0755);
  tar.hardlink("opt/berth-test/tool", "opt/berth-test/tool-1.0");
  tar.hardlink("/opt/berth-test/tool-abs", "/opt/berth-test/tool-1.0");  // absolute names are layer-relative
  auto result = extract(tar.finish());
  ASSERT_TRUE(result) << result.error().message;
  auto original = lstat_of(in_layer("opt/berth-test/tool-1.0"));
  EXPECT_EQ(lstat_of(in_layer("opt/berth-test/tool")).st_ino, original.st_ino);
  EXPECT_EQ(lstat_of(in_layer("opt/berth-test/tool-abs")).st_ino, original.st_ino);
  EXPECT_EQ(original.st_nlink, 3u);
}

TEST_F(ExtractLayer, HardLinkToASymlinkLinksTheSymlinkItself) {
  TarBuilder tar;
  tar.symlink("s", "target");
  tar.hardlink("h", "s");
  auto result = extract(tar.finish());
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_TRUE(S_ISLNK(lstat_of(in_layer("h")).st_mode));
  EXPECT_EQ(lstat_of(in_layer("h")).st_ino, lstat_of(in_layer("s")).st_ino);
}

TEST_F(ExtractLayer, DiffIdIsTheSha256OfTheWholeStream) {
  TarBuilder tar;
  tar.file("a", std::string(5000, 'a'));
  tar.dir("d");
  std::string bytes = tar.finish();
  ASSERT_EQ(bytes.size() % 10240, 0u);  // libarchive pads to a 10 KiB record: bytes after the end marker
  auto result = extract(bytes);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->diff_id, Digest::of(bytes));
  EXPECT_EQ(result->tar_size, bytes.size());
  EXPECT_EQ(result->entries, 2u);
}

TEST_F(ExtractLayer, DiffIdCountsBytesAfterTheEndOfArchive) {
  TarBuilder tar;
  tar.file("a", "x");
  std::string bytes = tar.finish() + std::string(3 << 20, '\0') + "tail";
  auto result = extract(bytes);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->diff_id, Digest::of(bytes));
  EXPECT_EQ(result->tar_size, bytes.size());
}

TEST_F(ExtractLayer, FromAGzipLayerTheDiffIdIsOfTheUncompressedTar) {
  TarBuilder tar;
  for (int i = 0; i < 50; ++i) tar.file("f" + std::to_string(i), std::string(10000 + i, 'z'));
  std::string bytes = tar.finish();
  std::string compressed = test::zlib_gzip(bytes);
  MemorySource blob(test::as_bytes(compressed));
  auto decompressed = open_decompressed(blob, std::nullopt);
  ASSERT_TRUE(decompressed);
  auto result = extract_layer(**decompressed, layer_fd_.get());
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->diff_id, Digest::of(bytes));
  EXPECT_NE(result->diff_id, Digest::of(compressed));
  EXPECT_EQ(read_text(in_layer("f49")), std::string(10049, 'z'));
}

TEST_F(ExtractLayer, TruncatedGzipLayerNamesTheCause) {
  TarBuilder tar;
  tar.file("big", std::string(1 << 20, 'b'));
  std::string compressed = test::zlib_gzip(tar.finish());
  compressed.resize(compressed.size() / 2);
  MemorySource blob(test::as_bytes(compressed));
  auto decompressed = open_decompressed(blob, Compression::gzip);
  ASSERT_TRUE(decompressed);
  auto result = extract_layer(**decompressed, layer_fd_.get());
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("gzip stream ends early (truncated layer?)"), std::string::npos)
      << result.error().message;
}

// The pull path: a download thread pushes the compressed blob into a pipe,
// this thread hashes, decompresses and extracts it.
TEST_F(ExtractLayer, StreamsFromADownloadThreadThroughAPipe) {
  TarBuilder tar;
  for (int i = 0; i < 30; ++i)
    tar.file("data/f" + std::to_string(i), std::string(100000, static_cast<char>('a' + i % 26)));
  std::string bytes = tar.finish();
  std::string compressed = test::zlib_gzip(bytes);
  BytePipe pipe(64 << 10);
  std::thread download([&] {
    for (size_t offset = 0; offset < compressed.size(); offset += 16384) {
      if (!pipe.push(test::as_bytes(compressed).subspan(offset, std::min<size_t>(16384, compressed.size() - offset))))
        return;
    }
    pipe.close_write();
  });
  HashingSource blob(pipe.source());
  auto decompressed = open_decompressed(blob, std::nullopt);
  ASSERT_TRUE(decompressed);
  auto result = extract_layer(**decompressed, layer_fd_.get());
  download.join();
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->diff_id, Digest::of(bytes));
  EXPECT_EQ(blob.digest(), Digest::of(compressed));
  EXPECT_EQ(read_text(in_layer("data/f29")), std::string(100000, 'd'));
}

TEST_F(ExtractLayer, FailuresCrossThePipeBothWays) {
  TarBuilder tar;
  tar.file("ok", "fine");
  tar.file("../escape", "bad");
  for (int i = 0; i < 100; ++i) tar.file("pad" + std::to_string(i), std::string(50000, 'p'));
  std::string compressed = test::zlib_gzip(tar.finish());
  // The consumer fails: its error stops the producer.
  BytePipe pipe(4096);
  Status producer_status;
  std::thread download([&] {
    for (size_t offset = 0; offset < compressed.size() && producer_status; offset += 1000)
      producer_status =
          pipe.push(test::as_bytes(compressed).subspan(offset, std::min<size_t>(1000, compressed.size() - offset)));
    pipe.close_write();
  });
  auto decompressed = open_decompressed(pipe.source(), Compression::gzip);
  ASSERT_TRUE(decompressed);
  auto result = extract_layer(**decompressed, layer_fd_.get());
  ASSERT_FALSE(result);
  pipe.abort_read(result.error());
  download.join();
  ASSERT_FALSE(producer_status);
  EXPECT_NE(producer_status.error().message.find("path escapes the layer root"), std::string::npos);

  // The producer fails: its error ends the extraction.
  TarBuilder clean;
  for (int i = 0; i < 100; ++i) clean.file("pad" + std::to_string(i), std::string(50000, static_cast<char>(i)));
  std::string clean_compressed = test::zlib_gzip(clean.finish());
  BytePipe second;
  std::thread failing([&] {
    (void)second.push(test::as_bytes(clean_compressed).first(clean_compressed.size() / 3));
    second.close_write(fail("GET blob: connection reset by peer"));
  });
  auto again = open_decompressed(second.source(), Compression::gzip);
  ASSERT_TRUE(again);
  TempDir other;
  UniqueFd other_fd(::open(other.path().c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  auto failed = extract_layer(**again, other_fd.get());
  failing.join();
  ASSERT_FALSE(failed);
  EXPECT_NE(failed.error().message.find("GET blob: connection reset by peer"), std::string::npos)
      << failed.error().message;
}

TEST_F(ExtractLayer, TruncatedTarIsAnError) {
  TarBuilder tar;
  tar.file("big", std::string(100000, 'b'));
  std::string bytes = tar.finish();
  bytes.resize(512 + 50000);
  auto result = extract(bytes);
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("layer entry \"big\": tar: Truncated"), std::string::npos)
      << result.error().message;
}

TEST_F(ExtractLayer, EmptyStreamsAreEmptyLayers) {
  auto nothing = extract("");
  ASSERT_TRUE(nothing) << nothing.error().message;
  EXPECT_EQ(nothing->entries, 0u);
  EXPECT_EQ(nothing->diff_id, Digest::of(""));
  std::string zeros(10240, '\0');
  auto empty_tar = extract(zeros);
  ASSERT_TRUE(empty_tar) << empty_tar.error().message;
  EXPECT_EQ(empty_tar->diff_id, Digest::of(zeros));
}

TEST_F(ExtractLayer, NotATarIsAnError) {
  auto result = extract(std::string(2000, 'x'));
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("read layer"), std::string::npos) << result.error().message;
}

TEST_F(ExtractLayer, DeviceNodesAndFifos) {
  TarBuilder tar;
  tar.add({.name = "dev/null", .type = AE_IFCHR, .mode = 0666, .major = 1, .minor = 3});
  tar.add({.name = "dev/loop0", .type = AE_IFBLK, .mode = 0660, .gid = 6, .major = 7, .minor = 0});
  tar.add({.name = "run/initctl", .type = AE_IFIFO, .mode = 0600});
  auto result = extract(tar.finish());
  ASSERT_TRUE(result) << result.error().message;
  auto null = lstat_of(in_layer("dev/null"));
  EXPECT_TRUE(S_ISCHR(null.st_mode));
  EXPECT_EQ(null.st_rdev, makedev(1, 3));
  EXPECT_EQ(null.st_mode & 07777, 0666u);
  auto loop = lstat_of(in_layer("dev/loop0"));
  EXPECT_TRUE(S_ISBLK(loop.st_mode));
  EXPECT_EQ(loop.st_rdev, makedev(7, 0));
  EXPECT_EQ(loop.st_gid, 6u);
  EXPECT_TRUE(S_ISFIFO(lstat_of(in_layer("run/initctl")).st_mode));
}

TEST_F(ExtractLayer, SparseFilesKeepTheirHolesAndSize) {
  std::string content(3 << 20, '\0');
  std::fill_n(content.begin(), 4096, 'a');
  std::fill_n(content.begin() + (2 << 20), 4096, 'b');
  // Data at 0 and at 2 MiB; holes between and after (the file ends in one).
  std::string bytes = test::gnu_sparse_entry("sparse", content, {{0, 4096}, {2 << 20, 4096}}) + std::string(1024, '\0');
  auto result = extract(bytes);
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->diff_id, Digest::of(bytes));
  auto st = lstat_of(in_layer("sparse"));
  EXPECT_EQ(st.st_size, 3 << 20);
  EXPECT_EQ(read_text(in_layer("sparse")), content);
  EXPECT_LT(st.st_blocks * 512, 1 << 20) << "the holes were written out";
}

TEST_F(ExtractLayer, XattrsOfTheAllowedFamiliesAreApplied) {
  // vfs_cap_data revision 2, effective, permitted = CAP_NET_RAW (13).
  const std::string capability("\x01\x00\x00\x02\x00\x20\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", 20);
  TarBuilder tar;
  tar.add({.name = "bin/ping",
           .mode = 0755,
           .data = "elf",
           .xattrs = {{"security.capability", capability},
                      {"user.comment", "hello"},
                      {"trusted.berth", "t"},
                      {"security.selinux", "system_u:object_r:bin_t:s0"},
                      {"trusted.overlay.redirect", "/elsewhere"}}});
  auto result = extract(tar.finish());
  ASSERT_TRUE(result) << result.error().message;
  std::string ping = in_layer("bin/ping");
  // Set after chown, which would have cleared it.
  EXPECT_EQ(get_xattr(ping, "security.capability"), capability);
  EXPECT_EQ(get_xattr(ping, "user.comment"), "hello");
  EXPECT_EQ(get_xattr(ping, "trusted.berth"), "t");
  EXPECT_EQ(get_xattr(ping, "trusted.overlay.redirect"), "<none>");
  EXPECT_EQ(result->xattrs_skipped, 2u);
}

TEST_F(ExtractLayer, LaterEntriesReplaceEarlierOnes) {
  TarBuilder tar;
  tar.file("x", "file");
  tar.dir("x");
  tar.file("y", "file");
  tar.symlink("y", "target");
  tar.dir("z");
  tar.file("z/inner", "inner");
  tar.file("z", "now a file");
  tar.file("w", "first");
  tar.file("w", "second");
  auto result = extract(tar.finish());
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_TRUE(S_ISDIR(lstat_of(in_layer("x")).st_mode));
  EXPECT_TRUE(S_ISLNK(lstat_of(in_layer("y")).st_mode));
  EXPECT_EQ(read_text(in_layer("z")), "now a file");
  EXPECT_EQ(read_text(in_layer("w")), "second");
}

TEST_F(ExtractLayer, ARepeatedDirectoryKeepsItsContents) {
  TarBuilder tar;
  tar.dir("d", 0755);
  tar.file("d/f", "kept");
  tar.dir("d", 0700);
  auto result = extract(tar.finish());
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(read_text(in_layer("d/f")), "kept");
  EXPECT_EQ(lstat_of(in_layer("d")).st_mode & 07777, 0700u);
}

TEST_F(ExtractLayer, RootEntryAppliesToTheLayerDirectory) {
  TarBuilder tar;
  tar.add({.name = "./", .type = AE_IFDIR, .mode = 0711, .mtime = 1100000000});
  tar.file("./etc/motd", "hi");
  auto result = extract(tar.finish());
  ASSERT_TRUE(result) << result.error().message;
  auto root = lstat_of(layer_);
  EXPECT_EQ(root.st_mode & 07777, 0711u);
  EXPECT_EQ(root.st_mtim.tv_sec, 1100000000);
  EXPECT_EQ(read_text(in_layer("etc/motd")), "hi");
}

TEST_F(ExtractLayer, OwnershipCanBeLeftToTheExtractingUser) {
  TarBuilder tar;
  tar.add({.name = "f", .data = "x", .uid = 1234, .gid = 5678});
  auto result = extract(tar.finish(), ExtractOptions{.preserve_ownership = false});
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(lstat_of(in_layer("f")).st_uid, ::geteuid());
  EXPECT_EQ(lstat_of(in_layer("f")).st_gid, ::getegid());
}

TEST_F(ExtractLayer, LongNamesInGnuAndPaxFormats) {
  std::string long_dir = std::string(200, 'd') + "/" + std::string(200, 'e');
  for (int format : {ARCHIVE_FORMAT_TAR_GNUTAR, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED}) {
    TarBuilder tar(format);
    tar.file(long_dir + "/file-" + std::to_string(format), "long");
    tar.symlink("link-" + std::to_string(format), long_dir);
    auto result = extract(tar.finish());
    ASSERT_TRUE(result) << result.error().message;
    EXPECT_EQ(read_text(in_layer(long_dir + "/file-" + std::to_string(format))), "long");
    EXPECT_EQ(std::filesystem::read_symlink(in_layer("link-" + std::to_string(format))), long_dir);
  }
}

TEST_F(ExtractLayer, UstarFormat) {
  TarBuilder tar(ARCHIVE_FORMAT_TAR_USTAR);
  tar.add({.name = "etc/os-release", .mode = 0644, .data = "ID=debian\n", .uid = 3, .gid = 4});
  auto result = extract(tar.finish());
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(read_text(in_layer("etc/os-release")), "ID=debian\n");
  EXPECT_EQ(lstat_of(in_layer("etc/os-release")).st_uid, 3u);
}

TEST_F(ExtractLayer, NonAsciiNamesKeepTheirBytes) {
  TarBuilder tar;  // pax, so the name travels as UTF-8 in a "path" record
  tar.file("usr/share/caf\xc3\xa9.txt", "utf-8");
  TarBuilder gnu(ARCHIVE_FORMAT_TAR_GNUTAR);
  gnu.file("latin1-\xe9", "raw byte");
  auto result = extract(tar.finish());
  ASSERT_TRUE(result) << result.error().message;
  auto raw = extract(gnu.finish());
  ASSERT_TRUE(raw) << raw.error().message;
  EXPECT_EQ(read_text(in_layer("usr/share/caf\xc3\xa9.txt")), "utf-8");
  EXPECT_EQ(read_text(in_layer("latin1-\xe9")), "raw byte");
}

TEST_F(ExtractLayer, AufsBookkeepingIsSkipped) {
  TarBuilder tar;
  tar.dir(".wh..wh.plnk");
  tar.file(".wh..wh.plnk/1234.5678", "aufs hard link copy");
  tar.file(".wh..wh.aufs", "");
  tar.file("kept", "yes");
  auto result = extract(tar.finish());
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_FALSE(exists(in_layer(".wh..wh.plnk")));
  EXPECT_FALSE(exists(in_layer(".wh..wh.aufs")));
  EXPECT_EQ(read_text(in_layer("kept")), "yes");
  EXPECT_EQ(result->entries, 4u);
}

TEST_F(ExtractLayer, ManyFilesInManyDirectories) {
  TarBuilder tar;
  std::string bytes;
  for (int d = 0; d < 20; ++d) {
    tar.dir("d" + std::to_string(d));
    for (int f = 0; f < 20; ++f) {
      tar.file("d" + std::to_string(d) + "/f" + std::to_string(f), std::to_string(d * 100 + f));
      // Alternate parents so the parent cache is refilled often.
      tar.file("other/g" + std::to_string(d) + "-" + std::to_string(f), "o");
    }
  }
  auto result = extract(tar.finish());
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(read_text(in_layer("d19/f19")), "1919");
  EXPECT_EQ(read_text(in_layer("d7/f3")), "703");
  EXPECT_TRUE(exists(in_layer("other/g19-19")));
  EXPECT_EQ(result->entries, 20u + 800u);
}

}  // namespace
}  // namespace berth
