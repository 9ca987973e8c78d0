#include "cli/flag_values.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <signal.h>
#include <string.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ctime>
#include <limits>
#include <tuple>

namespace berth::cli {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
char to_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::unexpected<Error> num_error(std::string_view function, std::string_view text, std::string_view why) {
  return fail("strconv.{}: parsing {}: {}", function, go_quote(text), why);
}

// strconv's digit loop with base 0 (prefixes 0x, 0o, 0b, and 0 for octal).
Result<uint64_t> parse_unsigned(std::string_view text, std::string_view original, int bits, std::string_view function) {
  if (text.empty()) return num_error(function, original, "invalid syntax");
  unsigned base = 10;
  if (text[0] == '0') {
    const char second = text.size() >= 3 ? to_lower(text[1]) : 0;
    base = second == 'b' ? 2 : second == 'o' ? 8 : second == 'x' ? 16 : 8;
    text.remove_prefix(second == 'b' || second == 'o' || second == 'x' ? 2 : 1);
  }
  const uint64_t max_value = bits >= 64 ? std::numeric_limits<uint64_t>::max() : (uint64_t{1} << bits) - 1;
  uint64_t value = 0;
  for (char c : text) {
    unsigned digit = 0;
    if (is_digit(c))
      digit = static_cast<unsigned>(c - '0');
    else if (to_lower(c) >= 'a' && to_lower(c) <= 'z')
      digit = static_cast<unsigned>(to_lower(c) - 'a' + 10);
    else
      return num_error(function, original, "invalid syntax");
    if (digit >= base) return num_error(function, original, "invalid syntax");
    if (value > (max_value - digit) / base) return num_error(function, original, "value out of range");
    value = value * base + digit;
  }
  return value;
}

// strconv.ParseInt(text, 10, 64) (and Atoi): decimal with an optional sign.
Result<int64_t> parse_decimal(std::string_view text, std::string_view function) {
  std::string_view digits = text;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) digits.remove_prefix(1);
  if (digits.empty()) return num_error(function, text, "invalid syntax");
  for (char c : digits)
    if (!is_digit(c)) return num_error(function, text, "invalid syntax");
  int64_t value = 0;
  const char* begin = text.data() + (text[0] == '+' ? 1 : 0);
  auto [end, error] = std::from_chars(begin, text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return num_error(function, text, "value out of range");
  return value;
}

// Go's time units, in nanoseconds.
std::optional<uint64_t> duration_unit(std::string_view unit) {
  if (unit == "ns") return 1;
  if (unit == "us" || unit == "\xc2\xb5s" || unit == "\xce\xbcs") return 1'000;
  if (unit == "ms") return 1'000'000;
  if (unit == "s") return 1'000'000'000;
  if (unit == "m") return 60'000'000'000;
  if (unit == "h") return 3'600'000'000'000;
  return std::nullopt;
}

// Decodes one UTF-8 sequence at text[at]; 0 when invalid.
size_t utf8_length(std::string_view text, size_t at, uint32_t& rune) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(at);
  size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xe ? 3 : (lead >> 3) == 0x1e ? 4 : 0;
  if (length == 0 || at + length > text.size()) return 0;
  rune = length == 1 ? lead : lead & (0x7f >> length);
  for (size_t i = 1; i < length; ++i) {
    if ((byte(at + i) & 0xc0) != 0x80) return 0;
    rune = (rune << 6) | (byte(at + i) & 0x3f);
  }
  static constexpr uint32_t minimum[] = {0, 0, 0x80, 0x800, 0x10000};
  if (rune < minimum[length] || rune > 0x10ffff || (rune >= 0xd800 && rune <= 0xdfff)) return 0;
  return length;
}

}  // namespace


