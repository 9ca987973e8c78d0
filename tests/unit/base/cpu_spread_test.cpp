#include "base/cpu_spread.h"

#include <gtest/gtest.h>
#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <chrono>

namespace berth {
namespace {

int allowed_cpus() {
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  return ::sched_getaffinity(0, sizeof allowed, &allowed) == 0 ? CPU_COUNT(&allowed) : 0;
}

// The moved thread may run on every CPU but the one its creator was on,
// and it runs on one of those.
TEST(CpuSpread, AMovedThreadRunsOnAnotherCpu) {
  if (allowed_cpus() < 2) GTEST_SKIP() << "one CPU: nothing to spread over";
  std::atomic<int> ran_on{-1};
  std::atomic<bool> release{false};
  std::thread thread([&] {
    while (!release) {
    }
    ran_on = ::sched_getcpu();
  });
  move_off_this_cpu(thread);
  cpu_set_t set;
  CPU_ZERO(&set);
  ASSERT_EQ(::pthread_getaffinity_np(thread.native_handle(), sizeof set, &set), 0);
  EXPECT_EQ(CPU_COUNT(&set), allowed_cpus() - 1);
  release = true;
  thread.join();
  ASSERT_GE(ran_on.load(), 0);
  EXPECT_TRUE(CPU_ISSET(ran_on.load(), &set)) << "ran on CPU " << ran_on.load();
}

TEST(CpuSpread, WithOneCpuNothingChanges) {
  cpu_set_t saved;
  ASSERT_EQ(::sched_getaffinity(0, sizeof saved, &saved), 0);
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(::sched_getcpu(), &one);
  ASSERT_EQ(::sched_setaffinity(0, sizeof one, &one), 0);
  std::thread thread([] {});
  move_off_this_cpu(thread);
  cpu_set_t set;
  CPU_ZERO(&set);
  EXPECT_EQ(::pthread_getaffinity_np(thread.native_handle(), sizeof set, &set), 0);
  EXPECT_EQ(CPU_COUNT(&set), 1);
  thread.join();
  ASSERT_EQ(::sched_setaffinity(0, sizeof saved, &saved), 0);
}

}  // namespace
}  // namespace berth
