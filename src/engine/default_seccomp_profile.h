// Docker's default seccomp profile, for containers started without
// `--security-opt seccomp=...`.
#pragma once

#include <optional>
#include <string_view>

#include "base/result.h"
#include "engine/container_config.h"
#include "engine/seccomp_context.h"
#include "oci/runtime_spec.h"

namespace berth {

// The profile as Docker profile JSON (what `seccomp=FILE` would take), e.g.
// to show it or to start a custom profile from it.
std::string_view default_seccomp_profile_json();

// The default profile resolved for one container.
Result<oci::Seccomp> default_seccomp(const SeccompContext& context);

// Parses the embedded profile now (once per process, ~0.2 ms), so that a
// later default_seccomp() only resolves it: for a thread with time to spare.
void warm_default_seccomp();

// The value of a --security-opt seccomp=… (or seccomp:…): "unconfined" or a
// profile's JSON; nullopt for another option.
std::optional<std::string_view> seccomp_security_opt(std::string_view option);

// Whether a container of this host config gets the default profile (not
// privileged, no seccomp=FILE|unconfined).
bool uses_default_seccomp(const HostConfig& host);

}  // namespace berth
