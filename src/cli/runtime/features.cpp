#include "cli/runtime/features.h"

#include <fmt/format.h>
#include <seccomp.h>

namespace berth::cli {

using nlohmann::json;

json runtime_features() {
  const scmp_version* version = seccomp_version();
  json capabilities = json::array();
  for (const char* name : {"CAP_CHOWN",
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
                           "CAP_CHECKPOINT_RESTORE"})
    capabilities.push_back(name);
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
