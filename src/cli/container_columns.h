// The columns docker prints for a container, shared by `ps` and
// `system df -v`: one row object with docker's field names (.ID, .Status, …).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "engine/container_service.h"

namespace berth::cli {

struct ContainerSizes {
  uint64_t rw = 0;       // what the container wrote (SizeRw)
  uint64_t root_fs = 0;  // that plus its image (SizeRootFs)
};

// One container's row: ID, Image, Command, CreatedAt, RunningFor, Status,
// State, Ports, Names, Labels, Mounts, Networks, LocalVolumes, and Size when
// the sizes were measured.
nlohmann::json container_row(const ContainerRecord& record, int64_t now, bool no_trunc,
                             const std::optional<ContainerSizes>& sizes);

}  // namespace berth::cli
