#include "engine/container_config.h"

#include <gtest/gtest.h>

namespace berth {
namespace {

using nlohmann::json;

TEST(ContainerConfigJson, EmitsDockersShapeForAPlainRun) {
  ContainerConfig config;
  config.hostname = "abc";
  config.attach_stdout = config.attach_stderr = true;
  config.env = {"PATH=/bin"};
  config.cmd = {"sh"};
  config.image = "busybox";
  auto out = to_json(config);
  // Docker's field order, nulls for unset slices, omitempty fields left out.
  std::vector<std::string> keys;
  for (auto& [key, value] : out.items()) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"Hostname", "Domainname", "User", "AttachStdin", "AttachStdout",
                                            "AttachStderr", "Tty", "OpenStdin", "StdinOnce", "Env", "Cmd", "Image",
                                            "Volumes", "WorkingDir", "Entrypoint", "OnBuild", "Labels"}));
  EXPECT_TRUE(out["Volumes"].is_null());
  EXPECT_TRUE(out["Entrypoint"].is_null());
  EXPECT_TRUE(out["OnBuild"].is_null());
  EXPECT_EQ(out["Labels"], nlohmann::ordered_json::object());
}

TEST(ContainerConfigJson, RoundTripsEveryField) {
  ContainerConfig config;
  config.hostname = "h";
  config.domainname = "example.com";
  config.user = "1000:1000";
  config.attach_stdin = true;
  config.exposed_ports = {"80/tcp", "53/udp"};
  config.tty = config.open_stdin = config.stdin_once = true;
  config.env = {"A=1", "B=2"};
  config.cmd = {"echo", "hi"};
  config.healthcheck = HealthConfig{{"CMD-SHELL", "true"}, 1000000000, 2000000000, 3, 4, 5};
  config.args_escaped = true;
  config.image = "busybox:latest";
  config.volumes = {"/data"};
  config.working_dir = "/w";
  config.entrypoint = std::vector<std::string>{"/bin/sh", "-c"};
  config.network_disabled = true;
  config.on_build = {"RUN true"};
  config.labels = {{"a", "b"}};
  config.stop_signal = "SIGINT";
  config.stop_timeout = 7;
  config.shell = {"/bin/bash", "-c"};
  auto text = to_json(config).dump();
  auto back = container_config_from_json(json::parse(text));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(to_json(*back).dump(), text);
  EXPECT_EQ(back->healthcheck->interval, 1000000000);
  EXPECT_EQ(back->exposed_ports.count("53/udp"), 1u);
  EXPECT_EQ(*back->stop_timeout, 7);
}

TEST(ContainerConfigJson, EmptyEntrypointStaysDistinctFromNull) {
  ContainerConfig config;
  config.entrypoint = std::vector<std::string>{};
  auto out = to_json(config);
  EXPECT_TRUE(out["Entrypoint"].is_array());
  auto back = container_config_from_json(json::parse(out.dump()));
  ASSERT_TRUE(back);
  ASSERT_TRUE(back->entrypoint.has_value());
  EXPECT_TRUE(back->entrypoint->empty());
}

TEST(ContainerConfigJson, AcceptsAStringCmdAsDockerDoes) {
  auto config = container_config_from_json(json{{"Cmd", "echo hi"}, {"Entrypoint", nullptr}});
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->cmd, (std::vector<std::string>{"echo hi"}));
  EXPECT_FALSE(config->entrypoint.has_value());
}

TEST(ContainerConfigJson, RejectsWrongTypesNamingTheField) {
  auto bad = container_config_from_json(json{{"Tty", "yes"}});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "Config.Tty: expected boolean, got string");
  bad = container_config_from_json(json{{"Env", json::array({"A=1", 2})}});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "Config.Env[1]: expected string, got integer");
  bad = container_config_from_json(json{{"Healthcheck", {{"Retries", -1}}}});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "Config.Healthcheck.Retries: -1 must not be negative");
  bad = container_config_from_json(json{{"StopTimeout", 1.5}});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "Config.StopTimeout: expected integer, got number");
  bad = container_config_from_json(json{{"ExposedPorts", {{"80/tcp", 1}}}});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "Config.ExposedPorts.80/tcp: expected object, got integer");
  bad = container_config_from_json(json::array());
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "Config: expected object, got array");
}

