// Starting a container's processes: the runtime's create, then the shim.
//
// berth forks a launcher child, which leaves berth's session, becomes a
// child subreaper, creates the container with the runtime library (so the
// container's init is its child), starts it, writes the shim's config with
// the init's pid and execs `berth-shim` on the same process. The shim thus
// starts as the init's parent and outlives berth. The container's stdio are
// pipes (or a pty) whose other ends the shim holds; see src/shim for the
// shim's side of the contract.
//
// The container's process is started while the shim is still starting up:
// its output waits in the pipes, and a caller that wants it hands the shim
// an attach client at launch (attach_client_fd), served from the shim's
// first moment.
#pragma once

#include <sys/types.h>

#include <string>

#include "base/result.h"
#include "base/unique_fd.h"
#include "oci/runtime_spec.h"

namespace berth {

struct LaunchRequest {
  std::string id;
  std::string bundle;        // holds config.json
  std::string runtime_root;  // the runtime's state store
  std::string run_dir;       // the shim's directory (shim.conf, attach.sock, exit.json)
  std::string shim_path;     // the berth-shim executable
  std::string shim_config;   // shim.conf without the pid line, which the launcher adds
  bool terminal = false;     // process.terminal: the shim gets the pty master
  bool open_stdin = false;   // a stdin pipe the shim writes (else /dev/null)
  // The bundle's config.json as written, and the spec it was written from:
  // the launcher, a fork of the caller, creates from these in its memory.
  const std::string* config_text = nullptr;
  const oci::Spec* spec = nullptr;
  // An fd the spec names as /proc/self/fd/N (a prepared network namespace),
  // kept open in the launcher; -1 for none.
  int spec_fd = -1;
  // The shim's end of a connected socket pair, the hello frame already sent
  // from the other: the shim serves it as an attach client. -1 for none.
  int attach_client_fd = -1;
};

struct LaunchedContainer {
  pid_t init_pid = 0;
  pid_t shim_pid = 0;
  // The launcher's, then the shim's, report pipe ("pid N", "ok" or
  // "error: …"), and what was read of it past the last line taken.
  UniqueFd reports;
  UniqueFd shim_pidfd;
  std::string unread;
  bool shim_gone = false;
};

// Returns once the container exists (or with the launcher's error); its
// process and its shim may still be starting.
Result<LaunchedContainer> launch_container(const LaunchRequest& request);

// Returns once the container's process runs (its exec done), or with the
// reason it could not start (the init's own words: "exec: …").
Status await_started(LaunchedContainer& launched);

// Returns once the shim serves: its attach socket is bound and the attach
// client's hello taken. Or with the shim's error.
Status await_shim_ready(LaunchedContainer& launched);

// A helper binary (berth-shim, berth-init) beside the running berth binary
// (as installed or built), or the path in `override_variable` when set.
Result<std::string> find_helper_binary(std::string_view name, const char* override_variable);

}  // namespace berth
