#include "registry/registry_error.h"

#include <cctype>
#include <nlohmann/json.hpp>

#include "registry/url.h"

namespace berth {

namespace {

constexpr size_t kExcerptMax = 200;

// "MANIFEST_UNKNOWN" → "manifest unknown", for errors that carry a code only.
std::string humanize_code(std::string code) {
  for (char& c : code) c = c == '_' ? ' ' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return code;
}

// The start of a body that is not a registry error: control characters become
// '?', so that a binary or hostile body cannot break the one-line message.
std::string excerpt(std::string_view body) {
  auto start = body.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return {};
  body.remove_prefix(start);
  std::string text;
  for (char c : body.substr(0, kExcerptMax)) {
    unsigned char byte = static_cast<unsigned char>(c);
    text += (byte < 0x20 || byte == 0x7f) ? (c == '\n' || c == '\r' || c == '\t' ? ' ' : '?') : c;
  }
  while (!text.empty() && text.back() == ' ') text.pop_back();
  if (body.size() > kExcerptMax) text += "…";
  return text;
}

}  // namespace

std::string registry_error_detail(std::string_view body) {
  auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_object()) {
    auto errors = json.find("errors");
    if (errors != json.end() && errors->is_array()) {
      std::string joined;
      for (const auto& error : *errors) {
        if (!error.is_object()) continue;
        std::string text;
        if (auto message = error.find("message"); message != error.end() && message->is_string()) {
          text = message->get<std::string>();
        }
        if (text.empty()) {
          if (auto code = error.find("code"); code != error.end() && code->is_string())
            text = humanize_code(code->get<std::string>());
        }
        if (text.empty()) continue;
        if (!joined.empty()) joined += "; ";
        joined += text;
      }
      if (!joined.empty()) return excerpt(joined);
    }
    // Token servers answer {"details": "..."} or {"error": "...", "error_description": "..."}.
    for (const char* key : {"error_description", "details", "message", "error"}) {
      if (auto field = json.find(key);
          field != json.end() && field->is_string() && !field->get<std::string>().empty()) {
        return excerpt(field->get<std::string>());
      }
    }
  }
  return excerpt(body);
}

Error http_status_error(std::string_view method, const HttpResponse& response) {
  std::string detail = registry_error_detail(response.body);
  std::string message = fmt::format("{} {}: {}", method, url_without_query(response.url), response.status_line());
  if (!detail.empty()) message += ": " + detail;
  return Error{std::move(message)};
}

Error http_exchange_error(std::string_view method, std::string_view url, const HttpExchange& exchange) {
  return Error{fmt::format("{} {}: {}", method, url_without_query(url), exchange.error.message)};
}

}  // namespace berth
