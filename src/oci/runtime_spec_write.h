// oci::Spec → config.json, the inverse of parse_spec: absent optionals and
// empty lists are left out, so parse_spec(spec_to_json(s)) gives s back.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "oci/runtime_spec.h"

namespace berth::oci {

nlohmann::ordered_json spec_to_json(const Spec& spec);
nlohmann::ordered_json process_to_json(const Process& process);

// Indented config.json text.
std::string write_spec(const Spec& spec);

}  // namespace berth::oci
