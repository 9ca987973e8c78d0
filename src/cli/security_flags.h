// The security flags of `berth run/create` as docker reads them:
// --security-opt (the CLI's format check, a seccomp profile file inlined as
// compact JSON, systempaths=unconfined; then the daemon's known keys) and
// --cap-add/--cap-drop (normalised to CAP_X, ALL kept, add beating drop,
// unknown names refused).
#pragma once

#include <string>
#include <vector>

#include "base/result.h"

namespace berth::cli {

// Largest seccomp profile read; docker has no limit, but a FIFO or /dev/zero
// must not hang or exhaust memory.
inline constexpr size_t max_seccomp_profile_size = 16 * 1024 * 1024;

struct SecurityOptions {
  std::vector<std::string> options;      // for HostConfig.SecurityOpt; "seccomp=FILE" became "seccomp=<json>"
  bool unconfined_system_paths = false;  // systempaths=unconfined: MaskedPaths and ReadonlyPaths empty
};

// Errors in docker's words: `invalid --security-opt: "foo"` (no value),
// `invalid --security-opt 2: "foo=bar"` (unknown key or bad boolean),
// "opening seccomp profile (p.json) failed: …", "compacting json for seccomp profile (p.json) failed: …".
Result<SecurityOptions> parse_security_opts(const std::vector<std::string>& values);

// docker's EffectiveCapAddCapDrop: upper-cased, "CAP_" prefixed, sorted,
// deduplicated; ALL alone when given; a capability both added and dropped is
// not dropped. An unknown name fails: `unknown capability: "CAP_FOO"`.
struct Capabilities {
  std::vector<std::string> add, drop;
};
Result<Capabilities> effective_capabilities(const std::vector<std::string>& add, const std::vector<std::string>& drop);

}  // namespace berth::cli
