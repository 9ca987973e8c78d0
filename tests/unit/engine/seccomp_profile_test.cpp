#include "engine/seccomp_profile.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

using berth::seccomp_from_profile;
using berth::SeccompContext;

namespace {

SeccompContext amd64(std::vector<std::string> caps = {}, std::string kernel = "6.1.0-18-amd64") {
  return SeccompContext{.capabilities = std::move(caps), .native_arch = "amd64", .kernel_version = std::move(kernel)};
}

// The names of every resolved rule, in order, one "name" per rule (first name).
std::vector<std::string> rule_names(const berth::oci::Seccomp& seccomp) {
  std::vector<std::string> names;
  for (const auto& rule : seccomp.syscalls) names.push_back(rule.names.at(0));
  return names;
}

std::string error_of(std::string_view profile, const SeccompContext& context = amd64()) {
  auto result = seccomp_from_profile(profile, context);
  if (result) return "(accepted)";
  return result.error().message;
}

}  // namespace

TEST(SeccompProfile, CopiesTheCommonFields) {
  auto seccomp = seccomp_from_profile(R"({
    "defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
    "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
    "flags": ["SECCOMP_FILTER_FLAG_LOG"],
    "listenerPath": "/run/listener.sock", "listenerMetadata": "meta",
    "syscalls": [
      {"name": "read", "action": "SCMP_ACT_ALLOW"},
      {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38, "comment": "ignored"},
      {"names": ["kill"], "action": "SCMP_ACT_ALLOW",
       "args": [{"index": 1, "value": 18446744073709551615, "valueTwo": 7, "op": "SCMP_CMP_MASKED_EQ"}]},
      {"names": ["getcwd"], "action": "SCMP_ACT_NOTIFY"}
    ]})",
                                      amd64());
  ASSERT_TRUE(seccomp) << seccomp.error().message;
  EXPECT_EQ(seccomp->default_action, "SCMP_ACT_ERRNO");
  EXPECT_EQ(seccomp->default_errno_ret, 1u);
  EXPECT_EQ(seccomp->architectures, (std::vector<std::string>{"SCMP_ARCH_X86_64", "SCMP_ARCH_X86"}));
  EXPECT_EQ(seccomp->flags, std::vector<std::string>{"SECCOMP_FILTER_FLAG_LOG"});
  EXPECT_EQ(seccomp->listener_path, "/run/listener.sock");
  EXPECT_EQ(seccomp->listener_metadata, "meta");
  ASSERT_EQ(seccomp->syscalls.size(), 4u);
  EXPECT_EQ(seccomp->syscalls[0].names, std::vector<std::string>{"read"});
  EXPECT_FALSE(seccomp->syscalls[0].errno_ret);
  EXPECT_EQ(seccomp->syscalls[1].names, (std::vector<std::string>{"mkdir", "mkdirat"}));
  EXPECT_EQ(seccomp->syscalls[1].errno_ret, 38u);
  ASSERT_EQ(seccomp->syscalls[2].args.size(), 1u);
  EXPECT_EQ(seccomp->syscalls[2].args[0].index, 1u);
  EXPECT_EQ(seccomp->syscalls[2].args[0].value, UINT64_MAX);
  EXPECT_EQ(seccomp->syscalls[2].args[0].value_two, 7u);
  EXPECT_EQ(seccomp->syscalls[2].args[0].op, "SCMP_CMP_MASKED_EQ");
  EXPECT_EQ(seccomp->syscalls[3].action, "SCMP_ACT_NOTIFY");
}

