// docker's env-file and label-file format (docker/cli pkg/kvfile), read for
// `berth run/create --env-file/--label-file`:
//   - UTF-8 only (a leading BOM is dropped); lines end with \n or \r\n and
//     may be at most 64 KiB long, as bufio.Scanner reads them;
//   - leading whitespace is dropped; empty lines and lines starting with '#'
//     are skipped; no quoting, escaping or interpolation;
//   - KEY=value is kept as written (trailing whitespace is part of the value);
//   - a bare KEY takes its value from `lookup`, and is left out when lookup
//     finds nothing (or there is no lookup, as for label files);
//   - a KEY that is empty or holds whitespace is an error.
// Errors name the file and the line: "invalid env file (vars.env): line 3:
// variable 'A B' contains whitespaces".
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace berth::cli {

using EnvLookup = std::function<std::optional<std::string>(const std::string& key)>;

// Longest line bufio.Scanner accepts by default.
inline constexpr size_t key_value_max_line = 64 * 1024;

// The KEY=value lines of `content`; errors name the line ("line 3: …").
Result<std::vector<std::string>> parse_key_value_lines(std::string_view content, const EnvLookup& lookup);

// Reads `path` and parses it; errors read "invalid <kind> file (<path>): …"
// (`kind` is "env" or "label"). The file is streamed, never read whole: a
// FIFO or /dev/zero fails on its first overlong line.
Result<std::vector<std::string>> read_key_value_file(const std::string& path, std::string_view kind,
                                                     const EnvLookup& lookup);

}  // namespace berth::cli
