#include "volume/local_driver_options.h"

#include <sys/mount.h>

#include <array>
#include <string_view>
#include <utility>

namespace berth::volume {

namespace {

struct MountFlag {
  std::string_view name;
  bool clear;  // the option clears the flag ("rw", "suid", …)
  unsigned long flag;
};

// The options mount(8) turns into flags, as Docker's mount.ParseOptions.
constexpr std::array<MountFlag, 22> kMountFlags = {{
    {"ro", false, MS_RDONLY},          {"rw", true, MS_RDONLY},
    {"nosuid", false, MS_NOSUID},      {"suid", true, MS_NOSUID},
    {"nodev", false, MS_NODEV},        {"dev", true, MS_NODEV},
    {"noexec", false, MS_NOEXEC},      {"exec", true, MS_NOEXEC},
    {"sync", false, MS_SYNCHRONOUS},   {"async", true, MS_SYNCHRONOUS},
    {"dirsync", false, MS_DIRSYNC},    {"mand", false, MS_MANDLOCK},
    {"nomand", true, MS_MANDLOCK},     {"noatime", false, MS_NOATIME},
    {"atime", true, MS_NOATIME},       {"nodiratime", false, MS_NODIRATIME},
    {"diratime", true, MS_NODIRATIME}, {"relatime", false, MS_RELATIME},
    {"norelatime", true, MS_RELATIME}, {"strictatime", false, MS_STRICTATIME},
    {"bind", false, MS_BIND},          {"rbind", false, MS_BIND | MS_REC},
}};

Status check_mandatory(const DriverOptions& options) {
  // Docker's mandatoryOpts, checked in a fixed order here (Go walks a map).
  static const std::array<std::pair<const char*, std::array<const char*, 2>>, 3> kNeeds = {{
      {"device", {"type", nullptr}},
      {"type", {"device", nullptr}},
      {"o", {"device", "type"}},
  }};
  for (const auto& [option, needed] : kNeeds) {
    if (!options.contains(option)) continue;
    for (const char* other : needed)
      if (other && !options.contains(other)) return fail("missing required option: \"{}\"", other);
  }
  return {};
}

}  // namespace

Result<LocalMountSpec> parse_local_options(const DriverOptions& options) {
  for (const auto& [key, value] : options)
    if (key != "type" && key != "o" && key != "device" && key != "size") return fail("invalid option: \"{}\"", key);
  if (options.contains("size")) return fail("quota size requested but no quota support");
  BERTH_TRY(check_mandatory(options));
  LocalMountSpec spec;
  if (options.empty()) return spec;

  spec.type = options.at("type");
  spec.device = options.at("device");
  if (spec.type.empty()) return fail("invalid option: type must not be empty");
  if (spec.device.empty()) return fail("invalid option: device must not be empty");
  std::string o = options.contains("o") ? options.at("o") : "";
  size_t start = 0;
  while (start <= o.size()) {
    size_t comma = o.find(',', start);
    if (comma == std::string::npos) comma = o.size();
    std::string_view word = std::string_view(o).substr(start, comma - start);
    start = comma + 1;
    if (word.empty()) continue;
    if (word == "remount") return fail("invalid option: o=remount is not supported for a volume");
    bool known = false;
    for (const MountFlag& flag : kMountFlags) {
      if (flag.name != word) continue;
      known = true;
      if (flag.clear)
        spec.flags &= ~flag.flag;
      else
        spec.flags |= flag.flag;
    }
    if (!known) spec.data += (spec.data.empty() ? "" : ",") + std::string(word);
  }
  spec.read_only = (spec.flags & MS_RDONLY) != 0;
  if (spec.flags & MS_BIND) {
    if (!spec.device.starts_with('/'))
      return fail("invalid option: a bind volume's device must be an absolute path, not \"{}\"", spec.device);
    spec.kind = LocalVolumeKind::bind;
    return spec;
  }
  if (spec.type == "none") return fail("invalid option: type=none needs o=bind (or rbind)");
  spec.kind = LocalVolumeKind::mount;
  return spec;
}

}  // namespace berth::volume
