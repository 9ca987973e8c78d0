// JSON text as docker's Go code writes it, so scripts that compare or grep
// docker's output keep working: encoding/json escapes '<', '>' and '&' (and
// U+2028/U+2029) unless HTML escaping is turned off, replaces invalid UTF-8
// with U+FFFD, and json.Indent/MarshalIndent indent as nlohmann's dump does.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace berth::cli {

// One line, no spaces ("{"a":1}"), as json.Marshal / Encoder.Encode write it.
std::string go_json_compact(const nlohmann::ordered_json& value, bool escape_html);
std::string go_json_compact(const nlohmann::json& value, bool escape_html);
// Indented by `indent` spaces per level, as json.MarshalIndent(v, "", "    ").
std::string go_json_indent(const nlohmann::ordered_json& value, int indent, bool escape_html);

}  // namespace berth::cli
