// The conversation between the runtime and the container's init over a
// SOCK_SEQPACKET socketpair: one message per step, so neither side races
// ahead (id maps before mounts, cgroup before cgroupns, hooks before pivot).
#pragma once

#include <string>
#include <string_view>

#include "base/fd_passing.h"
#include "base/result.h"

namespace berth::runtime {

enum class SyncStep : char {
  go = 'g',            // runtime → init: ids mapped, cgroup joined; carry on
  cgroup_ready = 'c',  // runtime → init: its v1 cgroup directories exist now (Cgroup::begin_create)
  run_hooks = 'h',     // init → runtime: rootfs prepared; run prestart/createRuntime hooks
  hooks_done = 'd',    // runtime → init
  seccomp_fd = 's',    // init → runtime: the notify listener fd (attached)
  ready = 'r',         // init → runtime: waiting on the exec fifo (or for `start`)
  start = 'x',         // runtime → init: exec now (`run` holds the socket instead of a fifo)
  init_pid = 'p',      // intermediate → runtime: the init's pid (joined user namespace)
  failed = 'e',        // either way: the rest of the message says why
};

Status send_step(int socket_fd, SyncStep step, std::string_view text = {}, int fd = -1);

struct SyncMessage {
  SyncStep step;
  std::string text;
  UniqueFd fd;
};

// Receives the next message; a closed socket is an error naming `peer`.
Result<SyncMessage> receive_step(int socket_fd, std::string_view peer);

// Receives and insists on `expected`; a `failed` message becomes the error.
Result<SyncMessage> expect_step(int socket_fd, SyncStep expected, std::string_view peer);

}  // namespace berth::runtime
