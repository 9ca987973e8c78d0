#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

#include "engine/default_seccomp_profile.h"
#include "engine/seccomp_profile.h"

using berth::default_seccomp;
using berth::SeccompContext;
using berth::oci::Seccomp;
using berth::oci::SeccompSyscall;

namespace {

// Docker's default capability set (no CAP_SYS_ADMIN, CAP_SYS_PTRACE, ...).
const std::vector<std::string> kDockerDefaultCaps = {
    "CAP_CHOWN",   "CAP_DAC_OVERRIDE", "CAP_FSETID",           "CAP_FOWNER",
    "CAP_MKNOD",   "CAP_NET_RAW",      "CAP_SETGID",           "CAP_SETUID",
    "CAP_SETFCAP", "CAP_SETPCAP",      "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT",
    "CAP_KILL",    "CAP_AUDIT_WRITE",
};

SeccompContext amd64_with(std::vector<std::string> extra = {}) {
  std::vector<std::string> caps = kDockerDefaultCaps;
  caps.insert(caps.end(), extra.begin(), extra.end());
  return {.capabilities = caps, .native_arch = "amd64", .kernel_version = "6.1.0-18-amd64"};
}

// The rules that name a syscall.
std::vector<SeccompSyscall> rules_for(const Seccomp& seccomp, std::string_view name) {
  std::vector<SeccompSyscall> rules;
  for (const SeccompSyscall& rule : seccomp.syscalls)
    if (std::ranges::find(rule.names, name) != rule.names.end()) rules.push_back(rule);
  return rules;
}

bool allowed_unconditionally(const Seccomp& seccomp, std::string_view name) {
  return std::ranges::any_of(rules_for(seccomp, name), [](const SeccompSyscall& rule) {
    return rule.action == "SCMP_ACT_ALLOW" && rule.args.empty();
  });
}

}  // namespace

TEST(DefaultSeccompProfile, DockerDefaultsOnAmd64) {
  auto seccomp = default_seccomp(amd64_with());
  ASSERT_TRUE(seccomp) << seccomp.error().message;
  EXPECT_EQ(seccomp->default_action, "SCMP_ACT_ERRNO");
  EXPECT_EQ(seccomp->default_errno_ret, 1u);
  EXPECT_EQ(seccomp->architectures, (std::vector<std::string>{"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"}));

  for (std::string_view name : {"read", "write", "openat", "execve", "exit_group", "arch_prctl", "modify_ldt", "chroot",
                                "ptrace", "socketcall", "keyctl", "futex", "rseq"})
    EXPECT_TRUE(allowed_unconditionally(*seccomp, name)) << name;
  for (std::string_view name : {"mount",
                                "umount2",
                                "unshare",
                                "setns",
                                "bpf",
                                "perf_event_open",
                                "reboot",
                                "init_module",
                                "kexec_load",
                                "open_by_handle_at",
                                "iopl",
                                "settimeofday",
                                "syslog",
                                "acct",
                                "vhangup",
                                "mbind",
                                "kcmp",
                                "io_uring_setup",
                                "userfaultfd",
                                "cacheflush",
                                "s390_runtime_instr",
                                "riscv_flush_icache"})
    EXPECT_TRUE(rules_for(*seccomp, name).empty()) << name;

  // clone only without namespace flags, clone3 with ENOSYS.
  auto clone = rules_for(*seccomp, "clone");
  ASSERT_EQ(clone.size(), 1u);
  EXPECT_EQ(clone[0].action, "SCMP_ACT_ALLOW");
  ASSERT_EQ(clone[0].args.size(), 1u);
  EXPECT_EQ(clone[0].args[0].index, 0u);
  EXPECT_EQ(clone[0].args[0].value, 0x7E020000u);
  EXPECT_EQ(clone[0].args[0].op, "SCMP_CMP_MASKED_EQ");
  auto clone3 = rules_for(*seccomp, "clone3");
  ASSERT_EQ(clone3.size(), 1u);
  EXPECT_EQ(clone3[0].action, "SCMP_ACT_ERRNO");
  EXPECT_EQ(clone3[0].errno_ret, 38u);

  // personality: the five allowed values only.
  std::vector<uint64_t> personalities;
  for (const SeccompSyscall& rule : rules_for(*seccomp, "personality")) {
    ASSERT_EQ(rule.args.size(), 1u);
    EXPECT_EQ(rule.args[0].op, "SCMP_CMP_EQ");
    personalities.push_back(rule.args[0].value);
  }
  EXPECT_EQ(personalities, (std::vector<uint64_t>{0, 8, 0x20000, 0x20008, 0xffffffff}));

  // socket: every family but AF_ALG (38) and AF_VSOCK (40).
  std::vector<std::pair<std::string, uint64_t>> socket;
  for (const SeccompSyscall& rule : rules_for(*seccomp, "socket")) {
    ASSERT_EQ(rule.args.size(), 1u);
    EXPECT_EQ(rule.args[0].index, 0u);
    socket.emplace_back(rule.args[0].op, rule.args[0].value);
  }
  EXPECT_EQ(socket, (std::vector<std::pair<std::string, uint64_t>>{
                        {"SCMP_CMP_LT", 38}, {"SCMP_CMP_EQ", 39}, {"SCMP_CMP_GT", 40}}));
}