TEST(HostConfigJson, EmitsDockersShapeForDefaults) {
  HostConfig host;
  host.log_config.type = "json-file";
  host.network_mode = "bridge";
  host.restart_policy.name = "no";
  host.ipc_mode = "private";
  host.cgroupns_mode = "private";
  host.shm_size = 67108864;
  auto out = to_json(host);
  EXPECT_TRUE(out["Binds"].is_null());
  EXPECT_EQ(out["LogConfig"].dump(), R"({"Type":"json-file","Config":{}})");
  EXPECT_EQ(out["RestartPolicy"].dump(), R"({"Name":"no","MaximumRetryCount":0})");
  EXPECT_EQ(out["PortBindings"].dump(), "{}");
  EXPECT_EQ(out["Dns"].dump(), "[]");
  EXPECT_EQ(out["Devices"].dump(), "[]");
  EXPECT_EQ(out["BlkioWeightDevice"].dump(), "[]");
  EXPECT_TRUE(out["CapAdd"].is_null());
  EXPECT_TRUE(out["PidsLimit"].is_null());
  EXPECT_TRUE(out["MemorySwappiness"].is_null());
  EXPECT_TRUE(out["Ulimits"].is_null());
  EXPECT_TRUE(out["MaskedPaths"].is_null());
  EXPECT_FALSE(out.contains("Tmpfs"));
  EXPECT_FALSE(out.contains("Sysctls"));
  EXPECT_FALSE(out.contains("Mounts"));
  EXPECT_FALSE(out.contains("Init"));
  EXPECT_EQ(out["ShmSize"], 67108864);
  // Resources come inline, after Isolation, in Docker's order.
  std::vector<std::string> keys;
  for (auto& [key, value] : out.items()) keys.push_back(key);
  auto at = [&](const std::string& key) { return std::find(keys.begin(), keys.end(), key) - keys.begin(); };
  EXPECT_LT(at("Isolation"), at("CpuShares"));
  EXPECT_LT(at("CpuShares"), at("Memory"));
  EXPECT_LT(at("Ulimits"), at("MaskedPaths"));
}

TEST(HostConfigJson, RoundTripsEveryField) {
  HostConfig host;
  host.binds = {"/a:/b:ro"};
  host.container_id_file = "/tmp/id";
  host.log_config = {"json-file", {{"max-size", "1m"}}};
  host.network_mode = "none";
  host.port_bindings["80/tcp"] = {{"127.0.0.1", "8080"}};
  host.restart_policy = {"on-failure", 3};
  host.auto_remove = true;
  host.volumes_from = {"other:ro"};
  host.console_size = {24, 80};
  host.cap_add = {"NET_ADMIN"};
  host.cap_drop = {"MKNOD"};
  host.cgroupns_mode = "host";
  host.dns = {"1.1.1.1"};
  host.dns_options = {"ndots:2"};
  host.dns_search = {"example.com"};
  host.extra_hosts = {"h:1.2.3.4"};
  host.group_add = {"audio"};
  host.ipc_mode = "shareable";
  host.cgroup = "";
  host.links = {"/a:/b/a"};
  host.oom_score_adj = 100;
  host.pid_mode = "host";
  host.privileged = true;
  host.publish_all_ports = true;
  host.readonly_rootfs = true;
  host.security_opt = {"no-new-privileges"};
  host.tmpfs = {{"/run", "rw,size=64m"}};
  host.uts_mode = "host";
  host.userns_mode = "host";
  host.shm_size = 1 << 20;
  host.sysctls = {{"net.ipv4.ip_forward", "1"}};
  host.runtime = "berth";
  host.cpu_shares = 512;
  host.memory = 1 << 28;
  host.nano_cpus = 1500000000;
  host.cgroup_parent = "/p";
  host.blkio_weight = 300;
  host.cpu_period = 100000;
  host.cpu_quota = 50000;
  host.cpu_realtime_period = 1;
  host.cpu_realtime_runtime = 2;
  host.cpuset_cpus = "0-1";
  host.cpuset_mems = "0";
  host.devices = {{"/dev/fuse", "/dev/fuse", "rwm"}};
  host.device_cgroup_rules = {"c 1:3 rwm"};
  host.memory_reservation = 1 << 27;
  host.memory_swap = -1;
  host.memory_swappiness = 10;
  host.oom_kill_disable = false;
  host.pids_limit = 100;
  host.ulimits = {{"nofile", 2048, 1024}};
  host.blkio_device_read_bps = json::array({{{"Path", "/dev/sda"}, {"Rate", 1}}});
  MountSpec mount;
  mount.type = "volume";
  mount.source = "data";
  mount.target = "/data";
  mount.read_only = true;
  mount.volume_options = MountSpec::Volume{true, {{"l", "v"}}, MountSpec::Driver{"local", {{"o", "bind"}}}};
  host.mounts = {mount};
  MountSpec tmpfs;
  tmpfs.type = "tmpfs";
  tmpfs.target = "/t";
  tmpfs.tmpfs_options = MountSpec::Tmpfs{1024, 0700};
  host.mounts.push_back(tmpfs);
  MountSpec bind;
  bind.type = "bind";
  bind.source = "/src";
  bind.target = "/dst";
  bind.bind_options = MountSpec::Bind{"rslave", true};
  host.mounts.push_back(bind);
  host.masked_paths = std::vector<std::string>{};
  host.readonly_paths = std::vector<std::string>{"/proc/sys"};
  host.init = true;
  auto text = to_json(host).dump();
  auto back = host_config_from_json(json::parse(text));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(to_json(*back).dump(), text);
  EXPECT_EQ(back->mounts[2].bind_options->propagation, "rslave");
  EXPECT_TRUE(back->masked_paths.has_value());
  EXPECT_TRUE(back->masked_paths->empty());
  EXPECT_EQ(back->ulimits[0].soft, 1024);
  EXPECT_EQ(back->blkio_device_read_bps[0]["Path"], "/dev/sda");
}

