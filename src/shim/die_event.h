// The "die" event the shim appends to the engine's event log when the
// container's init ends (the line format of engine/event_log.h: the Engine
// API's events message), so `berth events` hears of it with no engine
// process running.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "shim/exit_record.h"

namespace berth::shim {

// `labels_json`: JSON object members ("k":"v",…) spliced into the attributes
// as they are; the engine encoded them.
std::string format_die_event(std::string_view id, std::string_view name, std::string_view image,
                             std::string_view labels_json, const ExitRecord& record);

// One write with O_APPEND: lines of concurrent writers never interleave.
Status append_event_line(const std::string& path, std::string_view line);

}  // namespace berth::shim
