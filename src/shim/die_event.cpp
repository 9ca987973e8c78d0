#include "shim/die_event.h"

#include <fcntl.h>
#include <unistd.h>

#include "base/unique_fd.h"
#include "shim/go_json_string.h"
#include "shim/shim_error.h"

namespace berth::shim {

std::string format_die_event(std::string_view id, std::string_view name, std::string_view image,
                             std::string_view labels_json, const ExitRecord& record) {
  long long nanos = static_cast<long long>(record.exited_at.tv_sec) * 1'000'000'000LL + record.exited_at.tv_nsec;
  std::string line = "{\"status\":\"die\",\"id\":";
  append_go_json_string(line, id);
  line += ",\"from\":";
  append_go_json_string(line, image);
  line += ",\"Type\":\"container\",\"Action\":\"die\",\"Actor\":{\"ID\":";
  append_go_json_string(line, id);
  line += ",\"Attributes\":{";
  // Labels first: docker's own keys below win over a label of the same name.
  if (!labels_json.empty()) line.append(labels_json).append(",");
  line += "\"exitCode\":\"" + std::to_string(record.exit_code) + "\",\"image\":";
  append_go_json_string(line, image);
  line += ",\"name\":";
  append_go_json_string(line, name);
  line += "}},\"scope\":\"local\",\"time\":" + std::to_string(record.exited_at.tv_sec) +
          ",\"timeNano\":" + std::to_string(nanos) + "}\n";
  return line;
}

Status append_event_line(const std::string& path, std::string_view line) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600));
  if (!fd) return shim_fail_errno(errno, "open ", path);
  if (::write(fd.get(), line.data(), line.size()) != static_cast<ssize_t>(line.size())) return shim_fail_errno(errno, "append to ", path);
  return {};
}

}  // namespace berth::shim
