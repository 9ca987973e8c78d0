// save: images to a docker-archive tar (manifest.json, configs, uncompressed
// layer.tar files: what `docker load` and `podman load` read) or to an OCI
// image layout tar (oci-layout, index.json, blobs as stored).
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>

#include <map>
#include <memory>
#include <set>

#include "engine/local_image_service.h"
#include "image/archive_loader.h"
#include "image/byte_stream.h"
#include "image/compression.h"

namespace berth {
namespace {

struct ArchiveCloser {
  void operator()(archive* a) const { archive_write_free(a); }
};
using ArchiveWriter = std::unique_ptr<archive, ArchiveCloser>;

class TarOutput {
 public:
  static Result<TarOutput> open(int fd) {
    BERTH_TRY(load_libarchive());
    ArchiveWriter writer(archive_write_new());
    if (!writer) return fail("save: cannot allocate an archive writer");
    archive_write_set_format_pax_restricted(writer.get());
    archive_write_set_bytes_in_last_block(writer.get(), 1);
    if (archive_write_open_fd(writer.get(), fd) != ARCHIVE_OK)
      return fail("save: {}", archive_error_string(writer.get()));
    return TarOutput(std::move(writer));
  }

  Status directory(const std::string& path) {
    return header(path, AE_IFDIR, 0755, 0);
  }
  Status file(const std::string& path, std::string_view content) {
    BERTH_TRY(header(path, AE_IFREG, 0644, content.size()));
    return data(std::as_bytes(std::span(content.data(), content.size())));
  }
  // Streams `size` bytes from `source` as one file entry.
  Status file(const std::string& path, ByteSource& source, uint64_t size) {
    BERTH_TRY(header(path, AE_IFREG, 0644, size));
    std::vector<std::byte> buffer(1 << 20);
    uint64_t written = 0;
    while (true) {
      BERTH_ASSIGN(size_t n, source.read(buffer));
      if (n == 0) break;
      if (written + n > size) return fail("save {}: the data grew while it was written", path);
      BERTH_TRY(data(std::span(buffer.data(), n)));
      written += n;
    }
    if (written != size) return fail("save {}: expected {} bytes, read {}", path, size, written);
    return {};
  }
  Status finish() {
    if (archive_write_close(writer_.get()) != ARCHIVE_OK) return fail("save: {}", archive_error_string(writer_.get()));
    return {};
  }

