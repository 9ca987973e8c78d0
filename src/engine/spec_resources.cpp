#include "engine/spec_resources.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <charconv>
#include <cstring>
#include <filesystem>
#include <limits>
#include <map>
#include <set>

namespace berth {

namespace {

constexpr int64_t kMinMemory = 6 * 1024 * 1024;  // Docker's minimum memory limit and reservation

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

std::optional<uint64_t> parse_number(std::string_view text) {
  uint64_t value = 0;
  if (text.empty()) return std::nullopt;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

bool valid_access(std::string_view access) {
  if (access.empty() || access.size() > 3) return false;
  std::set<char> seen;
  for (char c : access)
    if ((c != 'r' && c != 'w' && c != 'm') || !seen.insert(c).second) return false;
  return true;
}

// Docker's ulimit names → the spec's RLIMIT_ names.
const std::map<std::string_view, std::string_view> kUlimitNames{
    {"core", "RLIMIT_CORE"},         {"cpu", "RLIMIT_CPU"},
    {"data", "RLIMIT_DATA"},         {"fsize", "RLIMIT_FSIZE"},
    {"locks", "RLIMIT_LOCKS"},       {"memlock", "RLIMIT_MEMLOCK"},
    {"msgqueue", "RLIMIT_MSGQUEUE"}, {"nice", "RLIMIT_NICE"},
    {"nofile", "RLIMIT_NOFILE"},     {"nproc", "RLIMIT_NPROC"},
    {"rss", "RLIMIT_RSS"},           {"rtprio", "RLIMIT_RTPRIO"},
    {"rttime", "RLIMIT_RTTIME"},     {"sigpending", "RLIMIT_SIGPENDING"},
    {"stack", "RLIMIT_STACK"},
};

// -1 is "unlimited" (RLIM_INFINITY); other negative values are mistakes.
Result<uint64_t> rlimit_value(const Ulimit& limit, int64_t value) {
  if (value == -1) return std::numeric_limits<uint64_t>::max();
  if (value < 0) return fail("ulimit {}: invalid value {}", limit.name, value);
  return static_cast<uint64_t>(value);
}

}  // namespace

bool valid_cpuset(std::string_view list) {
  if (list.empty()) return true;
  for (auto part : split(list, ',')) {
    auto dash = part.find('-');
    if (dash == std::string_view::npos) {
      if (!parse_number(part)) return false;
      continue;
    }
    auto low = parse_number(part.substr(0, dash));
    auto high = parse_number(part.substr(dash + 1));
    if (!low || !high || *low > *high) return false;
  }
  return true;
}

Status validate_resources(const HostConfig& host, unsigned cpu_count) {
  constexpr int64_t min_memory = 6 * 1024 * 1024;
  if (host.memory != 0 && host.memory < min_memory) return fail("Minimum memory limit allowed is 6MB");
  if (host.memory > 0 && host.memory_swap > 0 && host.memory_swap < host.memory)
    return fail("Minimum memoryswap limit should be larger than memory limit, see usage");
  if (host.memory == 0 && host.memory_swap > 0)
    return fail("You should always set the Memory limit when using Memoryswap limit, see usage");
  if (host.memory_reservation > 0 && host.memory_reservation < min_memory)
    return fail("Minimum memory reservation allowed is 6MB");
  if (host.memory > 0 && host.memory_reservation > 0 && host.memory < host.memory_reservation)
    return fail("Minimum memory limit can not be less than memory reservation limit, see usage");
  if (host.nano_cpus > 0 && host.cpu_period > 0)
    return fail("Conflicting options: Nano CPUs and CPU Period cannot both be set");
  if (host.nano_cpus > 0 && host.cpu_quota > 0)
    return fail("Conflicting options: Nano CPUs and CPU Quota cannot both be set");
  if (host.nano_cpus < 0 || host.nano_cpus > int64_t{cpu_count} * 1'000'000'000)
    return fail("Range of CPUs is from 0.01 to {}.00, as there are only {} CPUs available",
                                    cpu_count, cpu_count);
  if (host.cpu_period != 0 && (host.cpu_period < 1000 || host.cpu_period > 1'000'000))
    return fail("CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)");
  if (host.cpu_quota > 0 && host.cpu_quota < 1000)
    return fail("CPU cfs quota can not be less than 1ms (i.e. 1000)");
  if (!valid_cpuset(host.cpuset_cpus))
    return fail("Invalid value {} for cpuset cpus", host.cpuset_cpus);
  if (!valid_cpuset(host.cpuset_mems))
    return fail("Invalid value {} for cpuset mems", host.cpuset_mems);
  if (host.blkio_weight > 0 && (host.blkio_weight < 10 || host.blkio_weight > 1000))
    return fail("Range of blkio weight is from 10 to 1000");
  return {};
}

Result<oci::Resources> container_resources(const HostConfig& host, bool cgroup_v2, std::vector<std::string>& warnings) {
  // The checks and messages of Docker's verifyPlatformContainerResources.
  if (host.memory != 0 && host.memory < kMinMemory) return fail("Minimum memory limit allowed is 6MB");
  if (host.memory < 0) return fail("Minimum memory limit allowed is 6MB");
  if (host.memory_swap > 0 && host.memory == 0)
    return fail("You should always set the Memory limit when using Memoryswap limit, see usage");
  if (host.memory > 0 && host.memory_swap > 0 && host.memory_swap < host.memory)
    return fail("Minimum memoryswap limit should be larger than memory limit, see usage");
  if (host.memory_swap < -1) return fail("invalid MemorySwap {}: use -1 for unlimited swap", host.memory_swap);
  if (host.memory_swappiness && *host.memory_swappiness != -1 &&
      (*host.memory_swappiness < 0 || *host.memory_swappiness > 100))
    return fail("Invalid value: {}, valid memory swappiness range is 0-100", *host.memory_swappiness);
  if (host.memory_reservation < 0 || (host.memory_reservation != 0 && host.memory_reservation < kMinMemory))
    return fail("Minimum memory reservation allowed is 6MB");
  if (host.memory > 0 && host.memory_reservation > 0 && host.memory < host.memory_reservation)
    return fail("Minimum memory limit can not be less than memory reservation limit, see usage");
  if (host.nano_cpus < 0) return fail("Range of CPUs is from 0.01 to the number of CPUs available");
  if (host.nano_cpus > 0 && host.cpu_period > 0)
    return fail("Conflicting options: Nano CPUs and CPU Period cannot both be set");
  if (host.nano_cpus > 0 && host.cpu_quota > 0)
    return fail("Conflicting options: Nano CPUs and CPU Quota cannot both be set");
  if (host.cpu_shares < 0) return fail("invalid CPU shares {}: must not be negative", host.cpu_shares);
  if (host.cpu_period != 0 && (host.cpu_period < 1000 || host.cpu_period > 1000000))
    return fail("CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)");
  if (host.cpu_quota > 0 && host.cpu_quota < 1000) return fail("CPU cfs quota can not be less than 1ms (i.e. 1000)");
  if (!valid_cpuset(host.cpuset_cpus)) return fail("Invalid value {} for cpuset cpus", host.cpuset_cpus);
  if (!valid_cpuset(host.cpuset_mems)) return fail("Invalid value {} for cpuset mems", host.cpuset_mems);
  if (host.blkio_weight > 0 && (host.blkio_weight < 10 || host.blkio_weight > 1000))
    return fail("Range of blkio weight is from 10 to 1000");
  if (host.oom_score_adj < -1000 || host.oom_score_adj > 1000)
    return fail("Invalid value {}, range for oom score adj is [-1000, 1000]", host.oom_score_adj);

  oci::Resources resources;
  oci::Memory memory;
  bool any_memory = false;
  if (host.memory > 0) {
    memory.limit = host.memory;
    any_memory = true;
  }
  if (host.memory_reservation > 0) {
    memory.reservation = host.memory_reservation;
    any_memory = true;
  }
  if (host.memory_swap == -1) {
    memory.swap = -1;
    any_memory = true;
  } else if (host.memory_swap > 0) {
    memory.swap = host.memory_swap;
    any_memory = true;
  } else if (host.memory > 0) {
    memory.swap = host.memory * 2;
    any_memory = true;  // Docker's default: as much swap as memory
  }
  if (host.memory_swappiness && *host.memory_swappiness != -1) {
    if (cgroup_v2) {
      warnings.push_back(
          "Your kernel does not support memory swappiness capabilities or the cgroup is not mounted. "
          "Memory swappiness discarded.");
    } else {
      memory.swappiness = static_cast<uint64_t>(*host.memory_swappiness);
      any_memory = true;
    }
  }
  if (host.oom_kill_disable && *host.oom_kill_disable) {
    if (cgroup_v2) {
      warnings.push_back("Your kernel does not support OomKillDisable. OomKillDisable discarded.");
    } else {
      memory.disable_oom_killer = true;
      any_memory = true;
    }
  }
  if (any_memory) resources.memory = memory;

  oci::Cpu cpu;
  bool any_cpu = false;
  if (host.cpu_shares > 0) {
    cpu.shares = static_cast<uint64_t>(host.cpu_shares);
    any_cpu = true;
  }
  if (host.nano_cpus > 0) {
    // Docker: a period of 100ms and the quota that gives NanoCpus / 1e9 CPUs.
    cpu.period = 100000;
    cpu.quota = host.nano_cpus * 100000 / 1000000000;
    any_cpu = true;
  }
  if (host.cpu_period > 0) {
    cpu.period = static_cast<uint64_t>(host.cpu_period);
    any_cpu = true;
  }
  if (host.cpu_quota != 0) {
    cpu.quota = host.cpu_quota;
    any_cpu = true;
  }
  if (host.cpu_realtime_period > 0) {
    cpu.realtime_period = static_cast<uint64_t>(host.cpu_realtime_period);
    any_cpu = true;
  }
  if (host.cpu_realtime_runtime != 0) {
    cpu.realtime_runtime = host.cpu_realtime_runtime;
    any_cpu = true;
  }
  if (!host.cpuset_cpus.empty()) {
    cpu.cpus = host.cpuset_cpus;
    any_cpu = true;
  }
  if (!host.cpuset_mems.empty()) {
    cpu.mems = host.cpuset_mems;
    any_cpu = true;
  }
  if (any_cpu) resources.cpu = cpu;

  // PidsLimit 0 or negative means unlimited: a new cgroup has no limit to lift.
  if (host.pids_limit && *host.pids_limit > 0) resources.pids = oci::Pids{*host.pids_limit};
  if (host.blkio_weight > 0) {
    oci::BlockIo io;
    io.weight = host.blkio_weight;
    resources.block_io = io;
  }
  return resources;
}

Result<std::vector<oci::Rlimit>> container_rlimits(const std::vector<Ulimit>& ulimits, uint64_t host_nofile_hard) {
  std::vector<oci::Rlimit> rlimits;
  for (auto& limit : ulimits) {
    auto name = kUlimitNames.find(limit.name);
    if (name == kUlimitNames.end()) return fail("invalid ulimit type: {}", limit.name);
    BERTH_ASSIGN(uint64_t soft, rlimit_value(limit, limit.soft));
    BERTH_ASSIGN(uint64_t hard, rlimit_value(limit, limit.hard));
    if (soft > hard)
      return fail("ulimit {}: soft limit must be less than or equal to hard limit: {} > {}", limit.name, limit.soft,
                  limit.hard);
    if (limit.name == "nofile" && host_nofile_hard != 0 && hard > host_nofile_hard) {
      std::string shown =
          limit.soft == limit.hard ? std::to_string(limit.hard) : fmt::format("{}:{}", limit.soft, limit.hard);
      return fail("ulimit nofile={}: exceeds the hard limit {} of this host", shown, host_nofile_hard);
    }
    oci::Rlimit rlimit{std::string(name->second), hard, soft};
    // A later --ulimit of the same name replaces the earlier one.
    std::erase_if(rlimits, [&](const oci::Rlimit& r) { return r.type == rlimit.type; });
    rlimits.push_back(rlimit);
  }
  return rlimits;
}

Result<DeviceMapping> parse_device_mapping(std::string_view text) {
  auto parts = split(text, ':');
  DeviceMapping mapping{"", "", "rwm"};
  switch (parts.size()) {
    case 3:
      if (!valid_access(parts[2])) return fail("invalid device mode: {}", parts[2]);
      mapping.cgroup_permissions = parts[2];
      mapping.path_in_container = parts[1];
      break;
    case 2:
      if (valid_access(parts[1]))
        mapping.cgroup_permissions = parts[1];
      else
        mapping.path_in_container = parts[1];
      break;
    case 1:
      break;
    default:
      return fail("invalid device specification: {}", text);
  }
  mapping.path_on_host = parts[0];
  if (mapping.path_on_host.empty() || mapping.path_on_host[0] != '/')
    return fail("invalid device specification: {}: {} is not an absolute path", text, mapping.path_on_host);
  if (mapping.path_in_container.empty()) mapping.path_in_container = mapping.path_on_host;
  if (mapping.path_in_container[0] != '/')
    return fail("invalid device specification: {}: {} is not an absolute path", text, mapping.path_in_container);
  return mapping;
}

Result<oci::DeviceRule> parse_device_cgroup_rule(std::string_view text) {
  auto invalid = [&] { return fail("invalid device cgroup rule format: '{}'", text); };
  auto fields = split(text, ' ');
  if (fields.size() != 3 || fields[0].size() != 1) return invalid();
  oci::DeviceRule rule;
  rule.allow = true;
  rule.type = std::string(fields[0]);
  if (rule.type != "a" && rule.type != "b" && rule.type != "c") return invalid();
  auto numbers = split(fields[1], ':');
  if (numbers.size() != 2) return invalid();
  auto number = [](std::string_view part, std::optional<int64_t>& out) {
    if (part == "*") return true;
    auto value = parse_number(part);
    if (!value || *value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return false;
    out = static_cast<int64_t>(*value);
    return true;
  };
  if (!number(numbers[0], rule.major) || !number(numbers[1], rule.minor)) return invalid();
  if (!valid_access(fields[2])) return invalid();
  rule.access = std::string(fields[2]);
  return rule;
}

Result<oci::Device> stat_host_device(std::string_view host_path) {
  struct stat st {};
  std::string path(host_path);
  if (::stat(path.c_str(), &st) != 0) return fail_errno(errno, "stat {}", path);
  oci::Device device;
  if (S_ISCHR(st.st_mode))
    device.type = "c";
  else if (S_ISBLK(st.st_mode))
    device.type = "b";
  else
    return fail("not a device node");
  device.path = path;
  device.major = major(st.st_rdev);
  device.minor = minor(st.st_rdev);
  device.file_mode = st.st_mode & 07777;
  device.uid = st.st_uid;
  device.gid = st.st_gid;
  return device;
}

Result<std::vector<oci::Device>> list_host_devices(const std::string& dev_dir) {
  namespace fs = std::filesystem;
  static const std::set<std::string> skipped_dirs{"pts", "shm", "fd", "mqueue", ".lxc", ".lxd-mounts", ".udev"};
  std::vector<oci::Device> devices;
  std::error_code error;
  fs::recursive_directory_iterator it(dev_dir, fs::directory_options::none, error);
  if (error) return fail("list devices in {}: {}", dev_dir, error.message());
  for (; it != fs::recursive_directory_iterator(); it.increment(error)) {
    if (error) return fail("list devices in {}: {}", dev_dir, error.message());
    const auto& entry = *it;
    std::string name = entry.path().filename().string();
    struct stat st {};
    if (::lstat(entry.path().c_str(), &st) != 0) continue;  // gone since listed
    if (S_ISDIR(st.st_mode)) {
      if (it.depth() == 0 && skipped_dirs.count(name)) it.disable_recursion_pending();
      continue;
    }
    if (name == "console" || (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode))) continue;
    oci::Device device;
    device.type = S_ISCHR(st.st_mode) ? "c" : "b";
    device.path = "/dev/" + fs::relative(entry.path(), dev_dir).string();
    device.major = major(st.st_rdev);
    device.minor = minor(st.st_rdev);
    device.file_mode = st.st_mode & 07777;
    device.uid = st.st_uid;
    device.gid = st.st_gid;
    devices.push_back(std::move(device));
  }
  return devices;
}

namespace {

oci::DeviceRule rule(bool allow, const char* type, std::optional<int64_t> major, std::optional<int64_t> minor) {
  return {allow, type, major, minor, "rwm"};
}

}  // namespace

Result<ContainerDevices> container_devices(const HostConfig& host, const StatDevice& stat_device,
                                           const std::string& host_dev_dir) {
  ContainerDevices out;
  auto add_mapping = [&](const DeviceMapping& mapping, const std::string& access) -> Status {
    if (!valid_access(access)) return fail("invalid device mode: {}", access);
    auto device = stat_device(mapping.path_on_host);
    if (!device) {
      std::string why = device.error().errno_value ? std::strerror(device.error().errno_value) : device.error().message;
      for (auto& c : why) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return fail("error gathering device information while adding custom device \"{}\": {}", mapping.path_on_host,
                  why);
    }
    device->path = mapping.path_in_container.empty() ? mapping.path_on_host : mapping.path_in_container;
    out.rules.push_back({true, device->type, device->major, device->minor, access});
    out.nodes.push_back(std::move(*device));
    return {};
  };
  if (host.privileged) {
    BERTH_ASSIGN(out.nodes, list_host_devices(host_dev_dir));
    for (auto& mapping : host.devices) {
      if (mapping.path_in_container.empty() || mapping.path_in_container == mapping.path_on_host) continue;
      BERTH_TRY(add_mapping(mapping, "rwm"));
    }
    out.rules = {oci::DeviceRule{true, "", std::nullopt, std::nullopt, "rwm"}};
    return out;
  }
  out.rules = {
      oci::DeviceRule{false, "", std::nullopt, std::nullopt, "rwm"},
      rule(true, "c", 1, 5),      // /dev/zero
      rule(true, "c", 1, 3),      // /dev/null
      rule(true, "c", 1, 9),      // /dev/urandom
      rule(true, "c", 1, 8),      // /dev/random
      rule(true, "c", 5, 0),      // /dev/tty
      rule(true, "c", 5, 1),      // /dev/console
      rule(false, "c", 10, 229),  // /dev/fuse: denied unless asked for
  };
  for (auto& mapping : host.devices)
    BERTH_TRY(add_mapping(mapping, mapping.cgroup_permissions.empty() ? "rwm" : mapping.cgroup_permissions));
  for (auto& text : host.device_cgroup_rules) {
    BERTH_ASSIGN(oci::DeviceRule parsed, parse_device_cgroup_rule(text));
    out.rules.push_back(std::move(parsed));
  }
  return out;
}

}  // namespace berth
