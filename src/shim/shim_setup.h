// What berth-shim does before its event loop: signal dispositions, taking
// over the fds the engine handed it at fixed numbers, and the ready report.
#pragma once

#include "base/result.h"
#include "base/unique_fd.h"
#include "shim/shim_config.h"

namespace berth::shim {

inline constexpr int ready_fd_number = 3;
inline constexpr int stdin_fd_number = 4;
inline constexpr int stdout_fd_number = 5;  // the pty master with terminal=1
inline constexpr int stderr_fd_number = 6;
// Optional: the container's mount namespace (/proc/PID/ns/mnt of its init).
// Holding it means the init's exit does not unmount the container's mounts
// (a chain of RCU grace periods, ~1 ms here) before its parent, the shim,
// learns of the exit: that work waits until the shim lets go, after it has
// reported the exit.
inline constexpr int mount_namespace_fd_number = 7;
// Optional: the container's network namespace. Held until the shim exits,
// so that the kernel's teardown of it (a worker thread's millisecond of
// CPU) does not compete with the client that reads the exit and removes
// the container on a machine with few CPUs.
inline constexpr int net_namespace_fd_number = 8;
// With attach_client=1: one end of a socket pair whose other end the engine
// holds, the hello frame already in it. The engine can then start the
// container before the shim is up, and still miss none of its output.
inline constexpr int attach_client_fd_number = 9;

// Ignores SIGPIPE, SIGHUP, SIGINT, SIGTERM, SIGTTIN and SIGTTOU, blocks
// SIGCHLD and returns a signalfd for it.
Result<UniqueFd> setup_signals();

struct InheritedFds {
  UniqueFd stdin_pipe;   // write end, stdin=1 without terminal
  UniqueFd stdout_pipe;  // read end, without terminal
  UniqueFd stderr_pipe;  // read end, without terminal
  UniqueFd pty_master;   // with terminal
  UniqueFd mount_namespace;  // when the engine passed one
  UniqueFd net_namespace;    // likewise
  UniqueFd attach_client;    // with attach_client=1
};

// Takes fds 4..6 (and 9) as the config says they are used: close-on-exec and
// non-blocking. A missing fd the config needs is an error.
Result<InheritedFds> take_inherited_fds(const ShimConfig& config);

// Writes "ok\n" or "error: <message>\n" to the ready fd (if the engine gave
// one) and closes it.
void report_ready(UniqueFd ready_fd, const Status& status);

}  // namespace berth::shim
