// Lifecycle operations on an existing container: start, kill, delete,
// pause, resume, update, and what `state`, `list`, `ps` and `events` read.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "oci/runtime_spec.h"
#include "runtime/cgroup.h"
#include "runtime/container_state.h"

namespace berth::runtime {

struct Container {
  ContainerState state;
  ContainerStatus status;
};

Result<Container> load_container(const StateStore& store, const std::string& id);

// Releases the init from the exec fifo, then runs poststart hooks.
Status start_container(const StateStore& store, const std::string& id);

// Sends `signal` to the init, or to every process in the cgroup with `all`.
Status kill_container(const StateStore& store, const std::string& id, int signal, bool all);

// Removes a stopped (or created) container; `force` kills a running one first.
// Runs poststop hooks, removes the cgroup and the state. With
// `leave_cgroup_dirs`, the cgroup's directories, emptied, are left for the
// caller to remove later (remove_cgroup_directories) and listed there.
Status delete_container(const StateStore& store, const std::string& id, bool force,
                        std::vector<std::string>* leave_cgroup_dirs = nullptr);

Status pause_container(const StateStore& store, const std::string& id);
Status resume_container(const StateStore& store, const std::string& id);
Status update_container(const StateStore& store, const std::string& id, const oci::Resources& resources);

Result<std::unique_ptr<Cgroup>> container_cgroup(const ContainerState& state);

// Ends a container for good, whichever way it got here (delete, the end of
// `run`, a failed create): kills what is left of it and waits until its
// cgroup is empty, removes the cgroup and the state, then runs the poststop
// hooks when `spec` is given (a failing one is only a warning).
// `leave_cgroup_dirs` as delete_container's.
Status teardown_container(const StateStore& store, const ContainerState& state, Cgroup* cgroup, const oci::Spec* spec,
                          std::vector<std::string>* leave_cgroup_dirs = nullptr);
Result<std::vector<pid_t>> container_processes(const StateStore& store, const std::string& id);

// The container's config.json as it was at create time.
Result<oci::Spec> container_spec(const StateStore& store, const std::string& id);

// "KILL", "SIGKILL", "9" → 9; the error names the signal.
Result<int> parse_signal(const std::string& name);

}  // namespace berth::runtime
