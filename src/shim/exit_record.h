// <run-dir>/exit.json, the shim's report of how the container's init ended:
//   {"exit_code":N,"exited_at":"<RFC3339Nano>","signal":S,"oom_killed":B,"restarting":B
//    [,"restarter_pid":P,"restarter_start_time":T][,"error":"..."]}
// written atomically (temporary file in the same dir, fsync, rename) so the
// engine never reads half of it.
#pragma once

#include <sys/types.h>
#include <time.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace berth::shim {

struct ExitRecord {
  int exit_code = 0;  // the status, or 128+signal for a killed init
  int signal = 0;     // the killing signal, 0 when the init exited
  timespec exited_at{};
  bool oom_killed = false;
  bool restarting = false;
  // The `berth start` the restart policy spawned: until it has started the
  // container (or died), the container is restarting.
  pid_t restarter_pid = 0;
  uint64_t restarter_start_time = 0;
  std::string error;  // set when the exit status could not be known
};

// Fills exit_code and signal from a waitpid() status.
ExitRecord exit_record_from_status(int wait_status, const timespec& exited_at);

std::string format_exit_record(const ExitRecord& record);

Status write_exit_record(const std::string& path, const ExitRecord& record);

// The "oom_kill N" count of a cgroup v2 memory.events or v1 memory.oom_control
// file's content; nullopt when the line is absent or malformed.
std::optional<unsigned long long> parse_oom_kill_count(std::string_view content);

}  // namespace berth::shim
