// What Docker's seccomp profiles are resolved against: the container's
// capabilities, the machine's architecture and the kernel's version.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace berth {

struct SeccompContext {
  // The container's capability names ("CAP_SYS_ADMIN", ...). Docker matches
  // a rule's includes/excludes caps against the bounding set, which for
  // Docker's containers equals the effective set.
  std::vector<std::string> capabilities;
  // Go's name for the native architecture (GOARCH: "amd64", "arm64", "386", ...).
  std::string native_arch;
  // The kernel release as uname(2) reports it ("6.1.0-18-amd64"); only its
  // MAJOR.MINOR prefix matters.
  std::string kernel_version;
};

// Go's architecture name for a uname(2) machine ("x86_64" -> "amd64",
// "aarch64" -> "arm64"); empty when unknown.
std::string go_arch_from_machine(std::string_view machine);

// The context of this host (uname) for a container with these capabilities.
Result<SeccompContext> host_seccomp_context(std::vector<std::string> capabilities);

}  // namespace berth
