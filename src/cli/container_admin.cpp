// pause, unpause, rename, top, port, diff and container prune, with docker's
// arguments, output and exit statuses.
#include <fmt/format.h>

#include <chrono>
#include <cstdlib>

#include "cli/commands.h"
#include "cli/container_each.h"
#include "cli/human_units.h"
#include "cli/prune_sections.h"
#include "cli/terminal.h"

namespace berth::cli {

namespace {

constexpr std::string_view prune_warning =
    "WARNING! This will remove all stopped containers.\nAre you sure you want to continue?";

}  // namespace

int command_pause(Invocation& invocation) {
  if (auto status = invocation.parse(at_least(1))) return *status;
  return for_each_container(invocation, [&](ContainerService& containers, const std::string& name) -> Status {
    BERTH_TRY(containers.pause(name));
    invocation.env.out(name + "\n");
    return {};
  });
}

int command_unpause(Invocation& invocation) {
  if (auto status = invocation.parse(at_least(1))) return *status;
  return for_each_container(invocation, [&](ContainerService& containers, const std::string& name) -> Status {
    BERTH_TRY(containers.unpause(name));
    invocation.env.out(name + "\n");
    return {};
  });
}

int command_rename(Invocation& invocation) {
  if (auto status = invocation.parse(exactly(2))) return *status;
  CommandEnv& env = invocation.env;
  auto containers = env.containers();
  if (!containers) return env.report(containers.error());
  if (auto renamed = (*containers)->rename(invocation.args()[0], invocation.args()[1]); !renamed)
    return env.report(renamed.error());
  return 0;
}

int command_top(Invocation& invocation) {
  // CONTAINER [ps OPTIONS]: everything after the container is ps's.
  std::string container;
  std::vector<std::string> ps_args;
  auto& flags = invocation.flags();
  CLI::Option_group* arguments = flags.add_option_group("arguments");
  arguments->add_option("CONTAINER", container);
  arguments->add_option("ARGS", ps_args)->allow_extra_args(true);
  flags.positionals_at_end(true);
  if (auto status = invocation.parse(at_least(0))) return *status;
  if (container.empty()) return invocation.report_argument_count(at_least(1));
  CommandEnv& env = invocation.env;
  auto containers = env.containers();
  if (!containers) return env.report(containers.error());
  auto table = (*containers)->top(container, ps_args);
  if (!table) return env.report(table.error());
  env.out(*table);
  return 0;
}

// Ports are published by the networking work; until then a container has
// none, and asking for one gets docker's answer for an unpublished port.
int command_port(Invocation& invocation) {
  if (auto status = invocation.parse(between(1, 2))) return *status;
  CommandEnv& env = invocation.env;
  auto containers = env.containers();
  if (!containers) return env.report(containers.error());
  auto record = (*containers)->find(invocation.args()[0]);
  if (!record) return env.report(record.error());
  if (invocation.args().size() == 2) {
    std::string port = invocation.args()[1];
    if (port.find('/') == std::string::npos) port += "/tcp";
    return env.report(Error{fmt::format("No public port '{}' published for {}", port, invocation.args()[0])});
  }
  return 0;
}

int command_diff(Invocation& invocation) {
  if (auto status = invocation.parse(exactly(1))) return *status;
  CommandEnv& env = invocation.env;
  auto containers = env.containers();
  if (!containers) return env.report(containers.error());
  auto changes = (*containers)->changes(invocation.args()[0]);
  if (!changes) return env.report(changes.error());
  std::string out;
  for (const ContainerChange& change : *changes) {
    char letter = change.kind == ContainerChange::Kind::added ? 'A'
                  : change.kind == ContainerChange::Kind::deleted ? 'D'
                                                                  : 'C';
    out += fmt::format("{} {}\n", letter, change.path);
  }
  env.out(out);
  return 0;
}

int command_container_prune(Invocation& invocation) {
  bool force = false;
  std::vector<std::string> filters;
  auto& flags = invocation.flags();
  flags.add_option("--filter", filters, "Provide filter values (e.g. \"until=<timestamp>\")")
      ->type_name("filter")
      ->allow_extra_args(false);
  flags.add_flag("-f,--force", force, "Do not prompt for confirmation");
  if (auto status = invocation.parse(no_args)) return *status;
  CommandEnv& env = invocation.env;
  if (auto checked = check_prune_filters(filters); !checked) return env.report(checked.error());
  // A "no" ends quietly and successfully, as docker's cancelled prompt.
  if (!force && !confirm(env, prune_warning)) return 0;
  auto removed = prune_containers(env, filters);
  if (!removed) return env.report(removed.error());
  env.out(removed->text + reclaimed_line(removed->reclaimed_bytes));
  for (const std::string& error : removed->errors) env.report(Error{error});
  return removed->errors.empty() ? 0 : 1;
}

}  // namespace berth::cli
