#include <gtest/gtest.h>

#include "oci/runtime_spec.h"

namespace berth::oci {
namespace {

constexpr const char* minimal = R"({
  "ociVersion": "1.0.0",
  "process": {"args": ["sh"], "cwd": "/"},
  "root": {"path": "rootfs"},
  "linux": {"namespaces": [{"type": "mount"}]}
})";

std::string error_of(std::string_view text) {
  auto spec = parse_spec(text);
  EXPECT_FALSE(spec) << "accepted: " << text;
  return spec ? "" : spec.error().message;
}

TEST(RuntimeSpecParse, AcceptsMinimalConfig) {
  auto spec = parse_spec(minimal);
  ASSERT_TRUE(spec) << spec.error().message;
  EXPECT_EQ(spec->root.path, "rootfs");
  EXPECT_EQ(spec->process->args.front(), "sh");
  ASSERT_EQ(spec->linux.namespaces.size(), 1u);
  EXPECT_EQ(spec->linux.namespaces[0].type, NamespaceType::mount);
  EXPECT_FALSE(spec->linux.resources);
}

TEST(RuntimeSpecParse, AbsentAndZeroDiffer) {
  auto spec = parse_spec(R"({"ociVersion": "1.2.0", "root": {"path": "r"},
    "linux": {"resources": {"memory": {"limit": 0}, "pids": {"limit": 5}}}})");
  ASSERT_TRUE(spec) << spec.error().message;
  ASSERT_TRUE(spec->linux.resources->memory);
  EXPECT_EQ(spec->linux.resources->memory->limit, 0);
  EXPECT_FALSE(spec->linux.resources->memory->swap);
  EXPECT_FALSE(spec->linux.resources->cpu);
  EXPECT_EQ(spec->linux.resources->pids->limit, 5);
}

TEST(RuntimeSpecParse, ReadsEveryPartPodmanWrites) {
  auto spec = parse_spec(R"({
    "ociVersion": "1.0.2-dev",
    "process": {"terminal": true, "consoleSize": {"height": 24, "width": 80},
      "user": {"uid": 1, "gid": 2, "umask": 18, "additionalGids": [3, 4]},
      "args": ["a"], "env": ["A=1"], "cwd": "/w",
      "capabilities": {"bounding": ["CAP_KILL"], "effective": ["CAP_KILL"]},
      "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 10, "soft": 5}],
      "noNewPrivileges": true, "oomScoreAdj": 100,
      "ioPriority": {"class": "IOPRIO_CLASS_BE", "priority": 4},
      "scheduler": {"policy": "SCHED_BATCH", "nice": 3}},
    "root": {"path": "/r", "readonly": true},
    "hostname": "h", "domainname": "d",
    "mounts": [{"destination": "/x", "source": "/y", "type": "bind", "options": ["rbind", "ro"]}],
    "hooks": {"prestart": [{"path": "/bin/true", "args": ["true"], "timeout": 5}]},
    "annotations": {"k": "v"},
    "linux": {
      "namespaces": [{"type": "pid"}, {"type": "uts"}, {"type": "user"}, {"type": "network", "path": "/proc/1/ns/net"}],
      "uidMappings": [{"containerID": 0, "hostID": 1000, "size": 10}],
      "gidMappings": [{"containerID": 0, "hostID": 1000, "size": 10}],
      "devices": [{"type": "c", "path": "/dev/fuse", "major": 10, "minor": 229, "fileMode": 438}],
      "cgroupsPath": "/berth/x",
      "resources": {"devices": [{"allow": false, "access": "rwm"}, {"allow": true, "type": "c", "major": 1, "minor": 3, "access": "rw"}],
        "cpu": {"shares": 512, "quota": 50000, "period": 100000, "cpus": "0"},
        "blockIO": {"weight": 100, "throttleReadBpsDevice": [{"major": 8, "minor": 0, "rate": 1000}]},
        "hugepageLimits": [{"pageSize": "2MB", "limit": 0}], "unified": {"memory.high": "max"}},
      "sysctl": {"net.ipv4.ip_forward": "1"},
      "seccomp": {"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"],
        "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}]}]},
      "rootfsPropagation": "rslave", "maskedPaths": ["/proc/kcore"], "readonlyPaths": ["/proc/sys"],
      "personality": {"domain": "LINUX"}}})");
  ASSERT_TRUE(spec) << spec.error().message;
  EXPECT_EQ(spec->process->user.additional_gids, (std::vector<uint32_t>{3, 4}));
  EXPECT_EQ(*spec->process->user.umask, 18u);
  EXPECT_EQ(spec->process->console_size->width, 80u);
  EXPECT_EQ(spec->linux.namespaces[3].path, "/proc/1/ns/net");
  EXPECT_EQ(spec->linux.uid_mappings[0].host_id, 1000u);
  EXPECT_EQ(*spec->linux.devices[0].file_mode, 438u);
  EXPECT_EQ(*spec->linux.resources->cpu->quota, 50000);
  EXPECT_EQ(spec->linux.resources->block_io->throttle_read_bps_device[0].rate, 1000u);
  EXPECT_EQ(spec->linux.resources->unified.at("memory.high"), "max");
  EXPECT_EQ(spec->linux.seccomp->syscalls[0].args[0].op, "SCMP_CMP_EQ");
  EXPECT_EQ(*spec->hooks.prestart[0].timeout, 5);
  EXPECT_EQ(spec->annotations.at("k"), "v");
}

