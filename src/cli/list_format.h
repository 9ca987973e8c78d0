// docker's --format for list output (images, history, system df): "table"
// (the default columns), "json" (one object per line, keys sorted, HTML
// escaped as encoding/json does), "table TEMPLATE" (aligned, with a header
// row) or a bare TEMPLATE (one line per row, no alignment). Templates are the
// path subset of template_path.h; "\t" and "\n" typed literally are turned
// into tab and newline, as docker does.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace berth::cli {

struct ListFormat {
  std::string_view default_table;  // e.g. "table {{.Repository}}\t{{.Tag}}"
  const nlohmann::json* headers;   // field → column header ("ID" → "IMAGE ID")
};

// The whole output, rows in order. Rows are JSON objects of strings.
Result<std::string> render_list(std::string_view format, const ListFormat& list,
                                const std::vector<nlohmann::json>& rows);

// What docker accepts as a format: the error docker would give for a broken template, or nothing.
Status check_list_format(std::string_view format);

}  // namespace berth::cli
