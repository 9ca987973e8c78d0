// volume inspect: docker's JSON array (4-space indent) or one line per
// volume from a -f template; a missing volume is "No such volume: NAME".
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/go_json.h"
#include "cli/go_template.h"
#include "volume/volume_json.h"

namespace berth::cli {

int command_volume_inspect(Invocation& invocation) {
  std::string format;
  invocation.flags()
      .add_option("-f,--format", format,
                  "Format output using a custom template:\n"
                  "'json':             Print in JSON format\n"
                  "'TEMPLATE':         Print output using the given Go template.\n"
                  "Refer to https://docs.docker.com/go/formatting/ for more information about formatting output "
                  "with templates")
      ->type_name("string");
  if (auto status = invocation.parse(at_least(1))) return *status;

  CommandEnv& env = invocation.env;
  std::optional<Template> format_template;
  if (!format.empty() && format != "json") {
    auto parsed = Template::parse(format);
    if (!parsed) {
      env.err(fmt::format("template parsing error: {}\n", parsed.error().message));
      return 64;  // docker's status for a template that does not parse
    }
    format_template = std::move(*parsed);
  }
  auto service = env.volumes();
  if (!service) return env.report(service.error());

  std::vector<nlohmann::ordered_json> found;
  std::vector<std::string> errors;
  for (const std::string& name : invocation.args()) {
    auto volume = (*service)->inspect(name);
    if (!volume) {
      errors.push_back(volume::is_no_such_volume(volume.error()) ? "No such volume: " + name : volume.error().message);
      continue;
    }
    found.push_back(volume::volume_json(*volume));
  }
  std::string out;
  if (format_template) {
    for (const auto& volume : found) {
      auto line = format_template->execute(nlohmann::json::parse(volume.dump()));
      if (!line) {
        errors.push_back(line.error().message);
        continue;
      }
      out += *line + "\n";
    }
  } else {
    nlohmann::ordered_json array = nlohmann::ordered_json::array();
    for (auto& volume : found) array.push_back(std::move(volume));
    out = go_json_indent(array, 4, /*escape_html=*/true) + "\n";
  }
  env.out(out);
  for (const std::string& error : errors) env.err("Error: " + error + "\n");
  return errors.empty() ? 0 : 1;
}

}  // namespace berth::cli
