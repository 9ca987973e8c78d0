// What container, image and volume prune remove, each as its section of
// docker's output ("Deleted Containers:\n<id>\n\n") and the bytes it freed:
// shared by each kind's own prune and by system prune, which runs them all.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "cli/command_env.h"

namespace berth::cli {

struct PruneSection {
  std::string text;  // empty when nothing was removed
  uint64_t reclaimed_bytes = 0;
  std::vector<std::string> errors;  // what could not be removed (the rest was)
};

// The error docker gives for a malformed container prune filter, before any prompt.
Status check_prune_filters(const std::vector<std::string>& filters);
// Every container not running that matches `filters` (label=, label!=, until=).
Result<PruneSection> prune_containers(CommandEnv& env, const std::vector<std::string>& filters);
// Dangling images, or with `all` every image no container uses.
Result<PruneSection> prune_images(CommandEnv& env, bool all);
// Volumes no container uses: anonymous ones, or all with "all=true" among `filters`.
Result<PruneSection> prune_volumes(CommandEnv& env, const std::vector<std::string>& filters);

// "Total reclaimed space: 1.2MB\n"
std::string reclaimed_line(uint64_t bytes);

}  // namespace berth::cli
