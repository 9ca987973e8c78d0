// The runtime-spec "features" document: what this runtime supports.
#pragma once

#include <nlohmann/json.hpp>

namespace berth::cli {

nlohmann::json runtime_features();

}  // namespace berth::cli
