// docker's --format for list output (images, history, system df): "table"
// (the default columns), "json" (one object per line, keys sorted, HTML
// escaped as encoding/json does), "table TEMPLATE" (aligned, with a header
// row) or a bare TEMPLATE (one line per row, no alignment). Templates are Go
// templates (go_template.h); "\t" and "\n" typed literally are turned into
// tab and newline, as docker does. Tables are aligned as docker's
// tabwriter.NewWriter(out, 10, 1, 3, ' ', 0) aligns them (table_writer.h).
//
// Any list command (images, history, ps, volume ls, ...) renders with
//   render_list(format_flag, {default_table_format, &headers}, rows)
// where rows are JSON objects of the command's fields and headers maps each
// field to its column title ("ID" -> "IMAGE ID"); check_list_format rejects a
// malformed --format before any work is done.
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
