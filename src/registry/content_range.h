// The Content-Range response header (RFC 9110 section 14.4) of a ranged blob GET.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace berth {

struct ContentRange {
  std::optional<uint64_t> first, last;  // absent for "bytes */<size>" (a 416's answer)
  std::optional<uint64_t> size;         // absent for "bytes a-b/*"
};

// nullopt when the header is not a byte range in that grammar.
std::optional<ContentRange> parse_content_range(std::string_view header);

}  // namespace berth
