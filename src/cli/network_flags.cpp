#include "cli/network_flags.h"

#include <fmt/format.h>

#include <regex>

#include "cli/flag_values.h"

namespace berth::cli {

namespace {

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  for (size_t start = 0;;) {
    const size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

// nat.ParsePortRange: "80" or "8000-8010", each strconv.ParseUint(…, 10, 16).
Result<std::pair<uint64_t, uint64_t>> parse_port_range(std::string_view ports) {
  if (ports.empty()) return fail("empty string specified for ports");
  auto number = [](std::string_view text) -> Result<uint64_t> {
    if (text.starts_with('0') && text.size() > 1) {  // base 10 only: "010" is ten, as ParseUint(…, 10, …) reads it
      text.remove_prefix(std::min(text.find_first_not_of('0'), text.size() - 1));
    }
    return parse_go_uint(text, 16);
  };
  const size_t dash = ports.find('-');
  if (dash == std::string_view::npos) {
    BERTH_ASSIGN(uint64_t port, number(ports));
    return std::pair{port, port};
  }
  std::vector<std::string_view> parts = split(ports, '-');
  BERTH_ASSIGN(uint64_t start, number(parts[0]));
  BERTH_ASSIGN(uint64_t end, number(parts[1]));
  if (end < start) return fail("invalid range specified for port: {}", ports);
  return std::pair{start, end};
}

// nat.SplitProtoPort: "80/udp" → (udp, 80); no protocol is tcp.
std::pair<std::string, std::string> split_proto_port(std::string_view raw) {
  std::vector<std::string_view> parts = split(raw, '/');
  if (raw.empty() || parts[0].empty()) return {"", ""};
  if (parts.size() == 1) return {"tcp", std::string(raw)};
  if (parts[1].empty()) return {"tcp", std::string(parts[0])};
  return {std::string(parts[1]), std::string(parts[0])};
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// The "published=8080,target=80" form, rewritten as "8080:80/tcp".
Result<std::string> standard_publish_notation(std::string_view value) {
  if (value.find('=') == std::string_view::npos) return std::string(value);
  std::map<std::string, std::string> params{{"protocol", "tcp"}};
  for (std::string_view param : split(value, ',')) {
    const size_t equals = param.find('=');
    if (equals == std::string_view::npos || equals == 0)
      return fail("invalid publish opts format (should be name=value but got '{}')", param);
    params[std::string(param.substr(0, equals))] = std::string(param.substr(equals + 1));
  }
  return fmt::format("{}:{}/{}", params["published"], params["target"], params["protocol"]);
}

Status add_port_spec(std::string_view raw, PublishedPorts& ports) {
  // splitParts: the last field is the container port, the one before the
  // host port, anything before that the IP (which may hold colons).
  std::vector<std::string_view> parts = split(raw, ':');
  const size_t n = parts.size();
  std::string ip, host_port;
  if (n == 2) host_port = std::string(parts[0]);
  if (n >= 3) {
    host_port = std::string(parts[n - 2]);
    for (size_t i = 0; i + 2 < n; ++i) ip += (i ? ":" : "") + std::string(parts[i]);
  }
  auto [proto, container_port] = split_proto_port(parts[n - 1]);
  if (!ip.empty() && ip[0] == '[') {
    if (ip.back() != ']' || ip.size() < 2) return fail("invalid IP address {}: missing ']' in address", ip);
    ip = ip.substr(1, ip.size() - 2);
  }
  if (!ip.empty() && !canonical_ip(ip)) return fail("invalid IP address: {}", ip);
  if (container_port.empty()) return fail("no port specified: {}<empty>", raw);
  auto container_range = parse_port_range(container_port);
  if (!container_range) return fail("invalid containerPort: {}", container_port);
  std::pair<uint64_t, uint64_t> host_range{0, 0};
  if (!host_port.empty()) {
    auto parsed = parse_port_range(host_port);
    if (!parsed) return fail("invalid hostPort: {}", host_port);
    host_range = *parsed;
  }
  const auto [start, end] = *container_range;
  if (!host_port.empty() && end - start != host_range.second - host_range.first && end != start)
    return fail("invalid ranges specified for container and host Ports: {} and {}", container_port, host_port);
  const std::string protocol = lowercase(proto);
  if (protocol != "tcp" && protocol != "udp" && protocol != "sctp") return fail("invalid proto: {}", proto);
  for (uint64_t i = 0; i <= end - start; ++i) {
    std::string binding_port = host_port.empty() ? "" : std::to_string(host_range.first + i);
    // One container port and a host range: the range is where to pick from.
    if (start == end && host_range.first != host_range.second)
      binding_port = fmt::format("{}-{}", binding_port, host_range.second);
    const std::string key = fmt::format("{}/{}", start + i, protocol);
    ports.exposed.insert(key);
    ports.bindings[key].push_back(PortBinding{.host_ip = ip, .host_port = binding_port});
  }
  return {};
}

}  // namespace

Result<PublishedPorts> parse_publish_flags(const std::vector<std::string>& values) {
  PublishedPorts ports;
  for (const std::string& value : values) {
    BERTH_ASSIGN(std::string spec, standard_publish_notation(value));
    BERTH_TRY(add_port_spec(spec, ports));
  }
  return ports;
}

Status add_expose_flag(std::string_view value, std::set<std::string>& exposed) {
  auto [proto, port] = split_proto_port(value);
  if (port.find(':') != std::string::npos) return fail("invalid port format for --expose: {}", value);
  auto range = parse_port_range(port);
  if (!range) return fail("invalid range format for --expose: {}, error: {}", value, range.error().message);
  const std::string protocol = lowercase(proto);
  if (protocol != "tcp" && protocol != "udp" && protocol != "sctp")
    return fail("invalid range format for --expose: {}, error: invalid proto: {}", value, proto);
  for (uint64_t port_number = range->first; port_number <= range->second; ++port_number)
    exposed.insert(fmt::format("{}/{}", port_number, protocol));
  return {};
}

Result<std::string> validate_extra_host(std::string_view value) {
  size_t separator = value.find('=');
  if (separator == std::string_view::npos) separator = value.find(':');
  const std::string_view host = value.substr(0, separator);
  if (separator == std::string_view::npos || host.empty() || host.find(':') != std::string_view::npos)
    return fail("bad format for add-host: {}", go_quote(value));
  std::string_view ip = value.substr(separator + 1);
  if (ip != "host-gateway") {
    if (ip.size() > 2 && ip.front() == '[' && ip.back() == ']') ip = ip.substr(1, ip.size() - 2);
    if (!canonical_ip(ip)) return fail("invalid IP address in add-host: {}", go_quote(ip));
  }
  return fmt::format("{}:{}", host, ip);
}

Result<std::string> validate_dns_search(std::string_view value) {
  const size_t first = value.find_first_not_of(' ');
  const size_t last = value.find_last_not_of(' ');
  const std::string trimmed(first == std::string_view::npos ? "" : value.substr(first, last - first + 1));
  if (trimmed == ".") return trimmed;
  // opts.validateDomain, its regular expression kept as docker wrote it.
  static const std::regex domain(
      R"(^(:?(:?[a-zA-Z0-9]|(:?[a-zA-Z0-9][a-zA-Z0-9\-]*[a-zA-Z0-9]))(:?\.(:?[a-zA-Z0-9]|(:?[a-zA-Z0-9][a-zA-Z0-9\-]*[a-zA-Z0-9])))*)\.?\s*$)");
  const bool has_letter = std::any_of(trimmed.begin(), trimmed.end(),
                                      [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); });
  std::smatch match;
  // A long hostile value must not blow std::regex's recursion: domains are short.
  if (has_letter && trimmed.size() < 1024 && std::regex_search(trimmed, match, domain) && match[1].length() < 255)
    return match[1].str();
  return fail("{} is not a valid domain", trimmed);
}

Status validate_link(std::string_view value) {
  if (value.empty()) return fail("empty string specified for links");
  if (split(value, ':').size() > 2) return fail("bad format for links: {}", value);
  return {};
}

bool valid_mac_address(std::string_view value) {
  auto hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); };
  const size_t first = value.find_first_not_of(" \t\n\r");
  const size_t last = value.find_last_not_of(" \t\n\r");
  if (first == std::string_view::npos) return false;
  value = value.substr(first, last - first + 1);
  for (char separator : {':', '-'}) {  // 6 groups of 2
    std::vector<std::string_view> groups = split(value, separator);
    if (groups.size() == 6 && std::all_of(groups.begin(), groups.end(),
                                          [&](std::string_view g) { return g.size() == 2 && hex(g[0]) && hex(g[1]); }))
      return true;
  }
  std::vector<std::string_view> groups = split(value, '.');  // 3 groups of 4
  return groups.size() == 3 && std::all_of(groups.begin(), groups.end(), [&](std::string_view g) {
           return g.size() == 4 && std::all_of(g.begin(), g.end(), hex);
         });
}

