// load: a docker-archive (manifest.json) or OCI image layout (index.json)
// tar, optionally compressed. The archive is unpacked into a staging
// directory with the same hostile-input rules as a layer, then every blob
// enters the content store by verified digest and every layer is extracted
// and checked against the config's diff ids before the image is recorded.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/path_in_root.h"
#include "engine/layer_ingest.h"
#include "engine/local_image_service.h"
#include "engine/staging_dir.h"
#include "image/byte_stream.h"
#include "image/compression.h"
#include "image/layer_extract.h"

namespace berth {
namespace {

constexpr size_t kMaxDocumentBytes = 8 << 20;

Result<std::string> read_staged(int root_fd, std::string_view path) {
  auto fd = open_in_root(root_fd, path, O_RDONLY);
  if (!fd) return fail("archive file \"{}\": {}", path, fd.error().message);
  std::string out;
  char buffer[65536];
  while (true) {
    ssize_t n = ::read(fd->get(), buffer, sizeof buffer);
    if (n < 0) return fail_errno(errno, "read archive file \"{}\"", path);
    if (n == 0) return out;
    out.append(buffer, static_cast<size_t>(n));
    if (out.size() > kMaxDocumentBytes) return fail("archive file \"{}\" is larger than {} bytes", path, kMaxDocumentBytes);
  }
}

Result<Digest> hash_staged(int fd) {
  Sha256 hasher;
  std::vector<std::byte> buffer(1 << 20);
  if (::lseek(fd, 0, SEEK_SET) < 0) return fail_errno(errno, "seek");
  while (true) {
    ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0) return fail_errno(errno, "read layer file");
    if (n == 0) break;
    hasher.update(std::span<const std::byte>(buffer.data(), static_cast<size_t>(n)));
  }
  if (::lseek(fd, 0, SEEK_SET) < 0) return fail_errno(errno, "seek");
  return hasher.finish();
}

std::string layer_media_type_for(Compression compression) {
  switch (compression) {
    case Compression::gzip: return std::string(media_type::docker_layer_gzip);
    case Compression::zstd: return std::string(media_type::docker_layer_zstd);
    case Compression::none: break;
  }
  return std::string(media_type::docker_layer_tar);
}

}  // namespace

// One image of the archive: layers (already staged files), its config, tags.
struct LoadCandidate {
  std::string config_bytes;
  std::vector<UniqueFd> layer_files;
  std::vector<std::optional<Descriptor>> layer_descriptors;  // known for OCI, derived for docker-archive
  std::optional<std::pair<std::string, Descriptor>> manifest;  // OCI: stored as is
  std::vector<std::string> tags;  // full references
};

