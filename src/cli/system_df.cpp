// system df: docker's summary of disk use. Only images exist so far; the
// containers, local volumes and build cache rows stay at zero until they do.
#include <fmt/format.h>

#include "cli/commands.h"
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
    // The engine does not report which bytes images share yet.
    table.add_row({repository, tag, image_id_text(image.id, true), created_since(image.created_unix, now),
                   human_size_with_precision(double(image.size), 3), "N/A", "N/A", std::to_string(image.containers)});
  }
  return table.str();
}

std::string header_only(const std::vector<std::string>& headers) {
  TableWriter table;
  table.add_row(headers);
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
  auto service = env.images();
  if (!service) return env.report(service.error());
  auto usage = (*service)->disk_usage();
  if (!usage) return env.report(usage.error());

  if (verbose) {
    std::string out = "Images space usage:\n\n" + images_space_usage(*usage, env.now());
    out += "\nContainers space usage:\n\n" +
           header_only({"CONTAINER ID", "IMAGE", "COMMAND", "LOCAL VOLUMES", "SIZE", "CREATED", "STATUS", "NAMES"});
    out += "\nLocal Volumes space usage:\n\n" + header_only({"VOLUME NAME", "LINKS", "SIZE"});
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
      usage_row("Containers", 0, 0, 0, 0),
      usage_row("Local Volumes", 0, 0, 0, 0),
      usage_row("Build Cache", 0, 0, 0, 0),
  };
  auto rendered = render_list(
      format, {"table {{.Type}}\\t{{.TotalCount}}\\t{{.Active}}\\t{{.Size}}\\t{{.Reclaimable}}", &headers}, rows);
  if (!rendered) return env.report(rendered.error());
  env.out(*rendered);
  return 0;
}

}  // namespace berth::cli
