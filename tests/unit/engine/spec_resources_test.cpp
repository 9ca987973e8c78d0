#include "engine/spec_resources.h"

#include <sys/prctl.h>

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "engine/spec_security.h"

namespace berth {
namespace {

using Strings = std::vector<std::string>;

Result<oci::Resources> resources(const HostConfig& host, bool v2 = true) {
  std::vector<std::string> warnings;
  return container_resources(host, v2, warnings);
}

std::string error_of(const Result<oci::Resources>& result) { return result ? "" : result.error().message; }

TEST(ContainerResources, NothingSetMeansNothingLimited) {
  auto r = resources({});
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->memory);
  EXPECT_FALSE(r->cpu);
  EXPECT_FALSE(r->pids);
  EXPECT_FALSE(r->block_io);
}

TEST(ContainerResources, MemoryAndSwap) {
  HostConfig host;
  host.memory = 64 << 20;
  auto r = resources(host);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r->memory->limit, 64 << 20);
  EXPECT_EQ(*r->memory->swap, 128 << 20);  // Docker's default: swap equal to memory
  host.memory_swap = -1;
  r = resources(host);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r->memory->swap, -1);
  host.memory_swap = 100 << 20;
  host.memory_reservation = 32 << 20;
  r = resources(host);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r->memory->swap, 100 << 20);
  EXPECT_EQ(*r->memory->reservation, 32 << 20);
}

TEST(ContainerResources, MemoryErrors) {
  HostConfig host;
  host.memory = 64 << 20;
  host.memory_swap = 32 << 20;
  EXPECT_EQ(error_of(resources(host)), "Minimum memoryswap limit should be larger than memory limit, see usage");
  host = {};
  host.memory = 1024;
  EXPECT_EQ(error_of(resources(host)), "Minimum memory limit allowed is 6MB");
  host = {};
  host.memory_swap = 64 << 20;
  EXPECT_EQ(error_of(resources(host)), "You should always set the Memory limit when using Memoryswap limit, see usage");
  host = {};
  host.memory = 64 << 20;
  host.memory_reservation = 128 << 20;
  EXPECT_EQ(error_of(resources(host)), "Minimum memory limit can not be less than memory reservation limit, see usage");
  host = {};
  host.memory_swappiness = 101;
  EXPECT_EQ(error_of(resources(host)), "Invalid value: 101, valid memory swappiness range is 0-100");
}

TEST(ContainerResources, SwappinessAndOomKillDisableDroppedOnV2KeptOnV1) {
  HostConfig host;
  host.memory_swappiness = 10;
  host.oom_kill_disable = true;
  std::vector<std::string> warnings;
  auto v2 = container_resources(host, true, warnings);
  ASSERT_TRUE(v2);
  EXPECT_FALSE(v2->memory);
  EXPECT_EQ(warnings.size(), 2u);
  auto v1 = resources(host, false);
  ASSERT_TRUE(v1);
  EXPECT_EQ(*v1->memory->swappiness, 10u);
  EXPECT_TRUE(*v1->memory->disable_oom_killer);
}

TEST(ContainerResources, Cpu) {
  HostConfig host;
  host.nano_cpus = 1500000000;
  host.cpu_shares = 512;
  host.cpuset_cpus = "0-1,3";
  host.cpuset_mems = "0";
  auto r = resources(host);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r->cpu->period, 100000u);
  EXPECT_EQ(*r->cpu->quota, 150000);
  EXPECT_EQ(*r->cpu->shares, 512u);
  EXPECT_EQ(r->cpu->cpus, "0-1,3");
  EXPECT_EQ(r->cpu->mems, "0");
  host = {};
  host.cpu_period = 50000;
  host.cpu_quota = 25000;
  r = resources(host);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r->cpu->period, 50000u);
  EXPECT_EQ(*r->cpu->quota, 25000);
}

TEST(ContainerResources, CpuErrors) {
  HostConfig host;
  host.cpuset_cpus = "0-";
  EXPECT_EQ(error_of(resources(host)), "Invalid value 0- for cpuset cpus");
  host.cpuset_cpus = "3-1";
  EXPECT_EQ(error_of(resources(host)), "Invalid value 3-1 for cpuset cpus");
  host.cpuset_cpus = "a";
  EXPECT_EQ(error_of(resources(host)), "Invalid value a for cpuset cpus");
  host.cpuset_cpus = "0,,1";
  EXPECT_EQ(error_of(resources(host)), "Invalid value 0,,1 for cpuset cpus");
  host = {};
  host.cpuset_mems = "0 1";
  EXPECT_EQ(error_of(resources(host)), "Invalid value 0 1 for cpuset mems");
  host = {};
  host.nano_cpus = 1000000000;
  host.cpu_quota = 5000;
  EXPECT_EQ(error_of(resources(host)), "Conflicting options: Nano CPUs and CPU Quota cannot both be set");
  host = {};
  host.cpu_period = 10;
  EXPECT_EQ(error_of(resources(host)),
            "CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)");
  host = {};
  host.cpu_quota = 10;
  EXPECT_EQ(error_of(resources(host)), "CPU cfs quota can not be less than 1ms (i.e. 1000)");
  host = {};
  host.blkio_weight = 5;
  EXPECT_EQ(error_of(resources(host)), "Range of blkio weight is from 10 to 1000");
}