TEST(HostConfigJson, RejectsWrongTypesNamingTheField) {
  auto check = [](const json& body, const std::string& message) {
    auto host = host_config_from_json(body);
    ASSERT_FALSE(host) << body.dump();
    EXPECT_EQ(host.error().message, message);
  };
  check(json{{"Memory", "1g"}}, "HostConfig.Memory: expected integer, got string");
  check(json{{"Privileged", 1}}, "HostConfig.Privileged: expected boolean, got integer");
  check(json{{"BlkioWeight", 70000}}, "HostConfig.BlkioWeight: 70000 is out of range");
  check(json{{"OomScoreAdj", 1.5}}, "HostConfig.OomScoreAdj: expected integer, got number");
  check(json{{"Binds", "/a:/b"}}, "HostConfig.Binds: expected array, got string");
  check(json{{"Ulimits", json::array({{{"Name", "nofile"}, {"Soft", "x"}}})}},
        "HostConfig.Ulimits[0].Soft: expected integer, got string");
  check(json{{"Mounts", json::array({{{"Type", "nfs"}, {"Target", "/x"}}})}},
        "HostConfig.Mounts[0].Type: unknown mount type \"nfs\" (expected bind, volume or tmpfs)");
  check(json{{"Mounts", json::array({{{"Type", "tmpfs"}, {"TmpfsOptions", {{"SizeBytes", -1}}}}})}},
        "HostConfig.Mounts[0].TmpfsOptions.SizeBytes: -1 must not be negative");
  check(json{{"PortBindings", {{"80/tcp", json::array({{{"HostPort", 8080}}})}}}},
        "HostConfig.PortBindings.80/tcp[0].HostPort: expected string, got integer");
  check(json{{"Sysctls", {{"a", 1}}}}, "HostConfig.Sysctls.a: expected string, got integer");
  check(json{{"ConsoleSize", json::array({1})}}, "HostConfig.ConsoleSize: expected an array of 2 integers");
  check(json{{"BlkioDeviceReadBps", "x"}}, "HostConfig.BlkioDeviceReadBps: expected array, got string");
  check(json{{"LogConfig", {{"Config", {{"max-size", 1}}}}}},
        "HostConfig.LogConfig.Config.max-size: expected string, got integer");
}

TEST(HostConfigJson, NullMeansNotSet) {
  auto host = host_config_from_json(json{{"Memory", nullptr}, {"PidsLimit", nullptr}, {"Binds", nullptr}});
  ASSERT_TRUE(host) << host.error().message;
  EXPECT_EQ(host->memory, 0);
  EXPECT_FALSE(host->pids_limit);
}

