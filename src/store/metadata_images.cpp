// MetadataStore: images, their names (tags, repo digests) and lookups.
#include <ctime>
#include <map>
#include <set>

#include "store/metadata_columns.h"
#include "store/metadata_store.h"

namespace berth::store {

namespace {

using sqlite::Transaction;

// References arrive normalized from the engine; this only keeps text that can
// never be a sensible name out of the database.
Status check_reference(std::string_view reference, bool digested) {
  if (reference.empty()) return fail("invalid reference: empty");
  if (reference.size() > 1024) return fail("invalid reference \"{}…\": too long", reference.substr(0, 64));
  for (unsigned char c : reference)
    if (c <= ' ' || c == 0x7f)
      return fail("invalid reference \"{}\": contains whitespace or control characters", reference);
  auto at = reference.find('@');
  if (!digested) {
    if (at != std::string_view::npos) return fail("invalid tag \"{}\": contains a digest", reference);
    return {};
  }
  if (at == std::string_view::npos || at == 0)
    return fail("invalid repo digest \"{}\": expected name@sha256:…", reference);
  if (auto digest = Digest::parse(reference.substr(at + 1)); !digest)
    return with_context(std::move(digest), fmt::format("invalid repo digest \"{}\"", reference));
  return {};
}

bool is_hex(std::string_view text) {
  for (char c : text)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return !text.empty();
}

constexpr std::string_view kImageColumns =
    "id, config_json, manifest_digest, manifest_media_type, created_unix, added_unix, size, parent";

Result<ImageRecord> image_from_row(const sqlite::Statement& row) {
  ImageRecord image;
  BERTH_ASSIGN(image.id, digest_column(row, 0));
  image.config_json = row.text(1);
  BERTH_ASSIGN(image.manifest_digest, optional_digest_column(row, 2));
  image.manifest_media_type = row.text(3);
  image.created_unix = row.integer(4);
  image.added_unix = row.integer(5);
  image.size = static_cast<uint64_t>(row.integer(6));
  BERTH_ASSIGN(image.parent, optional_digest_column(row, 7));
  return image;
}

}  // namespace

Result<bool> MetadataStore::load_names(ImageRecord& image) {
  {
    BERTH_ASSIGN(auto query, database_.prepare("SELECT 1 FROM images WHERE id = ?1"));
    query.bind(1, image.id.str());
    BERTH_ASSIGN(bool found, query.step());
    if (!found) return false;
  }
  {
    BERTH_ASSIGN(auto query,
                 database_.prepare("SELECT chain_id FROM image_layers WHERE image_id = ?1 ORDER BY position"));
    query.bind(1, image.id.str());
    image.layers.clear();
    for (;;) {
      BERTH_ASSIGN(bool row, query.step());
      if (!row) break;
      BERTH_ASSIGN(auto chain, digest_column(query, 0));
      image.layers.push_back(std::move(chain));
    }
  }
  auto names = [&](std::string_view sql, std::vector<std::string>& out) -> Status {
    BERTH_ASSIGN(auto query, database_.prepare(sql));
    query.bind(1, image.id.str());
    out.clear();
    for (;;) {
      BERTH_ASSIGN(bool row, query.step());
      if (!row) return {};
      out.push_back(query.text(0));
    }
  };
  BERTH_TRY(names("SELECT reference FROM tags WHERE image_id = ?1 ORDER BY reference", image.tags));
  BERTH_TRY(names("SELECT reference FROM repo_digests WHERE image_id = ?1 ORDER BY reference", image.repo_digests));
  return true;
}

Status MetadataStore::put_name(std::string_view upsert_sql, const std::string& reference, const Digest& image) {
  {
    BERTH_ASSIGN(auto query, database_.prepare("SELECT 1 FROM images WHERE id = ?1"));
    BERTH_ASSIGN(bool found, query.bind(1, image.str()).step());
    if (!found) return fail("No such image: {}", image);
  }
  BERTH_ASSIGN(auto upsert, database_.prepare(upsert_sql));
  return upsert.bind(1, reference).bind(2, image.str()).run();
}

namespace {

constexpr std::string_view kUpsertTag =
    "INSERT INTO tags(reference, image_id) VALUES (?1, ?2) "
    "ON CONFLICT(reference) DO UPDATE SET image_id = excluded.image_id";
constexpr std::string_view kUpsertRepoDigest =
    "INSERT INTO repo_digests(reference, image_id) VALUES (?1, ?2) "
    "ON CONFLICT(reference) DO UPDATE SET image_id = excluded.image_id";

}  // namespace

Status MetadataStore::put_image(const ImageRecord& image) {
  if (image.id.empty()) return fail("record image: empty id");
  for (const auto& tag : image.tags) BERTH_TRY(check_reference(tag, false));
  for (const auto& name : image.repo_digests) BERTH_TRY(check_reference(name, true));

  BERTH_ASSIGN(auto transaction, Transaction::begin(database_));
  auto rows = [&]() -> Status {
    uint64_t size = 0;
    for (const auto& chain : image.layers) {
      BERTH_ASSIGN(auto query, database_.prepare("SELECT size FROM layers WHERE chain_id = ?1"));
      BERTH_ASSIGN(bool found, query.bind(1, chain.str()).step());
      if (!found) return fail("record image {}: layer {} is not recorded", image.id, chain);
      size += static_cast<uint64_t>(query.integer(0));
    }
    int64_t added = image.added_unix != 0 ? image.added_unix : static_cast<int64_t>(::time(nullptr));
    {
      // A re-put keeps when the image first arrived, and a manifest or parent
      // learnt earlier when this put does not know them.
      BERTH_ASSIGN(auto upsert, database_.prepare(R"sql(
          INSERT INTO images(id, config_json, manifest_digest, manifest_media_type, created_unix, added_unix, size, parent)
          VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
          ON CONFLICT(id) DO UPDATE SET
            config_json = excluded.config_json,
            manifest_media_type = CASE WHEN excluded.manifest_digest IS NULL THEN manifest_media_type
                                       ELSE excluded.manifest_media_type END,
            manifest_digest = coalesce(excluded.manifest_digest, manifest_digest),
            created_unix = excluded.created_unix,
            size = excluded.size,
            parent = coalesce(excluded.parent, parent))sql"));
      upsert.bind(1, image.id.str())
          .bind(2, image.config_json)
          .bind(4, image.manifest_media_type)
          .bind(5, image.created_unix)
          .bind(6, added)
          .bind(7, static_cast<int64_t>(size));
      if (image.manifest_digest) upsert.bind(3, image.manifest_digest->str());
      if (image.parent) upsert.bind(8, image.parent->str());
      BERTH_TRY(upsert.run());
    }
    {
      BERTH_ASSIGN(auto clear, database_.prepare("DELETE FROM image_layers WHERE image_id = ?1"));
      BERTH_TRY(clear.bind(1, image.id.str()).run());
    }
    for (size_t position = 0; position < image.layers.size(); ++position) {
      BERTH_ASSIGN(auto insert,
                   database_.prepare("INSERT INTO image_layers(image_id, position, chain_id) VALUES (?1, ?2, ?3)"));
      BERTH_TRY(insert.bind(1, image.id.str())
                    .bind(2, static_cast<int64_t>(position))
                    .bind(3, image.layers[position].str())
                    .run());
    }
    std::vector<Digest> blobs{image.id};
    if (image.manifest_digest) blobs.push_back(*image.manifest_digest);
    BERTH_TRY(add_image_blobs(image.id, blobs));
    for (const auto& tag : image.tags) BERTH_TRY(put_name(kUpsertTag, tag, image.id));
    for (const auto& name : image.repo_digests) BERTH_TRY(put_name(kUpsertRepoDigest, name, image.id));
    return {};
  };
  if (auto written = rows(); !written) return written;
  return transaction.commit();
}

Status MetadataStore::add_tag(const std::string& reference, const Digest& image) {
  BERTH_TRY(check_reference(reference, false));
  BERTH_ASSIGN(auto transaction, Transaction::begin(database_));
  BERTH_TRY(put_name(kUpsertTag, reference, image));
  return transaction.commit();
}

Status MetadataStore::add_repo_digest(const std::string& repo_at_digest, const Digest& image) {
  BERTH_TRY(check_reference(repo_at_digest, true));
  BERTH_ASSIGN(auto transaction, Transaction::begin(database_));
  BERTH_TRY(put_name(kUpsertRepoDigest, repo_at_digest, image));
  return transaction.commit();
}

Status MetadataStore::remove_tag(const std::string& reference) {
  {
    BERTH_ASSIGN(auto remove, database_.prepare("DELETE FROM tags WHERE reference = ?1"));
    BERTH_TRY(remove.bind(1, reference).run());
  }
  if (database_.changes() == 0) return fail("No such image: {}", reference);
  return {};
}

Status MetadataStore::add_image_blobs(const Digest& image, const std::vector<Digest>& blobs) {
  BERTH_ASSIGN(auto transaction, Transaction::begin(database_));
  {
    BERTH_ASSIGN(auto query, database_.prepare("SELECT 1 FROM images WHERE id = ?1"));
    BERTH_ASSIGN(bool found, query.bind(1, image.str()).step());
    if (!found) return fail("No such image: {}", image);
  }
  for (const auto& blob : blobs) {
    if (blob.empty()) return fail("image {}: empty blob digest", image);
    BERTH_ASSIGN(auto insert,
                 database_.prepare("INSERT OR IGNORE INTO image_blobs(image_id, blob_digest) VALUES (?1, ?2)"));
    BERTH_TRY(insert.bind(1, image.str()).bind(2, blob.str()).run());
  }
  return transaction.commit();
}

Result<std::optional<ImageRecord>> MetadataStore::get_image(const Digest& id) {
  // One snapshot for the row and its lists, even while another process writes.
  BERTH_ASSIGN(auto transaction, Transaction::begin(database_, Transaction::Mode::read));
  std::optional<ImageRecord> image;
  {
    BERTH_ASSIGN(auto query, database_.prepare(fmt::format("SELECT {} FROM images WHERE id = ?1", kImageColumns)));
    BERTH_ASSIGN(bool found, query.bind(1, id.str()).step());
    if (!found) return image;
    BERTH_ASSIGN(image, image_from_row(query));
  }
  BERTH_TRY(load_names(*image));
  BERTH_TRY(transaction.commit());
  return image;
}

Result<std::optional<Digest>> MetadataStore::resolve_tag(const std::string& reference) {
  BERTH_ASSIGN(auto query, database_.prepare("SELECT image_id FROM tags WHERE reference = ?1"));
  BERTH_ASSIGN(bool found, query.bind(1, reference).step());
  if (!found) return std::optional<Digest>();
  BERTH_ASSIGN(auto id, digest_column(query, 0));
  return std::optional<Digest>(std::move(id));
}

Result<std::optional<ImageRecord>> MetadataStore::find_image(std::string_view name) {
  BERTH_ASSIGN(auto transaction, Transaction::begin(database_, Transaction::Mode::read));
  std::string_view hex = name;
  if (hex.starts_with("sha256:")) hex.remove_prefix(7);
  bool id_like = is_hex(hex) && hex.size() <= 64;

  // 1. A full id.
  if (id_like && hex.size() == 64) return get_image(Digest::from_hex(hex));

  // 2. A name in full. Before any prefix, so an image named "db" is never
  // mistaken for an id starting with db.
  auto by_name = [&](std::string_view sql) -> Result<std::optional<Digest>> {
    BERTH_ASSIGN(auto query, database_.prepare(sql));
    BERTH_ASSIGN(bool found, query.bind(1, name).step());
    if (!found) return std::optional<Digest>();
    BERTH_ASSIGN(auto id, digest_column(query, 0));
    return std::optional<Digest>(std::move(id));
  };
  BERTH_ASSIGN(auto tagged, by_name("SELECT image_id FROM tags WHERE reference = ?1"));
  if (tagged) return get_image(*tagged);
  BERTH_ASSIGN(auto digested, by_name("SELECT image_id FROM repo_digests WHERE reference = ?1"));
  if (digested) return get_image(*digested);

  // 3. A unique id prefix. Ids are "sha256:" + lowercase hex, so every id
  // starting with the prefix sorts in [prefix, prefix + "g").
  if (!id_like) return std::optional<ImageRecord>();
  std::string low = "sha256:" + std::string(hex);
  std::string high = low + "g";
  std::optional<Digest> match;
  {
    BERTH_ASSIGN(auto query, database_.prepare("SELECT id FROM images WHERE id >= ?1 AND id < ?2 ORDER BY id LIMIT 2"));
    query.bind(1, low).bind(2, high);
    BERTH_ASSIGN(bool found, query.step());
    if (!found) return std::optional<ImageRecord>();
    BERTH_ASSIGN(match, digest_column(query, 0));
    BERTH_ASSIGN(bool another, query.step());
    if (another) return fail("Multiple IDs found with provided prefix: {}", name);
  }
  return get_image(*match);
}

Result<std::vector<ImageRecord>> MetadataStore::list_images() {
  BERTH_ASSIGN(auto transaction, Transaction::begin(database_, Transaction::Mode::read));
  std::vector<ImageRecord> images;
  std::map<std::string, size_t> index;  // id text -> position in images
  {
    BERTH_ASSIGN(auto query,
                 database_.prepare(fmt::format("SELECT {} FROM images ORDER BY added_unix DESC, id", kImageColumns)));
    for (;;) {
      BERTH_ASSIGN(bool row, query.step());
      if (!row) break;
      BERTH_ASSIGN(auto image, image_from_row(query));
      index.emplace(image.id.str(), images.size());
      images.push_back(std::move(image));
    }
  }
  // Three queries for all images' lists rather than three per image.
  auto each = [&](std::string_view sql, auto&& add) -> Status {
    BERTH_ASSIGN(auto query, database_.prepare(sql));
    for (;;) {
      BERTH_ASSIGN(bool row, query.step());
      if (!row) return {};
      auto it = index.find(query.text(0));
      if (it != index.end()) BERTH_TRY(add(images[it->second], query));
    }
  };
  BERTH_TRY(each("SELECT image_id, chain_id FROM image_layers ORDER BY image_id, position",
                 [](ImageRecord& image, const sqlite::Statement& row) -> Status {
                   BERTH_ASSIGN(auto chain, digest_column(row, 1));
                   image.layers.push_back(std::move(chain));
                   return {};
                 }));
  BERTH_TRY(each("SELECT image_id, reference FROM tags ORDER BY reference",
                 [](ImageRecord& image, const sqlite::Statement& row) -> Status {
                   image.tags.push_back(row.text(1));
                   return {};
                 }));
  BERTH_TRY(each("SELECT image_id, reference FROM repo_digests ORDER BY reference",
                 [](ImageRecord& image, const sqlite::Statement& row) -> Status {
                   image.repo_digests.push_back(row.text(1));
                   return {};
                 }));
  BERTH_TRY(transaction.commit());
  return images;
}

Result<MetadataStore::Removed> MetadataStore::remove_image(const Digest& id) {
  BERTH_ASSIGN(auto transaction, Transaction::begin(database_));
  Removed removed;
  {
    BERTH_ASSIGN(auto query, database_.prepare("SELECT 1 FROM images WHERE id = ?1"));
    BERTH_ASSIGN(bool found, query.bind(1, id.str()).step());
    if (!found) return fail("No such image: {}", id);
  }
  // (Containers, when they come: refuse here while one uses this image.)
  BERTH_ASSIGN(auto layers,
               digest_list("SELECT chain_id FROM image_layers WHERE image_id = ?1 ORDER BY position DESC", &id));
  BERTH_ASSIGN(auto blobs, digest_list(R"sql(
      SELECT blob_digest FROM image_blobs WHERE image_id = ?1
      UNION
      SELECT layers.blob_digest FROM image_layers JOIN layers ON layers.chain_id = image_layers.chain_id
      WHERE image_layers.image_id = ?1 AND layers.blob_digest IS NOT NULL
      ORDER BY 1)sql",
                                       &id));
  {
    // Cascades to image_layers, tags, repo_digests and image_blobs.
    BERTH_ASSIGN(auto remove, database_.prepare("DELETE FROM images WHERE id = ?1"));
    BERTH_TRY(remove.bind(1, id.str()).run());
  }
  std::set<Digest> seen;
  for (auto& chain : layers) {
    if (!seen.insert(chain).second) continue;
    BERTH_ASSIGN(int users, layer_reference_count(chain));
    if (users == 0) removed.layers.push_back(std::move(chain));
  }
  for (auto& blob : blobs) {
    BERTH_ASSIGN(bool referenced, blob_referenced(blob));
    if (!referenced) removed.blobs.push_back(std::move(blob));
  }
  BERTH_TRY(transaction.commit());
  return removed;
}

}  // namespace berth::store