TEST(ContainerResources, PidsAndBlkio) {
  HostConfig host;
  host.pids_limit = 100;
  host.blkio_weight = 300;
  auto r = resources(host);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->pids->limit, 100);
  EXPECT_EQ(*r->block_io->weight, 300);
  for (int64_t unlimited : {0, -1}) {
    host.pids_limit = unlimited;
    r = resources(host);
    ASSERT_TRUE(r);
    EXPECT_FALSE(r->pids) << unlimited;
  }
}

TEST(ContainerRlimits, NamesAndValues) {
  auto rlimits = container_rlimits({{"nofile", 2048, 1024}, {"nproc", 100, 50}, {"core", -1, -1}}, 20000);
  ASSERT_TRUE(rlimits) << rlimits.error().message;
  ASSERT_EQ(rlimits->size(), 3u);
  EXPECT_EQ((*rlimits)[0].type, "RLIMIT_NOFILE");
  EXPECT_EQ((*rlimits)[0].soft, 1024u);
  EXPECT_EQ((*rlimits)[0].hard, 2048u);
  EXPECT_EQ((*rlimits)[1].type, "RLIMIT_NPROC");
  EXPECT_EQ((*rlimits)[2].hard, UINT64_MAX);
}

TEST(ContainerRlimits, Errors) {
  auto check = [](std::vector<Ulimit> limits, std::string_view message) {
    auto rlimits = container_rlimits(limits, 20000);
    ASSERT_FALSE(rlimits);
    EXPECT_EQ(rlimits.error().message, message);
  };
  check({{"nofiles", 1, 1}}, "invalid ulimit type: nofiles");
  check({{"nofile", 100, 200}}, "ulimit nofile: soft limit must be less than or equal to hard limit: 200 > 100");
  check({{"nofile", 30000, 30000}}, "ulimit nofile=30000: exceeds the hard limit 20000 of this host");
  check({{"nofile", 30000, 1024}}, "ulimit nofile=1024:30000: exceeds the hard limit 20000 of this host");
  check({{"nofile", -1, -1}}, "ulimit nofile=-1: exceeds the hard limit 20000 of this host");
  check({{"nproc", -5, 1}}, "ulimit nproc: invalid value -5");
}

TEST(ParseDeviceMapping, DockerCliForms) {
  auto device = parse_device_mapping("/dev/fuse");
  ASSERT_TRUE(device);
  EXPECT_EQ(device->path_in_container, "/dev/fuse");
  EXPECT_EQ(device->cgroup_permissions, "rwm");
  device = parse_device_mapping("/dev/sda:/dev/xvda:rm");
  ASSERT_TRUE(device);
  EXPECT_EQ(device->path_on_host, "/dev/sda");
  EXPECT_EQ(device->path_in_container, "/dev/xvda");
  EXPECT_EQ(device->cgroup_permissions, "rm");
  device = parse_device_mapping("/dev/sda:r");
  ASSERT_TRUE(device);
  EXPECT_EQ(device->path_in_container, "/dev/sda");
  EXPECT_EQ(device->cgroup_permissions, "r");
  EXPECT_EQ(parse_device_mapping("/a:/b:rx").error().message, "invalid device mode: rx");
  EXPECT_EQ(parse_device_mapping("/a:/b:r:w").error().message, "invalid device specification: /a:/b:r:w");
  EXPECT_FALSE(parse_device_mapping("dev/sda"));
}

TEST(ParseDeviceCgroupRule, AcceptsAndRejects) {
  auto rule = parse_device_cgroup_rule("c 1:3 rwm");
  ASSERT_TRUE(rule);
  EXPECT_EQ(rule->type, "c");
  EXPECT_EQ(*rule->major, 1);
  EXPECT_EQ(*rule->minor, 3);
  rule = parse_device_cgroup_rule("b *:* rm");
  ASSERT_TRUE(rule);
  EXPECT_FALSE(rule->major);
  for (auto bad : {"x 1:3 rwm", "c 1:3", "c 1-3 rwm", "c a:3 rwm", "c 1:3 rwx", "c 1:3 rr", "c  1:3 rwm"}) {
    auto parsed = parse_device_cgroup_rule(bad);
    ASSERT_FALSE(parsed) << bad;
    EXPECT_EQ(parsed.error().message, fmt::format("invalid device cgroup rule format: '{}'", bad));
  }
}

