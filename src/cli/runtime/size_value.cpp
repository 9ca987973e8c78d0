#include "cli/runtime/size_value.h"

#include <cctype>
#include <cmath>
#include <limits>

namespace berth::cli {

Result<int64_t> parse_size(const std::string& text) {
  if (text == "-1") return -1;
  size_t digits = 0;
  while (digits < text.size() && (std::isdigit(static_cast<unsigned char>(text[digits])) || text[digits] == '.'))
    ++digits;
  if (digits == 0) return fail("invalid size: \"{}\"", text);
  double number = std::strtod(text.substr(0, digits).c_str(), nullptr);
  std::string unit;
  for (char c : text.substr(digits)) unit += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!unit.empty() && unit.back() == 'b') unit.pop_back();
  if (!unit.empty() && unit.back() == 'i') unit.pop_back();
  double multiplier = 1;
  if (unit == "k")
    multiplier = 1024.0;
  else if (unit == "m")
    multiplier = 1024.0 * 1024;
  else if (unit == "g")
    multiplier = 1024.0 * 1024 * 1024;
  else if (unit == "t")
    multiplier = 1024.0 * 1024 * 1024 * 1024;
  else if (unit == "p")
    multiplier = 1024.0 * 1024 * 1024 * 1024 * 1024;
  else if (!unit.empty())
    return fail("invalid size: \"{}\" (unknown unit)", text);
  double bytes = number * multiplier;
  if (!std::isfinite(bytes) || bytes > static_cast<double>(std::numeric_limits<int64_t>::max()))
    return fail("invalid size: \"{}\" is too large", text);
  return static_cast<int64_t>(bytes);
}

}  // namespace berth::cli
