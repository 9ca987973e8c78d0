// logs: the container's json-file log (rotated files first, oldest first),
// with docker's --tail, --since, --until, -t and -f.
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "base/unique_fd.h"
#include "cli/commands.h"
#include "oci/image_spec.h"

namespace berth::cli {

namespace {

struct LogEntry {
  std::string text;
  bool stderr_stream = false;
  std::string time;  // RFC 3339 with nanoseconds
};

// --since/--until: RFC 3339, Unix seconds, or a duration back from now ("10m", "1h30m").
Result<int64_t> parse_time_bound(const std::string& text, int64_t now, std::string_view flag) {
  if (auto rfc = parse_rfc3339(text)) return *rfc;
  if (!text.empty() && text.find_first_not_of("0123456789.") == std::string::npos)
    return static_cast<int64_t>(std::stod(text));
  int64_t total = 0;
  size_t at = 0;
  while (at < text.size()) {
    size_t digits = at;
    while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
    if (digits == at || digits == text.size()) return fail("invalid value for \"{}\": {}", flag, text);
    int64_t value = std::stoll(text.substr(at, digits - at));
    char unit = text[digits];
    int64_t scale = unit == 'h' ? 3600 : unit == 'm' ? 60 : unit == 's' ? 1 : 0;
    if (scale == 0) return fail("invalid value for \"{}\": {}", flag, text);
    total += value * scale;
    at = digits + 1;
  }
  if (text.empty()) return fail("invalid value for \"{}\": {}", flag, text);
  return now - total;
}

std::optional<LogEntry> parse_line(const std::string& line) {
  auto document = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!document.is_object() || !document.contains("log")) return std::nullopt;  // a torn or foreign line
  LogEntry entry;
  entry.text = document.value("log", "");
  entry.stderr_stream = document.value("stream", "") == "stderr";
  entry.time = document.value("time", "");
  return entry;
}

// The rotated files, oldest first (the shim keeps at most max-file - 1).
std::vector<std::string> rotated_files(const std::filesystem::path& log) {
  std::vector<std::string> files;
  for (int n = 100; n >= 1; --n) {
    std::filesystem::path rotated = log.string() + "." + std::to_string(n);
    std::error_code error;
    if (std::filesystem::exists(rotated, error)) files.push_back(rotated.string());
  }
  return files;
}

// The log file being written, read as the shim appends to it: whole lines
// only (the shim may be mid-write), and across rotation (the path then names
// a new file, once what the old one held has been read).
class LogFollower {
 public:
  explicit LogFollower(std::filesystem::path path) : path_(std::move(path)) { reopen(); }

  // Appends the complete lines that have arrived; false when there were none.
  bool read_lines(std::vector<std::string>& lines) {
    bool any = false;
    char buffer[65536];
    for (;;) {
      ssize_t got = fd_ ? ::read(fd_.get(), buffer, sizeof buffer) : 0;
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) break;
      partial_.append(buffer, static_cast<size_t>(got));
      size_t start = 0;
      for (size_t end; (end = partial_.find('\n', start)) != std::string::npos; start = end + 1) {
        lines.push_back(partial_.substr(start, end - start));
        any = true;
      }
      partial_.erase(0, start);
    }
    return any;
  }
  // After a read that found nothing: follows the shim's rotation. With
  // max-file 1 it truncates the file in place: read again from its start.
  // Otherwise the path names a new file: what ours got meanwhile is read
  // into `lines` first. True when the next read may find more.
  bool follow_rotation(std::vector<std::string>& lines) {
    struct stat now {};
    if (fd_ && ::fstat(fd_.get(), &now) == 0 && now.st_size < ::lseek(fd_.get(), 0, SEEK_CUR)) {
      ::lseek(fd_.get(), 0, SEEK_SET);
      partial_.clear();
      return true;
    }
    if (::stat(path_.c_str(), &now) != 0 || (fd_ && now.st_ino == inode_ && now.st_dev == device_)) return false;
    read_lines(lines);
    reopen();
    return static_cast<bool>(fd_);
  }
  // Whether `file` is the one held (it may have been rotated meanwhile).
  bool holds(const std::string& file) const {
    struct stat info {};
    return fd_ && ::stat(file.c_str(), &info) == 0 && info.st_ino == inode_ && info.st_dev == device_;
  }

