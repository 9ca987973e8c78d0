// ps: docker's columns, filters and formats for containers.
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/human_units.h"
#include "cli/list_format.h"
#include "oci/image_spec.h"

namespace berth::cli {

namespace {

constexpr std::string_view kTableFormat =
    "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}";
constexpr std::string_view kTableFormatWithSize =
    "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}\t{{.Size}}";

const nlohmann::json& container_headers() {
  static const nlohmann::json headers{{"ID", "CONTAINER ID"},    {"Image", "IMAGE"},
                                      {"Command", "COMMAND"},    {"CreatedAt", "CREATED"},
                                      {"RunningFor", "CREATED"}, {"Status", "STATUS"},
                                      {"Ports", "PORTS"},        {"Names", "NAMES"},
                                      {"Size", "SIZE"},          {"Labels", "LABELS"},
                                      {"Mounts", "MOUNTS"},      {"Networks", "NETWORKS"},
                                      {"State", "STATE"},        {"LocalVolumes", "LOCAL VOLUMES"}};
  return headers;
}

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

struct Filters {
  std::vector<std::string> status, name, label, ancestor, exited, id;
};

Result<Filters> parse_filters(const std::vector<std::string>& words) {
  Filters filters;
  for (const auto& word : words) {
    size_t eq = word.find('=');
    if (eq == std::string::npos) return fail("bad format of filter (expected name=value)");
    std::string key = word.substr(0, eq), value = word.substr(eq + 1);
    if (key == "status") {
      static const std::vector<std::string> known = {"created", "restarting", "running", "removing",
                                                     "paused",  "exited",     "dead"};
      if (std::find(known.begin(), known.end(), value) == known.end()) return fail("invalid filter 'status={}'", value);
      filters.status.push_back(value);
    } else if (key == "name") {
      filters.name.push_back(value);
    } else if (key == "label") {
      filters.label.push_back(value);
    } else if (key == "ancestor") {
      filters.ancestor.push_back(value);
    } else if (key == "exited") {
      if (value.empty() || value.find_first_not_of("-0123456789") != std::string::npos)
        return fail("invalid filter 'exited={}'", value);
      filters.exited.push_back(value);
    } else if (key == "id") {
      filters.id.push_back(value);
    } else {
      return fail("invalid filter '{}'", key);
    }
  }
  return filters;
}

bool any_of(const std::vector<std::string>& values, auto matches) {
  return values.empty() || std::any_of(values.begin(), values.end(), matches);
}

bool keep(const ContainerRecord& record, const Filters& filters) {
  std::string status(status_name(record.state.status));
  if (record.state.status == ContainerStatus::exited && !record.state.has_been_started) status = "created";
  if (!any_of(filters.status, [&](const std::string& wanted) { return wanted == status; })) return false;
  if (!any_of(filters.name, [&](const std::string& wanted) { return record.name.find(wanted) != std::string::npos; }))
    return false;
  if (!any_of(filters.id, [&](const std::string& wanted) { return record.id.starts_with(wanted); })) return false;
  for (const auto& label : filters.label) {
    size_t eq = label.find('=');
    auto found = record.config.labels.find(label.substr(0, eq));
    if (found == record.config.labels.end()) return false;
    if (eq != std::string::npos && found->second != label.substr(eq + 1)) return false;
  }
  if (!any_of(filters.ancestor, [&](const std::string& wanted) {
        return record.image_name == wanted || record.config.image == wanted ||
               record.image_id.str().starts_with(wanted) || record.image_id.hex().starts_with(wanted);
      }))
    return false;
  if (!filters.exited.empty()) {
    if (record.state.status != ContainerStatus::exited) return false;
    if (!any_of(filters.exited,
                [&](const std::string& code) { return std::to_string(record.state.exit_code) == code; }))
      return false;
  }
  return true;
}

}  // namespace

int command_ps(Invocation& invocation) {
  bool all = false, quiet = false, latest = false, size = false, no_trunc = false;
  int last = -1;
  std::string format;
  std::vector<std::string> filter_words;
  auto& flags = invocation.flags();
  flags.add_flag("-a,--all", all, "Show all containers (default shows just running)");
  flags.add_option("-f,--filter", filter_words, "Filter output based on conditions provided")->type_name("filter");
  flags.add_option("--format", format, "Format output using a custom template")->type_name("string");
  flags.add_option("-n,--last", last, "Show n last created containers (includes all states)")->type_name("int");
  flags.add_flag("-l,--latest", latest, "Show the latest created container (includes all states)");
  flags.add_flag("--no-trunc", no_trunc, "Don't truncate output");
  flags.add_flag("-q,--quiet", quiet, "Only display container IDs");
  flags.add_flag("-s,--size", size, "Display total file sizes");
  if (auto status = invocation.parse(no_args)) return *status;
  CommandEnv& env = invocation.env;
  if (!format.empty() && format != "table" && format != "json") {
    if (auto checked = check_list_format(format); !checked) return env.report(checked.error());
  }
  auto filters = parse_filters(filter_words);
  if (!filters) return env.report(filters.error());
  auto containers = env.containers();
  if (!containers) return env.report(containers.error());
  auto records = (*containers)->list();
  if (!records) return env.report(records.error());
  if (latest) last = 1;
  bool everything = all || last > 0 || !filters->status.empty() || !filters->exited.empty();
  int64_t now = env.now();
  std::vector<nlohmann::json> rows;
  int shown = 0;
  for (const auto& record : *records) {
    if (last > 0 && shown >= last) break;
    if (!everything && !record.state.running() && record.state.status != ContainerStatus::restarting) continue;
    if (!keep(record, *filters)) continue;
    ++shown;
    if (quiet) {
      env.out((no_trunc ? record.id : record.id.substr(0, 12)) + "\n");
      continue;
    }
    int64_t created = record.created_unix_nano / 1'000'000'000;
    std::string state(status_name(record.state.status));
    if (record.state.status == ContainerStatus::exited && !record.state.has_been_started) state = "created";
    rows.push_back({{"ID", no_trunc ? record.id : record.id.substr(0, 12)},
                    {"Image", record.image_name},
                    {"Command", command_text(record.config, no_trunc)},
                    {"CreatedAt", go_time_string(created)},
                    {"RunningFor", created_since(created, now)},
                    {"Status", status_text(record.state, now)},
                    {"State", state},
                    {"Ports", ""},
                    {"Names", record.name},
                    {"Labels", labels_text(record.config.labels)},
                    {"Mounts", ""},
                    {"Networks", record.host.network_mode},
                    {"LocalVolumes", "0"},
                    {"Size", "0B"}});
  }
  if (quiet) return 0;
  auto rendered = render_list(format, {size ? kTableFormatWithSize : kTableFormat, &container_headers()}, rows);
  if (!rendered) return env.report(rendered.error());
  env.out(*rendered);
  return 0;
}

}  // namespace berth::cli
