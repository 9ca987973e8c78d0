// volume rm and volume prune, in docker's words.
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/prune_sections.h"
#include "cli/terminal.h"
#include "cli/volume_flags.h"

namespace berth::cli {

namespace {

constexpr std::string_view kAnonymousWarning =
    "WARNING! This will remove anonymous local volumes not used by at least one container.\n"
    "Are you sure you want to continue?";
constexpr std::string_view kAllWarning =
    "WARNING! This will remove all local volumes not used by at least one container.\n"
    "Are you sure you want to continue?";

}  // namespace

int command_volume_rm(Invocation& invocation) {
  bool force = false;
  invocation.flags().add_flag("-f,--force", force, "Force the removal of one or more volumes");
  if (auto status = invocation.parse(at_least(1))) return *status;

  CommandEnv& env = invocation.env;
  auto service = env.volumes();
  if (!service) return env.report(service.error());
  bool failed = false;
  for (const std::string& name : invocation.args()) {
    // As docker: with --force a missing volume is removed already; its name is printed.
    if (auto removed = (*service)->remove(name, force); !removed) {
      env.report(removed.error());
      failed = true;
      continue;
    }
    env.out(name + "\n");
  }
  return failed ? 1 : 0;
}

int command_volume_prune(Invocation& invocation) {
  bool all = false, force = false;
  std::vector<std::string> filters;
  auto& flags = invocation.flags();
  flags.add_flag("-a,--all", all, "Remove all unused volumes, not just anonymous ones");
  flags.add_option("--filter", filters, "Provide filter values (e.g. \"label=<label>\")")
      ->type_name("filter")
      ->allow_extra_args(false);
  flags.add_flag("-f,--force", force, "Do not prompt for confirmation");
  if (auto status = invocation.parse(no_args)) return *status;
  if (auto status = normalize_filter_flags(invocation, filters, "--filter")) return *status;

  CommandEnv& env = invocation.env;
  if (all) {
    for (const std::string& filter : filters)
      if (filter.starts_with("all="))
        return env.report(Error{"conflicting options: cannot specify both --all and --filter all=1"});
    filters.push_back("all=true");
  }
  // A "no" ends quietly and successfully, as berth's image prune.
  if (!force && !confirm(env, all ? kAllWarning : kAnonymousWarning)) return 0;
  auto pruned = prune_volumes(env, filters);
  if (!pruned) return env.report(pruned.error());
  env.out(pruned->text + reclaimed_line(pruned->reclaimed_bytes));
  return 0;
}

}  // namespace berth::cli
