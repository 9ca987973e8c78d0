// go-units' size grammars, with the errors docker prints.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/result.h"

namespace berth {

// go-units RAMInBytes: binary units, case-insensitive, optional "b"/"ib"
// suffix and one space: "512m", "1.5g", "10 KiB", "100". Negative sizes and
// unknown suffixes fail ("invalid size: 'x'", "invalid suffix: 'zz'").
Result<int64_t> ram_in_bytes(std::string_view text);
// go-units FromHumanSize: the same grammar with decimal units ("10m" is
// 10,000,000), as the json-file log driver reads max-size.
Result<int64_t> from_human_size(std::string_view text);

}  // namespace berth
