// OCI lifecycle hooks: each runs with the container state JSON on stdin,
// its own args and env, and an optional timeout after which it is killed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "oci/runtime_spec.h"

namespace berth::runtime {

// Runs the hooks in order and stops at the first failure; the error names the
// stage ("prestart"), the hook path, and its exit status or the timeout.
Status run_hooks(const std::vector<oci::Hook>& hooks, std::string_view stage, const std::string& state_json);

// The prestart and createRuntime hooks, which the runtime runs while the
// init waits between mounting the rootfs and entering it. Without any, the
// two skip that exchange (a round trip between processes, often across CPUs).
inline bool has_runtime_create_hooks(const oci::Hooks& hooks) {
  return !hooks.prestart.empty() || !hooks.create_runtime.empty();
}

// For poststart and poststop, whose failure the spec says is logged and
// otherwise ignored: runs them and prints a warning on stderr if one fails.
void run_hooks_or_warn(const std::vector<oci::Hook>& hooks, std::string_view stage, const std::string& state_json);

}  // namespace berth::runtime
