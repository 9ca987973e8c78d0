// `create`: from a bundle to a container whose init waits on the exec fifo.
#pragma once

#include <sys/types.h>

#include <string>

#include "base/result.h"
#include "runtime/container_state.h"

namespace berth::runtime {

struct CreateOptions {
  std::string id;
  std::string bundle;          // as given; made absolute here
  std::string pid_file;
  std::string console_socket;
  int preserve_fds = 0;
  bool no_pivot = false;
  bool no_new_keyring = false;
};

// Creates the container and records it in the store. On any error, nothing
// is left: no process, cgroup, state directory or mount.
Result<ContainerState> create_container(const StateStore& store, const CreateOptions& options);

// Writes a pid file atomically, as runc does (no trailing newline).
Status write_pid_file(const std::string& path, pid_t pid);

}  // namespace berth::runtime
