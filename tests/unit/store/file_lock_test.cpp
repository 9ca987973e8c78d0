#include "store/file_lock.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "store_test_support.h"

namespace berth::store {
namespace {

using namespace std::chrono_literals;

TEST(FileLock, ExclusiveExcludesAnotherHolderInTheSameProcess) {
  testing::TempDir temp;
  auto file = temp.path() / "lock";
  auto first = FileLock::acquire(file);
  ASSERT_TRUE(first) << first.error().message;
  auto second = FileLock::try_acquire(file);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_FALSE(second->has_value());
  first->release();
  auto third = FileLock::try_acquire(file);
  ASSERT_TRUE(third);
  EXPECT_TRUE(third->has_value());
}

TEST(FileLock, SharedHoldersCoexistAndKeepExclusiveOut) {
  testing::TempDir temp;
  auto file = temp.path() / "gc";
  auto reader1 = FileLock::acquire(file, LockMode::shared);
  auto reader2 = FileLock::try_acquire(file, LockMode::shared);
  ASSERT_TRUE(reader1 && reader2);
  EXPECT_TRUE(reader2->has_value());
  auto writer = FileLock::try_acquire(file, LockMode::exclusive);
  ASSERT_TRUE(writer);
  EXPECT_FALSE(writer->has_value());
}

TEST(FileLock, ExcludesAnotherProcess) {
  testing::TempDir temp;
  auto file = temp.path() / "lock";
  auto held = FileLock::acquire(file);
  ASSERT_TRUE(held);
  int status = testing::run_in_child([&] {
    auto attempt = FileLock::try_acquire(file);
    return attempt && !attempt->has_value() ? 0 : 1;
  });
  EXPECT_EQ(status, 0);
}

TEST(FileLock, WaiterSurvivesTheHolderRemovingTheFile) {
  // The holder unlinks the lock file on release; a waiter that opened the old
  // file must notice and lock the new one, or two holders would coexist.
  testing::TempDir temp;
  auto file = temp.path() / "layer-x";
  auto holder = FileLock::acquire(file);
  ASSERT_TRUE(holder);
  std::atomic<bool> acquired = false;
  std::optional<FileLock> waiter_lock;
  std::thread waiter([&] {
    auto lock = FileLock::acquire(file);
    if (lock) waiter_lock = std::move(*lock);
    acquired = true;
  });
  std::this_thread::sleep_for(100ms);
  EXPECT_FALSE(acquired);
  holder->release_and_remove();
  waiter.join();
  ASSERT_TRUE(acquired);
  ASSERT_TRUE(waiter_lock && waiter_lock->held());
  // The waiter's lock is the one a newcomer sees at the path.
  EXPECT_TRUE(std::filesystem::exists(file));
  auto newcomer = FileLock::try_acquire(file);
  ASSERT_TRUE(newcomer);
  EXPECT_FALSE(newcomer->has_value());
  waiter_lock->release_and_remove();
  EXPECT_FALSE(std::filesystem::exists(file));
}

TEST(FileLock, SymlinkAtTheLockPathIsNotFollowed) {
  testing::TempDir temp;
  auto target = temp.path() / "target";
  std::filesystem::create_symlink(target, temp.path() / "lock");
  auto lock = FileLock::acquire(temp.path() / "lock");
  EXPECT_FALSE(lock);
  EXPECT_FALSE(std::filesystem::exists(target));
}

}  // namespace
}  // namespace berth::store
