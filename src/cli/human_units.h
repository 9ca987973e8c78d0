// Sizes, durations and times printed the way Docker prints them: go-units'
// HumanSize and HumanDuration, Go's time.Duration and time.Time strings.
// Users compare our tables with docker's, so the digits must match exactly.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace berth::cli {

// go-units HumanSizeWithPrecision: decimal units, printf("%.*g%s"):
// (4_260_000, 3) → "4.26MB", (1000, 3) → "1kB", (999_999, 3) → "1e+03kB".
std::string human_size_with_precision(double size, int precision);
// go-units HumanSize: precision 4 ("4.261MB"), used by prune, df and progress bars.
std::string human_size(double size);
// go-units BytesSize: binary units, "%.4g" ("1.5MiB", "15.55GiB"), as docker stats prints memory.
std::string binary_size(double size);

// go-units HumanDuration: "Less than a second", "About a minute", "3 hours", "2 weeks", "13 months", "2 years".
std::string human_duration(std::chrono::nanoseconds duration);
// HumanDuration(now - created) + " ago", as docker's CREATED columns print.
std::string created_since(int64_t created_unix, int64_t now_unix);

// Go's time.Duration.String() for a whole number of seconds: "0s", "45s", "1m5s", "2h0m3s".
std::string go_duration_string(int64_t seconds);

// Go's time.Time.String() in the local time zone, to the second: "2024-01-02 03:04:05 +0000 UTC".
std::string go_time_string(int64_t unix_seconds);
// RFC 3339 in UTC, as docker history -H=false prints: "2024-01-02T03:04:05Z".
std::string rfc3339_utc(int64_t unix_seconds);

// docker's stringid.TruncateID: drops an algorithm prefix, keeps 12 characters.
std::string truncate_id(std::string_view id);

}  // namespace berth::cli
