// Byte sizes as runc and docker write them on the command line: "64m", "1g", "512".
#pragma once

#include <cstdint>
#include <string>

#include "base/result.h"

namespace berth::cli {

// Binary units (k = 1024); "-1" stays -1 (unlimited).
Result<int64_t> parse_size(const std::string& text);

}  // namespace berth::cli
