#include "cli/image_history.h"

#include "cli/commands.h"
#include "cli/human_units.h"
#include "cli/list_format.h"
#include "cli/reference_display.h"

namespace berth::cli {

nlohmann::json history_row_fields(const HistoryEntry& entry, const HistoryDisplay& display, int64_t now_unix) {
  std::string id = entry.image_id.empty() ? "<missing>" : entry.image_id;
  if (display.truncate) id = truncate_id(id);
  std::string created_by = entry.created_by;
  for (char& c : created_by)
    if (c == '\t') c = ' ';
  if (display.truncate) created_by = ellipsis(created_by, 45);
  const std::string created_at = rfc3339_utc(entry.created_unix);
  return nlohmann::json{
      {"Comment", entry.comment},
      {"CreatedAt", created_at},
      {"CreatedBy", created_by},
      {"CreatedSince", display.human ? created_since(entry.created_unix, now_unix) : created_at},
      {"ID", id},
      {"Size", display.human ? human_size_with_precision(double(entry.size), 3) : std::to_string(entry.size)},
  };
}

const nlohmann::json& history_headers() {
  static const nlohmann::json headers{
      {"Comment", "COMMENT"},
      {"CreatedAt", "CREATED AT"},
      {"CreatedBy", "CREATED BY"},
      {"CreatedSince", "CREATED"},
      {"ID", "IMAGE"},
      {"Size", "SIZE"},
  };
  return headers;
}

std::string_view history_table_format(bool human) {
  return human ? "table {{.ID}}\\t{{.CreatedSince}}\\t{{.CreatedBy}}\\t{{.Size}}\\t{{.Comment}}"
               : "table {{.ID}}\\t{{.CreatedAt}}\\t{{.CreatedBy}}\\t{{.Size}}\\t{{.Comment}}";
}

int command_history(Invocation& invocation) {
  bool human = true, no_trunc = false, quiet = false;
  std::string format;
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
  flags.add_flag("-H,--human", human, "Print sizes and dates in human readable format (default true)");
  flags.add_flag("--no-trunc", no_trunc, "Don't truncate output");
  flags.add_flag("-q,--quiet", quiet, "Only show image IDs");
  if (auto status = invocation.parse(exactly(1))) return *status;

  CommandEnv& env = invocation.env;
  if (auto checked = check_list_format(format); !checked) return env.report(checked.error());
  auto service = env.images();
  if (!service) return env.report(service.error());
  auto history = (*service)->history(invocation.args()[0]);
  if (!history) return env.report(history.error());

  const HistoryDisplay display{.truncate = !no_trunc, .human = human};
  std::vector<nlohmann::json> rows;
  for (const HistoryEntry& entry : *history) rows.push_back(history_row_fields(entry, display, env.now()));
  if (quiet && (format.empty() || format == "table")) format = "{{.ID}}";
  auto rendered = render_list(format, {history_table_format(human), &history_headers()}, rows);
  if (!rendered) return env.report(rendered.error());
  env.out(*rendered);
  return 0;
}

}  // namespace berth::cli