TEST(DefaultSeccompProfile, CapSysAdminAllowsMountAndEveryClone) {
  auto seccomp = default_seccomp(amd64_with({"CAP_SYS_ADMIN"}));
  ASSERT_TRUE(seccomp) << seccomp.error().message;
  for (std::string_view name : {"mount", "umount2", "unshare", "setns", "clone", "clone3", "bpf", "fsopen"})
    EXPECT_TRUE(allowed_unconditionally(*seccomp, name)) << name;
  for (const SeccompSyscall& rule : rules_for(*seccomp, "clone")) EXPECT_TRUE(rule.args.empty());
  for (const SeccompSyscall& rule : rules_for(*seccomp, "clone3")) EXPECT_EQ(rule.action, "SCMP_ACT_ALLOW");
}

TEST(DefaultSeccompProfile, CapabilityGroups) {
  struct Group {
    std::string cap;
    std::vector<std::string_view> names;
  };
  const Group groups[] = {
      {"CAP_SYS_PTRACE", {"kcmp", "pidfd_getfd", "process_madvise", "process_vm_readv", "ptrace"}},
      {"CAP_SYS_MODULE", {"init_module", "finit_module", "delete_module"}},
      {"CAP_SYS_BOOT", {"reboot"}},
      {"CAP_SYS_TIME", {"settimeofday", "stime", "clock_settime", "clock_settime64"}},
      {"CAP_SYS_NICE", {"mbind", "get_mempolicy", "set_mempolicy", "set_mempolicy_home_node"}},
      {"CAP_SYSLOG", {"syslog"}},
      {"CAP_SYS_PACCT", {"acct"}},
      {"CAP_SYS_RAWIO", {"iopl", "ioperm"}},
      {"CAP_SYS_TTY_CONFIG", {"vhangup"}},
      {"CAP_DAC_READ_SEARCH", {"open_by_handle_at"}},
      {"CAP_BPF", {"bpf"}},
      {"CAP_PERFMON", {"perf_event_open"}},
  };
  for (const Group& group : groups) {
    auto seccomp = default_seccomp(amd64_with({group.cap}));
    ASSERT_TRUE(seccomp) << group.cap << ": " << seccomp.error().message;
    for (std::string_view name : group.names)
      EXPECT_TRUE(allowed_unconditionally(*seccomp, name)) << group.cap << " " << name;
    EXPECT_FALSE(allowed_unconditionally(*seccomp, "mount")) << group.cap;
  }
  // CAP_SYS_CHROOT is one of Docker's defaults: without it, no chroot.
  SeccompContext no_chroot = amd64_with();
  std::erase(no_chroot.capabilities, "CAP_SYS_CHROOT");
  auto seccomp = default_seccomp(no_chroot);
  ASSERT_TRUE(seccomp);
  EXPECT_TRUE(rules_for(*seccomp, "chroot").empty());
}

