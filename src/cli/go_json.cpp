#include "cli/go_json.h"

namespace berth::cli {

namespace {

// The dump is valid JSON, so '<', '>' and '&' only occur inside strings.
std::string escape_like_go(std::string text, bool escape_html) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (escape_html && c == '<') {
      out += "\\u003c";
    } else if (escape_html && c == '>') {
      out += "\\u003e";
    } else if (escape_html && c == '&') {
      out += "\\u0026";
    } else if (c == '\xe2' && i + 2 < text.size() && text[i + 1] == '\x80' &&
               (text[i + 2] == '\xa8' || text[i + 2] == '\xa9')) {
      out += text[i + 2] == '\xa8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string go_json_compact(const nlohmann::ordered_json& value, bool escape_html) {
  return escape_like_go(value.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace), escape_html);
}

std::string go_json_compact(const nlohmann::json& value, bool escape_html) {
  return escape_like_go(value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), escape_html);
}

std::string go_json_indent(const nlohmann::ordered_json& value, int indent, bool escape_html) {
  return escape_like_go(value.dump(indent, ' ', false, nlohmann::ordered_json::error_handler_t::replace), escape_html);
}

}  // namespace berth::cli