TEST(SeccompProfile, NullMeansAbsentAsInGo) {
  auto seccomp = seccomp_from_profile(R"({"defaultAction": "SCMP_ACT_ALLOW", "defaultErrnoRet": null,
    "architectures": null, "archMap": null, "flags": null, "syscalls": [
      {"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "args": null, "includes": null, "excludes": {}}]})",
                                      amd64());
  ASSERT_TRUE(seccomp) << seccomp.error().message;
  EXPECT_FALSE(seccomp->default_errno_ret);
  EXPECT_TRUE(seccomp->architectures.empty());
  EXPECT_EQ(rule_names(*seccomp), std::vector<std::string>{"mkdir"});
}

TEST(SeccompProfile, CapabilityConditions) {
  constexpr std::string_view profile = R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
    {"names": ["always"], "action": "SCMP_ACT_ALLOW"},
    {"names": ["with_admin"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_ADMIN"]}},
    {"names": ["with_admin_and_ptrace"], "action": "SCMP_ACT_ALLOW",
     "includes": {"caps": ["CAP_SYS_ADMIN", "CAP_SYS_PTRACE"]}},
    {"names": ["without_admin"], "action": "SCMP_ACT_ALLOW", "excludes": {"caps": ["CAP_SYS_ADMIN"]}},
    {"names": ["without_admin_or_boot"], "action": "SCMP_ACT_ALLOW",
     "excludes": {"caps": ["CAP_SYS_ADMIN", "CAP_SYS_BOOT"]}}]})";

  auto none = seccomp_from_profile(profile, amd64({"CAP_CHOWN"}));
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_EQ(rule_names(*none), (std::vector<std::string>{"always", "without_admin", "without_admin_or_boot"}));

  auto admin = seccomp_from_profile(profile, amd64({"CAP_SYS_ADMIN"}));
  ASSERT_TRUE(admin);
  EXPECT_EQ(rule_names(*admin), (std::vector<std::string>{"always", "with_admin"}));

  auto both = seccomp_from_profile(profile, amd64({"CAP_SYS_PTRACE", "CAP_SYS_ADMIN"}));
  ASSERT_TRUE(both);
  EXPECT_EQ(rule_names(*both), (std::vector<std::string>{"always", "with_admin", "with_admin_and_ptrace"}));

  auto boot = seccomp_from_profile(profile, amd64({"CAP_SYS_BOOT"}));
  ASSERT_TRUE(boot);
  EXPECT_EQ(rule_names(*boot), (std::vector<std::string>{"always", "without_admin"}));
}

TEST(SeccompProfile, ArchitectureConditions) {
  constexpr std::string_view profile = R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
    {"names": ["on_x86"], "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["amd64", "x32", "x86"]}},
    {"names": ["on_s390"], "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["s390", "s390x"]}},
    {"names": ["not_on_s390"], "action": "SCMP_ACT_ALLOW", "excludes": {"arches": ["s390", "s390x"]}},
    {"names": ["on_arm"], "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["arm", "arm64"]}}]})";
  auto on = [&](std::string arch) {
    auto seccomp = seccomp_from_profile(profile, {.capabilities = {}, .native_arch = arch, .kernel_version = "6.1"});
    EXPECT_TRUE(seccomp) << arch << ": " << seccomp.error().message;
    return seccomp ? rule_names(*seccomp) : std::vector<std::string>{};
  };
  EXPECT_EQ(on("amd64"), (std::vector<std::string>{"on_x86", "not_on_s390"}));
  EXPECT_EQ(on("386"), (std::vector<std::string>{"on_x86", "not_on_s390"}));
  EXPECT_EQ(on("s390x"), std::vector<std::string>{"on_s390"});
  EXPECT_EQ(on("arm64"), (std::vector<std::string>{"not_on_s390", "on_arm"}));
  EXPECT_EQ(on("riscv64"), std::vector<std::string>{"not_on_s390"});
  EXPECT_EQ(error_of(profile, {.capabilities = {}, .native_arch = "vax", .kernel_version = "6.1"}),
            "seccomp: unknown native architecture \"vax\"");
}

TEST(SeccompProfile, ArchMapPicksTheNativeEntryAndItsSubArchitectures) {
  constexpr std::string_view profile = R"({"defaultAction": "SCMP_ACT_ERRNO", "archMap": [
    {"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]},
    {"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"]},
    {"architecture": "SCMP_ARCH_RISCV64", "subArchitectures": null}]})";
  auto architectures = [&](std::string arch) {
    auto seccomp = seccomp_from_profile(profile, {.capabilities = {}, .native_arch = arch, .kernel_version = ""});
    EXPECT_TRUE(seccomp) << arch << ": " << seccomp.error().message;
    return seccomp ? seccomp->architectures : std::vector<std::string>{"(error)"};
  };
  EXPECT_EQ(architectures("amd64"), (std::vector<std::string>{"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"}));
  EXPECT_EQ(architectures("arm64"), (std::vector<std::string>{"SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"}));
  EXPECT_EQ(architectures("riscv64"), std::vector<std::string>{"SCMP_ARCH_RISCV64"});
  // No entry for the native arch: no list, libseccomp's native arch alone.
  EXPECT_EQ(architectures("ppc64le"), std::vector<std::string>{});
  EXPECT_EQ(architectures("386"), std::vector<std::string>{});
}

TEST(SeccompProfile, MinKernelComparesMajorThenMinorAsNumbers) {
  constexpr std::string_view profile = R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
    {"names": ["since_4_8"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "4.8"}},
    {"names": ["before_5_10"], "action": "SCMP_ACT_ALLOW", "excludes": {"minKernel": "5.10"}},
    {"names": ["no_condition"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": ""}}]})";
  auto on = [&](std::string kernel) {
    auto seccomp = seccomp_from_profile(profile, amd64({}, kernel));
    EXPECT_TRUE(seccomp) << kernel << ": " << seccomp.error().message;
    return seccomp ? rule_names(*seccomp) : std::vector<std::string>{};
  };
  EXPECT_EQ(on("4.7.10"), (std::vector<std::string>{"before_5_10", "no_condition"}));
  EXPECT_EQ(on("4.8"), (std::vector<std::string>{"since_4_8", "before_5_10", "no_condition"}));
  EXPECT_EQ(on("4.10.0-generic"), (std::vector<std::string>{"since_4_8", "before_5_10", "no_condition"}));
  EXPECT_EQ(on("5.9.1"), (std::vector<std::string>{"since_4_8", "before_5_10", "no_condition"}));
  EXPECT_EQ(on("5.10.0-18-amd64"), (std::vector<std::string>{"since_4_8", "no_condition"}));
  EXPECT_EQ(on("6.18.44-fc-v657"), (std::vector<std::string>{"since_4_8", "no_condition"}));
  EXPECT_EQ(on("3.12-1-amd64"), (std::vector<std::string>{"before_5_10", "no_condition"}));
}

TEST(SeccompProfile, KernelVersionIsReadOnlyWhenARuleNeedsIt) {
  EXPECT_TRUE(seccomp_from_profile(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
    {"names": ["mkdir"], "action": "SCMP_ACT_ERRNO"}]})",
                                   amd64({}, "not a version")));
  EXPECT_EQ(error_of(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
    {"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "includes": {"minKernel": "4.8"}}]})",
                     amd64({}, "not a version")),
            "seccomp: cannot read a kernel version from \"not a version\"");
}

// Every malformed profile is refused with one line naming the field.
TEST(SeccompProfile, RejectsMalformedProfilesNamingTheField) {
  struct Case {
    std::string_view profile, error;
  };
  const Case cases[] = {
      {R"([])", "profile: expected an object, got array"},
      {R"("SCMP_ACT_ALLOW")", "profile: expected an object, got string"},
      {R"({})", "defaultAction: is required"},
      {R"({"defaultAction": 1})", "defaultAction: expected a string, got number"},
      {R"({"defaultAction": "SCMP_ACT_NOPE"})", "defaultAction: unknown action \"SCMP_ACT_NOPE\""},
      {R"({"defaultAction": "SCMP_ACT_NOTIFY", "listenerPath": "/x"})",
       "defaultAction: SCMP_ACT_NOTIFY cannot be the default action"},
      {R"({"defaultAction": "SCMP_ACT_ALLOW", "defaultErrnoRet": 1})",
       "defaultErrnoRet: SCMP_ACT_ALLOW does not take an errno value (only SCMP_ACT_ERRNO and SCMP_ACT_TRACE do)"},
      {R"({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": -1})", "defaultErrnoRet: -1 is negative"},
      {R"({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": "1"})",
       "defaultErrnoRet: expected an unsigned integer, got string"},
      {R"({"defaultAction": "SCMP_ACT_ERRNO", "architectures": "SCMP_ARCH_X86_64"})",
       "architectures: expected an array, got string"},
      {R"({"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_Z80"]})",
       "architectures[1]: unknown architecture \"SCMP_ARCH_Z80\""},
      {R"({"defaultAction": "SCMP_ACT_ERRNO", "archMap": [{"subArchitectures": []}]})",
       "archMap[0].architecture: is required"},
      {R"({"defaultAction": "SCMP_ACT_ERRNO", "archMap": [{"architecture": "SCMP_ARCH_X86_64",
          "subArchitectures": ["x86"]}]})",
       "archMap[0].subArchitectures[0]: unknown architecture \"x86\""},
      {R"({"defaultAction": "SCMP_ACT_ERRNO", "archMap": {"architecture": "SCMP_ARCH_X86_64"}})",
       "archMap: expected an array, got object"},
      {R"({"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86"],
          "archMap": [{"architecture": "SCMP_ARCH_X86_64"}]})",
       "both architectures and archMap are set; use one of them"},
      {R"({"defaultAction": "SCMP_ACT_ERRNO", "flags": ["SECCOMP_FILTER_FLAG_FAST"]})",
       "flags[0]: unknown flag \"SECCOMP_FILTER_FLAG_FAST\""},
      {R"({"defaultAction": "SCMP_ACT_ERRNO", "listenerPath": 5})", "listenerPath: expected a string, got number"},
      {R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": {}})", "syscalls: expected an array, got object"},
      {R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": ["read"]})", "syscalls[0]: expected an object, got string"},
      {R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"action": "SCMP_ACT_ALLOW"}]})",
       "syscalls[0]: names (or name) is required"},
      {R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"name": "read", "names": ["write"],
          "action": "SCMP_ACT_ALLOW"}]})",
       "syscalls[0]: both name and names are set; use one of them"},
      {R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": [], "action": "SCMP_ACT_ALLOW"}]})",
       "syscalls[0].names: must name at least one syscall"},
      {R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": "read", "action": "SCMP_ACT_ALLOW"}]})",
       "syscalls[0].names: expected an array, got string"},
      {R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read", 3], "action": "SCMP_ACT_ALLOW"}]})",
       "syscalls[0].names[1]: expected a string, got number"},
      {R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read", ""], "action": "SCMP_ACT_ALLOW"}]})",
       "syscalls[0].names[1]: empty syscall name"},
      {R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"name": "", "action": "SCMP_ACT_ALLOW"}]})",
       "syscalls[0].name: empty syscall name"},
      {R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["rea\u0000d"], "action": "SCMP_ACT_ALLOW"}]})",
       "syscalls[0].names[0]: \"rea\\u0000d\" is not a syscall name"},
      {R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["Read"], "action": "SCMP_ACT_ALLOW"}]})",
       "syscalls[0].names[0]: \"Read\" is not a syscall name"},
      {R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"]}]})", "syscalls[0].action: is required"},
      {R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
          {"names": ["a"], "action": "SCMP_ACT_ALLOW"}, {"names": ["b"], "action": "SCMP_ACT_ALLOW"},
          {"names": ["c"], "action": "SCMP_ACT_ALLOW"}, {"names": ["d"], "action": "SCMP_ACT_FOO"}]})",
       "syscalls[3].action: unknown action \"SCMP_ACT_FOO\""},
      {R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ALLOW",
          "errnoRet": 1}]})",
       "syscalls[0].errnoRet: SCMP_ACT_ALLOW does not take an errno value (only SCMP_ACT_ERRNO and SCMP_ACT_TRACE do)"},
      {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ERRNO",
          "errnoRet": 70000}]})",
       "syscalls[0].errnoRet: 70000 is out of range (0..65535)"},
      {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ERRNO",
          "errnoRet": 1.5}]})",
       "syscalls[0].errnoRet: expected an unsigned integer, got 1.5"},
      {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ERRNO",
          "args": {"index": 0}}]})",
       "syscalls[0].args: expected an array, got object"},
      {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ERRNO",
          "args": [{"value": 1, "op": "SCMP_CMP_EQ"}]}]})",
       "syscalls[0].args[0].index: is required"},
      {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ERRNO",
          "args": [{"index": 6, "value": 1, "op": "SCMP_CMP_EQ"}]}]})",
       "syscalls[0].args[0].index: 6 is not a syscall argument index (0..5)"},
      {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ERRNO",
          "args": [{"index": -1, "value": 1, "op": "SCMP_CMP_EQ"}]}]})",
       "syscalls[0].args[0].index: -1 is negative"},
      {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ERRNO",
          "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_FOO"}]}]})",
       "syscalls[0].args[0].op: unknown operator \"SCMP_CMP_FOO\""},
      {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ERRNO",
          "args": [{"index": 0, "value": 1}]}]})",
       "syscalls[0].args[0].op: is required"},
      {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ERRNO",
          "args": [{"index": 0, "value": 18446744073709551616, "op": "SCMP_CMP_EQ"}]}]})",
       "syscalls[0].args[0].value: expected an unsigned integer, got 1.8446744073709552e+19"},
      {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ERRNO",
          "args": [{"index": 0, "valueTwo": "1", "op": "SCMP_CMP_EQ"}]}]})",
       "syscalls[0].args[0].valueTwo: expected an unsigned integer, got string"},
      {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_NOTIFY"}]})",
       "listenerPath: required when an action is SCMP_ACT_NOTIFY"},
      {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ERRNO",
          "includes": []}]})",
       "syscalls[0].includes: expected an object, got array"},
      {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ERRNO",
          "includes": {"arches": ["vax"]}}]})",
       "syscalls[0].includes.arches[0]: unknown architecture \"vax\""},
      {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ERRNO",
          "excludes": {"caps": ["sys_admin"]}}]})",
       "syscalls[0].excludes.caps[0]: \"sys_admin\" is not a capability name (CAP_...)"},
      {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ERRNO",
          "excludes": {"caps": "CAP_SYS_ADMIN"}}]})",
       "syscalls[0].excludes.caps: expected an array, got string"},
      {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ERRNO",
          "includes": {"minKernel": 4.8}}]})",
       "syscalls[0].includes.minKernel: expected a string, got number"},
  };
  for (const Case& c : cases) EXPECT_EQ(error_of(c.profile), c.error) << c.profile;
}

