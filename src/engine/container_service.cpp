#include "engine/container_service.h"

#include "engine/container_record_json.h"
#include "engine/container_row_cache.h"

namespace berth {

ContainerService::ContainerService(EngineOptions options, LocalImageService& images)
    : options_(std::move(options)),
      images_(images),
      events_(options_.runroot / "events.log"),
      rows_(std::make_unique<ContainerRowCache>()) {}

ContainerService::~ContainerService() = default;

void ContainerService::emit(const ContainerRecord& record, std::string action, std::map<std::string, std::string> extra,
                            int64_t time_nano) {
  Event event{.type = "container", .action = std::move(action), .actor_id = record.id, .attributes = std::move(extra)};
  event.time_nano = time_nano;
  for (const auto& [key, value] : record.config.labels) event.attributes.emplace(key, value);
  event.attributes["image"] = record.image_name.empty() ? record.image_id.str() : record.image_name;
  event.attributes["name"] = record.name;
  events_.emit(std::move(event));
}

Result<std::vector<std::filesystem::path>> ContainerService::image_layers(const ContainerRecord& record) {
  BERTH_ASSIGN(ImageRecord image, images_.find_record(record.image_id.str()));
  std::vector<std::filesystem::path> layers;
  for (auto it = image.layers.rbegin(); it != image.layers.rend(); ++it)
    layers.push_back(images_.layers().diff_path(*it));
  if (layers.empty()) return fail("image {} has no layers", record.image_id.short_hex());
  return layers;
}

Result<ContainerRecord> ContainerService::lookup(std::string_view name) {
  BERTH_ASSIGN(auto row, images_.metadata().find_container(name));
  if (!row) return std::unexpected(Error{fmt::format("No such container: {}", name), ENOENT});
  return rows_->record(*row);
}

Result<store::FileLock> ContainerService::lock(const std::string& id) {
  std::filesystem::path dir = options_.runroot / "locks";
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) return fail("create {}: {}", dir.string(), error.message());
  return store::FileLock::acquire(dir / id);
}

Status ContainerService::save_state(const ContainerRecord& record) {
  return images_.metadata().update_container_state(record.id, record.state.to_storage());
}

Result<ContainerRecord> ContainerService::find(std::string_view name) {
  BERTH_ASSIGN(ContainerRecord record, lookup(name));
  if (!record.state.active() && !abandoned_launch_possible(record))
    return record;
  BERTH_ASSIGN(auto held, lock(record.id));
  BERTH_ASSIGN(record, lookup(record.id));  // as it is now that we hold the lock
  BERTH_TRY(refresh(record));
  return record;
}

Result<std::vector<ContainerRecord>> ContainerService::list() {
  BERTH_ASSIGN(auto rows, images_.metadata().list_containers());
  std::vector<ContainerRecord> records;
  records.reserve(rows.size());
  for (const auto& row : rows) {
    BERTH_ASSIGN(ContainerRecord record, record_from_row(row));
    if (record.state.active() || abandoned_launch_possible(record)) {
      auto folded = find(record.id);
      if (!folded) {
        if (folded.error().errno_value == ENOENT) continue;  // removed meanwhile
        return std::unexpected(std::move(folded.error()));
      }
      record = std::move(*folded);
    }
    records.push_back(std::move(record));
  }
  return records;
}

Result<nlohmann::ordered_json> ContainerService::inspect(std::string_view name) {
  BERTH_ASSIGN(ContainerRecord record, find(name));
  return inspect_json(record, paths_of(record.id));
}

}  // namespace berth
