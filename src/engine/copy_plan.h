// docker cp's rules for where a copy lands, as pure functions of the two
// paths and what is at them: shared by both directions of `cp`.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace berth {

enum class PathKind { missing, directory, other };

struct CopyPlan {
  std::string directory;  // an existing directory the tar stream is extracted into
  std::string top_name;   // the name the source takes there; empty: a directory's contents go in
};

// SOURCE "dir/." (or ".") means the directory's contents; a destination
// ending in "/" must be a directory. `source_is_dir` is what the source is
// (after -L); `destination` is what is at the destination now.
Result<CopyPlan> plan_copy(std::string_view source, bool source_is_dir, std::string_view destination,
                           PathKind destination_kind);

// The last component of a path, trailing slashes ignored ("/a/b/" is "b").
std::string last_component(std::string_view path);

}  // namespace berth