oci::Device fake_device(std::string path, int64_t major, int64_t minor) {
  oci::Device device;
  device.type = "c";
  device.path = std::move(path);
  device.major = major;
  device.minor = minor;
  device.file_mode = 0666;
  device.uid = device.gid = 0;
  return device;
}

TEST(ContainerDevices, DefaultRulesPlusDevicesAndRules) {
  HostConfig host;
  host.devices = {{"/dev/fuse", "/dev/fuse", "rwm"}, {"/dev/sda", "/dev/xvda", "r"}};
  host.device_cgroup_rules = {"c 42:* rmw"};
  StatDevice stat = [](std::string_view path) -> Result<oci::Device> {
    if (path == "/dev/fuse") return fake_device("/dev/fuse", 10, 229);
    auto device = fake_device(std::string(path), 8, 0);
    device.type = "b";
    return device;
  };
  auto devices = container_devices(host, stat, "/nonexistent");
  ASSERT_TRUE(devices) << devices.error().message;
  ASSERT_EQ(devices->nodes.size(), 2u);
  EXPECT_EQ(devices->nodes[1].path, "/dev/xvda");
  EXPECT_EQ(devices->nodes[1].type, "b");
  auto& rules = devices->rules;
  ASSERT_EQ(rules.size(), 8u + 3u);
  EXPECT_FALSE(rules[0].allow);
  EXPECT_EQ(rules[0].access, "rwm");
  EXPECT_FALSE(rules[0].major);
  EXPECT_FALSE(rules[7].allow);  // fuse denied by default...
  EXPECT_EQ(*rules[7].major, 10);
  EXPECT_TRUE(rules[8].allow);  // ...and allowed again by --device /dev/fuse
  EXPECT_EQ(*rules[8].minor, 229);
  EXPECT_EQ(rules[9].type, "b");
  EXPECT_EQ(rules[9].access, "r");
  EXPECT_EQ(rules[10].access, "rmw");
}

TEST(ContainerDevices, MissingDeviceFailsLikeDocker) {
  HostConfig host;
  host.devices = {{"/dev/nope", "/dev/nope", "rwm"}};
  auto devices = container_devices(host, stat_host_device, "/dev");
  ASSERT_FALSE(devices);
  EXPECT_EQ(devices.error().message,
            "error gathering device information while adding custom device \"/dev/nope\": no such file or directory");
}

TEST(ContainerDevices, StatsARealDevice) {
  auto null = stat_host_device("/dev/null");
  ASSERT_TRUE(null) << null.error().message;
  EXPECT_EQ(null->type, "c");
  EXPECT_EQ(null->major, 1);
  EXPECT_EQ(null->minor, 3);
  auto not_device = stat_host_device("/");
  ASSERT_FALSE(not_device);
  EXPECT_EQ(not_device.error().message, "not a device node");
}

TEST(ContainerDevices, PrivilegedGetsEveryHostDevice) {
  // A fake /dev: symlinks and regular files are skipped, as are pts/ and console.
  auto dir = std::filesystem::temp_directory_path() / fmt::format("berth-devs-{}", ::getpid());
  std::filesystem::create_directories(dir / "pts");
  std::filesystem::create_directories(dir / "sub");
  std::ofstream(dir / "regular") << "x";
  std::filesystem::create_symlink("/dev/null", dir / "link");
  auto devices = list_host_devices(dir.string());
  ASSERT_TRUE(devices) << devices.error().message;
  EXPECT_TRUE(devices->empty());
  std::filesystem::remove_all(dir);

  // The real /dev has at least null; the rules allow everything.
  HostConfig host;
  host.privileged = true;
  auto all = container_devices(host, stat_host_device, "/dev");
  ASSERT_TRUE(all) << all.error().message;
  bool has_null = false;
  for (auto& node : all->nodes) {
    has_null |= node.path == "/dev/null";
    EXPECT_FALSE(node.path.starts_with("/dev/pts/")) << node.path;
    EXPECT_NE(node.path, "/dev/console");
  }
  EXPECT_TRUE(has_null);
  ASSERT_EQ(all->rules.size(), 1u);
  EXPECT_TRUE(all->rules[0].allow);
  EXPECT_EQ(all->rules[0].access, "rwm");
}

