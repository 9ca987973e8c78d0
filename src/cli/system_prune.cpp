// system prune: stopped containers, unused images and (with --volumes)
// unused volumes, in one go and in docker's words. Berth has no networks or
// build cache yet, so the warning does not promise to remove them.
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/prune_sections.h"
#include "cli/terminal.h"
#include "cli/volume_flags.h"

namespace berth::cli {

int command_system_prune(Invocation& invocation) {
  bool all = false, force = false, volumes = false;
  std::vector<std::string> filters;
  auto& flags = invocation.flags();
  flags.add_flag("-a,--all", all, "Remove all unused images not just dangling ones");
  flags.add_option("--filter", filters, "Provide filter values (e.g. \"label=<key>=<value>\")")
      ->type_name("filter")
      ->allow_extra_args(false);
  flags.add_flag("-f,--force", force, "Do not prompt for confirmation");
  flags.add_flag("--volumes", volumes, "Prune anonymous volumes");
  if (auto status = invocation.parse(no_args)) return *status;
  if (auto status = normalize_filter_flags(invocation, filters, "--filter")) return *status;
  CommandEnv& env = invocation.env;
  if (auto checked = check_prune_filters(filters); !checked) return env.report(checked.error());
  // Image prune takes no filters yet: pruning images a filter was meant to
  // keep would be worse than refusing.
  if (!filters.empty())
    return env.report(Error{"--filter is not supported by system prune yet: use container prune or volume prune"});

  std::string warning = "WARNING! This will remove:\n  - all stopped containers\n";
  if (volumes) warning += "  - all anonymous volumes not used by at least one container\n";
  warning += all ? "  - all images without at least one container associated to them\n" : "  - all dangling images\n";
  if (!force && !confirm(env, warning + "\nAre you sure you want to continue?")) return 0;

  uint64_t reclaimed = 0;
  bool failed = false;
  auto show = [&](Result<PruneSection> section) {
    if (!section) {
      env.report(section.error());
      failed = true;
      return;
    }
    env.out(section->text);
    reclaimed += section->reclaimed_bytes;
    for (const std::string& error : section->errors) env.report(Error{error});
    if (!section->errors.empty()) failed = true;
  };
  // Containers first: the images and volumes they held become unused.
  show(prune_containers(env, filters));
  if (volumes) show(prune_volumes(env, filters));
  show(prune_images(env, all));
  env.out(reclaimed_line(reclaimed));
  return failed ? 1 : 0;
}

}  // namespace berth::cli
