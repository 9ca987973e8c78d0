#include "registry/content_range.h"

#include <charconv>

namespace berth {

namespace {

std::optional<uint64_t> parse_number(std::string_view text) {
  uint64_t value = 0;
  if (text.empty()) return std::nullopt;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::optional<ContentRange> parse_content_range(std::string_view header) {
  while (!header.empty() && header.front() == ' ') header.remove_prefix(1);
  while (!header.empty() && header.back() == ' ') header.remove_suffix(1);
  if (!header.starts_with("bytes ")) return std::nullopt;
  header.remove_prefix(6);
  auto slash = header.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto range = header.substr(0, slash);
  auto size = header.substr(slash + 1);
  ContentRange result;
  if (size != "*") {
    result.size = parse_number(size);
    if (!result.size) return std::nullopt;
  }
  if (range == "*") return result.size ? std::optional(result) : std::nullopt;
  auto dash = range.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  result.first = parse_number(range.substr(0, dash));
  result.last = parse_number(range.substr(dash + 1));
  if (!result.first || !result.last || *result.last < *result.first) return std::nullopt;
  if (result.size && *result.last >= *result.size) return std::nullopt;
  return result;
}

}  // namespace berth
