#include "engine/spec_mounts.h"

#include <algorithm>
#include <set>

#include "base/path_in_root.h"

namespace berth {

namespace {

std::vector<std::string> split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t end = text.find(separator, start);
    parts.emplace_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

const std::set<std::string_view> kPropagations{"private", "rprivate", "shared", "rshared", "slave", "rslave"};

bool is_propagation(std::string_view mode) { return kPropagations.count(mode) > 0; }

// Docker's ValidMountMode: each kind at most once, nothing unknown.
bool valid_mode(std::string_view mode) {
  if (mode.empty()) return true;
  int rw = 0, label = 0, propagation = 0, copy = 0, consistency = 0;
  for (auto& part : split(mode, ',')) {
    if (part == "rw" || part == "ro")
      ++rw;
    else if (part == "z" || part == "Z")
      ++label;
    else if (is_propagation(part))
      ++propagation;
    else if (part == "nocopy")
      ++copy;
    else if (part == "consistent" || part == "cached" || part == "delegated")
      ++consistency;
    else
      return false;
  }
  return rw <= 1 && label <= 1 && propagation <= 1 && copy <= 1 && consistency <= 1;
}

bool has_mode(std::string_view mode, std::string_view wanted) {
  auto parts = split(mode, ',');
  return std::find(parts.begin(), parts.end(), wanted) != parts.end();
}

// Local volume names, as Docker's local driver accepts them.
bool valid_volume_name(std::string_view name) {
  if (name.size() < 2) return false;
  auto ok = [](char c, bool first) {
    return std::isalnum(static_cast<unsigned char>(c)) || (!first && (c == '_' || c == '.' || c == '-'));
  };
  for (size_t i = 0; i < name.size(); ++i)
    if (!ok(name[i], i == 0)) return false;
  return true;
}

Status check_destination(const std::string& destination, std::string_view type) {
  if (destination.empty() || destination[0] != '/')
    return fail("invalid mount config for type \"{}\": invalid mount path: '{}' mount path must be absolute", type,
                destination);
  if (clean_path(destination) == "/")
    return fail("invalid mount config for type \"{}\": invalid specification: destination can't be '/'", type);
  return {};
}

// A tmpfs option's collision key: one per flag pair (ro/rw share one), one
// for all propagations, one per data key.
struct TmpfsFlag {
  std::string_view name;
  int key;
};
constexpr TmpfsFlag kTmpfsFlags[] = {
    {"ro", 1},          {"rw", 1},           {"suid", 2},         {"nosuid", 2},         {"dev", 3},
    {"nodev", 3},       {"exec", 4},         {"noexec", 4},       {"sync", 5},           {"async", 5},
    {"dirsync", 6},     {"remount", 7},      {"mand", 8},         {"nomand", 8},         {"atime", 9},
    {"noatime", 9},     {"diratime", 10},    {"nodiratime", 10},  {"bind", 11},          {"rbind", 11},
    {"relatime", 12},   {"norelatime", 12},  {"strictatime", 13}, {"nostrictatime", 13}, {"private", -1},
    {"rprivate", -1},   {"shared", -1},      {"rshared", -1},     {"slave", -1},         {"rslave", -1},
    {"unbindable", -1}, {"runbindable", -1},
};
const std::set<std::string_view> kTmpfsData{"size", "mode", "uid", "gid", "nr_inodes", "nr_blocks", "mpol"};

int components(const std::string& path) { return static_cast<int>(std::count(path.begin(), path.end(), '/')); }

oci::Mount bind_mount(std::string source, std::string destination, bool read_only, std::string_view propagation,
                      bool non_recursive) {
  oci::Mount mount{destination, std::move(source), "bind", {non_recursive ? "bind" : "rbind"}, {}, {}};
  if (read_only) mount.options.push_back("ro");
  if (!propagation.empty()) mount.options.emplace_back(propagation);
  return mount;
}

void remove_option(oci::Mount& mount, std::string_view option) { std::erase(mount.options, std::string(option)); }

}  // namespace

Result<std::vector<std::string>> merge_tmpfs_options(std::string_view user_options) {
  std::vector<std::string> options{"noexec", "nosuid", "nodev", "rprivate"};
  if (!user_options.empty())
    for (auto& option : split(user_options, ',')) options.push_back(option);
  // Walk backwards so that the last option of each kind wins, keeping the order.
  std::set<int> flags_seen;
  std::set<std::string> data_seen;
  std::vector<std::string> merged;
  for (auto it = options.rbegin(); it != options.rend(); ++it) {
    const std::string& option = *it;
    if (option == "defaults") continue;
    auto flag = std::find_if(std::begin(kTmpfsFlags), std::end(kTmpfsFlags),
                             [&](const TmpfsFlag& f) { return f.name == option; });
    if (flag != std::end(kTmpfsFlags)) {
      if (flags_seen.insert(flag->key).second) merged.insert(merged.begin(), option);
      continue;
    }
    auto equals = option.find('=');
    if (equals == std::string::npos || !kTmpfsData.count(std::string_view(option).substr(0, equals)))
      return fail("invalid tmpfs option \"{}\"", option);
    if (data_seen.insert(option.substr(0, equals)).second) merged.insert(merged.begin(), option);
  }
  return merged;
}

Result<MountRequest> parse_bind(std::string_view raw) {
  auto invalid = [&](std::string_view why) -> std::unexpected<Error> {
    if (why.empty()) return fail("invalid volume specification: '{}'", raw);
    return fail("invalid volume specification: '{}': {}", raw, why);
  };
  auto parts = split(raw, ':');
  if (parts[0].empty() || parts.size() > 3) return invalid("");
  MountRequest request;
  std::string mode;
  if (parts.size() == 1) {
    request.destination = parts[0];
  } else {
    // "/foo:rw" is a destination with a mode: volumes cannot have one.
    if (parts.size() == 2 && valid_mode(parts[1])) return invalid("");
    request.source = parts[0];
    request.destination = parts[1];
    if (parts.size() == 3) mode = parts[2];
  }
  if (!valid_mode(mode)) return invalid(fmt::format("invalid mode: {}", mode));
  request.kind =
      !request.source.empty() && request.source[0] == '/' ? MountRequest::Kind::bind : MountRequest::Kind::volume;
  std::string_view type = request.kind == MountRequest::Kind::bind ? "bind" : "volume";
  if (auto status = check_destination(request.destination, type); !status) return invalid(status.error().message);
  request.destination = clean_path(request.destination);
  request.read_only = has_mode(mode, "ro");
  for (auto& part : split(mode, ','))
    if (is_propagation(part)) request.propagation = part;
  if (request.kind == MountRequest::Kind::bind) {
    if (has_mode(mode, "nocopy"))
      return invalid("invalid mount config for type \"bind\": field VolumeOptions must not be specified");
    request.source = clean_path(request.source);
    if (request.propagation.empty()) request.propagation = "rprivate";
  } else {
    if (!request.propagation.empty())
      return invalid("invalid mount config for type \"volume\": field BindOptions must not be specified");
    if (!request.source.empty() && !valid_volume_name(request.source))
      return fail(
          "create {}: \"{}\" includes invalid characters for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" "
          "are allowed. If you intended to pass a host directory, use absolute path",
          request.source, request.source);
    request.no_copy = has_mode(mode, "nocopy");
  }
  return request;
}

namespace {

Result<MountRequest> from_mount_spec(const MountSpec& spec) {
  MountRequest request;
  auto invalid = [&](std::string_view why) { return fail("invalid mount config for type \"{}\": {}", spec.type, why); };
  if (auto status = check_destination(spec.target, spec.type); !status) return std::unexpected(status.error());
  request.destination = clean_path(spec.target);
  request.read_only = spec.read_only;
  if (spec.type == "bind") {
    if (spec.volume_options) return invalid("field VolumeOptions must not be specified");
    if (spec.tmpfs_options) return invalid("field TmpfsOptions must not be specified");
    if (spec.source.empty()) return invalid("field Source must not be empty");
    if (spec.source[0] != '/')
      return invalid(fmt::format("invalid mount path: '{}' mount path must be absolute", spec.source));
    request.kind = MountRequest::Kind::bind;
    request.source = clean_path(spec.source);
    request.propagation = "rprivate";
    if (spec.bind_options) {
      if (!spec.bind_options->propagation.empty()) {
        if (!is_propagation(spec.bind_options->propagation))
          return invalid(fmt::format("invalid propagation mode: {}", spec.bind_options->propagation));
        request.propagation = spec.bind_options->propagation;
      }
      request.non_recursive = spec.bind_options->non_recursive;
    }
  } else if (spec.type == "volume") {
    if (spec.bind_options) return invalid("field BindOptions must not be specified");
    if (spec.tmpfs_options) return invalid("field TmpfsOptions must not be specified");
    if (!spec.source.empty() && !valid_volume_name(spec.source))
      return invalid(fmt::format("invalid volume name \"{}\"", spec.source));
    request.kind = MountRequest::Kind::volume;
    request.source = spec.source;
    if (spec.volume_options) {
      request.no_copy = spec.volume_options->no_copy;
      request.volume_labels = spec.volume_options->labels;
      if (spec.volume_options->driver_config) {
        request.volume_driver = spec.volume_options->driver_config->name;
        request.volume_driver_options = spec.volume_options->driver_config->options;
      }
    }
  } else if (spec.type == "tmpfs") {
    if (spec.bind_options) return invalid("field BindOptions must not be specified");
    if (spec.volume_options) return invalid("field VolumeOptions must not be specified");
    if (!spec.source.empty()) return invalid("field Source must not be specified");
    request.kind = MountRequest::Kind::tmpfs;
    std::vector<std::string> data;
    if (spec.read_only) data.push_back("ro");
    if (spec.tmpfs_options) {
      // Docker rounds the size up to KiB and writes the mode in octal.
      if (spec.tmpfs_options->size_bytes > 0)
        data.push_back(fmt::format("size={}k", (spec.tmpfs_options->size_bytes + 1023) / 1024));
      if (spec.tmpfs_options->mode) data.push_back(fmt::format("mode={:o}", spec.tmpfs_options->mode & 07777));
    }
    std::string joined;
    for (auto& option : data) joined += (joined.empty() ? "" : ",") + option;
    BERTH_ASSIGN(request.tmpfs_options, merge_tmpfs_options(joined));
  } else {
    return fail("invalid mount config for type \"{}\": mount type unknown", spec.type);
  }
  return request;
}

}  // namespace

Result<std::vector<MountRequest>> mount_requests(const ContainerConfig& config, const HostConfig& host) {
  std::vector<MountRequest> explicit_mounts;
  std::set<std::string> destinations;
  auto add = [&](MountRequest request) -> Status {
    if (!destinations.insert(request.destination).second) return fail("Duplicate mount point: {}", request.destination);
    explicit_mounts.push_back(std::move(request));
    return {};
  };
  for (auto& bind : host.binds) {
    BERTH_ASSIGN(MountRequest request, parse_bind(bind));
    if (request.source.empty()) {
      // "-v /data" is an anonymous volume, like Config.Volumes.
      request.kind = MountRequest::Kind::volume;
    }
    BERTH_TRY(add(std::move(request)));
  }
  for (size_t i = 0; i < host.mounts.size(); ++i) {
    auto request = from_mount_spec(host.mounts[i]);
    if (!request) return std::unexpected(std::move(request.error()).context(fmt::format("HostConfig.Mounts[{}]", i)));
    BERTH_TRY(add(std::move(*request)));
  }
  for (auto& [destination, options] : host.tmpfs) {
    MountRequest request;
    request.kind = MountRequest::Kind::tmpfs;
    if (auto status = check_destination(destination, "tmpfs"); !status) return std::unexpected(status.error());
    request.destination = clean_path(destination);
    auto merged = merge_tmpfs_options(options);
    if (!merged) return std::unexpected(std::move(merged.error()).context(fmt::format("--tmpfs {}", destination)));
    request.tmpfs_options = std::move(*merged);
    BERTH_TRY(add(std::move(request)));
  }
  // Anonymous volumes from Config.Volumes (the image's VOLUMEs) yield to explicit mounts.
  std::vector<MountRequest> requests;
  for (auto& destination : config.volumes) {
    if (auto status = check_destination(destination, "volume"); !status) return std::unexpected(status.error());
    std::string clean = clean_path(destination);
    if (destinations.count(clean)) continue;
    destinations.insert(clean);
    MountRequest request;
    request.kind = MountRequest::Kind::volume;
    request.destination = clean;
    requests.push_back(std::move(request));
  }
  requests.insert(requests.end(), std::make_move_iterator(explicit_mounts.begin()),
                  std::make_move_iterator(explicit_mounts.end()));
  return requests;
}

Result<std::vector<oci::Mount>> build_mounts(const ContainerConfig& config, const HostConfig& host,
                                             const MountInputs& inputs) {
  BERTH_ASSIGN(std::vector<MountRequest> requests, mount_requests(config, host));

  std::vector<oci::Mount> user_mounts;
  std::set<std::string> user_destinations;
  for (auto& request : requests) {
    switch (request.kind) {
      case MountRequest::Kind::bind:
        user_mounts.push_back(bind_mount(request.source, request.destination, request.read_only, request.propagation,
                                         request.non_recursive));
        break;
      case MountRequest::Kind::volume: {
        auto path = inputs.volume_paths.find(request.destination);
        if (path == inputs.volume_paths.end())
          return fail("volume for {} was not resolved to a host path", request.destination);
        user_mounts.push_back(bind_mount(path->second, request.destination, request.read_only, "", false));
        break;
      }
      case MountRequest::Kind::tmpfs:
        user_mounts.push_back({request.destination, "tmpfs", "tmpfs", request.tmpfs_options, {}, {}});
        break;
    }
    user_destinations.insert(request.destination);
  }
  for (auto& extra : inputs.extra_mounts) {
    if (extra.destination.empty() || extra.destination[0] != '/')
      return fail("invalid mount path: '{}' mount path must be absolute", extra.destination);
    if (!user_destinations.insert(clean_path(extra.destination)).second)
      return fail("Duplicate mount point: {}", clean_path(extra.destination));
    user_mounts.push_back(extra);
  }
  // The engine's /etc files, unless the user mounted something there.
  for (auto [destination, source] : {std::pair<std::string, std::string>{"/etc/resolv.conf", inputs.resolv_conf_path},
                                     {"/etc/hostname", inputs.hostname_path},
                                     {"/etc/hosts", inputs.hosts_path}}) {
    if (source.empty() || user_destinations.count(destination)) continue;
    user_mounts.push_back(bind_mount(source, destination, host.readonly_rootfs, "rprivate", false));
    user_destinations.insert(destination);
  }
  // The IPC namespace's shared memory: the host's for "host"; none for "none".
  if (host.ipc_mode == "host" && !user_destinations.count("/dev/shm")) {
    user_mounts.push_back(bind_mount("/dev/shm", "/dev/shm", false, "rprivate", false));
    user_destinations.insert("/dev/shm");
  }
  // Parents before children; equal depths keep their order.
  std::stable_sort(user_mounts.begin(), user_mounts.end(), [](const oci::Mount& a, const oci::Mount& b) {
    return components(clean_path(a.destination)) < components(clean_path(b.destination));
  });

  int64_t shm_size = host.shm_size > 0 ? host.shm_size : kDefaultShmSize;
  std::vector<oci::Mount> defaults{
      {"/proc", "proc", "proc", {"rw", "nosuid", "noexec", "nodev"}, {}, {}},
      {"/dev", "tmpfs", "tmpfs", {"rw", "nosuid", "strictatime", "mode=755", "size=65536k"}, {}, {}},
      {"/dev/pts",
       "devpts",
       "devpts",
       {"rw", "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"},
       {},
       {}},
      {"/sys", "sysfs", "sysfs", {"ro", "nosuid", "noexec", "nodev"}, {}, {}},
      {"/sys/fs/cgroup", "cgroup", "cgroup", {"ro", "nosuid", "noexec", "nodev"}, {}, {}},
      {"/dev/mqueue", "mqueue", "mqueue", {"rw", "nosuid", "noexec", "nodev"}, {}, {}},
      {"/dev/shm",
       "shm",
       "tmpfs",
       {"rw", "nosuid", "noexec", "nodev", "mode=1777", fmt::format("size={}", shm_size)},
       {},
       {}},
  };
  bool user_dev = user_destinations.count("/dev") > 0;
  std::vector<oci::Mount> mounts;
  for (auto& mount : defaults) {
    if (user_destinations.count(mount.destination)) continue;
    if (user_dev && mount.destination.starts_with("/dev/")) continue;
    if (mount.destination == "/dev/shm" && host.ipc_mode == "none") continue;
    if (host.readonly_rootfs && mount.destination.starts_with("/sys") &&
        std::find(mount.options.begin(), mount.options.end(), "ro") == mount.options.end())
      mount.options.push_back("ro");
    if (host.privileged && (mount.destination == "/sys" || mount.type == "cgroup")) remove_option(mount, "ro");
    mounts.push_back(std::move(mount));
  }
  if (!inputs.init_binary.empty())
    mounts.push_back({std::string(kInitPathInContainer), inputs.init_binary, "bind", {"bind", "ro"}, {}, {}});
  mounts.insert(mounts.end(), std::make_move_iterator(user_mounts.begin()), std::make_move_iterator(user_mounts.end()));
  return mounts;
}

}  // namespace berth
