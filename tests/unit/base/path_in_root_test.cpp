#include "base/path_in_root.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "base/file_io.h"

namespace berth {
namespace {

class PathInRootTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/berth-path-test.XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    base_ = pattern;
    root_ = base_ + "/root";
    ASSERT_EQ(::mkdir(root_.c_str(), 0755), 0);
    root_fd_.reset(::open(root_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    ASSERT_TRUE(root_fd_);
  }
  void TearDown() override { std::filesystem::remove_all(base_); }

  std::string base_, root_;
  UniqueFd root_fd_;
};

TEST(CleanPath, CollapsesDotsAndSlashes) {
  EXPECT_EQ(clean_path("/a//b/./c/"), "/a/b/c");
  EXPECT_EQ(clean_path("/../../etc"), "/etc");
  EXPECT_EQ(clean_path("a/b/../c"), "/a/c");
  EXPECT_EQ(clean_path(""), "/");
  EXPECT_EQ(clean_path("/.."), "/");
}

TEST_F(PathInRootTest, AbsoluteSymlinkStaysInsideTheRoot) {
  ASSERT_EQ(::symlink("/", (root_ + "/escape").c_str()), 0);
  auto made = make_directories_in_root(root_fd_.get(), "/escape/berth-should-not-exist-on-host");
  ASSERT_TRUE(made) << made.error().message;
  EXPECT_FALSE(std::filesystem::exists("/berth-should-not-exist-on-host"));
  EXPECT_TRUE(std::filesystem::is_directory(root_ + "/berth-should-not-exist-on-host"));
}

TEST_F(PathInRootTest, DotDotSymlinkStaysInsideTheRoot) {
  ASSERT_EQ(::symlink("../../..", (root_ + "/up").c_str()), 0);
  auto made = make_file_in_root(root_fd_.get(), "/up/planted");
  ASSERT_TRUE(made) << made.error().message;
  EXPECT_FALSE(std::filesystem::exists(base_ + "/planted"));
  EXPECT_TRUE(std::filesystem::exists(root_ + "/planted"));
}

TEST_F(PathInRootTest, MagicLinksAreRefused) {
  ASSERT_EQ(::symlink("/proc/self/root", (root_ + "/magic").c_str()), 0);
  auto opened = open_in_root(root_fd_.get(), "/proc/self/root/etc", O_PATH);
  EXPECT_FALSE(opened);  // no /proc inside this root at all
  auto through = open_in_root(root_fd_.get(), "/magic/etc", O_PATH);
  EXPECT_FALSE(through);
}

TEST_F(PathInRootTest, MissingPathsReportErrno) {
  auto opened = open_in_root(root_fd_.get(), "/missing/file", O_RDONLY);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().errno_value, ENOENT);
  EXPECT_NE(opened.error().message.find("/missing/file"), std::string::npos);
}

TEST_F(PathInRootTest, AtomicWriteReplacesWholeFile) {
  std::string path = base_ + "/state.json";
  ASSERT_TRUE(write_file_atomic(path, "first"));
  ASSERT_TRUE(write_file_atomic(path, "second", 0600, Durability::until_reboot));
  EXPECT_EQ(*read_file(path), "second");
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp-" + std::to_string(::getpid())));
  auto failed = write_file_atomic(base_ + "/no-such-dir/x", "data");
  ASSERT_FALSE(failed);
  EXPECT_NE(failed.error().message.find("no-such-dir"), std::string::npos);
}

}  // namespace
}  // namespace berth
