#include "volume/volume_service.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <set>

#include "base/remove_tree.h"
#include "volume/local_driver_options.h"
#include "volume/volume_copy_up.h"
#include "volume/volume_filters.h"
#include "volume/volume_mount.h"
#include "volume/volume_name.h"
#include "volume/volume_size.h"

namespace berth::volume {

namespace {

std::unexpected<Error> no_such_volume(std::string_view name) {
  return std::unexpected(Error{fmt::format("get {}: no such volume", name), ENOENT});
}

Status make_private_dir(const std::filesystem::path& path, mode_t mode) {
  if (::mkdir(path.c_str(), mode) != 0 && errno != EEXIST) return fail_errno(errno, "mkdir {}", path.string());
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0) return fail_errno(errno, "stat {}", path.string());
  if (!S_ISDIR(info.st_mode)) return fail("{} exists and is not a directory", path.string());
  if ((info.st_mode & 07777) != mode && ::chmod(path.c_str(), mode) != 0)
    return fail_errno(errno, "chmod {}", path.string());
  return {};
}

Result<UniqueFd> open_child_dir(int parent_fd, const std::string& name, const std::string& shown) {
  UniqueFd fd(::openat(parent_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd) return fail_errno(errno, "open {}", shown);
  return fd;
}

Status fsync_fd(int fd, const std::string& shown) {
  if (::fsync(fd) != 0) return fail_errno(errno, "fsync {}", shown);
  return {};
}

}  // namespace

bool is_no_such_volume(const Error& error) {
  return error.errno_value == ENOENT && std::string_view(error.message).ends_with("no such volume");
}

Result<std::unique_ptr<VolumeService>> VolumeService::open(const store::StorePaths& paths, VolumeEventSink events) {
  BERTH_TRY(store::prepare_store_dirs(paths));
  // As Docker: others may traverse to a volume's _data (0701) but not list them.
  BERTH_TRY(make_private_dir(paths.root / "volumes", 0701));
  BERTH_ASSIGN(auto metadata, store::MetadataStore::open(paths));
  return std::unique_ptr<VolumeService>(new VolumeService(paths, std::move(metadata), std::move(events)));
}

Result<store::FileLock> VolumeService::lock() { return store::FileLock::acquire(paths_.locks() / "volumes.lock"); }

Result<UniqueFd> VolumeService::open_volumes_dir() {
  UniqueFd fd(::open(volumes_dir().c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd) return fail_errno(errno, "open {}", volumes_dir().string());
  return fd;
}

Result<UniqueFd> VolumeService::open_data_dir(int volumes_fd, std::string_view name) {
  std::string volume(name);
  BERTH_ASSIGN(UniqueFd volume_fd, open_child_dir(volumes_fd, volume, "volume directory " + volume));
  return open_child_dir(volume_fd.get(), "_data", "data directory of volume " + volume);
}

Status VolumeService::unmount_if_mounted(int volumes_fd, const std::string& name) {
  auto data = open_data_dir(volumes_fd, name);
  if (!data) {
    // Missing, or not a directory (a planted symlink): nothing we mounted.
    int err = data.error().errno_value;
    if (err == ENOENT || err == ENOTDIR || err == ELOOP) return {};
    return std::unexpected(data.error());
  }
  BERTH_ASSIGN(bool mounted, is_mount_point(data->get()));
  if (!mounted) return {};
  data->reset();
  return unmount_at(data_path(name).string());
}

Status VolumeService::remove_volume_dir(int volumes_fd, const std::string& name) {
  BERTH_TRY(unmount_if_mounted(volumes_fd, name));
  // remove_tree follows no symlink and refuses to descend into a mount.
  if (auto removed = remove_tree(volumes_fd, name); !removed)
    return with_context(std::move(removed), fmt::format("remove volume directory {}", name));
  return fsync_fd(volumes_fd, volumes_dir().string());
}

Status VolumeService::make_volume_dir(int volumes_fd, const std::string& name) {
  for (int attempt = 0;; ++attempt) {
    if (::mkdirat(volumes_fd, name.c_str(), 0701) == 0) break;
    // No row names it (we hold the lock): a crash's leftover; start afresh.
    if (errno != EEXIST || attempt > 0)
      return fail_errno(errno, "error while creating volume root path '{}'", (volumes_dir() / name).string());
    BERTH_TRY(remove_volume_dir(volumes_fd, name));
  }
  BERTH_ASSIGN(UniqueFd volume_fd, open_child_dir(volumes_fd, name, "volume directory " + name));
  if (::fchmod(volume_fd.get(), 0701) != 0) return fail_errno(errno, "chmod volume directory {}", name);
  if (::mkdirat(volume_fd.get(), "_data", 0755) != 0)
    return fail_errno(errno, "error while creating volume data path '{}'", data_path(name).string());
  BERTH_ASSIGN(UniqueFd data_fd, open_child_dir(volume_fd.get(), "_data", "data directory of volume " + name));
  if (::fchmod(data_fd.get(), 0755) != 0) return fail_errno(errno, "chmod data directory of volume {}", name);
  // Durable before the row that names them.
  BERTH_TRY(fsync_fd(volume_fd.get(), "volume directory " + name));
  return fsync_fd(volumes_fd, volumes_dir().string());
}

Status VolumeService::remove_orphan_dirs(int volumes_fd) {
  BERTH_ASSIGN(auto records, metadata_.list_volumes());
  std::set<std::string> recorded;
  for (const auto& record : records) recorded.insert(record.name);
  std::vector<std::string> orphans;
  {
    int fd = ::openat(volumes_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return fail_errno(errno, "open {}", volumes_dir().string());
    DIR* dir = ::fdopendir(fd);
    if (!dir) {
      ::close(fd);
      return fail_errno(errno, "read {}", volumes_dir().string());
    }
    while (dirent* entry = ::readdir(dir)) {
      std::string name = entry->d_name;
      if (!validate_volume_name(name) || recorded.contains(name)) continue;
      struct stat info {};
      if (entry->d_type != DT_DIR &&
          (entry->d_type != DT_UNKNOWN || ::fstatat(fd, entry->d_name, &info, AT_SYMLINK_NOFOLLOW) != 0 ||
           !S_ISDIR(info.st_mode)))
        continue;
      orphans.push_back(name);
    }
    ::closedir(dir);
  }
  for (const auto& name : orphans) BERTH_TRY(remove_volume_dir(volumes_fd, name));
  return {};
}

Volume VolumeService::from_record(store::VolumeRecord record) const {
  Volume volume{.name = std::move(record.name),
                .driver = std::move(record.driver),
                .created_unix = record.created_unix,
                .labels = std::move(record.labels),
                .options = std::move(record.options),
                .anonymous = record.anonymous,
                .references = record.references};
  volume.mountpoint = data_path(volume.name);
  return volume;
}

Result<Volume> VolumeService::find(std::string_view name) {
  BERTH_ASSIGN(auto record, metadata_.get_volume(name));
  if (!record) return no_such_volume(name);
  return from_record(std::move(*record));
}

Result<CreateResult> VolumeService::create(const CreateRequest& request) {
  CreateRequest wanted = request;
  if (wanted.driver.empty()) wanted.driver = kLocalDriver;
  if (wanted.name.empty()) {
    BERTH_ASSIGN(wanted.name, random_volume_name());
    wanted.labels[std::string(kAnonymousLabel)] = "";
  }
  const std::string& name = wanted.name;
  auto context = [&](auto&& result) { return with_context(std::move(result), fmt::format("create {}", name)); };
  // Docker's order: the driver is looked up first, then the name checked.
  if (wanted.driver != kLocalDriver)
    return fail("create {}: error looking up volume plugin {}: plugin \"{}\" not found", name, wanted.driver,
                wanted.driver);
  if (auto valid = validate_volume_name(name); !valid) return context(valid);

  BERTH_ASSIGN(auto held, lock());
  BERTH_ASSIGN(auto existing, metadata_.get_volume(name));
  if (existing) return CreateResult{from_record(std::move(*existing)), false};
  if (auto spec = parse_local_options(wanted.options); !spec) return context(spec);

  BERTH_ASSIGN(UniqueFd volumes_fd, open_volumes_dir());
  BERTH_TRY(remove_orphan_dirs(volumes_fd.get()));
  if (auto made = make_volume_dir(volumes_fd.get(), name); !made) {
    (void)remove_volume_dir(volumes_fd.get(), name);
    return context(made);
  }
  store::VolumeRecord record{.name = name,
                             .driver = wanted.driver,
                             .labels = wanted.labels,
                             .options = wanted.options,
                             .anonymous = request.name.empty()};
  auto put = metadata_.put_volume(record);
  if (!put) {
    (void)remove_volume_dir(volumes_fd.get(), name);
    return context(put);
  }
  BERTH_ASSIGN(Volume volume, find(name));
  emit("create", name, {{"driver", wanted.driver}});
  return CreateResult{std::move(volume), true};
}

Result<Volume> VolumeService::inspect(std::string_view name) { return find(name); }

Result<std::vector<Volume>> VolumeService::list(const std::vector<std::string>& filters) {
  BERTH_ASSIGN(VolumeQuery query, parse_volume_filters(filters, FilterUse::list));
  BERTH_ASSIGN(auto records, metadata_.list_volumes());
  std::vector<Volume> volumes;
  for (auto& record : records) {
    if (query.dangling && *query.dangling != (record.references == 0)) continue;
    if (!volume_matches(query, record.name, record.driver, record.labels)) continue;
    volumes.push_back(from_record(std::move(record)));
  }
  return volumes;
}

Status VolumeService::remove(std::string_view name, bool force) {
  BERTH_ASSIGN(auto held, lock());
  BERTH_ASSIGN(bool removed, metadata_.remove_volume_record(name));
  if (!removed) return force ? Status{} : Status(no_such_volume(name));
  BERTH_ASSIGN(UniqueFd volumes_fd, open_volumes_dir());
  BERTH_TRY(remove_volume_dir(volumes_fd.get(), std::string(name)));
  emit("destroy", std::string(name), {{"driver", std::string(kLocalDriver)}});
  return {};
}

Result<PruneReport> VolumeService::prune(const std::vector<std::string>& filters) {
  BERTH_ASSIGN(VolumeQuery query, parse_volume_filters(filters, FilterUse::prune));
  if (!query.all) query.labels.insert(std::string(kAnonymousLabel));
  BERTH_ASSIGN(auto held, lock());
  BERTH_ASSIGN(auto records, metadata_.list_volumes());
  BERTH_ASSIGN(UniqueFd volumes_fd, open_volumes_dir());
  PruneReport report;
  for (const auto& record : records) {
    // As Docker: volumes with driver options are skipped (nothing to reclaim).
    if (record.driver != kLocalDriver || record.references != 0 || !record.options.empty()) continue;
    if (!volume_matches(query, record.name, record.driver, record.labels)) continue;
    uint64_t size = 0;
    if (auto data = open_data_dir(volumes_fd.get(), record.name))
      if (auto measured = directory_size(data->get())) size = *measured;
    auto removed = metadata_.remove_volume_record(record.name);
    if (!removed || !*removed) continue;  // taken into use, or gone, meanwhile
    BERTH_TRY(remove_volume_dir(volumes_fd.get(), record.name));
    emit("destroy", record.name, {{"driver", record.driver}});
    report.deleted.push_back(record.name);
    report.reclaimed_bytes += size;
  }
  emit("prune", "", {{"reclaimed", std::to_string(report.reclaimed_bytes)}});
  return report;
}

Result<VolumeDiskUsage> VolumeService::disk_usage() {
  BERTH_ASSIGN(auto records, metadata_.list_volumes());
  BERTH_ASSIGN(UniqueFd volumes_fd, open_volumes_dir());
  VolumeDiskUsage usage;
  for (auto& record : records) {
    if (record.driver != kLocalDriver || !record.options.empty()) continue;  // Docker's LocalVolumesSize
    uint64_t size = 0;
    if (auto data = open_data_dir(volumes_fd.get(), record.name))
      if (auto measured = directory_size(data->get())) size = *measured;
    ++usage.volumes;
    usage.size += size;
    if (record.references > 0)
      ++usage.active;
    else
      usage.reclaimable += size;
    usage.details.emplace_back(from_record(std::move(record)), size);
  }
  return usage;
}

Status VolumeService::add_reference(std::string_view volume, std::string_view container_id) {
  BERTH_ASSIGN(auto held, lock());
  return metadata_.add_volume_reference(volume, container_id);
}

Result<std::vector<std::string>> VolumeService::remove_references(std::string_view container_id) {
  BERTH_ASSIGN(auto held, lock());
  BERTH_ASSIGN(auto unused, metadata_.remove_volume_references(container_id));
  BERTH_ASSIGN(UniqueFd volumes_fd, open_volumes_dir());
  std::vector<std::string> anonymous;
  for (const std::string& name : unused) {
    BERTH_ASSIGN(auto record, metadata_.get_volume(name));
    if (!record) continue;
    auto spec = parse_local_options(record->options);
    if (spec && spec->kind == LocalVolumeKind::mount) BERTH_TRY(unmount_if_mounted(volumes_fd.get(), name));
    if (record->anonymous) anonymous.push_back(name);
  }
  return anonymous;
}

Result<VolumeMount> VolumeService::mount_for_container(std::string_view name, std::string_view container_id) {
  BERTH_ASSIGN(auto held, lock());
  BERTH_ASSIGN(Volume volume, find(name));
  auto spec = parse_local_options(volume.options);
  if (!spec) return with_context(std::move(spec), fmt::format("mount volume {}", name));
  switch (spec->kind) {
    case LocalVolumeKind::directory:
      BERTH_TRY(metadata_.add_volume_reference(name, container_id));
      return VolumeMount{volume.mountpoint, false};
    case LocalVolumeKind::bind: {
      struct stat info {};
      if (::stat(spec->device.c_str(), &info) != 0)
        return fail_errno(errno, "mount volume {}: bind source {}", name, spec->device);
      if (!S_ISDIR(info.st_mode)) return fail("mount volume {}: bind source {} is not a directory", name, spec->device);
      BERTH_TRY(metadata_.add_volume_reference(name, container_id));
      return VolumeMount{spec->device, spec->read_only};
    }
    case LocalVolumeKind::mount: {
      BERTH_ASSIGN(UniqueFd volumes_fd, open_volumes_dir());
      BERTH_ASSIGN(UniqueFd data_fd, open_data_dir(volumes_fd.get(), name));
      BERTH_ASSIGN(bool mounted, is_mount_point(data_fd.get()));
      if (!mounted) BERTH_TRY(mount_on(*spec, data_fd.get(), volume.name));
      if (auto added = metadata_.add_volume_reference(name, container_id); !added) {
        if (!mounted) (void)unmount_at(volume.mountpoint.string());
        return std::unexpected(std::move(added.error()));
      }
      return VolumeMount{volume.mountpoint, spec->read_only};
    }
  }
  return fail("mount volume {}: unknown kind", name);
}

Result<bool> VolumeService::copy_up(std::string_view name, const std::filesystem::path& image_rootfs,
                                    std::string_view path_in_container) {
  // Two containers starting on one empty volume: one copies, the other then
  // finds it filled (the emptiness check and the copy are one step).
  BERTH_ASSIGN(auto held, lock());
  BERTH_ASSIGN(Volume volume, find(name));
  auto spec = parse_local_options(volume.options);
  if (!spec) return with_context(std::move(spec), fmt::format("copy up into volume {}", name));
  UniqueFd dest;
  if (spec->kind == LocalVolumeKind::bind) {
    dest.reset(::open(spec->device.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dest) return fail_errno(errno, "copy up into volume {}: open {}", name, spec->device);
  } else {
    BERTH_ASSIGN(UniqueFd volumes_fd, open_volumes_dir());
    BERTH_ASSIGN(dest, open_data_dir(volumes_fd.get(), name));
    if (spec->kind == LocalVolumeKind::mount) {
      BERTH_ASSIGN(bool mounted, is_mount_point(dest.get()));
      if (!mounted) return fail("copy up into volume {}: not mounted (mount_for_container first)", name);
    }
  }
  UniqueFd rootfs(::open(image_rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!rootfs) return fail_errno(errno, "copy up into volume {}: open rootfs {}", name, image_rootfs.string());
  auto copied = copy_up_into(rootfs.get(), path_in_container, dest.get());
  if (!copied) return with_context(std::move(copied), fmt::format("copy up into volume {}", name));
  return copied;
}

}  // namespace berth::volume
