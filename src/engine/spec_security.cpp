#include "engine/spec_security.h"

#include <sys/prctl.h>

#include <algorithm>

#include "runtime/process_setup.h"

namespace berth {

namespace {

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

Result<std::vector<std::string>> normalize(const std::vector<std::string>& names) {
  std::vector<std::string> out;
  for (auto name : names) {
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::toupper(c); });
    if (name != "ALL" && !name.starts_with("CAP_")) name = "CAP_" + name;
    if (name != "ALL" && !contains(all_capabilities(), name)) return fail("unknown capability: \"{}\"", name);
    if (!contains(out, name)) out.push_back(name);
  }
  return out;
}

bool is_ipc_sysctl(const std::string& name) {
  return name.starts_with("kernel.msg") || name == "kernel.sem" || name.starts_with("kernel.shm") ||
         name.starts_with("fs.mqueue.");
}

}  // namespace

const std::vector<std::string>& default_capabilities() {
  static const std::vector<std::string> caps{
      "CAP_CHOWN",   "CAP_DAC_OVERRIDE", "CAP_FSETID",           "CAP_FOWNER",
      "CAP_MKNOD",   "CAP_NET_RAW",      "CAP_SETGID",           "CAP_SETUID",
      "CAP_SETFCAP", "CAP_SETPCAP",      "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT",
      "CAP_KILL",    "CAP_AUDIT_WRITE",
  };
  return caps;
}

const std::vector<std::string>& all_capabilities() {
  // The runtime's table, in kernel numbering order.
  static const std::vector<std::string> caps(runtime::kCapabilityNames.begin(), runtime::kCapabilityNames.end());
  return caps;
}

const std::vector<std::string>& available_capabilities() {
  // Our bounding set does not change while we run: read it once.
  static const std::vector<std::string> caps = [] {
    std::vector<std::string> held;
    const auto& names = all_capabilities();
    for (size_t cap = 0; cap < names.size(); ++cap)
      if (::prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 1) held.push_back(names[cap]);
    return held;
  }();
  return caps;
}

Result<std::vector<std::string>> container_capabilities(const HostConfig& host) {
  // Names are checked even when privileged ignores them: a typo is still a typo.
  BERTH_ASSIGN(auto add, normalize(host.cap_add));
  BERTH_ASSIGN(auto drop, normalize(host.cap_drop));
  if (host.privileged) return available_capabilities();
  std::vector<std::string> caps;
  if (contains(add, "ALL")) {
    for (auto& cap : available_capabilities())
      if (!contains(drop, cap)) caps.push_back(cap);
    return caps;
  }
  if (contains(drop, "ALL")) return add;
  for (auto& cap : default_capabilities())
    if (!contains(drop, cap)) caps.push_back(cap);
  for (auto& cap : add)
    if (!contains(caps, cap)) caps.push_back(cap);
  return caps;
}

Result<std::map<std::string, std::string>> container_sysctls(const HostConfig& host, bool own_network_namespace,
                                                             bool new_network, bool host_ipc) {
  std::map<std::string, std::string> sysctls;
  if (new_network) {
    // Docker's defaults: ping without CAP_NET_RAW, ports below 1024 without CAP_NET_BIND_SERVICE.
    sysctls["net.ipv4.ping_group_range"] = "0 2147483647";
    sysctls["net.ipv4.ip_unprivileged_port_start"] = "0";
  }
  for (auto& [name, value] : host.sysctls) {
    if (is_ipc_sysctl(name)) {
      if (host_ipc) return fail("sysctl \"{}\" is not allowed in the host's IPC namespace", name);
    } else if (name.starts_with("net.")) {
      if (!own_network_namespace) return fail("sysctl \"{}\" is not allowed in the host's network namespace", name);
    } else {
      return fail(
          "sysctl \"{}\" is not allowed: it is not namespaced (allowed: kernel.msg*, kernel.sem, kernel.shm*, "
          "fs.mqueue.*, net.*)",
          name);
    }
    sysctls[name] = value;
  }
  return sysctls;
}

}  // namespace berth
