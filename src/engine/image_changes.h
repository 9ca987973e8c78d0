// `--change` instructions (import, and commit later): the Dockerfile
// instructions that edit an image's config without running anything.
#pragma once

#include <nlohmann/json.hpp>

#include <string_view>

#include "base/result.h"

namespace berth {

// Applies one instruction ("CMD [\"sh\"]", "ENV A=b", "EXPOSE 80/tcp", …) to
// the "config" object of an image config. Errors name the instruction.
Status apply_config_change(nlohmann::json& container_config, std::string_view instruction);

}  // namespace berth
