// `berth images`: rows as docker's formatter makes them (one per repository
// and tag, "<none>" for dangling images, digests per tag with --digests) and
// the fields each row has for --format (docker's keys and wording).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "engine/image_service.h"

namespace berth::cli {

struct ImageRow {
  const ImageSummary* image;
  std::string repository;  // familiar name, "<none>" for dangling images
  std::string tag;         // "<none>" when the row is for a digest only
  std::string digest;      // "<none>", "" or "sha256:…"
};

// docker's imageFormat / imageFormatTaggedAndDigest, in the order the engine lists tags.
std::vector<ImageRow> image_rows(const std::vector<ImageSummary>& images, bool show_digests);

// Every field docker's image context has: Containers, CreatedAt,
// CreatedSince, Digest, ID, Repository, SharedSize, Size, Tag, UniqueSize,
// VirtualSize. truncate: 12-hex ids, as without --no-trunc.
nlohmann::json image_row_fields(const ImageRow& row, bool truncate, int64_t now_unix);
const nlohmann::json& image_headers();
std::string_view image_table_format(bool digests);

// docker's TruncateID (12 hex) or the full "sha256:…".
std::string image_id_text(const Digest& id, bool truncate);

}  // namespace berth::cli
