// Starting a container's processes: the runtime's create, then the shim.
//
// berth forks a launcher child, which leaves berth's session, becomes a
// child subreaper, creates the container with the runtime library (so the
// container's init is its child, waiting on the exec fifo), writes the
// shim's config with the init's pid and execs `berth-shim` on the same
// process. The shim thus starts as the init's parent and outlives berth.
// The container's stdio are pipes (or a pty) whose other ends the shim
// holds; see src/shim for the shim's side of the contract.
//
// The init is released later by runtime::start_container (the exec fifo),
// so a caller can attach to the shim first and miss no output.
#pragma once

#include <sys/types.h>

#include <string>

#include "base/result.h"
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
};

struct LaunchedContainer {
  pid_t init_pid = 0;
  pid_t shim_pid = 0;
};

// Returns once the shim serves its attach socket (or with the launcher's or
// the shim's error); the container exists, created but not started.
Result<LaunchedContainer> launch_container(const LaunchRequest& request);

// A helper binary (berth-shim, berth-init) beside the running berth binary
// (as installed or built), or the path in `override_variable` when set.
Result<std::string> find_helper_binary(std::string_view name, const char* override_variable);

}  // namespace berth