Result<int64_t> parse_go_duration(std::string_view text) {
  constexpr uint64_t limit = uint64_t{1} << 63;
  auto invalid = [&] { return fail("time: invalid duration {}", go_quote(text)); };
  std::string_view rest = text;
  bool negative = false;
  if (!rest.empty() && (rest[0] == '-' || rest[0] == '+')) {
    negative = rest[0] == '-';
    rest.remove_prefix(1);
  }
  if (rest == "0") return 0;
  if (rest.empty()) return invalid();
  uint64_t total = 0;
  while (!rest.empty()) {
    if (rest[0] != '.' && !is_digit(rest[0])) return invalid();
    uint64_t whole = 0;
    size_t at = 0;
    for (; at < rest.size() && is_digit(rest[at]); ++at) {
      if (whole > (limit - 1) / 10) return invalid();
      whole = whole * 10 + static_cast<uint64_t>(rest[at] - '0');
      if (whole > limit) return invalid();
    }
    const bool had_whole = at > 0;
    rest.remove_prefix(at);
    uint64_t fraction = 0;
    double scale = 1;
    bool had_fraction = false;
    if (!rest.empty() && rest[0] == '.') {
      rest.remove_prefix(1);
      bool overflow = false;
      for (at = 0; at < rest.size() && is_digit(rest[at]); ++at) {
        if (overflow || fraction > (limit - 1) / 10) {
          overflow = true;  // digits past int64 precision are dropped, as Go does
          continue;
        }
        fraction = fraction * 10 + static_cast<uint64_t>(rest[at] - '0');
        scale *= 10;
      }
      had_fraction = at > 0;
      rest.remove_prefix(at);
    }
    if (!had_whole && !had_fraction) return invalid();
    for (at = 0; at < rest.size() && rest[at] != '.' && !is_digit(rest[at]);) ++at;
    if (at == 0) return fail("time: missing unit in duration {}", go_quote(text));
    const std::string_view unit_name = rest.substr(0, at);
    rest.remove_prefix(at);
    const std::optional<uint64_t> unit = duration_unit(unit_name);
    if (!unit) return fail("time: unknown unit {} in duration {}", go_quote(unit_name), go_quote(text));
    if (whole > limit / *unit) return invalid();
    uint64_t value = whole * *unit;
    if (fraction > 0) {
      value += static_cast<uint64_t>(static_cast<double>(fraction) * (static_cast<double>(*unit) / scale));
      if (value > limit) return invalid();
    }
    total += value;
    if (total > limit) return invalid();
  }
  if (negative) return total == limit ? std::numeric_limits<int64_t>::min() : -static_cast<int64_t>(total);
  if (total > limit - 1) return invalid();
  return static_cast<int64_t>(total);
}

Result<int64_t> parse_go_int(std::string_view text, int bits) {
  std::string_view digits = text;
  bool negative = false;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) {
    negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  BERTH_ASSIGN(uint64_t magnitude, parse_unsigned(digits, text, 64, "ParseInt"));
  const uint64_t cutoff = uint64_t{1} << (bits - 1);
  if ((!negative && magnitude >= cutoff) || (negative && magnitude > cutoff))
    return num_error("ParseInt", text, "value out of range");
  if (negative)
    return magnitude == (uint64_t{1} << 63) ? std::numeric_limits<int64_t>::min() : -static_cast<int64_t>(magnitude);
  return static_cast<int64_t>(magnitude);
}

Result<uint64_t> parse_go_uint(std::string_view text, int bits) {
  return parse_unsigned(text, text, bits, "ParseUint");
}

Result<int64_t> parse_go_atoi(std::string_view text) { return parse_decimal(text, "Atoi"); }

Result<bool> parse_go_bool(std::string_view text) {
  for (std::string_view yes : {"1", "t", "T", "TRUE", "true", "True"})
    if (text == yes) return true;
  for (std::string_view no : {"0", "f", "F", "FALSE", "false", "False"})
    if (text == no) return false;
  return num_error("ParseBool", text, "invalid syntax");
}

