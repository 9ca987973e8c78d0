#include "base/go_duration.h"

#include <fmt/format.h>

namespace berth {

namespace {

// value / 10^digits with the fraction's trailing zeros dropped: (1500, 3) → "1.5".
std::string decimal(uint64_t value, int digits) {
  uint64_t scale = 1;
  for (int i = 0; i < digits; ++i) scale *= 10;
  std::string text = std::to_string(value / scale);
  uint64_t fraction = value % scale;
  if (fraction == 0) return text;
  std::string digits_text = fmt::format("{:0{}}", fraction, digits);
  digits_text.erase(digits_text.find_last_not_of('0') + 1);
  return text + "." + digits_text;
}

}  // namespace

std::string go_duration_text(int64_t nanoseconds) {
  if (nanoseconds == 0) return "0s";
  std::string sign = nanoseconds < 0 ? "-" : "";
  uint64_t value = nanoseconds < 0 ? uint64_t(-(nanoseconds + 1)) + 1 : uint64_t(nanoseconds);
  constexpr uint64_t second = 1'000'000'000, minute = 60 * second, hour = 60 * minute;
  if (value < 1000) return fmt::format("{}{}ns", sign, value);
  if (value < 1'000'000) return sign + decimal(value, 3) + "µs";
  if (value < second) return sign + decimal(value, 6) + "ms";
  std::string text = decimal(value % minute, 9) + "s";
  if (value >= minute) text = fmt::format("{}m", value % hour / minute) + text;
  if (value >= hour) text = fmt::format("{}h", value / hour) + text;
  return sign + text;
}

}  // namespace berth
