// linux.sysctl: kernel parameters written under the container's /proc/sys.
#pragma once

#include <map>
#include <string>

#include "base/result.h"

namespace berth::runtime {

// Writes each value to /proc/sys/<key with '.' as '/'>, after pivot_root.
// root_fd is the container's "/"; /proc/sys must be a procfs.
Status apply_sysctls(int root_fd, const std::map<std::string, std::string>& sysctls);

}  // namespace berth::runtime