Result<int64_t> parse_nano_cpus(std::string_view text) {
  auto not_rational = [&] { return fail("failed to parse {} as a rational number", text); };
  constexpr __int128 int64_max = std::numeric_limits<int64_t>::max();
  auto saturate = [&](__int128 value) -> int64_t {
    if (value > int64_max) return std::numeric_limits<int64_t>::max();
    if (value < -int64_max) return std::numeric_limits<int64_t>::min();
    return static_cast<int64_t>(value);
  };
  std::string_view rest = text;
  bool negative = false;
  if (!rest.empty() && (rest[0] == '+' || rest[0] == '-')) {
    negative = rest[0] == '-';
    rest.remove_prefix(1);
  }
  if (const size_t slash = rest.find('/'); slash != std::string_view::npos) {  // "3/2"
    auto numerator = parse_go_uint(rest.substr(0, slash));
    auto denominator = parse_go_uint(rest.substr(slash + 1));
    if (!numerator || !denominator || *denominator == 0) return not_rational();
    const __int128 scaled = static_cast<__int128>(*numerator) * 1'000'000'000;
    if (scaled % *denominator != 0) return fail("value is too precise");
    const __int128 nano = scaled / *denominator;
    return saturate(negative ? -nano : nano);
  }
  // Decimal with an optional exponent: digits are kept as a string, so that
  // precision is judged exactly, not through a double.
  std::string mantissa;
  int64_t exponent = 0;
  size_t at = 0;
  bool any_digit = false;
  for (; at < rest.size() && is_digit(rest[at]); ++at, any_digit = true) mantissa += rest[at];
  if (at < rest.size() && rest[at] == '.') {
    for (++at; at < rest.size() && is_digit(rest[at]); ++at, any_digit = true) {
      mantissa += rest[at];
      --exponent;
    }
  }
  if (!any_digit) return not_rational();
  if (at < rest.size() && (rest[at] == 'e' || rest[at] == 'E')) {
    auto power = parse_go_atoi(rest.substr(at + 1));
    if (!power || *power > 1'000'000 || *power < -1'000'000) return not_rational();
    exponent += *power;
    at = rest.size();
  }
  if (at != rest.size()) return not_rational();
  mantissa.erase(0, std::min(mantissa.find_first_not_of('0'), mantissa.size()));
  if (mantissa.empty()) return 0;
  while (mantissa.back() == '0') {
    mantissa.pop_back();
    ++exponent;
  }
  exponent += 9;  // nano
  if (exponent < 0) return fail("value is too precise");
  if (mantissa.size() + static_cast<size_t>(exponent) > 19)  // beyond int64 in any case
    return negative ? std::numeric_limits<int64_t>::min() : std::numeric_limits<int64_t>::max();
  __int128 nano = 0;
  for (char c : mantissa) nano = nano * 10 + (c - '0');
  for (int64_t i = 0; i < exponent; ++i) nano *= 10;
  return saturate(negative ? -nano : nano);
}

// go_quote: one definition, in go_print.cpp (strconv.Quote).


std::optional<std::string> canonical_ip(std::string_view text) {
  const std::string address(text);
  if (address.find('\0') != std::string::npos) return std::nullopt;
  unsigned char bytes[16];
  char buffer[INET6_ADDRSTRLEN];
  for (int family : {AF_INET, AF_INET6})
    if (inet_pton(family, address.c_str(), bytes) == 1 && inet_ntop(family, bytes, buffer, sizeof buffer))
      return std::string(buffer);
  return std::nullopt;
}

