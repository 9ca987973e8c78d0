#include "cli/runtime/features.h"

#include "runtime/process_setup.h"

#include <fmt/format.h>
#include <seccomp.h>

namespace berth::cli {

using nlohmann::json;

json runtime_features() {
  const scmp_version* version = seccomp_version();
  json capabilities = json::array();
  for (std::string_view name : runtime::kCapabilityNames) capabilities.push_back(name);
  return {
      {"ociVersionMin", "1.0.0"},
      {"ociVersionMax", "1.2.0"},
      {"hooks", {"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"}},
      {"mountOptions",
       {"async",       "atime",         "bind",      "defaults",    "dev",         "diratime",  "dirsync",    "exec",
        "lazytime",    "mand",          "noatime",   "nodev",       "nodiratime",  "noexec",    "nolazytime", "nomand",
        "norelatime",  "nostrictatime", "nosuid",    "nosymfollow", "private",     "rbind",     "relatime",   "remount",
        "ro",          "rprivate",      "rshared",   "rslave",      "runbindable", "rw",        "shared",     "slave",
        "strictatime", "suid",          "symfollow", "sync",        "tmpcopyup",   "unbindable"}},
      {"linux",
       {{"namespaces", {"cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts"}},
        {"capabilities", capabilities},
        {"cgroup", {{"v1", true}, {"v2", true}, {"systemd", false}, {"systemdUser", false}, {"rdma", false}}},
        {"seccomp",
         {{"enabled", true},
          {"actions",
           {"SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
            "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY", "SCMP_ACT_TRACE", "SCMP_ACT_TRAP"}},
          {"operators",
           {"SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE", "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ",
            "SCMP_CMP_NE"}},
          {"archs",
           {"SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32",
            "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64",
            "SCMP_ARCH_PPC64LE", "SCMP_ARCH_RISCV64", "SCMP_ARCH_S390", "SCMP_ARCH_S390X", "SCMP_ARCH_X32",
            "SCMP_ARCH_X86", "SCMP_ARCH_X86_64"}},
          {"knownFlags", {"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_LOG"}},
          {"supportedFlags",
           {"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_LOG"}}}},
        {"apparmor", {{"enabled", false}}},
        {"selinux", {{"enabled", false}}},
        {"intelRdt", {{"enabled", false}}},
        {"mountExtensions", {{"idmap", {{"enabled", false}}}}}}},
      {"annotations",
       {{"io.github.seccomp.libseccomp.version",
         fmt::format("{}.{}.{}", version->major, version->minor, version->micro)}}},
  };
}

}  // namespace berth::cli
