#include "runtime/seccomp_cache.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstring>
#include <filesystem>
#include <fstream>

namespace berth::runtime {
namespace {

namespace fs = std::filesystem;

oci::Seccomp deny_mkdir(uint32_t errno_ret) {
  oci::Seccomp seccomp;
  seccomp.default_action = "SCMP_ACT_ALLOW";
  seccomp.architectures = {"SCMP_ARCH_X86_64"};
  seccomp.syscalls.push_back(oci::SeccompSyscall{{"mkdir", "mkdirat"}, "SCMP_ACT_ERRNO", errno_ret, {}});
  return seccomp;
}

bool same_program(const SeccompProgram& a, const SeccompProgram& b) {
  return a.flags == b.flags && a.uses_notify == b.uses_notify && a.instructions.size() == b.instructions.size() &&
         std::memcmp(a.instructions.data(), b.instructions.data(), a.instructions.size() * sizeof(sock_filter)) == 0;
}

std::vector<fs::path> entries(const fs::path& dir) {
  std::vector<fs::path> found;
  for (const auto& entry : fs::directory_iterator(dir)) found.push_back(entry.path());
  return found;
}

class SeccompCache : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/berth-seccomp-cache.XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(SeccompCache, StoresAnEntryAndHitsItWithTheSameProgram) {
  auto compiled = compile_seccomp(deny_mkdir(1));
  ASSERT_TRUE(compiled) << compiled.error().message;
  auto first = compile_seccomp_cached(deny_mkdir(1), dir_ / "cache");
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_TRUE(same_program(*first, *compiled));
  auto stored = entries(dir_ / "cache");
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(fs::status(dir_ / "cache").permissions() & fs::perms::all, fs::perms::owner_all);
  auto before = fs::last_write_time(stored[0]);
  auto second = compile_seccomp_cached(deny_mkdir(1), dir_ / "cache");
  ASSERT_TRUE(second);
  EXPECT_TRUE(same_program(*second, *compiled));
  EXPECT_EQ(fs::last_write_time(stored[0]), before) << "a hit does not rewrite the entry";
  // Another profile is another entry.
  auto other = compile_seccomp_cached(deny_mkdir(2), dir_ / "cache");
  ASSERT_TRUE(other);
  EXPECT_FALSE(same_program(*other, *compiled));
  EXPECT_EQ(entries(dir_ / "cache").size(), 2u);
}

TEST_F(SeccompCache, AnEntryWhoseKeyDiffersIsNeverUsed) {
  // Plant the program of errno 2 under the file name errno 1 hashes to: the
  // stored key does not match, so the cache compiles errno 1 afresh.
  ASSERT_TRUE(compile_seccomp_cached(deny_mkdir(1), dir_));
  auto stored = entries(dir_);
  ASSERT_EQ(stored.size(), 1u);
  fs::path name_for_one = stored[0];
  fs::remove(name_for_one);
  ASSERT_TRUE(compile_seccomp_cached(deny_mkdir(2), dir_));
  fs::rename(entries(dir_)[0], name_for_one);
  auto result = compile_seccomp_cached(deny_mkdir(1), dir_);
  ASSERT_TRUE(result);
  EXPECT_TRUE(same_program(*result, *compile_seccomp(deny_mkdir(1))));
}

TEST_F(SeccompCache, GarbageEntriesAreRecompiledAndReplaced) {
  ASSERT_TRUE(compile_seccomp_cached(deny_mkdir(1), dir_));
  fs::path entry = entries(dir_)[0];
  for (std::string garbage : {std::string(), std::string("berth-seccomp-cache 1\n99999999\n"),
                              std::string("berth-seccomp-cache 1\nnot a number\n"), std::string(4096, '\xff')}) {
    std::ofstream(entry, std::ios::trunc) << garbage;
    auto result = compile_seccomp_cached(deny_mkdir(1), dir_);
    ASSERT_TRUE(result);
    EXPECT_TRUE(same_program(*result, *compile_seccomp(deny_mkdir(1))));
    EXPECT_GT(fs::file_size(entry), 100u) << "the entry was written again";
  }
}

TEST_F(SeccompCache, EntriesOthersCanWriteAreNotTrusted) {
  ASSERT_TRUE(compile_seccomp_cached(deny_mkdir(1), dir_));
  fs::path entry = entries(dir_)[0];
  ASSERT_EQ(::chmod(entry.c_str(), 0666), 0);
  auto result = compile_seccomp_cached(deny_mkdir(1), dir_);
  ASSERT_TRUE(result);
  EXPECT_TRUE(same_program(*result, *compile_seccomp(deny_mkdir(1))));
  struct stat info {};
  ASSERT_EQ(::stat(entry.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 077, 0u) << "the untrusted entry was compiled afresh and replaced";
  // A symlinked entry is not followed.
  fs::path target = dir_ / "elsewhere";
  fs::rename(entry, target);
  fs::create_symlink(target, entry);
  ASSERT_TRUE(compile_seccomp_cached(deny_mkdir(1), dir_));
  EXPECT_FALSE(fs::is_symlink(entry)) << "replaced by a regular file";
}

TEST_F(SeccompCache, AnUnwritableCacheStillCompiles) {
  std::ofstream(dir_ / "file") << "x";
  auto result = compile_seccomp_cached(deny_mkdir(1), dir_ / "file" / "cache");
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_TRUE(same_program(*result, *compile_seccomp(deny_mkdir(1))));
}

TEST_F(SeccompCache, ABadProfileFailsAsWithoutTheCache) {
  oci::Seccomp bad = deny_mkdir(1);
  bad.syscalls[0].action = "SCMP_ACT_FOO";
  auto result = compile_seccomp_cached(bad, dir_);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message, compile_seccomp(bad).error().message);
  EXPECT_TRUE(entries(dir_).empty());
}

}  // namespace
}  // namespace berth::runtime
