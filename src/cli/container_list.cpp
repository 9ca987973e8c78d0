// ps: docker's columns, filters and formats for containers.
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/container_columns.h"
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
  // As docker: sizes are measured for -s, or when a --format asks for them.
  bool measure_sizes = size || format.find(".Size") != std::string::npos;
  std::map<Digest, std::optional<uint64_t>> image_sizes;
  auto image_size = [&](const Digest& id) -> std::optional<uint64_t> {
    auto [known, added] = image_sizes.try_emplace(id);
    if (added)
      if (auto images = env.images())
        if (auto found = (*images)->find(id.str())) known->second = found->size;
    return known->second;
  };
  // As docker's list: the name a container was created from, while it still
  // names the container's image; else the image's short id.
  std::map<std::string, std::optional<Digest>> named_images;
  auto image_column = [&](const ContainerRecord& record) -> std::string {
    auto [known, added] = named_images.try_emplace(record.image_name);
    if (added)
      if (auto images = env.images())
        if (auto found = (*images)->find(record.image_name)) known->second = found->id;
    if (known->second == record.image_id) return record.image_name;
    return no_trunc ? record.image_id.str() : std::string(record.image_id.short_hex());
  };
  std::vector<nlohmann::json> rows;
  int shown = 0;
  for (const auto& record : *records) {
    if (last > 0 && shown >= last) break;
    if (!everything && !record.state.active()) continue;
    if (!keep(record, *filters)) continue;
    ++shown;
    if (quiet) {
      env.out((no_trunc ? record.id : record.id.substr(0, 12)) + "\n");
      continue;
    }
    std::optional<ContainerSizes> sizes;
    if (measure_sizes) {
      sizes = ContainerSizes{.rw = (*containers)->writable_size(record)};
      if (auto image = image_size(record.image_id)) sizes->root_fs = sizes->rw + *image;
    }
    rows.push_back(container_row(record, now, no_trunc, sizes));
    rows.back()["Image"] = image_column(record);
  }
  if (quiet) return 0;
  auto rendered = render_list(format, {size ? kTableFormatWithSize : kTableFormat, &container_headers()}, rows);
  if (!rendered) return env.report(rendered.error());
  env.out(*rendered);
  return 0;
}

}  // namespace berth::cli
