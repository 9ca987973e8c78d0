// The last steps of every container process, the init's and exec's alike:
// attributes, identity, no_new_privs, seccomp, fd hygiene, execve.
#pragma once

#include <string>

#include "base/result.h"
#include "base/unique_fd.h"
#include "oci/runtime_spec.h"
#include "runtime/seccomp.h"

namespace berth::runtime {

struct PreparedProcess {
  std::string executable;                   // args[0] resolved against the container's PATH
  const SeccompProgram* seccomp = nullptr;  // compiled by the runtime before clone; installed last
  UniqueFd seccomp_listener;                // set when the profile has notify rules (already installed)
  bool seccomp_installed = false;
};

// Runs inside the container's root (after pivot_root or setns into its mount
// namespace). Resolves the executable first so a typo fails `create`, not
// `start`; then rlimits, personality, io priority, scheduler, cwd, user and
// capabilities, no_new_privs. The seccomp filter is installed here when it
// must be (no no_new_privs: it needs CAP_SYS_ADMIN; notify rules: the
// listener must reach the runtime first), else last by launch_process.
Result<PreparedProcess> prepare_process(const oci::Process& process, const SeccompProgram* seccomp);

// Marks every fd above 2 + preserve_fds close-on-exec, clears the signal
// mask, installs the seccomp filter if still pending (last, so a strict
// profile need only allow the workload's own syscalls), and execs.
// Returns only on failure.
Error launch_process(const oci::Process& process, PreparedProcess& prepared, int preserve_fds);

}  // namespace berth::runtime
