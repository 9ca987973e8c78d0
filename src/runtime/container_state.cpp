#include "runtime/container_state.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/file_io.h"
#include "runtime/cgroup.h"

namespace berth::runtime {

using nlohmann::json;

std::string_view status_name(ContainerStatus status) {
  switch (status) {
    case ContainerStatus::creating:
      return "creating";
    case ContainerStatus::created:
      return "created";
    case ContainerStatus::running:
      return "running";
    case ContainerStatus::paused:
      return "paused";
    case ContainerStatus::stopped:
      return "stopped";
  }
  return "unknown";
}

json ContainerState::to_json() const {
  return json{{"id", id},
              {"pid", pid},
              {"pid_start_time", pid_start_time},
              {"bundle", bundle},
              {"rootfs", rootfs},
              {"created", created},
              {"owner", owner},
              {"annotations", annotations},
              {"cgroup", cgroup},
              {"namespace_paths", namespace_paths},
              {"shares_pid_namespace", shares_pid_namespace},
              {"new_user_namespace", new_user_namespace},
              {"has_exit_hooks", has_exit_hooks}};
}

Result<ContainerState> ContainerState::from_json(const json& document) {
  try {
    ContainerState state;
    state.id = document.at("id").get<std::string>();
    state.pid = document.at("pid").get<pid_t>();
    state.pid_start_time = document.at("pid_start_time").get<uint64_t>();
    state.bundle = document.at("bundle").get<std::string>();
    state.rootfs = document.at("rootfs").get<std::string>();
    state.created = document.at("created").get<std::string>();
    state.owner = document.value("owner", "");
    state.annotations = document.value("annotations", std::map<std::string, std::string>{});
    state.cgroup = document.value("cgroup", json());
    state.namespace_paths = document.value("namespace_paths", std::vector<std::string>{});
    state.shares_pid_namespace = document.value("shares_pid_namespace", false);
    state.new_user_namespace = document.value("new_user_namespace", false);
    state.has_exit_hooks = document.value("has_exit_hooks", true);
    return state;
  } catch (const json::exception& error) {
    return fail("malformed state: {}", error.what());
  }
}

Status validate_container_id(const std::string& id) {
  if (id.empty()) return fail("container id cannot be empty");
  if (id == "." || id == ".." || id.size() > 1024) return fail("invalid container id format: {}", id);
  for (char c : id)
    if (!(isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '+' || c == '-' || c == '.'))
      return fail("invalid container id format: {}", id);
  return {};
}

Status StateStore::claim(const std::string& id) const {
  BERTH_TRY(validate_container_id(id));
  // 0700 as runc's: the exec fifo inside must not be reachable by other users.
  if (::mkdir(root_.c_str(), 0700) != 0 && errno != EEXIST) {
    BERTH_TRY(make_directories(root_, 0700));
  }
  if (::mkdir(dir(id).c_str(), 0711) != 0) {
    if (errno == EEXIST) return fail("container with id exists: {}", id);
    return fail_errno(errno, "mkdir {}", dir(id));
  }
  return {};
}

Status StateStore::save(const ContainerState& state) const {
  // Runtime state describes live processes: after a reboot it is meaningless, so no fsync.
  return write_file_atomic(dir(state.id) + "/state.json", state.to_json().dump(), 0600, Durability::until_reboot);
}

Result<ContainerState> StateStore::load(const std::string& id) const {
  BERTH_TRY(validate_container_id(id));
  auto text = read_file(dir(id) + "/state.json");
  if (!text) {
    if (text.error().errno_value == ENOENT) return fail("container does not exist");
    return std::unexpected(text.error());
  }
  json document = json::parse(*text, nullptr, false);
  if (document.is_discarded()) return fail("container {}: state.json is not valid JSON", id);
  auto state = ContainerState::from_json(document);
  if (!state) return with_context(std::move(state), "container " + id);
  return state;
}

Status StateStore::remove(const std::string& id) const {
  std::string directory = dir(id);
  for (const char* name : {"state.json", "config.json", "exec.fifo"}) {
    std::string path = directory + "/" + name;
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) return fail_errno(errno, "remove {}", path);
  }
  if (::rmdir(directory.c_str()) != 0 && errno != ENOENT) return fail_errno(errno, "remove {}", directory);
  return {};
}

Result<std::vector<std::string>> StateStore::ids() const {
  std::vector<std::string> ids;
  DIR* directory = ::opendir(root_.c_str());
  if (!directory) {
    if (errno == ENOENT) return ids;
    return fail_errno(errno, "open {}", root_);
  }
  while (dirent* entry = ::readdir(directory)) {
    std::string name = entry->d_name;
    if (name == "." || name == "..") continue;
    if (entry->d_type != DT_DIR && entry->d_type != DT_UNKNOWN) continue;
    ids.push_back(name);
  }
  ::closedir(directory);
  std::sort(ids.begin(), ids.end());
  return ids;
}

ContainerStatus current_status(const ContainerState& state, const StateStore& store) {
  if (state.pid <= 0) return ContainerStatus::stopped;
  uint64_t start_time = process_start_time(state.pid);
  if (start_time == 0 || start_time != state.pid_start_time) return ContainerStatus::stopped;
  struct stat info {};
  if (::stat(store.fifo_path(state.id).c_str(), &info) == 0) return ContainerStatus::created;
  if (!state.cgroup.is_null()) {
    if (auto cgroup = Cgroup::from_state(state.cgroup)) {
      auto frozen = (*cgroup)->frozen();
      if (frozen && *frozen) return ContainerStatus::paused;
    }
  }
  return ContainerStatus::running;
}

std::string rfc3339_now() {
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME, &now);
  tm utc{};
  ::gmtime_r(&now.tv_sec, &utc);
  char buffer[64];
  size_t length = ::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &utc);
  return fmt::format("{}.{:09}Z", std::string_view(buffer, length), now.tv_nsec);
}

}  // namespace berth::runtime
