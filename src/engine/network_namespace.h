// A container's own network namespace, made ahead of the runtime's create.
//
// Making a network namespace is the costliest part of the clone that
// starts a container's init (~0.5 ms of kernel work here: every network
// subsystem sets itself up). A thread makes it while berth builds the
// spec, on another CPU, and brings its loopback up, as Docker's "none"
// network has it (a namespace the runtime makes has lo down). The runtime
// then joins it through /proc/self/fd/N, an fd the launcher inherits.
#pragma once

#include <functional>
#include <thread>

#include "base/result.h"
#include "base/unique_fd.h"

namespace berth {

class PreparedNetworkNamespace {
 public:
  // Starts the thread. `then` runs on it once the namespace is made: more
  // of the start's work that needs no store (the default seccomp profile's
  // parse), while the CPU it is on would otherwise wait.
  explicit PreparedNetworkNamespace(std::function<void()> then = {});
  ~PreparedNetworkNamespace();  // waits for it
  PreparedNetworkNamespace(const PreparedNetworkNamespace&) = delete;
  PreparedNetworkNamespace& operator=(const PreparedNetworkNamespace&) = delete;

  // Waits for the thread: the namespace (O_CLOEXEC), or why it could not be made.
  Result<UniqueFd> take();

 private:
  std::thread thread_;
  Result<UniqueFd> outcome_;
};

}  // namespace berth