 private:
  void reopen() {
    fd_.reset(::open(path_.c_str(), O_RDONLY | O_CLOEXEC));
    partial_.clear();  // the shim writes whole lines before it rotates
    struct stat info {};
    if (fd_ && ::fstat(fd_.get(), &info) == 0) {
      inode_ = info.st_ino;
      device_ = info.st_dev;
    }
  }
  std::filesystem::path path_;
  UniqueFd fd_;
  std::string partial_;
  ino_t inode_ = 0;
  dev_t device_ = 0;
};

}  // namespace

int command_logs(Invocation& invocation) {
  bool follow = false, timestamps = false, details = false;
  std::string tail = "all", since, until;
  auto& flags = invocation.flags();
  flags.add_flag("--details", details, "Show extra details provided to logs");
  flags.add_flag("-f,--follow", follow, "Follow log output");
  flags
      .add_option("--since", since,
                  "Show logs since timestamp (e.g. \"2013-01-02T13:23:37Z\") or relative (e.g. \"42m\" for 42 minutes)")
      ->type_name("string");
  flags.add_option("-n,--tail", tail, "Number of lines to show from the end of the logs (default \"all\")")
      ->type_name("string");
  flags.add_flag("-t,--timestamps", timestamps, "Show timestamps");
  flags
      .add_option(
          "--until", until,
          "Show logs before a timestamp (e.g. \"2013-01-02T13:23:37Z\") or relative (e.g. \"42m\" for 42 minutes)")
      ->type_name("string");
  if (auto status = invocation.parse(exactly(1))) return *status;
  CommandEnv& env = invocation.env;
  int64_t now = env.now();
  std::optional<int64_t> since_unix, until_unix;
  if (!since.empty()) {
    auto bound = parse_time_bound(since, now, "since");
    if (!bound) return env.report(bound.error());
    since_unix = *bound;
  }
  if (!until.empty()) {
    auto bound = parse_time_bound(until, now, "until");
    if (!bound) return env.report(bound.error());
    until_unix = *bound;
  }
  std::optional<size_t> tail_lines;
  if (tail != "all" && !tail.empty()) {
    if (tail.find_first_not_of("0123456789") != std::string::npos) {
      env.report(Error{fmt::format("invalid value for \"tail\": {}", tail)});
      return 1;
    }
    tail_lines = std::stoul(tail);
  }
  auto containers = env.containers();
  if (!containers) return env.report(containers.error());
  auto record = (*containers)->find(invocation.args()[0]);
  if (!record) return env.report(record.error());
  if (record->host.log_config.type == "none") {
    env.report(Error{"configured logging driver does not support reading"});
    return 1;
  }
  auto print = [&](const LogEntry& entry) {
    if (auto when = parse_rfc3339(entry.time)) {
      if (since_unix && *when < *since_unix) return;
      if (until_unix && *when > *until_unix) return;
    }
    std::string text = timestamps ? entry.time + " " + entry.text : entry.text;
    std::FILE* stream = entry.stderr_stream ? env.io().err : env.io().out;
    std::fwrite(text.data(), 1, text.size(), stream);
  };
  std::filesystem::path log = (*containers)->paths_of(record->id).log();
  // The current file is opened first: nothing appended while the rotated
  // ones are read is missed, and it is then followed from where it ends.
  LogFollower current(log);
  std::vector<LogEntry> entries;
  for (const auto& file : rotated_files(log)) {
    if (current.holds(file)) continue;  // rotated after we opened it: read below
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line))
      if (auto entry = parse_line(line)) entries.push_back(std::move(*entry));
  }
  std::vector<std::string> lines;
  current.read_lines(lines);
  for (const auto& line : lines)
    if (auto entry = parse_line(line)) entries.push_back(std::move(*entry));
  size_t first = tail_lines && *tail_lines < entries.size() ? entries.size() - *tail_lines : 0;
  for (size_t i = first; i < entries.size(); ++i) print(entries[i]);
  std::fflush(env.io().out);
  std::fflush(env.io().err);
  if (!follow) return 0;
  // Follow: read what the shim appends until the container stops.
  auto print_arrivals = [&] {
    lines.clear();
    bool more = current.read_lines(lines) || current.follow_rotation(lines);
    for (const auto& line : lines)
      if (auto entry = parse_line(line)) print(*entry);
    std::fflush(env.io().out);
    std::fflush(env.io().err);
    return more;
  };
  for (;;) {
    if (print_arrivals()) continue;
    auto now_record = (*containers)->find(record->id);
    if (!now_record || !now_record->state.running()) {
      print_arrivals();  // the last lines may have landed just before the exit was seen
      return 0;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

}  // namespace berth::cli