static Result<Digest> load_candidate(LocalImageService& service, LoadCandidate& candidate) {
  auto config = parse_image_config(candidate.config_bytes);
  if (!config) return with_context(std::move(config), "load");
  if (config->diff_ids.size() != candidate.layer_files.size())
    return fail("load: the config lists {} layers, the archive {}", config->diff_ids.size(), candidate.layer_files.size());
  BERTH_ASSIGN(Digest config_digest, service.content().write_blob(candidate.config_bytes));
  std::vector<Digest> blobs = {config_digest};
  std::vector<Digest> chains;
  std::vector<Descriptor> layer_descriptors;
  std::optional<Digest> parent;
  uint64_t size = 0;
  for (size_t i = 0; i < candidate.layer_files.size(); ++i) {
    int fd = candidate.layer_files[i].get();
    Descriptor descriptor;
    if (candidate.layer_descriptors[i]) {
      descriptor = *candidate.layer_descriptors[i];
    } else {
      std::byte head[8] = {};
      ssize_t got = ::pread(fd, head, sizeof head, 0);
      auto compression = detect_compression(std::span(head, got > 0 ? static_cast<size_t>(got) : 0));
      BERTH_ASSIGN(descriptor.digest, hash_staged(fd));
      descriptor.media_type = layer_media_type_for(compression);
    }
    BERTH_ASSIGN(uint64_t blob_size, ingest_staged_file(service.content(), fd, descriptor.digest));
    descriptor.size = static_cast<int64_t>(blob_size);
    BERTH_ASSIGN(auto compression, layer_compression(descriptor.media_type));
    Digest chain = chain_id(parent, config->diff_ids[i]);
    LocalImageService::LayerInput input{.diff_id = config->diff_ids[i],
                                        .parent_chain = parent,
                                        .blob_digest = descriptor.digest,
                                        .blob_media_type = descriptor.media_type,
                                        .blob_size = blob_size};
    FdSource source(fd);
    auto stored = store_layer_from_source(service, source, compression, input, chain);
    if (!stored) return with_context(std::move(stored), fmt::format("load layer {}", descriptor.digest.short_hex()));
    size += stored->size;
    blobs.push_back(descriptor.digest);
    chains.push_back(chain);
    layer_descriptors.push_back(descriptor);
    parent = chain;
  }
  std::string manifest_bytes;
  Digest manifest_digest;
  std::string manifest_media_type;
  if (candidate.manifest) {
    manifest_bytes = candidate.manifest->first;
    manifest_digest = candidate.manifest->second.digest;
    manifest_media_type = candidate.manifest->second.media_type;
  } else {
    ImageManifest manifest{.media_type = std::string(media_type::docker_manifest),
                           .config = {.media_type = std::string(media_type::docker_config),
                                      .digest = config_digest,
                                      .size = static_cast<int64_t>(candidate.config_bytes.size())},
                           .layers = layer_descriptors};
    manifest_bytes = to_json_bytes(manifest);
    manifest_media_type = manifest.media_type;
    manifest_digest = Digest::of(manifest_bytes);
  }
  BERTH_TRY(service.content().write_blob(manifest_bytes, manifest_digest));
  blobs.push_back(manifest_digest);

  ImageRecord record;
  record.id = config_digest;
  record.config_json = candidate.config_bytes;
  record.manifest_digest = manifest_digest;
  record.manifest_media_type = manifest_media_type;
  record.layers = chains;
  record.created_unix = config->created_unix;
  record.added_unix = time(nullptr);
  record.size = size;
  record.tags = candidate.tags;
  BERTH_TRY(service.commit_image(record, blobs));
  return config_digest;
}

static Result<std::vector<LoadCandidate>> docker_archive_candidates(int root_fd) {
  BERTH_ASSIGN(std::string text, read_staged(root_fd, "manifest.json"));
  auto entries = nlohmann::json::parse(text, nullptr, false);
  if (entries.is_discarded() || !entries.is_array()) return fail("load: manifest.json is not a JSON array");
  std::vector<LoadCandidate> out;
  for (size_t i = 0; i < entries.size(); ++i) {
    auto& entry = entries[i];
    std::string where = fmt::format("manifest.json[{}]", i);
    if (!entry.is_object() || !entry.contains("Config") || !entry["Config"].is_string())
      return fail("load: {}: \"Config\" missing", where);
    LoadCandidate candidate;
    BERTH_ASSIGN(candidate.config_bytes, read_staged(root_fd, entry["Config"].get<std::string>()));
    if (!entry.contains("Layers") || !entry["Layers"].is_array()) return fail("load: {}: \"Layers\" missing", where);
    for (auto& layer : entry["Layers"]) {
      if (!layer.is_string()) return fail("load: {}: layer names must be strings", where);
      auto fd = open_in_root(root_fd, layer.get<std::string>(), O_RDONLY);
      if (!fd) return fail("load: {}: layer \"{}\": {}", where, layer.get<std::string>(), fd.error().message);
      candidate.layer_files.push_back(std::move(*fd));
      candidate.layer_descriptors.emplace_back();
    }
    if (auto tags = entry.find("RepoTags"); tags != entry.end() && tags->is_array()) {
      for (auto& tag : *tags) {
        if (!tag.is_string()) continue;
        auto ref = parse_reference(tag.get<std::string>());
        if (!ref) return fail("load: {}: RepoTags: {}", where, ref.error().message);
        candidate.tags.push_back(tag_key(*ref));
      }
    }
    out.push_back(std::move(candidate));
  }
  return out;
}

