// linux.seccomp back to config.json form: the inverse of the parser in
// runtime_spec_parse.cpp, for the engine when it writes a container's spec.
#pragma once

#include <nlohmann/json.hpp>

#include "oci/runtime_spec.h"

namespace berth::oci {

// Empty lists and strings and absent errno values are left out, as the
// runtime-spec's Go types (omitempty) write them.
nlohmann::json seccomp_to_json(const Seccomp& seccomp);

}  // namespace berth::oci
