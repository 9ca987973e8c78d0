// A volume as Docker's API shows it (types/volume.Volume): what
// `volume inspect` prints and the API server will return.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "volume/volume_service.h"

namespace berth::volume {

// Go's time.Format(time.RFC3339) in the local time zone:
// "2024-01-02T03:04:05+01:00", "…Z" when the offset is zero.
std::string rfc3339_local(int64_t unix_seconds);

// CreatedAt, Driver, Labels, Mountpoint, Name, Options, Scope, in that order.
nlohmann::ordered_json volume_json(const Volume& volume);

}  // namespace berth::volume
