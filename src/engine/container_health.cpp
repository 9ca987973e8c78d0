// ContainerService::health_probe: one run of a container's healthcheck, as
// dockerd's health monitor does it. The shim asks for one every interval by
// running `berth container health-probe ID`; this process runs the command
// in the container (as exec does), waits at most the timeout, and folds the
// result into State.Health, kept in the run dir as health.json.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "base/file_io.h"
#include "base/go_duration.h"
#include "engine/container_service.h"

namespace berth {

namespace {

constexpr int64_t kDefaultTimeoutNs = 30'000'000'000;
constexpr int64_t kDefaultRetries = 3;
constexpr size_t kMaxOutput = 4096;  // dockerd keeps this much of a probe's output
constexpr size_t kMaxLogEntries = 5;

int64_t parse_rfc3339_ns(const std::string& text) {
  tm utc{};
  const char* rest = ::strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &utc);
  if (!rest) return 0;
  int64_t seconds = ::timegm(&utc);
  int64_t fraction = 0, scale = 1'000'000'000;
  if (*rest == '.') {
    for (++rest; *rest >= '0' && *rest <= '9'; ++rest) {
      scale /= 10;
      fraction += (*rest - '0') * scale;
    }
  }
  return seconds * 1'000'000'000 + fraction;
}

struct ProbeResult {
  int exit_code = -1;
  std::string output;
};

// Runs the probe in a child, so that a command that outlives its timeout
// can be left behind (the shim, a subreaper, reaps it) while we report.
Result<ProbeResult> run_probe(ContainerService& service, const std::string& id, const ExecRequest& request,
                              int64_t timeout_ns) {
  UniqueFd output(::memfd_create("berth-health", MFD_CLOEXEC));
  if (!output) return fail_errno(errno, "memfd_create");
  pid_t child = ::fork();
  if (child < 0) return fail_errno(errno, "fork the health probe");
  if (child == 0) {
    ExecRequest captured = request;
    captured.output_fd = output.get();
    auto outcome = service.exec(id, captured);
    if (!outcome) {
      std::string message = outcome.error().message + "\n";
      [[maybe_unused]] auto ignored = ::write(output.get(), message.data(), message.size());
      ::_exit(1);
    }
    if (!outcome->start_error.empty()) {
      std::string message = outcome->start_error + "\n";
      [[maybe_unused]] auto ignored = ::write(output.get(), message.data(), message.size());
    }
    ::_exit(outcome->exit_code & 0xff);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::nanoseconds(timeout_ns);
  ProbeResult result;
  int status = 0;
  for (;;) {
    pid_t done = ::waitpid(child, &status, WNOHANG);
    if (done == child) break;
    if (done < 0 && errno != EINTR) return fail_errno(errno, "wait for the health probe");
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(child, SIGKILL);
      while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
      }
      result.output = fmt::format("Health check exceeded timeout ({})", go_duration_text(timeout_ns));
      return result;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.output.resize(kMaxOutput);
  ssize_t got = ::pread(output.get(), result.output.data(), kMaxOutput, 0);
  result.output.resize(got > 0 ? static_cast<size_t>(got) : 0);
  return result;
}

}  // namespace

Status ContainerService::health_probe(std::string_view name) {
  BERTH_ASSIGN(ContainerRecord record, find(name));
  if (record.state.status != ContainerStatus::running || !has_healthcheck(record.config)) return {};
  const HealthConfig& health = *record.config.healthcheck;
  ExecRequest request;
  if (health.test[0] == "CMD-SHELL") {
    if (health.test.size() < 2) return fail("healthcheck CMD-SHELL without a command");
    request.cmd = {"/bin/sh", "-c", health.test[1]};
  } else if (health.test[0] == "CMD") {
    request.cmd.assign(health.test.begin() + 1, health.test.end());
  } else {
    return fail("unknown healthcheck type \"{}\"", health.test[0]);
  }
  if (request.cmd.empty()) return fail("healthcheck without a command");
  int64_t timeout = health.timeout > 0 ? health.timeout : kDefaultTimeoutNs;
  int64_t retries = health.retries > 0 ? health.retries : kDefaultRetries;

  // This run's dir, held from the start: a restart makes a new one, which
  // a late result of this probe must not land in.
  ContainerPaths paths = paths_of(record.id);
  UniqueFd run_dir(::open(paths.run_dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!run_dir) return {};  // stopped meanwhile
  std::string start = rfc3339_nano_now();
  BERTH_ASSIGN(ProbeResult probe, run_probe(*this, record.id, request, timeout));
  std::string end = rfc3339_nano_now();

  nlohmann::json state = record.state.health.is_object()
                             ? record.state.health
                             : nlohmann::json{{"Status", "starting"}, {"FailingStreak", 0}, {"Log", nlohmann::json::array()}};
  nlohmann::json& log = state["Log"];
  if (!log.is_array()) log = nlohmann::json::array();
  log.push_back({{"Start", start}, {"End", end}, {"ExitCode", probe.exit_code}, {"Output", probe.output}});
  while (log.size() > kMaxLogEntries) log.erase(log.begin());
  if (probe.exit_code == 0) {
    state["Status"] = "healthy";
    state["FailingStreak"] = 0;
  } else {
    // As dockerd: failures within the start period do not count, unless the
    // container was already found healthy.
    bool in_start_period = health.start_period > 0 &&
                           parse_rfc3339_ns(start) - parse_rfc3339_ns(record.state.started_at) < health.start_period;
    if (!in_start_period || state["Status"] != "starting") {
      int64_t streak = state.value("FailingStreak", 0) + 1;
      state["FailingStreak"] = streak;
      if (streak >= retries) state["Status"] = "unhealthy";
    }
  }
  // The container may have stopped (its run dir gone) or been restarted (a
  // new run dir): then this result belongs to no one.
  struct stat held {}, current {};
  if (::fstat(run_dir.get(), &held) != 0 || ::stat(paths.run_dir.c_str(), &current) != 0 ||
      held.st_ino != current.st_ino || held.st_nlink == 0)
    return {};
  auto status_of = [](const nlohmann::json& health) -> std::string {
    if (!health.is_object()) return "starting";
    auto found = health.find("Status");
    return found != health.end() && found->is_string() ? found->get<std::string>() : "starting";
  };
  std::string before = status_of(record.state.health), after = status_of(state);
  // A probe's output may be any bytes: bad UTF-8 is replaced, not thrown on.
  BERTH_TRY(write_file_atomic(paths.health_json().string(),
                              state.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), 0600,
                              Durability::until_reboot));
  if (after != before) emit(record, "health_status: " + after);  // as dockerd: on each change
  return {};
}

}  // namespace berth
