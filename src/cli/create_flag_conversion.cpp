// Stage 2 of converting `berth run/create` flags: docker's parse() of the
// options into Config and HostConfig, then the checks docker's daemon makes
// on them (berth has no daemon to leave them to).
#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <map>
#include <regex>
#include <set>

#include "cli/create_flag_steps.h"
#include "cli/flag_values.h"
#include "cli/key_value_file.h"
#include "cli/mount_flag_values.h"
#include "cli/network_flags.h"
#include "cli/security_flags.h"
#include "engine/spec_resources.h"

namespace berth::cli::create_flags_detail {

Step convert_storage(CreateFlags& flags, const CreateFlagsHost& host) {
  // The daemon refuses two mounts on one destination.
  std::set<std::string> destinations;
  auto claim = [&](std::string_view destination) -> Step {
    if (!destinations.insert(clean_path(destination)).second)
      return config_error(fmt::format("Duplicate mount point: {}", clean_path(destination)));
    return {};
  };
  std::set<std::string> seen;
  for (const std::string& volume : flags.raw.volumes) {
    if (!seen.insert(volume).second) continue;  // docker reads -v as a set
    auto parsed = parse_volume_flag(volume, host.cwd);
    if (!parsed) return config_error(parsed);
    CREATE_TRY(claim(parsed->destination));
    if (parsed->anonymous)
      flags.config.volumes.insert(parsed->destination);
    else
      flags.host.binds.push_back(parsed->bind);
  }
  for (const std::string& text : flags.raw.mounts) {
    auto mount = parse_mount_flag(text, host.cwd);
    if (!mount) return value_error("mount", text, mount.error().message);
    if (auto checked = validate_mount(*mount); !checked) return config_error(checked);
    CREATE_TRY(claim(mount->target));
    flags.host.mounts.push_back(std::move(*mount));
  }
  // A later --tmpfs on the same path replaces an earlier one, as docker's map does.
  std::map<std::string, std::string> tmpfs_by_path;
  for (const std::string& tmpfs : flags.raw.tmpfs) {
    auto parsed = parse_tmpfs_flag(tmpfs);
    if (!parsed) return config_error(parsed);
    const std::string path = clean_path(parsed->first);
    if (auto earlier = tmpfs_by_path.find(path); earlier != tmpfs_by_path.end())
      flags.host.tmpfs.erase(earlier->second);
    tmpfs_by_path[path] = parsed->first;
    flags.host.tmpfs[parsed->first] = parsed->second;
  }
  for (const auto& [path, destination] : tmpfs_by_path) CREATE_TRY(claim(path));
  for (const std::string& device : flags.raw.devices) {
    auto mapping = parse_device_flag(device);
    if (!mapping) return config_error(mapping);
    flags.host.devices.push_back(std::move(*mapping));
  }
  return {};
}

Step convert_environment(CreateFlags& flags, const CreateFlagsHost& host) {
  // Files first, then -e, so that -e overrides; a bare KEY reads berth's own
  // environment and is left out when unset.
  for (const std::string& path : flags.raw.env_files) {
    auto lines = read_key_value_file(path, "env", host.lookup_env);
    if (!lines) return config_error(lines);
    flags.config.env.insert(flags.config.env.end(), lines->begin(), lines->end());
  }
  for (const std::string& variable : flags.raw.env) {
    if (variable.find('=') != std::string::npos) {
      flags.config.env.push_back(variable);
    } else if (auto value = host.lookup_env ? host.lookup_env(variable) : std::nullopt) {
      flags.config.env.push_back(variable + "=" + *value);
    }
  }
  for (const std::string& path : flags.raw.label_files) {
    auto lines = read_key_value_file(path, "label", nullptr);
    if (!lines) return config_error(lines);
    for (const std::string& line : *lines) {
      auto [key, value] = split_key_value(line);
      flags.config.labels[key] = value;
    }
  }
  for (const std::string& label : flags.raw.labels) {
    auto [key, value] = split_key_value(label);
    flags.config.labels[key] = value;
  }
  return {};
}

Step convert_network(CreateFlags& flags) {
  if (!flags.mac_address.empty() && !valid_mac_address(flags.mac_address))
    return config_error(fmt::format("{} is not a valid mac address", flags.mac_address));
  if (!flags.raw.mac_address.empty()) {
    if (!valid_mac_address(flags.raw.mac_address))
      return config_error(fmt::format("{} is not a valid mac address", flags.raw.mac_address));
    flags.mac_address = flags.raw.mac_address;
  }
  auto published = parse_publish_flags(flags.raw.publish);
  if (!published) return config_error(published);
  flags.host.port_bindings = std::move(published->bindings);
  flags.config.exposed_ports = std::move(published->exposed);
  for (const std::string& expose : flags.raw.expose)
    if (auto added = add_expose_flag(expose, flags.config.exposed_ports); !added) return config_error(added);
  flags.host.network_mode = flags.networks.empty() ? "default" : flags.networks.front();
  const std::string& mode = flags.host.network_mode;
  const bool user_defined =
      mode != "default" && mode != "bridge" && mode != "host" && mode != "none" && !mode.starts_with("container:");
  if (!user_defined && !flags.network_aliases.empty())
    return config_error("network-scoped aliases are only supported for user-defined networks");
  if (!user_defined && (!flags.ipv4_address.empty() || !flags.ipv6_address.empty()))
    return config_error("user specified IP address is supported on user defined networks only");
  return {};
}

Step convert_modes(CreateFlags& flags) {
  HostConfig& host = flags.host;
  auto is_container = [](std::string_view mode) {
    return mode.starts_with("container:") && mode.size() > std::string_view("container:").size();
  };
  if (!(host.pid_mode.empty() || host.pid_mode == "host" || is_container(host.pid_mode)))
    return config_error("--pid: invalid PID mode");
  if (!(host.uts_mode.empty() || host.uts_mode == "host")) return config_error("--uts: invalid UTS mode");
  if (!(host.userns_mode.empty() || host.userns_mode == "host")) return config_error("--userns: invalid USER mode");
  if (!(host.cgroupns_mode.empty() || host.cgroupns_mode == "host" || host.cgroupns_mode == "private"))
    return config_error("--cgroupns: invalid CGROUP mode");
  // The daemon's IpcMode.Valid.
  static const std::set<std::string_view> ipc_modes = {"", "none", "private", "shareable", "host"};
  if (!ipc_modes.contains(host.ipc_mode) && !is_container(host.ipc_mode))
    return config_error(fmt::format("invalid IPC mode: {}", host.ipc_mode));
  if (!(host.isolation.empty() || host.isolation == "default"))
    return config_error(fmt::format("Invalid isolation: {} - linux only supports 'default'", go_quote(host.isolation)));
  return {};
}

Step convert_restart(CreateFlags& flags) {
  auto policy = parse_restart_policy(flags.raw.restart);
  if (!policy) return config_error(policy.error().message);
  flags.host.restart_policy = *policy;
  return {};
}

Step convert_logging(CreateFlags& flags) {
  const std::string& driver = flags.raw.log_driver;
  if (driver == "none" && !flags.raw.log_opts.empty())
    return config_error(fmt::format("invalid logging opts for driver {}", driver));
  if (!driver.empty() && driver != "json-file" && driver != "none")
    return config_error(fmt::format("logger: no log driver named '{}' is registered", driver));
  std::map<std::string, std::string> options;
  for (const std::string& option : flags.raw.log_opts) {
    auto [key, value] = split_key_value(option);
    options[key] = value;
  }
  // The json-file driver's checks ("" is the default driver, json-file).
  static const std::set<std::string_view> known = {"max-file",     "max-size", "compress",  "labels",
                                                   "labels-regex", "env",      "env-regex", "tag"};
  int64_t max_size = -1, max_file = 1;
  for (const auto& [key, value] : options)
    if (!known.contains(key)) return config_error(fmt::format("unknown log opt '{}' for json-file log driver", key));
  if (auto found = options.find("max-size"); found != options.end()) {
    auto size = from_human_size(found->second);
    if (!size) return config_error(size);
    if (*size <= 0) return config_error("max-size must be a positive number");
    max_size = *size;
  }
  if (auto found = options.find("max-file"); found != options.end()) {
    auto count = parse_go_atoi(found->second);
    if (!count) return config_error(count);
    if (*count < 1) return config_error("max-file cannot be less than 1");
    max_file = *count;
  }
  if (auto found = options.find("compress"); found != options.end()) {
    auto compress = parse_go_bool(found->second);
    if (!compress) return config_error(compress);
    if (*compress && (max_file == 1 || max_size == -1))
      return config_error("compress cannot be true when max-file is less than 2 or max-size is not set");
  }
  flags.host.log_config = LogConfig{.type = driver, .config = std::move(options)};
  return {};
}

Step convert_security(CreateFlags& flags) {
  auto options = parse_security_opts(flags.raw.security_opts);
  if (!options) return config_error(options);
  flags.host.security_opt = std::move(options->options);
  if (options->unconfined_system_paths) {
    flags.host.masked_paths = std::vector<std::string>{};
    flags.host.readonly_paths = std::vector<std::string>{};
  }
  auto capabilities = effective_capabilities(flags.raw.cap_add, flags.raw.cap_drop);
  if (!capabilities) return config_error(capabilities);
  flags.host.cap_add = std::move(capabilities->add);
  flags.host.cap_drop = std::move(capabilities->drop);
  return {};
}

Step convert_health(CreateFlags& flags, const TypedValues& typed) {
  const CreateFlags::Raw& raw = flags.raw;
  const bool any = !raw.health_cmd.empty() || typed.health_interval != 0 || typed.health_timeout != 0 ||
                   typed.health_start_period != 0 || typed.health_retries != 0 || typed.health_start_interval != 0;
  if (raw.no_healthcheck) {
    if (any) return config_error("--no-healthcheck conflicts with --health-* options");
    flags.config.healthcheck = HealthConfig{.test = {"NONE"}};
    return {};
  }
  if (!any) return {};
  for (auto [name, value] :
       {std::pair{"interval", typed.health_interval}, std::pair{"timeout", typed.health_timeout},
        std::pair{"retries", typed.health_retries}, std::pair{"start-period", typed.health_start_period},
        std::pair{"start-interval", typed.health_start_interval}})
    if (value < 0) return config_error(fmt::format("--health-{} cannot be negative", name));
  // The daemon: each duration is 0 (inherit) or at least 1ms.
  constexpr int64_t millisecond = 1'000'000;
  for (auto [name, value] :
       {std::pair{"Interval", typed.health_interval}, std::pair{"Timeout", typed.health_timeout},
        std::pair{"StartPeriod", typed.health_start_period}, std::pair{"StartInterval", typed.health_start_interval}})
    if (value != 0 && value < millisecond)
      return config_error(fmt::format("{} in Healthcheck cannot be less than 1ms", name));
  HealthConfig health;
  if (!raw.health_cmd.empty()) health.test = {"CMD-SHELL", raw.health_cmd};
  health.interval = typed.health_interval;
  health.timeout = typed.health_timeout;
  health.start_period = typed.health_start_period;
  health.start_interval = typed.health_start_interval;
  health.retries = typed.health_retries;
  flags.config.healthcheck = std::move(health);
  return {};
}

// HostConfig's resources, and the daemon's range checks on them.
Step convert_resources(CreateFlags& flags, const TypedValues& typed, const CreateFlagsHost& host_info) {
  HostConfig& host = flags.host;
  if (typed.memory_swappiness != -1 && (typed.memory_swappiness < 0 || typed.memory_swappiness > 100))
    return config_error(
        fmt::format("invalid value: {}. Valid memory swappiness range is 0-100", typed.memory_swappiness));
  host.memory = typed.memory;
  host.memory_reservation = typed.memory_reservation;
  host.memory_swap = typed.memory_swap;
  if (typed.memory_swappiness != -1) host.memory_swappiness = typed.memory_swappiness;
  host.shm_size = typed.shm_size;
  host.nano_cpus = typed.nano_cpus;
  host.cpu_shares = typed.cpu_shares;
  host.cpu_period = typed.cpu_period;
  host.cpu_quota = typed.cpu_quota;
  host.cpu_realtime_period = typed.cpu_rt_period;
  host.cpu_realtime_runtime = typed.cpu_rt_runtime;
  host.blkio_weight = static_cast<uint16_t>(typed.blkio_weight);
  host.oom_score_adj = static_cast<int>(std::clamp<int64_t>(typed.oom_score_adj, INT32_MIN, INT32_MAX));
  if (typed.pids_limit > 0) host.pids_limit = typed.pids_limit;  // 0 and -1 are both "unlimited"
  if (flags.raw.oom_kill_disable_given) host.oom_kill_disable = flags.raw.oom_kill_disable;
  host.device_cgroup_rules = flags.raw.device_cgroup_rules;

  if (auto valid = validate_resources(host, host_info.cpu_count); !valid) return config_error(valid.error().message);
  if (typed.oom_score_adj < -1000 || typed.oom_score_adj > 1000)
    return config_error(fmt::format("Invalid value {}, range for oom score adj is [-1000, 1000]", typed.oom_score_adj));
  return {};
}

// Docker's runconfig checks of a network mode against the other flags.
Step check_network_conflicts(const CreateFlags& flags) {
  const HostConfig& host = flags.host;
  const bool container_mode = host.network_mode.starts_with("container:");
  if (!container_mode && !(host.network_mode == "host" && !flags.mac_address.empty())) return {};
  if (container_mode && !flags.config.hostname.empty())
    return config_error("conflicting options: hostname and the network mode");
  if (container_mode && !host.links.empty())
    return config_error(
        "conflicting options: container type network can't be used with links. This would result in undefined "
        "behavior");
  if (container_mode && !host.dns.empty()) return config_error("conflicting options: dns and the network mode");
  if (container_mode && !host.extra_hosts.empty())
    return config_error("conflicting options: custom host-to-IP mapping and the network mode");
  if (!flags.mac_address.empty()) return config_error("conflicting options: mac-address and the network mode");
  if (!host.port_bindings.empty() || host.publish_all_ports)
    return config_error("conflicting options: port publishing and the container type network mode");
  if (!flags.config.exposed_ports.empty())
    return config_error("conflicting options: port exposing and the container type network mode");
  return {};
}

Step convert_identity(CreateFlags& flags) {
  ContainerConfig& config = flags.config;
  static const std::regex container_name(R"(^/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$)");
  if (!flags.name.empty() && (flags.name.size() > 1024 || !std::regex_match(flags.name, container_name)))
    return config_error(
        fmt::format("Invalid container name ({}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", flags.name));
  if (!config.working_dir.empty() && !config.working_dir.starts_with('/'))
    return config_error(
        fmt::format("the working directory '{}' is invalid, it needs to be an absolute path", config.working_dir));
  if (!flags.raw.stop_signal.empty()) {
    if (auto signal = parse_signal_name(flags.raw.stop_signal); !signal) return config_error(signal);
    config.stop_signal = flags.raw.stop_signal;
  }
  if (flags.raw.entrypoint) {
    config.entrypoint =
        flags.raw.entrypoint->empty() ? std::vector<std::string>{} : std::vector<std::string>{*flags.raw.entrypoint};
  }
  config.image = flags.image;
  config.cmd = flags.command;
  config.tty = flags.tty;
  config.open_stdin = flags.interactive;
  return {};
}

// -a, -i and -d, as docker's parse() and then `docker run` set them.
Step convert_attach(CreateFlags& flags) {
  ContainerConfig& config = flags.config;
  auto attached = [&](std::string_view stream) {
    return std::find(flags.raw.attach.begin(), flags.raw.attach.end(), stream) != flags.raw.attach.end();
  };
  config.attach_stdin = attached("stdin") || flags.interactive;
  config.attach_stdout = attached("stdout") || flags.raw.attach.empty();
  config.attach_stderr = attached("stderr") || flags.raw.attach.empty();
  config.stdin_once = config.open_stdin && config.attach_stdin;
  if (flags.is_run && flags.detach) {
    if (!flags.raw.attach.empty()) return config_error("Conflicting options: -a and -d");
    config.attach_stdin = config.attach_stdout = config.attach_stderr = false;
    config.stdin_once = false;
  }
  return {};
}

}  // namespace berth::cli::create_flags_detail
