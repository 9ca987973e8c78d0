// Image and layer metadata in <root>/berth.db (SQLite, WAL): what the store
// holds and what names it. Files are always written before their rows, and
// deleted after them, so a row never names something incomplete; what a
// crash leaves on disk without a row is collected by gc.
//
// One MetadataStore is one connection: use it from one thread at a time.
// Several stores (threads, processes) on one database work concurrently;
// writers wait for each other through the busy timeout.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/digest.h"
#include "base/result.h"
#include "store/sqlite.h"
#include "store/store_paths.h"

namespace berth::store {

struct LayerRecord {
  Digest chain_id;
  Digest diff_id;
  std::optional<Digest> parent;       // chain id of the layer below
  uint64_t size = 0;                  // unpacked bytes
  std::optional<Digest> blob_digest;  // compressed blob in the content store
  std::string blob_media_type;
  uint64_t blob_size = 0;
};

struct ImageRecord {
  Digest id;                // config digest (Docker's image ID)
  std::string config_json;  // raw config blob text (also in the content store)
  std::optional<Digest> manifest_digest;
  std::string manifest_media_type;
  std::vector<Digest> layers;             // chain ids, bottom first
  int64_t created_unix = 0;               // from config "created"
  int64_t added_unix = 0;                 // when this store got it (0 on put_image: now)
  uint64_t size = 0;                      // sum of layer unpacked sizes (computed by put_image)
  std::vector<std::string> tags;          // "docker.io/library/busybox:latest"
  std::vector<std::string> repo_digests;  // "docker.io/library/busybox@sha256:…"
  std::optional<Digest> parent;           // locally built images; may be unset
};

// A local volume (see src/volume/). Labels and options are kept as given.
struct VolumeRecord {
  std::string name;
  std::string driver = "local";
  int64_t created_unix = 0;  // 0 on put_volume: now
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> options;  // driver options (-o)
  bool anonymous = false;
  int64_t references = 0;  // containers using it; filled in when read
};

// A container as the engine keeps it (see src/engine/container_record.h
// for what the JSON documents hold).
struct ContainerRow {
  std::string id;    // 64 hex digits
  std::string name;  // without Docker's leading "/"
  Digest image_id;
  std::string image_name;  // as given to create ("busybox")
  int64_t created_unix_nano = 0;
  std::string config_json;       // Docker's Config, merged with the image's
  std::string host_config_json;  // Docker's HostConfig
  std::string state_json;        // the engine's state document
};

class MetadataStore {
 public:
  // Creates the schema (schema_version table, migrations), sets WAL,
  // synchronous=NORMAL, foreign keys and a 30 s busy timeout.
  static Result<MetadataStore> open(const StorePaths& paths);

  // Groups several calls into one atomic change (the methods below nest
  // inside it as savepoints). Rolls back unless committed.
  Result<sqlite::Transaction> transaction();

  // ---- layers ----
  Status put_layer(const LayerRecord& layer);  // idempotent: the first record of a chain stays
  Result<std::optional<LayerRecord>> get_layer(const Digest& chain);
  Result<std::vector<LayerRecord>> list_layers();
  // For after the layer's directory is gone; refused while an image uses it.
  Status remove_layer_record(const Digest& chain);

  // ---- images ----
  // Adds or replaces the image and its layer list in one transaction: all its
  // layers must be recorded already, else nothing changes. Its tags and repo
  // digests are added (moved from other images: names are unique); existing
  // names of the image are kept. The config (id) and manifest are recorded as
  // blobs the image keeps alive; anything else (an index) through
  // add_image_blobs(). size is computed from the layer records; added_unix
  // is kept from a previous put of the same image.
  Status put_image(const ImageRecord& image);
  // Moves the tag from another image, which may thereby become dangling.
  Status add_tag(const std::string& reference, const Digest& image);
  Status remove_tag(const std::string& reference);  // "No such image: <ref>" when absent
  // Like a tag, a repo digest names one image (the last one stored under it).
  Status add_repo_digest(const std::string& repo_at_digest, const Digest& image);
  Status add_image_blobs(const Digest& image, const std::vector<Digest>& blobs);

