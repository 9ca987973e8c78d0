// ContainerService and volumes: named and anonymous volumes are created (or
// found) at create, mounted and filled from the image at start, and let go
// at remove (anonymous ones removed with rm -v and --rm), as dockerd does.
#include "engine/container_service.h"
#include "engine/image_view.h"
#include "engine/spec_mounts.h"

namespace berth {

Result<volume::VolumeService*> ContainerService::volumes() {
  if (!volumes_) {
    BERTH_ASSIGN(volumes_,
                 volume::VolumeService::open(store::StorePaths{options_.root, options_.runroot}, events_.volume_sink()));
  }
  return volumes_.get();
}

Status ContainerService::attach_volumes(ContainerRecord& record) {
  BERTH_ASSIGN(std::vector<MountRequest> requests, mount_requests(record.config, record.host));
  for (const MountRequest& request : requests) {
    if (request.kind != MountRequest::Kind::volume) continue;
    BERTH_ASSIGN(volume::VolumeService * service, volumes());
    std::string name = request.source;
    volume::CreateRequest create{.name = request.source,
                                 .driver = request.volume_driver,
                                 .labels = request.volume_labels,
                                 .options = request.volume_driver_options};
    BERTH_ASSIGN(volume::CreateResult created, service->create(create));
    name = created.volume.name;
    // Recorded before the reference, so that a failure below still lets
    // detach_volumes find (and remove) an anonymous volume made here.
    record.state.volumes[request.destination] = name;
    BERTH_TRY(service->add_reference(name, record.id));
  }
  return {};
}

Result<ContainerService::PreparedVolumes> ContainerService::prepare_volumes(
    const ContainerRecord& record, const std::vector<std::filesystem::path>& layers) {
  PreparedVolumes prepared;
  if (record.state.volumes.empty()) return prepared;
  BERTH_ASSIGN(volume::VolumeService * service, volumes());
  BERTH_ASSIGN(std::vector<MountRequest> requests, mount_requests(record.config, record.host));
  std::optional<ImageView> view;
  for (const auto& [destination, name] : record.state.volumes) {
    BERTH_ASSIGN(volume::VolumeMount mount, service->mount_for_container(name, record.id));
    prepared.paths[destination] = mount.source.string();
    // The volume's own ro wins over the request's rw; nothing is copied into it.
    if (mount.read_only) {
      prepared.read_only.insert(destination);
      continue;
    }
    bool no_copy = false;
    for (const MountRequest& request : requests)
      if (request.destination == destination) no_copy = request.no_copy;
    if (no_copy) continue;
    if (!view) {
      BERTH_ASSIGN(view, open_image_view(layers));
    }
    // Copies only into an empty volume, and only what the image has there.
    BERTH_TRY(service->copy_up(name, view->path, destination));
  }
  return prepared;
}

Status ContainerService::detach_volumes(const ContainerRecord& record, bool remove_anonymous) {
  if (record.state.volumes.empty()) {
    // A crash between taking a reference and saving the record leaves
    // references the record does not list: drop them in the shared store
    // (one statement; no need to open the volume service for most containers).
    BERTH_TRY(images_.metadata().remove_volume_references(record.id));
    return {};
  }
  BERTH_ASSIGN(volume::VolumeService * service, volumes());
  BERTH_ASSIGN(std::vector<std::string> unused_anonymous, service->remove_references(record.id));
  if (!remove_anonymous) return {};
  for (const std::string& name : unused_anonymous) BERTH_TRY(service->remove(name, /*force=*/false));
  return {};
}

}  // namespace berth
