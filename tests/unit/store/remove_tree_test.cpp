#include "base/remove_tree.h"

#include <fcntl.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/unique_fd.h"
#include "store/disk_usage.h"
#include "store_test_support.h"

namespace berth::store {
namespace {

namespace fs = std::filesystem;

UniqueFd open_dir(const fs::path& path) { return UniqueFd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)); }

TEST(RemoveTree, RemovesATreeWithoutFollowingSymlinks) {
  testing::TempDir temp;
  auto outside = temp.path() / "outside";
  fs::create_directories(outside / "keep");
  std::ofstream(outside / "keep" / "file") << "precious";
  auto tree = temp.path() / "tree";
  fs::create_directories(tree / "a" / "b");
  std::ofstream(tree / "a" / "b" / "file") << "x";
  fs::create_symlink(outside, tree / "a" / "escape");            // to a directory
  fs::create_symlink(outside / "keep" / "file", tree / "link");  // to a file
  fs::create_symlink("../../..", tree / "a" / "b" / "up");
  ASSERT_EQ(::mkfifo((tree / "fifo").c_str(), 0600), 0);

  auto parent = open_dir(temp.path());
  auto removed = remove_tree(parent.get(), "tree");
  ASSERT_TRUE(removed) << removed.error().message;
  EXPECT_FALSE(fs::exists(fs::symlink_status(tree)));
  EXPECT_EQ(testing::read_text(outside / "keep" / "file"), "precious");
}

TEST(RemoveTree, MissingNameIsSuccessAndFilesAreRemovedToo) {
  testing::TempDir temp;
  auto parent = open_dir(temp.path());
  EXPECT_TRUE(remove_tree(parent.get(), "nothing-here"));
  std::ofstream(temp.path() / "file") << "x";
  EXPECT_TRUE(remove_tree(parent.get(), "file"));
  EXPECT_FALSE(fs::exists(temp.path() / "file"));
}

TEST(RemoveTree, RefusesNamesThatAreNotOneComponent) {
  testing::TempDir temp;
  fs::create_directories(temp.path() / "inner");
  std::ofstream(temp.path() / "victim") << "x";
  auto inner = open_dir(temp.path() / "inner");
  for (const char* name : {"../victim", "..", ".", "", "a/b"}) EXPECT_FALSE(remove_tree(inner.get(), name)) << name;
  EXPECT_TRUE(fs::exists(temp.path() / "victim"));
}

TEST(RemoveTree, UnprivilegedCallerRemovesReadOnlyAndUnreadableDirectories) {
  // As root permissions never block a delete; drop to nobody in a child so
  // the chmod fallbacks are what makes this pass.
  testing::TempDir temp;
  auto parent = temp.path() / "parent";
  auto tree = parent / "tree";
  fs::create_directories(tree / "ro" / "deeper");
  fs::create_directories(tree / "secret");
  std::ofstream(tree / "ro" / "deeper" / "file") << "x";
  std::ofstream(tree / "secret" / "file") << "x";
  for (const auto& entry : fs::recursive_directory_iterator(parent))
    ASSERT_EQ(::lchown(entry.path().c_str(), 65534, 65534), 0);
  ASSERT_EQ(::chown(parent.c_str(), 65534, 65534), 0);
  ASSERT_EQ(::chmod((tree / "ro" / "deeper").c_str(), 0555), 0);
  ASSERT_EQ(::chmod((tree / "ro").c_str(), 0555), 0);
  ASSERT_EQ(::chmod((tree / "secret").c_str(), 0000), 0);
  auto parent_fd = open_dir(parent);
  if (::getuid() != 0) GTEST_SKIP() << "needs root to switch to an unprivileged user";
  int status = testing::run_in_child([&] {
    if (::setgroups(0, nullptr) != 0 || ::setresgid(65534, 65534, 65534) != 0 || ::setresuid(65534, 65534, 65534) != 0)
      return 2;
    auto removed = remove_tree(parent_fd.get(), "tree");
    if (!removed) {
      fprintf(stderr, "%s\n", removed.error().message.c_str());
      return 1;
    }
    return 0;
  });
  EXPECT_EQ(status, 0);
  EXPECT_FALSE(fs::exists(tree));
}