  Result<std::optional<ImageRecord>> get_image(const Digest& id);
  Result<std::optional<Digest>> resolve_tag(const std::string& reference);
  // Docker's order: full id ("sha256:<hex>" or bare 64 hex), then a name in
  // full (tag, then repo digest), then a unique id prefix (>= 1 hex digit,
  // with or without "sha256:"). Several images under one prefix is an error:
  // "Multiple IDs found with provided prefix: <prefix>".
  Result<std::optional<ImageRecord>> find_image(std::string_view name_or_id_or_prefix);
  Result<std::vector<ImageRecord>> list_images();  // newest added first

  struct Removed {
    std::vector<Digest> layers;  // chain ids no image uses any more (rows kept until their dirs are deleted)
    std::vector<Digest> blobs;   // blobs no image references any more
  };
  // Removes the image with its tags, repo digests and blob references in one
  // transaction. The caller deletes what it returns from disk after this
  // commits (see delete_unreferenced in garbage_collect.h); a crash in between
  // leaves orphans that gc collects.
  // Later: refuse while a container uses the image (a check against the
  // containers table goes at the top of the transaction).
  Result<Removed> remove_image(const Digest& id);

  // ---- references, for gc ----
  Result<int> layer_reference_count(const Digest& chain);  // images using the layer
  Result<std::vector<Digest>> referenced_layers();         // chain ids some image uses
  Result<std::vector<Digest>> unreferenced_layers();       // recorded layers no image uses
  // Blobs an image keeps alive: its image_blobs and its layers' compressed blobs.
  Result<std::vector<Digest>> referenced_blobs();
  Result<bool> blob_referenced(const Digest& blob);

  // ---- volumes (metadata_volumes.cpp) ----
  // Records the volume unless one of that name exists; returns whether it
  // was recorded. The caller makes its directory first.
  Result<bool> put_volume(const VolumeRecord& volume);
  Result<std::optional<VolumeRecord>> get_volume(std::string_view name);
  Result<std::vector<VolumeRecord>> list_volumes();  // by name
  // Deletes the row; false when there was none. Refused while containers use
  // it, in Docker's words: "remove NAME: volume is in use - [ID1, ID2]".
  Result<bool> remove_volume_record(std::string_view name);
  // Idempotent. "get NAME: no such volume" when the volume is not recorded.
  Status add_volume_reference(std::string_view volume, std::string_view container_id);
  Result<std::vector<std::string>> volume_references(std::string_view volume);  // container ids, sorted
  // Drops every reference the container holds; returns the volumes it used
  // that no container uses any more.
  Result<std::vector<std::string>> remove_volume_references(std::string_view container_id);

  // ---- containers (metadata_containers.cpp) ----
  // Fails, changing nothing, when the name is taken: the error's
  // errno_value is EEXIST and its message Docker's conflict wording.
  Status put_container(const ContainerRow& container);
  Status update_container_state(std::string_view id, std::string_view state_json);
  Status update_container_config(std::string_view id, std::string_view config_json, std::string_view host_config_json);
  Status rename_container(std::string_view id, std::string_view new_name);  // EEXIST as put_container
  Result<std::optional<ContainerRow>> get_container(std::string_view id);
  // Docker's order: full id, then exact name (with or without "/"), then a
  // unique id prefix; several containers under a prefix is an error.
  Result<std::optional<ContainerRow>> find_container(std::string_view name_or_id);
  Result<std::vector<ContainerRow>> list_containers();  // newest first
  Result<bool> remove_container_row(std::string_view id);
  // The row and any volume references naming the container, in one
  // transaction: for a container that lists no volumes, whose references
  // can only be a crash's leftovers (see ContainerService::detach_volumes).
  Result<bool> remove_container_row_and_references(std::string_view id);
  Result<std::vector<std::string>> containers_using_image(const Digest& image);  // ids

 private:
  explicit MetadataStore(sqlite::Database database) : database_(std::move(database)) {}
  Result<std::vector<Digest>> digest_list(std::string_view sql, const Digest* parameter = nullptr);
  Result<bool> load_names(ImageRecord& image);
  Status put_name(std::string_view upsert_sql, const std::string& reference, const Digest& image);

  sqlite::Database database_;
};

}  // namespace berth::store
