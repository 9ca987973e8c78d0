// `berth history`: the fields of one history row, as docker's history
// formatter names and words them.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>

#include "engine/image_service.h"

namespace berth::cli {

struct HistoryDisplay {
  bool truncate = true;  // without --no-trunc: 12-hex ids, CREATED BY cut at 45 columns
  bool human = true;     // -H: "2 weeks ago" and "4.26MB"; otherwise RFC 3339 and bytes
};

// Keys: Comment, CreatedAt, CreatedBy, CreatedSince, ID, Size.
nlohmann::json history_row_fields(const HistoryEntry& entry, const HistoryDisplay& display, int64_t now_unix);
const nlohmann::json& history_headers();
std::string_view history_table_format(bool human);

}  // namespace berth::cli
