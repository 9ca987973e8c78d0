// A container's mounts as Docker builds them: the default filesystems
// (/proc, /dev, /dev/pts, /sys, /sys/fs/cgroup, /dev/mqueue, /dev/shm), then
// the user's (volumes, Binds, Mounts, Tmpfs, the per-container /etc files)
// sorted so that a parent mounts before its children.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "engine/container_config.h"
#include "oci/runtime_spec.h"

namespace berth {

// One mount the user asked for, from Config.Volumes, HostConfig.Binds,
// HostConfig.Mounts or HostConfig.Tmpfs, validated and normalized.
struct MountRequest {
  enum class Kind { bind, volume, tmpfs };
  Kind kind = Kind::bind;
  std::string source;       // bind: absolute host path; volume: name, "" for an anonymous one
  std::string destination;  // absolute and clean
  bool read_only = false;
  std::string propagation;  // binds: "rprivate" unless asked otherwise
  bool non_recursive = false;
  bool no_copy = false;  // volume: do not copy the image's content in
  std::map<std::string, std::string> volume_labels;
  std::string volume_driver;
  std::map<std::string, std::string> volume_driver_options;
  std::vector<std::string> tmpfs_options;  // merged, as they go to mount(2)
};

// Parses "src:dst[:mode]" / "dst" (-v). Errors as Docker's:
// "invalid volume specification: '/a:b': invalid mount config for type \"bind\": ...".
Result<MountRequest> parse_bind(std::string_view bind);

// Docker's tmpfs options for `--tmpfs dst:opts`: noexec,nosuid,nodev,rprivate
// then the user's, later options overriding earlier ones of the same kind.
Result<std::vector<std::string>> merge_tmpfs_options(std::string_view user_options);

// Every mount the user asked for; anonymous Config.Volumes yield to a Bind,
// Mount or Tmpfs on the same destination. Two of the latter on one
// destination fail with "Duplicate mount point: /x".
Result<std::vector<MountRequest>> mount_requests(const ContainerConfig& config, const HostConfig& host);

// The inputs of build_mounts that are not in HostConfig.
struct MountInputs {
  std::string hostname_path, hosts_path, resolv_conf_path;
  std::map<std::string, std::string> volume_paths;  // destination → host path
  std::vector<oci::Mount> extra_mounts;
  std::string init_binary;  // bound at /sbin/docker-init when non-empty
};

// The spec's mounts, in order. IpcMode "none" drops /dev/shm; "host" binds the host's.
Result<std::vector<oci::Mount>> build_mounts(const ContainerConfig& config, const HostConfig& host,
                                             const MountInputs& inputs);

inline constexpr std::string_view kInitPathInContainer = "/sbin/docker-init";
inline constexpr int64_t kDefaultShmSize = 64 * 1024 * 1024;

}  // namespace berth
