// Parsing of config.json mount options, following runc's tables so that a
// bundle behaves the same under both runtimes.
#include "runtime/mount_options.h"

#include <sys/mount.h>

#include <array>

namespace berth::runtime {

namespace {

struct FlagOption {
  std::string_view name;
  bool clear;
  unsigned long flag;
};

constexpr std::array kFlagOptions{
    FlagOption{"defaults", false, 0},
    FlagOption{"ro", false, MS_RDONLY},
    FlagOption{"rw", true, MS_RDONLY},
    FlagOption{"nosuid", false, MS_NOSUID},
    FlagOption{"suid", true, MS_NOSUID},
    FlagOption{"nodev", false, MS_NODEV},
    FlagOption{"dev", true, MS_NODEV},
    FlagOption{"noexec", false, MS_NOEXEC},
    FlagOption{"exec", true, MS_NOEXEC},
    FlagOption{"sync", false, MS_SYNCHRONOUS},
    FlagOption{"async", true, MS_SYNCHRONOUS},
    FlagOption{"dirsync", false, MS_DIRSYNC},
    FlagOption{"remount", false, MS_REMOUNT},
    FlagOption{"mand", false, MS_MANDLOCK},
    FlagOption{"nomand", true, MS_MANDLOCK},
    FlagOption{"noatime", false, MS_NOATIME},
    FlagOption{"atime", true, MS_NOATIME},
    FlagOption{"nodiratime", false, MS_NODIRATIME},
    FlagOption{"diratime", true, MS_NODIRATIME},
    FlagOption{"relatime", false, MS_RELATIME},
    FlagOption{"norelatime", true, MS_RELATIME},
    FlagOption{"strictatime", false, MS_STRICTATIME},
    FlagOption{"nostrictatime", true, MS_STRICTATIME},
    FlagOption{"lazytime", false, MS_LAZYTIME},
    FlagOption{"nolazytime", true, MS_LAZYTIME},
    FlagOption{"nosymfollow", false, MS_NOSYMFOLLOW},
    FlagOption{"symfollow", true, MS_NOSYMFOLLOW},
    FlagOption{"iversion", false, MS_I_VERSION},
    FlagOption{"noiversion", true, MS_I_VERSION},
    FlagOption{"silent", false, MS_SILENT},
    FlagOption{"loud", true, MS_SILENT},
    FlagOption{"bind", false, MS_BIND},
    FlagOption{"rbind", false, MS_BIND | MS_REC},
};

struct PropagationOption {
  std::string_view name;
  unsigned long flags;
};

constexpr std::array kPropagationOptions{
    PropagationOption{"private", MS_PRIVATE},       PropagationOption{"rprivate", MS_PRIVATE | MS_REC},
    PropagationOption{"shared", MS_SHARED},         PropagationOption{"rshared", MS_SHARED | MS_REC},
    PropagationOption{"slave", MS_SLAVE},           PropagationOption{"rslave", MS_SLAVE | MS_REC},
    PropagationOption{"unbindable", MS_UNBINDABLE}, PropagationOption{"runbindable", MS_UNBINDABLE | MS_REC},
};

struct AttributeOption {
  std::string_view name;
  bool clear;
  uint64_t attribute;
};

constexpr std::array kRecursiveOptions{
    AttributeOption{"rro", false, MOUNT_ATTR_RDONLY},
    AttributeOption{"rrw", true, MOUNT_ATTR_RDONLY},
    AttributeOption{"rnosuid", false, MOUNT_ATTR_NOSUID},
    AttributeOption{"rsuid", true, MOUNT_ATTR_NOSUID},
    AttributeOption{"rnodev", false, MOUNT_ATTR_NODEV},
    AttributeOption{"rdev", true, MOUNT_ATTR_NODEV},
    AttributeOption{"rnoexec", false, MOUNT_ATTR_NOEXEC},
    AttributeOption{"rexec", true, MOUNT_ATTR_NOEXEC},
    AttributeOption{"rnodiratime", false, MOUNT_ATTR_NODIRATIME},
    AttributeOption{"rdiratime", true, MOUNT_ATTR_NODIRATIME},
    AttributeOption{"rrelatime", false, MOUNT_ATTR_RELATIME},
    AttributeOption{"rnorelatime", true, MOUNT_ATTR_RELATIME},
    AttributeOption{"rnoatime", false, MOUNT_ATTR_NOATIME},
    AttributeOption{"ratime", true, MOUNT_ATTR_NOATIME},
    AttributeOption{"rstrictatime", false, MOUNT_ATTR_STRICTATIME},
    AttributeOption{"rnostrictatime", true, MOUNT_ATTR_STRICTATIME},
    AttributeOption{"rnosymfollow", false, MOUNT_ATTR_NOSYMFOLLOW},
    AttributeOption{"rsymfollow", true, MOUNT_ATTR_NOSYMFOLLOW},
};

bool is_atime_attribute(uint64_t attribute) {
  return attribute == MOUNT_ATTR_RELATIME || attribute == MOUNT_ATTR_NOATIME || attribute == MOUNT_ATTR_STRICTATIME;
}

}  // namespace

bool MountOptions::is_bind() const { return (flags & MS_BIND) != 0; }

MountOptions parse_mount_options(std::span<const std::string> options) {
  MountOptions parsed;
  for (const std::string& option : options) {
    bool known = false;
    for (const auto& entry : kFlagOptions) {
      if (entry.name != option) continue;
      if (entry.clear) {
        parsed.flags &= ~entry.flag;
        parsed.cleared |= entry.flag;
      } else {
        parsed.flags |= entry.flag;
        parsed.cleared &= ~entry.flag;
      }
      known = true;
      break;
    }
    if (known) continue;
    for (const auto& entry : kPropagationOptions) {
      if (entry.name != option) continue;
      parsed.propagation.push_back(entry.flags);
      known = true;
      break;
    }
    if (known) continue;
    for (const auto& entry : kRecursiveOptions) {
      if (entry.name != option) continue;
      if (is_atime_attribute(entry.attribute)) {
        // mount_setattr(2): an access-time change must clear the whole
        // MOUNT_ATTR__ATIME field; clearing one mode means "back to relatime".
        parsed.recursive_set &= ~static_cast<uint64_t>(MOUNT_ATTR__ATIME);
        parsed.recursive_clear |= MOUNT_ATTR__ATIME;
        if (!entry.clear) parsed.recursive_set |= entry.attribute;
      } else if (entry.clear) {
        parsed.recursive_set &= ~entry.attribute;
        parsed.recursive_clear |= entry.attribute;
      } else {
        parsed.recursive_set |= entry.attribute;
        parsed.recursive_clear &= ~entry.attribute;
      }
      known = true;
      break;
    }
    if (known) continue;
    if (option == "tmpcopyup") {
      parsed.tmpcopyup = true;
    } else if (option == "idmap") {
      parsed.idmap = true;
    } else if (option == "ridmap") {
      parsed.idmap = parsed.recursive_idmap = true;
    } else if (!option.empty()) {
      if (!parsed.data.empty()) parsed.data += ',';
      parsed.data += option;
    }
  }
  return parsed;
}

Result<unsigned long> parse_propagation(std::string_view name) {
  for (const auto& entry : kPropagationOptions)
    if (entry.name == name) return entry.flags;
  return fail("linux.rootfsPropagation: unknown propagation \"{}\"", name);
}

uint64_t mount_attributes_from_flags(unsigned long ms_flags) {
  uint64_t attributes = 0;
  if (ms_flags & MS_RDONLY) attributes |= MOUNT_ATTR_RDONLY;
  if (ms_flags & MS_NOSUID) attributes |= MOUNT_ATTR_NOSUID;
  if (ms_flags & MS_NODEV) attributes |= MOUNT_ATTR_NODEV;
  if (ms_flags & MS_NOEXEC) attributes |= MOUNT_ATTR_NOEXEC;
  if (ms_flags & MS_NODIRATIME) attributes |= MOUNT_ATTR_NODIRATIME;
  if (ms_flags & MS_NOSYMFOLLOW) attributes |= MOUNT_ATTR_NOSYMFOLLOW;
  if (ms_flags & MS_NOATIME) attributes |= MOUNT_ATTR_NOATIME;
  if (ms_flags & MS_STRICTATIME) attributes |= MOUNT_ATTR_STRICTATIME;
  return attributes;
}

}  // namespace berth::runtime
