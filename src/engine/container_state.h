// A container's state as the engine records it (the database's state_json)
// and as Docker's inspect shows it ("State"), plus what only berth needs:
// the shim that watches the container and the restart bookkeeping.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <map>
#include <string>

#include "base/result.h"

namespace berth {

// Docker's State.Status values.
enum class ContainerStatus { created, running, paused, restarting, removing, exited, dead };
std::string_view status_name(ContainerStatus status);

struct ContainerState {
  ContainerStatus status = ContainerStatus::created;
  bool oom_killed = false;
  pid_t pid = 0;
  int exit_code = 0;
  std::string error;
  std::string started_at = "0001-01-01T00:00:00Z";  // RFC 3339 with nanoseconds, as Docker
  std::string finished_at = "0001-01-01T00:00:00Z";
  // berth's own (not in Docker's State):
  pid_t shim_pid = 0;
  uint64_t shim_start_time = 0;  // /proc/PID/stat field 22, tells a reused pid apart
  int restart_count = 0;
  uint64_t restart_delay_ms = 0;  // the back-off for the next policy restart
  bool stop_requested = false;    // a user's stop or kill: no restart by policy (unless-stopped)
  bool has_been_started = false;
  // The volumes bound into the container, destination → volume name: named
  // ones as given, anonymous ones as created for it (berth's, not Docker's State).
  std::map<std::string, std::string> volumes;
  // Docker's State.Health ({"Status","FailingStreak","Log"}) of a container
  // with a healthcheck, folded in from the run dir while it runs; else null.
  nlohmann::json health;

  bool running() const { return status == ContainerStatus::running || status == ContainerStatus::paused; }
  // Running, or about to be again (its restart policy's start is due):
  // what docker counts as active, and nothing to prune, wait out or remove unforced.
  bool active() const { return running() || status == ContainerStatus::restarting; }
  // Docker's inspect "State" object.
  nlohmann::ordered_json docker_json() const;
  // The stored document (Docker's fields and berth's).
  std::string to_storage() const;
  static Result<ContainerState> from_storage(std::string_view text);
};

// "2026-11-23T07:00:00.123456789Z" for now.
std::string rfc3339_nano_now();
int64_t unix_nano_now();

}  // namespace berth
