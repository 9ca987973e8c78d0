#include "store/metadata_store.h"

#include "store/layer_store.h"
#include "store/metadata_columns.h"
#include "store/metadata_schema.h"

namespace berth::store {

namespace {

constexpr int kBusyTimeoutMs = 30'000;

}  // namespace

Result<MetadataStore> MetadataStore::open(const StorePaths& paths) {
  BERTH_ASSIGN(auto database, sqlite::Database::open(paths.database(), kBusyTimeoutMs));
  BERTH_TRY(prepare_schema(database));
  return MetadataStore(std::move(database));
}

Result<sqlite::Transaction> MetadataStore::transaction() { return sqlite::Transaction::begin(database_); }

Result<std::vector<Digest>> MetadataStore::digest_list(std::string_view sql, const Digest* parameter) {
  BERTH_ASSIGN(auto query, database_.prepare(sql));
  if (parameter) query.bind(1, parameter->str());
  std::vector<Digest> digests;
  for (;;) {
    BERTH_ASSIGN(bool row, query.step());
    if (!row) break;
    BERTH_ASSIGN(auto digest, digest_column(query, 0));
    digests.push_back(std::move(digest));
  }
  return digests;
}

// ---- layers ----

Status MetadataStore::put_layer(const LayerRecord& layer) {
  if (layer.chain_id.empty() || layer.diff_id.empty()) return fail("record layer: chain id and diff id are required");
  // A record whose chain id does not follow from its parent and diff id would
  // let two different stacks share one directory.
  if (chain_id(layer.parent, layer.diff_id) != layer.chain_id)
    return fail("record layer {}: chain id does not match parent {} and diff id {}", layer.chain_id,
                layer.parent ? layer.parent->str() : "(none)", layer.diff_id);
  BERTH_ASSIGN(auto insert, database_.prepare(R"sql(
      INSERT OR IGNORE INTO layers(chain_id, diff_id, parent, size, blob_digest, blob_media_type, blob_size)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7))sql"));
  insert.bind(1, layer.chain_id.str())
      .bind(2, layer.diff_id.str())
      .bind(4, static_cast<int64_t>(layer.size))
      .bind(6, layer.blob_media_type)
      .bind(7, static_cast<int64_t>(layer.blob_size));
  if (layer.parent) insert.bind(3, layer.parent->str());
  if (layer.blob_digest) insert.bind(5, layer.blob_digest->str());
  if (auto inserted = insert.run(); !inserted) return with_context(std::move(inserted), "record layer");
  return {};
}

namespace {

constexpr std::string_view kLayerColumns = "chain_id, diff_id, parent, size, blob_digest, blob_media_type, blob_size";

Result<LayerRecord> layer_from_row(const sqlite::Statement& row) {
  LayerRecord layer;
  BERTH_ASSIGN(layer.chain_id, digest_column(row, 0));
  BERTH_ASSIGN(layer.diff_id, digest_column(row, 1));
  BERTH_ASSIGN(layer.parent, optional_digest_column(row, 2));
  layer.size = static_cast<uint64_t>(row.integer(3));
  BERTH_ASSIGN(layer.blob_digest, optional_digest_column(row, 4));
  layer.blob_media_type = row.text(5);
  layer.blob_size = static_cast<uint64_t>(row.integer(6));
  return layer;
}

}  // namespace

Result<std::optional<LayerRecord>> MetadataStore::get_layer(const Digest& chain) {
  BERTH_ASSIGN(auto query, database_.prepare(fmt::format("SELECT {} FROM layers WHERE chain_id = ?1", kLayerColumns)));
  query.bind(1, chain.str());
  BERTH_ASSIGN(bool row, query.step());
  if (!row) return std::optional<LayerRecord>();
  BERTH_ASSIGN(auto layer, layer_from_row(query));
  return std::optional<LayerRecord>(std::move(layer));
}

Result<std::vector<LayerRecord>> MetadataStore::list_layers() {
  BERTH_ASSIGN(auto query, database_.prepare(fmt::format("SELECT {} FROM layers ORDER BY chain_id", kLayerColumns)));
  std::vector<LayerRecord> layers;
  for (;;) {
    BERTH_ASSIGN(bool row, query.step());
    if (!row) break;
    BERTH_ASSIGN(auto layer, layer_from_row(query));
    layers.push_back(std::move(layer));
  }
  return layers;
}

Status MetadataStore::remove_layer_record(const Digest& chain) {
  BERTH_ASSIGN(auto transaction, sqlite::Transaction::begin(database_));
  {
    BERTH_ASSIGN(int users, layer_reference_count(chain));
    if (users > 0) return fail("layer {} is used by {} image(s)", chain, users);
    BERTH_ASSIGN(auto remove, database_.prepare("DELETE FROM layers WHERE chain_id = ?1"));
    BERTH_TRY(remove.bind(1, chain.str()).run());
  }
  return transaction.commit();
}

// ---- references ----

Result<int> MetadataStore::layer_reference_count(const Digest& chain) {
  BERTH_ASSIGN(auto query, database_.prepare("SELECT count(DISTINCT image_id) FROM image_layers WHERE chain_id = ?1"));
  query.bind(1, chain.str());
  BERTH_ASSIGN(bool row, query.step());
  return row ? static_cast<int>(query.integer(0)) : 0;
}

Result<std::vector<Digest>> MetadataStore::referenced_layers() {
  return digest_list("SELECT DISTINCT chain_id FROM image_layers ORDER BY chain_id");
}

Result<std::vector<Digest>> MetadataStore::unreferenced_layers() {
  return digest_list(R"sql(
      SELECT chain_id FROM layers
      WHERE NOT EXISTS (SELECT 1 FROM image_layers WHERE image_layers.chain_id = layers.chain_id)
      ORDER BY chain_id)sql");
}

Result<std::vector<Digest>> MetadataStore::referenced_blobs() {
  return digest_list(R"sql(
      SELECT blob_digest FROM image_blobs
      UNION
      SELECT layers.blob_digest FROM layers JOIN image_layers ON image_layers.chain_id = layers.chain_id
      WHERE layers.blob_digest IS NOT NULL
      ORDER BY 1)sql");
}

Result<bool> MetadataStore::blob_referenced(const Digest& blob) {
  BERTH_ASSIGN(auto query, database_.prepare(R"sql(
      SELECT EXISTS (SELECT 1 FROM image_blobs WHERE blob_digest = ?1)
          OR EXISTS (SELECT 1 FROM layers JOIN image_layers ON image_layers.chain_id = layers.chain_id
                     WHERE layers.blob_digest = ?1))sql"));
  query.bind(1, blob.str());
  BERTH_ASSIGN(bool row, query.step());
  return row && query.integer(0) != 0;
}

}  // namespace berth::store