TEST(SeccompProfile, RejectsBadMinKernelSpellings) {
  for (std::string_view version : {"4", "4.8.1", "0.0", "a.b", "4.-1", ".8", "4.", "256.1", " 4.8", "4.8 "}) {
    std::string profile = fmt::format(R"({{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{{"names": ["a"],
        "action": "SCMP_ACT_ERRNO", "includes": {{"minKernel": "{}"}}}}]}})",
                                      version);
    EXPECT_EQ(error_of(profile), fmt::format("syscalls[0].includes.minKernel: invalid kernel version \"{}\", "
                                             "expected MAJOR.MINOR such as \"4.8\"",
                                             version));
  }
}

TEST(SeccompProfile, RejectsMalformedJson) {
  for (std::string_view text : {"", "{", R"({"defaultAction": "SCMP_ACT_ALLOW",})", "{\"defaultAction\": \"\xff\"}",
                                R"({"defaultAction": "SCMP_ACT_ALLOW"} trailing)"}) {
    std::string error = error_of(text);
    EXPECT_TRUE(error.starts_with("invalid JSON: ")) << error;
    EXPECT_NE(error.find("parse error"), std::string::npos) << error;
  }
}

TEST(SeccompProfile, SurvivesHostileSizes) {
  // Deep nesting: refused where it is not an object, ignored in a comment.
  std::string deep = std::string(200000, '[') + std::string(200000, ']');
  EXPECT_EQ(error_of(deep), "profile: expected an object, got array");
  EXPECT_TRUE(error_of(std::string(200000, '[')).starts_with("invalid JSON: "));
  std::string commented = R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["a"],
      "action": "SCMP_ACT_ERRNO", "comment": )" +
                          deep + "}]}";
  EXPECT_TRUE(seccomp_from_profile(commented, amd64()));

  // Many rules and many names are fine.
  std::string many = R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [)";
  for (int i = 0; i < 50000; ++i)
    many += fmt::format(R"({}{{"names": ["s{}"], "action": "SCMP_ACT_ERRNO"}})", i ? "," : "", i);
  many += "]}";
  auto resolved = seccomp_from_profile(many, amd64());
  ASSERT_TRUE(resolved) << resolved.error().message;
  EXPECT_EQ(resolved->syscalls.size(), 50000u);
}
