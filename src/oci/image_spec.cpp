#include "oci/image_spec.h"

#include <sys/utsname.h>

#include <array>
#include <ctime>

namespace berth {
namespace {

using nlohmann::json;

Result<json> parse_json_object(std::string_view bytes, std::string_view what) {
  json document = json::parse(bytes, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) return fail("{}: not valid JSON", what);
  if (!document.is_object()) return fail("{}: expected a JSON object, got {}", what, document.type_name());
  return document;
}

Result<std::string> optional_string(const json& object, const char* key, std::string_view where) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::string();
  if (!it->is_string()) return fail("{}.{}: expected a string, got {}", where, key, it->type_name());
  return it->get<std::string>();
}

Result<std::map<std::string, std::string>> string_map(const json& object, const char* key, std::string_view where) {
  std::map<std::string, std::string> out;
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return out;
  if (!it->is_object()) return fail("{}.{}: expected an object", where, key);
  for (auto& [name, value] : it->items()) {
    if (!value.is_string()) return fail("{}.{}[\"{}\"]: expected a string", where, key, name);
    out[name] = value.get<std::string>();
  }
  return out;
}

std::string normalize_architecture(std::string_view arch) {
  if (arch == "x86_64" || arch == "x86-64") return "amd64";
  if (arch == "aarch64") return "arm64";
  if (arch == "armhf" || arch == "armel") return "arm";
  if (arch == "i386" || arch == "i686") return "386";
  return std::string(arch);
}

Result<Platform> parse_platform_json(const json& object, std::string_view where) {
  if (!object.is_object()) return fail("{}: expected an object", where);
  Platform platform;
  BERTH_ASSIGN(platform.os, optional_string(object, "os", where));
  BERTH_ASSIGN(std::string arch, optional_string(object, "architecture", where));
  platform.architecture = normalize_architecture(arch);
  BERTH_ASSIGN(platform.variant, optional_string(object, "variant", where));
  BERTH_ASSIGN(platform.os_version, optional_string(object, "os.version", where));
  return platform;
}

Result<Descriptor> parse_descriptor(const json& object, std::string_view where) {
  if (!object.is_object()) return fail("{}: expected a descriptor object", where);
  Descriptor descriptor;
  BERTH_ASSIGN(descriptor.media_type, optional_string(object, "mediaType", where));
  if (descriptor.media_type.empty()) return fail("{}.mediaType: missing", where);
  auto digest_it = object.find("digest");
  if (digest_it == object.end() || !digest_it->is_string()) return fail("{}.digest: missing", where);
  auto digest = Digest::parse(digest_it->get<std::string>());
  if (!digest) return fail("{}.digest: {}", where, digest.error().message);
  descriptor.digest = *digest;
  auto size_it = object.find("size");
  if (size_it == object.end() || !size_it->is_number_integer()) return fail("{}.size: missing or not an integer", where);
  descriptor.size = size_it->get<int64_t>();
  if (descriptor.size < 0) return fail("{}.size: negative ({})", where, descriptor.size);
  if (auto urls = object.find("urls"); urls != object.end() && !urls->is_null()) {
    if (!urls->is_array()) return fail("{}.urls: expected an array", where);
    for (auto& url : *urls) {
      if (!url.is_string()) return fail("{}.urls: expected strings", where);
      descriptor.urls.push_back(url.get<std::string>());
    }
  }
  BERTH_ASSIGN(descriptor.annotations, string_map(object, "annotations", where));
  if (auto platform = object.find("platform"); platform != object.end() && !platform->is_null()) {
    BERTH_ASSIGN(Platform parsed, parse_platform_json(*platform, fmt::format("{}.platform", where)));
    descriptor.platform = std::move(parsed);
  }
  return descriptor;
}

bool is_config_media_type(std::string_view media_type) {
  return media_type == media_type::oci_config || media_type == media_type::docker_config;
}

Result<ImageManifest> parse_image_manifest(const json& document, std::string media_type) {
  ImageManifest manifest;
  manifest.media_type = std::move(media_type);
  auto config = document.find("config");
  if (config == document.end()) return fail("manifest: \"config\" missing");
  BERTH_ASSIGN(manifest.config, parse_descriptor(*config, "manifest.config"));
  if (!is_config_media_type(manifest.config.media_type))
    return fail("manifest.config.mediaType: \"{}\" is not an image config media type", manifest.config.media_type);
  auto layers = document.find("layers");
  if (layers == document.end() || !layers->is_array()) return fail("manifest: \"layers\" missing or not an array");
  for (size_t i = 0; i < layers->size(); ++i) {
    auto where = fmt::format("manifest.layers[{}]", i);
    BERTH_ASSIGN(Descriptor layer, parse_descriptor((*layers)[i], where));
    auto compression = layer_compression(layer.media_type);
    if (!compression) return fail("{}.mediaType: {}", where, compression.error().message);
    manifest.layers.push_back(std::move(layer));
  }
  BERTH_ASSIGN(manifest.annotations, string_map(document, "annotations", "manifest"));
  return manifest;
}

Result<ImageIndex> parse_image_index(const json& document, std::string media_type) {
  ImageIndex index;
  index.media_type = std::move(media_type);
  auto manifests = document.find("manifests");
  if (!manifests->is_array()) return fail("index: \"manifests\" is not an array");
  for (size_t i = 0; i < manifests->size(); ++i) {
    BERTH_ASSIGN(Descriptor entry, parse_descriptor((*manifests)[i], fmt::format("index.manifests[{}]", i)));
    index.manifests.push_back(std::move(entry));
  }
  return index;
}

}  // namespace

