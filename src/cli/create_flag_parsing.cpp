// Stage 1 of converting `berth run/create` flags: the values docker's flag
// parser (pflag and docker's opts types) rejects as it reads each flag.
#include <fmt/format.h>

#include <map>
#include <regex>
#include <set>
#include <tuple>

#include "cli/create_flag_steps.h"
#include "cli/flag_values.h"
#include "cli/mount_flag_values.h"
#include "cli/network_flags.h"

namespace berth::cli::create_flags_detail {

using Kind = CreateFlagsError::Kind;

namespace {

// pflag names a flag "-m, --memory" when it has a shorthand.
std::string flag_display(std::string_view name) {
  static const std::map<std::string_view, char> shorthands = {
      {"attach", 'a'},      {"cpu-shares", 'c'}, {"detach", 'd'}, {"env", 'e'},     {"hostname", 'h'},
      {"interactive", 'i'}, {"label", 'l'},      {"memory", 'm'}, {"publish", 'p'}, {"publish-all", 'P'},
      {"quiet", 'q'},       {"tty", 't'},        {"user", 'u'},   {"volume", 'v'},  {"workdir", 'w'}};
  auto found = shorthands.find(name);
  return found == shorthands.end() ? fmt::format("--{}", name) : fmt::format("-{}, --{}", found->second, name);
}

}  // namespace

std::unexpected<CreateFlagsError> value_error(std::string_view flag, std::string_view value, std::string_view why) {
  return std::unexpected(CreateFlagsError{
      Kind::flag_value,
      fmt::format("invalid argument {} for {} flag: {}", go_quote(value), go_quote(flag_display(flag)), why)});
}

std::unexpected<CreateFlagsError> config_error(std::string message) {
  return std::unexpected(CreateFlagsError{Kind::config, std::move(message)});
}

std::pair<std::string, std::string> split_key_value(std::string_view text) {
  const size_t equals = text.find('=');
  if (equals == std::string_view::npos) return {std::string(text), ""};
  return {std::string(text.substr(0, equals)), std::string(text.substr(equals + 1))};
}

namespace {

// --blkio-weight-device and --device-{read,write}-{bps,iops} (docker's
// ValidateWeightDevice and ValidateThrottle*Device), as the JSON arrays
// HostConfig keeps verbatim.
Step check_block_io_devices(CreateFlags& flags) {
  auto device_and_value =
      [](std::string_view flag,
         const std::string& text) -> std::expected<std::pair<std::string, std::string>, CreateFlagsError> {
    const size_t colon = text.find(':');
    if (colon == std::string::npos || colon == 0) return value_error(flag, text, fmt::format("bad format: {}", text));
    if (!text.starts_with("/dev/")) return value_error(flag, text, fmt::format("bad format for device path: {}", text));
    return std::pair{text.substr(0, colon), text.substr(colon + 1)};
  };
  auto decimal = [](const std::string& digits) -> std::optional<uint64_t> {
    if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    auto parsed = parse_go_uint(digits.substr(std::min(digits.find_first_not_of('0'), digits.size() - 1)));
    return parsed ? std::optional<uint64_t>(*parsed) : std::nullopt;
  };
  const CreateFlags::Raw& raw = flags.raw;
  if (!raw.blkio_weight_devices.empty()) flags.host.blkio_weight_device = nlohmann::json::array();
  for (const std::string& text : raw.blkio_weight_devices) {
    auto parts = device_and_value("blkio-weight-device", text);
    if (!parts) return std::unexpected(parts.error());
    auto weight = decimal(parts->second);
    if (!weight || *weight > 1000 || (*weight > 0 && *weight < 10))
      return value_error("blkio-weight-device", text, fmt::format("invalid weight for device: {}", text));
    flags.host.blkio_weight_device.push_back({{"Path", parts->first}, {"Weight", *weight}});
  }
  for (auto [flag, values, target] :
       {std::tuple{"device-read-bps", &raw.device_read_bps, &flags.host.blkio_device_read_bps},
        std::tuple{"device-write-bps", &raw.device_write_bps, &flags.host.blkio_device_write_bps},
        std::tuple{"device-read-iops", &raw.device_read_iops, &flags.host.blkio_device_read_iops},
        std::tuple{"device-write-iops", &raw.device_write_iops, &flags.host.blkio_device_write_iops}}) {
    const bool bytes = std::string_view(flag).ends_with("bps");
    if (!values->empty()) *target = nlohmann::json::array();
    for (const std::string& text : *values) {
      auto parts = device_and_value(flag, text);
      if (!parts) return std::unexpected(parts.error());
      std::optional<uint64_t> rate;
      if (bytes) {
        if (auto size = ram_in_bytes(parts->second); size && *size >= 0) rate = static_cast<uint64_t>(*size);
      } else {
        rate = decimal(parts->second);
      }
      if (!rate)
        return value_error(flag, text,
                           bytes ? fmt::format("invalid rate for device: {}. The correct format is "
                                               "<device-path>:<number>[<unit>]. Number must be a positive integer. "
                                               "Unit is optional and can be kb, mb, or gb",
                                               text)
                                 : fmt::format("invalid rate for device: {}. The correct format is "
                                               "<device-path>:<number>. Number must be a positive integer",
                                               text));
      target->push_back({{"Path", parts->first}, {"Rate", *rate}});
    }
  }
  return {};
}

}  // namespace

Step check_listed_values(CreateFlags& flags) {
  CreateFlags::Raw& raw = flags.raw;
  for (std::string& stream : raw.attach) {
    std::string lower;
    for (char c : stream) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower != "stdin" && lower != "stdout" && lower != "stderr")
      return value_error("attach", stream, "valid streams are STDIN, STDOUT and STDERR");
    stream = lower;
  }
  static const std::regex cgroup_rule(R"(^[acb] ([0-9]+|\*):([0-9]+|\*) [rwm]{1,3}$)");
  for (const std::string& rule : raw.device_cgroup_rules)
    if (rule.size() > 256 || !std::regex_match(rule, cgroup_rule))
      return value_error("device-cgroup-rule", rule, fmt::format("invalid device cgroup format '{}'", rule));
  for (const std::string& variable : raw.env)
    if (variable.empty() || variable[0] == '=')
      return value_error("env", variable, "invalid environment variable: " + variable);
  for (const std::string& label : raw.labels) {
    std::string_view key = std::string_view(label).substr(0, label.find('='));
    key.remove_prefix(std::min(key.find_first_not_of(" \t"), key.size()));
    if (key.empty()) return value_error("label", label, fmt::format("invalid label '{}': empty name", label));
    if (key.find_first_of(" \t") != std::string_view::npos)
      return value_error("label", label, fmt::format("label '{}' contains whitespaces", key));
  }
  for (const std::string& sysctl : raw.sysctls) {
    const std::string key = split_key_value(sysctl).first;
    static const std::set<std::string_view> allowed = {"kernel.msgmax", "kernel.msgmnb",         "kernel.msgmni",
                                                       "kernel.sem",    "kernel.shmall",         "kernel.shmmax",
                                                       "kernel.shmmni", "kernel.shm_rmid_forced"};
    if (sysctl.find('=') == std::string::npos || key.empty() ||
        !(allowed.contains(key) || key.starts_with("net.") || key.starts_with("fs.mqueue.")))
      return value_error("sysctl", sysctl, fmt::format("sysctl '{}' is not allowed", sysctl));
    flags.host.sysctls[key] = split_key_value(sysctl).second;
  }
  for (const std::string& text : raw.ulimits) {
    auto ulimit = flag_value("ulimit", text, parse_ulimit(text));
    if (!ulimit) return std::unexpected(ulimit.error());
    std::erase_if(flags.host.ulimits, [&](const Ulimit& u) { return u.name == ulimit->name; });
    flags.host.ulimits.push_back(*ulimit);
  }
  for (const std::string& server : raw.dns) {
    const size_t first = server.find_first_not_of(" \t\n\r\v\f");
    const size_t last = server.find_last_not_of(" \t\n\r\v\f");
    auto ip = canonical_ip(first == std::string::npos ? "" : std::string_view(server).substr(first, last - first + 1));
    if (!ip) return value_error("dns", server, "IP address is not correctly formatted: " + server);
    flags.host.dns.push_back(*ip);
  }
  for (const std::string& domain : raw.dns_search) {
    auto checked = flag_value("dns-search", domain, validate_dns_search(domain));
    if (!checked) return std::unexpected(checked.error());
    flags.host.dns_search.push_back(*checked);
  }
  for (const std::string& host : raw.add_hosts) {
    auto checked = flag_value("add-host", host, validate_extra_host(host));
    if (!checked) return std::unexpected(checked.error());
    flags.host.extra_hosts.push_back(*checked);
  }
  for (const std::string& link : raw.links) {
    if (auto checked = validate_link(link); !checked) return value_error("link", link, checked.error().message);
    flags.host.links.push_back(link);
  }
  CREATE_TRY(check_block_io_devices(flags));
  for (const std::string& network : raw.networks) {
    auto attachment = flag_value("network", network, parse_network_flag(network));
    if (!attachment) return std::unexpected(attachment.error());
    flags.networks.push_back(attachment->target);
    if (flags.networks.size() == 1) {  // the first network's endpoint settings
      flags.network_aliases.insert(flags.network_aliases.end(), attachment->aliases.begin(), attachment->aliases.end());
      if (!attachment->ipv4_address.empty()) flags.ipv4_address = attachment->ipv4_address;
      if (!attachment->ipv6_address.empty()) flags.ipv6_address = attachment->ipv6_address;
      if (!attachment->mac_address.empty()) flags.mac_address = attachment->mac_address;
    }
  }
  return {};
}

