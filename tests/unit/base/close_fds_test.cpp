#include "base/close_fds.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vector>

namespace berth {
namespace {

// Runs `body` in a forked child; its exit status is the number of fds that
// were not as expected (0 = all as expected).
int in_child(const std::vector<int>& open_fds, std::initializer_list<int> keep) {
  pid_t child = ::fork();
  if (child == 0) {
    close_fds_except(keep);
    int wrong = 0;
    for (int fd : open_fds) {
      bool kept = false;
      for (int wanted : keep) kept = kept || wanted == fd;
      bool is_open = ::fcntl(fd, F_GETFD) >= 0;
      if (is_open != kept) ++wrong;
    }
    for (int fd = 0; fd < 3; ++fd)
      if (::fcntl(fd, F_GETFD) < 0) ++wrong;  // stdio is never touched
    ::_exit(wrong);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(CloseFdsExcept, KeepsOnlyTheListedFdsAndStdio) {
  std::vector<int> fds;
  for (int i = 0; i < 8; ++i) fds.push_back(::open("/dev/null", O_RDONLY));
  // Unsorted, with a duplicate, a negative entry and stdio: all allowed.
  EXPECT_EQ(in_child(fds, {fds[5], fds[1], -1, fds[5], 2, fds[7]}), 0);
  EXPECT_EQ(in_child(fds, {}), 0);
  EXPECT_EQ(in_child(fds, {fds[0]}), 0);
  for (int fd : fds) ::close(fd);
}

TEST(CloseFdsExcept, ClosesFdsAboveEveryKeptOne) {
  int low = ::open("/dev/null", O_RDONLY);
  int high = ::fcntl(low, F_DUPFD, 900);
  ASSERT_GE(high, 900);
  EXPECT_EQ(in_child({low, high}, {low}), 0);
  EXPECT_EQ(in_child({low, high}, {high}), 0);
  ::close(low);
  ::close(high);
}

}  // namespace
}  // namespace berth
