// `exec`: a new process inside a running container's namespaces and cgroup.
#pragma once

#include <sys/types.h>

#include <array>
#include <string>

#include "base/result.h"
#include "oci/runtime_spec.h"
#include "runtime/container_state.h"

namespace berth::runtime {

struct ExecOptions {
  oci::Process process;
  std::string console_socket;
  std::string pid_file;
  int preserve_fds = 0;
  bool detach = false;
  // Descriptors the process gets as its stdin, stdout, stderr instead of
  // ours (-1: ours). A terminal replaces all three.
  std::array<int, 3> stdio{-1, -1, -1};
  bool relay_stdin = true;  // with a terminal in the foreground: copy our stdin to it
};

// Starts the process. Detached: returns its pid once it has exec'd.
// Otherwise waits and returns its exit status as a shell reports it
// (128 + signal when killed).
Result<int> exec_in_container(const StateStore& store, const std::string& id, ExecOptions options);

}  // namespace berth::runtime
