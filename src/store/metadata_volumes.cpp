// MetadataStore: local volumes and the containers that reference them.
#include <ctime>
#include <nlohmann/json.hpp>

#include "store/metadata_store.h"

namespace berth::store {

namespace {

using sqlite::Transaction;

// Volume names reach the store validated by the volume service; this only
// keeps text that could never be one (or a path) out of the database.
Status check_volume_name(std::string_view name) {
  if (name.empty()) return fail("volume name is empty");
  if (name.size() > 255) return fail("volume name \"{}…\" is too long", name.substr(0, 32));
  for (char c : name)
    if (c == '/' || c == '\0') return fail("volume name \"{}\" contains '/' or NUL", name);
  if (name == "." || name == "..") return fail("invalid volume name \"{}\"", name);
  return {};
}

Status check_container_id(std::string_view id) {
  if (id.empty()) return fail("container id is empty");
  if (id.size() > 128) return fail("container id \"{}…\" is too long", id.substr(0, 32));
  for (unsigned char c : id)
    if (c <= ' ' || c == 0x7f) return fail("container id \"{}\" contains whitespace or control characters", id);
  return {};
}

std::string map_json(const std::map<std::string, std::string>& values) { return nlohmann::json(values).dump(); }

Result<std::map<std::string, std::string>> map_column(const sqlite::Statement& row, int column, std::string_view what) {
  auto parsed = nlohmann::json::parse(row.text(column), nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object()) return fail("database holds bad volume {}: not a JSON object", what);
  std::map<std::string, std::string> values;
  for (const auto& [key, value] : parsed.items()) {
    if (!value.is_string()) return fail("database holds bad volume {}: {} is not a string", what, key);
    values[key] = value.get<std::string>();
  }
  return values;
}

constexpr std::string_view kVolumeSelect = R"sql(
    SELECT v.name, v.driver, v.created_unix, v.labels_json, v.options_json, v.anonymous,
           (SELECT count(*) FROM volume_refs r WHERE r.volume = v.name)
    FROM volumes v)sql";

Result<VolumeRecord> volume_from_row(const sqlite::Statement& row) {
  VolumeRecord volume;
  volume.name = row.text(0);
  BERTH_TRY(check_volume_name(volume.name));
  volume.driver = row.text(1);
  volume.created_unix = row.integer(2);
  BERTH_ASSIGN(volume.labels, map_column(row, 3, "labels"));
  BERTH_ASSIGN(volume.options, map_column(row, 4, "options"));
  volume.anonymous = row.integer(5) != 0;
  volume.references = row.integer(6);
  return volume;
}

}  // namespace

Result<bool> MetadataStore::put_volume(const VolumeRecord& volume) {
  BERTH_TRY(check_volume_name(volume.name));
  if (volume.driver.empty()) return fail("record volume {}: driver is empty", volume.name);
  int64_t created = volume.created_unix != 0 ? volume.created_unix : static_cast<int64_t>(::time(nullptr));
  BERTH_ASSIGN(auto insert, database_.prepare(R"sql(
      INSERT OR IGNORE INTO volumes(name, driver, created_unix, labels_json, options_json, anonymous)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6))sql"));
  insert.bind(1, volume.name)
      .bind(2, volume.driver)
      .bind(3, created)
      .bind(4, map_json(volume.labels))
      .bind(5, map_json(volume.options))
      .bind(6, int64_t{volume.anonymous ? 1 : 0});
  if (auto inserted = insert.run(); !inserted) return with_context(std::move(inserted), "record volume");
  return database_.changes() > 0;
}

Result<std::optional<VolumeRecord>> MetadataStore::get_volume(std::string_view name) {
  BERTH_ASSIGN(auto query, database_.prepare(std::string(kVolumeSelect) + " WHERE v.name = ?1"));
  BERTH_ASSIGN(bool found, query.bind(1, name).step());
  if (!found) return std::optional<VolumeRecord>();
  BERTH_ASSIGN(auto volume, volume_from_row(query));
  return std::optional<VolumeRecord>(std::move(volume));
}

Result<std::vector<VolumeRecord>> MetadataStore::list_volumes() {
  BERTH_ASSIGN(auto query, database_.prepare(std::string(kVolumeSelect) + " ORDER BY v.name"));
  std::vector<VolumeRecord> volumes;
  for (;;) {
    BERTH_ASSIGN(bool row, query.step());
    if (!row) return volumes;
    BERTH_ASSIGN(auto volume, volume_from_row(query));
    volumes.push_back(std::move(volume));
  }
}

Result<std::vector<std::string>> MetadataStore::volume_references(std::string_view volume) {
  BERTH_ASSIGN(auto query,
               database_.prepare("SELECT container_id FROM volume_refs WHERE volume = ?1 ORDER BY container_id"));
  query.bind(1, volume);
  std::vector<std::string> containers;
  for (;;) {
    BERTH_ASSIGN(bool row, query.step());
    if (!row) return containers;
    containers.push_back(query.text(0));
  }
}

Result<bool> MetadataStore::remove_volume_record(std::string_view name) {
  BERTH_ASSIGN(auto transaction, Transaction::begin(database_));
  BERTH_ASSIGN(auto containers, volume_references(name));
  if (!containers.empty()) {
    std::string list;
    for (const auto& id : containers) list += (list.empty() ? "" : ", ") + id;
    return fail("remove {}: volume is in use - [{}]", name, list);
  }
  BERTH_ASSIGN(auto remove, database_.prepare("DELETE FROM volumes WHERE name = ?1"));
  BERTH_TRY(remove.bind(1, name).run());
  bool removed = database_.changes() > 0;
  BERTH_TRY(transaction.commit());
  return removed;
}

Status MetadataStore::add_volume_reference(std::string_view volume, std::string_view container_id) {
  BERTH_TRY(check_container_id(container_id));
  BERTH_ASSIGN(auto transaction, Transaction::begin(database_));
  {
    BERTH_ASSIGN(auto query, database_.prepare("SELECT 1 FROM volumes WHERE name = ?1"));
    BERTH_ASSIGN(bool found, query.bind(1, volume).step());
    if (!found) return fail("get {}: no such volume", volume);
  }
  BERTH_ASSIGN(auto insert,
               database_.prepare("INSERT OR IGNORE INTO volume_refs(volume, container_id) VALUES (?1, ?2)"));
  BERTH_TRY(insert.bind(1, volume).bind(2, container_id).run());
  return transaction.commit();
}

Result<std::vector<std::string>> MetadataStore::remove_volume_references(std::string_view container_id) {
  BERTH_ASSIGN(auto transaction, Transaction::begin(database_));
  std::vector<std::string> used;
  {
    BERTH_ASSIGN(auto query,
                 database_.prepare("SELECT volume FROM volume_refs WHERE container_id = ?1 ORDER BY volume"));
    query.bind(1, container_id);
    for (;;) {
      BERTH_ASSIGN(bool row, query.step());
      if (!row) break;
      used.push_back(query.text(0));
    }
  }
  {
    BERTH_ASSIGN(auto remove, database_.prepare("DELETE FROM volume_refs WHERE container_id = ?1"));
    BERTH_TRY(remove.bind(1, container_id).run());
  }
  std::vector<std::string> unused;
  for (const auto& volume : used) {
    BERTH_ASSIGN(auto query, database_.prepare("SELECT 1 FROM volume_refs WHERE volume = ?1 LIMIT 1"));
    BERTH_ASSIGN(bool still_used, query.bind(1, volume).step());
    if (!still_used) unused.push_back(volume);
  }
  BERTH_TRY(transaction.commit());
  return unused;
}

}  // namespace berth::store
