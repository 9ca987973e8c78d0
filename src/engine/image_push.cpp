// push: the stored manifest, config and layer blobs, byte for byte, so the
// registry ends up with the same digests the store has. Blobs the registry
// has are skipped (HEAD); blobs another repository of the same registry has
// are mounted instead of uploaded.
#include <fcntl.h>
#include <unistd.h>

#include "engine/local_image_service.h"

namespace berth {
namespace {

// A repository of the same registry that this image was pulled from or
// pushed to: a candidate to mount blobs from.
std::optional<std::string> mount_source(const ImageRecord& record, const ImageReference& target) {
  for (auto& repo_digest : record.repo_digests) {
    auto ref = parse_reference(repo_digest, false);
    if (ref && ref->domain == target.domain && ref->repository != target.repository) return ref->repository;
  }
  return std::nullopt;
}

}  // namespace

Result<PushResult> LocalImageService::push(std::string_view text, const PushOptions& options) {
  BERTH_ASSIGN(ImageReference ref, parse_reference(text));
  auto fail_push = [&](Error error) { return std::unexpected(std::move(error).context(fmt::format("push {}", ref.familiar()))); };
  if (ref.digest) return fail_push(Error{"cannot push a digest reference"});
  auto found = find_record(fmt::format("{}:{}", ref.name(), ref.tag));
  if (!found) {
    // docker's two wordings: the repository has no tag at all, or not this one.
    auto records = metadata_.list_images();
    bool repository_known = records && std::ranges::any_of(*records, [&](const ImageRecord& image) {
      return std::ranges::any_of(image.tags, [&](const std::string& tag) { return tag.starts_with(ref.name() + ":"); });
    });
    return fail_push(Error{repository_known ? fmt::format("tag does not exist: {}", ref.familiar())
                                            : fmt::format("An image does not exist locally with the tag: {}",
                                                          ref.familiar_name())});
  }
  ImageRecord record = std::move(*found);
  if (!record.manifest_digest) return fail_push(Error{"the store has no manifest for this image"});
  auto manifest_bytes = content_.read_blob(*record.manifest_digest, 4 << 20);
  if (!manifest_bytes) return fail_push(std::move(manifest_bytes.error()));
  auto document = parse_manifest_document(*manifest_bytes, record.manifest_media_type);
  if (!document) return fail_push(std::move(document.error()));
  auto* manifest = std::get_if<ImageManifest>(&*document);
  if (!manifest) return fail_push(Error{"the stored manifest is an index"});

  RegistryClient registry(registry_options());
  auto mount_from = mount_source(record, ref);
  auto push_one = [&](const Descriptor& blob, bool is_layer) -> Status {
    std::string id(blob.digest.short_hex());
    if (is_layer) report(options.progress, {.kind = TransferEvent::Kind::waiting, .id = id});
    BERTH_ASSIGN(UniqueFd fd, content_.open_blob(blob.digest));
    int raw_fd = fd.get();
    RegistryClient::BlobUpload upload{
        .digest = blob.digest,
        .size = static_cast<uint64_t>(blob.size),
        .read_at = [raw_fd](uint64_t offset, std::span<std::byte> buffer) -> Result<size_t> {
          ssize_t n = ::pread(raw_fd, buffer.data(), buffer.size(), static_cast<off_t>(offset));
          if (n < 0) return fail_errno(errno, "read blob");
          return static_cast<size_t>(n);
        },
        .mount_from_repository = mount_from,
        // Layers as docker sends them: one PATCH of the whole blob, then an
        // empty PUT. Ranged chunks are left out: hosted registries disagree
        // on their sizes. The small config goes in one PUT.
        .mode = is_layer ? RegistryClient::BlobUpload::Mode::streamed : RegistryClient::BlobUpload::Mode::monolithic,
    };
    BlobProgress progress;
    if (is_layer) {
      progress.on_bytes = [&](uint64_t done, uint64_t total) {
        report(options.progress, {.kind = TransferEvent::Kind::transferring, .id = id, .current = done, .total = total});
      };
    }
    BERTH_ASSIGN(auto outcome, registry.push_blob(ref, upload, progress));
    if (!is_layer) return {};
    using Outcome = RegistryClient::BlobPushOutcome;
    if (outcome == Outcome::mounted)
      report(options.progress, {.kind = TransferEvent::Kind::mounted, .id = id, .message = mount_from.value_or("")});
    else
      report(options.progress,
             {.kind = outcome == Outcome::uploaded ? TransferEvent::Kind::done : TransferEvent::Kind::exists, .id = id});
    return {};
  };
  for (auto& layer : manifest->layers) {
    auto pushed = push_one(layer, true);
    if (!pushed) return fail_push(std::move(pushed.error()));
  }
  auto config_pushed = push_one(manifest->config, false);
  if (!config_pushed) return fail_push(std::move(config_pushed.error()));
  Manifest wire{.bytes = *manifest_bytes, .media_type = record.manifest_media_type, .digest = *record.manifest_digest};
  auto put = registry.put_manifest(ref, wire);
  if (!put) return fail_push(std::move(put.error()));
  BERTH_TRY(metadata_.add_repo_digest(fmt::format("{}@{}", ref.name(), *record.manifest_digest), record.id));
  emit("push", ref.familiar(), {{"name", ref.familiar()}});
  return PushResult{.reference = ref.str(), .manifest_digest = *record.manifest_digest, .manifest_size = manifest_bytes->size()};
}

Result<std::string> LocalImageService::login(std::string_view server, std::string_view username,
                                             std::string_view password) {
  // The config.json key: "https://index.docker.io/v1/" for Docker Hub, else host[:port].
  std::string key = credentials_key(server.empty() ? kDockerHubDomain : server);
  std::string registry_host = key == credentials_key(kDockerHubDomain) ? std::string(kDockerHubRegistryHost) : key;
  Credentials credentials{.username = std::string(username), .password = std::string(password)};
  RegistryClient registry(registry_options());
  BERTH_TRY(registry.check_login(registry_host, credentials));
  BERTH_TRY(store_credentials(registry_options().docker_config, key, credentials));
  return key;
}

Result<std::string> LocalImageService::logout(std::string_view server) {
  std::string key = credentials_key(server.empty() ? kDockerHubDomain : server);
  BERTH_TRY(erase_credentials(registry_options().docker_config, key));
  return key;
}

}  // namespace berth
