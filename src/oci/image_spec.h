// OCI image-spec and Docker image manifest v2 schema 2 documents: media types,
// descriptors, manifests, indexes (manifest lists) and image configs, parsed
// and validated before anything is fetched or stored on their word.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/digest.h"
#include "base/result.h"

namespace berth::media_type {
inline constexpr std::string_view oci_index = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view oci_manifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view oci_config = "application/vnd.oci.image.config.v1+json";
inline constexpr std::string_view oci_layer = "application/vnd.oci.image.layer.v1.tar";
inline constexpr std::string_view oci_layer_gzip = "application/vnd.oci.image.layer.v1.tar+gzip";
inline constexpr std::string_view oci_layer_zstd = "application/vnd.oci.image.layer.v1.tar+zstd";
inline constexpr std::string_view oci_layer_nondist_gzip = "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";
inline constexpr std::string_view docker_manifest_list = "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr std::string_view docker_manifest = "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view docker_manifest_v1 = "application/vnd.docker.distribution.manifest.v1+json";
inline constexpr std::string_view docker_manifest_v1_signed = "application/vnd.docker.distribution.manifest.v1+prettyjws";
inline constexpr std::string_view docker_config = "application/vnd.docker.container.image.v1+json";
inline constexpr std::string_view docker_layer_gzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";
inline constexpr std::string_view docker_layer_foreign_gzip = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
inline constexpr std::string_view docker_layer_tar = "application/vnd.docker.image.rootfs.diff.tar";
inline constexpr std::string_view docker_layer_zstd = "application/vnd.docker.image.rootfs.diff.tar.zstd";
// What a client asks a registry for, in order of preference.
inline constexpr std::string_view manifest_accept =
    "application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, "
    "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json";
}  // namespace berth::media_type

namespace berth {

enum class LayerCompression { none, gzip, zstd };

// The compression a layer media type promises; an error for media types that are not layers.
Result<LayerCompression> layer_compression(std::string_view layer_media_type);
bool is_index_media_type(std::string_view media_type);
bool is_manifest_media_type(std::string_view media_type);

struct Platform {
  std::string os;            // "linux"
  std::string architecture;  // "amd64", "arm64", …
  std::string variant;       // "v8", "v7", may be empty
  std::string os_version;
  std::string str() const;  // "linux/amd64" or "linux/arm/v7"
};
// "linux/amd64", "linux/arm64/v8", "amd64" (os defaults to linux); architecture aliases normalized (x86_64 → amd64, aarch64 → arm64).
Result<Platform> parse_platform(std::string_view text);
Platform host_platform();
// Whether a platform from an index satisfies the wanted one (variant ignored when the wanted one has none;
// arm64's "v8" and "" are the same).
bool platform_matches(const Platform& candidate, const Platform& wanted);

struct Descriptor {
  std::string media_type;
  Digest digest;
  int64_t size = 0;
  std::vector<std::string> urls;
  std::map<std::string, std::string> annotations;
  std::optional<Platform> platform;
};

struct ImageManifest {
  std::string media_type;  // oci_manifest or docker_manifest
  Descriptor config;
  std::vector<Descriptor> layers;
  std::map<std::string, std::string> annotations;
};

struct ImageIndex {
  std::string media_type;  // oci_index or docker_manifest_list
  std::vector<Descriptor> manifests;
};

using ManifestDocument = std::variant<ImageManifest, ImageIndex>;

// Parses a manifest or index. `declared_media_type` is what the registry's
// Content-Type (or the referencing descriptor) said; empty when unknown.
// Rejected: schema 1, schemaVersion other than 2, a document with both
// "manifests" and "layers", a mediaType field that contradicts the declared
// one, a config whose media type is not an image config, layers of unknown
// media types, malformed digests or negative sizes.
Result<ManifestDocument> parse_manifest_document(std::string_view bytes, std::string_view declared_media_type);

// The manifest for `wanted` in an index; the error lists what the index offers.
Result<Descriptor> select_platform(const ImageIndex& index, const Platform& wanted);

// An image config (OCI / Docker v1 JSON). The raw JSON is kept whole so that
// inspect shows fields we do not model; the accessors validate what we use.
struct ImageConfig {
  nlohmann::json json;
  Platform platform;
  std::vector<Digest> diff_ids;
  int64_t created_unix = 0;  // 0 when absent or unparsable
  std::string created;       // as written (RFC 3339)
};
Result<ImageConfig> parse_image_config(std::string_view bytes);

// Serializes to the canonical bytes Berth stores and pushes (compact JSON, keys as given).
std::string to_json_bytes(const ImageManifest& manifest);
nlohmann::json descriptor_json(const Descriptor& descriptor);

// RFC 3339 ("2024-01-02T03:04:05.123456789Z", offsets allowed) to Unix seconds.
std::optional<int64_t> parse_rfc3339(std::string_view text);
std::string format_rfc3339(int64_t unix_seconds);

}  // namespace berth
