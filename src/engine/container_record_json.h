// ContainerRecord ↔ the database row, and Docker's inspect document.
#pragma once

#include <nlohmann/json.hpp>

#include "engine/container_paths.h"
#include "engine/container_service.h"
#include "store/metadata_store.h"

namespace berth {

Result<ContainerRecord> record_from_row(const store::ContainerRow& row);
// Its parts: the columns as they are, and each stored JSON document parsed.
ContainerRecord record_basics_from_row(const store::ContainerRow& row);
Result<ContainerConfig> config_from_row(const store::ContainerRow& row);
Result<HostConfig> host_config_from_row(const store::ContainerRow& row);
Result<ContainerState> state_from_row(const store::ContainerRow& row);
store::ContainerRow row_from_record(const ContainerRecord& record);
// Docker's GET /containers/{id}/json shape (the fields berth knows).
nlohmann::ordered_json inspect_json(const ContainerRecord& record, const ContainerPaths& paths);
// "2026-11-23T07:00:00.123456789Z" of Unix nanoseconds; with `local_zone`,
// in the local zone ("…+01:00", or "Z" where it is UTC), as docker's
// events print.
std::string rfc3339_nano(int64_t unix_nano, bool local_zone = false);

}  // namespace berth
