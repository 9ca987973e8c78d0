// Runs the berth binary for one act (a restart, a health probe) the way a
// daemon should: own session, stdio on /dev/null, none of the shim's fds,
// default signal dispositions and an empty signal mask.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "base/result.h"

namespace berth::shim {

// Forks and execs argv[0] with argv; returns the child's pid. The caller reaps
// it (or exits and leaves it to the subreaper above). An exec failure shows as
// exit status 127.
Result<pid_t> spawn_detached(const std::vector<std::string>& argv);

}  // namespace berth::shim
