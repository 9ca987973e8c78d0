// rmi and image prune, with Docker's rules: removing a tag only untags while
// other tags remain; an id with several repositories needs --force; the last
// reference going deletes the image and every layer and blob nobody else uses.
#include <algorithm>
#include <map>
#include <set>

#include "engine/container_files.h"
#include "engine/container_state.h"
#include "engine/local_image_service.h"
#include "engine/mount_point_layer.h"

namespace berth {
namespace {

// docker's isSingleReference: at most one tag, and every repo digest in the
// repository of that tag (or of the first reference when there is no tag).
// Removing such an image by id removes its references without --force.
bool is_single_reference(const ImageRecord& record) {
  size_t references = record.tags.size() + record.repo_digests.size();
  if (references <= 1) return references == 1;
  if (record.tags.size() > 1) return false;
  auto tag_repository = [](const std::string& tag) { return tag.substr(0, tag.rfind(':')); };
  auto digest_repository = [](const std::string& digest) { return digest.substr(0, digest.rfind('@')); };
  std::set<std::string> canonical;
  for (const auto& digest : record.repo_digests) canonical.insert(digest_repository(digest));
  std::string single = record.tags.empty() ? digest_repository(record.repo_digests[0]) : tag_repository(record.tags[0]);
  return canonical.size() == 1 && canonical.contains(single);
}

}  // namespace

// Deletes the image row, then the files that became unreferenced. A crash in
// between leaves orphans on disk that prune's garbage collection finds.
static Result<RemoveReport> delete_image(LocalImageService& service, const ImageRecord& record) {
  RemoveReport report;
  for (auto& tag : record.tags) report.untagged.push_back(tag);
  for (auto& digest : record.repo_digests) report.untagged.push_back(digest);
  BERTH_ASSIGN(auto removed, service.metadata().remove_image(record.id));
  report.deleted.push_back(record.id);
  // No container uses the image (see in_use_outcome): nor its mount points.
  (void)remove_path(mount_point_layer_path(service.layers().paths().root, record.id));
  BERTH_ASSIGN(auto deleted, store::delete_unreferenced(service.metadata(), service.content(), service.layers(),
                                                        removed, store::LockWait::wait));
  report.deleted.insert(report.deleted.end(), deleted.layers.begin(), deleted.layers.end());
  report.reclaimed_bytes = deleted.bytes_reclaimed;
  return report;
}

// Deleting an image a container was made from: docker refuses unless
// forced, in its words for a tag (`typed`, as given) or an id, and by id
// refuses even a forced delete while the container runs. A forced delete
// only untags it here (the container keeps its layers), where docker
// deletes a stopped container's image record.
Result<std::optional<RemoveReport>> in_use_outcome(MetadataStore& metadata, const ImageRecord& record, bool force,
                                                   std::string_view typed, bool by_reference) {
  BERTH_ASSIGN(auto users, metadata.containers_using_image(record.id));
  if (users.empty()) return std::nullopt;
  std::string container = users.front().substr(0, 12);
  if (by_reference) {
    if (!force)
      return fail("conflict: unable to remove repository reference \"{}\" (must force) - container {} is using its "
                  "referenced image {}",
                  typed, container, record.id.short_hex());
  } else {
    // A running user is the hard conflict, reported first as docker does.
    bool running = false;
    for (const auto& user : users) {
      BERTH_ASSIGN(auto row, metadata.get_container(user));
      if (!row) continue;
      auto state = ContainerState::from_storage(row->state_json);
      if (state && state->running()) {
        running = true;
        container = user.substr(0, 12);
        break;
      }
    }
    if (running || !force)
      return fail("conflict: unable to delete {} ({}) - image is being used by {} container {}",
                  record.id.short_hex(), running ? "cannot be forced" : "must be forced",
                  running ? "running" : "stopped", container);
  }
  RemoveReport report;
  for (const auto& tag : record.tags) {
    BERTH_TRY(metadata.remove_tag(tag));
    report.untagged.push_back(tag);
  }
  return report;
}

Result<RemoveReport> LocalImageService::remove(std::string_view name, bool force) {
  BERTH_ASSIGN(RemoveReport report, remove_image(name, force));
  emit_removal(report);
  return report;
}

Result<RemoveReport> LocalImageService::prune(bool all) {
  BERTH_ASSIGN(RemoveReport report, prune_images(all));
  emit_removal(report);
  emit("prune", "", {{"reclaimed", std::to_string(report.reclaimed_bytes)}});
  return report;
}

void LocalImageService::emit_removal(const RemoveReport& report) const {
  for (const std::string& reference : report.untagged) emit("untag", reference, {{"name", reference}});
  for (const Digest& id : report.deleted) emit("delete", id.str());
}

Result<RemoveReport> LocalImageService::remove_image(std::string_view name, bool force) {
  BERTH_ASSIGN(ImageRecord record, find_record(name));
  std::string normalized = normalize_image_name(name);
  bool by_tag = std::find(record.tags.begin(), record.tags.end(), normalized) != record.tags.end();
  bool by_digest =
      std::find(record.repo_digests.begin(), record.repo_digests.end(), normalized) != record.repo_digests.end();
  if (by_tag || by_digest) {
    if (record.tags.size() + (by_digest ? record.repo_digests.size() : 0) > 1 && by_tag) {
      // Other tags keep the image: untag only.
      BERTH_TRY(metadata_.remove_tag(normalized));
      return RemoveReport{.untagged = {normalized}};
    }
    BERTH_ASSIGN(auto in_use, in_use_outcome(metadata_, record, force, name, /*by_reference=*/true));
    if (in_use) return std::move(*in_use);
    return delete_image(*this, record);
  }
  if (record.tags.size() + record.repo_digests.size() > 0 && !is_single_reference(record) && !force)
    return fail("conflict: unable to delete {} (must be forced) - image is referenced in multiple repositories",
                record.id.short_hex());
  BERTH_ASSIGN(auto in_use, in_use_outcome(metadata_, record, force, name, /*by_reference=*/false));
  if (in_use) return std::move(*in_use);
  return delete_image(*this, record);
}

Result<RemoveReport> LocalImageService::prune_images(bool all) {
  BERTH_ASSIGN(auto records, metadata_.list_images());
  RemoveReport total;
  for (auto& record : records) {
    if (!all && !record.tags.empty()) continue;
    BERTH_ASSIGN(auto users, metadata_.containers_using_image(record.id));
    if (!users.empty()) continue;  // docker prunes only images no container uses
    BERTH_ASSIGN(auto report, delete_image(*this, record));
    total.untagged.insert(total.untagged.end(), report.untagged.begin(), report.untagged.end());
    total.deleted.insert(total.deleted.end(), report.deleted.begin(), report.deleted.end());
    total.reclaimed_bytes += report.reclaimed_bytes;
  }
  // Leftovers of crashed pulls and loads: layers and blobs no image uses.
  BERTH_ASSIGN(auto collected, store::collect_garbage(metadata_, content_, layers_));
  total.reclaimed_bytes += collected.bytes_reclaimed;
  return total;
}

Result<ImageDiskUsage> LocalImageService::disk_usage(const std::map<Digest, int>& containers_per_image) {
  ImageDiskUsage usage;
  BERTH_ASSIGN(auto records, metadata_.list_images());
  usage.images = records.size();
  // What is on disk, each layer and blob once however many images share it.
  std::map<Digest, uint64_t> layer_bytes, blob_bytes;
  BERTH_ASSIGN(auto chains, layers_.list());
  for (auto& chain : chains) {
    BERTH_ASSIGN(uint64_t size, layers_.disk_usage(chain));
    layer_bytes[chain] = size;
    usage.size += size;
  }
  BERTH_ASSIGN(auto blobs, content_.list_blobs());
  for (auto& blob : blobs) {
    BERTH_ASSIGN(uint64_t size, content_.blob_size(blob));
    blob_bytes[blob] = size;
    usage.size += size;
  }
  // Each image's layers once (a layer may repeat within one image), and how
  // many images use each.
  // Each layer's record (unpacked size, compressed blob), read once.
  std::map<Digest, LayerRecord> layer_records;
  BERTH_ASSIGN(auto all_layers, metadata_.list_layers());
  for (auto& layer : all_layers) layer_records.emplace(layer.chain_id, std::move(layer));
  std::vector<std::set<Digest>> image_layers;
  std::map<Digest, int> layer_users;
  for (const auto& record : records) {
    image_layers.emplace_back(record.layers.begin(), record.layers.end());
    for (const Digest& chain : image_layers.back()) ++layer_users[chain];
  }
  auto bytes_of = [](const std::map<Digest, uint64_t>& sizes, const Digest& digest) {
    auto found = sizes.find(digest);
    return found == sizes.end() ? uint64_t{0} : found->second;
  };
  // Whatever an image in use holds (layers and their compressed blobs,
  // config, manifest) stays; the rest is what `image prune -a` would reclaim.
  std::set<Digest> kept_layers, kept_blobs;
  for (size_t index = 0; index < records.size(); ++index) {
    const ImageRecord& record = records[index];
    ImageSummary summary = summarize(record);
    if (auto found = containers_per_image.find(record.id); found != containers_per_image.end())
      summary.containers = found->second;
    // In the unit of the image's SIZE (unpacked bytes, as its layers were
    // recorded), so that UNIQUE SIZE, SIZE minus this, is 0 for an image
    // whose every layer is shared.
    uint64_t shared = 0;
    for (const Digest& chain : image_layers[index]) {
      auto layer = layer_records.find(chain);
      if (layer_users[chain] > 1 && layer != layer_records.end()) shared += layer->second.size;
    }
    summary.shared_size = shared;
    if (summary.containers > 0) {
      ++usage.active_images;
      for (const Digest& chain : image_layers[index]) {
        kept_layers.insert(chain);
        auto layer = layer_records.find(chain);
        if (layer != layer_records.end() && layer->second.blob_digest) kept_blobs.insert(*layer->second.blob_digest);
      }
      kept_blobs.insert(record.id);
      if (record.manifest_digest) kept_blobs.insert(*record.manifest_digest);
    }
    usage.details.push_back(std::move(summary));
  }
  uint64_t kept = 0;
  for (const Digest& chain : kept_layers) kept += bytes_of(layer_bytes, chain);
  for (const Digest& blob : kept_blobs) kept += bytes_of(blob_bytes, blob);
  usage.reclaimable = usage.size > kept ? usage.size - kept : 0;
  return usage;
}

}  // namespace berth
