// import: a rootfs tarball (plain or compressed) becomes a one-layer image.
// The input may be a pipe, so it is read once: decompressed into a staged tar
// (hashed for the diff id) and gzipped into a staged blob (hashed for the
// blob digest) at the same time; then both enter the stores by digest.
#include <fcntl.h>
#include <unistd.h>

#include "engine/image_changes.h"
#include "engine/layer_ingest.h"
#include "engine/local_image_service.h"
#include "engine/staging_dir.h"
#include "image/byte_stream.h"
#include "image/compression.h"

namespace berth {
namespace {

Result<UniqueFd> create_staged(int dir_fd, const char* name) {
  UniqueFd fd(::openat(dir_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd) return fail_errno(errno, "create staged {}", name);
  return fd;
}

}  // namespace

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

  BERTH_ASSIGN(StagingDir staging, StagingDir::create(paths_.tmp(), "import"));
  BERTH_ASSIGN(UniqueFd tar_fd, create_staged(staging.fd(), "layer.tar"));
  BERTH_ASSIGN(UniqueFd gzip_fd, create_staged(staging.fd(), "layer.tar.gz"));
  FdSource input(input_fd);
  BERTH_ASSIGN(auto decompressed, open_decompressed(input, std::nullopt));
  FdSink tar_file(tar_fd.get());
  HashingSink tar_hash(tar_file);
  FdSink gzip_file(gzip_fd.get());
  HashingSink gzip_hash(gzip_file);
  BERTH_ASSIGN(auto gzip, open_gzip_compressor(gzip_hash));
  std::vector<std::byte> buffer(1 << 20);
  while (true) {
    auto n = decompressed->read(buffer);
    if (!n) return with_context(std::move(n), "import: read the tarball");
    if (*n == 0) break;
    std::span chunk(buffer.data(), *n);
    BERTH_TRY(tar_hash.write(chunk));
    BERTH_TRY(gzip->write(chunk));
  }
  BERTH_TRY(gzip->close());
  if (tar_hash.bytes() == 0) return fail("import: the tarball is empty");
  uint64_t gzip_size = gzip_hash.bytes();
  Digest diff_id = tar_hash.digest();
  Digest blob_digest = gzip_hash.digest();
  tar_fd.reset();
  gzip_fd.reset();

  BERTH_ASSIGN(auto guard, store::pull_guard(paths_));
  {
    UniqueFd staged(::openat(staging.fd(), "layer.tar.gz", O_RDONLY | O_CLOEXEC));
    if (!staged) return fail_errno(errno, "import: reopen staged blob");
    BERTH_TRY(ingest_staged_file(content_, staged.get(), blob_digest));
  }
  Digest chain = chain_id(std::nullopt, diff_id);
  LayerInput input_layer{.diff_id = diff_id,
                         .blob_digest = blob_digest,
                         .blob_media_type = std::string(media_type::oci_layer_gzip),
                         .blob_size = gzip_size};
  {
    UniqueFd staged(::openat(staging.fd(), "layer.tar", O_RDONLY | O_CLOEXEC));
    if (!staged) return fail_errno(errno, "import: reopen staged layer");
    FdSource source(staged.get());
    auto stored = store_layer_from_source(*this, source, LayerCompression::none, input_layer, chain);
    if (!stored) return with_context(std::move(stored), "import");
  }

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
  std::string config_bytes = config.dump();
  BERTH_ASSIGN(Digest config_digest, content_.write_blob(config_bytes));
  ImageManifest manifest{.media_type = std::string(media_type::oci_manifest),
                         .config = {.media_type = std::string(media_type::oci_config),
                                    .digest = config_digest,
                                    .size = static_cast<int64_t>(config_bytes.size())},
                         .layers = {{.media_type = std::string(media_type::oci_layer_gzip),
                                     .digest = blob_digest,
                                     .size = static_cast<int64_t>(gzip_size)}}};
  std::string manifest_bytes = to_json_bytes(manifest);
  BERTH_ASSIGN(Digest manifest_digest, content_.write_blob(manifest_bytes));

  ImageRecord record;
  record.id = config_digest;
  record.config_json = config_bytes;
  record.manifest_digest = manifest_digest;
  record.manifest_media_type = manifest.media_type;
  record.layers = {chain};
  record.created_unix = time(nullptr);
  record.added_unix = record.created_unix;
  if (ref) record.tags.push_back(tag_key(*ref));
  BERTH_TRY(commit_image(record, {config_digest, manifest_digest, blob_digest}));
  return config_digest;
}

}  // namespace berth
