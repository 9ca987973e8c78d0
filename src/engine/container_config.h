// A container's configuration as Docker models it: Config (what runs) and
// HostConfig (how it is placed on the host), with the JSON both ways in the
// Engine API's exact shape, field names and field order.
//
// to_json emits what Docker emits for inspect and for storage (null where
// Docker's Go slices are nil, omitted where Docker says omitempty); from_json
// reads the API body or the stored document back, strictly: a value of the
// wrong type is an error naming the field ("HostConfig.Memory: expected
// integer, got string"); null means "not set"; unknown keys are ignored, as
// Docker ignores them.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/result.h"

namespace berth {

// Durations are nanoseconds, as Go's time.Duration.
struct HealthConfig {
  std::vector<std::string> test;  // [] inherit, ["NONE"], ["CMD", args...], ["CMD-SHELL", command]
  int64_t interval = 0, timeout = 0, start_period = 0, start_interval = 0;
  int64_t retries = 0;
};

struct ContainerConfig;
// A healthcheck that runs: set, with a command, and not ["NONE"].
bool has_healthcheck(const ContainerConfig& config);

struct ContainerConfig {
  std::string hostname, domainname, user;
  bool attach_stdin = false, attach_stdout = false, attach_stderr = false;
  std::set<std::string> exposed_ports;  // "80/tcp"
  bool tty = false, open_stdin = false, stdin_once = false;
  std::vector<std::string> env;  // "KEY=value"
  std::vector<std::string> cmd;
  std::optional<HealthConfig> healthcheck;
  bool args_escaped = false;
  std::string image;
  std::set<std::string> volumes;  // anonymous volume destinations
  std::string working_dir;
  // nullopt: not set (the image's applies). Present but empty: explicitly
  // none (`--entrypoint ""`), so merging the image config again keeps it empty.
  std::optional<std::vector<std::string>> entrypoint;
  bool network_disabled = false;
  std::vector<std::string> on_build;
  std::map<std::string, std::string> labels;
  std::string stop_signal;
  std::optional<int> stop_timeout;  // seconds
  std::vector<std::string> shell;
};

struct LogConfig {
  std::string type;  // "json-file", "none", ...
  std::map<std::string, std::string> config;
};

struct RestartPolicy {
  std::string name;  // "", "no", "always", "unless-stopped", "on-failure"
  int maximum_retry_count = 0;
};

struct PortBinding {
  std::string host_ip, host_port;
};

struct MountSpec {   // HostConfig.Mounts[i] (Docker's mount.Mount)
  std::string type;  // bind | volume | tmpfs
  std::string source, target;
  bool read_only = false;
  std::string consistency;
  struct Bind {
    std::string propagation;
    bool non_recursive = false;
  };
  struct Driver {
    std::string name;
    std::map<std::string, std::string> options;
  };
  struct Volume {
    bool no_copy = false;
    std::map<std::string, std::string> labels;
    std::optional<Driver> driver_config;
  };
  struct Tmpfs {
    int64_t size_bytes = 0;
    uint32_t mode = 0;  // permission bits
  };
  std::optional<Bind> bind_options;
  std::optional<Volume> volume_options;
  std::optional<Tmpfs> tmpfs_options;
};

struct DeviceMapping {
  std::string path_on_host, path_in_container, cgroup_permissions;
};

struct Ulimit {
  std::string name;  // "nofile"
  int64_t hard = 0, soft = 0;
};

struct HostConfig {
  std::vector<std::string> binds;
  std::string container_id_file;
  LogConfig log_config;
  std::string network_mode;
  std::map<std::string, std::vector<PortBinding>> port_bindings;
  RestartPolicy restart_policy;
  bool auto_remove = false;
  std::string volume_driver;
  std::vector<std::string> volumes_from;
  std::array<unsigned, 2> console_size{0, 0};  // height, width
  std::vector<std::string> cap_add, cap_drop;
  std::string cgroupns_mode;  // "", "private", "host"
  std::vector<std::string> dns, dns_options, dns_search;
  std::vector<std::string> extra_hosts, group_add;
  std::string ipc_mode, cgroup;
  std::vector<std::string> links;
  int oom_score_adj = 0;
  std::string pid_mode;
  bool privileged = false, publish_all_ports = false, readonly_rootfs = false;
  std::vector<std::string> security_opt;
  std::map<std::string, std::string> tmpfs;  // destination → "rw,size=64m"
  std::string uts_mode, userns_mode;
  int64_t shm_size = 0;
  std::map<std::string, std::string> sysctls;
  std::string runtime;
  std::string isolation;
  // Resources.
  int64_t cpu_shares = 0, memory = 0, nano_cpus = 0;
  std::string cgroup_parent;
  uint16_t blkio_weight = 0;
  int64_t cpu_period = 0, cpu_quota = 0, cpu_realtime_period = 0, cpu_realtime_runtime = 0;
  std::string cpuset_cpus, cpuset_mems;
  std::vector<DeviceMapping> devices;
  std::vector<std::string> device_cgroup_rules;
  int64_t memory_reservation = 0, memory_swap = 0;
  std::optional<int64_t> memory_swappiness;
  std::optional<bool> oom_kill_disable;
  std::optional<int64_t> pids_limit;
  std::vector<Ulimit> ulimits;
  // Kept verbatim (not modelled yet) so that storage round-trips them:
  // BlkioWeightDevice, BlkioDevice{Read,Write}{Bps,IOps}, DeviceRequests.
  nlohmann::json blkio_weight_device, blkio_device_read_bps, blkio_device_write_bps, blkio_device_read_iops,
      blkio_device_write_iops, device_requests;
  std::vector<MountSpec> mounts;
  // nullopt: Docker's defaults apply; an empty list masks nothing.
  std::optional<std::vector<std::string>> masked_paths, readonly_paths;
  std::optional<bool> init;
};

nlohmann::ordered_json to_json(const ContainerConfig& config);
nlohmann::ordered_json to_json(const HostConfig& config);
nlohmann::ordered_json to_json(const MountSpec& mount);

// `where` prefixes every error ("Config", "HostConfig").
Result<ContainerConfig> container_config_from_json(const nlohmann::json& value, std::string_view where = "Config");
Result<HostConfig> host_config_from_json(const nlohmann::json& value, std::string_view where = "HostConfig");

// Docker's create-time merge of the image's "config" object into the
// user's: Env (image first, the user's overriding by key), Cmd/Entrypoint (a
// user Entrypoint resets the image's Cmd; `--entrypoint ""` clears it),
// WorkingDir, User, ExposedPorts, Volumes, Labels, Healthcheck, StopSignal
// (Docker copies neither Shell nor OnBuild). As in Docker, the merged Env
// lists the user's entries first, then the image's that the user did not
// override. Idempotent: merging a merged config again changes nothing.
// Fails with Docker's "No command specified" when nothing is left to run.
Result<ContainerConfig> merge_image_config(ContainerConfig user, const nlohmann::json& image_config);

}  // namespace berth
