// Cgroup resources, rlimits and devices of a container, with Docker's
// validation and wording.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "engine/container_config.h"
#include "oci/runtime_spec.h"

namespace berth {

// Memory, swap, CPU, cpuset, pids, blkio, OOM settings → linux.resources
// (devices excluded). Settings cgroup v2 cannot honour (swappiness,
// OomKillDisable) are dropped with a warning, as Docker does.
Result<oci::Resources> container_resources(const HostConfig& host, bool cgroup_v2, std::vector<std::string>& warnings);

// The daemon's checks of memory, CPU, cpuset and blkio settings (create and
// update), with its wording. `cpu_count`: the host's online CPUs.
Status validate_resources(const HostConfig& host, unsigned cpu_count);

// "0-3,6": Docker's cpuset list syntax (ascending ranges of decimal numbers).
bool valid_cpuset(std::string_view list);

// HostConfig.Ulimits → process.rlimits. `host_nofile_hard` (0 = unknown):
// a nofile limit above it fails, since the container cannot raise it.
Result<std::vector<oci::Rlimit>> container_rlimits(const std::vector<Ulimit>& ulimits, uint64_t host_nofile_hard);

// "--device /dev/sda[:/dev/xvda][:rwm]" → DeviceMapping (Docker CLI's syntax).
Result<DeviceMapping> parse_device_mapping(std::string_view text);

// A device cgroup rule "c 1:3 rwm" / "a *:* rwm" → allow rule.
Result<oci::DeviceRule> parse_device_cgroup_rule(std::string_view rule);

using StatDevice = std::function<Result<oci::Device>(std::string_view host_path)>;
// stat(2) of a host device node (symlinks followed): type, major, minor, mode, owner.
Result<oci::Device> stat_host_device(std::string_view host_path);

// Every device node under `dev_dir` (skipping pts, shm, fd, mqueue, console),
// with paths as "/dev/…": what a privileged container gets.
Result<std::vector<oci::Device>> list_host_devices(const std::string& dev_dir);

struct ContainerDevices {
  std::vector<oci::Device> nodes;
  std::vector<oci::DeviceRule> rules;
};

// Docker's default device rules (deny all, allow the standard nodes, deny
// fuse), plus each --device and --device-cgroup-rule; privileged: every host
// device and "allow all".
Result<ContainerDevices> container_devices(const HostConfig& host, const StatDevice& stat_device,
                                           const std::string& host_dev_dir);

}  // namespace berth
