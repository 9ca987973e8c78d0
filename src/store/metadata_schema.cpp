#include "store/metadata_schema.h"

#include <sqlite3.h>

#include <array>
#include <chrono>
#include <thread>

namespace berth::store {

namespace {

// migrations[n] takes the schema from version n to n + 1. Never edit a
// released entry: append a new one.
//
// Digests are stored as their text ("sha256:<hex>"), references as
// normalized text ("docker.io/library/busybox:latest"). Layer rows outlive
// their images until the layer directory is deleted (see MetadataStore).
constexpr std::array<const char*, kSchemaVersion> kMigrations = {
    R"sql(
CREATE TABLE layers (
  chain_id        TEXT PRIMARY KEY,
  diff_id         TEXT NOT NULL,
  parent          TEXT,               -- chain id of the layer below; informational, no cascade
  size            INTEGER NOT NULL,   -- unpacked bytes
  blob_digest     TEXT,               -- compressed blob in the content store, if kept
  blob_media_type TEXT NOT NULL DEFAULT '',
  blob_size       INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX layers_blob ON layers(blob_digest);

CREATE TABLE images (
  id                  TEXT PRIMARY KEY,   -- config digest
  config_json         TEXT NOT NULL,
  manifest_digest     TEXT,
  manifest_media_type TEXT NOT NULL DEFAULT '',
  created_unix        INTEGER NOT NULL DEFAULT 0,
  added_unix          INTEGER NOT NULL DEFAULT 0,
  size                INTEGER NOT NULL DEFAULT 0,
  parent              TEXT                -- image id; may name an image that is gone
) WITHOUT ROWID;

CREATE TABLE image_layers (
  image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,            -- 0 = bottom
  chain_id TEXT NOT NULL REFERENCES layers(chain_id),
  PRIMARY KEY (image_id, position)
) WITHOUT ROWID;
CREATE INDEX image_layers_chain ON image_layers(chain_id);

-- A tag or repo digest names one image; naming another moves it.
CREATE TABLE tags (
  reference TEXT PRIMARY KEY,
  image_id  TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX tags_image ON tags(image_id);

CREATE TABLE repo_digests (
  reference TEXT PRIMARY KEY,
  image_id  TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX repo_digests_image ON repo_digests(image_id);

-- Blobs an image keeps alive besides its layers' compressed blobs: its
-- config, its manifest, an index it was pulled through.
CREATE TABLE image_blobs (
  image_id    TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  blob_digest TEXT NOT NULL,
  PRIMARY KEY (image_id, blob_digest)
) WITHOUT ROWID;
CREATE INDEX image_blobs_blob ON image_blobs(blob_digest);
)sql",
    // 1 -> 2: local volumes and the containers that use them. Labels and
    // driver options are JSON objects of strings. volume_refs names
    // containers by id only (no foreign key: the container tables come in a
    // later migration); a referenced volume's row cannot be deleted.
    R"sql(
CREATE TABLE volumes (
  name         TEXT PRIMARY KEY,
  driver       TEXT NOT NULL,
  created_unix INTEGER NOT NULL,
  labels_json  TEXT NOT NULL DEFAULT '{}',
  options_json TEXT NOT NULL DEFAULT '{}',
  anonymous    INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TABLE volume_refs (
  volume       TEXT NOT NULL REFERENCES volumes(name),
  container_id TEXT NOT NULL,
  PRIMARY KEY (volume, container_id)
) WITHOUT ROWID;
CREATE INDEX volume_refs_container ON volume_refs(container_id);
)sql",
    // 2 -> 3: containers. Config, HostConfig and State are Docker's JSON
    // documents as the engine writes them; the columns are what is looked
    // up or must stay unique.
    R"sql(
CREATE TABLE containers (
  id                TEXT PRIMARY KEY,
  name              TEXT NOT NULL UNIQUE,
  image_id          TEXT NOT NULL,
  image_name        TEXT NOT NULL,
  created_unix_nano INTEGER NOT NULL,
  config_json       TEXT NOT NULL,
  host_config_json  TEXT NOT NULL,
  state_json        TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX containers_image ON containers(image_id);
)sql",
    // 3 -> 4: containers become a rowid table. A row (~2 KB of JSON) no
    // longer fits a WITHOUT ROWID table's cell (~1 KB on 4 KiB pages): each
    // insert, state update and delete also rewrote an overflow page and the
    // free list in page 1, 17 WAL frames per `run --rm` instead of 9.
    R"sql(
CREATE TABLE containers_v4 (
  id                TEXT PRIMARY KEY,
  name              TEXT NOT NULL UNIQUE,
  image_id          TEXT NOT NULL,
  image_name        TEXT NOT NULL,
  created_unix_nano INTEGER NOT NULL,
  config_json       TEXT NOT NULL,
  host_config_json  TEXT NOT NULL,
  state_json        TEXT NOT NULL
);
INSERT INTO containers_v4 (id, name, image_id, image_name, created_unix_nano, config_json, host_config_json, state_json)
  SELECT id, name, image_id, image_name, created_unix_nano, config_json, host_config_json, state_json FROM containers;
DROP TABLE containers;
ALTER TABLE containers_v4 RENAME TO containers;
CREATE INDEX containers_image ON containers(image_id);
)sql",
};

Result<int> current_version(sqlite::Database& database) {
  {
    BERTH_ASSIGN(auto query,
                 database.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"));
    BERTH_ASSIGN(bool exists, query.step());
    if (!exists) return 0;
  }
  BERTH_ASSIGN(auto query, database.prepare("SELECT max(version) FROM schema_version"));
  BERTH_ASSIGN(bool row, query.step());
  if (!row || query.is_null(0)) return 0;
  return static_cast<int>(query.integer(0));
}

Status check_not_newer(const sqlite::Database& database, int version) {
  if (version > kSchemaVersion)
    return fail("database {}: schema version {} is newer than this berth understands ({})", database.path().string(),
                version, kSchemaVersion);
  return {};
}

// Switching a new database to WAL needs a moment alone with it; a second
// process opening the fresh file at the same time gets SQLITE_BUSY at once
// (the busy handler does not cover this), so retry briefly.
Status enable_wal(sqlite::Database& database) {
  Status status;
  for (int attempt = 0; attempt < 300; ++attempt) {
    status = database.exec("PRAGMA journal_mode=WAL");
    if (status) return {};
    int code = sqlite3_errcode(database.handle()) & 0xff;
    if (code != SQLITE_BUSY && code != SQLITE_LOCKED) return status;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return status;
}

}  // namespace

Status prepare_schema(sqlite::Database& database) {
  BERTH_TRY(enable_wal(database));
  // WAL + NORMAL: a commit may be lost on power failure but never corrupts,
  // and files are always made durable before their rows are written.
  BERTH_TRY(database.exec("PRAGMA synchronous=NORMAL"));
  BERTH_TRY(database.exec("PRAGMA foreign_keys=ON"));

  // The common case, an up-to-date database, only reads: opening the store
  // (on every `berth run`) never queues behind a writer.
  {
    BERTH_ASSIGN(auto reading, sqlite::Transaction::begin(database, sqlite::Transaction::Mode::read));
    BERTH_ASSIGN(int version, current_version(database));
    BERTH_TRY(check_not_newer(database, version));
    if (version == kSchemaVersion) return reading.commit();
  }
  // Another process may be migrating too: decide again under the write lock.
  BERTH_ASSIGN(auto transaction, sqlite::Transaction::begin(database));
  BERTH_TRY(database.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"));
  BERTH_ASSIGN(int version, current_version(database));
  BERTH_TRY(check_not_newer(database, version));
  if (version == kSchemaVersion) return transaction.commit();
  for (int next = version; next < kSchemaVersion; ++next) BERTH_TRY(database.exec(kMigrations[next]));
  BERTH_TRY(database.exec("DELETE FROM schema_version"));
  {
    BERTH_ASSIGN(auto record, database.prepare("INSERT INTO schema_version(version) VALUES (?1)"));
    BERTH_TRY(record.bind(1, static_cast<int64_t>(kSchemaVersion)).run());
  }
  return transaction.commit();
}

}  // namespace berth::store
