#include "shim/exit_record.h"

#include <sys/wait.h>

#include <charconv>

#include "shim/go_json_string.h"
#include "shim/rfc3339_time.h"
#include "shim/shim_files.h"

namespace berth::shim {

ExitRecord exit_record_from_status(int wait_status, const timespec& exited_at) {
  ExitRecord record;
  record.exited_at = exited_at;
  if (WIFSIGNALED(wait_status)) {
    record.signal = WTERMSIG(wait_status);
    record.exit_code = 128 + record.signal;
  } else {
    record.exit_code = WEXITSTATUS(wait_status);
  }
  return record;
}

std::string format_exit_record(const ExitRecord& record) {
  std::string json = "{\"exit_code\":" + std::to_string(record.exit_code) + ",\"exited_at\":\"";
  append_rfc3339_nano(json, record.exited_at);
  json += "\",\"signal\":" + std::to_string(record.signal);
  json += record.oom_killed ? ",\"oom_killed\":true" : ",\"oom_killed\":false";
  json += record.restarting ? ",\"restarting\":true" : ",\"restarting\":false";
  if (record.restarter_pid > 0)
    json += ",\"restarter_pid\":" + std::to_string(record.restarter_pid) +
            ",\"restarter_start_time\":" + std::to_string(record.restarter_start_time);
  if (!record.error.empty()) {
    json += ",\"error\":";
    append_go_json_string(json, record.error);
  }
  json += "}\n";
  return json;
}

Status write_exit_record(const std::string& path, const ExitRecord& record) {
  return replace_file_atomically(path, format_exit_record(record));
}

std::optional<unsigned long long> parse_oom_kill_count(std::string_view content) {
  constexpr std::string_view key = "oom_kill ";
  while (!content.empty()) {
    size_t end = content.find('\n');
    std::string_view line = content.substr(0, end);
    content.remove_prefix(end == std::string_view::npos ? content.size() : end + 1);
    if (!line.starts_with(key)) continue;
    line.remove_prefix(key.size());
    unsigned long long count = 0;
    auto [last, error] = std::from_chars(line.data(), line.data() + line.size(), count);
    if (error != std::errc() || last != line.data() + line.size()) return std::nullopt;
    return count;
  }
  return std::nullopt;
}

}  // namespace berth::shim
