// The value grammars behind docker's run/create flags, with the error text
// docker prints: go-units' RAMInBytes and FromHumanSize, Go's
// time.ParseDuration, strconv's ParseInt/ParseUint/Atoi/ParseBool, big.Rat for
// --cpus, net.ParseIP, encoding/csv for --mount, and Go's %q quoting.
//
// Hand-written: these are behaviours of Go's standard library and of
// go-units (which inputs they take, and the exact words of their errors);
// no C++ library reproduces them, and scripts compare the words.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/go_units.h"
#include "base/result.h"
#include "cli/go_print.h"  // go_quote
#include "engine/container_config.h"

namespace berth::cli {

using berth::from_human_size;  // base/go_units.h
using berth::ram_in_bytes;

// Go's time.ParseDuration, in nanoseconds: "30s", "1m30s", "1.5h", "500ms", "-2s", "0".
Result<int64_t> parse_go_duration(std::string_view text);

// docker's GetTimestamp (--since, --until, until= filters), as Unix
// nanoseconds: a Go duration before `now_nano` ("10m", "1h30m"), an RFC 3339
// date and time (its zone, or local time without one; or a date alone), or
// Unix seconds ("1700000000", "1700000000.5").
Result<int64_t> parse_timestamp(std::string_view text, int64_t now_nano);

// strconv.ParseInt(text, 0, bits), as pflag parses int flags: decimal,
// "0x1f", "0o17", "017", "0b101", optional sign. Errors read
// `strconv.ParseInt: parsing "x": invalid syntax` (or value out of range).
Result<int64_t> parse_go_int(std::string_view text, int bits = 64);
// strconv.ParseUint(text, 0, bits): as parse_go_int, without a sign.
Result<uint64_t> parse_go_uint(std::string_view text, int bits = 64);
// strconv.Atoi: decimal only, `strconv.Atoi: parsing "x": invalid syntax`.
Result<int64_t> parse_go_atoi(std::string_view text);
// strconv.ParseBool: 1 t T TRUE true True, 0 f F FALSE false False.
Result<bool> parse_go_bool(std::string_view text);

// docker's opts.ParseCPUs: a rational number ("1.5", "0.25", "3/2", "2e-1")
// as nano CPUs; "value is too precise" below a billionth.
Result<int64_t> parse_nano_cpus(std::string_view text);

// --restart "no|always|unless-stopped|on-failure[:N]", with docker's errors ("" is no policy).
Result<RestartPolicy> parse_restart_policy(const std::string& text);


// net.ParseIP then IP.String(): the canonical form, or nothing when text is
// not an IPv4 or IPv6 address.
std::optional<std::string> canonical_ip(std::string_view text);

// One record of encoding/csv (comma-separated, RFC 4180 quoting with ""
// for a quote, no trimming). Errors as Go's: `parse error on line 1, column
// 7: bare " in non-quoted-field`, and "EOF" for an empty value.
Result<std::vector<std::string>> read_csv_record(std::string_view text);

// utf8.Valid: well-formed UTF-8 (no overlongs, no surrogates).
bool valid_utf8(std::string_view text);

// go-units ParseUlimit: "nofile=1024[:2048]" (hard defaults to soft; -1 is
// unlimited). Errors: "invalid ulimit argument: x", "invalid ulimit type: x",
// "ulimit soft limit must be less than or equal to hard limit: 2 > 1".
Result<Ulimit> parse_ulimit(std::string_view text);

// moby/sys/signal ParseSignal: "TERM", "SIGTERM", "sigterm", "15",
// "RTMIN+3"; "Invalid signal: x" otherwise.
Result<int> parse_signal_name(std::string_view text);

// The daemon's parsers.ParseUintList syntax for cpusets: "0-3,5", "" (none).
bool valid_cpuset(std::string_view text);

// Go's path.Clean: lexical, "/a/../b/" → "/b", "" → ".".
std::string clean_path(std::string_view path);

}  // namespace berth::cli
