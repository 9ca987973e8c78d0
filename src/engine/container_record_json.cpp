#include "engine/container_record_json.h"

#include <time.h>

#include <cstdlib>

#include "engine/spec_mounts.h"

namespace berth {

std::string rfc3339_nano(int64_t unix_nano, bool local_zone) {
  time_t seconds = static_cast<time_t>(unix_nano / 1'000'000'000);
  tm broken{};
  if (local_zone) {
    ::localtime_r(&seconds, &broken);
  } else {
    ::gmtime_r(&seconds, &broken);
  }
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &broken);
  long offset = local_zone ? broken.tm_gmtoff : 0;
  std::string zone = offset == 0 ? "Z"
                                 : fmt::format("{}{:02d}:{:02d}", offset < 0 ? '-' : '+', std::abs(offset) / 3600,
                                               std::abs(offset) % 3600 / 60);
  return fmt::format("{}.{:09d}{}", date, unix_nano % 1'000'000'000, zone);
}

ContainerRecord record_basics_from_row(const store::ContainerRow& row) {
  ContainerRecord record;
  record.id = row.id;
  record.name = row.name;
  record.image_id = row.image_id;
  record.image_name = row.image_name;
  record.created_unix_nano = row.created_unix_nano;
  return record;
}

namespace {

Result<nlohmann::json> parse_stored(const store::ContainerRow& row, const std::string& text, std::string_view what) {
  auto document = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) return fail("container {}: stored {} is not JSON", row.id, what);
  return document;
}

}  // namespace

Result<ContainerConfig> config_from_row(const store::ContainerRow& row) {
  BERTH_ASSIGN(auto config, parse_stored(row, row.config_json, "Config"));
  return container_config_from_json(config);
}

Result<HostConfig> host_config_from_row(const store::ContainerRow& row) {
  BERTH_ASSIGN(auto host, parse_stored(row, row.host_config_json, "HostConfig"));
  return host_config_from_json(host);
}

Result<ContainerState> state_from_row(const store::ContainerRow& row) {
  auto state = ContainerState::from_storage(row.state_json);
  if (!state) return with_context(std::move(state), fmt::format("container {}", row.id));
  return state;
}

Result<ContainerRecord> record_from_row(const store::ContainerRow& row) {
  ContainerRecord record = record_basics_from_row(row);
  BERTH_ASSIGN(record.config, config_from_row(row));
  BERTH_ASSIGN(record.host, host_config_from_row(row));
  BERTH_ASSIGN(record.state, state_from_row(row));
  return record;
}

store::ContainerRow row_from_record(const ContainerRecord& record) {
  store::ContainerRow row;
  row.id = record.id;
  row.name = record.name;
  row.image_id = record.image_id;
  row.image_name = record.image_name;
  row.created_unix_nano = record.created_unix_nano;
  row.config_json = to_json(record.config).dump();
  row.host_config_json = to_json(record.host).dump();
  row.state_json = record.state.to_storage();
  return row;
}

namespace {

// Docker's inspect "Mounts": binds, volumes and --mount tmpfs, in the order asked.
nlohmann::ordered_json mounts_json(const ContainerRecord& record, const std::filesystem::path& root) {
  nlohmann::ordered_json mounts = nlohmann::ordered_json::array();
  auto requests = mount_requests(record.config, record.host);
  if (!requests) return mounts;  // create refused such a record; nothing to show
  for (const MountRequest& request : *requests) {
    nlohmann::ordered_json mount;
    switch (request.kind) {
      case MountRequest::Kind::bind:
        mount = {{"Type", "bind"}, {"Source", request.source}, {"Destination", request.destination},
                 {"Mode", ""},     {"RW", !request.read_only}, {"Propagation", request.propagation}};
        break;
      case MountRequest::Kind::volume: {
        auto name = record.state.volumes.find(request.destination);
        if (name == record.state.volumes.end()) continue;
        mount = {{"Type", "volume"},
                 {"Name", name->second},
                 {"Source", (root / "volumes" / name->second / "_data").string()},
                 {"Destination", request.destination},
                 {"Driver", "local"},
                 {"Mode", ""},
                 {"RW", !request.read_only},
                 {"Propagation", ""}};
        break;
      }
      case MountRequest::Kind::tmpfs:
        if (!record.host.tmpfs.contains(request.destination))
          mount = {{"Type", "tmpfs"}, {"Source", ""}, {"Destination", request.destination},
                   {"Mode", ""},      {"RW", !request.read_only}, {"Propagation", ""}};
        break;
    }
    if (!mount.is_null()) mounts.push_back(std::move(mount));
  }
  return mounts;
}

}  // namespace

nlohmann::ordered_json inspect_json(const ContainerRecord& record, const ContainerPaths& paths) {
  nlohmann::ordered_json document;
  document["Id"] = record.id;
  document["Created"] = rfc3339_nano(record.created_unix_nano);
  // Path and Args: the command the container runs (entrypoint first).
  std::vector<std::string> command = record.config.entrypoint.value_or(std::vector<std::string>{});
  command.insert(command.end(), record.config.cmd.begin(), record.config.cmd.end());
  document["Path"] = command.empty() ? "" : command.front();
  document["Args"] =
      command.empty() ? std::vector<std::string>{} : std::vector<std::string>(command.begin() + 1, command.end());
  document["State"] = record.state.docker_json();
  document["Image"] = record.image_id.str();
  document["ResolvConfPath"] = paths.resolv_conf().string();
  document["HostnamePath"] = paths.hostname().string();
  document["HostsPath"] = paths.hosts().string();
  document["LogPath"] = record.host.log_config.type == "none" ? "" : paths.log().string();
  document["Name"] = "/" + record.name;
  document["RestartCount"] = record.state.restart_count;
  document["Driver"] = "overlay2";
  document["Platform"] = "linux";
  document["MountLabel"] = "";
  document["ProcessLabel"] = "";
  document["AppArmorProfile"] = "";
  document["ExecIDs"] = nullptr;
  document["HostConfig"] = to_json(record.host);
  document["GraphDriver"] = {{"Data",
                              {{"MergedDir", paths.rootfs().string()},
                               {"UpperDir", paths.upper().string()},
                               {"WorkDir", paths.work().string()}}},
                             {"Name", "overlay2"}};
  document["Mounts"] = mounts_json(record, paths.dir.parent_path().parent_path());
  document["Config"] = to_json(record.config);
  document["NetworkSettings"] = {{"Bridge", ""},
                                 {"SandboxID", ""},
                                 {"SandboxKey", ""},
                                 {"Ports", nlohmann::ordered_json::object()},
                                 {"Networks", nlohmann::ordered_json::object()}};
  return document;
}

}  // namespace berth
