// make_runtime_spec: the order and the rules of Docker's createSpec
// (daemon/oci_linux.go), on Berth's oci::Spec.
#include "engine/container_spec.h"

#include "base/path_in_root.h"
#include "engine/spec_resources.h"
#include "engine/spec_security.h"
#include "engine/spec_user.h"

namespace berth {

namespace {

constexpr std::string_view kDefaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// Docker's ReplaceOrAppendEnvValues: an override replaces the default of the
// same key in place or is appended; "KEY" without "=" removes KEY.

// "host", "container:<id>", or a private namespace ("" or one of `private_words`).
enum class NsMode { private_ns, host, container };

Result<NsMode> namespace_mode(std::string_view mode, std::initializer_list<std::string_view> private_words,
                              bool container_allowed, std::string_view what) {
  if (mode.empty()) return NsMode::private_ns;
  for (auto word : private_words)
    if (mode == word) return NsMode::private_ns;
  if (mode == "host") return NsMode::host;
  if (container_allowed && mode.starts_with("container:") && mode.size() > 10) return NsMode::container;
  return fail("invalid {} mode: {}", what, mode);
}

struct SecurityOptions {
  bool no_new_privileges = false;
  bool unconfined_system_paths = false;
};

// --security-opt: key=value or key:value. seccomp= is the engine's (it passes
// the resolved profile); apparmor= and label= need AppArmor/SELinux, which
// Berth does not drive yet, so they are accepted and have no effect.
Result<SecurityOptions> parse_security_options(const std::vector<std::string>& options) {
  SecurityOptions parsed;
  for (auto& option : options) {
    if (option == "no-new-privileges") {
      parsed.no_new_privileges = true;
      continue;
    }
    auto separator = option.find_first_of("=:");
    if (separator == std::string::npos) return fail("invalid --security-opt 1: \"{}\"", option);
    std::string key = option.substr(0, separator), value = option.substr(separator + 1);
    if (key == "no-new-privileges") {
      if (value != "true" && value != "false") return fail("invalid --security-opt 2: \"{}\"", option);
      parsed.no_new_privileges = value == "true";
    } else if (key == "systempaths") {
      if (value != "unconfined") return fail("invalid --security-opt 2: \"{}\"", option);
      parsed.unconfined_system_paths = true;
    } else if (key != "seccomp" && key != "apparmor" && key != "label") {
      return fail("invalid --security-opt 2: \"{}\"", option);
    }
  }
  return parsed;
}

Result<std::optional<std::string>> read_optional(const SpecInputs& inputs, std::string_view path) {
  if (!inputs.read_rootfs_file) return std::optional<std::string>();
  auto content = inputs.read_rootfs_file(path);
  if (!content) return std::unexpected(std::move(content.error()).context(fmt::format("read {} in container", path)));
  return *content;
}

void add_namespace(oci::Spec& spec, oci::NamespaceType type, std::string path = "") {
  spec.linux.namespaces.push_back({type, std::move(path)});
}

}  // namespace

std::vector<std::string> container_env(const std::string& hostname, bool tty, const std::vector<std::string>& env) {
  std::vector<std::optional<std::string>> merged{std::string(kDefaultPath), "HOSTNAME=" + hostname};
  if (tty) merged.push_back("TERM=xterm");
  auto find = [&](std::string_view key) -> std::optional<std::string>* {
    for (auto& entry : merged)
      if (entry && std::string_view(*entry).substr(0, entry->find('=')) == key) return &entry;
    return nullptr;
  };
  for (auto& entry : env) {
    auto equals = entry.find('=');
    if (equals == std::string::npos) {
      if (auto* existing = find(entry)) existing->reset();
      continue;
    }
    if (auto* existing = find(std::string_view(entry).substr(0, equals)))
      *existing = entry;
    else
      merged.push_back(entry);
  }
  std::vector<std::string> out;
  for (auto& entry : merged)
    if (entry) out.push_back(std::move(*entry));
  return out;
}

const std::vector<std::string>& default_masked_paths() {
  static const std::vector<std::string> paths{
      "/proc/asound",      "/proc/acpi",          "/proc/interrupts", "/proc/kcore",
      "/proc/keys",        "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
      "/proc/sched_debug", "/proc/scsi",          "/sys/firmware",    "/sys/devices/virtual/powercap",
  };
  return paths;
}

const std::vector<std::string>& default_readonly_paths() {
  static const std::vector<std::string> paths{"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"};
  return paths;
}

bool has_own_network_namespace(const HostConfig& host) {
  return host.network_mode != "host" && !host.network_mode.starts_with("container:");
}

Result<ContainerSpec> make_runtime_spec(const SpecInputs& inputs) {
  const HostConfig& host = inputs.host;
  if (inputs.container_id.empty()) return fail("container id is empty");
  if (inputs.rootfs_path.empty() || inputs.rootfs_path[0] != '/')
    return fail("rootfs path \"{}\" is not absolute", inputs.rootfs_path);
  BERTH_ASSIGN(ContainerConfig config, merge_image_config(inputs.config, inputs.image_config));

  ContainerSpec result;
  oci::Spec& spec = result.spec;
  spec.oci_version = "1.2.0";
  spec.root = {inputs.rootfs_path, host.readonly_rootfs};

  // Namespaces (Docker's order: mount, network, uts, pid, ipc, cgroup).
  NsMode network = has_own_network_namespace(host) ? NsMode::private_ns
                   : host.network_mode == "host"   ? NsMode::host
                                                   : NsMode::container;
  BERTH_ASSIGN(NsMode ipc, namespace_mode(host.ipc_mode, {"private", "shareable", "none"}, true, "IPC"));
  BERTH_ASSIGN(NsMode pid, namespace_mode(host.pid_mode, {}, true, "PID"));
  BERTH_ASSIGN(NsMode uts, namespace_mode(host.uts_mode, {}, false, "UTS"));
  BERTH_ASSIGN(NsMode cgroupns, namespace_mode(host.cgroupns_mode, {"private"}, false, "cgroup namespace"));
  if (!host.userns_mode.empty() && host.userns_mode != "host")
    return fail("invalid USER mode: {}: only \"host\" is supported", host.userns_mode);

  add_namespace(spec, oci::NamespaceType::mount);
  if (network == NsMode::private_ns) add_namespace(spec, oci::NamespaceType::network);
  if (network == NsMode::container) {
    if (inputs.network_namespace_path.empty())
      return fail("network mode {}: the engine did not resolve the container's network namespace", host.network_mode);
    add_namespace(spec, oci::NamespaceType::network, inputs.network_namespace_path);
  }
  if (uts == NsMode::private_ns) add_namespace(spec, oci::NamespaceType::uts);
  if (pid == NsMode::private_ns) add_namespace(spec, oci::NamespaceType::pid);
  if (pid == NsMode::container) {
    if (inputs.pid_namespace_path.empty())
      return fail("PID mode {}: the engine did not resolve the container's PID namespace", host.pid_mode);
    add_namespace(spec, oci::NamespaceType::pid, inputs.pid_namespace_path);
  }
  if (ipc == NsMode::private_ns) add_namespace(spec, oci::NamespaceType::ipc);
  if (ipc == NsMode::container) {
    if (inputs.ipc_namespace_path.empty())
      return fail("IPC mode {}: the engine did not resolve the container's IPC namespace", host.ipc_mode);
    add_namespace(spec, oci::NamespaceType::ipc, inputs.ipc_namespace_path);
  }
  bool private_cgroupns = host.cgroupns_mode.empty() ? inputs.cgroup_v2 : cgroupns == NsMode::private_ns;
  if (private_cgroupns) add_namespace(spec, oci::NamespaceType::cgroup);

  // Hostname: with the host's UTS namespace the container has none of its own.
  std::string hostname = !inputs.hostname.empty()   ? inputs.hostname
                         : !config.hostname.empty() ? config.hostname
                                                    : inputs.container_id.substr(0, 12);
  if (uts == NsMode::private_ns) {
    spec.hostname = hostname;
    spec.domainname = config.domainname;
  }

  // The process.
  oci::Process process;
  process.terminal = config.tty;
  std::vector<std::string> args = config.entrypoint.value_or(std::vector<std::string>{});
  args.insert(args.end(), config.cmd.begin(), config.cmd.end());
  if (args.empty()) return fail("No command specified");
  // --init: only with a PID namespace of the container's own (elsewhere an init already runs).
  if (host.init.value_or(false) && pid == NsMode::private_ns) {
    if (inputs.init_binary.empty()) return fail("--init: no init binary is configured");
    args.insert(args.begin(), {std::string(kInitPathInContainer), "--"});
    result.init = true;
  }
  process.args = std::move(args);
  process.env = container_env(hostname, config.tty, config.env);
  std::string cwd = config.working_dir.empty() ? "/" : config.working_dir;
  if (cwd[0] != '/')
    return fail("the working directory '{}' is invalid, it needs to be an absolute path", config.working_dir);
  process.cwd = clean_path(cwd);

  BERTH_ASSIGN(auto passwd, read_optional(inputs, "/etc/passwd"));
  BERTH_ASSIGN(auto group, read_optional(inputs, "/etc/group"));
  BERTH_ASSIGN(process.user, resolve_user(config.user, host.group_add, passwd, group));

  BERTH_ASSIGN(std::vector<std::string> caps, container_capabilities(host));
  oci::Capabilities capabilities;
  capabilities.bounding = caps;
  // As execve does for a non-root user: nothing effective or permitted.
  if (process.user.uid == 0) capabilities.effective = capabilities.permitted = caps;
  process.capabilities = std::move(capabilities);

  BERTH_ASSIGN(SecurityOptions security, parse_security_options(host.security_opt));
  process.no_new_privileges = security.no_new_privileges;
  BERTH_ASSIGN(process.rlimits, container_rlimits(host.ulimits, inputs.host_nofile_hard));
  if (host.oom_score_adj < -1000 || host.oom_score_adj > 1000)
    return fail("Invalid value {}, range for oom score adj is [-1000, 1000]", host.oom_score_adj);
  process.oom_score_adj = host.oom_score_adj;
  spec.process = std::move(process);

  // Mounts.
  MountInputs mount_inputs{inputs.hostname_path, inputs.hosts_path,   inputs.resolv_conf_path,
                           inputs.volume_paths,  inputs.extra_mounts, result.init ? inputs.init_binary : std::string()};
  BERTH_ASSIGN(spec.mounts, build_mounts(config, host, mount_inputs));

  // Masked and read-only paths: Docker's defaults unless the HostConfig names
  // its own; none at all for a privileged container or systempaths=unconfined.
  if (!host.privileged && !security.unconfined_system_paths) {
    spec.linux.masked_paths = host.masked_paths.value_or(default_masked_paths());
    spec.linux.readonly_paths = host.readonly_paths.value_or(default_readonly_paths());
  }

  BERTH_ASSIGN(spec.linux.sysctl,
               container_sysctls(host, network != NsMode::host, network == NsMode::private_ns, ipc == NsMode::host));
  BERTH_ASSIGN(oci::Resources resources, container_resources(host, inputs.cgroup_v2, result.warnings));
  StatDevice stat_device = inputs.stat_device ? inputs.stat_device : StatDevice(stat_host_device);
  BERTH_ASSIGN(ContainerDevices devices, container_devices(host, stat_device, inputs.host_dev_dir));
  spec.linux.devices = std::move(devices.nodes);
  resources.devices = std::move(devices.rules);
  spec.linux.resources = std::move(resources);
  spec.linux.cgroups_path = inputs.cgroups_path;
  if (!host.privileged) spec.linux.seccomp = inputs.seccomp;

  result.stop_signal = config.stop_signal.empty() ? "SIGTERM" : config.stop_signal;
  result.stop_timeout = config.stop_timeout;
  return result;
}

}  // namespace berth
