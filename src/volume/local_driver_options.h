// Docker's `local` volume driver options (-o type=… -o device=… -o o=…):
// which are accepted, which need which (Docker's wording), and what a volume
// with them is when a container uses it. What Berth does with each kind:
//   no options        the data lives in <root>/volumes/<name>/_data.
//   type=none, o=bind (or rbind), device=/abs/path
//                     the container gets /abs/path itself bound in; nothing is
//                     mounted on the host, so nothing can leak a mount (Docker
//                     bind-mounts it on _data first; the container sees the
//                     same directory either way). "ro" in o makes it read-only.
//   any other type (tmpfs, ext4, nfs…)
//                     device is mounted on _data with type and o when the first
//                     container uses the volume, and unmounted when the last
//                     reference to it goes (container removal) or the volume
//                     is removed. A tmpfs volume's data therefore lives as
//                     long as some container refers to it.
#pragma once

#include <map>
#include <string>

#include "base/result.h"

namespace berth::volume {

using DriverOptions = std::map<std::string, std::string>;

enum class LocalVolumeKind { directory, bind, mount };

struct LocalMountSpec {
  LocalVolumeKind kind = LocalVolumeKind::directory;
  std::string type, device;
  unsigned long flags = 0;  // MS_* from o
  std::string data;         // the rest of o, for the filesystem
  bool read_only = false;   // "ro" in o
};

// Docker's validateOpts: only type, o, device and size; "missing required
// option" when device/type/o come without their partners. size (a quota)
// is refused: Berth has no quota support yet, as Docker without it says
// "quota size requested but no quota support". Berth also refuses what it
// could not mount later: an empty type or device, a relative bind device,
// a bind without o=bind, "remount" in o.
Result<LocalMountSpec> parse_local_options(const DriverOptions& options);

}  // namespace berth::volume
