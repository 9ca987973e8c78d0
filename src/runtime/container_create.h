// `create`: from a bundle to a container whose init waits on the exec fifo.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>

#include "base/result.h"
#include "base/unique_fd.h"
#include "oci/runtime_spec.h"
#include "runtime/cgroup.h"
#include "runtime/container_state.h"

namespace berth::runtime {

struct CreateOptions {
  std::string id;
  std::string bundle;  // as given; made absolute here
  std::string pid_file;
  std::string console_socket;
  int preserve_fds = 0;
  bool no_pivot = false;
  bool no_new_keyring = false;
  // `run` in the foreground: no exec fifo; the init waits for a `start`
  // message on the sync socket, which the caller keeps (start_created).
  bool hold_start = false;
  // `run` in the foreground with process.terminal and no console socket:
  // the caller becomes the terminal (CreatedContainer::pty_master), as runc.
  bool own_terminal = false;
  // A caller that has just written the bundle's config.json may pass its
  // text and the spec it came from, which then are not read back and parsed.
  const std::string* config_text = nullptr;
  const oci::Spec* parsed_spec = nullptr;
};

struct CreatedContainer {
  ContainerState state;
  std::unique_ptr<oci::Spec> spec;
  std::unique_ptr<Cgroup> cgroup;
  UniqueFd start_channel;  // with hold_start
  UniqueFd pty_master;     // with own_terminal, when the process has a terminal
};

// Creates the container and records it in the store. On any error, nothing
// is left: no process, cgroup, state directory or mount.
Result<CreatedContainer> create_container(const StateStore& store, const CreateOptions& options);

// `run`'s fast path, for a container this process created with hold_start:
// release the init, then run poststart hooks (no reload of state or config).
Status start_created(CreatedContainer& container);

// start_created in two halves, for a caller with work to do while the init
// goes on to exec the container's process: release_created sends the start;
// confirm_started waits until the process runs (or the init says why it
// cannot), then runs the poststart hooks.
Status release_created(CreatedContainer& container);
Status confirm_started(CreatedContainer& container);

// `run`'s cleanup once this process reaped the init: kill what is left (a
// container sharing the pid namespace), remove the cgroup and the state, run
// poststop hooks.
Status delete_exited(const StateStore& store, CreatedContainer& container);

// Writes a pid file atomically, as runc does (no trailing newline).
Status write_pid_file(const std::string& path, pid_t pid);

}  // namespace berth::runtime
