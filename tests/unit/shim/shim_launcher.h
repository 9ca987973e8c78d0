// Test helper: starts the real berth-shim binary the way the engine will.
// The test process forks a "berth run" stand-in that forks the launcher and
// exits at once; the launcher makes itself a session leader and child
// subreaper, creates the stdio pipes (or a pty), forks the "container"
// (/bin/sh -c SCRIPT), writes shim.conf, puts the fds at 3..6 and execs
// berth-shim. So the shim is the container's parent and outlives the
// process chain that started it, as in production.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

#include "base/result.h"
#include "base/unique_fd.h"

namespace berth::shim::testing {

struct LaunchSpec {
  std::string run_dir;
  std::string script = "true";  // run by /bin/sh -c as the container's init
  bool terminal = false;
  bool stdin_open = false;
  std::string extra_config;  // more key=value lines for shim.conf
  // Replaces the generated shim.conf; "{pid}" becomes the init's pid.
  std::optional<std::string> raw_config;
  // Writes this pid (not the shim's child) into shim.conf instead.
  std::optional<pid_t> pid_override;
  // Handed to the shim at fd 9 (the engine's attach client at launch).
  int attach_client_fd = -1;
};

struct LaunchedShim {
  pid_t shim_pid = 0;
  pid_t init_pid = 0;
  pid_t launcher_parent_pid = 0;  // the "berth run" stand-in, already gone
  std::string ready;              // what the shim wrote on its ready fd
  UniqueFd shim_pidfd;
  UniqueFd init_pidfd;
};

Result<LaunchedShim> launch_shim(const LaunchSpec& spec);

// SIGKILLs every process in session `session` (the container's init made
// one of its own), each through a pidfd: cleanup for a failed test.
void kill_session(pid_t session);

// Waits until the process behind pidfd has exited; false on timeout.
bool wait_for_exit(int pidfd, int timeout_ms);

}  // namespace berth::shim::testing
