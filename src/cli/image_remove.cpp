// rmi and image prune: what was untagged and deleted, in docker's words.
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/prune_sections.h"
#include "cli/reference_display.h"
#include "cli/terminal.h"

namespace berth::cli {

namespace {

constexpr std::string_view dangling_warning =
    "WARNING! This will remove all dangling images.\nAre you sure you want to continue?";
constexpr std::string_view all_images_warning =
    "WARNING! This will remove all images without at least one container associated to them.\n"
    "Are you sure you want to continue?";

bool is_not_found(const Error& error) { return error.message.find("No such image") != std::string::npos; }

}  // namespace

int command_rmi(Invocation& invocation) {
  bool force = false;
  invocation.flags().add_flag("-f,--force", force, "Force removal of the image");
  if (auto status = invocation.parse(at_least(1))) return *status;

  CommandEnv& env = invocation.env;
  auto service = env.images();
  if (!service) return env.report(service.error());
  std::vector<Error> errors;
  for (const std::string& name : invocation.args()) {
    auto removed = (*service)->remove(name, force);
    if (!removed) {
      errors.push_back(std::move(removed.error()));
      continue;
    }
    std::string out;
    for (const std::string& reference : removed->untagged) out += "Untagged: " + familiar_string(reference) + "\n";
    for (const Digest& id : removed->deleted) out += "Deleted: " + id.str() + "\n";
    env.out(out);
  }
  // As docker: every failure is shown; with --force, images that do not exist are not a failure.
  bool failed = false;
  for (const Error& error : errors) {
    env.report(error);
    if (!force || !is_not_found(error)) failed = true;
  }
  return failed ? 1 : 0;
}

int command_image_prune(Invocation& invocation) {
  bool all = false, force = false;
  invocation.flags().add_flag("-a,--all", all, "Remove all unused images, not just dangling ones");
  invocation.flags().add_flag("-f,--force", force, "Do not prompt for confirmation");
  if (auto status = invocation.parse(no_args)) return *status;

  CommandEnv& env = invocation.env;
  // A "no" ends quietly and successfully, as docker's cancelled prompt.
  if (!force && !confirm(env, all ? all_images_warning : dangling_warning)) return 0;
  auto pruned = prune_images(env, all);
  if (!pruned) return env.report(pruned.error());
  env.out(pruned->text + reclaimed_line(pruned->reclaimed_bytes));
  return 0;
}

}  // namespace berth::cli
