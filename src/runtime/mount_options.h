// Turns the strings of a config.json mount's "options" into what mount(2)
// and mount_setattr(2) take: MS_* flags, propagation changes applied after
// the mount, recursive MOUNT_ATTR_* changes, and the filesystem data string.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace berth::runtime {

struct MountOptions {
  unsigned long flags = 0;                 // MS_* to set (MS_RDONLY, MS_NOSUID, MS_BIND, MS_REC, ...)
  unsigned long cleared = 0;               // MS_* an option turned off explicitly ("rw", "suid", "dev", ...)
  std::vector<unsigned long> propagation;  // MS_SHARED|MS_REC etc., applied in order after the mount
  uint64_t recursive_set = 0;              // MOUNT_ATTR_* for mount_setattr(AT_RECURSIVE): "rro", "rnosuid", ...
  uint64_t recursive_clear = 0;
  bool tmpcopyup = false;  // tmpfs: copy the directory's previous content into it
  bool idmap = false;      // "idmap" / "ridmap": an id-mapped bind mount
  bool recursive_idmap = false;
  std::string data;  // options mount(2) does not know as flags: "size=65536k,mode=755"

  bool is_bind() const;
  bool has_recursive_attributes() const { return recursive_set != 0 || recursive_clear != 0; }
};

MountOptions parse_mount_options(std::span<const std::string> options);

// linux.rootfsPropagation: "shared", "rslave", ... → MS_SHARED, MS_SLAVE|MS_REC, ...
Result<unsigned long> parse_propagation(std::string_view name);

// The per-mount MS_* flags (ro, nosuid, nodev, noexec, atime family, nosymfollow)
// as MOUNT_ATTR_* bits, for mount_setattr on a bind mount.
uint64_t mount_attributes_from_flags(unsigned long ms_flags);

}  // namespace berth::runtime
