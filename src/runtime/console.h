// The container's terminal: a pty from the container's own devpts, whose
// master goes to the caller over --console-socket and whose slave becomes
// the process's stdio and controlling terminal.
#pragma once

#include <optional>

#include "base/result.h"
#include "base/unique_fd.h"
#include "oci/runtime_spec.h"

namespace berth::runtime {

struct Pty {
  UniqueFd master;
  UniqueFd slave;
};

// Opens ptmx inside root_fd (the container's /dev/pts/ptmx, or /dev/ptmx) and its peer.
Result<Pty> open_pty_in_root(int root_fd, const std::optional<oci::ConsoleSize>& size);

// Sends the master over the console socket, as runc does (payload: the pty name).
Status send_console_master(int console_socket_fd, int master_fd);

// Sends the master over the console socket and closes our copy, then makes
// the slave this process's controlling terminal and stdio (0, 1, 2).
Status hand_over_terminal(Pty& pty, int console_socket_fd);

}  // namespace berth::runtime