 private:
  explicit TarOutput(ArchiveWriter writer) : writer_(std::move(writer)) {}
  Status header(const std::string& path, unsigned type, unsigned mode, uint64_t size) {
    std::unique_ptr<archive_entry, decltype(&archive_entry_free)> entry(archive_entry_new(), archive_entry_free);
    archive_entry_set_pathname(entry.get(), path.c_str());
    archive_entry_set_filetype(entry.get(), type);
    archive_entry_set_perm(entry.get(), mode);
    archive_entry_set_size(entry.get(), static_cast<la_int64_t>(size));
    archive_entry_set_mtime(entry.get(), 0, 0);
    if (archive_write_header(writer_.get(), entry.get()) != ARCHIVE_OK)
      return fail("save {}: {}", path, archive_error_string(writer_.get()));
    return {};
  }
  Status data(std::span<const std::byte> bytes) {
    if (archive_write_data(writer_.get(), bytes.data(), bytes.size()) < 0)
      return fail("save: {}", archive_error_string(writer_.get()));
    return {};
  }
  ArchiveWriter writer_;
};

struct SavedImage {
  ImageRecord record;
  ImageManifest manifest;
  std::string manifest_bytes;
  std::vector<std::string> tags;  // the references the user named (full form)
};

// The uncompressed size of a layer blob: tar headers need it before the data.
Result<uint64_t> uncompressed_size(ContentStore& content, const Descriptor& layer) {
  BERTH_ASSIGN(auto compression, layer_compression(layer.media_type));
  if (compression == LayerCompression::none) return static_cast<uint64_t>(layer.size);
  BERTH_ASSIGN(UniqueFd fd, content.open_blob(layer.digest));
  FdSource source(fd.get());
  BERTH_ASSIGN(auto decompressed, open_decompressed(source, std::nullopt));
  std::vector<std::byte> buffer(1 << 20);
  uint64_t total = 0;
  while (true) {
    BERTH_ASSIGN(size_t n, decompressed->read(buffer));
    if (n == 0) return total;
    total += n;
  }
}

Status write_docker_archive(ContentStore& content, TarOutput& tar, const std::vector<SavedImage>& images) {
  nlohmann::json manifest_json = nlohmann::json::array();
  nlohmann::json repositories = nlohmann::json::object();
  std::set<std::string> written;
  for (auto& image : images) {
    nlohmann::json entry;
    std::string config_name = fmt::format("{}.json", image.record.id.hex());
    if (written.insert(config_name).second) BERTH_TRY(tar.file(config_name, image.record.config_json));
    entry["Config"] = config_name;
    entry["RepoTags"] = nlohmann::json::array();
    for (auto& tag : image.tags) {
      auto ref = parse_reference(tag);
      if (!ref) continue;
      entry["RepoTags"].push_back(ref->familiar());
      repositories[ref->familiar_name()][ref->tag] = image.record.id.hex();
    }
    auto config = parse_image_config(image.record.config_json);
    if (!config) return with_context(std::move(config), fmt::format("save {}", image.record.id));
    entry["Layers"] = nlohmann::json::array();
    for (size_t i = 0; i < image.manifest.layers.size(); ++i) {
      auto& layer = image.manifest.layers[i];
      auto& diff_id = config->diff_ids.at(i);
      std::string name = fmt::format("{}/layer.tar", diff_id.hex());
      entry["Layers"].push_back(name);
      if (!written.insert(name).second) continue;
      BERTH_TRY(tar.directory(std::string(diff_id.hex())));
      BERTH_ASSIGN(uint64_t size, uncompressed_size(content, layer));
      BERTH_ASSIGN(UniqueFd fd, content.open_blob(layer.digest));
      FdSource blob(fd.get());
      BERTH_ASSIGN(auto decompressed, open_decompressed(blob, std::nullopt));
      BERTH_TRY(tar.file(name, *decompressed, size));
    }
    manifest_json.push_back(entry);
  }
  BERTH_TRY(tar.file("manifest.json", manifest_json.dump()));
  if (!repositories.empty()) BERTH_TRY(tar.file("repositories", repositories.dump()));
  return {};
}

Status write_blob_entry(ContentStore& content, TarOutput& tar, std::set<std::string>& written, const Digest& digest) {
  std::string name = fmt::format("blobs/sha256/{}", digest.hex());
  if (!written.insert(name).second) return {};
  BERTH_ASSIGN(uint64_t size, content.blob_size(digest));
  BERTH_ASSIGN(UniqueFd fd, content.open_blob(digest));
  FdSource source(fd.get());
  return tar.file(name, source, size);
}

Status write_oci_archive(ContentStore& content, TarOutput& tar, const std::vector<SavedImage>& images) {
  std::set<std::string> written;
  BERTH_TRY(tar.file("oci-layout", R"({"imageLayoutVersion":"1.0.0"})"));
  BERTH_TRY(tar.directory("blobs"));
  BERTH_TRY(tar.directory("blobs/sha256"));
  nlohmann::json index = {{"schemaVersion", 2}, {"mediaType", media_type::oci_index}, {"manifests", nlohmann::json::array()}};
  for (auto& image : images) {
    for (auto& layer : image.manifest.layers) BERTH_TRY(write_blob_entry(content, tar, written, layer.digest));
    BERTH_TRY(write_blob_entry(content, tar, written, image.manifest.config.digest));
    BERTH_TRY(write_blob_entry(content, tar, written, *image.record.manifest_digest));
    Descriptor descriptor{.media_type = image.manifest.media_type,
                          .digest = *image.record.manifest_digest,
                          .size = static_cast<int64_t>(image.manifest_bytes.size())};
    if (image.tags.empty()) index["manifests"].push_back(descriptor_json(descriptor));
    for (auto& tag : image.tags) {
      auto ref = parse_reference(tag);
      descriptor.annotations = {{"io.containerd.image.name", tag}};
      if (ref) descriptor.annotations["org.opencontainers.image.ref.name"] = ref->tag;
      index["manifests"].push_back(descriptor_json(descriptor));
    }
  }
  return tar.file("index.json", index.dump());
}

}  // namespace

Status LocalImageService::save(const std::vector<std::string>& names, SaveFormat format, int output_fd) {
  if (names.empty()) return fail("save: no image named");
  std::vector<SavedImage> images;
  for (auto& name : names) {
    BERTH_ASSIGN(ImageRecord record, find_record(name));
    SavedImage image;
    std::string normalized = normalize_image_name(name);
    // Named by tag: that tag only. Named by id: every tag of the image.
    if (std::find(record.tags.begin(), record.tags.end(), normalized) != record.tags.end())
      image.tags = {normalized};
    else if (!looks_like_image_id(name) && normalized.find('@') == std::string::npos &&
             !record.id.hex().starts_with(name))  // a short id names the image, as a full one does
      image.tags = {normalized};
    else
      image.tags = record.tags;
    if (!record.manifest_digest) return fail("save {}: the store has no manifest for this image", name);
    BERTH_ASSIGN(image.manifest_bytes, content_.read_blob(*record.manifest_digest, 4 << 20));
    BERTH_ASSIGN(auto document, parse_manifest_document(image.manifest_bytes, record.manifest_media_type));
    auto* manifest = std::get_if<ImageManifest>(&document);
    if (!manifest) return fail("save {}: stored manifest is an index", name);
    image.manifest = std::move(*manifest);
    image.record = std::move(record);
    images.push_back(std::move(image));
  }
  BERTH_ASSIGN(TarOutput tar, TarOutput::open(output_fd));
  if (format == SaveFormat::docker_archive)
    BERTH_TRY(write_docker_archive(content_, tar, images));
  else
    BERTH_TRY(write_oci_archive(content_, tar, images));
  BERTH_TRY(tar.finish());
  for (const SavedImage& image : images) emit("save", image.record.id.str(), {{"name", image.record.id.str()}});
  return {};
}

}  // namespace berth
