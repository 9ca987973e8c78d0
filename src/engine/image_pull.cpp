// Pull: resolve the manifest (through an index for the wanted platform), fetch
// the config, then every missing layer in parallel, each streamed through the
// content store's digest check, decompression and extraction in one pass.
#include <algorithm>
#include <condition_variable>
#include <thread>

#include "engine/layer_ingest.h"
#include "engine/local_image_service.h"

namespace berth {
namespace {

constexpr size_t kMaxManifestBytes = 4 << 20;
constexpr size_t kMaxConfigBytes = 8 << 20;
// Docker downloads 3 layers at once; on loopback and LANs more helps, and the
// extraction half of each job is CPU-bound, so a little over the core count.
constexpr size_t kParallelLayers = 4;

struct ResolvedManifest {
  ImageManifest manifest;
  Digest digest;        // of the image manifest (not the index)
  std::string bytes;
  std::optional<std::pair<Digest, std::string>> index;  // the index the tag pointed at
};

Result<ResolvedManifest> resolve_manifest(RegistryClient& registry, const ImageReference& ref,
                                          const Platform& platform) {
  BERTH_ASSIGN(Manifest top, registry.get_manifest(ref));
  auto parsed = parse_manifest_document(top.bytes, top.media_type);
  if (!parsed) return with_context(std::move(parsed), fmt::format("manifest {}", top.digest));
  ResolvedManifest resolved;
  if (auto* manifest = std::get_if<ImageManifest>(&*parsed)) {
    resolved.manifest = std::move(*manifest);
    resolved.digest = top.digest;
    resolved.bytes = std::move(top.bytes);
    return resolved;
  }
  auto& index = std::get<ImageIndex>(*parsed);
  BERTH_ASSIGN(Descriptor chosen, select_platform(index, platform));
  BERTH_ASSIGN(Manifest inner, registry.get_manifest(ref, chosen.digest));
  if (inner.digest != chosen.digest)
    return fail("manifest digest mismatch: expected {}, got {}", chosen.digest, inner.digest);
  auto inner_parsed = parse_manifest_document(inner.bytes, chosen.media_type);
  if (!inner_parsed) return with_context(std::move(inner_parsed), fmt::format("manifest {}", chosen.digest));
  auto* manifest = std::get_if<ImageManifest>(&*inner_parsed);
  if (!manifest) return fail("manifest {}: an index inside an index is not supported", chosen.digest);
  resolved.manifest = std::move(*manifest);
  resolved.digest = inner.digest;
  resolved.bytes = std::move(inner.bytes);
  resolved.index = std::make_pair(top.digest, std::move(top.bytes));
  return resolved;
}

// A counting semaphore small enough to write here: std::counting_semaphore
// cannot be waited on with a predicate and we want plain FIFO-ish fairness.
class Slots {
 public:
  explicit Slots(size_t count) : free_(count) {}
  void acquire() {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [&] { return free_ > 0; });
    --free_;
  }
  void release() {
    { std::lock_guard lock(mutex_); ++free_; }
    ready_.notify_one();
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  size_t free_;
};

}  // namespace

Result<PullResult> LocalImageService::pull(std::string_view text, const PullOptions& options) {
  BERTH_ASSIGN(ImageReference ref, parse_reference(text));
  auto fail_pull = [&](Error error) { return std::unexpected(std::move(error).context(fmt::format("pull {}", ref.familiar()))); };
  Platform platform = options.platform.value_or(host_platform());
  RegistryClient registry(registry_options());

  auto resolved = resolve_manifest(registry, ref, platform);
  if (!resolved) return fail_pull(std::move(resolved.error()));
  if (ref.digest && !resolved->index && resolved->digest != *ref.digest)
    return fail_pull(Error{fmt::format("manifest digest mismatch: expected {}, got {}", *ref.digest, resolved->digest)});
  report(options.progress, {.kind = TransferEvent::Kind::resolved, .message = resolved->digest.str()});
  auto& manifest = resolved->manifest;

  auto config_bytes = content_.contains(manifest.config.digest)
                          ? content_.read_blob(manifest.config.digest, kMaxConfigBytes)
                          : registry.fetch_small_blob(ref, manifest.config.digest, kMaxConfigBytes);
  if (!config_bytes) return fail_pull(std::move(config_bytes.error()).context(fmt::format("config {}", manifest.config.digest)));
  auto config = parse_image_config(*config_bytes);
  if (!config) return fail_pull(std::move(config.error()));
  if (config->diff_ids.size() != manifest.layers.size())
    return fail_pull(Error{fmt::format("image config lists {} layers but the manifest {}", config->diff_ids.size(),
                                       manifest.layers.size())});

  // Holds off a concurrent prune from collecting layers this pull has
  // committed but not yet tied to an image.
  BERTH_ASSIGN(auto guard, store::pull_guard(paths_));

  // Chain ids are known before any layer arrives: extraction of every layer
  // can start at once, in any order.
  std::vector<LayerInput> inputs;
  std::vector<Digest> chains;
  std::optional<Digest> parent;
  for (size_t i = 0; i < manifest.layers.size(); ++i) {
    auto& layer = manifest.layers[i];
    Digest chain = chain_id(parent, config->diff_ids[i]);
    inputs.push_back(LayerInput{.diff_id = config->diff_ids[i],
                                .parent_chain = parent,
                                .blob_digest = layer.digest,
                                .blob_media_type = layer.media_type,
                                .blob_size = static_cast<uint64_t>(layer.size)});
    chains.push_back(chain);
    parent = chain;
  }

  std::vector<Status> results(inputs.size());
  // char, not bool: workers write their own element concurrently, and
  // vector<bool> packs elements into shared words.
  std::vector<char> downloaded(inputs.size(), 0);
  Slots slots(kParallelLayers);
  std::vector<std::jthread> workers;
  for (size_t i = 0; i < inputs.size(); ++i) {
    std::string id(inputs[i].blob_digest->short_hex());
    if (layers_.contains(chains[i])) {
      report(options.progress, {.kind = TransferEvent::Kind::exists, .id = id});
      if (auto recorded = record_existing_layer(inputs[i], chains[i]); !recorded)
        results[i] = std::unexpected(std::move(recorded.error()));
      continue;
    }
    report(options.progress, {.kind = TransferEvent::Kind::waiting, .id = id});
    workers.emplace_back([&, i, id] {
      slots.acquire();
      LayerIngest ingest(*this, registry, ref, options.progress);
      auto outcome = ingest.fetch_and_extract(inputs[i], chains[i], manifest.layers[i]);
      slots.release();
      if (outcome) {
        downloaded[i] = *outcome;
        report(options.progress, {.kind = *outcome ? TransferEvent::Kind::done : TransferEvent::Kind::exists, .id = id});
      } else {
        results[i] = std::unexpected(std::move(outcome.error()));
      }
    });
  }
  workers.clear();  // joins
  for (auto& result : results)
    if (!result) return fail_pull(std::move(result.error()));

  // The manifest (and index) go in last: a manifest in the store means its
  // layers and config are there too.
  BERTH_TRY(content_.write_blob(*config_bytes, manifest.config.digest));
  BERTH_TRY(content_.write_blob(resolved->bytes, resolved->digest));
  std::vector<Digest> blobs = {manifest.config.digest, resolved->digest};
  if (resolved->index) {
    BERTH_TRY(content_.write_blob(resolved->index->second, resolved->index->first));
    blobs.push_back(resolved->index->first);
  }
  for (auto& layer : manifest.layers) blobs.push_back(layer.digest);

  ImageRecord record;
  record.id = manifest.config.digest;
  record.config_json = *config_bytes;
  record.manifest_digest = resolved->digest;
  record.manifest_media_type = manifest.media_type;
  record.layers = chains;
  record.created_unix = config->created_unix;
  record.added_unix = time(nullptr);
  if (!ref.tag.empty()) record.tags.push_back(tag_key(ref));
  Digest repo_digest = resolved->index ? resolved->index->first : resolved->digest;
  record.repo_digests.push_back(fmt::format("{}@{}", ref.name(), repo_digest));
  auto previous = ref.tag.empty() ? Result<std::optional<Digest>>(std::nullopt) : metadata_.resolve_tag(record.tags[0]);
  BERTH_TRY(commit_image(record, blobs));

  PullResult result;
  result.reference = ref.str();
  result.manifest_digest = repo_digest;
  result.up_to_date = std::none_of(downloaded.begin(), downloaded.end(), [](char b) { return b != 0; }) && previous &&
                      *previous && **previous == record.id;
  BERTH_ASSIGN(auto stored, metadata_.get_image(record.id));
  if (stored) result.image = summarize(*stored);
  emit("pull", ref.familiar(), {{"name", ref.familiar_name()}});
  return result;
}

}  // namespace berth
