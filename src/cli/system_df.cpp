// system df: docker's summary of disk use by images, containers and local
// volumes (there is no build cache yet: that row stays at zero), and with
// -v, a table of each.
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/container_columns.h"
#include "cli/human_units.h"
#include "cli/image_list.h"
#include "cli/list_format.h"
#include "cli/table_writer.h"
#include "oci/image_reference.h"

namespace berth::cli {

namespace {

std::string reclaimable_text(uint64_t reclaimable, uint64_t total) {
  if (total == 0) return human_size(double(reclaimable));
  return fmt::format("{} ({}%)", human_size(double(reclaimable)), reclaimable * 100 / total);
}

nlohmann::json usage_row(std::string_view type, uint64_t total_count, uint64_t active, uint64_t size,
                         uint64_t reclaimable) {
  return nlohmann::json{{"Type", type},
                        {"TotalCount", std::to_string(total_count)},
                        {"Active", std::to_string(active)},
                        {"Size", human_size(double(size))},
                        {"Reclaimable", reclaimable_text(reclaimable, size)}};
}

// docker's verbose image table shows each image once, under its first tag.
std::string images_space_usage(const ImageDiskUsage& usage, int64_t now) {
  TableWriter table;
  table.add_row({"REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE", "SHARED SIZE", "UNIQUE SIZE", "CONTAINERS"});
  for (const ImageSummary& image : usage.details) {
    std::string repository = "<none>", tag = "<none>";
    if (!image.tags.empty()) {
      auto reference = parse_reference(image.tags.front(), /*add_default_tag=*/false);
      if (!reference || reference->tag.empty()) continue;
      repository = reference->familiar_name();
      tag = reference->tag;
    }
    std::string shared = "N/A", unique = "N/A";
    if (image.shared_size) {
      shared = human_size_with_precision(double(*image.shared_size), 3);
      unique = human_size_with_precision(double(image.size > *image.shared_size ? image.size - *image.shared_size : 0), 3);
    }
    table.add_row({repository, tag, image_id_text(image.id, true), created_since(image.created_unix, now),
                   human_size_with_precision(double(image.size), 3), shared, unique, std::to_string(image.containers)});
  }
  return table.str();
}

std::string header_only(const std::vector<std::string>& headers) {
  TableWriter table;
  table.add_row(headers);
  return table.str();
}

struct MeasuredContainer {
  ContainerRecord record;
  uint64_t size_rw = 0;
};

Result<std::string> containers_space_usage(const std::vector<MeasuredContainer>& containers, int64_t now) {
  static const nlohmann::json headers{{"ID", "CONTAINER ID"},  {"Image", "IMAGE"},       {"Command", "COMMAND"},
                                      {"LocalVolumes", "LOCAL VOLUMES"}, {"Size", "SIZE"}, {"RunningFor", "CREATED"},
                                      {"Status", "STATUS"},     {"Names", "NAMES"}};
  std::vector<nlohmann::json> rows;
  // The writable layer only: docker leaves the image (virtual size) out here.
  for (const auto& [record, size_rw] : containers)
    rows.push_back(container_row(record, now, /*no_trunc=*/false, ContainerSizes{.rw = size_rw}));
  return render_list("", {"table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.LocalVolumes}}\t{{.Size}}\t{{.RunningFor}}\t"
                          "{{.Status}}\t{{.Names}}", &headers}, rows);
}

std::string volumes_space_usage(const volume::VolumeDiskUsage& usage) {
  TableWriter table;
  table.add_row({"VOLUME NAME", "LINKS", "SIZE"});
  for (const auto& [volume, size] : usage.details)
    table.add_row({volume.name, std::to_string(volume.references), human_size_with_precision(double(size), 3)});
  return table.str();
}

}  // namespace

int command_system_df(Invocation& invocation) {
  std::string format;
  bool verbose = false;
  auto& flags = invocation.flags();
  flags
      .add_option("--format", format,
                  "Format output using a custom template:\n"
                  "'table':            Print output in table format with column headers (default)\n"
                  "'table TEMPLATE':   Print output in table format using the given Go template\n"
                  "'json':             Print in JSON format\n"
                  "'TEMPLATE':         Print output using the given Go template.\n"
                  "Refer to https://docs.docker.com/go/formatting/ for more information about formatting output "
                  "with templates")
      ->type_name("string");
  flags.add_flag("-v,--verbose", verbose, "Show detailed information on space usage");
  if (auto status = invocation.parse(no_args)) return *status;

  CommandEnv& env = invocation.env;
  if (verbose && !format.empty() && format != "table")
    return env.report(Error{"--format is not supported with --verbose yet"});
  if (auto checked = check_list_format(format); !checked) return env.report(checked.error());
  auto containers = env.containers();
  if (!containers) return env.report(containers.error());
  auto records = (*containers)->list();
  if (!records) return env.report(records.error());
  std::vector<MeasuredContainer> measured;
  std::map<Digest, int> containers_per_image;
  uint64_t containers_size = 0, containers_reclaimable = 0, active_containers = 0;
  for (auto& record : *records) {
    uint64_t size_rw = (*containers)->writable_size(record);
    containers_size += size_rw;
    if (record.state.active()) {
      ++active_containers;
    } else {
      containers_reclaimable += size_rw;
    }
    ++containers_per_image[record.image_id];
    measured.push_back({std::move(record), size_rw});
  }
  auto service = env.images();
  if (!service) return env.report(service.error());
  auto usage = (*service)->disk_usage(containers_per_image);
  if (!usage) return env.report(usage.error());
  auto volumes = env.volumes();
  if (!volumes) return env.report(volumes.error());
  auto volume_usage = (*volumes)->disk_usage();
  if (!volume_usage) return env.report(volume_usage.error());

  if (verbose) {
    auto container_table = containers_space_usage(measured, env.now());
    if (!container_table) return env.report(container_table.error());
    std::string out = "Images space usage:\n\n" + images_space_usage(*usage, env.now());
    out += "\nContainers space usage:\n\n" + *container_table;
    out += "\nLocal Volumes space usage:\n\n" + volumes_space_usage(*volume_usage);
    out += fmt::format("\nBuild cache usage: {}\n\n", human_size(0));
    out += header_only({"CACHE ID", "CACHE TYPE", "SIZE", "CREATED", "LAST USED", "USAGE", "SHARED"});
    env.out(out);
    return 0;
  }
  static const nlohmann::json headers{{"Type", "TYPE"},
                                      {"TotalCount", "TOTAL"},
                                      {"Active", "ACTIVE"},
                                      {"Size", "SIZE"},
                                      {"Reclaimable", "RECLAIMABLE"}};
  std::vector<nlohmann::json> rows = {
      usage_row("Images", usage->images, usage->active_images, usage->size, usage->reclaimable),
      usage_row("Containers", measured.size(), active_containers, containers_size, containers_reclaimable),
      usage_row("Local Volumes", volume_usage->volumes, volume_usage->active, volume_usage->size,
                volume_usage->reclaimable),
      usage_row("Build Cache", 0, 0, 0, 0),
  };
  auto rendered = render_list(
      format, {"table {{.Type}}\\t{{.TotalCount}}\\t{{.Active}}\\t{{.Size}}\\t{{.Reclaimable}}", &headers}, rows);
  if (!rendered) return env.report(rendered.error());
  env.out(*rendered);
  return 0;
}

}  // namespace berth::cli
