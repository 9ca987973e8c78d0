#include "cli/runtime/default_spec.h"

#include <unistd.h>

namespace berth::cli {

using nlohmann::json;

json default_spec(bool rootless) {
  json capabilities = json::array({"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"});
  json spec = {
      {"ociVersion", "1.0.2-dev"},
      {"process",
       {{"terminal", true},
        {"user", {{"uid", 0}, {"gid", 0}}},
        {"args", json::array({"sh"})},
        {"env", json::array({"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"})},
        {"cwd", "/"},
        {"capabilities",
         {{"bounding", capabilities},
          {"effective", capabilities},
          {"permitted", capabilities},
          {"ambient", capabilities}}},
        {"rlimits", json::array({{{"type", "RLIMIT_NOFILE"}, {"hard", 1024}, {"soft", 1024}}})},
        {"noNewPrivileges", true}}},
      {"root", {{"path", "rootfs"}, {"readonly", true}}},
      {"hostname", "berth"},
      {"mounts", json::array({
                     {{"destination", "/proc"}, {"type", "proc"}, {"source", "proc"}},
                     {{"destination", "/dev"},
                      {"type", "tmpfs"},
                      {"source", "tmpfs"},
                      {"options", {"nosuid", "strictatime", "mode=755", "size=65536k"}}},
                     {{"destination", "/dev/pts"},
                      {"type", "devpts"},
                      {"source", "devpts"},
                      {"options", {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}}},
                     {{"destination", "/dev/shm"},
                      {"type", "tmpfs"},
                      {"source", "shm"},
                      {"options", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}}},
                     {{"destination", "/dev/mqueue"},
                      {"type", "mqueue"},
                      {"source", "mqueue"},
                      {"options", {"nosuid", "noexec", "nodev"}}},
                     {{"destination", "/sys"},
                      {"type", "sysfs"},
                      {"source", "sysfs"},
                      {"options", {"nosuid", "noexec", "nodev", "ro"}}},
                     {{"destination", "/sys/fs/cgroup"},
                      {"type", "cgroup"},
                      {"source", "cgroup"},
                      {"options", {"nosuid", "noexec", "nodev", "relatime", "ro"}}},
                 })},
      {"linux",
       {{"resources", {{"devices", json::array({{{"allow", false}, {"access", "rwm"}}})}}},
        {"namespaces", json::array({{{"type", "pid"}},
                                    {{"type", "network"}},
                                    {{"type", "ipc"}},
                                    {{"type", "uts"}},
                                    {{"type", "mount"}},
                                    {{"type", "cgroup"}}})},
        {"maskedPaths",
         {"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
          "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi"}},
        {"readonlyPaths", {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"}}}},
  };
  if (rootless) {
    // As runc --rootless: a user namespace mapping the caller to root, no
    // network namespace, sysfs bound from the host, no device cgroup rules.
    auto& linux = spec["linux"];
    linux.erase("resources");
    json namespaces = json::array();
    for (auto& ns : linux["namespaces"])
      if (ns["type"] != "network") namespaces.push_back(ns);
    namespaces.push_back({{"type", "user"}});
    linux["namespaces"] = namespaces;
    linux["uidMappings"] = json::array({{{"containerID", 0}, {"hostID", ::getuid()}, {"size", 1}}});
    linux["gidMappings"] = json::array({{{"containerID", 0}, {"hostID", ::getgid()}, {"size", 1}}});
    json mounts = json::array();
    for (auto& mount : spec["mounts"]) {
      if (mount["destination"] == "/sys") {
        mounts.push_back({{"destination", "/sys"},
                          {"type", "none"},
                          {"source", "/sys"},
                          {"options", {"rbind", "nosuid", "noexec", "nodev", "ro"}}});
      } else if (mount["destination"] == "/dev/pts") {
        auto options = json::array();
        for (auto& option : mount["options"])
          if (option != "gid=5") options.push_back(option);
        mount["options"] = options;
        mounts.push_back(mount);
      } else if (mount["destination"] != "/sys/fs/cgroup") {
        mounts.push_back(mount);
      }
    }
    spec["mounts"] = mounts;
  }
  return spec;
}

}  // namespace berth::cli
