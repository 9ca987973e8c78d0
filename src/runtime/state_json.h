// The JSON documents the runtime-spec defines: the container state (for
// `state` and for hooks on stdin) and the seccomp listener's process state.
#pragma once

#include <string>

#include "oci/runtime_spec.h"
#include "runtime/container_state.h"

namespace berth::runtime {

inline constexpr std::string_view oci_version = "1.2.0";

// What hooks read on stdin; with `seccomp`, the listener's "ContainerProcessState".
std::string hook_state_json(const ContainerState& state, ContainerStatus status, const oci::Seccomp* seccomp = nullptr);

// What `berth-runtime state` prints: runc's shape (adds rootfs, created, owner).
nlohmann::json state_command_json(const ContainerState& state, ContainerStatus status);

}  // namespace berth::runtime