std::expected<TypedValues, CreateFlagsError> check_typed_values(CreateFlags& flags) {
  const CreateFlags::Raw& raw = flags.raw;
  TypedValues typed;
  auto size = [](std::string_view flag, const std::string& text, int64_t& out) -> Step {
    if (text.empty()) return {};
    auto parsed = flag_value(flag, text, ram_in_bytes(text));
    if (!parsed) return std::unexpected(parsed.error());
    out = *parsed;
    return {};
  };
  CREATE_TRY(size("memory", raw.memory, typed.memory));
  CREATE_TRY(size("memory-reservation", raw.memory_reservation, typed.memory_reservation));
  CREATE_TRY(size("shm-size", raw.shm_size, typed.shm_size));
  if (raw.memory_swap == "-1")
    typed.memory_swap = -1;
  else
    CREATE_TRY(size("memory-swap", raw.memory_swap, typed.memory_swap));
  if (!raw.cpus.empty()) {
    auto cpus = flag_value("cpus", raw.cpus, parse_nano_cpus(raw.cpus));
    if (!cpus) return std::unexpected(cpus.error());
    typed.nano_cpus = *cpus;
  }
  for (const std::string& text : raw.mounts) {
    auto mount = flag_value("mount", text, parse_mount_flag(text, ""));
    if (!mount) return std::unexpected(mount.error());
  }
  auto duration = [](std::string_view flag, const std::string& text, int64_t& out) -> Step {
    auto parsed = flag_value(flag, text, parse_go_duration(text));
    if (!parsed) return std::unexpected(parsed.error());
    out = *parsed;
    return {};
  };
  CREATE_TRY(duration("health-interval", raw.health_interval, typed.health_interval));
  CREATE_TRY(duration("health-timeout", raw.health_timeout, typed.health_timeout));
  CREATE_TRY(duration("health-start-period", raw.health_start_period, typed.health_start_period));
  CREATE_TRY(duration("health-start-interval", raw.health_start_interval, typed.health_start_interval));
  auto integer = [](std::string_view flag, const std::string& text, int bits, int64_t& out) -> Step {
    auto parsed = flag_value(flag, text, parse_go_int(text, bits));
    if (!parsed) return std::unexpected(parsed.error());
    out = *parsed;
    return {};
  };
  CREATE_TRY(integer("cpu-shares", raw.cpu_shares, 64, typed.cpu_shares));
  CREATE_TRY(integer("cpu-period", raw.cpu_period, 64, typed.cpu_period));
  CREATE_TRY(integer("cpu-quota", raw.cpu_quota, 64, typed.cpu_quota));
  CREATE_TRY(integer("cpu-rt-period", raw.cpu_rt_period, 64, typed.cpu_rt_period));
  CREATE_TRY(integer("cpu-rt-runtime", raw.cpu_rt_runtime, 64, typed.cpu_rt_runtime));
  CREATE_TRY(integer("memory-swappiness", raw.memory_swappiness, 64, typed.memory_swappiness));
  CREATE_TRY(integer("oom-score-adj", raw.oom_score_adj, 64, typed.oom_score_adj));
  CREATE_TRY(integer("pids-limit", raw.pids_limit, 64, typed.pids_limit));
  CREATE_TRY(integer("health-retries", raw.health_retries, 64, typed.health_retries));
  if (raw.stop_timeout) {
    int64_t seconds = 0;
    CREATE_TRY(integer("stop-timeout", *raw.stop_timeout, 32, seconds));
    typed.stop_timeout = seconds;
  }
  auto weight = flag_value("blkio-weight", raw.blkio_weight, parse_go_uint(raw.blkio_weight, 16));
  if (!weight) return std::unexpected(weight.error());
  typed.blkio_weight = static_cast<int64_t>(*weight);
  for (auto [flag, text, out] :
       {std::tuple{"ip", &raw.ip, &flags.ipv4_address}, std::tuple{"ip6", &raw.ip6, &flags.ipv6_address}}) {
    if (!*text) continue;
    const size_t first = (*text)->find_first_not_of(" \t\n\r");
    const size_t last = (*text)->find_last_not_of(" \t\n\r");
    auto ip = canonical_ip(first == std::string::npos ? "" : (*text)->substr(first, last - first + 1));
    if (!ip) return value_error(flag, **text, "invalid string being converted to IP address: " + **text);
    *out = *ip;
  }
  return typed;
}

}  // namespace berth::cli::create_flags_detail
