#include "engine/local_image_service.h"

namespace berth {

std::unexpected<Error> no_such_image(std::string_view name) {
  return std::unexpected(Error{fmt::format("No such image: {}", name), ENOENT});
}

std::string normalize_image_name(std::string_view name) {
  if (looks_like_image_id(name)) return std::string(name);
  auto ref = parse_reference(name);
  if (!ref) return std::string(name);
  return ref->str();
}

Result<std::unique_ptr<ImageService>> ImageService::open(const EngineOptions& options) {
  StorePaths paths{.root = options.root, .runroot = options.runroot};
  BERTH_TRY(prepare_store_dirs(paths));
  BERTH_ASSIGN(auto metadata, MetadataStore::open(paths));
  return std::unique_ptr<ImageService>(new LocalImageService(options, paths, std::move(metadata)));
}

LocalImageService::LocalImageService(EngineOptions options, StorePaths paths, MetadataStore metadata)
    : options_(std::move(options)),
      paths_(paths),
      content_(paths),
      layers_(paths),
      metadata_(std::move(metadata)),
      events_(options_.runroot / "events.log") {}

RegistryOptions LocalImageService::registry_options() const {
  RegistryOptions registry;
  registry.insecure_registries = options_.insecure_registries;
  registry.docker_config = options_.docker_config.empty() ? default_docker_config_path() : options_.docker_config;
  registry.cert_dir = options_.cert_dir;
  return registry;
}

void LocalImageService::report(const TransferProgress& progress, const TransferEvent& event) {
  if (!progress) return;
  std::lock_guard lock(progress_mutex_);
  progress(event);
}

Result<ImageRecord> LocalImageService::find_record(std::string_view name) {
  if (name.empty()) return no_such_image(name);
  std::string normalized = normalize_image_name(name);
  BERTH_ASSIGN(auto found, metadata_.find_image(normalized));
  // As docker: a name that is no reference may be an id prefix ("e387950474c1"
  // would otherwise only be tried as docker.io/library/e387950474c1:latest).
  // A failed id search ("Multiple IDs found" for a short name) is no image
  // either, so that `run` still pulls such a name.
  if (!found && normalized != name) {
    if (auto by_id = metadata_.find_image(name); by_id && *by_id) found = std::move(*by_id);
  }
  if (!found) return no_such_image(name);
  return std::move(*found);
}

ImageSummary LocalImageService::summarize(const ImageRecord& record) const {
  ImageSummary summary;
  summary.id = record.id;
  summary.tags = record.tags;
  summary.repo_digests = record.repo_digests;
  summary.created_unix = record.created_unix;
  summary.size = record.size;
  summary.parent = record.parent;
  summary.manifest_digest = record.manifest_digest;
  if (auto config = parse_image_config(record.config_json)) {
    summary.config = std::move(config->json);
    summary.diff_ids = std::move(config->diff_ids);
  }
  return summary;
}

Result<LayerRecord> LocalImageService::record_existing_layer(const LayerInput& input, const Digest& chain) {
  BERTH_ASSIGN(auto known, metadata_.get_layer(chain));
  if (known) return std::move(*known);
  // On disk but not recorded: a pull died between the two. Record it now.
  BERTH_ASSIGN(uint64_t size, layers_.disk_usage(chain));
  LayerRecord record{.chain_id = chain,
                     .diff_id = input.diff_id,
                     .parent = input.parent_chain,
                     .size = size,
                     .blob_digest = input.blob_digest,
                     .blob_media_type = input.blob_media_type,
                     .blob_size = input.blob_size};
  BERTH_TRY(metadata_.put_layer(record));
  return record;
}

Status LocalImageService::commit_image(const ImageRecord& record, const std::vector<Digest>& blobs) {
  // put_image records the config and manifest as the image's blobs and its
  // layers' blobs through the layer rows; anything else (an index) is added
  // in the same transaction.
  BERTH_ASSIGN(auto transaction, metadata_.transaction());
  BERTH_TRY(metadata_.put_image(record));
  BERTH_TRY(metadata_.add_image_blobs(record.id, blobs));
  return transaction.commit();
}

Result<std::vector<ImageSummary>> LocalImageService::list() {
  BERTH_ASSIGN(auto records, metadata_.list_images());
  std::vector<ImageSummary> out;
  out.reserve(records.size());
  for (auto& record : records) out.push_back(summarize(record));
  return out;
}

Result<ImageSummary> LocalImageService::find(std::string_view name) {
  BERTH_ASSIGN(auto record, find_record(name));
  return summarize(record);
}

Status LocalImageService::tag(std::string_view source, std::string_view target) {
  BERTH_ASSIGN(auto record, find_record(source));
  auto ref = parse_reference(target);
  if (!ref) return with_context(std::move(ref), fmt::format("tag {}", target));
  if (ref->digest) return fail("refusing to create a tag with a digest reference");
  BERTH_TRY(metadata_.add_tag(tag_key(*ref), record.id));
  emit("tag", record.id.str(), {{"name", ref->familiar()}});
  return {};
}

void LocalImageService::emit(std::string action, std::string id, std::map<std::string, std::string> attributes) const {
  events_.emit(
      Event{.type = "image", .action = std::move(action), .actor_id = std::move(id), .attributes = std::move(attributes)});
}

}  // namespace berth
