// Detects the host's cgroup layout (v1, v2, hybrid) and validates cgroupsPath.
#include "runtime/cgroup_layout.h"

#include <linux/magic.h>
#include <sys/vfs.h>

#include <algorithm>
#include <vector>

#include "base/file_io.h"

namespace berth::runtime {

namespace {

constexpr const char* kCgroupRoot = "/sys/fs/cgroup";

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t pos = 0;
  for (;;) {
    size_t next = text.find(separator, pos);
    if (next == std::string_view::npos) {
      parts.push_back(text.substr(pos));
      return parts;
    }
    parts.push_back(text.substr(pos, next - pos));
    pos = next + 1;
  }
}

// mountinfo escapes spaces and the like as \040 (octal).
std::string unescape(std::string_view field) {
  std::string out;
  out.reserve(field.size());
  for (size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size()) {
      int value = 0;
      bool octal = true;
      for (size_t k = 1; k <= 3; ++k) {
        char c = field[i + k];
        if (c < '0' || c > '7') octal = false;
        value = value * 8 + (c - '0');
      }
      if (octal) {
        out += static_cast<char>(value);
        i += 3;
        continue;
      }
    }
    out += field[i];
  }
  return out;
}

}  // namespace

std::string_view layout_kind_name(CgroupLayoutKind kind) {
  switch (kind) {
    case CgroupLayoutKind::v1:
      return "v1";
    case CgroupLayoutKind::v2:
      return "v2";
    case CgroupLayoutKind::hybrid:
      return "hybrid";
  }
  return "v2";
}

CgroupLayout parse_cgroup_mounts(std::string_view mountinfo, bool root_is_cgroup2) {
  CgroupLayout layout;
  if (root_is_cgroup2) {
    layout.kind = CgroupLayoutKind::v2;
    layout.unified_mount = kCgroupRoot;
    return layout;
  }
  for (std::string_view line : split(mountinfo, '\n')) {
    // id parent major:minor root mountpoint options [optional...] - fstype source superoptions
    size_t dash = line.find(" - ");
    if (dash == std::string_view::npos) continue;
    auto fields = split(line.substr(0, dash), ' ');
    auto tail = split(line.substr(dash + 3), ' ');
    if (fields.size() < 5 || tail.size() < 3) continue;
    std::string_view fstype = tail[0];
    if (fstype == "cgroup2") {
      // The first cgroup2 mount wins (containers may bind it again elsewhere).
      if (layout.unified_mount.empty()) layout.unified_mount = unescape(fields[4]);
      continue;
    }
    if (fstype != "cgroup") continue;
    std::string mountpoint = unescape(fields[4]);
    for (std::string_view option : split(tail[2], ',')) {
      if (option == "rw" || option == "ro" || option.starts_with("name=") || option.starts_with("release_agent=") ||
          option == "clone_children" || option == "noprefix" || option == "xattr" || option == "cpuset_v2_mode" ||
          option == "favordynmods" || option.empty())
        continue;
      layout.v1_mounts.try_emplace(std::string(option), mountpoint);
    }
  }
  if (layout.v1_mounts.empty() && !layout.unified_mount.empty()) {
    layout.kind = CgroupLayoutKind::v2;
  } else {
    layout.kind = layout.unified_mount.empty() ? CgroupLayoutKind::v1 : CgroupLayoutKind::hybrid;
  }
  return layout;
}

Result<CgroupLayout> detect_cgroup_layout() {
  struct statfs fs {};
  if (::statfs(kCgroupRoot, &fs) != 0) return fail_errno(errno, "statfs {}", kCgroupRoot);
  // Pure v2: no need to read mountinfo at all.
  if (fs.f_type == CGROUP2_SUPER_MAGIC) return parse_cgroup_mounts({}, true);
  BERTH_ASSIGN(std::string mountinfo, read_file("/proc/self/mountinfo"));
  CgroupLayout layout = parse_cgroup_mounts(mountinfo, false);
  if (layout.v1_mounts.empty() && layout.unified_mount.empty())
    return fail("no cgroup file system is mounted (looked in /proc/self/mountinfo)");
  return layout;
}

Result<std::string> validate_cgroups_path(const std::string& cgroups_path, const std::string& container_id) {
  if (cgroups_path.empty()) {
    if (container_id.empty() || container_id.find('/') != std::string::npos || container_id == "." ||
        container_id == "..")
      return fail("cannot derive a cgroup path from container id \"{}\"", container_id);
    return "/berth/" + container_id;
  }
  if (cgroups_path.front() != '/' && std::count(cgroups_path.begin(), cgroups_path.end(), ':') == 2)
    return fail(
        "cgroupsPath \"{}\": the systemd form \"slice:prefix:name\" needs the systemd cgroup driver, which is not "
        "supported; use a path such as \"/berth/{}\"",
        cgroups_path, container_id.empty() ? "name" : container_id);
  std::string cleaned;
  for (std::string_view part : split(cgroups_path, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == "..") return fail("cgroupsPath \"{}\": \"..\" is not allowed", cgroups_path);
    cleaned += '/';
    cleaned += part;
  }
  if (cleaned.empty()) return fail("cgroupsPath \"{}\": must name a cgroup below the root", cgroups_path);
  // Keep relative paths recognisable: the caller joins them to its own cgroup.
  if (cgroups_path.front() != '/') return cleaned.substr(1);
  return cleaned;
}

bool cgroups_path_is_relative(const std::string& validated) { return validated.empty() || validated.front() != '/'; }

std::string own_cgroup(std::string_view proc_self_cgroup, std::string_view controller) {
  for (std::string_view line : split(proc_self_cgroup, '\n')) {
    auto fields = split(line, ':');
    if (fields.size() < 3) continue;
    // The path may itself contain ':'; rejoin everything after the second one.
    std::string_view path = line.substr(fields[0].size() + fields[1].size() + 2);
    if (controller.empty()) {
      if (fields[0] == "0" && fields[1].empty()) return std::string(path);
      continue;
    }
    for (std::string_view name : split(fields[1], ','))
      if (name == controller) return std::string(path);
  }
  return "/";
}

}  // namespace berth::runtime