static Result<std::vector<LoadCandidate>> oci_layout_candidates(int root_fd) {
  BERTH_ASSIGN(std::string text, read_staged(root_fd, "index.json"));
  BERTH_ASSIGN(auto document, parse_manifest_document(text, media_type::oci_index));
  auto* index = std::get_if<ImageIndex>(&document);
  if (!index) return fail("load: index.json is not an image index");
  auto blob_path = [](const Digest& digest) { return fmt::format("blobs/sha256/{}", digest.hex()); };
  std::vector<LoadCandidate> out;
  for (auto entry : index->manifests) {
    std::string tag;
    if (auto name = entry.annotations.find("io.containerd.image.name"); name != entry.annotations.end())
      tag = name->second;
    else if (auto ref_name = entry.annotations.find("org.opencontainers.image.ref.name");
             ref_name != entry.annotations.end() && ref_name->second.find_first_of("/:") != std::string::npos)
      tag = ref_name->second;
    BERTH_ASSIGN(std::string bytes, read_staged(root_fd, blob_path(entry.digest)));
    if (Digest::of(bytes) != entry.digest)
      return fail("load: manifest {}: digest mismatch: got {}", entry.digest, Digest::of(bytes));
    BERTH_ASSIGN(auto parsed, parse_manifest_document(bytes, entry.media_type));
    if (auto* nested = std::get_if<ImageIndex>(&parsed)) {
      BERTH_ASSIGN(Descriptor chosen, select_platform(*nested, host_platform()));
      BERTH_ASSIGN(bytes, read_staged(root_fd, blob_path(chosen.digest)));
      if (Digest::of(bytes) != chosen.digest) return fail("load: manifest {}: digest mismatch", chosen.digest);
      BERTH_ASSIGN(parsed, parse_manifest_document(bytes, chosen.media_type));
      entry = chosen;
    }
    auto* manifest = std::get_if<ImageManifest>(&parsed);
    if (!manifest) return fail("load: manifest {}: nested indexes are not supported", entry.digest);
    LoadCandidate candidate;
    BERTH_ASSIGN(candidate.config_bytes, read_staged(root_fd, blob_path(manifest->config.digest)));
    if (Digest::of(candidate.config_bytes) != manifest->config.digest)
      return fail("load: config {}: digest mismatch", manifest->config.digest);
    for (auto& layer : manifest->layers) {
      auto fd = open_in_root(root_fd, blob_path(layer.digest), O_RDONLY);
      if (!fd) return fail("load: layer {}: {}", layer.digest, fd.error().message);
      candidate.layer_files.push_back(std::move(*fd));
      candidate.layer_descriptors.push_back(layer);
    }
    candidate.manifest = std::make_pair(bytes, entry);
    if (!tag.empty()) {
      auto ref = parse_reference(tag);
      if (!ref) return fail("load: image name \"{}\": {}", tag, ref.error().message);
      candidate.tags.push_back(tag_key(*ref));
    }
    out.push_back(std::move(candidate));
  }
  return out;
}

Result<LoadReport> LocalImageService::load(int input_fd) {
  BERTH_ASSIGN(StagingDir staging, StagingDir::create(paths_.tmp(), "load"));
  {
    FdSource input(input_fd);
    auto decompressed = open_decompressed(input, std::nullopt);
    if (!decompressed) return with_context(std::move(decompressed), "load");
    auto unpacked = extract_layer(**decompressed, staging.fd(), ExtractOptions{.preserve_ownership = false});
    if (!unpacked) return with_context(std::move(unpacked), "load");
    if (unpacked->entries == 0) return fail("load: empty archive");
  }
  UniqueFd root(::openat(staging.fd(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  bool docker_archive = faccessat(staging.fd(), "manifest.json", F_OK, AT_SYMLINK_NOFOLLOW) == 0;
  bool oci_layout = faccessat(staging.fd(), "index.json", F_OK, AT_SYMLINK_NOFOLLOW) == 0;
  if (!docker_archive && !oci_layout)
    return fail("load: neither manifest.json nor index.json in the archive: not a docker-archive or OCI layout");
  BERTH_ASSIGN(auto candidates, docker_archive ? docker_archive_candidates(root.get()) : oci_layout_candidates(root.get()));
  BERTH_ASSIGN(auto guard, store::pull_guard(paths_));
  LoadReport report;
  for (auto& candidate : candidates) {
    BERTH_ASSIGN(Digest id, load_candidate(*this, candidate));
    emit("load", id.str(), {{"name", id.str()}});  // docker names the image by its id here
    if (candidate.tags.empty()) {
      report.loaded.push_back(id.str());
      report.lines.push_back(fmt::format("Loaded image ID: {}", id));
    }
    for (auto& tag : candidate.tags) {
      auto ref = parse_reference(tag);
      std::string shown = ref ? ref->familiar() : tag;
      report.loaded.push_back(tag);
      report.lines.push_back(fmt::format("Loaded image: {}", shown));
    }
  }
  return report;
}

}  // namespace berth
