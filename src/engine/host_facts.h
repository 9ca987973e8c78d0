// Facts about the host the engine reads in several places (start, update,
// stats, info): one reading each, so they can never disagree.
#pragma once

#include <cstdint>

#include "base/result.h"

namespace berth {

// /sys/fs/cgroup is the unified (v2) hierarchy. Hybrid hosts, whose
// controllers are v1, are not.
bool host_is_cgroup_v2();

// MemTotal of /proc/meminfo, in bytes.
Result<uint64_t> host_memory_bytes();

}  // namespace berth
