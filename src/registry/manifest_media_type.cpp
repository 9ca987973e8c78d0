#include "registry/manifest_media_type.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <nlohmann/json.hpp>

#include "oci/image_spec.h"

namespace berth {

namespace {

constexpr std::array kAccepted = {media_type::oci_index, media_type::docker_manifest_list, media_type::oci_manifest,
                                  media_type::docker_manifest};

bool is_generic(std::string_view type) {
  return type.empty() || type == "application/json" || type == "text/plain" || type == "application/octet-stream";
}

// "application/vnd.oci.image.index.v1+json; charset=utf-8" → the type alone, lowercased.
std::string bare_type(std::string_view content_type) {
  content_type = content_type.substr(0, content_type.find(';'));
  while (!content_type.empty() && content_type.back() == ' ') content_type.remove_suffix(1);
  while (!content_type.empty() && content_type.front() == ' ') content_type.remove_prefix(1);
  std::string type(content_type);
  std::ranges::transform(type, type.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return type;
}

}  // namespace

std::string_view manifest_accept_header() { return media_type::manifest_accept; }

Result<std::string> manifest_media_type(std::string_view content_type, std::string_view body) {
  std::string header_type = bare_type(content_type);
  auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return fail("manifest is not valid JSON");
  if (auto schema = json.find("schemaVersion"); schema != json.end() && *schema == 1) {
    return fail("schema 1 manifests are not supported (deprecated by Docker since 2019)");
  }
  std::string body_type;
  if (auto field = json.find("mediaType"); field != json.end()) {
    if (!field->is_string()) return fail("manifest mediaType is not a string");
    body_type = field->get<std::string>();
  }
  if (!is_generic(header_type) && !body_type.empty() && header_type != body_type) {
    return fail("Content-Type {} does not match the manifest's mediaType {}", header_type, body_type);
  }
  std::string type = !body_type.empty() ? body_type : header_type;
  if (is_generic(type)) {
    if (json.contains("manifests")) {
      type = media_type::oci_index;
    } else if (json.contains("config") && json.contains("layers")) {
      type = media_type::oci_manifest;
    } else {
      return fail("manifest has no media type");
    }
  }
  if (std::ranges::find(kAccepted, type) == kAccepted.end()) return fail("unrequested media type {}", type);
  return type;
}

}  // namespace berth
