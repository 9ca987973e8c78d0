// Regular files are written by worker threads while the tar is read on. These
// tests check that the result never depends on it: the same tarball gives
// the same tree, and the same error, with workers as without.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <random>

#include "image/layer_extract.h"
#include "layer_test_fixture.h"

namespace berth {
namespace {

using test::lstat_of;
using test::read_text;
using test::TarBuilder;
using test::TarEntrySpec;
using test::TempDir;

class ParallelExtract : public test::LayerTest {
 protected:
  // Extracts into a fresh directory beside the fixture's layer.
  Result<ExtractResult> extract_into(const std::string& dir, const std::string& tar, int workers) {
    EXPECT_EQ(::mkdir(dir.c_str(), 0755), 0) << dir;
    UniqueFd fd(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    MemorySource source(test::as_bytes(tar));
    return extract_layer(source, fd.get(), ExtractOptions{.file_workers = workers});
  }
};

// Every entry below root: type, mode, owner, size, content or target, and
// which entries share an inode.
std::string snapshot(const std::string& root) {
  std::vector<std::string> paths;
  for (const auto& item : std::filesystem::recursive_directory_iterator(root)) paths.push_back(item.path().string());
  std::sort(paths.begin(), paths.end());
  std::map<ino_t, std::string> first_name;
  std::string lines;
  for (const auto& path : paths) {
    struct stat st = lstat_of(path);
    std::string name = path.substr(root.size());
    // Directories made for a missing parent and whiteouts get the current time.
    bool from_tar = st.st_mtim.tv_sec == 1700000000;
    lines += name + " mode=" + std::to_string(st.st_mode) + " nlink=" + std::to_string(st.st_nlink) +
             " mtime=" + (from_tar ? "tar" : "now");
    if (S_ISREG(st.st_mode)) lines += " data=" + read_text(path).value_or("?");
    if (S_ISLNK(st.st_mode)) lines += " -> " + std::filesystem::read_symlink(path).string();
    if (S_ISCHR(st.st_mode)) lines += " rdev=" + std::to_string(st.st_rdev);
    auto [it, fresh] = first_name.emplace(st.st_ino, name);
    if (!fresh) lines += " same-inode-as=" + it->second;
    lines += "\n";
  }
  return lines;
}

TEST_F(ParallelExtract, RandomTarballsGiveTheSameTreeAndErrorsWithAndWithoutWorkers) {
  // Few names in a shallow tree, so entries keep colliding: files replaced by
  // directories and back, hard links to files just queued, whiteouts of
  // directories whose files are still being written, writes below a file.
  const std::vector<std::string> names = {"a", "b", "a/x", "a/y", "b/x", "a/x/z", "c", "b/x/z"};
  // Names that are never parents of others: files there fail less often.
  const std::vector<std::string> leaves = {"a/y", "a/x/z", "c", "b/x/z", "a/x/w", "b/y"};
  std::mt19937 random(20261123);
  int failures = 0;
  for (int round = 0; round < 150; ++round) {
    TarBuilder tar;
    std::string listing;  // for the failure message
    int entries = 3 + static_cast<int>(random() % 30);
    std::string last_file = "c";
    for (int i = 0; i < entries; ++i) {
      bool leaf = random() % 4 != 0;
      const std::string& name = leaf ? leaves[random() % leaves.size()] : names[random() % names.size()];
      const std::string& other = names[random() % names.size()];
      unsigned kind = random() % 9;  // files are more likely: 0-2 and 7-8
      listing += std::to_string(kind) + " " + name + " " + other + "\n";
      switch (kind) {
        case 0:
        case 1:
        case 2:
        case 7:
        case 8:
          tar.file(name, "r" + std::to_string(round) + "e" + std::to_string(i), 0600 + (i % 8));
          last_file = name;
          break;
        case 3:
          tar.dir(name);
          break;
        case 4:
          tar.symlink(name, other);
          break;
        case 5:
          tar.hardlink(name, random() % 2 ? last_file : other);
          break;
        case 6: {
          auto slash = name.rfind('/');
          std::string whiteout =
              slash == std::string::npos ? ".wh." + name : name.substr(0, slash + 1) + ".wh." + name.substr(slash + 1);
          tar.file(whiteout, "");
          break;
        }
      }
    }
    std::string bytes = tar.finish();
    std::string serial = base_ / ("serial-" + std::to_string(round));
    std::string parallel = base_ / ("parallel-" + std::to_string(round));
    auto one = extract_into(serial, bytes, 0);
    auto many = extract_into(parallel, bytes, 4);
    ASSERT_EQ(one.has_value(), many.has_value())
        << "round " << round << ": " << (one ? many.error().message : one.error().message);
    if (!one) {
      ++failures;
      EXPECT_EQ(one.error().message, many.error().message) << "round " << round << "\n" << listing;
      continue;
    }
    EXPECT_EQ(one->diff_id, many->diff_id);
    EXPECT_EQ(snapshot(serial), snapshot(parallel)) << "round " << round;
  }
  // The rounds must exercise both outcomes to mean anything.
  EXPECT_GT(failures, 10);
  EXPECT_LT(failures, 140);
}

TEST_F(ParallelExtract, HardLinkToAFileJustQueuedSharesItsInode) {
  TarBuilder tar;
  for (int i = 0; i < 200; ++i) {
    tar.file("d/f" + std::to_string(i), std::string(1000 + i, 'x'), 04755);
    tar.hardlink("d/h" + std::to_string(i), "d/f" + std::to_string(i));
  }
  auto result = extract(tar.finish(), ExtractOptions{.file_workers = 2});
  ASSERT_TRUE(result) << result.error().message;
  for (int i = 0; i < 200; ++i) {
    auto file = lstat_of(in_layer("d/f" + std::to_string(i)));
    EXPECT_EQ(lstat_of(in_layer("d/h" + std::to_string(i))).st_ino, file.st_ino);
    EXPECT_EQ(file.st_size, 1000 + i);
    EXPECT_EQ(file.st_mode & 07777, 04755u);
  }
}

TEST_F(ParallelExtract, AWhiteoutRemovesADirectoryWhoseFilesWereQueued) {
  TarBuilder tar;
  for (int i = 0; i < 100; ++i) tar.file("gone/f" + std::to_string(i), "data");
  tar.file(".wh.gone", "");
  tar.file("kept", "yes");
  auto result = extract(tar.finish(), ExtractOptions{.file_workers = 2});
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_TRUE(S_ISCHR(lstat_of(in_layer("gone")).st_mode));
  EXPECT_EQ(read_text(in_layer("kept")), "yes");
}

TEST_F(ParallelExtract, AnEntryBelowAQueuedFileFailsAsItWouldInOrder) {
  TarBuilder tar;
  tar.file("f", "a file");
  tar.file("f/inner", "cannot be");
  auto result = extract(tar.finish(), ExtractOptions{.file_workers = 2});
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("layer entry \"f/inner\""), std::string::npos) << result.error().message;
  EXPECT_EQ(read_text(in_layer("f")), "a file");
}

TEST_F(ParallelExtract, AWorkersFailureNamesItsFileAndStopsTheExtraction) {
  TarBuilder tar;
  tar.file("ok", "fine");
  // A malformed file capability: the kernel refuses it (EINVAL), on a worker.
  tar.add({.name = "bad-caps", .data = "x", .xattrs = {{"security.capability", "garbage"}}});
  for (int i = 0; i < 50; ++i) tar.file("later/f" + std::to_string(i), "data");
  auto result = extract(tar.finish(), ExtractOptions{.file_workers = 2});
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("layer entry \"bad-caps\": set xattr security.capability"), std::string::npos)
      << result.error().message;
}

TEST_F(ParallelExtract, LargeAndSparseFilesAreWrittenInOrder) {
  TarBuilder tar;
  std::string big(6 << 20, 'b');  // above the queued-file limit: written on the reading thread
  big[12345] = 'X';
  tar.file("big", big);
  tar.file("small", "s");
  tar.hardlink("big-link", "big");
  auto result = extract(tar.finish(), ExtractOptions{.file_workers = 2});
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(read_text(in_layer("big")), big);
  EXPECT_EQ(lstat_of(in_layer("big-link")).st_ino, lstat_of(in_layer("big")).st_ino);
  EXPECT_EQ(read_text(in_layer("small")), "s");
}

}  // namespace
}  // namespace berth
