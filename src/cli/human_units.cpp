#include "cli/human_units.h"

#include <fmt/format.h>

#include <array>
#include <cstdio>
#include <ctime>

#include "base/go_duration.h"

namespace berth::cli {

namespace {

// go-units' getSizeAndUnit then printf("%.*g%s"): Go's %g with an explicit
// precision behaves as C's (same rounding, "1e+03" exponents, trailing
// zeros dropped).
template <size_t N>
std::string scaled_size(double size, double base, const std::array<const char*, N>& units, int precision) {
  size_t unit = 0;
  while (size >= base && unit + 1 < units.size()) {
    size /= base;
    ++unit;
  }
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*g%s", precision, size, units[unit]);
  return buffer;
}

constexpr std::array<const char*, 9> kDecimalUnits = {"B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"};
constexpr std::array<const char*, 9> kBinaryUnits = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"};

}  // namespace

std::string human_size_with_precision(double size, int precision) {
  return scaled_size(size, 1000.0, kDecimalUnits, precision);
}

std::string human_size(double size) { return human_size_with_precision(size, 4); }

std::string binary_size(double size) { return scaled_size(size, 1024.0, kBinaryUnits, 4); }

std::string human_duration(std::chrono::nanoseconds duration) {
  using namespace std::chrono;
  const int64_t ns = duration.count();
  const int64_t seconds = ns / 1'000'000'000;
  if (seconds < 1) return "Less than a second";
  if (seconds == 1) return "1 second";
  if (seconds < 60) return fmt::format("{} seconds", seconds);
  const int64_t minutes = ns / 60'000'000'000;
  if (minutes == 1) return "About a minute";
  if (minutes < 60) return fmt::format("{} minutes", minutes);
  // Go: d.Round(time.Hour), halfway values away from zero.
  constexpr int64_t hour = 3'600'000'000'000;
  const int64_t remainder = ns % hour;
  const int64_t rounded = remainder + remainder < hour ? ns - remainder : ns + (hour - remainder);
  const int64_t hours = rounded / hour;
  if (hours == 1) return "About an hour";
  if (hours < 48) return fmt::format("{} hours", hours);
  if (hours < 24 * 7 * 2) return fmt::format("{} days", hours / 24);
  if (hours < 24 * 30 * 2) return fmt::format("{} weeks", hours / 24 / 7);
  if (hours < 24 * 365 * 2) return fmt::format("{} months", hours / 24 / 30);
  return fmt::format("{} years", ns / hour / 24 / 365);
}

std::string created_since(int64_t created_unix, int64_t now_unix) {
  return human_duration(std::chrono::seconds(now_unix - created_unix)) + " ago";
}

std::string go_duration_string(int64_t seconds) { return go_duration_text(seconds * 1'000'000'000); }

std::string go_time_string(int64_t unix_seconds) {
  std::time_t time = unix_seconds;
  std::tm local{};
  if (!::localtime_r(&time, &local)) return std::to_string(unix_seconds);
  char buffer[96];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S %z %Z", &local);
  return buffer;
}

std::string rfc3339_utc(int64_t unix_seconds) {
  std::time_t time = unix_seconds;
  std::tm utc{};
  if (!::gmtime_r(&time, &utc)) return std::to_string(unix_seconds);
  char buffer[64];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

std::string truncate_id(std::string_view id) {
  if (auto colon = id.find(':'); colon != std::string_view::npos) id.remove_prefix(colon + 1);
  return std::string(id.substr(0, 12));
}

}  // namespace berth::cli
