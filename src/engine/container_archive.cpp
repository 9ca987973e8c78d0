// ContainerService::export_filesystem (docker export) and commit: the
// container's filesystem as a tar stream, and its changes as a new image.
// Export reads the container's upper dir over the image's layers through a
// detached read-only overlay; commit archives the upper dir alone, its
// overlay whiteouts turned into the OCI layer's, leaving out the mount
// points the runtime made (as dockerd's init layer is left out).
#include <signal.h>

#include <filesystem>

#include "engine/container_service.h"
#include "engine/image_view.h"
#include "engine/mount_point_layer.h"
#include "engine/spec_mounts.h"
#include "image/tree_archive.h"

namespace berth {

Result<std::set<std::string>> ContainerService::runtime_mount_points(const ContainerRecord& record) {
  std::set<std::string> points = {"/etc/hosts", "/etc/hostname", "/etc/resolv.conf", "/proc", "/sys", "/dev"};
  BERTH_ASSIGN(std::vector<MountRequest> requests, mount_requests(record.config, record.host));
  for (const MountRequest& request : requests) points.insert(request.destination);
  return points;
}

Status ContainerService::export_filesystem(std::string_view name, ByteSink& sink) {
  BERTH_ASSIGN(ContainerRecord record, find(name));
  BERTH_ASSIGN(std::vector<std::filesystem::path> layers, image_layers(record));
  // As dockerd's export, with the runtime's mount points (its init layer),
  // whether or not the container ever ran.
  BERTH_ASSIGN(std::filesystem::path mount_points,
               ensure_mount_point_layer(mount_point_layer_path(options_.root, record.image_id), layers));
  layers.insert(layers.begin(), mount_points);
  layers.insert(layers.begin(), paths_of(record.id).upper());
  BERTH_ASSIGN(ImageView view, open_image_view(layers));
  auto written = write_tree_archive(view.path, sink);
  if (!written) return with_context(std::move(written), fmt::format("export {}", record.id));
  return {};
}

Result<Digest> ContainerService::commit(std::string_view name, const CommitOptions& options) {
  BERTH_ASSIGN(ContainerRecord record, find(name));
  std::filesystem::path upper = paths_of(record.id).upper();
  BERTH_ASSIGN(std::set<std::string> mount_points, runtime_mount_points(record));
  TreeArchiveOptions archive;
  archive.overlay_whiteouts = true;
  // A mount point is left out unless something was written below it.
  archive.skip = [&](const std::string& relative, const struct stat& info) {
    if (!mount_points.contains("/" + relative)) return false;
    std::error_code error;
    return !S_ISDIR(info.st_mode) || std::filesystem::is_empty(upper / relative, error);
  };
  LocalImageService::CommitRequest request;
  request.base = record.image_id;
  request.write_layer = [&](ByteSink& sink) { return write_tree_archive(upper.string(), sink, archive); };
  request.container_config = nlohmann::json::parse(to_json(record.config).dump());
  request.changes = options.changes;
  request.container_id = record.id;
  request.author = options.author;
  request.comment = options.comment;
  for (const auto& word : record.config.cmd) request.created_by += (request.created_by.empty() ? "" : " ") + word;
  request.reference = options.reference;
  auto commit_and_report = [&]() -> Result<Digest> {
    BERTH_ASSIGN(Digest id, images_.commit_container(request));
    emit(record, "commit", {{"comment", options.comment}});
    return id;
  };
  if (!options.pause || record.state.status != ContainerStatus::running) return commit_and_report();
  // While the container is frozen, Ctrl-C or a TERM must not end us before
  // we thaw it: they wait (blocked) until it runs again, and an exception
  // thaws it on the way out.
  sigset_t blocked, previous;
  sigemptyset(&blocked);
  for (int signal : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaddset(&blocked, signal);
  ::sigprocmask(SIG_BLOCK, &blocked, &previous);
  struct Thaw {
    ContainerService& service;
    const std::string& id;
    const sigset_t& previous;
    bool done = false;
    Status now() {
      done = true;
      auto resumed = service.unpause(id);
      ::sigprocmask(SIG_SETMASK, &previous, nullptr);
      return resumed;
    }
    ~Thaw() {
      if (!done) (void)now();
    }
  } thaw{*this, record.id, previous};
  if (auto paused = pause(record.id); !paused) {
    thaw.done = true;
    ::sigprocmask(SIG_SETMASK, &previous, nullptr);
    return std::unexpected(std::move(paused.error()));
  }
  auto committed = commit_and_report();
  auto resumed = thaw.now();
  if (committed && !resumed) return std::unexpected(std::move(resumed.error()));
  return committed;
}

}  // namespace berth