Result<NetworkAttachment> parse_network_flag(std::string_view value) {
  NetworkAttachment attachment;
  if (value.find('=') == std::string_view::npos) {
    attachment.target = std::string(value);
  } else {
    BERTH_ASSIGN(std::vector<std::string> fields, read_csv_record(value));
    for (const std::string& field : fields) {
      const size_t equals = field.find('=');
      if (equals == std::string::npos) return fail("invalid field {} must be a key=value pair", field);
      const std::string key = lowercase(std::string_view(field).substr(0, equals));
      const std::string text = field.substr(equals + 1);
      if (key == "name")
        attachment.target = text;
      else if (key == "alias")
        attachment.aliases.push_back(text);
      else if (key == "ip")
        attachment.ipv4_address = text;
      else if (key == "ip6")
        attachment.ipv6_address = text;
      else if (key == "mac-address")
        attachment.mac_address = text;
      else
        return fail("invalid field key {}", key);
    }
    if (attachment.target.empty()) return fail("network name/id is not specified");
  }
  const size_t first = attachment.target.find_first_not_of(" \t\n\r");
  if (first == std::string::npos) return fail("no name set for network");
  if (attachment.target == "container:")
    return fail("invalid network mode: invalid container format container:<name|id>");
  return attachment;
}

}  // namespace berth::cli
