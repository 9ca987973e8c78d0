// The container columns of `ps` and `system df -v`, as docker's formatter
// computes them (cli/command/formatter/container.go).
#include "cli/container_columns.h"

#include <fmt/format.h>

#include "cli/human_units.h"
#include "oci/image_spec.h"

namespace berth::cli {

namespace {

int64_t unix_seconds(const std::string& rfc3339) { return parse_rfc3339(rfc3339).value_or(0); }

// docker's Status column: "Up 3 seconds", "Exited (0) 2 minutes ago", "Created".
std::string status_text(const ContainerState& state, int64_t now) {
  auto ago = [&](const std::string& when) {
    return human_duration(std::chrono::seconds(std::max<int64_t>(0, now - unix_seconds(when)))) + " ago";
  };
  switch (state.status) {
    case ContainerStatus::created:
      return "Created";
    case ContainerStatus::running: {
      std::string up =
          "Up " + human_duration(std::chrono::seconds(std::max<int64_t>(0, now - unix_seconds(state.started_at))));
      // docker's health suffix: "(healthy)", "(unhealthy)", "(health: starting)".
      if (state.health.is_object()) {
        std::string health = state.health.value("Status", "");
        up += health == "starting" ? " (health: starting)" : " (" + health + ")";
      }
      return up;
    }
    case ContainerStatus::paused:
      return "Up " + human_duration(std::chrono::seconds(std::max<int64_t>(0, now - unix_seconds(state.started_at)))) +
             " (Paused)";
    case ContainerStatus::restarting:
      return fmt::format("Restarting ({}) {}", state.exit_code, ago(state.finished_at));
    case ContainerStatus::removing:
      return "Removal In Progress";
    case ContainerStatus::exited:
      if (!state.has_been_started) return "Created";
      return fmt::format("Exited ({}) {}", state.exit_code, ago(state.finished_at));
    case ContainerStatus::dead:
      return "Dead";
  }
  return "";
}

// docker's COMMAND column: the command line quoted, cut to 20 characters with "…".
std::string command_text(const ContainerConfig& config, bool no_trunc) {
  std::string command;
  for (const auto& part : config.entrypoint.value_or(std::vector<std::string>{}))
    command += (command.empty() ? "" : " ") + part;
  for (const auto& part : config.cmd) command += (command.empty() ? "" : " ") + part;
  if (!no_trunc && command.size() > 19) {
    // Cut on a character boundary: UTF-8 continuation bytes are 10xxxxxx.
    size_t cut = 19;
    while (cut > 0 && (static_cast<unsigned char>(command[cut]) & 0xC0) == 0x80) --cut;
    command = command.substr(0, cut) + "…";
  }
  return "\"" + command + "\"";
}

std::string labels_text(const std::map<std::string, std::string>& labels) {
  std::string text;
  for (const auto& [key, value] : labels) text += (text.empty() ? "" : ",") + key + "=" + value;
  return text;
}

// docker's MOUNTS column: volume names, else sources, each cut to 15
// characters unless --no-trunc.
std::string mounts_text(const ContainerRecord& record, bool no_trunc) {
  std::string text;
  for (const auto& [destination, name] : record.state.volumes) {
    std::string shown = name;
    if (!no_trunc && shown.size() > 15) shown = shown.substr(0, 14) + "…";
    text += (text.empty() ? "" : ",") + shown;
  }
  return text;
}

}  // namespace

nlohmann::json container_row(const ContainerRecord& record, int64_t now, bool no_trunc,
                             const std::optional<ContainerSizes>& sizes) {
  int64_t created = record.created_unix_nano / 1'000'000'000;
  std::string state(status_name(record.state.status));
  if (record.state.status == ContainerStatus::exited && !record.state.has_been_started) state = "created";
  nlohmann::json row{{"ID", no_trunc ? record.id : record.id.substr(0, 12)},
                     {"Image", record.image_name},
                     {"Command", command_text(record.config, no_trunc)},
                     {"CreatedAt", go_time_string(created)},
                     {"RunningFor", created_since(created, now)},
                     {"Status", status_text(record.state, now)},
                     {"State", state},
                     {"Ports", ""},
                     {"Names", record.name},
                     {"Labels", labels_text(record.config.labels)},
                     {"Mounts", mounts_text(record, no_trunc)},
                     {"Networks", record.host.network_mode},
                     {"LocalVolumes", std::to_string(record.state.volumes.size())},
                     {"Size", "0B"}};
  if (sizes) {
    std::string written = human_size_with_precision(double(sizes->rw), 3);
    row["Size"] = sizes->root_fs > 0
                      ? fmt::format("{} (virtual {})", written, human_size_with_precision(double(sizes->root_fs), 3))
                      : written;
  }
  return row;
}

}  // namespace berth::cli
