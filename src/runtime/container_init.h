// The container's first process, from clone to the exec fifo: it builds the
// container around itself (namespaces, rootfs, terminal, identity) while the
// runtime drives it step by step over the sync socket.
#pragma once

#include <string>
#include <vector>

#include "base/unique_fd.h"
#include "oci/runtime_spec.h"
#include "runtime/cgroup.h"
#include "runtime/container_state.h"
#include "runtime/namespaces.h"
#include "runtime/seccomp.h"

namespace berth::runtime {

struct InitContext {
  const oci::Spec* spec = nullptr;
  std::string id;
  std::string rootfs;          // absolute host path
  std::string bundle;          // absolute; relative bind sources resolve against it
  ContainerState state;        // for createContainer hooks; the pid arrives with `go`
  int sync_fd = -1;            // our end of the socketpair
  int fifo_fd = -1;            // O_PATH fd of the exec fifo; -1: wait for `start` on sync_fd
  int console_socket_fd = -1;  // connected --console-socket, or -1
  NamespacePlan* namespaces = nullptr;
  const SeccompProgram* seccomp = nullptr;  // compiled before clone
  const Cgroup* cgroup = nullptr;           // joined first thing (see Cgroup::join_self); null: already in it
  // The runtime still makes the cgroup's v1 directories (Cgroup::begin_create):
  // joined once they exist, at the last moment before they are needed.
  bool cgroup_pending = false;
  bool no_pivot = false;
  bool no_new_keyring = false;
  int preserve_fds = 0;
  bool awaits_go = true;        // see init_awaits_go
  UniqueFd start_confirmation;  // exec fifo writer, held until execve closes it
};

// Whether the init waits for the runtime's `go` before it sets up: only when
// the runtime has something to do to it first (write its id maps, move it
// into a cgroup it was not born in) or hooks of the init need its host pid,
// which comes with `go`. Otherwise the init sets its own oom score, and one
// exchange between two processes (often across CPUs) is saved.
bool init_awaits_go(const NamespacePlan& plan, bool born_in_cgroup, const oci::Spec& spec);

// Never returns: execs the container process or reports the error over
// sync_fd and exits 1.
[[noreturn]] void run_container_init(InitContext& context);

}  // namespace berth::runtime