TEST(MergeImageConfig, ImageFillsWhatTheUserLeftOut) {
  json image = {{"Env", {"PATH=/image/bin", "LANG=C"}},
                {"Entrypoint", {"/entry"}},
                {"Cmd", {"default"}},
                {"WorkingDir", "/app"},
                {"User", "nobody"},
                {"ExposedPorts", {{"80/tcp", json::object()}}},
                {"Volumes", {{"/data", json::object()}}},
                {"Labels", {{"a", "image"}, {"b", "image"}}},
                {"StopSignal", "SIGQUIT"},
                {"Healthcheck", {{"Test", {"CMD", "true"}}, {"Interval", 5}}}};
  ContainerConfig user;
  user.env = {"LANG=fr", "X=1"};
  user.labels = {{"a", "user"}};
  user.healthcheck = HealthConfig{{}, 0, 9, 0, 0, 0};
  auto merged = merge_image_config(user, image);
  ASSERT_TRUE(merged) << merged.error().message;
  EXPECT_EQ(merged->env, (std::vector<std::string>{"LANG=fr", "X=1", "PATH=/image/bin"}));
  EXPECT_EQ(*merged->entrypoint, (std::vector<std::string>{"/entry"}));
  EXPECT_EQ(merged->cmd, (std::vector<std::string>{"default"}));
  EXPECT_EQ(merged->working_dir, "/app");
  EXPECT_EQ(merged->user, "nobody");
  EXPECT_EQ(merged->exposed_ports.count("80/tcp"), 1u);
  EXPECT_EQ(merged->volumes.count("/data"), 1u);
  EXPECT_EQ(merged->labels["a"], "user");
  EXPECT_EQ(merged->labels["b"], "image");
  EXPECT_EQ(merged->stop_signal, "SIGQUIT");
  EXPECT_EQ(merged->healthcheck->test, (std::vector<std::string>{"CMD", "true"}));
  EXPECT_EQ(merged->healthcheck->interval, 5);
  EXPECT_EQ(merged->healthcheck->timeout, 9);
  // Idempotent.
  auto again = merge_image_config(*merged, image);
  ASSERT_TRUE(again);
  EXPECT_EQ(to_json(*again).dump(), to_json(*merged).dump());
}

TEST(MergeImageConfig, UserEntrypointResetsImageCmd) {
  json image = {{"Entrypoint", {"/entry"}}, {"Cmd", {"default"}}};
  ContainerConfig user;
  user.entrypoint = std::vector<std::string>{"/mine"};
  auto merged = merge_image_config(user, image);
  ASSERT_TRUE(merged);
  EXPECT_EQ(*merged->entrypoint, (std::vector<std::string>{"/mine"}));
  EXPECT_TRUE(merged->cmd.empty());
}

TEST(MergeImageConfig, UserCmdKeepsImageEntrypoint) {
  json image = {{"Entrypoint", {"/entry"}}, {"Cmd", {"default"}}};
  ContainerConfig user;
  user.cmd = {"mine"};
  auto merged = merge_image_config(user, image);
  ASSERT_TRUE(merged);
  EXPECT_EQ(*merged->entrypoint, (std::vector<std::string>{"/entry"}));
  EXPECT_EQ(merged->cmd, (std::vector<std::string>{"mine"}));
}

TEST(MergeImageConfig, EmptyEntrypointClearsTheImagesAndStaysCleared) {
  json image = {{"Entrypoint", {"/entry"}}, {"Cmd", {"default"}}};
  ContainerConfig user;
  user.entrypoint = std::vector<std::string>{""};
  user.cmd = {"sh"};
  auto merged = merge_image_config(user, image);
  ASSERT_TRUE(merged);
  EXPECT_TRUE(merged->entrypoint->empty());
  EXPECT_EQ(merged->cmd, (std::vector<std::string>{"sh"}));
  auto again = merge_image_config(*merged, image);
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->entrypoint->empty());
  EXPECT_EQ(again->cmd, (std::vector<std::string>{"sh"}));
}

TEST(MergeImageConfig, NothingToRunFails) {
  ContainerConfig user;
  user.entrypoint = std::vector<std::string>{""};
  auto merged = merge_image_config(user, json{{"Cmd", {"sh"}}});
  ASSERT_FALSE(merged);
  EXPECT_EQ(merged.error().message, "No command specified");
  merged = merge_image_config(ContainerConfig{}, json::object());
  ASSERT_FALSE(merged);
  EXPECT_EQ(merged.error().message, "No command specified");
}

TEST(MergeImageConfig, RejectsAMalformedImageConfig) {
  auto merged = merge_image_config(ContainerConfig{}, json{{"Env", "PATH=/bin"}});
  ASSERT_FALSE(merged);
  EXPECT_EQ(merged.error().message, "image config.Env: expected array, got string");
  merged = merge_image_config(ContainerConfig{}, json::array());
  ASSERT_FALSE(merged);
  EXPECT_EQ(merged.error().message, "image config: expected object, got array");
}

}  // namespace
}  // namespace berth