TEST(RemoveTree, DeepTreeNeedsNoMoreFdsThanAFixedFew) {
  // 400 levels with only 64 fds: only moving deep subtrees up to the
  // top (instead of holding one fd per level) gets through.
  testing::TempDir temp;
  {
    UniqueFd current = open_dir(temp.path());
    ASSERT_EQ(::mkdirat(current.get(), "tree", 0755), 0);
    current = UniqueFd(::openat(current.get(), "tree", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    for (int level = 0; level < 400; ++level) {
      UniqueFd file(::openat(current.get(), "f", O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
      ASSERT_TRUE(file);
      ASSERT_EQ(::mkdirat(current.get(), "d", 0755), 0);
      current = UniqueFd(::openat(current.get(), "d", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
      ASSERT_TRUE(current);
    }
  }
  auto parent = open_dir(temp.path());
  int status = testing::run_in_child([&] {
    // Closing what gtest and the parent left open is not needed: the limit is
    // on the highest fd number, and few are open.
    struct rlimit limit {
      64, 64
    };
    if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) return 2;
    auto removed = remove_tree(parent.get(), "tree");
    if (!removed) {
      fprintf(stderr, "%s\n", removed.error().message.c_str());
      return 1;
    }
    return 0;
  });
  EXPECT_EQ(status, 0);
  EXPECT_FALSE(fs::exists(temp.path() / "tree"));
}

TEST(RemoveTree, StopsAtAMountPoint) {
  testing::TempDir temp;
  auto tree = temp.path() / "tree";
  fs::create_directories(tree / "mnt");
  std::ofstream(tree / "file") << "x";
  int status = testing::run_in_child([&] {
    if (::unshare(CLONE_NEWNS) != 0) return 77;
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return 77;
    if (::mount("tmpfs", (tree / "mnt").c_str(), "tmpfs", 0, nullptr) != 0) return 77;
    std::ofstream(tree / "mnt" / "host-data") << "must survive";
    // Opened after the mount: an fd from before would walk the old namespace's tree.
    auto parent = open_dir(temp.path());
    auto removed = remove_tree(parent.get(), "tree");
    if (removed) return 1;
    if (removed.error().message.find("mount point") == std::string::npos) {
      fprintf(stderr, "%s\n", removed.error().message.c_str());
      return 3;
    }
    return fs::exists(tree / "mnt" / "host-data") ? 0 : 4;
  });
  if (status == 77) GTEST_SKIP() << "cannot mount in a private mount namespace";
  EXPECT_EQ(status, 0);
}

TEST(DiskUsage, CountsBlocksAndHardLinksOnce) {
  testing::TempDir temp;
  auto tree = temp.path() / "tree";
  fs::create_directories(tree / "sub");
  std::ofstream(tree / "big") << std::string(256 * 1024, 'x');
  fs::create_hard_link(tree / "big", tree / "sub" / "link1");
  fs::create_hard_link(tree / "big", tree / "link2");
  auto blocks = [](const fs::path& path) {
    struct stat info {};
    ::lstat(path.c_str(), &info);
    return static_cast<uint64_t>(info.st_blocks) * 512;
  };
  uint64_t expected = blocks(tree) + blocks(tree / "sub") + blocks(tree / "big");
  auto parent = open_dir(temp.path());
  auto usage = tree_disk_usage(parent.get(), "tree");
  ASSERT_TRUE(usage) << usage.error().message;
  EXPECT_EQ(*usage, expected);
  EXPECT_GE(*usage, 256u * 1024);
}

}  // namespace
}  // namespace berth::store
