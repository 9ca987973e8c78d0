#include "store/store_paths.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "store_test_support.h"

namespace berth::store {
namespace {

mode_t mode_of(const std::filesystem::path& path) {
  struct stat info {};
  EXPECT_EQ(::lstat(path.c_str(), &info), 0) << path;
  return info.st_mode & 07777;
}

TEST(StorePaths, PrepareCreatesEveryDirectoryWithAPrivateRoot) {
  testing::TempDir temp;
  StorePaths paths{temp.path() / "a" / "root", temp.path() / "run"};
  ASSERT_TRUE(prepare_store_dirs(paths));
  for (const auto& dir : {paths.root, paths.blobs(), paths.ingest(), paths.layers(), paths.layers_tmp(), paths.locks(),
                          paths.tmp(), paths.runroot}) {
    EXPECT_TRUE(std::filesystem::is_directory(dir)) << dir;
    EXPECT_EQ(mode_of(dir), 0700u) << dir;
  }
  EXPECT_EQ(paths.database(), paths.root / "berth.db");
  EXPECT_EQ(paths.blobs(), paths.root / "blobs" / "sha256");
}

TEST(StorePaths, ExistingRootIsMadePrivateAndPrepareIsIdempotent) {
  testing::TempDir temp;
  StorePaths paths{temp.path() / "root", {}};
  ASSERT_EQ(::mkdir(paths.root.c_str(), 0755), 0);
  ASSERT_TRUE(prepare_store_dirs(paths));
  ASSERT_TRUE(prepare_store_dirs(paths));
  EXPECT_EQ(mode_of(paths.root), 0700u);
}

TEST(StorePaths, RootThatIsAFileIsAnError) {
  testing::TempDir temp;
  StorePaths paths{temp.path() / "root", {}};
  std::ofstream(paths.root) << "x";
  auto prepared = prepare_store_dirs(paths);
  ASSERT_FALSE(prepared);
  EXPECT_NE(prepared.error().message.find("not a directory"), std::string::npos) << prepared.error().message;
}

}  // namespace
}  // namespace berth::store
