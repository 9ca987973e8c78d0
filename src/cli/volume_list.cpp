// volume ls: docker's columns (DRIVER, VOLUME NAME), -q, --filter and
// --format (table, table TEMPLATE, json, TEMPLATE); names in natural order.
#include <algorithm>

#include "cli/commands.h"
#include "cli/list_format.h"
#include "cli/volume_flags.h"

namespace berth::cli {

int command_volume_ls(Invocation& invocation) {
  bool quiet = false;
  std::string format;
  std::vector<std::string> filters;
  auto& flags = invocation.flags();
  flags.add_option("-f,--filter", filters, "Provide filter values (e.g. \"dangling=true\")")
      ->type_name("filter")
      ->allow_extra_args(false);
  flags
      .add_option("--format", format,
                  "Format output using a custom template:\n"
                  "'table':            Print output in table format with column headers (default)\n"
                  "'table TEMPLATE':   Print output in table format using the given Go template\n"
                  "'json':             Print in JSON format\n"
                  "'TEMPLATE':         Print output using the given Go template.\n"
                  "Templates support {{.Field}} and {{json .Field}} for now")
      ->type_name("string");
  flags.add_flag("-q,--quiet", quiet, "Only display volume names");
  if (auto status = invocation.parse(no_args)) return *status;
  if (auto status = normalize_filter_flags(invocation, filters, "-f, --filter")) return *status;

  CommandEnv& env = invocation.env;
  if (auto checked = check_list_format(format); !checked) return env.report(checked.error());
  auto service = env.volumes();
  if (!service) return env.report(service.error());
  auto volumes = (*service)->list(filters);
  if (!volumes) return env.report(volumes.error());
  std::stable_sort(volumes->begin(), volumes->end(),
                   [](const volume::Volume& a, const volume::Volume& b) { return natural_less(a.name, b.name); });

  // As docker: -q replaces the default table only, not a format given.
  if (quiet && (format.empty() || format == "table")) format = "{{.Name}}";
  std::vector<nlohmann::json> rows;
  for (const volume::Volume& volume : *volumes) rows.push_back(volume_row_fields(volume));
  auto rendered = render_list(format, {"table {{.Driver}}\\t{{.Name}}", &volume_headers()}, rows);
  if (!rendered) return env.report(rendered.error());
  env.out(*rendered);
  return 0;
}

}  // namespace berth::cli
