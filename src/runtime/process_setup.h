// Process attributes the container's init applies to itself before execve.
#pragma once

#include <sys/types.h>

#include <array>
#include <string>
#include <vector>

#include "base/result.h"
#include "oci/runtime_spec.h"

namespace berth::runtime {

// setrlimit for each; an error names the limit and, when the hard limit is
// above what this process may raise to, says so with the current hard limit.
Status apply_rlimits(const std::vector<oci::Rlimit>& rlimits);

// Maps "RLIMIT_NOFILE" to its resource number; an unknown name is an error.
Result<int> rlimit_resource(const std::string& name);

Status apply_oom_score_adj(pid_t pid, int score);  // /proc/PID/oom_score_adj; pid 0: self
Status apply_io_priority(const oci::IoPriority& priority);
Status apply_scheduler(const oci::Scheduler& scheduler);
Status apply_personality(const oci::Personality& personality);  // flags: error, as runc

// Switches to process.user and sets all five capability sets, in the order
// that keeps the needed capabilities across setuid: drop the bounding set,
// PR_SET_KEEPCAPS, setgroups/setgid/setuid, capset, raise ambient. The
// inheritable set stays empty unless the spec names capabilities for it.
// process.user.umask is applied too. Absent process.capabilities leaves the
// capabilities to the kernel's setuid rules (root keeps all). Capability
// names newer than the running kernel (above cap_last_cap) are skipped;
// ambient ones not also permitted and inheritable are skipped, as runc does.
Status apply_user_and_capabilities(const oci::Process& process);

// Maps "CAP_SYS_ADMIN" to its number; an unknown name is an error naming it.
Result<int> capability_number(const std::string& name);

// Every capability this runtime knows, indexed by number.
extern const std::array<std::string_view, 41> kCapabilityNames;

}  // namespace berth::runtime
