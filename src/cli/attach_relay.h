// The client side of a shim's attach socket, as `run`, `start -a` and
// `attach` use it: the container's output to our stdout/stderr, our stdin to
// the container, the terminal in raw mode and its size followed, the detach
// keys (default Ctrl-P Ctrl-Q) honoured, and signals proxied.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "base/result.h"

namespace berth::cli {

struct RelayOptions {
  bool tty = false;            // the container has a terminal: raw mode, resize, detach keys
  bool forward_stdin = false;  // -i
  // Our end of input closes the container's stdin (docker's StdinOnce: run -i,
  // start -a -i); attach leaves it open for the next client.
  bool close_stdin_at_eof = true;
  std::string detach_keys;     // docker's syntax ("ctrl-p,ctrl-q"); empty: that default
  // Called for a signal berth receives while attached (--sig-proxy, not with a tty).
  std::function<void(int signal)> proxy_signal;
};

struct RelayOutcome {
  std::optional<int> exit_code;  // nullopt: detached, or the shim went away without saying
  bool detached = false;
};

// Runs until the container's exit frame, a detach, or the socket closing.
Result<RelayOutcome> relay_attach(int socket_fd, int stdin_fd, int stdout_fd, int stderr_fd,
                                  const RelayOptions& options);

// "ctrl-p,ctrl-q" → the bytes {0x10, 0x11}; letters, "ctrl-@", "ctrl-[" … as docker.
Result<std::string> parse_detach_keys(std::string_view keys);

}  // namespace berth::cli
