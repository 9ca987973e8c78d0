// commit: a container's changes become a new image, its base image's layers
// plus one, with the container's config (and --change instructions) as the
// new image's config and a history entry as dockerd writes one.
#include "engine/image_changes.h"
#include "engine/local_image_service.h"
#include "engine/staged_layer.h"

namespace berth {

Result<Digest> LocalImageService::commit_container(const CommitRequest& request) {
  std::optional<ImageReference> ref;
  if (!request.reference.empty()) {
    auto parsed = parse_reference(request.reference);
    if (!parsed) return with_context(std::move(parsed), "commit");
    if (parsed->digest) return fail("commit: refusing to create a tag with a digest reference");
    ref = std::move(*parsed);
  }
  nlohmann::json container_config = request.container_config;
  for (const auto& change : request.changes) BERTH_TRY(apply_config_change(container_config, change));

  BERTH_ASSIGN(ImageRecord base, find_record(request.base.str()));
  nlohmann::json config = nlohmann::json::parse(base.config_json, nullptr, false);
  if (!config.is_object()) return fail("commit: the base image's config {} is not a JSON object", base.id.str());
  if (!base.manifest_digest) return fail("commit: the store has no manifest for the base image {}", base.id.str());
  BERTH_ASSIGN(std::string manifest_bytes, content_.read_blob(*base.manifest_digest, 4 << 20));
  BERTH_ASSIGN(ManifestDocument document, parse_manifest_document(manifest_bytes, base.manifest_media_type));
  auto* base_manifest = std::get_if<ImageManifest>(&document);
  if (!base_manifest) return fail("commit: the base image's stored manifest is an index");

  BERTH_ASSIGN(auto staged, StagedLayer::create(paths_, "commit"));
  BERTH_TRY(request.write_layer(*staged));
  BERTH_ASSIGN(auto guard, store::pull_guard(paths_));
  std::optional<Digest> parent_chain;
  if (!base.layers.empty()) parent_chain = base.layers.back();
  auto stored = staged->store(*this, parent_chain);
  if (!stored) return with_context(std::move(stored), "commit");

  std::string now = format_rfc3339(time(nullptr));
  nlohmann::json history_entry = {{"created", now}, {"created_by", request.created_by}};
  if (!request.author.empty()) history_entry["author"] = request.author;
  if (!request.comment.empty()) history_entry["comment"] = request.comment;
  config["created"] = now;
  config["config"] = container_config;
  config["container"] = request.container_id;
  config.erase("author");
  config.erase("comment");
  if (!request.author.empty()) config["author"] = request.author;
  if (!request.comment.empty()) config["comment"] = request.comment;
  if (!config.contains("rootfs") || !config["rootfs"].is_object()) config["rootfs"] = {{"type", "layers"}};
  if (!config["rootfs"].contains("diff_ids") || !config["rootfs"]["diff_ids"].is_array())
    config["rootfs"]["diff_ids"] = nlohmann::json::array();
  config["rootfs"]["diff_ids"].push_back(stored->diff_id.str());
  if (!config.contains("history") || !config["history"].is_array()) config["history"] = nlohmann::json::array();
  config["history"].push_back(history_entry);
  std::vector<Descriptor> layers = base_manifest->layers;
  layers.push_back({.media_type = std::string(media_type::oci_layer_gzip),
                    .digest = stored->blob_digest,
                    .size = static_cast<int64_t>(stored->blob_size)});
  std::vector<Digest> chains = base.layers;
  chains.push_back(stored->chain);
  return store_local_image(config, std::move(layers), std::move(chains), ref, base.id);
}

Result<Digest> LocalImageService::store_local_image(const nlohmann::json& config, std::vector<Descriptor> layers,
                                                    std::vector<Digest> chains, const std::optional<ImageReference>& ref,
                                                    const std::optional<Digest>& parent) {
  std::string config_bytes = config.dump();
  BERTH_ASSIGN(Digest config_digest, content_.write_blob(config_bytes));
  ImageManifest manifest{.media_type = std::string(media_type::oci_manifest),
                         .config = {.media_type = std::string(media_type::oci_config),
                                    .digest = config_digest,
                                    .size = static_cast<int64_t>(config_bytes.size())},
                         .layers = std::move(layers)};
  std::string manifest_bytes = to_json_bytes(manifest);
  BERTH_ASSIGN(Digest manifest_digest, content_.write_blob(manifest_bytes));

  std::vector<Digest> blobs = {config_digest, manifest_digest};
  for (const auto& layer : manifest.layers) blobs.push_back(layer.digest);
  ImageRecord record;
  record.id = config_digest;
  record.config_json = config_bytes;
  record.manifest_digest = manifest_digest;
  record.manifest_media_type = manifest.media_type;
  record.layers = std::move(chains);
  record.created_unix = time(nullptr);
  record.added_unix = record.created_unix;
  record.parent = parent;
  if (ref) record.tags.push_back(tag_key(*ref));
  BERTH_TRY(commit_image(record, blobs));
  return config_digest;
}

}  // namespace berth
