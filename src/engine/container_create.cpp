// ContainerService::create: the record and the directories; no process.
#include <sys/stat.h>

#include "engine/container_files.h"
#include "engine/container_names.h"
#include "engine/container_record_json.h"
#include "engine/container_row_cache.h"
#include "engine/container_service.h"
#include "engine/spec_mounts.h"

namespace berth {

Result<CreateContainerResult> ContainerService::create(const CreateContainerRequest& request) {
  BERTH_ASSIGN(ImageRecord image, images_.find_record(request.config.image));
  auto image_config = nlohmann::json::parse(image.config_json, nullptr, /*allow_exceptions=*/false);
  if (!image_config.is_object()) return fail("image {}: its config is not a JSON object", image.id.short_hex());
  ContainerRecord record;
  BERTH_ASSIGN(record.config, merge_image_config(request.config, image_config.value("config", nlohmann::json())));
  record.host = request.host;
  if (record.host.log_config.type.empty()) record.host.log_config.type = "json-file";
  // No bridge network yet (it comes with the networking work): docker's
  // default network is, for now, a network namespace with loopback only.
  if (record.host.network_mode.empty() || record.host.network_mode == "default") record.host.network_mode = "none";
  if (record.host.network_mode != "none" && record.host.network_mode != "host")
    return fail("network mode \"{}\" is not supported yet: use --network none or --network host",
                record.host.network_mode);
  // Bad -v/--mount/--tmpfs combinations fail before anything is made.
  BERTH_TRY(mount_requests(record.config, record.host));
  BERTH_ASSIGN(record.id, new_container_id());
  // As dockerd, which shows it in inspect's Config.Hostname (a container on
  // the host's network or UTS namespace has the host's name instead).
  if (record.config.hostname.empty() && record.host.network_mode != "host" && record.host.uts_mode != "host")
    record.config.hostname = record.id.substr(0, 12);
  record.image_id = image.id;
  record.image_name = request.config.image;
  record.created_unix_nano = unix_nano_now();
  record.state.status = ContainerStatus::created;
  if (!request.name.empty()) {
    BERTH_ASSIGN(record.name, check_container_name(request.name));
  }

  // Directories first, the row last: a row always names a whole container,
  // and a crash in between leaves only a directory without a row.
  ContainerPaths paths = paths_of(record.id);
  std::error_code error;
  std::filesystem::create_directories(paths.dir.parent_path(), error);
  if (error) return fail("create {}: {}", paths.dir.parent_path().string(), error.message());
  if (::mkdir(paths.dir.c_str(), 0710) != 0) return fail_errno(errno, "create {}", paths.dir.string());
  auto undo = [&] { (void)remove_path(paths.dir); };
  for (const auto& dir : {paths.upper(), paths.work()}) {
    if (::mkdir(dir.c_str(), 0755) != 0) {
      int err = errno;
      undo();
      return fail_errno(err, "create {}", dir.string());
    }
  }
  // A generated name may collide: draw again, as Docker does.
  for (int attempt = 0;; ++attempt) {
    if (request.name.empty()) record.name = random_container_name() + (attempt >= 5 ? std::to_string(attempt) : "");
    store::ContainerRow row = row_from_record(record);
    auto put = images_.metadata().put_container(row);
    if (put) {
      rows_->remember(row, record);
      break;
    }
    if (put.error().errno_value != EEXIST || !request.name.empty() || attempt > 20) {
      undo();
      return std::unexpected(std::move(put.error()));
    }
  }
  // Volumes after the row: their references name the container.
  auto attached = attach_volumes(record);
  if (attached && !record.state.volumes.empty()) attached = save_state(record);
  if (!attached) {
    (void)detach_volumes(record, /*remove_anonymous=*/true);
    (void)images_.metadata().remove_container_row(record.id);
    undo();
    return std::unexpected(std::move(attached.error()));
  }
  emit(record, "create");
  return CreateContainerResult{record.id, {}};
}

}  // namespace berth
