// ContainerService and volumes: named and anonymous volumes are created (or
// found) at create, mounted and filled from the image at start, and let go
// at remove (anonymous ones removed with rm -v and --rm), as dockerd does.
#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include "engine/container_service.h"
#include "engine/spec_mounts.h"

namespace berth {

namespace {

// The image's layers as one read-only tree, for copy-up: a single layer is
// its own directory; several are an overlay that is never attached to any
// mount namespace (fsmount returns a detached mount, freed with its fd).
struct ImageView {
  UniqueFd mount;     // the detached overlay, when there are several layers
  std::string path;   // what to open: a directory or /proc/self/fd/N
};

Result<ImageView> image_view(const std::vector<std::filesystem::path>& layers) {
  ImageView view;
  if (layers.size() == 1) {
    view.path = layers.front().string();
    return view;
  }
  UniqueFd context(::fsopen("overlay", FSOPEN_CLOEXEC));
  if (!context) return fail_errno(errno, "fsopen overlay");
  for (const auto& layer : layers)  // topmost first, as lowerdir lists them
    if (::fsconfig(context.get(), FSCONFIG_SET_STRING, "lowerdir+", layer.c_str(), 0) != 0)
      return fail_errno(errno, "overlay lowerdir+ {}", layer.string());
  if (::fsconfig(context.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) != 0)
    return fail_errno(errno, "create the image's overlay");
  view.mount.reset(::fsmount(context.get(), FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY));
  if (!view.mount) return fail_errno(errno, "fsmount the image's overlay");
  view.path = fmt::format("/proc/self/fd/{}", view.mount.get());
  return view;
}

}  // namespace

Result<volume::VolumeService*> ContainerService::volumes() {
  if (!volumes_) {
    BERTH_ASSIGN(volumes_, volume::VolumeService::open(store::StorePaths{options_.root, options_.runroot}));
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

Result<std::map<std::string, std::string>> ContainerService::prepare_volumes(
    const ContainerRecord& record, const std::vector<std::filesystem::path>& layers) {
  std::map<std::string, std::string> paths;
  if (record.state.volumes.empty()) return paths;
  BERTH_ASSIGN(volume::VolumeService * service, volumes());
  BERTH_ASSIGN(std::vector<MountRequest> requests, mount_requests(record.config, record.host));
  std::optional<ImageView> view;
  for (const auto& [destination, name] : record.state.volumes) {
    BERTH_ASSIGN(volume::VolumeMount mount, service->mount_for_container(name, record.id));
    paths[destination] = mount.source.string();
    bool no_copy = false;
    for (const MountRequest& request : requests)
      if (request.destination == destination) no_copy = request.no_copy;
    if (no_copy) continue;
    if (!view) {
      BERTH_ASSIGN(view, image_view(layers));
    }
    // Copies only into an empty volume, and only what the image has there.
    BERTH_TRY(service->copy_up(name, view->path, destination));
  }
  return paths;
}

Status ContainerService::detach_volumes(const ContainerRecord& record, bool remove_anonymous) {
  if (record.state.volumes.empty()) return {};
  BERTH_ASSIGN(volume::VolumeService * service, volumes());
  BERTH_ASSIGN(std::vector<std::string> unused_anonymous, service->remove_references(record.id));
  if (!remove_anonymous) return {};
  for (const std::string& name : unused_anonymous) BERTH_TRY(service->remove(name, /*force=*/false));
  return {};
}

}  // namespace berth