TEST(DefaultSeccompProfile, PtraceNeedsKernel48) {
  SeccompContext old_kernel = amd64_with();
  old_kernel.kernel_version = "4.4.0-210-generic";
  auto seccomp = default_seccomp(old_kernel);
  ASSERT_TRUE(seccomp) << seccomp.error().message;
  EXPECT_TRUE(rules_for(*seccomp, "ptrace").empty());
  old_kernel.capabilities.push_back("CAP_SYS_PTRACE");  // the capability rule has no kernel condition
  seccomp = default_seccomp(old_kernel);
  ASSERT_TRUE(seccomp);
  EXPECT_TRUE(allowed_unconditionally(*seccomp, "ptrace"));
}

TEST(DefaultSeccompProfile, OtherArchitectures) {
  auto resolve = [](std::string arch) {
    return default_seccomp({.capabilities = kDockerDefaultCaps, .native_arch = arch, .kernel_version = "6.6"});
  };
  auto arm64 = resolve("arm64");
  ASSERT_TRUE(arm64) << arm64.error().message;
  EXPECT_EQ(arm64->architectures, (std::vector<std::string>{"SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"}));
  EXPECT_TRUE(allowed_unconditionally(*arm64, "cacheflush"));
  EXPECT_TRUE(rules_for(*arm64, "arch_prctl").empty());

  auto s390x = resolve("s390x");
  ASSERT_TRUE(s390x) << s390x.error().message;
  EXPECT_EQ(s390x->architectures, (std::vector<std::string>{"SCMP_ARCH_S390X", "SCMP_ARCH_S390"}));
  auto clone = rules_for(*s390x, "clone");
  ASSERT_EQ(clone.size(), 1u);  // the flags are the second argument there
  ASSERT_EQ(clone[0].args.size(), 1u);
  EXPECT_EQ(clone[0].args[0].index, 1u);

  auto riscv = resolve("riscv64");
  ASSERT_TRUE(riscv);
  EXPECT_EQ(riscv->architectures, std::vector<std::string>{"SCMP_ARCH_RISCV64"});
  EXPECT_TRUE(allowed_unconditionally(*riscv, "riscv_flush_icache"));
}

TEST(DefaultSeccompProfile, TheJsonIsADockerProfile) {
  auto profile = berth::parse_seccomp_profile(berth::default_seccomp_profile_json());
  ASSERT_TRUE(profile) << profile.error().message;
  EXPECT_EQ(profile->rules.front().syscall.names.size(), 364u);
}

// On the container start path: resolving the default profile must stay far
// below a millisecond. Parsing the JSON is the expensive half, which is why
// default_seccomp() parses it once per process.
TEST(DefaultSeccompProfile, ResolvesQuickly) {
  constexpr int kRounds = 200;
  using Clock = std::chrono::steady_clock;
  auto micros = [](Clock::duration elapsed) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count() / 1000.0 / kRounds;
  };
  SeccompContext context = amd64_with();
  ASSERT_TRUE(default_seccomp(context));  // the first call parses

  auto start = Clock::now();
  for (int i = 0; i < kRounds; ++i) ASSERT_TRUE(default_seccomp(context));
  double resolve_us = micros(Clock::now() - start);

  start = Clock::now();
  for (int i = 0; i < kRounds; ++i)
    ASSERT_TRUE(berth::seccomp_from_profile(berth::default_seccomp_profile_json(), context));
  double parse_and_resolve_us = micros(Clock::now() - start);

  RecordProperty("default_seccomp_us", static_cast<int>(resolve_us));
  RecordProperty("seccomp_from_profile_default_us", static_cast<int>(parse_and_resolve_us));
  std::printf(
      "default_seccomp (cached parse): %.1f us per call; seccomp_from_profile(default JSON): %.1f us per call\n",
      resolve_us, parse_and_resolve_us);
  EXPECT_LT(resolve_us, 200);
}
