// Named and anonymous volumes with Docker's `local` driver: their rows in
// berth.db, their directories under <root>/volumes/<name>/_data, which
// containers use them, and what a container mounts for one.
//
// Crash safety: a volume's directory is made (and fsynced) before its row is
// written and deleted after its row is gone, so a row never names a missing
// directory; a directory left without a row by a crash is removed by the next
// create. Every change (and every mount or unmount) holds <root>/locks/volumes.lock,
// so berth processes working on volumes at once see each other's results whole.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"
#include "store/file_lock.h"
#include "store/metadata_store.h"
#include "store/store_paths.h"

namespace berth::volume {

// Docker (>= 23) marks volumes created without a name with this label;
// `volume prune` without --all removes only those.
inline constexpr std::string_view kAnonymousLabel = "com.docker.volume.anonymous";
inline constexpr std::string_view kLocalDriver = "local";

struct Volume {
  std::string name;
  std::string driver;
  int64_t created_unix = 0;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> options;
  bool anonymous = false;
  int64_t references = 0;            // containers using it
  std::filesystem::path mountpoint;  // <root>/volumes/<name>/_data
};

struct CreateRequest {
  std::string name;    // empty: a random 64-hex name, anonymous (Docker's rule)
  std::string driver;  // empty: "local", the only driver
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> options;
};

struct CreateResult {
  Volume volume;
  bool created = false;  // false: the name existed; that volume is returned as it is
};

struct PruneReport {
  std::vector<std::string> deleted;  // names
  uint64_t reclaimed_bytes = 0;
};

struct VolumeMount {
  std::filesystem::path source;  // the host directory to bind into the container
  bool read_only = false;        // the volume's options ask for it (o=ro)
};

struct VolumeDiskUsage {
  uint64_t volumes = 0, active = 0;  // active: used by a container
  uint64_t size = 0, reclaimable = 0;
  std::vector<std::pair<Volume, uint64_t>> details;  // volume, size
};

// Told of each volume made or removed, as docker's volume events: action
// ("create", "destroy", "prune"), volume name, attributes.
using VolumeEventSink =
    std::function<void(std::string action, std::string name, std::map<std::string, std::string> attributes)>;

class VolumeService {
 public:
  static Result<std::unique_ptr<VolumeService>> open(const store::StorePaths& paths, VolumeEventSink events = {});

  // Errors carry Docker's wording after "create NAME: ": invalid names,
  // options, `error looking up volume plugin X: plugin "X" not found`.
  Result<CreateResult> create(const CreateRequest& request);
  // "get NAME: no such volume" (errno_value ENOENT) when absent.
  Result<Volume> inspect(std::string_view name);
  // Filters as volume_filters.h (FilterUse::list); sorted by name.
  Result<std::vector<Volume>> list(const std::vector<std::string>& filters);
  // Refused while referenced: "remove NAME: volume is in use - [ID1, ID2]".
  // force: a missing volume is not an error.
  Status remove(std::string_view name, bool force);
  // Unused local volumes without driver options, anonymous ones only unless
  // the filters say all=true (FilterUse::prune).
  Result<PruneReport> prune(const std::vector<std::string>& filters);
  Result<VolumeDiskUsage> disk_usage();

  // ---- for the container engine ----
  // The container uses the volume from now on (idempotent).
  Status add_reference(std::string_view volume, std::string_view container_id);
  // The container is gone: drops its references, unmounts volumes no
  // container uses any more, and returns the anonymous ones among them
  // (what `rm -v` removes).
  Result<std::vector<std::string>> remove_references(std::string_view container_id);
  // Adds the reference and makes the volume ready: mounts a tmpfs/device
  // volume on its _data if it is not mounted; returns what to bind into the
  // container (see local_driver_options.h for each kind).
  Result<VolumeMount> mount_for_container(std::string_view volume, std::string_view container_id);
  // Copies the image's content at path_in_container (resolved inside
  // image_rootfs) into the volume when the volume is empty; see
  // volume_copy_up.h. Call after mount_for_container. Returns whether it copied.
  Result<bool> copy_up(std::string_view volume, const std::filesystem::path& image_rootfs,
                       std::string_view path_in_container);

  std::filesystem::path volumes_dir() const { return paths_.root / "volumes"; }
  std::filesystem::path data_path(std::string_view name) const { return volumes_dir() / name / "_data"; }

 private:
  VolumeService(store::StorePaths paths, store::MetadataStore metadata, VolumeEventSink events)
      : paths_(std::move(paths)), metadata_(std::move(metadata)), events_(std::move(events)) {}
  void emit(std::string action, std::string name, std::map<std::string, std::string> attributes) const {
    if (events_) events_(std::move(action), std::move(name), std::move(attributes));
  }
  Result<store::FileLock> lock();
  Result<UniqueFd> open_volumes_dir();
  Result<UniqueFd> open_data_dir(int volumes_fd, std::string_view name);
  Status make_volume_dir(int volumes_fd, const std::string& name);
  Status remove_volume_dir(int volumes_fd, const std::string& name);
  Status remove_orphan_dirs(int volumes_fd);
  Status unmount_if_mounted(int volumes_fd, const std::string& name);
  Volume from_record(store::VolumeRecord record) const;
  Result<Volume> find(std::string_view name);

  store::StorePaths paths_;
  store::MetadataStore metadata_;
  VolumeEventSink events_;
};

// Whether an error is the "no such volume" one.
bool is_no_such_volume(const Error& error);

}  // namespace berth::volume
