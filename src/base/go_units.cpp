// go-units' size grammars (RAMInBytes, FromHumanSize), in base/ because
// the CLI checks flags with them and the engine turns a container's
// json-file max-size into bytes for its shim.
//
// Hand-written: a behaviour of go-units and Go's strconv (which inputs they
// take, the words of their errors); no C++ library reproduces it.
#include "base/go_units.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <string>

namespace berth {

namespace {

char to_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Go's %q for the printable ASCII these inputs are; other bytes as \xNN.
std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("\\x{:02x}", c);
    }
  }
  return out + "\"";
}

// strconv.ParseFloat for the decimal forms go-units hands it.
Result<double> parse_go_float(std::string_view text) {
  std::string_view digits = text;
  bool negative = false;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) {
    negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  double value = 0;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (digits.empty() || end != digits.data() + digits.size() || error == std::errc::invalid_argument)
    return fail("strconv.ParseFloat: parsing {}: invalid syntax", quoted(text));
  if (error == std::errc::result_out_of_range)
    return fail("strconv.ParseFloat: parsing {}: value out of range", quoted(text));
  return negative ? -value : value;
}

// go-units parseSize, shared by RAMInBytes (1024) and FromHumanSize (1000).
Result<int64_t> parse_size(std::string_view text, double unit) {
  const size_t separator = text.find_last_of("0123456789. ");
  if (separator == std::string_view::npos) return fail("invalid size: '{}'", text);
  std::string_view number = text.substr(0, text[separator] == ' ' ? separator : separator + 1);
  std::string_view suffix = text.substr(separator + 1);
  BERTH_ASSIGN(double size, parse_go_float(number));
  if (size < 0) return fail("invalid size: '{}'", text);
  if (!suffix.empty()) {
    if (suffix.size() > 3) return fail("invalid suffix: '{}'", suffix);
    std::string lower;
    for (char c : suffix) lower += to_lower(c);
    if (lower[0] != 'b') {
      const std::string_view prefixes = "kmgtp";
      const size_t power = prefixes.find(lower[0]);
      if (power == std::string_view::npos || (lower.size() == 2 && lower[1] != 'b') ||
          (lower.size() == 3 && lower.substr(1) != "ib"))
        return fail("invalid suffix: '{}'", lower);
      size *= std::pow(unit, static_cast<double>(power + 1));
    } else if (lower.size() > 1) {
      return fail("invalid suffix: '{}'", lower);
    }
  }
  // Go would wrap a float beyond int64 silently; refuse it instead.
  if (!std::isfinite(size) || size >= 9223372036854775807.0) return fail("invalid size: '{}'", text);
  return static_cast<int64_t>(size);
}

}  // namespace

Result<int64_t> ram_in_bytes(std::string_view text) { return parse_size(text, 1024.0); }
Result<int64_t> from_human_size(std::string_view text) { return parse_size(text, 1000.0); }

}  // namespace berth
