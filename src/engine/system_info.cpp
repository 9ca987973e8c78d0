#include "engine/system_info.h"

#include <linux/magic.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "base/file_io.h"
#include "base/version.h"
#include "engine/host_facts.h"

namespace berth {

namespace {

// PRETTY_NAME of /etc/os-release, unquoted.
std::string operating_system() {
  auto text = read_file("/etc/os-release");
  if (!text) return "<unknown>";
  std::istringstream lines(*text);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.starts_with("PRETTY_NAME=")) continue;
    std::string value = line.substr(12);
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'')) value = value.substr(1, value.size() - 2);
    return value;
  }
  return "<unknown>";
}

std::string backing_filesystem(const std::filesystem::path& root) {
  struct statfs fs {};
  if (::statfs(root.c_str(), &fs) != 0) return "<unknown>";
  switch (fs.f_type) {
    case EXT4_SUPER_MAGIC: return "extfs";
    case XFS_SUPER_MAGIC: return "xfs";
    case BTRFS_SUPER_MAGIC: return "btrfs";
    case TMPFS_MAGIC: return "tmpfs";
    case OVERLAYFS_SUPER_MAGIC: return "overlayfs";
    default: return "<unknown>";
  }
}

}  // namespace

Result<nlohmann::ordered_json> system_info(ContainerService& containers, ImageService& images,
                                           const EngineOptions& options) {
  BERTH_ASSIGN(auto records, containers.list());
  int running = 0, paused = 0, stopped = 0;
  for (const auto& record : records) {
    if (record.state.status == ContainerStatus::paused) {
      ++paused;
    } else if (record.state.status == ContainerStatus::running || record.state.status == ContainerStatus::restarting) {
      ++running;
    } else {
      ++stopped;
    }
  }
  BERTH_ASSIGN(auto image_list, images.list());
  utsname name{};
  ::uname(&name);
  char hostname[256] = {};
  ::gethostname(hostname, sizeof hostname - 1);
  long cpus = ::sysconf(_SC_NPROCESSORS_ONLN);
  nlohmann::ordered_json info;
  info["Containers"] = records.size();
  info["ContainersRunning"] = running;
  info["ContainersPaused"] = paused;
  info["ContainersStopped"] = stopped;
  info["Images"] = image_list.size();
  info["Driver"] = "overlay2";
  info["DriverStatus"] = {{"Backing Filesystem", backing_filesystem(options.root)},
                          {"Supports d_type", "true"},
                          {"Using metacopy", "false"},
                          {"Native Overlay Diff", "true"}};
  info["Plugins"] = {{"Volume", {"local"}}, {"Network", {"host", "null"}}, {"Log", {"json-file", "none"}}};
  info["LoggingDriver"] = "json-file";
  info["CgroupDriver"] = "cgroupfs";
  // "1" on v1 and hybrid hosts (the controllers are v1 there).
  info["CgroupVersion"] = host_is_cgroup_v2() ? "2" : "1";
  info["KernelVersion"] = name.release;
  info["OperatingSystem"] = operating_system();
  info["OSType"] = "linux";
  info["Architecture"] = name.machine;
  info["NCPU"] = cpus > 0 ? cpus : 1;
  info["MemTotal"] = host_memory_bytes().value_or(0);
  info["DockerRootDir"] = options.root.string();
  info["Name"] = hostname;
  info["ServerVersion"] = kBerthVersion;
  info["Runtimes"] = {{"berth-runtime", {{"path", "berth-runtime"}}}};
  info["DefaultRuntime"] = "berth-runtime";
  info["SecurityOptions"] = {"name=seccomp,profile=builtin"};
  info["LiveRestoreEnabled"] = true;  // containers never depend on a daemon
  info["InsecureRegistries"] = options.insecure_registries;
  return info;
}

}  // namespace berth
