// Docker's `image inspect` object and `history` rows, from the stored config.
#include "engine/local_image_service.h"

namespace berth {
namespace {

std::string familiar_or_same(const std::string& full) {
  auto ref = parse_reference(full, /*add_default_tag=*/false);
  return ref ? ref->familiar() : full;
}

std::string string_field(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

Result<nlohmann::json> LocalImageService::inspect(std::string_view name) {
  BERTH_ASSIGN(ImageRecord record, find_record(name));
  auto config = nlohmann::json::parse(record.config_json, nullptr, false);
  if (config.is_discarded() || !config.is_object()) config = nlohmann::json::object();
  nlohmann::json out;
  out["Id"] = record.id.str();
  out["RepoTags"] = nlohmann::json::array();
  for (auto& tag : record.tags) out["RepoTags"].push_back(familiar_or_same(tag));
  out["RepoDigests"] = nlohmann::json::array();
  for (auto& digest : record.repo_digests) out["RepoDigests"].push_back(familiar_or_same(digest));
  out["Parent"] = record.parent ? record.parent->str() : "";
  out["Comment"] = string_field(config, "comment");
  out["Created"] = string_field(config, "created");
  out["DockerVersion"] = string_field(config, "docker_version");
  out["Author"] = string_field(config, "author");
  out["Config"] = config.contains("config") && config["config"].is_object() ? config["config"] : nlohmann::json(nullptr);
  out["Architecture"] = string_field(config, "architecture");
  if (auto variant = string_field(config, "variant"); !variant.empty()) out["Variant"] = variant;
  out["Os"] = string_field(config, "os");
  out["Size"] = record.size;
  // Overlay directories, bottom layer last, as overlay2 shows them.
  std::string lower;
  for (auto it = record.layers.rbegin(); it != record.layers.rend(); ++it) {
    if (!lower.empty()) lower += ":";
    lower += layers_.diff_path(*it).string();
  }
  out["GraphDriver"] = {{"Name", "overlay"}, {"Data", {{"LowerDir", lower}}}};
  nlohmann::json diff_ids = nlohmann::json::array();
  if (auto rootfs = config.find("rootfs"); rootfs != config.end() && rootfs->contains("diff_ids"))
    diff_ids = (*rootfs)["diff_ids"];
  out["RootFS"] = {{"Type", "layers"}, {"Layers", diff_ids}};
  out["Metadata"] = {{"LastTagTime", format_rfc3339(record.added_unix)}};
  if (record.manifest_digest) out["Descriptor"] = {{"mediaType", record.manifest_media_type}, {"digest", record.manifest_digest->str()}};
  return out;
}

Result<std::vector<HistoryEntry>> LocalImageService::history(std::string_view name) {
  BERTH_ASSIGN(ImageRecord record, find_record(name));
  auto config = nlohmann::json::parse(record.config_json, nullptr, false);
  std::vector<uint64_t> layer_sizes;
  for (auto& chain : record.layers) {
    BERTH_ASSIGN(auto layer, metadata_.get_layer(chain));
    layer_sizes.push_back(layer ? layer->size : 0);
  }
  std::vector<HistoryEntry> entries;
  size_t next_layer = 0;
  auto history = config.is_object() ? config.find("history") : config.end();
  if (config.is_object() && history != config.end() && history->is_array()) {
    for (auto& item : *history) {
      if (!item.is_object()) continue;
      HistoryEntry entry;
      entry.created_unix = parse_rfc3339(string_field(item, "created")).value_or(0);
      entry.created_by = string_field(item, "created_by");
      entry.comment = string_field(item, "comment");
      entry.empty_layer = item.value("empty_layer", false);
      if (!entry.empty_layer && next_layer < layer_sizes.size()) entry.size = layer_sizes[next_layer++];
      entries.push_back(std::move(entry));
    }
  }
  // Layers the history does not describe (images made without history).
  for (; next_layer < layer_sizes.size(); ++next_layer)
    entries.push_back(HistoryEntry{.created_unix = record.created_unix, .size = layer_sizes[next_layer]});
  std::reverse(entries.begin(), entries.end());
  if (!entries.empty()) entries.front().image_id = record.id.str();
  return entries;
}

}  // namespace berth
