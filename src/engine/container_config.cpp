// Config and HostConfig ↔ Docker's JSON. Inside this file a malformed field
// throws FieldError carrying its dotted path; the public functions turn it
// into a Result, so no exception leaves the file.
#include "engine/container_config.h"

#include <limits>

namespace berth {

bool has_healthcheck(const ContainerConfig& config) {
  const auto& health = config.healthcheck;
  return health && !health->test.empty() && health->test[0] != "NONE";
}


using nlohmann::json;
using nlohmann::ordered_json;

namespace {

struct FieldError {
  std::string message;
};

[[noreturn]] void bad(const std::string& where, const std::string& what) {
  throw FieldError{fmt::format("{}: {}", where, what)};
}

std::string kind_of(const json& value) {
  if (value.is_number_integer()) return "integer";
  if (value.is_number_float()) return "number";
  return value.type_name();
}

std::string get_string(const json& value, const std::string& where) {
  if (!value.is_string()) bad(where, "expected string, got " + kind_of(value));
  return value.get<std::string>();
}

bool get_bool(const json& value, const std::string& where) {
  if (!value.is_boolean()) bad(where, "expected boolean, got " + kind_of(value));
  return value.get<bool>();
}

template <class Int>
Int get_int(const json& value, const std::string& where) {
  if (value.is_number_unsigned()) {
    auto number = value.get<uint64_t>();
    if (number > static_cast<uint64_t>(std::numeric_limits<Int>::max()))
      bad(where, fmt::format("{} is out of range", number));
    return static_cast<Int>(number);
  }
  if (value.is_number_integer()) {
    auto number = value.get<int64_t>();
    if (number < static_cast<int64_t>(std::numeric_limits<Int>::min()) ||
        (number > 0 && static_cast<uint64_t>(number) > static_cast<uint64_t>(std::numeric_limits<Int>::max())))
      bad(where, fmt::format("{} is out of range", number));
    return static_cast<Int>(number);
  }
  bad(where, "expected integer, got " + kind_of(value));
}

const json* member(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

void expect_object(const json& value, const std::string& where) {
  if (!value.is_object()) bad(where, "expected object, got " + kind_of(value));
}

// Calls use(value, "where.key") when the key is present and not null.
template <class F>
void with(const json& object, const char* key, const std::string& where, F use) {
  if (const json* value = member(object, key)) use(*value, where + "." + key);
}

void read(const json& o, const char* key, const std::string& where, std::string& field) {
  with(o, key, where, [&](const json& v, const std::string& w) { field = get_string(v, w); });
}
void read(const json& o, const char* key, const std::string& where, bool& field) {
  with(o, key, where, [&](const json& v, const std::string& w) { field = get_bool(v, w); });
}
void read(const json& o, const char* key, const std::string& where, std::optional<bool>& field) {
  with(o, key, where, [&](const json& v, const std::string& w) { field = get_bool(v, w); });
}
template <class Int>
requires std::is_integral_v<Int>
void read(const json& o, const char* key, const std::string& where, Int& field) {
  with(o, key, where, [&](const json& v, const std::string& w) { field = get_int<Int>(v, w); });
}
template <class Int>
requires std::is_integral_v<Int>
void read(const json& o, const char* key, const std::string& where, std::optional<Int>& field) {
  with(o, key, where, [&](const json& v, const std::string& w) { field = get_int<Int>(v, w); });
}

std::vector<std::string> get_strings(const json& value, const std::string& where) {
  if (!value.is_array()) bad(where, "expected array, got " + kind_of(value));
  std::vector<std::string> out;
  for (size_t i = 0; i < value.size(); ++i) out.push_back(get_string(value[i], fmt::format("{}[{}]", where, i)));
  return out;
}
void read(const json& o, const char* key, const std::string& where, std::vector<std::string>& field) {
  with(o, key, where, [&](const json& v, const std::string& w) { field = get_strings(v, w); });
}
void read(const json& o, const char* key, const std::string& where, std::optional<std::vector<std::string>>& field) {
  with(o, key, where, [&](const json& v, const std::string& w) { field = get_strings(v, w); });
}

std::map<std::string, std::string> get_string_map(const json& value, const std::string& where) {
  expect_object(value, where);
  std::map<std::string, std::string> out;
  for (auto& [key, item] : value.items()) out[key] = get_string(item, where + "." + key);
  return out;
}
void read(const json& o, const char* key, const std::string& where, std::map<std::string, std::string>& field) {
  with(o, key, where, [&](const json& v, const std::string& w) { field = get_string_map(v, w); });
}

// {"80/tcp": {}} — Go's map[string]struct{}.
std::set<std::string> get_key_set(const json& value, const std::string& where) {
  expect_object(value, where);
  std::set<std::string> out;
  for (auto& [key, item] : value.items()) {
    if (!item.is_null() && !item.is_object()) bad(where + "." + key, "expected object, got " + kind_of(item));
    out.insert(key);
  }
  return out;
}

template <class T, class F>
std::vector<T> get_array(const json& value, const std::string& where, F parse_item) {
  if (!value.is_array()) bad(where, "expected array, got " + kind_of(value));
  std::vector<T> out;
  for (size_t i = 0; i < value.size(); ++i) out.push_back(parse_item(value[i], fmt::format("{}[{}]", where, i)));
  return out;
}

// Docker's StrSlice also accepts a single string ("Cmd": "echo hi" means ["echo hi"]).
std::vector<std::string> get_str_slice(const json& value, const std::string& where) {
  if (value.is_string()) return {value.get<std::string>()};
  return get_strings(value, where);
}

// Raw arrays we keep but do not model.
json get_raw_array(const json& object, const char* key, const std::string& where) {
  const json* value = member(object, key);
  if (!value) return json(nullptr);
  if (!value->is_array()) bad(where + "." + key, "expected array, got " + kind_of(*value));
  return *value;
}

// Emitting helpers: Go marshals a nil slice as null.
ordered_json strings_or_null(const std::vector<std::string>& values) {
  if (values.empty()) return nullptr;
  return ordered_json(values);
}
ordered_json strings_array(const std::vector<std::string>& values) {
  ordered_json out = ordered_json::array();
  for (auto& value : values) out.push_back(value);
  return out;
}
ordered_json string_map(const std::map<std::string, std::string>& values) {
  ordered_json out = ordered_json::object();
  for (auto& [key, value] : values) out[key] = value;
  return out;
}
ordered_json key_set(const std::set<std::string>& keys) {
  ordered_json out = ordered_json::object();
  for (auto& key : keys) out[key] = ordered_json::object();
  return out;
}
ordered_json raw_or_empty(const json& value) {
  if (value.is_null()) return ordered_json::array();
  return ordered_json::parse(value.dump());
}

HealthConfig parse_health(const json& value, const std::string& where) {
  expect_object(value, where);
  HealthConfig health;
  read(value, "Test", where, health.test);
  read(value, "Interval", where, health.interval);
  read(value, "Timeout", where, health.timeout);
  read(value, "StartPeriod", where, health.start_period);
  read(value, "StartInterval", where, health.start_interval);
  read(value, "Retries", where, health.retries);
  for (auto [name, number] : {std::pair{"Interval", health.interval}, std::pair{"Timeout", health.timeout},
                              std::pair{"StartPeriod", health.start_period},
                              std::pair{"StartInterval", health.start_interval}, std::pair{"Retries", health.retries}})
    if (number < 0) bad(where + "." + name, fmt::format("{} must not be negative", number));
  return health;
}

ordered_json health_json(const HealthConfig& health) {
  ordered_json out = ordered_json::object();  // every field is omitempty
  if (!health.test.empty()) out["Test"] = health.test;
  if (health.interval) out["Interval"] = health.interval;
  if (health.timeout) out["Timeout"] = health.timeout;
  if (health.start_period) out["StartPeriod"] = health.start_period;
  if (health.start_interval) out["StartInterval"] = health.start_interval;
  if (health.retries) out["Retries"] = health.retries;
  return out;
}

ContainerConfig parse_config(const json& value, const std::string& where) {
  expect_object(value, where);
  ContainerConfig config;
  read(value, "Hostname", where, config.hostname);
  read(value, "Domainname", where, config.domainname);
  read(value, "User", where, config.user);
  read(value, "AttachStdin", where, config.attach_stdin);
  read(value, "AttachStdout", where, config.attach_stdout);
  read(value, "AttachStderr", where, config.attach_stderr);
  with(value, "ExposedPorts", where,
       [&](const json& v, const std::string& w) { config.exposed_ports = get_key_set(v, w); });
  read(value, "Tty", where, config.tty);
  read(value, "OpenStdin", where, config.open_stdin);
  read(value, "StdinOnce", where, config.stdin_once);
  read(value, "Env", where, config.env);
  with(value, "Cmd", where, [&](const json& v, const std::string& w) { config.cmd = get_str_slice(v, w); });
  with(value, "Healthcheck", where,
       [&](const json& v, const std::string& w) { config.healthcheck = parse_health(v, w); });
  read(value, "ArgsEscaped", where, config.args_escaped);
  read(value, "Image", where, config.image);
  with(value, "Volumes", where, [&](const json& v, const std::string& w) { config.volumes = get_key_set(v, w); });
  read(value, "WorkingDir", where, config.working_dir);
  with(value, "Entrypoint", where,
       [&](const json& v, const std::string& w) { config.entrypoint = get_str_slice(v, w); });
  read(value, "NetworkDisabled", where, config.network_disabled);
  read(value, "OnBuild", where, config.on_build);
  read(value, "Labels", where, config.labels);
  read(value, "StopSignal", where, config.stop_signal);
  read(value, "StopTimeout", where, config.stop_timeout);
  with(value, "Shell", where, [&](const json& v, const std::string& w) { config.shell = get_str_slice(v, w); });
  return config;
}

MountSpec parse_mount(const json& value, const std::string& where) {
  expect_object(value, where);
  MountSpec mount;
  read(value, "Type", where, mount.type);
  if (mount.type != "bind" && mount.type != "volume" && mount.type != "tmpfs")
    bad(where + ".Type", fmt::format("unknown mount type \"{}\" (expected bind, volume or tmpfs)", mount.type));
  read(value, "Source", where, mount.source);
  read(value, "Target", where, mount.target);
  read(value, "ReadOnly", where, mount.read_only);
  read(value, "Consistency", where, mount.consistency);
  with(value, "BindOptions", where, [&](const json& v, const std::string& w) {
    expect_object(v, w);
    MountSpec::Bind bind;
    read(v, "Propagation", w, bind.propagation);
    read(v, "NonRecursive", w, bind.non_recursive);
    mount.bind_options = bind;
  });
  with(value, "VolumeOptions", where, [&](const json& v, const std::string& w) {
    expect_object(v, w);
    MountSpec::Volume volume;
    read(v, "NoCopy", w, volume.no_copy);
    read(v, "Labels", w, volume.labels);
    with(v, "DriverConfig", w, [&](const json& d, const std::string& dw) {
      expect_object(d, dw);
      MountSpec::Driver driver;
      read(d, "Name", dw, driver.name);
      read(d, "Options", dw, driver.options);
      volume.driver_config = driver;
    });
    mount.volume_options = volume;
  });
  with(value, "TmpfsOptions", where, [&](const json& v, const std::string& w) {
    expect_object(v, w);
    MountSpec::Tmpfs tmpfs;
    read(v, "SizeBytes", w, tmpfs.size_bytes);
    if (tmpfs.size_bytes < 0) bad(w + ".SizeBytes", fmt::format("{} must not be negative", tmpfs.size_bytes));
    read(v, "Mode", w, tmpfs.mode);
    mount.tmpfs_options = tmpfs;
  });
  return mount;
}

HostConfig parse_host_config(const json& value, const std::string& where) {
  expect_object(value, where);
  HostConfig host;
  read(value, "Binds", where, host.binds);
  read(value, "ContainerIDFile", where, host.container_id_file);
  with(value, "LogConfig", where, [&](const json& v, const std::string& w) {
    expect_object(v, w);
    read(v, "Type", w, host.log_config.type);
    read(v, "Config", w, host.log_config.config);
  });
  read(value, "NetworkMode", where, host.network_mode);
  with(value, "PortBindings", where, [&](const json& v, const std::string& w) {
    expect_object(v, w);
    for (auto& [port, list] : v.items()) {
      auto& bindings = host.port_bindings[port];
      if (list.is_null()) continue;
      bindings = get_array<PortBinding>(list, w + "." + port, [](const json& b, const std::string& bw) {
        expect_object(b, bw);
        PortBinding binding;
        read(b, "HostIp", bw, binding.host_ip);
        read(b, "HostPort", bw, binding.host_port);
        return binding;
      });
    }
  });
  with(value, "RestartPolicy", where, [&](const json& v, const std::string& w) {
    expect_object(v, w);
    read(v, "Name", w, host.restart_policy.name);
    read(v, "MaximumRetryCount", w, host.restart_policy.maximum_retry_count);
  });
  read(value, "AutoRemove", where, host.auto_remove);
  read(value, "VolumeDriver", where, host.volume_driver);
  read(value, "VolumesFrom", where, host.volumes_from);
  with(value, "ConsoleSize", where, [&](const json& v, const std::string& w) {
    if (!v.is_array() || v.size() != 2) bad(w, "expected an array of 2 integers");
    host.console_size = {get_int<unsigned>(v[0], w + "[0]"), get_int<unsigned>(v[1], w + "[1]")};
  });
  with(value, "CapAdd", where, [&](const json& v, const std::string& w) { host.cap_add = get_str_slice(v, w); });
  with(value, "CapDrop", where, [&](const json& v, const std::string& w) { host.cap_drop = get_str_slice(v, w); });
  read(value, "CgroupnsMode", where, host.cgroupns_mode);
  read(value, "Dns", where, host.dns);
  read(value, "DnsOptions", where, host.dns_options);
  read(value, "DnsSearch", where, host.dns_search);
  read(value, "ExtraHosts", where, host.extra_hosts);
  read(value, "GroupAdd", where, host.group_add);
  read(value, "IpcMode", where, host.ipc_mode);
  read(value, "Cgroup", where, host.cgroup);
  read(value, "Links", where, host.links);
  read(value, "OomScoreAdj", where, host.oom_score_adj);
  read(value, "PidMode", where, host.pid_mode);
  read(value, "Privileged", where, host.privileged);
  read(value, "PublishAllPorts", where, host.publish_all_ports);
  read(value, "ReadonlyRootfs", where, host.readonly_rootfs);
  read(value, "SecurityOpt", where, host.security_opt);
  read(value, "Tmpfs", where, host.tmpfs);
  read(value, "UTSMode", where, host.uts_mode);
  read(value, "UsernsMode", where, host.userns_mode);
  read(value, "ShmSize", where, host.shm_size);
  read(value, "Sysctls", where, host.sysctls);
  read(value, "Runtime", where, host.runtime);
  read(value, "Isolation", where, host.isolation);
  read(value, "CpuShares", where, host.cpu_shares);
  read(value, "Memory", where, host.memory);
  read(value, "NanoCpus", where, host.nano_cpus);
  read(value, "CgroupParent", where, host.cgroup_parent);
  read(value, "BlkioWeight", where, host.blkio_weight);
  read(value, "CpuPeriod", where, host.cpu_period);
  read(value, "CpuQuota", where, host.cpu_quota);
  read(value, "CpuRealtimePeriod", where, host.cpu_realtime_period);
  read(value, "CpuRealtimeRuntime", where, host.cpu_realtime_runtime);
  read(value, "CpusetCpus", where, host.cpuset_cpus);
  read(value, "CpusetMems", where, host.cpuset_mems);
  with(value, "Devices", where, [&](const json& v, const std::string& w) {
    host.devices = get_array<DeviceMapping>(v, w, [](const json& d, const std::string& dw) {
      expect_object(d, dw);
      DeviceMapping device;
      read(d, "PathOnHost", dw, device.path_on_host);
      read(d, "PathInContainer", dw, device.path_in_container);
      read(d, "CgroupPermissions", dw, device.cgroup_permissions);
      return device;
    });
  });
  read(value, "DeviceCgroupRules", where, host.device_cgroup_rules);
  read(value, "MemoryReservation", where, host.memory_reservation);
  read(value, "MemorySwap", where, host.memory_swap);
  read(value, "MemorySwappiness", where, host.memory_swappiness);
  read(value, "OomKillDisable", where, host.oom_kill_disable);
  read(value, "PidsLimit", where, host.pids_limit);
  with(value, "Ulimits", where, [&](const json& v, const std::string& w) {
    host.ulimits = get_array<Ulimit>(v, w, [](const json& u, const std::string& uw) {
      expect_object(u, uw);
      Ulimit limit;
      read(u, "Name", uw, limit.name);
      read(u, "Hard", uw, limit.hard);
      read(u, "Soft", uw, limit.soft);
      return limit;
    });
  });
  host.blkio_weight_device = get_raw_array(value, "BlkioWeightDevice", where);
  host.blkio_device_read_bps = get_raw_array(value, "BlkioDeviceReadBps", where);
  host.blkio_device_write_bps = get_raw_array(value, "BlkioDeviceWriteBps", where);
  host.blkio_device_read_iops = get_raw_array(value, "BlkioDeviceReadIOps", where);
  host.blkio_device_write_iops = get_raw_array(value, "BlkioDeviceWriteIOps", where);
  host.device_requests = get_raw_array(value, "DeviceRequests", where);
  with(value, "Mounts", where,
       [&](const json& v, const std::string& w) { host.mounts = get_array<MountSpec>(v, w, parse_mount); });
  read(value, "MaskedPaths", where, host.masked_paths);
  read(value, "ReadonlyPaths", where, host.readonly_paths);
  read(value, "Init", where, host.init);
  return host;
}

template <class T, class F>
Result<T> guarded(F parse) {
  try {
    return parse();
  } catch (const FieldError& error) {
    return fail("{}", error.message);
  } catch (const json::exception& error) {
    return fail("{}", error.what());
  }
}

std::string env_key(std::string_view entry) { return std::string(entry.substr(0, entry.find('='))); }

}  // namespace

ordered_json to_json(const ContainerConfig& config) {
  ordered_json out = ordered_json::object();
  out["Hostname"] = config.hostname;
  out["Domainname"] = config.domainname;
  out["User"] = config.user;
  out["AttachStdin"] = config.attach_stdin;
  out["AttachStdout"] = config.attach_stdout;
  out["AttachStderr"] = config.attach_stderr;
  if (!config.exposed_ports.empty()) out["ExposedPorts"] = key_set(config.exposed_ports);
  out["Tty"] = config.tty;
  out["OpenStdin"] = config.open_stdin;
  out["StdinOnce"] = config.stdin_once;
  out["Env"] = strings_or_null(config.env);
  out["Cmd"] = strings_or_null(config.cmd);
  if (config.healthcheck) out["Healthcheck"] = health_json(*config.healthcheck);
  if (config.args_escaped) out["ArgsEscaped"] = true;
  out["Image"] = config.image;
  out["Volumes"] = config.volumes.empty() ? ordered_json(nullptr) : key_set(config.volumes);
  out["WorkingDir"] = config.working_dir;
  out["Entrypoint"] = config.entrypoint ? strings_array(*config.entrypoint) : ordered_json(nullptr);
  if (config.network_disabled) out["NetworkDisabled"] = true;
  out["OnBuild"] = strings_or_null(config.on_build);
  out["Labels"] = string_map(config.labels);
  if (!config.stop_signal.empty()) out["StopSignal"] = config.stop_signal;
  if (config.stop_timeout) out["StopTimeout"] = *config.stop_timeout;
  if (!config.shell.empty()) out["Shell"] = config.shell;
  return out;
}

ordered_json to_json(const MountSpec& mount) {
  ordered_json out = ordered_json::object();  // Docker's mount.Mount is omitempty throughout
  if (!mount.type.empty()) out["Type"] = mount.type;
  if (!mount.source.empty()) out["Source"] = mount.source;
  if (!mount.target.empty()) out["Target"] = mount.target;
  if (mount.read_only) out["ReadOnly"] = true;
  if (!mount.consistency.empty()) out["Consistency"] = mount.consistency;
  if (mount.bind_options) {
    ordered_json bind = ordered_json::object();
    if (!mount.bind_options->propagation.empty()) bind["Propagation"] = mount.bind_options->propagation;
    if (mount.bind_options->non_recursive) bind["NonRecursive"] = true;
    out["BindOptions"] = bind;
  }
  if (mount.volume_options) {
    ordered_json volume = ordered_json::object();
    if (mount.volume_options->no_copy) volume["NoCopy"] = true;
    if (!mount.volume_options->labels.empty()) volume["Labels"] = string_map(mount.volume_options->labels);
    if (auto& driver = mount.volume_options->driver_config) {
      ordered_json driver_json = ordered_json::object();
      if (!driver->name.empty()) driver_json["Name"] = driver->name;
      if (!driver->options.empty()) driver_json["Options"] = string_map(driver->options);
      volume["DriverConfig"] = driver_json;
    }
    out["VolumeOptions"] = volume;
  }
  if (mount.tmpfs_options) {
    ordered_json tmpfs = ordered_json::object();
    if (mount.tmpfs_options->size_bytes) tmpfs["SizeBytes"] = mount.tmpfs_options->size_bytes;
    if (mount.tmpfs_options->mode) tmpfs["Mode"] = mount.tmpfs_options->mode;
    out["TmpfsOptions"] = tmpfs;
  }
  return out;
}

ordered_json to_json(const HostConfig& host) {
  ordered_json out = ordered_json::object();
  out["Binds"] = strings_or_null(host.binds);
  out["ContainerIDFile"] = host.container_id_file;
  out["LogConfig"] = {{"Type", host.log_config.type}, {"Config", string_map(host.log_config.config)}};
  out["NetworkMode"] = host.network_mode;
  ordered_json ports = ordered_json::object();
  for (auto& [port, bindings] : host.port_bindings) {
    ordered_json list = ordered_json::array();
    for (auto& binding : bindings) list.push_back({{"HostIp", binding.host_ip}, {"HostPort", binding.host_port}});
    ports[port] = list;
  }
  out["PortBindings"] = ports;
  out["RestartPolicy"] = {{"Name", host.restart_policy.name},
                          {"MaximumRetryCount", host.restart_policy.maximum_retry_count}};
  out["AutoRemove"] = host.auto_remove;
  out["VolumeDriver"] = host.volume_driver;
  out["VolumesFrom"] = strings_or_null(host.volumes_from);
  out["ConsoleSize"] = {host.console_size[0], host.console_size[1]};
  out["CapAdd"] = strings_or_null(host.cap_add);
  out["CapDrop"] = strings_or_null(host.cap_drop);
  out["CgroupnsMode"] = host.cgroupns_mode;
  out["Dns"] = strings_array(host.dns);
  out["DnsOptions"] = strings_array(host.dns_options);
  out["DnsSearch"] = strings_array(host.dns_search);
  out["ExtraHosts"] = strings_or_null(host.extra_hosts);
  out["GroupAdd"] = strings_or_null(host.group_add);
  out["IpcMode"] = host.ipc_mode;
  out["Cgroup"] = host.cgroup;
  out["Links"] = strings_or_null(host.links);
  out["OomScoreAdj"] = host.oom_score_adj;
  out["PidMode"] = host.pid_mode;
  out["Privileged"] = host.privileged;
  out["PublishAllPorts"] = host.publish_all_ports;
  out["ReadonlyRootfs"] = host.readonly_rootfs;
  out["SecurityOpt"] = strings_or_null(host.security_opt);
  if (!host.tmpfs.empty()) out["Tmpfs"] = string_map(host.tmpfs);
  out["UTSMode"] = host.uts_mode;
  out["UsernsMode"] = host.userns_mode;
  out["ShmSize"] = host.shm_size;
  if (!host.sysctls.empty()) out["Sysctls"] = string_map(host.sysctls);
  if (!host.runtime.empty()) out["Runtime"] = host.runtime;
  out["Isolation"] = host.isolation;
  out["CpuShares"] = host.cpu_shares;
  out["Memory"] = host.memory;
  out["NanoCpus"] = host.nano_cpus;
  out["CgroupParent"] = host.cgroup_parent;
  out["BlkioWeight"] = host.blkio_weight;
  out["BlkioWeightDevice"] = raw_or_empty(host.blkio_weight_device);
  out["BlkioDeviceReadBps"] = raw_or_empty(host.blkio_device_read_bps);
  out["BlkioDeviceWriteBps"] = raw_or_empty(host.blkio_device_write_bps);
  out["BlkioDeviceReadIOps"] = raw_or_empty(host.blkio_device_read_iops);
  out["BlkioDeviceWriteIOps"] = raw_or_empty(host.blkio_device_write_iops);
  out["CpuPeriod"] = host.cpu_period;
  out["CpuQuota"] = host.cpu_quota;
  out["CpuRealtimePeriod"] = host.cpu_realtime_period;
  out["CpuRealtimeRuntime"] = host.cpu_realtime_runtime;
  out["CpusetCpus"] = host.cpuset_cpus;
  out["CpusetMems"] = host.cpuset_mems;
  ordered_json devices = ordered_json::array();
  for (auto& device : host.devices)
    devices.push_back({{"PathOnHost", device.path_on_host},
                       {"PathInContainer", device.path_in_container},
                       {"CgroupPermissions", device.cgroup_permissions}});
  out["Devices"] = devices;
  out["DeviceCgroupRules"] = strings_or_null(host.device_cgroup_rules);
  out["DeviceRequests"] =
      host.device_requests.is_null() ? ordered_json(nullptr) : ordered_json::parse(host.device_requests.dump());
  out["MemoryReservation"] = host.memory_reservation;
  out["MemorySwap"] = host.memory_swap;
  out["MemorySwappiness"] = host.memory_swappiness ? ordered_json(*host.memory_swappiness) : ordered_json(nullptr);
  out["OomKillDisable"] = host.oom_kill_disable ? ordered_json(*host.oom_kill_disable) : ordered_json(nullptr);
  out["PidsLimit"] = host.pids_limit ? ordered_json(*host.pids_limit) : ordered_json(nullptr);
  if (host.ulimits.empty()) {
    out["Ulimits"] = nullptr;
  } else {
    ordered_json ulimits = ordered_json::array();
    for (auto& limit : host.ulimits)
      ulimits.push_back({{"Name", limit.name}, {"Hard", limit.hard}, {"Soft", limit.soft}});
    out["Ulimits"] = ulimits;
  }
  // Windows-only resources: always zero here, present because Docker emits them.
  out["CpuCount"] = 0;
  out["CpuPercent"] = 0;
  out["IOMaximumIOps"] = 0;
  out["IOMaximumBandwidth"] = 0;
  if (!host.mounts.empty()) {
    ordered_json mounts = ordered_json::array();
    for (auto& mount : host.mounts) mounts.push_back(to_json(mount));
    out["Mounts"] = mounts;
  }
  out["MaskedPaths"] = host.masked_paths ? strings_array(*host.masked_paths) : ordered_json(nullptr);
  out["ReadonlyPaths"] = host.readonly_paths ? strings_array(*host.readonly_paths) : ordered_json(nullptr);
  if (host.init) out["Init"] = *host.init;
  return out;
}

Result<ContainerConfig> container_config_from_json(const json& value, std::string_view where) {
  return guarded<ContainerConfig>([&] { return parse_config(value, std::string(where)); });
}

Result<HostConfig> host_config_from_json(const json& value, std::string_view where) {
  return guarded<HostConfig>([&] { return parse_host_config(value, std::string(where)); });
}

Result<ContainerConfig> merge_image_config(ContainerConfig user, const json& image_config) {
  if (!image_config.is_null() && !image_config.is_object())
    return fail("image config: expected object, got {}", kind_of(image_config));
  const json image = image_config.is_null() ? json::object() : image_config;
  // An image's "config" object spells its fields as Docker's Config does.
  BERTH_ASSIGN(ContainerConfig from_image,
               guarded<ContainerConfig>([&] { return parse_config(image, "image config"); }));
  if (user.user.empty()) user.user = from_image.user;
  user.exposed_ports.insert(from_image.exposed_ports.begin(), from_image.exposed_ports.end());
  for (auto& image_env : from_image.env) {
    std::string key = env_key(image_env);
    bool overridden =
        std::any_of(user.env.begin(), user.env.end(), [&](const std::string& entry) { return env_key(entry) == key; });
    if (!overridden) user.env.push_back(image_env);
  }
  for (auto& [key, value] : from_image.labels) user.labels.try_emplace(key, value);
  if (!user.entrypoint || user.entrypoint->empty()) {
    if (user.cmd.empty()) {
      user.cmd = from_image.cmd;
      user.args_escaped = from_image.args_escaped;
    }
    if (!user.entrypoint) user.entrypoint = from_image.entrypoint;
  }
  if (from_image.healthcheck) {
    if (!user.healthcheck) {
      user.healthcheck = from_image.healthcheck;
    } else {
      auto& mine = *user.healthcheck;
      auto& theirs = *from_image.healthcheck;
      if (mine.test.empty()) mine.test = theirs.test;
      if (!mine.interval) mine.interval = theirs.interval;
      if (!mine.timeout) mine.timeout = theirs.timeout;
      if (!mine.start_period) mine.start_period = theirs.start_period;
      if (!mine.start_interval) mine.start_interval = theirs.start_interval;
      if (!mine.retries) mine.retries = theirs.retries;
    }
  }
  if (user.working_dir.empty()) user.working_dir = from_image.working_dir;
  user.volumes.insert(from_image.volumes.begin(), from_image.volumes.end());
  if (user.stop_signal.empty()) user.stop_signal = from_image.stop_signal;
  // `--entrypoint ""` arrives as [""]: it means "no entrypoint", kept as an
  // empty list (not null) so that a second merge does not bring the image's back.
  if (user.entrypoint && user.entrypoint->size() == 1 && (*user.entrypoint)[0].empty()) user.entrypoint->clear();
  if ((!user.entrypoint || user.entrypoint->empty()) && user.cmd.empty()) return fail("No command specified");
  return user;
}

}  // namespace berth