Result<std::vector<std::string>> read_csv_record(std::string_view text) {
  int line = 1;
  size_t at = 0;
  // encoding/csv skips empty lines before a record.
  while (at < text.size() && (text[at] == '\n' || (text[at] == '\r' && at + 1 < text.size() && text[at + 1] == '\n'))) {
    at += text[at] == '\r' ? 2 : 1;
    ++line;
  }
  if (at >= text.size()) return fail("EOF");
  size_t line_start = at;
  const int start_line = line;
  auto parse_error = [&](size_t position, std::string_view why) {
    const size_t column = position - line_start + 1;
    if (start_line != line)
      return fail("record on line {}; parse error on line {}, column {}: {}", start_line, line, column, why);
    return fail("parse error on line {}, column {}: {}", line, column, why);
  };
  auto at_record_end = [&](size_t i) {
    return i >= text.size() || text[i] == '\n' || (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ||
           (text[i] == '\r' && i + 1 == text.size());
  };
  std::vector<std::string> fields;
  while (true) {
    if (at >= text.size() || text[at] != '"') {  // unquoted field
      size_t end = at;
      while (!at_record_end(end) && text[end] != ',') {
        if (text[end] == '"') return parse_error(end, "bare \" in non-quoted-field");
        ++end;
      }
      fields.emplace_back(text.substr(at, end - at));
      if (at_record_end(end)) return fields;
      at = end + 1;
      continue;
    }
    std::string field;  // quoted: may span lines, "" is a quote
    ++at;
    while (true) {
      const size_t quote = text.find('"', at);
      if (quote == std::string_view::npos) return parse_error(text.size(), "extraneous or missing \" in quoted-field");
      for (size_t i = at; i < quote; ++i)
        if (text[i] == '\n') {
          ++line;
          line_start = i + 1;
        }
      field += text.substr(at, quote - at);
      at = quote + 1;
      if (at < text.size() && text[at] == '"') {
        field += '"';
        ++at;
        continue;
      }
      break;
    }
    fields.push_back(std::move(field));
    if (at_record_end(at)) return fields;
    if (text[at] != ',') return parse_error(at, "extraneous or missing \" in quoted-field");
    ++at;
  }
}

Result<Ulimit> parse_ulimit(std::string_view text) {
  static constexpr std::string_view names[] = {"core",    "cpu",      "data",   "fsize",      "locks",
                                               "memlock", "msgqueue", "nice",   "nofile",     "nproc",
                                               "rss",     "rtprio",   "rttime", "sigpending", "stack"};
  const size_t equals = text.find('=');
  if (equals == std::string_view::npos) return fail("invalid ulimit argument: {}", text);
  const std::string_view name = text.substr(0, equals);
  if (std::find(std::begin(names), std::end(names), name) == std::end(names))
    return fail("invalid ulimit type: {}", name);
  const std::string_view limits = text.substr(equals + 1);
  const size_t colon = limits.find(':');
  if (colon != std::string_view::npos && limits.find(':', colon + 1) != std::string_view::npos)
    return fail("too many limit value arguments - {}, can only have up to two, `soft[:hard]`", limits);
  auto parse_limit = [](std::string_view value) { return parse_decimal(value, "ParseInt"); };
  BERTH_ASSIGN(int64_t soft, parse_limit(limits.substr(0, colon)));
  int64_t hard = soft;
  if (colon != std::string_view::npos) {
    BERTH_ASSIGN(hard, parse_limit(limits.substr(colon + 1)));
  }
  if (hard != -1 && soft > hard)
    return fail("ulimit soft limit must be less than or equal to hard limit: {} > {}", soft, hard);
  return Ulimit{.name = std::string(name), .hard = hard, .soft = soft};
}

Result<int> parse_signal_name(std::string_view text) {
  auto invalid = [&] { return fail("Invalid signal: {}", text); };
  if (auto number = parse_go_atoi(text)) {
    if (*number <= 0 || *number > SIGRTMAX) return invalid();
    return static_cast<int>(*number);
  }
  std::string name;
  for (char c : text) name += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  if (name.starts_with("SIG")) name.erase(0, 3);
  if (name.empty()) return invalid();
  if (name == "CLD") return SIGCHLD;
  if (name == "POLL") return SIGIO;
  if (name == "IOT") return SIGABRT;
  for (int signal_number = 1; signal_number < SIGRTMIN; ++signal_number)
    if (const char* abbreviation = sigabbrev_np(signal_number); abbreviation && name == abbreviation)
      return signal_number;
  // RTMIN, RTMIN+n, RTMAX, RTMAX-n, as Go's signal table names them (n 1..14/15).
  for (auto [prefix, base, direction] : {std::tuple{"RTMIN", SIGRTMIN, 1}, std::tuple{"RTMAX", SIGRTMAX, -1}}) {
    const std::string_view prefix_view(prefix);
    if (!std::string_view(name).starts_with(prefix_view)) continue;
    const std::string_view offset = std::string_view(name).substr(prefix_view.size());
    if (offset.empty()) return base;
    if (offset[0] != (direction > 0 ? '+' : '-')) return invalid();
    auto count = parse_go_atoi(offset.substr(1));
    if (!count || *count < 1 || *count > 15 || offset[1] == '+' || offset[1] == '-') return invalid();
    return base + direction * static_cast<int>(*count);
  }
  return invalid();
}

bool valid_cpuset(std::string_view text) {
  if (text.empty()) return true;
  size_t start = 0;
  while (true) {
    const size_t comma = text.find(',', start);
    const std::string_view part =
        text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    const size_t dash = part.find('-');
    auto number = [](std::string_view digits) -> std::optional<uint64_t> {
      if (digits.empty() || digits.size() > 9) return std::nullopt;
      uint64_t value = 0;
      for (char c : digits) {
        if (!is_digit(c)) return std::nullopt;
        value = value * 10 + static_cast<uint64_t>(c - '0');
      }
      return value;
    };
    if (dash == std::string_view::npos) {
      if (!number(part)) return false;
    } else {
      auto low = number(part.substr(0, dash)), high = number(part.substr(dash + 1));
      if (!low || !high || *high < *low) return false;
    }
    if (comma == std::string_view::npos) return true;
    start = comma + 1;
  }
}

bool valid_utf8(std::string_view text) {
  for (size_t at = 0; at < text.size();) {
    uint32_t rune = 0;
    const size_t length = utf8_length(text, at, rune);
    if (length == 0) return false;
    at += length;
  }
  return true;
}

std::string clean_path(std::string_view path) {
  const bool rooted = path.starts_with('/');
  std::vector<std::string_view> parts;
  size_t at = 0;
  while (at <= path.size()) {
    size_t end = path.find('/', at);
    if (end == std::string_view::npos) end = path.size();
    std::string_view part = path.substr(at, end - at);
    if (part == "..") {
      if (!parts.empty() && parts.back() != "..")
        parts.pop_back();
      else if (!rooted)
        parts.push_back(part);
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    at = end + 1;
  }
  std::string out = rooted ? "/" : "";
  for (size_t i = 0; i < parts.size(); ++i) out += std::string(parts[i]) + (i + 1 < parts.size() ? "/" : "");
  return out.empty() ? "." : out;
}

// opts.ParseRestartPolicy, then the daemon's ValidateRestartPolicy.
Result<RestartPolicy> parse_restart_policy(const std::string& text) {
  RestartPolicy policy;
  if (!text.empty()) {
    const size_t colon = text.find(':');
    policy.name = text.substr(0, colon);
    if (colon != std::string::npos && policy.name.empty())
      return fail("invalid restart policy format: no policy provided before colon");
    const std::string count = colon == std::string::npos ? "" : text.substr(colon + 1);
    if (!count.empty()) {
      auto parsed = parse_go_atoi(count);
      if (!parsed || *parsed > std::numeric_limits<int>::max() || *parsed < std::numeric_limits<int>::min())
        return fail("invalid restart policy format: maximum retry count must be an integer");
      policy.maximum_retry_count = static_cast<int>(*parsed);
    }
  }
  if (policy.name == "always" || policy.name == "unless-stopped" || policy.name == "no") {
    if (policy.maximum_retry_count != 0)
      return fail("invalid restart policy: maximum retry count can only be used with 'on-failure'{}",
                  policy.maximum_retry_count < 0 ? " and cannot be negative" : "");
  } else if (policy.name == "on-failure") {
    if (policy.maximum_retry_count < 0)
      return fail("invalid restart policy: maximum retry count cannot be negative");
  } else if (!policy.name.empty()) {
    return fail(
        "invalid restart policy: unknown policy '{}'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'",
        policy.name);
  }
  return policy;
}

Result<int64_t> parse_timestamp(std::string_view text, int64_t now_nano) {
  if (text != "0") {
    if (auto duration = parse_go_duration(text)) return now_nano - *duration;
  }
  std::string value(text);
  auto invalid = [&] { return fail("failed to parse value as time or duration: {}", go_quote(text)); };
  if (value.find('-') != std::string::npos && value.size() >= 10) {
    tm parts{};
    const char* rest = ::strptime(value.c_str(), "%Y-%m-%d", &parts);
    if (!rest) return invalid();
    int64_t nanos = 0;
    if (*rest == 'T') {
      rest = ::strptime(rest + 1, "%H:%M", &parts);
      if (!rest) return invalid();
      if (*rest == ':') {
        rest = ::strptime(rest + 1, "%S", &parts);
        if (!rest) return invalid();
      }
      if (*rest == '.') {
        int64_t scale = 100'000'000;
        for (++rest; *rest >= '0' && *rest <= '9'; ++rest, scale /= 10) nanos += (*rest - '0') * scale;
      }
    }
    std::string_view zone(rest);
    int64_t seconds = 0;
    if (zone.empty()) {
      parts.tm_isdst = -1;
      seconds = ::mktime(&parts);  // no zone: the local one, as docker
    } else if (zone == "Z") {
      seconds = ::timegm(&parts);
    } else if ((zone[0] == '+' || zone[0] == '-') && zone.size() == 6 && zone[3] == ':') {
      int hours = 0, minutes = 0;
      std::from_chars(zone.data() + 1, zone.data() + 3, hours);
      std::from_chars(zone.data() + 4, zone.data() + 6, minutes);
      int offset = (hours * 60 + minutes) * 60 * (zone[0] == '-' ? -1 : 1);
      seconds = ::timegm(&parts) - offset;
    } else {
      return invalid();
    }
    return seconds * 1'000'000'000 + nanos;
  }
  char* end = nullptr;
  double seconds = std::strtod(value.c_str(), &end);
  if (value.empty() || end != value.c_str() + value.size() || !std::isfinite(seconds) || seconds < 0 ||
      seconds > 9e9)
    return invalid();
  return static_cast<int64_t>(seconds * 1e9);
}

}  // namespace berth::cli
