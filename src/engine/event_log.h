// docker events without a daemon: every berth process (and every shim, for
// "die") appends one JSON line per event to <runroot>/events.log, in the
// Engine API's events message shape; `berth events` reads and follows it.
// The run dir is a tmpfs, so the log holds events since boot, as dockerd's
// memory holds events since it started. At 1 MiB the file is renamed to
// events.log.1 (one generation kept).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "base/result.h"

namespace berth {

struct Event {
  std::string type;    // container, image, volume
  std::string action;  // create, start, die, …
  std::string actor_id;
  std::map<std::string, std::string> attributes;  // name, image, exitCode, labels, …
  int64_t time_nano = 0;

  // {"status","id","from","Type","Action","Actor":{"ID","Attributes"},"scope","time","timeNano"}
  nlohmann::ordered_json docker_json() const;
  static Result<Event> from_json(std::string_view line);
};

class EventLog {
 public:
  explicit EventLog(std::filesystem::path file) : file_(std::move(file)) {}

  // Appends one line (time_nano 0: now). A single write with O_APPEND, so
  // lines from concurrent writers never interleave.
  Status append(Event event) const;
  // append, for acts whose events are a by-product: a failure to log is a
  // warning on stderr, never the act's failure.
  void emit(Event event) const;
  // What the volume service (which knows nothing of this log) is given to
  // report its acts: each call becomes a "volume" event.
  std::function<void(std::string, std::string, std::map<std::string, std::string>)> volume_sink() const;

  // Calls `each` for every event with since <= time (<= until), oldest first;
  // with `follow`, waits for new ones until `until` passes (or forever), or
  // until `each` returns false.
  Status read(int64_t since_nano, std::optional<int64_t> until_nano, bool follow,
              const std::function<bool(const Event&)>& each) const;

  const std::filesystem::path& file() const { return file_; }

 private:
  std::filesystem::path file_;
};

}  // namespace berth
