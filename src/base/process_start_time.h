// A process's start time (field 22 of /proc/PID/stat, in clock ticks since
// boot): with its pid, it names one process even after the pid is reused.
#pragma once

#include <sys/types.h>

#include <cstdint>

namespace berth {

// The start time of a process, or 0 when it is gone or a zombie.
uint64_t process_start_time(pid_t pid);

}  // namespace berth
