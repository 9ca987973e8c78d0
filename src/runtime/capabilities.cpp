// Capability names, and the container init's switch to process.user with
// exactly the five capability sets of process.capabilities.
#include <fmt/ranges.h>
#include <grp.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <array>
#include <bit>
#include <cerrno>
#include <cstdint>
#include <string_view>

#include "base/file_io.h"
#include "runtime/process_setup.h"

namespace berth::runtime {

// Indexed by capability number (include/uapi/linux/capability.h).
const std::array<std::string_view, 41> kCapabilityNames{
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
};

namespace {


using CapMask = uint64_t;

struct CapabilitySets {
  CapMask bounding = 0, effective = 0, permitted = 0, inheritable = 0, ambient = 0;
};

std::string_view capability_name(int number) {
  return number >= 0 && number < static_cast<int>(kCapabilityNames.size()) ? kCapabilityNames[number] : "CAP_?";
}

// Names of the capabilities in mask, for error messages.
std::string mask_names(CapMask mask) {
  std::string names;
  for (int cap = 0; cap < 64; ++cap) {
    if (!(mask & (CapMask{1} << cap))) continue;
    if (!names.empty()) names += ", ";
    names += capability_name(cap);
  }
  return names;
}

// The highest capability the kernel knows. /proc may not be mounted in the
// container, so fall back to probing the bounding set, which says EINVAL
// past the last capability.
Result<int> last_capability() {
  if (auto text = read_file("/proc/sys/kernel/cap_last_cap")) {
    int value = 0;
    bool any = false;
    for (char c : *text) {
      if (c < '0' || c > '9') break;
      value = value * 10 + (c - '0');
      any = true;
    }
    if (any && value < 64) return value;
  }
  for (int cap = 63; cap >= 0; --cap) {
    if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0) return cap;
  }
  return fail("cannot find the last capability: /proc/sys/kernel/cap_last_cap unreadable and PR_CAPBSET_READ fails");
}

// Names to a mask. Names that this kernel does not know yet (above
// cap_last_cap) are skipped, as runc does, so one config serves old kernels.
Result<CapMask> names_to_mask(const std::vector<std::string>& names, int last_cap, std::string_view set) {
  CapMask mask = 0;
  for (const auto& name : names) {
    auto number = capability_number(name);
    if (!number) return with_context(std::move(number), fmt::format("process.capabilities.{}", set));
    if (*number > last_cap) continue;
    mask |= CapMask{1} << *number;
  }
  return mask;
}

Result<CapabilitySets> resolve(const oci::Capabilities& caps, int last_cap) {
  CapabilitySets sets;
  BERTH_ASSIGN(sets.bounding, names_to_mask(caps.bounding, last_cap, "bounding"));
  BERTH_ASSIGN(sets.effective, names_to_mask(caps.effective, last_cap, "effective"));
  BERTH_ASSIGN(sets.permitted, names_to_mask(caps.permitted, last_cap, "permitted"));
  BERTH_ASSIGN(sets.inheritable, names_to_mask(caps.inheritable, last_cap, "inheritable"));
  BERTH_ASSIGN(sets.ambient, names_to_mask(caps.ambient, last_cap, "ambient"));
  return sets;
}

Result<CapMask> current_permitted() {
  __user_cap_header_struct header{.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
  std::array<__user_cap_data_struct, 2> data{};
  if (syscall(SYS_capget, &header, data.data()) != 0) return fail_errno(errno, "capget");
  return CapMask{data[0].permitted} | (CapMask{data[1].permitted} << 32);
}

Status set_capabilities(const CapabilitySets& sets) {
  __user_cap_header_struct header{.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
  std::array<__user_cap_data_struct, 2> data{};
  for (int word = 0; word < 2; ++word) {
    data[word].effective = static_cast<uint32_t>(sets.effective >> (32 * word));
    data[word].permitted = static_cast<uint32_t>(sets.permitted >> (32 * word));
    data[word].inheritable = static_cast<uint32_t>(sets.inheritable >> (32 * word));
  }
  if (syscall(SYS_capset, &header, data.data()) != 0) {
    return fail_errno(errno, "capset effective=[{}] permitted=[{}] inheritable=[{}]", mask_names(sets.effective),
                      mask_names(sets.permitted), mask_names(sets.inheritable));
  }
  return {};
}

bool setgroups_denied() {
  auto text = read_file("/proc/self/setgroups");
  return text && text->starts_with("deny");
}

Status switch_user(const oci::User& user) {
  const auto& gids = user.additional_gids;
  if (::setgroups(gids.size(), gids.empty() ? nullptr : reinterpret_cast<const gid_t*>(gids.data())) != 0) {
    int err = errno;
    // In a user namespace whose setgroups is "deny" the (empty) list stays.
    if (!(err == EPERM && gids.empty() && setgroups_denied())) {
      return fail_errno(err, "setgroups {}", fmt::join(gids, ","));
    }
  }
  if (::setresgid(user.gid, user.gid, user.gid) != 0) return fail_errno(errno, "setresgid {}", user.gid);
  if (::setresuid(user.uid, user.uid, user.uid) != 0) return fail_errno(errno, "setresuid {}", user.uid);
  return {};
}

}  // namespace

Result<int> capability_number(const std::string& name) {
  for (size_t i = 0; i < kCapabilityNames.size(); ++i) {
    if (kCapabilityNames[i] == name) return static_cast<int>(i);
  }
  return fail("unknown capability \"{}\"", name);
}

Status apply_user_and_capabilities(const oci::Process& process) {
  static_assert(sizeof(gid_t) == sizeof(uint32_t));
  if (process.user.umask) ::umask(static_cast<mode_t>(*process.user.umask));

  // Absent capabilities: leave them to the kernel's rules for setuid, as runc.
  if (!process.capabilities) return switch_user(process.user);

  BERTH_ASSIGN(int last_cap, last_capability());
  BERTH_ASSIGN(CapabilitySets sets, resolve(*process.capabilities, last_cap));
  BERTH_ASSIGN(CapMask have, current_permitted());
  if (CapMask missing = sets.permitted & ~have) {
    return fail("process.capabilities.permitted: {} not in the runtime's own permitted set, so cannot be granted",
                mask_names(missing));
  }
  if (CapMask missing = sets.effective & ~sets.permitted) {
    return fail("process.capabilities.effective: {} not in process.capabilities.permitted", mask_names(missing));
  }

  for (int cap = 0; cap <= last_cap; ++cap) {
    if (sets.bounding & (CapMask{1} << cap)) continue;
    if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0) {
      return fail_errno(errno, "drop {} from the bounding set", capability_name(cap));
    }
  }
  // Keep the permitted set across setuid to a non-root uid.
  if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) return fail_errno(errno, "prctl PR_SET_KEEPCAPS 1");
  BERTH_TRY(switch_user(process.user));
  if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) != 0) return fail_errno(errno, "prctl PR_SET_KEEPCAPS 0");

  // The inheritable set is exactly as listed, empty by default: CVE-2022-29162.
  BERTH_TRY(set_capabilities(sets));

  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0) {
    return fail_errno(errno, "prctl PR_CAP_AMBIENT_CLEAR_ALL");
  }
  // The kernel raises an ambient capability only if it is both permitted and
  // inheritable; like runc, the others are skipped rather than failing.
  CapMask raisable = sets.ambient & sets.permitted & sets.inheritable;
  for (int cap = 0; raisable; ++cap, raisable >>= 1) {
    if (!(raisable & 1)) continue;
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) != 0) {
      return fail_errno(errno, "raise ambient capability {}", capability_name(cap));
    }
  }
  return {};
}

}  // namespace berth::runtime
