// ImageService over the local store, daemonless: every berth process opens the
// store itself; SQLite transactions and per-layer/per-blob locks make several
// processes at once safe.
#pragma once

#include <functional>
#include <mutex>

#include "engine/event_log.h"
#include "engine/image_service.h"
#include "image/byte_stream.h"
#include "oci/image_reference.h"
#include "registry/registry_client.h"
#include "store/content_store.h"
#include "store/garbage_collect.h"
#include "store/layer_store.h"
#include "store/metadata_store.h"
#include "store/store_paths.h"

namespace berth {

using store::chain_id;
using store::ContentStore;
using store::ImageRecord;
using store::LayerRecord;
using store::LayerStore;
using store::MetadataStore;
using store::StorePaths;

// The key tags are stored under: "docker.io/library/busybox:latest".
inline std::string tag_key(const ImageReference& ref) { return fmt::format("{}:{}", ref.name(), ref.tag); }

class LocalImageService final : public ImageService {
 public:
  LocalImageService(EngineOptions options, StorePaths paths, MetadataStore metadata);

  Result<PullResult> pull(std::string_view reference, const PullOptions& options) override;
  Result<PushResult> push(std::string_view reference, const PushOptions& options) override;
  Result<std::vector<ImageSummary>> list() override;
  Result<ImageSummary> find(std::string_view name) override;
  Result<nlohmann::json> inspect(std::string_view name) override;
  Status tag(std::string_view source, std::string_view target) override;
  Result<RemoveReport> remove(std::string_view name, bool force) override;
  Result<RemoveReport> prune(bool all) override;
  Result<std::vector<HistoryEntry>> history(std::string_view name) override;
  Status save(const std::vector<std::string>& names, SaveFormat format, int output_fd) override;
  Result<LoadReport> load(int input_fd) override;
  Result<Digest> import(int input_fd, const ImportOptions& options) override;

  // docker commit: the base image plus one layer that `write_layer` writes
  // as a tar stream; returns the new image's id.
  struct CommitRequest {
    Digest base;
    std::function<Status(ByteSink&)> write_layer;
    nlohmann::json container_config;   // the new image's "config", before `changes`
    std::vector<std::string> changes;  // Dockerfile instructions (--change)
    std::string container_id;
    std::string author, comment, created_by;
    std::string reference;  // tag for the new image; empty: untagged
  };
  Result<Digest> commit_container(const CommitRequest& request);
  // Writes a locally made image's config and OCI manifest (its layers
  // already stored) and records it, tagged `ref` if given; its id.
  Result<Digest> store_local_image(const nlohmann::json& config, std::vector<Descriptor> layers,
                                   std::vector<Digest> chains, const std::optional<ImageReference>& ref,
                                   const std::optional<Digest>& parent);
  Result<ImageDiskUsage> disk_usage(const std::map<Digest, int>& containers_per_image) override;
  Result<std::string> login(std::string_view server, std::string_view username, std::string_view password) override;
  Result<std::string> logout(std::string_view server) override;

  // Shared with the files that implement the operations above.
  RegistryOptions registry_options() const;
  Result<ImageRecord> find_record(std::string_view name);
  ImageSummary summarize(const ImageRecord& record) const;
  // Extracts one layer from a compressed or plain tar stream into the layer
  // store (if it is not there yet) and records it. Returns the record.
  struct LayerInput {
    Digest diff_id;                      // expected; verified against the stream
    std::optional<Digest> parent_chain;
    std::optional<Digest> blob_digest;   // compressed blob in the content store, if any
    std::string blob_media_type;
    uint64_t blob_size = 0;
  };
  Result<LayerRecord> record_existing_layer(const LayerInput& input, const Digest& chain);
  // Adds an image (all layers already stored) with its tags and the blobs it
  // keeps alive, in one transaction.
  Status commit_image(const ImageRecord& record, const std::vector<Digest>& blobs);
  void report(const TransferProgress& progress, const TransferEvent& event);

  const StorePaths& paths() const { return paths_; }
  ContentStore& content() { return content_; }
  LayerStore& layers() { return layers_; }
  MetadataStore& metadata() { return metadata_; }

 private:
  // docker events of images (pull, tag, untag, delete, import). Best
  // effort: a failed append is a warning, never the act's failure.
  void emit(std::string action, std::string id, std::map<std::string, std::string> attributes = {}) const;
  void emit_removal(const RemoveReport& report) const;
  // remove() and prune() before their events.
  Result<RemoveReport> remove_image(std::string_view name, bool force);
  Result<RemoveReport> prune_images(bool all);

  EngineOptions options_;
  StorePaths paths_;
  ContentStore content_;
  LayerStore layers_;
  MetadataStore metadata_;
  std::mutex progress_mutex_;
  EventLog events_;
};

// "No such image: NAME", the error every lookup gives.
std::unexpected<Error> no_such_image(std::string_view name);
// Normalizes a user-typed name to the full reference the store keys tags by
// ("busybox" → "docker.io/library/busybox:latest"); ids are returned as given.
std::string normalize_image_name(std::string_view name);

}  // namespace berth