Result<LayerCompression> layer_compression(std::string_view type) {
  using namespace media_type;
  if (type == oci_layer || type == docker_layer_tar) return LayerCompression::none;
  if (type == oci_layer_gzip || type == docker_layer_gzip || type == docker_layer_foreign_gzip ||
      type == oci_layer_nondist_gzip)
    return LayerCompression::gzip;
  if (type == oci_layer_zstd || type == docker_layer_zstd) return LayerCompression::zstd;
  return fail("\"{}\" is not a supported layer media type", type);
}

bool is_index_media_type(std::string_view type) {
  return type == media_type::oci_index || type == media_type::docker_manifest_list;
}
bool is_manifest_media_type(std::string_view type) {
  return type == media_type::oci_manifest || type == media_type::docker_manifest;
}

std::string Platform::str() const {
  std::string out = os + "/" + architecture;
  if (!variant.empty()) out += "/" + variant;
  return out;
}

Result<Platform> parse_platform(std::string_view text) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    auto slash = text.find('/', start);
    parts.emplace_back(text.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  for (auto& part : parts) {
    if (part.empty()) return fail("invalid platform \"{}\": empty component", text);
    for (auto& c : part) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  Platform platform;
  if (parts.size() == 1) {
    platform.os = "linux";
    platform.architecture = normalize_architecture(parts[0]);
  } else if (parts.size() <= 3) {
    platform.os = parts[0];
    platform.architecture = normalize_architecture(parts[1]);
    if (parts.size() == 3) platform.variant = parts[2];
  } else {
    return fail("invalid platform \"{}\": expected os/arch[/variant]", text);
  }
  if (platform.architecture == "arm64" && platform.variant == "v8") platform.variant.clear();
  return platform;
}

Platform host_platform() {
  struct utsname names {};
  uname(&names);
  Platform platform{.os = "linux", .architecture = normalize_architecture(names.machine)};
  if (platform.architecture == "arm") platform.variant = "v7";
  return platform;
}

bool platform_matches(const Platform& candidate, const Platform& wanted) {
  if (candidate.os != wanted.os) return false;
  if (normalize_architecture(candidate.architecture) != wanted.architecture) return false;
  if (wanted.variant.empty()) return true;
  auto variant = candidate.variant;
  if (candidate.architecture == "arm64" && variant == "v8") variant.clear();
  return variant == wanted.variant;
}

Result<ManifestDocument> parse_manifest_document(std::string_view bytes, std::string_view declared) {
  BERTH_ASSIGN(json document, parse_json_object(bytes, "manifest"));
  auto version = document.find("schemaVersion");
  if (version != document.end() && version->is_number_integer() && version->get<int>() == 1)
    return fail("manifest: Docker schema 1 manifests are not supported (deprecated since Docker 1.10)");
  if (declared == media_type::docker_manifest_v1 || declared == media_type::docker_manifest_v1_signed)
    return fail("manifest: Docker schema 1 manifests are not supported (deprecated since Docker 1.10)");
  if (version == document.end() || !version->is_number_integer() || version->get<int>() != 2)
    return fail("manifest: schemaVersion must be 2");
  BERTH_ASSIGN(std::string field_type, optional_string(document, "mediaType", "manifest"));
  if (!field_type.empty() && !declared.empty() && field_type != declared)
    return fail("manifest: mediaType \"{}\" contradicts the declared media type \"{}\"", field_type, declared);
  bool has_manifests = document.contains("manifests");
  bool has_layers = document.contains("layers") || document.contains("config");
  if (has_manifests && has_layers)
    return fail("manifest: ambiguous document with both \"manifests\" and \"layers\"/\"config\"");
  std::string type = !field_type.empty() ? field_type : std::string(declared);
  if (type.empty()) type = has_manifests ? std::string(media_type::oci_index) : std::string(media_type::oci_manifest);
  if (is_index_media_type(type)) {
    if (!has_manifests) return fail("manifest: media type \"{}\" is an index but the document has no \"manifests\"", type);
    BERTH_ASSIGN(ImageIndex index, parse_image_index(document, type));
    return ManifestDocument(std::move(index));
  }
  if (is_manifest_media_type(type)) {
    if (has_manifests) return fail("manifest: media type \"{}\" is an image manifest but the document has \"manifests\"", type);
    BERTH_ASSIGN(ImageManifest manifest, parse_image_manifest(document, type));
    return ManifestDocument(std::move(manifest));
  }
  return fail("manifest: unsupported media type \"{}\"", type);
}

Result<Descriptor> select_platform(const ImageIndex& index, const Platform& wanted) {
  std::string offered;
  for (auto& entry : index.manifests) {
    if (!entry.platform) continue;
    if (!is_manifest_media_type(entry.media_type)) continue;  // attestations, nested indexes
    if (platform_matches(*entry.platform, wanted)) return entry;
    if (entry.platform->os == "unknown") continue;
    offered += (offered.empty() ? "" : ", ") + entry.platform->str();
  }
  return fail("no matching manifest for {} in the manifest list entries (offered: {})", wanted.str(),
              offered.empty() ? "none" : offered);
}

Result<ImageConfig> parse_image_config(std::string_view bytes) {
  BERTH_ASSIGN(json document, parse_json_object(bytes, "image config"));
  ImageConfig config;
  BERTH_ASSIGN(config.platform, parse_platform_json(document, "config"));
  auto rootfs = document.find("rootfs");
  if (rootfs == document.end() || !rootfs->is_object()) return fail("image config: \"rootfs\" missing");
  auto type = rootfs->find("type");
  if (type == rootfs->end() || *type != "layers") return fail("image config: rootfs.type must be \"layers\"");
  auto diff_ids = rootfs->find("diff_ids");
  if (diff_ids == rootfs->end() || !diff_ids->is_array()) return fail("image config: rootfs.diff_ids missing");
  for (size_t i = 0; i < diff_ids->size(); ++i) {
    auto& value = (*diff_ids)[i];
    if (!value.is_string()) return fail("image config: rootfs.diff_ids[{}]: expected a string", i);
    auto digest = Digest::parse(value.get<std::string>());
    if (!digest) return fail("image config: rootfs.diff_ids[{}]: {}", i, digest.error().message);
    config.diff_ids.push_back(*digest);
  }
  if (auto inner = document.find("config"); inner != document.end() && !inner->is_null() && !inner->is_object())
    return fail("image config: \"config\" must be an object");
  BERTH_ASSIGN(config.created, optional_string(document, "created", "config"));
  config.created_unix = parse_rfc3339(config.created).value_or(0);
  config.json = std::move(document);
  return config;
}

nlohmann::json descriptor_json(const Descriptor& descriptor) {
  json out = {{"mediaType", descriptor.media_type}, {"digest", descriptor.digest.str()}, {"size", descriptor.size}};
  if (!descriptor.urls.empty()) out["urls"] = descriptor.urls;
  if (!descriptor.annotations.empty()) out["annotations"] = descriptor.annotations;
  if (descriptor.platform) {
    json platform = {{"architecture", descriptor.platform->architecture}, {"os", descriptor.platform->os}};
    if (!descriptor.platform->variant.empty()) platform["variant"] = descriptor.platform->variant;
    out["platform"] = platform;
  }
  return out;
}

std::string to_json_bytes(const ImageManifest& manifest) {
  json out = {{"schemaVersion", 2}, {"mediaType", manifest.media_type}, {"config", descriptor_json(manifest.config)}};
  out["layers"] = json::array();
  for (auto& layer : manifest.layers) out["layers"].push_back(descriptor_json(layer));
  if (!manifest.annotations.empty()) out["annotations"] = manifest.annotations;
  return out.dump();
}

std::optional<int64_t> parse_rfc3339(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)
  if (text.size() < 20) return std::nullopt;
  auto digits = [&](size_t pos, size_t count) -> std::optional<int> {
    int value = 0;
    for (size_t i = pos; i < pos + count; ++i) {
      if (i >= text.size() || text[i] < '0' || text[i] > '9') return std::nullopt;
      value = value * 10 + (text[i] - '0');
    }
    return value;
  };
  auto year = digits(0, 4), month = digits(5, 2), day = digits(8, 2);
  auto hour = digits(11, 2), minute = digits(14, 2), second = digits(17, 2);
  if (!year || !month || !day || !hour || !minute || !second) return std::nullopt;
  if (text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != 't' && text[10] != ' ') ||
      text[13] != ':' || text[16] != ':')
    return std::nullopt;
  size_t pos = 19;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
  }
  int offset_seconds = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos + 6 <= text.size() && (text[pos] == '+' || text[pos] == '-')) {
    auto oh = digits(pos + 1, 2), om = digits(pos + 4, 2);
    if (!oh || !om || text[pos + 3] != ':') return std::nullopt;
    offset_seconds = (*oh * 3600 + *om * 60) * (text[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  struct tm broken {};
  broken.tm_year = *year - 1900;
  broken.tm_mon = *month - 1;
  broken.tm_mday = *day;
  broken.tm_hour = *hour;
  broken.tm_min = *minute;
  broken.tm_sec = *second;
  return static_cast<int64_t>(timegm(&broken)) - offset_seconds;
}

std::string format_rfc3339(int64_t unix_seconds) {
  time_t seconds = unix_seconds;
  struct tm broken {};
  gmtime_r(&seconds, &broken);
  std::array<char, 32> buffer{};
  strftime(buffer.data(), buffer.size(), "%Y-%m-%dT%H:%M:%SZ", &broken);
  return buffer.data();
}

}  // namespace berth
