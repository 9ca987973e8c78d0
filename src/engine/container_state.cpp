#include "engine/container_state.h"

#include <time.h>

namespace berth {

namespace {

constexpr std::pair<ContainerStatus, std::string_view> kStatusNames[] = {
    {ContainerStatus::created, "created"},   {ContainerStatus::running, "running"},
    {ContainerStatus::paused, "paused"},     {ContainerStatus::restarting, "restarting"},
    {ContainerStatus::removing, "removing"}, {ContainerStatus::exited, "exited"},
    {ContainerStatus::dead, "dead"},
};

}  // namespace

std::string_view status_name(ContainerStatus status) {
  for (auto [value, name] : kStatusNames)
    if (value == status) return name;
  return "unknown";
}

nlohmann::ordered_json ContainerState::docker_json() const {
  nlohmann::ordered_json state;
  state["Status"] = status_name(status);
  state["Running"] = running();
  state["Paused"] = status == ContainerStatus::paused;
  state["Restarting"] = status == ContainerStatus::restarting;
  state["OOMKilled"] = oom_killed;
  state["Dead"] = status == ContainerStatus::dead;
  state["Pid"] = running() ? pid : 0;
  state["ExitCode"] = exit_code;
  state["Error"] = error;
  state["StartedAt"] = started_at;
  state["FinishedAt"] = finished_at;
  if (!health.is_null()) state["Health"] = health;
  return state;
}

std::string ContainerState::to_storage() const {
  nlohmann::ordered_json document = docker_json();
  document["Pid"] = pid;
  document["ShimPid"] = shim_pid;
  document["ShimStartTime"] = shim_start_time;
  document["RestartCount"] = restart_count;
  document["RestartDelayMs"] = restart_delay_ms;
  document["StopRequested"] = stop_requested;
  document["HasBeenStarted"] = has_been_started;
  if (!volumes.empty()) document["Volumes"] = volumes;
  return document.dump();
}

Result<ContainerState> ContainerState::from_storage(std::string_view text) {
  auto document = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!document.is_object()) return fail("container state: not a JSON object");
  ContainerState state;
  std::string status = document.value("Status", "");
  bool known = false;
  for (auto [value, name] : kStatusNames) {
    if (name == status) {
      state.status = value;
      known = true;
    }
  }
  if (!known) return fail("container state: unknown status \"{}\"", status);
  try {
    state.oom_killed = document.value("OOMKilled", false);
    state.pid = document.value("Pid", 0);
    state.exit_code = document.value("ExitCode", 0);
    state.error = document.value("Error", "");
    state.started_at = document.value("StartedAt", state.started_at);
    state.finished_at = document.value("FinishedAt", state.finished_at);
    state.shim_pid = document.value("ShimPid", 0);
    state.shim_start_time = document.value("ShimStartTime", uint64_t{0});
    state.restart_count = document.value("RestartCount", 0);
    state.restart_delay_ms = document.value("RestartDelayMs", uint64_t{0});
    state.stop_requested = document.value("StopRequested", false);
    state.has_been_started = document.value("HasBeenStarted", false);
    state.volumes = document.value("Volumes", std::map<std::string, std::string>{});
    if (auto health = document.find("Health"); health != document.end() && health->is_object()) state.health = *health;
  } catch (const nlohmann::json::exception& error) {
    return fail("container state: {}", error.what());
  }
  return state;
}

int64_t unix_nano_now() {
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME, &now);
  return static_cast<int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

std::string rfc3339_nano_now() {
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME, &now);
  tm utc{};
  ::gmtime_r(&now.tv_sec, &utc);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &utc);
  return fmt::format("{}.{:09d}Z", date, now.tv_nsec);
}

}  // namespace berth
