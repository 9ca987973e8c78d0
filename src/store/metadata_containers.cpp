// MetadataStore: containers.
#include "store/metadata_store.h"

namespace berth::store {

namespace {

constexpr std::string_view kContainerSelect = R"sql(
    SELECT id, name, image_id, image_name, created_unix_nano, config_json, host_config_json, state_json
    FROM containers)sql";

Result<ContainerRow> container_from_row(const sqlite::Statement& row) {
  ContainerRow container;
  container.id = row.text(0);
  container.name = row.text(1);
  auto image = Digest::parse(row.text(2));
  if (!image) return fail("database holds a bad image id for container {}: {}", container.id, image.error().message);
  container.image_id = *image;
  container.image_name = row.text(3);
  container.created_unix_nano = row.integer(4);
  container.config_json = row.text(5);
  container.host_config_json = row.text(6);
  container.state_json = row.text(7);
  return container;
}

bool is_hex(std::string_view text) {
  return std::ranges::all_of(text, [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

Error name_conflict(std::string_view name, std::string_view holder) {
  return Error{fmt::format("Conflict. The container name \"/{}\" is already in use by container \"{}\". You have to "
                           "remove (or rename) that container to be able to reuse that name.",
                           name, holder),
               EEXIST};
}

}  // namespace

Status MetadataStore::put_container(const ContainerRow& container) {
  if (container.id.size() != 64 || !is_hex(container.id)) return fail("record container: bad id \"{}\"", container.id);
  BERTH_ASSIGN(auto transaction, sqlite::Transaction::begin(database_));
  BERTH_ASSIGN(auto holder, database_.prepare("SELECT id FROM containers WHERE name = ?1"));
  holder.bind(1, container.name);
  BERTH_ASSIGN(bool taken, holder.step());
  if (taken) return std::unexpected(name_conflict(container.name, holder.text(0)));
  BERTH_ASSIGN(auto insert, database_.prepare(R"sql(
      INSERT INTO containers(id, name, image_id, image_name, created_unix_nano, config_json, host_config_json, state_json)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8))sql"));
  insert.bind(1, container.id)
      .bind(2, container.name)
      .bind(3, container.image_id.str())
      .bind(4, container.image_name)
      .bind(5, container.created_unix_nano)
      .bind(6, container.config_json)
      .bind(7, container.host_config_json)
      .bind(8, container.state_json);
  if (auto inserted = insert.run(); !inserted) return with_context(std::move(inserted), "record container");
  return transaction.commit();
}

Status MetadataStore::update_container_state(std::string_view id, std::string_view state_json) {
  BERTH_ASSIGN(auto update, database_.prepare("UPDATE containers SET state_json = ?2 WHERE id = ?1"));
  update.bind(1, id).bind(2, state_json);
  BERTH_TRY(update.run());
  if (database_.changes() == 0) return fail("No such container: {}", id);
  return {};
}

Status MetadataStore::update_container_config(std::string_view id, std::string_view config_json,
                                              std::string_view host_config_json) {
  BERTH_ASSIGN(auto update,
               database_.prepare("UPDATE containers SET config_json = ?2, host_config_json = ?3 WHERE id = ?1"));
  update.bind(1, id).bind(2, config_json).bind(3, host_config_json);
  BERTH_TRY(update.run());
  if (database_.changes() == 0) return fail("No such container: {}", id);
  return {};
}

Status MetadataStore::rename_container(std::string_view id, std::string_view new_name) {
  BERTH_ASSIGN(auto transaction, sqlite::Transaction::begin(database_));
  BERTH_ASSIGN(auto holder, database_.prepare("SELECT id FROM containers WHERE name = ?1 AND id != ?2"));
  holder.bind(1, new_name).bind(2, id);
  BERTH_ASSIGN(bool taken, holder.step());
  if (taken) return std::unexpected(name_conflict(new_name, holder.text(0)));
  BERTH_ASSIGN(auto update, database_.prepare("UPDATE containers SET name = ?2 WHERE id = ?1"));
  update.bind(1, id).bind(2, new_name);
  BERTH_TRY(update.run());
  if (database_.changes() == 0) return fail("No such container: {}", id);
  return transaction.commit();
}

Result<std::optional<ContainerRow>> MetadataStore::get_container(std::string_view id) {
  BERTH_ASSIGN(auto select, database_.prepare(fmt::format("{} WHERE id = ?1", kContainerSelect)));
  select.bind(1, id);
  BERTH_ASSIGN(bool found, select.step());
  if (!found) return std::nullopt;
  return container_from_row(select);
}

Result<std::optional<ContainerRow>> MetadataStore::find_container(std::string_view name_or_id) {
  if (name_or_id.empty()) return std::nullopt;
  if (name_or_id.size() == 64 && is_hex(name_or_id)) {
    BERTH_ASSIGN(auto exact, get_container(name_or_id));
    if (exact) return exact;
  }
  std::string_view name = name_or_id.starts_with('/') ? name_or_id.substr(1) : name_or_id;
  BERTH_ASSIGN(auto by_name, database_.prepare(fmt::format("{} WHERE name = ?1", kContainerSelect)));
  by_name.bind(1, name);
  BERTH_ASSIGN(bool named, by_name.step());
  if (named) return container_from_row(by_name);
  if (!is_hex(name_or_id)) return std::nullopt;
  // A prefix: ids are lowercase hex, so the range [prefix, prefix + 'g') holds exactly the matches.
  BERTH_ASSIGN(auto by_prefix,
               database_.prepare(fmt::format("{} WHERE id >= ?1 AND id < ?2 LIMIT 2", kContainerSelect)));
  by_prefix.bind(1, name_or_id).bind(2, std::string(name_or_id) + "g");
  BERTH_ASSIGN(bool first, by_prefix.step());
  if (!first) return std::nullopt;
  BERTH_ASSIGN(ContainerRow match, container_from_row(by_prefix));
  BERTH_ASSIGN(bool second, by_prefix.step());
  if (second) return fail("Multiple IDs found with provided prefix: {}", name_or_id);
  return match;
}

Result<std::vector<ContainerRow>> MetadataStore::list_containers() {
  BERTH_ASSIGN(auto select, database_.prepare(fmt::format("{} ORDER BY created_unix_nano DESC", kContainerSelect)));
  std::vector<ContainerRow> containers;
  for (;;) {
    BERTH_ASSIGN(bool more, select.step());
    if (!more) break;
    BERTH_ASSIGN(auto container, container_from_row(select));
    containers.push_back(std::move(container));
  }
  return containers;
}

Result<bool> MetadataStore::remove_container_row(std::string_view id) {
  BERTH_ASSIGN(auto remove, database_.prepare("DELETE FROM containers WHERE id = ?1"));
  remove.bind(1, id);
  BERTH_TRY(remove.run());
  return database_.changes() > 0;
}

Result<bool> MetadataStore::remove_container_row_and_references(std::string_view id) {
  BERTH_ASSIGN(auto transaction, sqlite::Transaction::begin(database_));
  {
    BERTH_ASSIGN(auto references, database_.prepare("DELETE FROM volume_refs WHERE container_id = ?1"));
    BERTH_TRY(references.bind(1, id).run());
  }
  BERTH_ASSIGN(bool removed, remove_container_row(id));
  BERTH_TRY(transaction.commit());
  return removed;
}

Result<std::vector<std::string>> MetadataStore::containers_using_image(const Digest& image) {
  BERTH_ASSIGN(auto select, database_.prepare("SELECT id FROM containers WHERE image_id = ?1 ORDER BY id"));
  select.bind(1, image.str());
  std::vector<std::string> ids;
  for (;;) {
    BERTH_ASSIGN(bool more, select.step());
    if (!more) break;
    ids.push_back(select.text(0));
  }
  return ids;
}

}  // namespace berth::store
