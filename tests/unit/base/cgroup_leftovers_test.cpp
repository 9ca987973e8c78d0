// remove_listed_cgroups against the real cgroup file system (we are root):
// a v1 or v2 directory of our own with a sub-cgroup, listed in a file.
#include "base/cgroup_leftovers.h"

#include <gtest/gtest.h>
#include <linux/magic.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace berth {
namespace {

// A writable cgroup hierarchy of this host: pids (v1) or the cgroup2 root.
std::string writable_hierarchy() {
  for (const char* dir : {"/sys/fs/cgroup/pids", "/sys/fs/cgroup/unified", "/sys/fs/cgroup"}) {
    struct statfs fs {};
    if (::statfs(dir, &fs) == 0 && (fs.f_type == CGROUP_SUPER_MAGIC || fs.f_type == CGROUP2_SUPER_MAGIC) &&
        ::access(dir, W_OK) == 0)
      return dir;
  }
  return {};
}

class CgroupLeftovers : public ::testing::Test {
 protected:
  void SetUp() override {
    hierarchy_ = writable_hierarchy();
    if (hierarchy_.empty()) GTEST_SKIP() << "no writable cgroup hierarchy";
    id_ = "leftovers-test-" + std::to_string(::getpid());
    dir_ = hierarchy_ + "/berth-" + id_;
    ASSERT_EQ(::mkdir(dir_.c_str(), 0755), 0);
    ASSERT_EQ(::mkdir((dir_ + "/child").c_str(), 0755), 0);  // a sub-cgroup the container made
    scratch_ = std::filesystem::temp_directory_path() / ("berth-leftovers-" + std::to_string(::getpid()));
    std::filesystem::create_directories(scratch_ / ("plain-" + id_));
  }
  void TearDown() override {
    if (hierarchy_.empty()) return;
    ::rmdir((dir_ + "/child").c_str());
    ::rmdir(dir_.c_str());
    std::filesystem::remove_all(scratch_);
  }
  std::string write_list(const std::string& text) {
    std::string path = (scratch_ / "cgroup-dirs").string();
    std::ofstream(path) << text;
    return path;
  }

  std::string hierarchy_, id_, dir_;
  std::filesystem::path scratch_;
};

TEST_F(CgroupLeftovers, RemovesListedCgroupsWithTheirChildren) {
  auto removed = remove_listed_cgroups(write_list(dir_ + "\n"), id_);
  ASSERT_TRUE(removed) << removed.error().message;
  EXPECT_FALSE(std::filesystem::exists(dir_));
}

TEST_F(CgroupLeftovers, AMissingListOrDirectoryIsNothingToDo) {
  EXPECT_TRUE(remove_listed_cgroups((scratch_ / "no-such-list").string(), id_));
  EXPECT_TRUE(remove_listed_cgroups(write_list(hierarchy_ + "/berth-no-such-" + id_ + "\n\n"), id_));
}

TEST_F(CgroupLeftovers, LeavesWhatIsNoCgroupAndRejectsRelativePaths) {
  std::string plain = (scratch_ / ("plain-" + id_)).string();
  auto removed = remove_listed_cgroups(write_list(plain + "\nrelative/dir\n" + dir_ + "\n"), id_);
  ASSERT_FALSE(removed);
  EXPECT_NE(removed.error().message.find("not an absolute path: \"relative/dir\""), std::string::npos)
      << removed.error().message;
  EXPECT_TRUE(std::filesystem::exists(plain)) << "a directory on another file system is never removed";
  EXPECT_FALSE(std::filesystem::exists(dir_)) << "the other entries are still removed";
}

TEST_F(CgroupLeftovers, OnlyTheNamedContainersCgroupsAreTouched) {
  std::string other = hierarchy_ + "/berth-other-" + std::to_string(::getpid());
  ASSERT_EQ(::mkdir(other.c_str(), 0755), 0);
  auto removed = remove_listed_cgroups(write_list(other + "\n" + hierarchy_ + "\n"), id_);
  EXPECT_TRUE(std::filesystem::exists(other));
  ::rmdir(other.c_str());
  ASSERT_FALSE(removed);
  EXPECT_NE(removed.error().message.find("is not a cgroup of container " + id_), std::string::npos)
      << removed.error().message;
}

TEST_F(CgroupLeftovers, ACgroupWithAProcessStays) {
  pid_t child = ::fork();
  if (child == 0) {
    ::pause();
    ::_exit(0);
  }
  ASSERT_GT(child, 0);
  std::ofstream(dir_ + "/child/cgroup.procs") << child;
  auto removed = remove_listed_cgroups(write_list(dir_ + "\n"), id_);
  EXPECT_FALSE(removed);
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/child"));
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  // Gone now (a moment after the exit the kernel may still call it busy).
  Status again;
  for (int attempt = 0; attempt < 100; ++attempt) {
    again = remove_listed_cgroups(write_list(dir_ + "\n"), id_);
    if (again) break;
    ::usleep(10'000);
  }
  EXPECT_TRUE(again) << again.error().message;
  EXPECT_FALSE(std::filesystem::exists(dir_));
}

}  // namespace
}  // namespace berth
