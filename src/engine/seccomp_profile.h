// Docker's seccomp profile format (`--security-opt seccomp=FILE`, and the
// default profile), parsed and resolved into the OCI linux.seccomp section
// of one container.
//
// A Docker profile is an OCI seccomp section with three additions: `archMap`
// (architectures by native arch), `name` beside `names`, and per-rule
// `includes`/`excludes` conditions on capabilities, architectures and kernel
// version. Resolution keeps the rules whose conditions hold for the container
// and picks the native arch's archMap entry, as moby does.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "engine/seccomp_context.h"
#include "oci/runtime_spec.h"

namespace berth {

// A rule's condition: every listed part must hold (includes) or any listed
// part excludes the rule (excludes). Empty parts do not take part.
struct SeccompCondition {
  std::vector<std::string> caps;    // "CAP_SYS_ADMIN"
  std::vector<std::string> arches;  // libseccomp-style native names: "amd64", "x86", "arm64", "s390x"
  std::optional<std::pair<unsigned, unsigned>> min_kernel;  // MAJOR.MINOR
};

struct SeccompProfileRule {
  oci::SeccompSyscall syscall;  // names, action, errnoRet, args
  SeccompCondition includes, excludes;
};

struct SeccompArchMapEntry {
  std::string architecture;  // SCMP_ARCH_X86_64
  std::vector<std::string> sub_architectures;
};

// A parsed and validated profile, not yet resolved for a container.
struct SeccompProfile {
  std::string default_action;
  std::optional<uint32_t> default_errno_ret;
  std::vector<std::string> architectures;
  std::vector<SeccompArchMapEntry> arch_map;
  std::vector<std::string> flags;
  std::string listener_path;
  std::string listener_metadata;
  std::vector<SeccompProfileRule> rules;
};

// Parses Docker's profile JSON. Rejects malformed JSON, wrong types and
// unknown actions, operators, architectures and flags; errors name the field:
// syscalls[3].action: unknown action "SCMP_ACT_FOO".
Result<SeccompProfile> parse_seccomp_profile(std::string_view json_text);

// The container's linux.seccomp: rules whose includes hold and whose excludes
// do not, architectures from the native arch's archMap entry (the arch and its
// subArchitectures) or the profile's own list.
Result<oci::Seccomp> resolve_seccomp_profile(const SeccompProfile& profile, const SeccompContext& context);

// parse_seccomp_profile + resolve_seccomp_profile.
Result<oci::Seccomp> seccomp_from_profile(std::string_view json_text, const SeccompContext& context);

}  // namespace berth
