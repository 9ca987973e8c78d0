// Error and debug reporting for berth-runtime: stderr, plus the --log file.
#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "base/unique_fd.h"
#include "cli/runtime/verbs.h"

namespace berth::cli {

namespace {

void append_log(const Globals& globals, std::string_view level, const std::string& message) {
  if (globals.log_path.empty()) return;
  UniqueFd log(::open(globals.log_path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644));
  if (!log) return;
  std::string line;
  if (globals.log_format == "json") {
    line = nlohmann::json{{"level", level}, {"msg", message}, {"time", runtime::rfc3339_now()}}.dump() + "\n";
  } else {
    line = fmt::format("time=\"{}\" level={} msg=\"{}\"\n", runtime::rfc3339_now(), level, message);
  }
  (void)!::write(log.get(), line.data(), line.size());
}

}  // namespace

int Globals::report(const Error& error) const {
  append_log(*this, "error", error.message);
  fmt::print(stderr, "berth-runtime: {}\n", error.message);
  return 1;
}

void Globals::log_debug(const std::string& message) const {
  if (debug) append_log(*this, "debug", message);
}

}  // namespace berth::cli
