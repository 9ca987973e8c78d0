// import: a rootfs tarball (plain or compressed) becomes a one-layer image.
// The input may be a pipe, so it is read once, decompressed into a StagedLayer.
#include <fcntl.h>
#include <unistd.h>

#include "engine/image_changes.h"
#include "engine/local_image_service.h"
#include "engine/staged_layer.h"
#include "image/byte_stream.h"
#include "image/compression.h"

namespace berth {

Result<Digest> LocalImageService::import(int input_fd, const ImportOptions& options) {
  std::optional<ImageReference> ref;
  if (!options.reference.empty()) {
    auto parsed = parse_reference(options.reference);
    if (!parsed) return with_context(std::move(parsed), "import");
    if (parsed->digest) return fail("import: refusing to create a tag with a digest reference");
    ref = std::move(*parsed);
  }
  nlohmann::json container_config = nlohmann::json::object();
  for (auto& change : options.changes) BERTH_TRY(apply_config_change(container_config, change));
  Platform platform = options.platform.value_or(host_platform());

  BERTH_ASSIGN(auto staged, StagedLayer::create(paths_, "import"));
  FdSource input(input_fd);
  BERTH_ASSIGN(auto decompressed, open_decompressed(input, std::nullopt));
  std::vector<std::byte> buffer(1 << 20);
  while (true) {
    auto n = decompressed->read(buffer);
    if (!n) return with_context(std::move(n), "import: read the tarball");
    if (*n == 0) break;
    BERTH_TRY(staged->write(std::span(buffer.data(), *n)));
  }
  if (staged->tar_bytes() == 0) return fail("import: the tarball is empty");

  BERTH_ASSIGN(auto guard, store::pull_guard(paths_));
  auto stored = staged->store(*this, std::nullopt);
  if (!stored) return with_context(std::move(stored), "import");
  const Digest& diff_id = stored->diff_id;
  const Digest& blob_digest = stored->blob_digest;
  const Digest& chain = stored->chain;
  uint64_t gzip_size = stored->blob_size;

  std::string now = format_rfc3339(time(nullptr));
  // As Docker records an import: no command, the source in the comment.
  nlohmann::json history_entry = {
      {"created", now},
      {"comment", options.message.empty() ? fmt::format("Imported from {}", options.source_name) : options.message}};
  nlohmann::json config = {{"architecture", platform.architecture},
                           {"os", platform.os},
                           {"created", now},
                           {"config", container_config},
                           {"rootfs", {{"type", "layers"}, {"diff_ids", {diff_id.str()}}}},
                           {"history", {history_entry}}};
  if (!platform.variant.empty()) config["variant"] = platform.variant;
  if (!options.message.empty()) config["comment"] = options.message;
  BERTH_ASSIGN(Digest id, store_local_image(config,
                                            {{.media_type = std::string(media_type::oci_layer_gzip),
                                              .digest = blob_digest,
                                              .size = static_cast<int64_t>(gzip_size)}},
                                            {chain}, ref, std::nullopt));
  emit("import", id.str());
  return id;
}

}  // namespace berth
