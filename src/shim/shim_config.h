// shim.conf: the key=value file the engine writes into the run dir before it
// execs berth-shim. Unknown keys are ignored (the engine may add keys); a line
// without '=' or a value that does not parse is an error naming the line.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace berth::shim {

enum class LogDriver { json_file, none };
enum class RestartPolicy { no, always, on_failure, unless_stopped };

struct ShimConfig {
  std::string id;
  pid_t pid = 0;  // the container's init, a child of the shim
  bool terminal = false;
  bool stdin_open = false;
  bool stdin_once = false;
  LogDriver log_driver = LogDriver::json_file;
  std::string log_path;
  uint64_t log_max_size = 0;  // 0 = unlimited
  uint32_t log_max_file = 1;
  RestartPolicy restart = RestartPolicy::no;
  uint32_t restart_max = 0;  // 0 = unlimited
  uint32_t restart_count = 0;
  uint64_t restart_delay_ms = 100;
  bool auto_remove = false;  // --rm: once it has exited for good, the shim has berth remove it
  // `berth run` in the foreground: it waits for the exit and removes the
  // container itself (--rm) while it lives; the shim only if it is gone
  // without having done so (detached, killed).
  pid_t client_pid = 0;
  // The engine passed a connected attach client at attach_client_fd_number,
  // its hello already sent: it is served from before the container starts.
  bool attach_client = false;
  // With client_pid: where that client leaves the container's directory
  // (upper, work, log) when it removes the container, for the shim to
  // delete once the client has gone. Absolute; "<dir>/<name>".
  std::string leftover_path;
  uint64_t health_interval_ms = 0;  // 0 = no healthcheck
  uint64_t health_start_ms = 0;     // defaults to health_interval_ms
  std::string berth;                // the berth binary, for restart, removal and health acts
  std::vector<std::string> berth_args;
  std::string oom_events;  // optional cgroup file telling OOM kills
  // The engine's event log, and the container's name and image for its "die" event.
  std::string events_log, event_name, event_image;
  std::string event_labels;  // the container's labels as JSON members ("k":"v",…), berth-encoded
};

// In leftover_path, when the client left the container's cgroup too: the
// cgroup's directories, emptied, one absolute path a line. Removed before the
// rest (by the shim, or by a later berth that sweeps what a dead shim left).
inline constexpr std::string_view leftover_cgroup_list = "cgroup-dirs";

Result<ShimConfig> parse_shim_config(std::string_view text);

}  // namespace berth::shim