TEST(Capabilities, DefaultsAddDropAll) {
  auto caps = container_capabilities({});
  ASSERT_TRUE(caps);
  EXPECT_EQ(caps->size(), 14u);
  EXPECT_EQ(*caps, default_capabilities());
  HostConfig host;
  host.cap_add = {"net_admin", "CAP_SYS_TIME"};
  host.cap_drop = {"MKNOD", "cap_net_raw"};
  caps = container_capabilities(host);
  ASSERT_TRUE(caps);
  EXPECT_EQ(caps->size(), 14u);
  EXPECT_EQ(std::count(caps->begin(), caps->end(), "CAP_MKNOD"), 0);
  EXPECT_EQ(std::count(caps->begin(), caps->end(), "CAP_NET_RAW"), 0);
  EXPECT_EQ(caps->back(), "CAP_SYS_TIME");
  host.cap_add = {"all"};
  host.cap_drop = {"SYS_ADMIN"};
  caps = container_capabilities(host);
  ASSERT_TRUE(caps);
  EXPECT_EQ(caps->size(), available_capabilities().size() - 1);
  host.cap_add = {"CHOWN"};
  host.cap_drop = {"ALL"};
  caps = container_capabilities(host);
  ASSERT_TRUE(caps);
  EXPECT_EQ(*caps, (Strings{"CAP_CHOWN"}));
  host = {};
  host.privileged = true;
  host.cap_drop = {"CHOWN"};
  caps = container_capabilities(host);
  ASSERT_TRUE(caps);
  EXPECT_EQ(*caps, available_capabilities());
}

TEST(Capabilities, AvailableAreThoseInOurBoundingSet) {
  const auto& all = all_capabilities();
  const auto& available = available_capabilities();
  for (size_t cap = 0; cap < all.size(); ++cap) {
    bool held = ::prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 1;
    EXPECT_EQ(std::count(available.begin(), available.end(), all[cap]), held ? 1 : 0) << all[cap];
  }
}

TEST(Capabilities, UnknownFails) {
  HostConfig host;
  host.cap_add = {"FOO"};
  auto caps = container_capabilities(host);
  ASSERT_FALSE(caps);
  EXPECT_EQ(caps.error().message, "unknown capability: \"CAP_FOO\"");
  host.cap_add = {};
  host.cap_drop = {"cap_bar"};
  caps = container_capabilities(host);
  ASSERT_FALSE(caps);
  EXPECT_EQ(caps.error().message, "unknown capability: \"CAP_BAR\"");
}

TEST(Sysctls, NamespacedAllowedOthersRejected) {
  HostConfig host;
  host.sysctls = {{"kernel.shmmax", "1"},
                  {"kernel.msgmax", "2"},
                  {"kernel.sem", "3"},
                  {"fs.mqueue.msg_max", "4"},
                  {"net.ipv4.ip_forward", "1"}};
  auto sysctls = container_sysctls(host, true, true, false);
  ASSERT_TRUE(sysctls) << sysctls.error().message;
  EXPECT_EQ(sysctls->size(), 7u);  // with Docker's two defaults
  EXPECT_EQ(sysctls->at("net.ipv4.ping_group_range"), "0 2147483647");
  EXPECT_EQ(sysctls->at("net.ipv4.ip_unprivileged_port_start"), "0");
  host.sysctls = {{"net.ipv4.ip_unprivileged_port_start", "1024"}};
  sysctls = container_sysctls(host, true, true, false);
  ASSERT_TRUE(sysctls);
  EXPECT_EQ(sysctls->at("net.ipv4.ip_unprivileged_port_start"), "1024");
  sysctls = container_sysctls({}, true, false, false);  // joined another container's netns
  ASSERT_TRUE(sysctls);
  EXPECT_TRUE(sysctls->empty());
}

TEST(Sysctls, Errors) {
  HostConfig host;
  host.sysctls = {{"vm.swappiness", "1"}};
  auto sysctls = container_sysctls(host, true, true, false);
  ASSERT_FALSE(sysctls);
  EXPECT_EQ(sysctls.error().message,
            "sysctl \"vm.swappiness\" is not allowed: it is not namespaced (allowed: kernel.msg*, kernel.sem, "
            "kernel.shm*, fs.mqueue.*, net.*)");
  host.sysctls = {{"kernel.hostname", "x"}};
  EXPECT_FALSE(container_sysctls(host, true, true, false));
  host.sysctls = {{"net.ipv4.ip_forward", "1"}};
  sysctls = container_sysctls(host, false, false, false);
  ASSERT_FALSE(sysctls);
  EXPECT_EQ(sysctls.error().message, "sysctl \"net.ipv4.ip_forward\" is not allowed in the host's network namespace");
  host.sysctls = {{"kernel.shmmax", "1"}};
  sysctls = container_sysctls(host, true, true, true);
  ASSERT_FALSE(sysctls);
  EXPECT_EQ(sysctls.error().message, "sysctl \"kernel.shmmax\" is not allowed in the host's IPC namespace");
}

}  // namespace
}  // namespace berth