TEST(RuntimeSpecParse, ErrorsNameTheField) {
  EXPECT_EQ(error_of("{"), error_of("{"));  // stable
  EXPECT_NE(error_of("{").find("invalid JSON"), std::string::npos);
  EXPECT_EQ(error_of(R"({"ociVersion": "1.0.0", "root": {"path": "r"}, "linux": {"namespaces": [{"type": "bogus"}]}})"),
            "linux.namespaces[0].type: unknown namespace type \"bogus\"");
  EXPECT_EQ(error_of(R"({"ociVersion": "1.0.0", "root": {"path": "r"}, "mounts": [{"destination": "rel"}]})"),
            "mounts[0].destination: \"rel\" must be an absolute path");
  EXPECT_EQ(error_of(R"({"ociVersion": "1.0.0", "root": {"path": "r"}, "mounts": [{"destination": "/a/../b"}]})"),
            "mounts[0].destination: \"/a/../b\" must not contain \"..\"");
  EXPECT_EQ(
      error_of(R"({"ociVersion": "1.0.0", "root": {"path": "r"}, "process": {"args": ["a"], "user": {"uid": -1}}})"),
      "process.user.uid: -1 is out of range");
  EXPECT_EQ(
      error_of(R"({"ociVersion": "1.0.0", "root": {"path": "r"}, "process": {"args": ["a"], "oomScoreAdj": 5000}})"),
      "process.oomScoreAdj: 5000 is outside -1000..1000");
  EXPECT_EQ(
      error_of(
          R"({"ociVersion": "1.0.0", "root": {"path": "r"}, "linux": {"resources": {"devices": [{"access": "rwx"}]}}})"),
      "linux.resources.devices[0].access: \"rwx\" is not a subset of rwm");
  EXPECT_EQ(
      error_of(R"({"ociVersion": "1.0.0", "root": {"path": "r"}, "linux": {"resources": {"unified": {"../x": "1"}}}})"),
      "linux.resources.unified: \"../x\" is not a cgroup file name");
  EXPECT_EQ(
      error_of(
          R"({"ociVersion": "1.0.0", "root": {"path": "r"}, "linux": {"uidMappings": [{"containerID": 0, "hostID": 1, "size": 1}]}})"),
      "linux.uidMappings: mappings require a user namespace");
  EXPECT_EQ(error_of(R"({"ociVersion": "1.0.0", "root": {"path": "r"}, "hostname": "h"})"),
            "hostname: setting a hostname requires a new uts namespace");
  EXPECT_EQ(error_of(R"({"ociVersion": "1.0.0", "root": {"path": "r"}, "linux": {"seccomp": {"syscalls": []}}})"),
            "linux.seccomp.defaultAction: is required");
  EXPECT_EQ(error_of(R"({"ociVersion": "1.0.0", "root": {"path": "r"},
              "linux": {"seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 9}]}]}}})"),
            "linux.seccomp.syscalls[0].args[0].index: 9 is not a syscall argument index (0..5)");
  EXPECT_EQ(error_of(R"({"ociVersion": "1.0.0", "root": {"path": "r"}, "process": {"args": "sh"}})"),
            "process.args: expected an array of strings, got string");
}

TEST(RuntimeSpecParse, HugeAndDeepInputIsRefusedNotCrashed) {
  std::string deep(100000, '[');
  EXPECT_NE(error_of(deep).find("invalid JSON"), std::string::npos);
  std::string long_path = "/" + std::string(5000, 'a');
  EXPECT_NE(
      error_of(R"({"ociVersion": "1.0.0", "root": {"path": "r"}, "mounts": [{"destination": ")" + long_path + R"("}]})")
          .find("longer than PATH_MAX"),
      std::string::npos);
  EXPECT_NE(
      error_of(R"({"ociVersion": "1.0.0", "root": {"path": "r"}, "linux": {"resources": {"pids": {"limit": 1e400}}}})")
          .find("invalid JSON"),
      std::string::npos);
}

TEST(RuntimeSpecParse, ProcessAndResourcesDocuments) {
  auto process = parse_process(R"({"args": ["ls"], "cwd": "/tmp", "env": ["A=B"]})");
  ASSERT_TRUE(process) << process.error().message;
  EXPECT_EQ(process->cwd, "/tmp");
  EXPECT_FALSE(parse_process(R"({"args": [], "cwd": "/"})"));
  auto resources = parse_resources(R"({"memory": {"limit": 1048576}})");
  ASSERT_TRUE(resources) << resources.error().message;
  EXPECT_EQ(*resources->memory->limit, 1048576);
  auto bad = parse_resources(R"({"memory": {"limit": "big"}})");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "resources.memory.limit: expected an integer, got string");
}

}  // namespace
}  // namespace berth::oci
