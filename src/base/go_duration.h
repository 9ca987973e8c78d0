// Durations as Go's time.Duration.String() prints them, which docker's
// messages and tables show: "500ms", "1.5s", "1m30s", "2h0m0s".
#pragma once

#include <cstdint>
#include <string>

namespace berth {

std::string go_duration_text(int64_t nanoseconds);

}  // namespace berth
