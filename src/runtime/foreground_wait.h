// What `run` and `exec` do in the foreground: wait for the container
// process, pass on the signals a user sends to us, and, when the process
// has a terminal and nobody gave a --console-socket, be that terminal's
// other end on our own stdio (as runc does).
#pragma once

#include <sys/types.h>

#include "base/result.h"
#include "base/unique_fd.h"

namespace berth::runtime {

// Blocks the signals wait_in_foreground forwards; call before creating the
// child so none is lost in between.
void block_forwarded_signals();

// Waits for our child `pid` and returns its status as a shell reports it
// (128 + signal when killed). With a pty master, copies our stdin to it and
// it to our stdout meanwhile (our terminal in raw mode), and passes window
// size changes on. Without `relay_stdin` our stdin is left alone (docker
// exec -t without -i).
int wait_in_foreground(pid_t pid, int pty_master = -1, bool relay_stdin = true);

// A socketpair standing in for --console-socket: the init gets `for_init`,
// we receive the pty master on `ours`.
struct ConsoleSocketPair {
  UniqueFd ours, for_init;
};
Result<ConsoleSocketPair> make_console_socket_pair();

// Receives the pty master the init sent over the pair.
Result<UniqueFd> receive_pty_master(int ours);

}  // namespace berth::runtime
