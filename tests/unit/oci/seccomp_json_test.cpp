#include "oci/seccomp_json.h"

#include <gtest/gtest.h>

#include "oci/runtime_spec.h"

using berth::oci::Seccomp;
using nlohmann::json;

namespace {

// A minimal config.json around a seccomp section, parsed back by the spec parser.
Seccomp round_trip(const Seccomp& seccomp) {
  json spec = {{"ociVersion", "1.0.2"},
               {"root", {{"path", "rootfs"}}},
               {"process", {{"args", {"true"}}, {"cwd", "/"}, {"user", {{"uid", 0}, {"gid", 0}}}}},
               {"linux", {{"seccomp", berth::oci::seccomp_to_json(seccomp)}}}};
  auto parsed = berth::oci::parse_spec(spec.dump());
  EXPECT_TRUE(parsed) << parsed.error().message;
  return parsed && parsed->linux.seccomp ? *parsed->linux.seccomp : Seccomp{};
}

}  // namespace

TEST(SeccompJson, WritesTheSpecFieldsAndReadsBack) {
  Seccomp seccomp{
      .default_action = "SCMP_ACT_ERRNO",
      .default_errno_ret = 1,
      .architectures = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86"},
      .flags = {"SECCOMP_FILTER_FLAG_SPEC_ALLOW"},
      .listener_path = "/run/l.sock",
      .listener_metadata = "m",
      .syscalls = {{.names = {"read", "write"}, .action = "SCMP_ACT_ALLOW", .errno_ret = {}, .args = {}},
                   {.names = {"clone"},
                    .action = "SCMP_ACT_ALLOW",
                    .errno_ret = {},
                    .args = {{.index = 0, .value = 0x7E020000, .value_two = 0, .op = "SCMP_CMP_MASKED_EQ"}}},
                   {.names = {"clone3"}, .action = "SCMP_ACT_ERRNO", .errno_ret = 38, .args = {}}}};
  json written = berth::oci::seccomp_to_json(seccomp);
  EXPECT_EQ(written["defaultErrnoRet"], 1);
  EXPECT_EQ(written["syscalls"][1]["args"][0]["value"], 2114060288u);
  EXPECT_EQ(written["syscalls"][2]["errnoRet"], 38);
  EXPECT_FALSE(written["syscalls"][0].contains("errnoRet"));
  EXPECT_FALSE(written["syscalls"][0].contains("args"));

  Seccomp back = round_trip(seccomp);
  EXPECT_EQ(back.default_action, seccomp.default_action);
  EXPECT_EQ(back.default_errno_ret, seccomp.default_errno_ret);
  EXPECT_EQ(back.architectures, seccomp.architectures);
  EXPECT_EQ(back.flags, seccomp.flags);
  EXPECT_EQ(back.listener_path, seccomp.listener_path);
  EXPECT_EQ(back.listener_metadata, seccomp.listener_metadata);
  ASSERT_EQ(back.syscalls.size(), 3u);
  EXPECT_EQ(back.syscalls[0].names, seccomp.syscalls[0].names);
  EXPECT_EQ(back.syscalls[1].args[0].value, 0x7E020000u);
  EXPECT_EQ(back.syscalls[1].args[0].op, "SCMP_CMP_MASKED_EQ");
  EXPECT_EQ(back.syscalls[2].errno_ret, 38u);
}

TEST(SeccompJson, LeavesOutWhatIsEmpty) {
  json written = berth::oci::seccomp_to_json(Seccomp{.default_action = "SCMP_ACT_ALLOW"});
  EXPECT_EQ(written, json({{"defaultAction", "SCMP_ACT_ALLOW"}}));
}
