// The prune sections of container, image and volume prune, and of system prune.
#include "cli/prune_sections.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <optional>

#include "cli/flag_values.h"
#include "cli/human_units.h"
#include "cli/reference_display.h"

namespace berth::cli {

namespace {

// docker's prune filters: label=KEY[=VALUE], label!=KEY[=VALUE], and
// until=TIMESTAMP (RFC 3339, Unix seconds, or a Go duration before now).
struct PruneFilters {
  std::vector<std::string> labels, not_labels;
  std::optional<int64_t> until_unix_nano;
};

Result<int64_t> parse_until(const std::string& value) {
  auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch());
  auto parsed = parse_timestamp(value, now.count());
  if (!parsed) return fail("failed to parse value for filter until: \"{}\"", value);
  return parsed;
}

Result<PruneFilters> parse_prune_filters(const std::vector<std::string>& filters) {
  PruneFilters parsed;
  for (const std::string& filter : filters) {
    size_t eq = filter.find('=');
    if (eq == std::string::npos || eq == 0) return fail("bad format of filter (expected name=value)");
    std::string key = filter.substr(0, eq), value = filter.substr(eq + 1);
    if (key == "label") {
      parsed.labels.push_back(value);
    } else if (key == "label!") {
      parsed.not_labels.push_back(value);
    } else if (key == "until") {
      BERTH_ASSIGN(parsed.until_unix_nano, parse_until(value));
    } else {
      return fail("invalid filter '{}'", key);
    }
  }
  return parsed;
}

bool has_label(const ContainerRecord& record, const std::string& label) {
  size_t eq = label.find('=');
  auto found = record.config.labels.find(label.substr(0, eq));
  if (found == record.config.labels.end()) return false;
  return eq == std::string::npos || found->second == label.substr(eq + 1);
}

bool matches(const PruneFilters& filters, const ContainerRecord& record) {
  for (const auto& label : filters.labels)
    if (!has_label(record, label)) return false;
  for (const auto& label : filters.not_labels)
    if (has_label(record, label)) return false;
  return !filters.until_unix_nano || record.created_unix_nano < *filters.until_unix_nano;
}

}  // namespace

Status check_prune_filters(const std::vector<std::string>& filters) {
  BERTH_TRY(parse_prune_filters(filters));
  return {};
}

Result<PruneSection> prune_containers(CommandEnv& env, const std::vector<std::string>& filters) {
  BERTH_ASSIGN(PruneFilters parsed, parse_prune_filters(filters));
  BERTH_ASSIGN(ContainerService * containers, env.containers());
  BERTH_ASSIGN(ContainerPruneReport removed,
               containers->prune([&](const ContainerRecord& record) { return !matches(parsed, record); }));
  PruneSection section;
  if (!removed.removed.empty()) {
    section.text = "Deleted Containers:\n";
    for (const std::string& id : removed.removed) section.text += id + "\n";
    section.text += "\n";
  }
  section.reclaimed_bytes = removed.reclaimed_bytes;
  section.errors = std::move(removed.errors);
  return section;
}

Result<PruneSection> prune_images(CommandEnv& env, bool all) {
  BERTH_ASSIGN(ImageService * images, env.images());
  BERTH_ASSIGN(auto pruned, images->prune(all));
  PruneSection section;
  if (!pruned.untagged.empty() || !pruned.deleted.empty()) {
    section.text = "Deleted Images:\n";
    for (const std::string& reference : pruned.untagged) section.text += "untagged: " + familiar_string(reference) + "\n";
    for (const Digest& id : pruned.deleted) section.text += "deleted: " + id.str() + "\n";
    section.text += "\n";
  }
  // Also when only crash leftovers went (an interrupted load's temporaries).
  section.reclaimed_bytes = pruned.reclaimed_bytes;
  return section;
}

Result<PruneSection> prune_volumes(CommandEnv& env, const std::vector<std::string>& filters) {
  BERTH_ASSIGN(volume::VolumeService * volumes, env.volumes());
  BERTH_ASSIGN(auto pruned, volumes->prune(filters));
  PruneSection section;
  if (!pruned.deleted.empty()) {
    section.text = "Deleted Volumes:\n";
    for (const std::string& name : pruned.deleted) section.text += name + "\n";
    section.text += "\n";
    section.reclaimed_bytes = pruned.reclaimed_bytes;
  }
  return section;
}

std::string reclaimed_line(uint64_t bytes) {
  return fmt::format("Total reclaimed space: {}\n", human_size(static_cast<double>(bytes)));
}

}  // namespace berth::cli
