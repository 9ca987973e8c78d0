// volume create: Docker's flags and checks (labels as opts.ValidateLabel,
// -o as opts.MapOpts), the volume's name on stdout.
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/volume_flags.h"

namespace berth::cli {

namespace {

constexpr std::string_view kWhitespace = " \t";

// docker's opts.ValidateLabel: KEY[=VALUE], KEY non-empty and without whitespace.
std::optional<std::string> label_problem(std::string_view label) {
  std::string_view key = label.substr(0, label.find('='));
  key.remove_prefix(std::min(key.find_first_not_of(kWhitespace), key.size()));
  if (key.empty()) return fmt::format("invalid label '{}': empty name", label);
  if (key.find_first_of(kWhitespace) != std::string_view::npos)
    return fmt::format("label '{}' contains whitespaces", key);
  return std::nullopt;
}

std::pair<std::string, std::string> split_pair(const std::string& text) {
  auto equals = text.find('=');
  if (equals == std::string::npos) return {text, ""};
  return {text.substr(0, equals), text.substr(equals + 1)};
}

}  // namespace

int command_volume_create(Invocation& invocation) {
  std::string driver = "local", name;
  std::vector<std::string> labels, options;
  auto& flags = invocation.flags();
  flags.add_option("-d,--driver", driver, "Specify volume driver name (default \"local\")")->type_name("string");
  flags.add_option("--label", labels, "Set metadata for a volume")->type_name("list")->allow_extra_args(false);
  flags.add_option("--name", name, "Specify volume name")->type_name("string");
  flags.add_option("-o,--opt", options, "Set driver specific options (default map[])")
      ->type_name("map")
      ->allow_extra_args(false);
  if (auto status = invocation.parse(at_most(1))) return *status;

  CommandEnv& env = invocation.env;
  for (const std::string& label : labels)
    if (auto problem = label_problem(label)) return flag_value_error(invocation, label, "--label", *problem);
  if (!invocation.args().empty()) {
    if (!name.empty() && name != invocation.args()[0])
      return env.report(Error{"conflicting options: either specify --name or provide positional arg, not both"});
    name = invocation.args()[0];
  }

  volume::CreateRequest request{.name = name, .driver = driver};
  for (const std::string& label : labels) {
    auto [key, value] = split_pair(label);
    request.labels[key] = value;
  }
  for (const std::string& option : options) {
    auto [key, value] = split_pair(option);
    request.options[key] = value;
  }
  auto service = env.volumes();
  if (!service) return env.report(service.error());
  auto created = (*service)->create(request);
  if (!created) return env.report(created.error());
  env.out(created->volume.name + "\n");
  return 0;
}

}  // namespace berth::cli
