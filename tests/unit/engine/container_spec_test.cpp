#include "engine/container_spec.h"

#include <gtest/gtest.h>

#include "engine/spec_security.h"
#include "oci/runtime_spec_write.h"

namespace berth {
namespace {

using nlohmann::json;
using Strings = std::vector<std::string>;

const std::string kId = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

SpecInputs base_inputs() {
  SpecInputs inputs;
  inputs.config.cmd = {"sh"};
  inputs.host.network_mode = "none";
  inputs.image_config =
      json{{"Env", {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}}, {"Cmd", {"sh"}}};
  inputs.container_id = kId;
  inputs.rootfs_path = "/var/lib/berth/containers/x/rootfs";
  inputs.cgroups_path = "/berth/" + kId;
  inputs.host_nofile_hard = 20000;
  inputs.read_rootfs_file = [](std::string_view path) -> Result<std::optional<std::string>> {
    if (path == "/etc/passwd")
      return std::optional<std::string>("root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/:/bin/sh\n");
    if (path == "/etc/group") return std::optional<std::string>("root:x:0:\nwheel:x:10:root\nstaff:x:50:app\n");
    return std::optional<std::string>();
  };
  inputs.stat_device = [](std::string_view path) -> Result<oci::Device> {
    if (path != "/dev/fuse") return fail_errno(ENOENT, "stat {}", path);
    oci::Device device;
    device.type = "c";
    device.path = "/dev/fuse";
    device.major = 10;
    device.minor = 229;
    return device;
  };
  return inputs;
}

ContainerSpec make(const SpecInputs& inputs) {
  auto result = make_runtime_spec(inputs);
  EXPECT_TRUE(result) << result.error().message;
  if (!result) return {};
  return *result;
}

std::string error_of(const SpecInputs& inputs) {
  auto result = make_runtime_spec(inputs);
  return result ? std::string("(no error)") : result.error().message;
}

bool has_namespace(const oci::Spec& spec, oci::NamespaceType type, std::string_view path = "") {
  auto* ns = spec.linux.find_namespace(type);
  return ns && ns->path == path;
}

const oci::Mount* find_mount(const oci::Spec& spec, std::string_view destination) {
  for (auto& mount : spec.mounts)
    if (mount.destination == destination) return &mount;
  return nullptr;
}

TEST(MakeRuntimeSpec, PlainContainerLooksLikeDockers) {
  auto result = make(base_inputs());
  auto& spec = result.spec;
  EXPECT_EQ(spec.root.path, "/var/lib/berth/containers/x/rootfs");
  EXPECT_FALSE(spec.root.readonly);
  EXPECT_EQ(spec.hostname, "0123456789ab");
  EXPECT_TRUE(spec.annotations.empty());
  ASSERT_TRUE(spec.process);
  EXPECT_EQ(spec.process->args, (Strings{"sh"}));
  EXPECT_EQ(spec.process->env,
            (Strings{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOSTNAME=0123456789ab"}));
  EXPECT_EQ(spec.process->cwd, "/");
  EXPECT_FALSE(spec.process->terminal);
  EXPECT_EQ(spec.process->user.uid, 0u);
  EXPECT_EQ(spec.process->user.additional_gids, (std::vector<uint32_t>{0, 10}));
  EXPECT_EQ(spec.process->capabilities->bounding.size(), 14u);
  EXPECT_EQ(spec.process->capabilities->effective, spec.process->capabilities->bounding);
  EXPECT_EQ(spec.process->capabilities->permitted, spec.process->capabilities->bounding);
  EXPECT_TRUE(spec.process->capabilities->inheritable.empty());
  EXPECT_TRUE(spec.process->capabilities->ambient.empty());
  EXPECT_FALSE(spec.process->no_new_privileges);
  EXPECT_TRUE(spec.process->rlimits.empty());
  EXPECT_EQ(*spec.process->oom_score_adj, 0);
  for (auto type : {oci::NamespaceType::mount, oci::NamespaceType::network, oci::NamespaceType::uts,
                    oci::NamespaceType::pid, oci::NamespaceType::ipc, oci::NamespaceType::cgroup})
    EXPECT_TRUE(has_namespace(spec, type)) << oci::namespace_name(type);
  EXPECT_FALSE(spec.linux.find_namespace(oci::NamespaceType::user));
  EXPECT_EQ(spec.linux.masked_paths.size(), 12u);
  EXPECT_EQ(spec.linux.readonly_paths,
            (Strings{"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"}));
  EXPECT_EQ(spec.linux.cgroups_path, "/berth/" + kId);
  EXPECT_EQ(spec.linux.sysctl.at("net.ipv4.ip_unprivileged_port_start"), "0");
  EXPECT_FALSE(spec.linux.seccomp);
  ASSERT_TRUE(spec.linux.resources);
  EXPECT_EQ(spec.linux.resources->devices.size(), 8u);
  EXPECT_EQ(result.stop_signal, "SIGTERM");
  EXPECT_FALSE(result.init);
  EXPECT_EQ(spec.mounts.size(), 7u);
}

TEST(MakeRuntimeSpec, ArgsFromEntrypointAndCmd) {
  auto inputs = base_inputs();
  inputs.image_config = json{{"Entrypoint", {"/entry", "-x"}}, {"Cmd", {"default"}}};
  inputs.config.cmd.clear();
  EXPECT_EQ(make(inputs).spec.process->args, (Strings{"/entry", "-x", "default"}));
  inputs.config.cmd = {"mine"};
  EXPECT_EQ(make(inputs).spec.process->args, (Strings{"/entry", "-x", "mine"}));
  inputs.config.cmd.clear();
  inputs.config.entrypoint = Strings{"/other"};
  EXPECT_EQ(make(inputs).spec.process->args, (Strings{"/other"}));  // the image's Cmd is reset
  inputs.config.entrypoint = Strings{""};
  inputs.config.cmd = {"ls", "-l"};
  EXPECT_EQ(make(inputs).spec.process->args, (Strings{"ls", "-l"}));
  inputs.config.cmd.clear();
  EXPECT_EQ(error_of(inputs), "No command specified");
}

TEST(MakeRuntimeSpec, EnvOrderOverridesAndTerm) {
  auto inputs = base_inputs();
  inputs.image_config = json{{"Env", {"PATH=/image/bin", "LANG=C", "DROP=1"}}, {"Cmd", {"sh"}}};
  inputs.config.env = {"LANG=fr_FR", "USER_VAR=1", "HOSTNAME=custom", "DROP"};
  inputs.config.tty = true;
  auto spec = make(inputs).spec;
  EXPECT_EQ(spec.process->env,
            (Strings{"PATH=/image/bin", "HOSTNAME=custom", "TERM=xterm", "LANG=fr_FR", "USER_VAR=1"}));
  EXPECT_TRUE(spec.process->terminal);
}

TEST(MakeRuntimeSpec, WorkingDirAndHostname) {
  auto inputs = base_inputs();
  inputs.image_config["WorkingDir"] = "/srv/app/";
  inputs.config.hostname = "web";
  inputs.config.domainname = "example.com";
  auto spec = make(inputs).spec;
  EXPECT_EQ(spec.process->cwd, "/srv/app");
  EXPECT_EQ(spec.hostname, "web");
  EXPECT_EQ(spec.domainname, "example.com");
  inputs.config.working_dir = "relative";
  EXPECT_EQ(error_of(inputs), "the working directory 'relative' is invalid, it needs to be an absolute path");
}

TEST(MakeRuntimeSpec, UserFromImageOrConfig) {
  auto inputs = base_inputs();
  inputs.image_config["User"] = "app";
  auto user = make(inputs).spec.process->user;
  EXPECT_EQ(user.uid, 1000u);
  EXPECT_EQ(user.additional_gids, (std::vector<uint32_t>{1000, 50}));
  // Not root: nothing effective or permitted, the bounding set stays.
  auto caps = *make(inputs).spec.process->capabilities;
  EXPECT_EQ(caps.bounding.size(), 14u);
  EXPECT_TRUE(caps.effective.empty());
  EXPECT_TRUE(caps.permitted.empty());
  inputs.config.user = "1:2";
  inputs.host.group_add = {"staff", "4000"};
  user = make(inputs).spec.process->user;
  EXPECT_EQ(user.uid, 1u);
  EXPECT_EQ(user.gid, 2u);
  EXPECT_EQ(user.additional_gids, (std::vector<uint32_t>{2, 50, 4000}));
  inputs.config.user = "foo";
  EXPECT_EQ(error_of(inputs), "unable to find user foo: no matching entries in passwd file");
  inputs.read_rootfs_file = [](std::string_view) -> Result<std::optional<std::string>> {
    return fail("permission denied");
  };
  EXPECT_EQ(error_of(inputs), "read /etc/passwd in container: permission denied");
}

TEST(MakeRuntimeSpec, Capabilities) {
  auto inputs = base_inputs();
  inputs.host.cap_add = {"sys_admin"};
  inputs.host.cap_drop = {"CAP_CHOWN"};
  auto caps = make(inputs).spec.process->capabilities->bounding;
  EXPECT_EQ(std::count(caps.begin(), caps.end(), "CAP_SYS_ADMIN"), 1);
  EXPECT_EQ(std::count(caps.begin(), caps.end(), "CAP_CHOWN"), 0);
  inputs.host.cap_add = {"CAP_NOPE"};
  EXPECT_EQ(error_of(inputs), "unknown capability: \"CAP_NOPE\"");
}

TEST(MakeRuntimeSpec, Privileged) {
  auto inputs = base_inputs();
  inputs.host.privileged = true;
  inputs.seccomp = oci::Seccomp{"SCMP_ACT_ERRNO", {}, {}, {}, {}, {}, {}};
  auto spec = make(inputs).spec;
  EXPECT_EQ(spec.process->capabilities->bounding, available_capabilities());
  EXPECT_FALSE(spec.linux.seccomp);
  EXPECT_TRUE(spec.linux.masked_paths.empty());
  EXPECT_TRUE(spec.linux.readonly_paths.empty());
  EXPECT_EQ(find_mount(spec, "/sys")->options, (Strings{"nosuid", "noexec", "nodev"}));
  EXPECT_FALSE(spec.linux.devices.empty());  // the host's /dev
  ASSERT_EQ(spec.linux.resources->devices.size(), 1u);
  EXPECT_TRUE(spec.linux.resources->devices[0].allow);
}

TEST(MakeRuntimeSpec, SeccompPassedThrough) {
  auto inputs = base_inputs();
  inputs.seccomp = oci::Seccomp{"SCMP_ACT_ERRNO", {}, {}, {}, {}, {}, {}};
  EXPECT_EQ(make(inputs).spec.linux.seccomp->default_action, "SCMP_ACT_ERRNO");
}

TEST(MakeRuntimeSpec, NamespaceModes) {
  auto inputs = base_inputs();
  inputs.host.network_mode = "host";
  inputs.host.ipc_mode = "host";
  inputs.host.pid_mode = "host";
  inputs.host.uts_mode = "host";
  inputs.host.cgroupns_mode = "host";
  auto spec = make(inputs).spec;
  EXPECT_EQ(spec.linux.namespaces.size(), 1u);
  EXPECT_TRUE(has_namespace(spec, oci::NamespaceType::mount));
  EXPECT_EQ(spec.hostname, "");
  EXPECT_TRUE(spec.linux.sysctl.empty());  // no default net sysctls in the host's netns
  EXPECT_EQ(find_mount(spec, "/dev/shm")->source, "/dev/shm");

  inputs = base_inputs();
  inputs.host.network_mode = "container:abc";
  inputs.host.ipc_mode = "container:abc";
  inputs.host.pid_mode = "container:abc";
  EXPECT_EQ(error_of(inputs),
            "network mode container:abc: the engine did not resolve the container's network namespace");
  inputs.network_namespace_path = "/proc/42/ns/net";
  EXPECT_EQ(error_of(inputs), "PID mode container:abc: the engine did not resolve the container's PID namespace");
  inputs.pid_namespace_path = "/proc/42/ns/pid";
  inputs.ipc_namespace_path = "/proc/42/ns/ipc";
  spec = make(inputs).spec;
  EXPECT_TRUE(has_namespace(spec, oci::NamespaceType::network, "/proc/42/ns/net"));
  EXPECT_TRUE(has_namespace(spec, oci::NamespaceType::pid, "/proc/42/ns/pid"));
  EXPECT_TRUE(has_namespace(spec, oci::NamespaceType::ipc, "/proc/42/ns/ipc"));

  inputs = base_inputs();
  inputs.host.network_mode = "bridge";
  inputs.cgroup_v2 = false;
  spec = make(inputs).spec;
  EXPECT_TRUE(has_namespace(spec, oci::NamespaceType::network));
  EXPECT_FALSE(spec.linux.find_namespace(oci::NamespaceType::cgroup));  // v1 default: host
  inputs.host.cgroupns_mode = "private";
  EXPECT_TRUE(has_namespace(make(inputs).spec, oci::NamespaceType::cgroup));

  inputs = base_inputs();
  inputs.host.ipc_mode = "bogus";
  EXPECT_EQ(error_of(inputs), "invalid IPC mode: bogus");
  inputs = base_inputs();
  inputs.host.pid_mode = "bogus";
  EXPECT_EQ(error_of(inputs), "invalid PID mode: bogus");
  inputs = base_inputs();
  inputs.host.uts_mode = "container:x";
  EXPECT_EQ(error_of(inputs), "invalid UTS mode: container:x");
  inputs = base_inputs();
  inputs.host.cgroupns_mode = "shared";
  EXPECT_EQ(error_of(inputs), "invalid cgroup namespace mode: shared");
  inputs = base_inputs();
  inputs.host.userns_mode = "private";
  EXPECT_EQ(error_of(inputs), "invalid USER mode: private: only \"host\" is supported");
}

TEST(MakeRuntimeSpec, MountsAndReadonlyRootfs) {
  auto inputs = base_inputs();
  inputs.host.readonly_rootfs = true;
  inputs.host.binds = {"/srv/data:/data:ro", "named:/named"};
  inputs.host.tmpfs = {{"/run", "rw,size=64m"}};
  inputs.image_config["Volumes"] = {{"/var/lib/db", json::object()}};
  inputs.volume_paths = {{"/named", "/vol/named"}, {"/var/lib/db", "/vol/anon"}};
  inputs.hostname_path = "/c/hostname";
  inputs.hosts_path = "/c/hosts";
  inputs.resolv_conf_path = "/c/resolv.conf";
  auto spec = make(inputs).spec;
  EXPECT_TRUE(spec.root.readonly);
  EXPECT_EQ(find_mount(spec, "/data")->options, (Strings{"rbind", "ro", "rprivate"}));
  EXPECT_EQ(find_mount(spec, "/named")->source, "/vol/named");
  EXPECT_EQ(find_mount(spec, "/var/lib/db")->source, "/vol/anon");
  EXPECT_EQ(find_mount(spec, "/run")->type, "tmpfs");
  EXPECT_EQ(find_mount(spec, "/etc/hosts")->options, (Strings{"rbind", "ro", "rprivate"}));
  inputs.host.binds = {"/a:/x", "/b:/x"};
  EXPECT_EQ(error_of(inputs), "Duplicate mount point: /x");
  inputs.host.binds = {"/a:x"};
  EXPECT_EQ(error_of(inputs),
            "invalid volume specification: '/a:x': invalid mount config for type \"bind\": "
            "invalid mount path: 'x' mount path must be absolute");
}

TEST(MakeRuntimeSpec, SecurityOptions) {
  auto inputs = base_inputs();
  inputs.host.security_opt = {"no-new-privileges"};
  EXPECT_TRUE(make(inputs).spec.process->no_new_privileges);
  inputs.host.security_opt = {"no-new-privileges:true"};
  EXPECT_TRUE(make(inputs).spec.process->no_new_privileges);
  inputs.host.security_opt = {"no-new-privileges=false"};
  EXPECT_FALSE(make(inputs).spec.process->no_new_privileges);
  inputs.host.security_opt = {"systempaths=unconfined"};
  EXPECT_TRUE(make(inputs).spec.linux.masked_paths.empty());
  inputs.host.security_opt = {"seccomp=unconfined", "apparmor=unconfined", "label=disable"};
  EXPECT_TRUE(make_runtime_spec(inputs));
  inputs.host.security_opt = {"bogus=1"};
  EXPECT_EQ(error_of(inputs), "invalid --security-opt 2: \"bogus=1\"");
  inputs.host.security_opt = {"bogus"};
  EXPECT_EQ(error_of(inputs), "invalid --security-opt 1: \"bogus\"");
  inputs.host.security_opt = {"no-new-privileges=maybe"};
  EXPECT_EQ(error_of(inputs), "invalid --security-opt 2: \"no-new-privileges=maybe\"");
}

TEST(MakeRuntimeSpec, MaskedPathsFromHostConfig) {
  auto inputs = base_inputs();
  inputs.host.masked_paths = Strings{"/proc/kcore"};
  inputs.host.readonly_paths = Strings{};
  auto spec = make(inputs).spec;
  EXPECT_EQ(spec.linux.masked_paths, (Strings{"/proc/kcore"}));
  EXPECT_TRUE(spec.linux.readonly_paths.empty());
}

TEST(MakeRuntimeSpec, SysctlsUlimitsResourcesDevices) {
  auto inputs = base_inputs();
  inputs.host.sysctls = {{"net.core.somaxconn", "1024"}};
  inputs.host.ulimits = {{"nofile", 4096, 1024}};
  inputs.host.memory = 256 << 20;
  inputs.host.pids_limit = 50;
  inputs.host.oom_score_adj = 500;
  inputs.host.devices = {{"/dev/fuse", "/dev/fuse", "rwm"}};
  inputs.host.device_cgroup_rules = {"c 42:1 r"};
  auto spec = make(inputs).spec;
  EXPECT_EQ(spec.linux.sysctl.at("net.core.somaxconn"), "1024");
  ASSERT_EQ(spec.process->rlimits.size(), 1u);
  EXPECT_EQ(spec.process->rlimits[0].type, "RLIMIT_NOFILE");
  EXPECT_EQ(*spec.linux.resources->memory->limit, 256 << 20);
  EXPECT_EQ(spec.linux.resources->pids->limit, 50);
  EXPECT_EQ(*spec.process->oom_score_adj, 500);
  ASSERT_EQ(spec.linux.devices.size(), 1u);
  EXPECT_EQ(spec.linux.devices[0].path, "/dev/fuse");
  EXPECT_EQ(spec.linux.resources->devices.size(), 10u);

  inputs.host.ulimits = {{"nofile", 30000, 30000}};
  EXPECT_EQ(error_of(inputs), "ulimit nofile=30000: exceeds the hard limit 20000 of this host");
  inputs.host.ulimits = {};
  inputs.host.sysctls = {{"kernel.panic", "1"}};
  EXPECT_EQ(error_of(inputs).rfind("sysctl \"kernel.panic\" is not allowed", 0), 0u);
  inputs.host.sysctls = {};
  inputs.host.memory_swap = 128 << 20;
  inputs.host.memory = 256 << 20;
  EXPECT_EQ(error_of(inputs), "Minimum memoryswap limit should be larger than memory limit, see usage");
  inputs.host.memory_swap = 0;
  inputs.host.cpuset_cpus = "1-x";
  EXPECT_EQ(error_of(inputs), "Invalid value 1-x for cpuset cpus");
  inputs.host.cpuset_cpus = "";
  inputs.host.oom_score_adj = 1001;
  EXPECT_EQ(error_of(inputs), "Invalid value 1001, range for oom score adj is [-1000, 1000]");
  inputs.host.oom_score_adj = 0;
  inputs.host.devices = {{"/dev/nope", "/dev/nope", "rwm"}};
  EXPECT_EQ(error_of(inputs),
            "error gathering device information while adding custom device \"/dev/nope\": no such file or directory");
  inputs.host.devices = {};
  inputs.host.device_cgroup_rules = {"z 1:1 r"};
  EXPECT_EQ(error_of(inputs), "invalid device cgroup rule format: 'z 1:1 r'");
}

TEST(MakeRuntimeSpec, InitAndStopSignal) {
  auto inputs = base_inputs();
  inputs.host.init = true;
  EXPECT_EQ(error_of(inputs), "--init: no init binary is configured");
  inputs.init_binary = "/usr/libexec/berth/berth-init";
  inputs.image_config["StopSignal"] = "SIGQUIT";
  inputs.config.stop_timeout = 3;
  auto result = make(inputs);
  EXPECT_TRUE(result.init);
  EXPECT_EQ(result.spec.process->args, (Strings{"/sbin/docker-init", "--", "sh"}));
  EXPECT_EQ(find_mount(result.spec, "/sbin/docker-init")->source, "/usr/libexec/berth/berth-init");
  EXPECT_EQ(result.stop_signal, "SIGQUIT");
  EXPECT_EQ(*result.stop_timeout, 3);
  // Sharing the host's PID namespace: an init already runs there.
  inputs.host.pid_mode = "host";
  result = make(inputs);
  EXPECT_FALSE(result.init);
  EXPECT_EQ(result.spec.process->args, (Strings{"sh"}));
  EXPECT_EQ(find_mount(result.spec, "/sbin/docker-init"), nullptr);
}

TEST(MakeRuntimeSpec, RejectsBadInputs) {
  auto inputs = base_inputs();
  inputs.rootfs_path = "rootfs";
  EXPECT_EQ(error_of(inputs), "rootfs path \"rootfs\" is not absolute");
  inputs = base_inputs();
  inputs.container_id.clear();
  EXPECT_EQ(error_of(inputs), "container id is empty");
}

TEST(MakeRuntimeSpec, SerializedSpecParsesBack) {
  auto inputs = base_inputs();
  inputs.config.tty = true;
  inputs.config.user = "app";
  inputs.host.memory = 64 << 20;
  inputs.host.cpu_shares = 100;
  inputs.host.nano_cpus = 500000000;
  inputs.host.blkio_weight = 100;
  inputs.host.pids_limit = 10;
  inputs.host.ulimits = {{"nproc", 100, 100}};
  inputs.host.devices = {{"/dev/fuse", "/dev/fuse", "rwm"}};
  inputs.host.tmpfs = {{"/run", ""}};
  inputs.host.security_opt = {"no-new-privileges"};
  inputs.seccomp = oci::Seccomp{"SCMP_ACT_ERRNO", 1, {"SCMP_ARCH_X86_64"}, {}, {}, {}, {}};
  inputs.seccomp->syscalls.push_back({{"read", "write"}, "SCMP_ACT_ALLOW", {}, {{0, 1, 0, "SCMP_CMP_EQ"}}});
  inputs.hosts_path = "/c/hosts";
  auto spec = make(inputs).spec;
  std::string text = oci::write_spec(spec);
  auto parsed = oci::parse_spec(text);
  ASSERT_TRUE(parsed) << parsed.error().message << "\n" << text;
  // Writing the parsed spec again gives the same document: nothing was lost.
  EXPECT_EQ(oci::write_spec(*parsed), text);
  EXPECT_EQ(parsed->process->user.uid, 1000u);
  EXPECT_EQ(parsed->mounts.size(), spec.mounts.size());
  EXPECT_EQ(parsed->linux.resources->devices.size(), spec.linux.resources->devices.size());
  EXPECT_EQ(*parsed->linux.resources->cpu->quota, 50000);
  EXPECT_EQ(parsed->linux.seccomp->syscalls[0].args[0].value, 1u);
}

}  // namespace
}  // namespace berth
