// A container's configuration → the OCI runtime spec our runtime executes,
// as Docker builds it: a pure function of its inputs (the only reads go
// through the callbacks below), so every rule is unit-tested without root.
//
// How the engine calls it at `start`:
//   1. at create: config = merge_image_config(user_config, image.json["config"])
//      (store the result; it is what `inspect` shows), and
//      requests = mount_requests(config, host) to learn which volumes to
//      create/resolve (named and anonymous) → volume_paths[destination].
//   2. write <container dir>/hostname, hosts, resolv.conf; mount the rootfs.
//   3. make_runtime_spec(inputs) → ContainerSpec; write spec to config.json
//      with oci::spec_to_json if a file is wanted, and create the container.
//   4. use ContainerSpec::stop_signal for `stop`, ContainerSpec::init to know
//      that the init binary was bind-mounted at /sbin/docker-init and prepended
//      to the args (nothing else to do).
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "engine/container_config.h"
#include "engine/spec_mounts.h"
#include "oci/runtime_spec.h"

namespace berth {

struct SpecInputs {
  ContainerConfig config;  // the user's config, merged or not with the image's (merging is idempotent)
  HostConfig host;
  nlohmann::json image_config;  // the image config's "config" object (Env, Entrypoint, Cmd, ...); null if none
  std::string container_id;     // 64 hex digits
  std::string hostname;         // empty: config.hostname, else the first 12 characters of the id
  std::string rootfs_path;      // absolute: the mounted rootfs (spec.root.path)
  // The per-container files the engine writes; bound over /etc/… when set.
  std::string hostname_path, hosts_path, resolv_conf_path;
  // Host paths of the volume mounts of mount_requests(), by destination.
  std::map<std::string, std::string> volume_paths;
  // Further mounts the engine wants (secrets, …), appended as given, sorted with the rest.
  std::vector<oci::Mount> extra_mounts;
  // The seccomp profile the engine chose (default, file); nullopt = unconfined.
  // Ignored when privileged (Docker runs privileged containers unconfined).
  std::optional<oci::Seccomp> seccomp;
  std::string cgroups_path;  // e.g. "/berth/<id>" or "system.slice:berth:<id>"
  bool cgroup_v2 = true;     // the host's cgroup version (default cgroupns: private on v2, host on v1)
  // Namespace paths for "container:<id>" modes, resolved by the engine
  // ("/proc/<pid>/ns/net"); required when the mode asks for them.
  std::string network_namespace_path, ipc_namespace_path, pid_namespace_path;
  uint64_t host_nofile_hard = 0;  // the host's hard RLIMIT_NOFILE; 0 = do not check
  // Host path of the init binary (docker-init / tini / catatonit) for --init.
  std::string init_binary;
  // Reads a file of the container's rootfs (an absolute path inside it; the
  // engine resolves it safely in the root). nullopt = no such file.
  std::function<Result<std::optional<std::string>>(std::string_view)> read_rootfs_file;
  // stat(2) of a host device node for HostConfig.Devices; default: the real one.
  std::function<Result<oci::Device>(std::string_view host_path)> stat_device;
  // The host's /dev, walked for privileged containers (tests point it elsewhere).
  std::string host_dev_dir = "/dev";
};

struct ContainerSpec {
  oci::Spec spec;
  std::string stop_signal;            // Config.StopSignal or the image's, default "SIGTERM"
  std::optional<int> stop_timeout;    // Config.StopTimeout (seconds); nullopt = the engine's default (10)
  bool init = false;                  // the init binary is mounted at /sbin/docker-init and runs first
  std::vector<std::string> warnings;  // settings dropped, as Docker warns of them at create
};

// Docker's defaults for HostConfig.MaskedPaths / ReadonlyPaths (Docker fills
// them in at create; inspect shows them).
const std::vector<std::string>& default_masked_paths();
const std::vector<std::string>& default_readonly_paths();

Result<ContainerSpec> make_runtime_spec(const SpecInputs& inputs);

// NetworkMode "host" shares the host's; "container:<id>" another's; anything
// else ("", "default", "bridge", "none", a network's name) is a netns of its own.
bool has_own_network_namespace(const HostConfig& host);

// Docker's process environment: PATH (unless set), HOSTNAME, TERM=xterm with
// a tty, then `env` in order (a later KEY=… replaces, a bare KEY removes).
// `exec` uses it too, with the exec's tty and the container's env + its own.
std::vector<std::string> container_env(const std::string& hostname, bool tty, const std::vector<std::string>& env);

}  // namespace berth
