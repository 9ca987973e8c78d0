#include "engine/network_namespace.h"

#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

namespace berth {

namespace {

// In the calling thread only: unshare(CLONE_NEWNET) moves this thread, not
// the process, and the thread ends right after.
Result<UniqueFd> make_network_namespace() {
  if (::unshare(CLONE_NEWNET) != 0) return fail_errno(errno, "create the container's network namespace");
  UniqueFd socket_fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!socket_fd) return fail_errno(errno, "network namespace: socket");
  ifreq request{};
  std::strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
  if (::ioctl(socket_fd.get(), SIOCGIFFLAGS, &request) != 0) return fail_errno(errno, "network namespace: read lo's flags");
  request.ifr_flags = static_cast<short>(request.ifr_flags | IFF_UP);
  if (::ioctl(socket_fd.get(), SIOCSIFFLAGS, &request) != 0) return fail_errno(errno, "network namespace: bring lo up");
  UniqueFd namespace_fd(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC));
  if (!namespace_fd) return fail_errno(errno, "network namespace: open /proc/thread-self/ns/net");
  return namespace_fd;
}

}  // namespace

PreparedNetworkNamespace::PreparedNetworkNamespace(std::function<void()> then)
    : outcome_(std::unexpected(Error{"network namespace: not made", 0})) {
  try {
    thread_ = std::thread([this, then = std::move(then)] {
      outcome_ = make_network_namespace();
      if (then) then();
    });
    // Left on this CPU (see base/cpu_spread.h): `run` starts it and then
    // waits for the store, whose opening thread runs on the other one.
  } catch (const std::system_error& error) {
    outcome_ = fail("network namespace: start a thread: {}", error.what());
  }
}

PreparedNetworkNamespace::~PreparedNetworkNamespace() {
  if (thread_.joinable()) thread_.join();
}

Result<UniqueFd> PreparedNetworkNamespace::take() {
  if (thread_.joinable()) thread_.join();
  return std::move(outcome_);
}

}  // namespace berth
