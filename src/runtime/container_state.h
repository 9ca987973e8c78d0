// What the runtime remembers about a container between commands: one
// state.json per container under the runtime root (written atomically), plus
// the status derived from the live system (process alive? exec fifo still there?).
#pragma once

#include <sys/types.h>

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/process_start_time.h"
#include "base/result.h"

namespace berth::runtime {

enum class ContainerStatus { creating, created, running, paused, stopped };
std::string_view status_name(ContainerStatus status);

struct ContainerState {
  std::string id;
  pid_t pid = 0;
  uint64_t pid_start_time = 0;  // /proc/PID/stat field 22: tells a reused pid apart
  std::string bundle;
  std::string rootfs;
  std::string created;  // RFC 3339 with nanoseconds
  std::string owner;
  std::map<std::string, std::string> annotations;
  nlohmann::json cgroup;                     // Cgroup::to_state()
  std::vector<std::string> namespace_paths;  // "/proc/PID/ns/net" for each namespace the container owns
  bool shares_pid_namespace = false;         // no pid namespace of its own: kill must reach every process
  bool new_user_namespace = false;
  // Whether config.json has poststart or poststop hooks: without any, start
  // and delete need not read and parse it (tens of KB with a seccomp
  // profile). A state written before this field counts as having some.
  bool has_exit_hooks = true;

  nlohmann::json to_json() const;
  static Result<ContainerState> from_json(const nlohmann::json& document);
};

inline constexpr std::string_view default_state_root = "/run/berth-runtime";

// Where containers live: <root>/<id>/{state.json, config.json, exec.fifo}.
class StateStore {
 public:
  explicit StateStore(std::string root) : root_(std::move(root)) {}
  const std::string& root() const { return root_; }
  std::string dir(const std::string& id) const { return root_ + "/" + id; }
  std::string fifo_path(const std::string& id) const { return dir(id) + "/exec.fifo"; }
  std::string config_path(const std::string& id) const { return dir(id) + "/config.json"; }

  // Claims the id: creates <root>/<id> or fails with runc's wording if taken.
  Status claim(const std::string& id) const;
  Status save(const ContainerState& state) const;
  Result<ContainerState> load(const std::string& id) const;
  Status remove(const std::string& id) const;
  Result<std::vector<std::string>> ids() const;

 private:
  std::string root_;
};

// Container ids: as runc, letters, digits and "_+-." only, not "." or "..".
Status validate_container_id(const std::string& id);

// The status as the system shows it now.
ContainerStatus current_status(const ContainerState& state, const StateStore& store);

using berth::process_start_time;  // base/process_start_time.h

// "2026-11-23T01:45:34.123456789Z"
std::string rfc3339_now();

}  // namespace berth::runtime
