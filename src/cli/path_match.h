// Go's path.Match, which docker's image "reference" filter uses: '*' matches
// any run of characters other than '/', '?' one such character, '[a-z]' and
// '[^…]' classes, '\' escapes. A malformed pattern is an error, even when the
// name already failed to match (as Go reports it).
#pragma once

#include <string_view>

#include "base/result.h"

namespace berth::cli {

Result<bool> path_match(std::string_view pattern, std::string_view name);

}  // namespace berth::cli
