// A global Environment registered at static initialization: gtest runs its
// SetUp before any test, on the main thread, before any test starts a thread,
// so that every thread and child created later inherits the new namespace
// (unshare(CLONE_NEWNET) changes only the calling thread's).
#include "private_network.h"

#include <gtest/gtest.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace berth::testing {

namespace {

std::string& problem() {
  static std::string text = "the test environment did not run";
  return text;
}

std::string bring_up_loopback() {
  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::string("socket: ") + std::strerror(errno);
  ifreq request{};
  std::strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
  std::string error;
  if (::ioctl(fd, SIOCGIFFLAGS, &request) != 0) {
    error = std::string("SIOCGIFFLAGS lo: ") + std::strerror(errno);
  } else {
    request.ifr_flags |= IFF_UP;
    if (::ioctl(fd, SIOCSIFFLAGS, &request) != 0) error = std::string("SIOCSIFFLAGS lo: ") + std::strerror(errno);
  }
  ::close(fd);
  return error;
}

class PrivateNetworkEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    if (::unshare(CLONE_NEWNET) != 0) {
      problem() = std::string("unshare(CLONE_NEWNET): ") + std::strerror(errno);
      return;
    }
    problem() = bring_up_loopback();
  }
};

[[maybe_unused]] ::testing::Environment* const registered =
    ::testing::AddGlobalTestEnvironment(new PrivateNetworkEnvironment);

}  // namespace

const std::string& private_network_problem() { return problem(); }

}  // namespace berth::testing
