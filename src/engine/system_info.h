// docker info's data, in the shape of the Engine API's GET /info (the
// fields berth can fill): counts of containers and images, and what the
// host and the engine are.
#pragma once

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "engine/container_service.h"
#include "engine/image_service.h"

namespace berth {

Result<nlohmann::ordered_json> system_info(ContainerService& containers, ImageService& images,
                                           const EngineOptions& options);

}  // namespace berth
