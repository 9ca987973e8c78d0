// The network flags of `berth run/create` in docker's grammar and words:
// -p/--publish (go-connections' nat.ParsePortSpec), --expose, --add-host,
// --dns-search, --link, --network and --mac-address. Nothing here touches
// the network; the engine acts on the result.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "engine/container_config.h"

namespace berth::cli {

struct PublishedPorts {
  std::set<std::string> exposed;                             // "80/tcp"
  std::map<std::string, std::vector<PortBinding>> bindings;  // "80/tcp" → [{host_ip, host_port}]
};
// -p values, "[ip:][hostPort:]containerPort[/proto]" with ranges, or
// "published=8080,target=80,protocol=udp". Errors: "invalid proto: foo",
// "invalid containerPort: x", "invalid hostPort: x", "no port specified: 1:<empty>", …
Result<PublishedPorts> parse_publish_flags(const std::vector<std::string>& values);

// --expose "80", "80/udp", "8000-8010/tcp", added to `exposed`.
Status add_expose_flag(std::string_view value, std::set<std::string>& exposed);

// opts.ValidateExtraHost: "host:ip" or "host=ip", ip may be [v6] or
// host-gateway; returns "host:ip". Error: `bad format for add-host: "x"`.
Result<std::string> validate_extra_host(std::string_view value);
// opts.ValidateDNSSearch: "." or a domain; returns it without a trailing dot.
Result<std::string> validate_dns_search(std::string_view value);
// opts.ValidateLink: "name" or "name:alias".
Status validate_link(std::string_view value);
// net.ParseMAC for the usual forms: 01:23:45:67:89:ab, 01-23-45-67-89-ab, 0123.4567.89ab.
bool valid_mac_address(std::string_view value);

// One --network value: a name/mode ("bridge", "host", "none",
// "container:NAME", a network name) or docker's advanced form
// "name=NET,alias=A,ip=…,ip6=…,mac-address=…".
struct NetworkAttachment {
  std::string target;
  std::vector<std::string> aliases;
  std::string ipv4_address, ipv6_address, mac_address;
};
Result<NetworkAttachment> parse_network_flag(std::string_view value);

}  // namespace berth::cli
