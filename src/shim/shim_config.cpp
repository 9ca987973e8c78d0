#include "shim/shim_config.h"

#include <charconv>
#include <limits>
#include <set>

#include "shim/shim_error.h"

namespace berth::shim {

namespace {

template <class Number>
Result<Number> parse_number(std::string_view key, std::string_view value) {
  Number number{};
  // from_chars alone accepts a leading '-' for signed types and stops at the
  // first non-digit: insist on digits only, all of them consumed.
  bool digits_only = !value.empty() && value.find_first_not_of("0123456789") == std::string_view::npos;
  auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (!digits_only || error != std::errc() || end != value.data() + value.size())
    return shim_fail(key, ": expected a non-negative integer, got \"", value, "\"");
  return number;
}

Result<bool> parse_flag(std::string_view key, std::string_view value) {
  if (value == "0") return false;
  if (value == "1") return true;
  return shim_fail(key, ": expected 0 or 1, got \"", value, "\"");
}

Result<LogDriver> parse_log_driver(std::string_view value) {
  if (value == "json-file") return LogDriver::json_file;
  if (value == "none") return LogDriver::none;
  return shim_fail("log_driver: expected json-file or none, got \"", value, "\"");
}

Result<RestartPolicy> parse_restart(std::string_view value) {
  if (value == "no") return RestartPolicy::no;
  if (value == "always") return RestartPolicy::always;
  if (value == "on-failure") return RestartPolicy::on_failure;
  if (value == "unless-stopped") return RestartPolicy::unless_stopped;
  return shim_fail("restart: expected no, always, on-failure or unless-stopped, got \"", value, "\"");
}

// Applies one key; unknown keys are accepted and ignored.
Status apply(ShimConfig& config, std::string_view key, std::string_view value, bool& health_start_set) {
  if (key == "id") {
    if (value.empty()) return shim_fail("id: empty");
    config.id = value;
  } else if (key == "pid") {
    BERTH_ASSIGN(auto pid, parse_number<pid_t>(key, value));
    if (pid <= 0) return shim_fail("pid: must be positive, got \"", value, "\"");
    config.pid = pid;
  } else if (key == "terminal") {
    BERTH_ASSIGN(config.terminal, parse_flag(key, value));
  } else if (key == "stdin") {
    BERTH_ASSIGN(config.stdin_open, parse_flag(key, value));
  } else if (key == "stdin_once") {
    BERTH_ASSIGN(config.stdin_once, parse_flag(key, value));
  } else if (key == "log_driver") {
    BERTH_ASSIGN(config.log_driver, parse_log_driver(value));
  } else if (key == "log_path") {
    config.log_path = value;
  } else if (key == "log_max_size") {
    BERTH_ASSIGN(config.log_max_size, parse_number<uint64_t>(key, value));
  } else if (key == "log_max_file") {
    BERTH_ASSIGN(config.log_max_file, parse_number<uint32_t>(key, value));
    if (config.log_max_file < 1) return shim_fail("log_max_file: must be at least 1, got \"", value, "\"");
  } else if (key == "restart") {
    BERTH_ASSIGN(config.restart, parse_restart(value));
  } else if (key == "restart_max") {
    BERTH_ASSIGN(config.restart_max, parse_number<uint32_t>(key, value));
  } else if (key == "restart_count") {
    BERTH_ASSIGN(config.restart_count, parse_number<uint32_t>(key, value));
  } else if (key == "restart_delay_ms") {
    BERTH_ASSIGN(config.restart_delay_ms, parse_number<uint64_t>(key, value));
  } else if (key == "auto_remove") {
    BERTH_ASSIGN(config.auto_remove, parse_flag(key, value));
  } else if (key == "attach_client") {
    BERTH_ASSIGN(config.attach_client, parse_flag(key, value));
  } else if (key == "client_pid") {
    BERTH_ASSIGN(config.client_pid, parse_number<pid_t>(key, value));
  } else if (key == "leftover_path") {
    auto slash = value.rfind('/');
    if (value.empty() || value.front() != '/' || slash == 0 || slash + 1 >= value.size() ||
        value.find("/../") != std::string_view::npos || value.ends_with("/.."))
      return shim_fail("leftover_path: expected an absolute path to a name in a directory, got \"", value, "\"");
    config.leftover_path = value;
  } else if (key == "health_interval_ms") {
    BERTH_ASSIGN(config.health_interval_ms, parse_number<uint64_t>(key, value));
  } else if (key == "health_start_ms") {
    BERTH_ASSIGN(config.health_start_ms, parse_number<uint64_t>(key, value));
    health_start_set = true;
  } else if (key == "berth") {
    if (value.empty() || value.front() != '/')
      return shim_fail("berth: expected an absolute path, got \"", value, "\"");
    config.berth = value;
  } else if (key == "berth_arg") {
    config.berth_args.emplace_back(value);
  } else if (key == "oom_events") {
    config.oom_events = value;
  } else if (key == "events_log") {
    config.events_log = value;
  } else if (key == "event_name") {
    config.event_name = value;
  } else if (key == "event_image") {
    config.event_image = value;
  } else if (key == "event_labels") {
    config.event_labels = value;
  }
  return {};
}

Status check_complete(const ShimConfig& config) {
  if (config.id.empty()) return shim_fail("missing id");
  if (config.pid == 0) return shim_fail("missing pid");
  if (config.log_driver == LogDriver::json_file && config.log_path.empty())
    return shim_fail("log_driver=json-file needs log_path");
  if ((config.restart != RestartPolicy::no || config.health_interval_ms > 0 || config.auto_remove) &&
      config.berth.empty())
    return shim_fail("restart policy, auto_remove or healthcheck needs berth=<path>");
  return {};
}

}  // namespace

Result<ShimConfig> parse_shim_config(std::string_view text) {
  ShimConfig config;
  bool health_start_set = false;
  std::set<std::string_view> seen;
  size_t line_number = 0;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    ++line_number;
    if (line.empty()) continue;
    size_t equals = line.find('=');
    if (equals == std::string_view::npos || equals == 0)
      return shim_fail("shim.conf line ", line_number, ": expected key=value, got \"", line, "\"");
    std::string_view key = line.substr(0, equals);
    std::string_view value = line.substr(equals + 1);
    // Repeating a key is a bug in the writer: which value wins would be a guess.
    if (key != "berth_arg" && !seen.insert(key).second)
      return shim_fail("shim.conf line ", line_number, ": duplicate key ", key);
    if (auto applied = apply(config, key, value, health_start_set); !applied)
      return shim_context(std::move(applied), "shim.conf line " + std::to_string(line_number));
  }
  if (!health_start_set) config.health_start_ms = config.health_interval_ms;
  if (auto complete = check_complete(config); !complete) return shim_context(std::move(complete), "shim.conf");
  return config;
}

}  // namespace berth::shim
