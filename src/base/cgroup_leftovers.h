// The cgroup directories a `run --rm` client leaves, emptied, with the rest
// of its container's files for the shim to delete once the client has ended
// (or for a later berth that sweeps what a dead shim left): a file listing
// them, one absolute path a line. In src/base because both the shim and the
// engine read it.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace berth {

// Removes every directory listed in `list_path` (a missing list is nothing
// to do), each with any sub-cgroups the container made below it. Only
// directories on a cgroup file system whose name ends in `container_id`
// are touched, and only by rmdir. A directory that still holds processes
// stays: an error is returned after the others were tried, and the caller
// keeps the list for a later try.
Status remove_listed_cgroups(const std::string& list_path, std::string_view container_id);

}  // namespace berth
