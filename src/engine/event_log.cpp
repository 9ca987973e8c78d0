#include "engine/event_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "base/unique_fd.h"
#include "engine/container_state.h"

namespace berth {

namespace {

constexpr off_t kRotateAtBytes = 1 << 20;
constexpr auto kFollowPoll = std::chrono::milliseconds(100);

// Calls `each` for every whole line of `file` from `offset` on; returns the
// offset after the last whole line (a line still being written waits).
Result<off_t> read_lines(const std::filesystem::path& file, off_t offset,
                         const std::function<bool(std::string_view)>& each, bool& stop) {
  UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    if (errno == ENOENT) return offset;
    return fail_errno(errno, "open {}", file.string());
  }
  std::string pending;
  char buffer[65536];
  off_t position = offset;
  for (;;) {
    ssize_t got = ::pread(fd.get(), buffer, sizeof buffer, position);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return fail_errno(errno, "read {}", file.string());
    if (got == 0) break;
    position += got;
    pending.append(buffer, static_cast<size_t>(got));
  }
  size_t start = 0;
  for (size_t newline; (newline = pending.find('\n', start)) != std::string::npos; start = newline + 1) {
    if (!stop && !each(std::string_view(pending).substr(start, newline - start))) stop = true;
  }
  return offset + static_cast<off_t>(start);
}

}  // namespace

nlohmann::ordered_json Event::docker_json() const {
  nlohmann::ordered_json out;
  if (type == "container") {
    out["status"] = action;
    out["id"] = actor_id;
    auto image = attributes.find("image");
    if (image != attributes.end()) out["from"] = image->second;
  }
  out["Type"] = type;
  out["Action"] = action;
  out["Actor"] = {{"ID", actor_id}, {"Attributes", attributes}};
  out["scope"] = "local";
  out["time"] = time_nano / 1'000'000'000;
  out["timeNano"] = time_nano;
  return out;
}

Result<Event> Event::from_json(std::string_view line) {
  auto document = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!document.is_object()) return fail("event log: a line that is not a JSON object");
  Event event;
  try {
    event.type = document.value("Type", "");
    event.action = document.value("Action", "");
    event.time_nano = document.value("timeNano", int64_t{0});
    if (auto actor = document.find("Actor"); actor != document.end() && actor->is_object()) {
      event.actor_id = actor->value("ID", "");
      if (auto attributes = actor->find("Attributes"); attributes != actor->end() && attributes->is_object())
        for (const auto& [key, value] : attributes->items())
          if (value.is_string()) event.attributes[key] = value.get<std::string>();
    }
  } catch (const nlohmann::json::exception& error) {
    return fail("event log: {}", error.what());
  }
  if (event.type.empty() || event.action.empty()) return fail("event log: an event without Type or Action");
  return event;
}

Status EventLog::append(Event event) const {
  if (event.time_nano == 0) event.time_nano = unix_nano_now();
  // Replacing bad UTF-8 (a label can hold any bytes) rather than throwing.
  std::string line = event.docker_json().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::error_code error;
  std::filesystem::create_directories(file_.parent_path(), error);
  UniqueFd fd(::open(file_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600));
  if (!fd) return fail_errno(errno, "open {}", file_.string());
  ssize_t written = ::write(fd.get(), line.data(), line.size());
  if (written != static_cast<ssize_t>(line.size())) return fail_errno(errno, "append to {}", file_.string());
  struct stat info {}, current {};
  if (::fstat(fd.get(), &info) == 0 && info.st_size > kRotateAtBytes && ::stat(file_.c_str(), &current) == 0 &&
      current.st_ino == info.st_ino) {
    // Whoever crosses the limit first rotates, and only the file it wrote
    // to: a writer that still held a rotated file must not rename the new
    // one over events.log.1. (A writer still holding the old file appends
    // to events.log.1, which readers read too.)
    std::filesystem::path previous = file_;
    previous += ".1";
    ::rename(file_.c_str(), previous.c_str());
  }
  return {};
}

void EventLog::emit(Event event) const {
  if (auto appended = append(std::move(event)); !appended)
    std::fprintf(stderr, "WARNING: %s\n", appended.error().message.c_str());
}

std::function<void(std::string, std::string, std::map<std::string, std::string>)> EventLog::volume_sink() const {
  return [log = *this](std::string action, std::string name, std::map<std::string, std::string> attributes) {
    log.emit(Event{.type = "volume", .action = std::move(action), .actor_id = std::move(name),
                   .attributes = std::move(attributes)});
  };
}

Status EventLog::read(int64_t since_nano, std::optional<int64_t> until_nano, bool follow,
                      const std::function<bool(const Event&)>& each) const {
  bool stop = false;
  auto wanted = [&](const Event& event) {
    return event.time_nano >= since_nano && !(until_nano && event.time_nano > *until_nano);
  };
  auto in_range = [&](std::string_view line) {
    auto event = Event::from_json(line);
    if (!event || !wanted(*event)) return true;  // a torn or foreign line, or out of range: skipped
    return each(*event);
  };
  std::filesystem::path previous = file_;
  previous += ".1";
  // The file's identity before reading it: a rotation during the first
  // read then shows as a new inode, and the old file is finished first.
  struct stat seen {};
  ::stat(file_.c_str(), &seen);
  // What is there already, in time order: writers append independently (a
  // shim's die event can land before the start event of the berth that
  // started the container a moment earlier).
  std::vector<Event> past;
  auto keep = [&](std::string_view line) {
    if (auto event = Event::from_json(line); event && wanted(*event)) past.push_back(std::move(*event));
    return true;
  };
  BERTH_TRY(read_lines(previous, 0, keep, stop));
  BERTH_ASSIGN(off_t offset, read_lines(file_, 0, keep, stop));
  std::stable_sort(past.begin(), past.end(), [](const Event& a, const Event& b) { return a.time_nano < b.time_nano; });
  for (const Event& event : past) {
    if (!each(event)) {
      stop = true;
      break;
    }
  }
  if (!follow || stop) return {};
  while (!stop) {
    if (until_nano && unix_nano_now() > *until_nano) return {};
    std::this_thread::sleep_for(kFollowPoll);
    struct stat now {};
    if (::stat(file_.c_str(), &now) != 0) continue;
    if (now.st_ino != seen.st_ino) {
      // Rotated: finish the old file (now events.log.1), then start the new
      // one. A log that did not exist yet has nothing to finish.
      if (seen.st_ino != 0) BERTH_TRY(read_lines(previous, offset, in_range, stop));
      offset = 0;
      seen = now;
    }
    BERTH_ASSIGN(offset, read_lines(file_, offset, in_range, stop));
  }
  return {};
}

}  // namespace berth
