// Changing a running container's shim.conf: the shim reads the restart
// policy and the container's name from it again when the container exits
// (update --restart, rename).
#pragma once

#include <map>
#include <string>

#include "base/result.h"
#include "engine/container_paths.h"

namespace berth {

// Replaces the lines of the given keys (adding those missing), atomically.
Status rewrite_shim_conf(const ContainerPaths& paths, const std::map<std::string, std::string>& values);

}  // namespace berth
