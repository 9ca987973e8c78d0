#include "engine/spec_mounts.h"

#include <gtest/gtest.h>

namespace berth {
namespace {

using Strings = std::vector<std::string>;

const oci::Mount* find_mount(const std::vector<oci::Mount>& mounts, std::string_view destination) {
  for (auto& mount : mounts)
    if (mount.destination == destination) return &mount;
  return nullptr;
}

std::vector<std::string> destinations(const std::vector<oci::Mount>& mounts) {
  std::vector<std::string> out;
  for (auto& mount : mounts) out.push_back(mount.destination);
  return out;
}

TEST(ParseBind, HostPathBindWithModes) {
  auto bind = parse_bind("/src/:/dst:ro,rslave");
  ASSERT_TRUE(bind) << bind.error().message;
  EXPECT_EQ(bind->kind, MountRequest::Kind::bind);
  EXPECT_EQ(bind->source, "/src");
  EXPECT_EQ(bind->destination, "/dst");
  EXPECT_TRUE(bind->read_only);
  EXPECT_EQ(bind->propagation, "rslave");
  auto plain = parse_bind("/src:/dst");
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->read_only);
  EXPECT_EQ(plain->propagation, "rprivate");
  for (auto mode : {"rw", "z", "Z", "shared", "slave", "private", "rshared", "rprivate", "ro,Z"})
    EXPECT_TRUE(parse_bind(std::string("/a:/b:") + mode)) << mode;
}

TEST(ParseBind, NamedAndAnonymousVolumes) {
  auto named = parse_bind("data:/var/lib/data:nocopy");
  ASSERT_TRUE(named) << named.error().message;
  EXPECT_EQ(named->kind, MountRequest::Kind::volume);
  EXPECT_EQ(named->source, "data");
  EXPECT_TRUE(named->no_copy);
  auto anonymous = parse_bind("/data");
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->kind, MountRequest::Kind::volume);
  EXPECT_EQ(anonymous->source, "");
}

TEST(ParseBind, Errors) {
  auto check = [](std::string_view text, std::string_view message) {
    auto bind = parse_bind(text);
    ASSERT_FALSE(bind) << text;
    EXPECT_EQ(bind.error().message, message);
  };
  check("/a:rel",
        "invalid volume specification: '/a:rel': invalid mount config for type \"bind\": invalid mount "
        "path: 'rel' mount path must be absolute");
  check("/a:/b:rx", "invalid volume specification: '/a:/b:rx': invalid mode: rx");
  check("/a:/b:ro,rw", "invalid volume specification: '/a:/b:ro,rw': invalid mode: ro,rw");
  check("/a:/",
        "invalid volume specification: '/a:/': invalid mount config for type \"bind\": invalid "
        "specification: destination can't be '/'");
  check("/foo:rw", "invalid volume specification: '/foo:rw'");
  check(":/b", "invalid volume specification: ':/b'");
  check("/a:/b:ro:x", "invalid volume specification: '/a:/b:ro:x'");
  check("/a:/b:nocopy",
        "invalid volume specification: '/a:/b:nocopy': invalid mount config for type \"bind\": "
        "field VolumeOptions must not be specified");
  check("a/b:/c",
        "create a/b: \"a/b\" includes invalid characters for a local volume name, only "
        "\"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, use absolute "
        "path");
}

TEST(MergeTmpfsOptions, DefaultsThenUsersLastWins) {
  auto merged = merge_tmpfs_options("rw,size=64m");
  ASSERT_TRUE(merged);
  EXPECT_EQ(*merged, (Strings{"noexec", "nosuid", "nodev", "rprivate", "rw", "size=64m"}));
  merged = merge_tmpfs_options("exec,size=1m,size=2m,shared");
  ASSERT_TRUE(merged);
  EXPECT_EQ(*merged, (Strings{"nosuid", "nodev", "exec", "size=2m", "shared"}));
  merged = merge_tmpfs_options("");
  ASSERT_TRUE(merged);
  EXPECT_EQ(*merged, (Strings{"noexec", "nosuid", "nodev", "rprivate"}));
  auto bad = merge_tmpfs_options("size=1m,bogus");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "invalid tmpfs option \"bogus\"");
  bad = merge_tmpfs_options("color=red");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "invalid tmpfs option \"color=red\"");
}

TEST(MountRequests, DuplicatesFailAndAnonymousVolumesYield) {
  ContainerConfig config;
  config.volumes = {"/data", "/other"};
  HostConfig host;
  host.binds = {"/h:/data"};
  auto requests = mount_requests(config, host);
  ASSERT_TRUE(requests) << requests.error().message;
  ASSERT_EQ(requests->size(), 2u);
  EXPECT_EQ((*requests)[0].destination, "/other");
  EXPECT_EQ((*requests)[0].kind, MountRequest::Kind::volume);
  EXPECT_EQ((*requests)[1].source, "/h");

  host.binds = {"/a:/x", "/b:/x/"};
  auto duplicate = mount_requests(config, host);
  ASSERT_FALSE(duplicate);
  EXPECT_EQ(duplicate.error().message, "Duplicate mount point: /x");

  host.binds = {"/a:/x"};
  host.tmpfs = {{"/x", ""}};
  duplicate = mount_requests(config, host);
  ASSERT_FALSE(duplicate);
  EXPECT_EQ(duplicate.error().message, "Duplicate mount point: /x");

  host.tmpfs.clear();
  MountSpec mount;
  mount.type = "bind";
  mount.source = "/s";
  mount.target = "/x";
  host.mounts = {mount};
  duplicate = mount_requests(config, host);
  ASSERT_FALSE(duplicate);
  EXPECT_EQ(duplicate.error().message, "Duplicate mount point: /x");
}

TEST(MountRequests, MountsErrorsNameTheEntry) {
  HostConfig host;
  MountSpec mount;
  mount.type = "bind";
  mount.source = "/s";
  mount.target = "relative";
  host.mounts = {mount};
  auto requests = mount_requests({}, host);
  ASSERT_FALSE(requests);
  EXPECT_EQ(requests.error().message,
            "HostConfig.Mounts[0]: invalid mount config for type \"bind\": invalid mount "
            "path: 'relative' mount path must be absolute");
  host.mounts[0].target = "/t";
  host.mounts[0].volume_options = MountSpec::Volume{};
  requests = mount_requests({}, host);
  ASSERT_FALSE(requests);
  EXPECT_EQ(requests.error().message,
            "HostConfig.Mounts[0]: invalid mount config for type \"bind\": field VolumeOptions must not be specified");
  host.mounts = {};
  host.tmpfs = {{"run", ""}};
  requests = mount_requests({}, host);
  ASSERT_FALSE(requests);
  EXPECT_EQ(requests.error().message,
            "invalid mount config for type \"tmpfs\": invalid mount path: 'run' mount path must be absolute");
  host.tmpfs = {{"/run", "size=1m,nope"}};
  requests = mount_requests({}, host);
  ASSERT_FALSE(requests);
  EXPECT_EQ(requests.error().message, "--tmpfs /run: invalid tmpfs option \"nope\"");
}

TEST(BuildMounts, DockersDefaults) {
  auto mounts = build_mounts({}, {}, {});
  ASSERT_TRUE(mounts) << mounts.error().message;
  EXPECT_EQ(destinations(*mounts),
            (Strings{"/proc", "/dev", "/dev/pts", "/sys", "/sys/fs/cgroup", "/dev/mqueue", "/dev/shm"}));
  EXPECT_EQ(find_mount(*mounts, "/dev")->options, (Strings{"rw", "nosuid", "strictatime", "mode=755", "size=65536k"}));
  EXPECT_EQ(find_mount(*mounts, "/dev/pts")->options,
            (Strings{"rw", "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}));
  EXPECT_EQ(find_mount(*mounts, "/sys")->options, (Strings{"ro", "nosuid", "noexec", "nodev"}));
  EXPECT_EQ(find_mount(*mounts, "/sys/fs/cgroup")->type, "cgroup");
  EXPECT_EQ(find_mount(*mounts, "/dev/mqueue")->type, "mqueue");
  auto* shm = find_mount(*mounts, "/dev/shm");
  EXPECT_EQ(shm->type, "tmpfs");
  EXPECT_EQ(shm->options, (Strings{"rw", "nosuid", "noexec", "nodev", "mode=1777", "size=67108864"}));
}

TEST(BuildMounts, ShmSizeIpcNoneAndHost) {
  HostConfig host;
  host.shm_size = 1 << 20;
  auto mounts = build_mounts({}, host, {});
  ASSERT_TRUE(mounts);
  EXPECT_EQ(find_mount(*mounts, "/dev/shm")->options.back(), "size=1048576");
  host.ipc_mode = "none";
  mounts = build_mounts({}, host, {});
  ASSERT_TRUE(mounts);
  EXPECT_EQ(find_mount(*mounts, "/dev/shm"), nullptr);
  host.ipc_mode = "host";
  mounts = build_mounts({}, host, {});
  ASSERT_TRUE(mounts);
  auto* shm = find_mount(*mounts, "/dev/shm");
  ASSERT_NE(shm, nullptr);
  EXPECT_EQ(shm->type, "bind");
  EXPECT_EQ(shm->source, "/dev/shm");
}

TEST(BuildMounts, UserMountsSortedParentsFirstAfterDefaults) {
  ContainerConfig config;
  HostConfig host;
  host.binds = {"/h/deep:/a/b/c:ro", "/h/top:/a", "vol:/a/b"};
  host.tmpfs = {{"/run", "rw,size=64m"}};
  MountInputs inputs;
  inputs.hostname_path = "/c/hostname";
  inputs.hosts_path = "/c/hosts";
  inputs.resolv_conf_path = "/c/resolv.conf";
  inputs.volume_paths = {{"/a/b", "/var/lib/berth/volumes/vol/_data"}};
  auto mounts = build_mounts(config, host, inputs);
  ASSERT_TRUE(mounts) << mounts.error().message;
  auto names = destinations(*mounts);
  Strings user(names.begin() + 7, names.end());
  EXPECT_EQ(user, (Strings{"/a", "/run", "/a/b", "/etc/resolv.conf", "/etc/hostname", "/etc/hosts", "/a/b/c"}));
  auto* deep = find_mount(*mounts, "/a/b/c");
  EXPECT_EQ(deep->type, "bind");
  EXPECT_EQ(deep->source, "/h/deep");
  EXPECT_EQ(deep->options, (Strings{"rbind", "ro", "rprivate"}));
  auto* volume = find_mount(*mounts, "/a/b");
  EXPECT_EQ(volume->source, "/var/lib/berth/volumes/vol/_data");
  EXPECT_EQ(volume->options, (Strings{"rbind"}));
  auto* run = find_mount(*mounts, "/run");
  EXPECT_EQ(run->type, "tmpfs");
  EXPECT_EQ(run->options, (Strings{"noexec", "nosuid", "nodev", "rprivate", "rw", "size=64m"}));
  auto* hosts = find_mount(*mounts, "/etc/hosts");
  EXPECT_EQ(hosts->source, "/c/hosts");
  EXPECT_EQ(hosts->options, (Strings{"rbind", "rprivate"}));
}

TEST(BuildMounts, UnresolvedVolumeFails) {
  HostConfig host;
  host.binds = {"vol:/data"};
  auto mounts = build_mounts({}, host, {});
  ASSERT_FALSE(mounts);
  EXPECT_EQ(mounts.error().message, "volume for /data was not resolved to a host path");
}

TEST(BuildMounts, UserMountReplacesDefaultAndEtcFile) {
  HostConfig host;
  host.binds = {"/my/dev:/dev", "/my/hosts:/etc/hosts:ro"};
  MountInputs inputs;
  inputs.hosts_path = "/c/hosts";
  auto mounts = build_mounts({}, host, inputs);
  ASSERT_TRUE(mounts) << mounts.error().message;
  // /dev and everything under it come from the user now.
  EXPECT_EQ(find_mount(*mounts, "/dev")->source, "/my/dev");
  EXPECT_EQ(find_mount(*mounts, "/dev/pts"), nullptr);
  EXPECT_EQ(find_mount(*mounts, "/dev/shm"), nullptr);
  EXPECT_EQ(find_mount(*mounts, "/etc/hosts")->source, "/my/hosts");
  int hosts = 0;
  for (auto& mount : *mounts) hosts += mount.destination == "/etc/hosts";
  EXPECT_EQ(hosts, 1);
}

TEST(BuildMounts, ReadonlyRootfsAndPrivileged) {
  HostConfig host;
  host.readonly_rootfs = true;
  MountInputs inputs;
  inputs.resolv_conf_path = "/c/resolv.conf";
  auto mounts = build_mounts({}, host, inputs);
  ASSERT_TRUE(mounts);
  EXPECT_EQ(find_mount(*mounts, "/etc/resolv.conf")->options, (Strings{"rbind", "ro", "rprivate"}));
  host.readonly_rootfs = false;
  host.privileged = true;
  mounts = build_mounts({}, host, inputs);
  ASSERT_TRUE(mounts);
  EXPECT_EQ(find_mount(*mounts, "/sys")->options, (Strings{"nosuid", "noexec", "nodev"}));
  EXPECT_EQ(find_mount(*mounts, "/sys/fs/cgroup")->options, (Strings{"nosuid", "noexec", "nodev"}));
}

TEST(BuildMounts, MountsFromHostConfigMounts) {
  HostConfig host;
  MountSpec tmpfs;
  tmpfs.type = "tmpfs";
  tmpfs.target = "/scratch";
  tmpfs.tmpfs_options = MountSpec::Tmpfs{1000, 01777};
  MountSpec bind;
  bind.type = "bind";
  bind.source = "/src";
  bind.target = "/dst";
  bind.read_only = true;
  bind.bind_options = MountSpec::Bind{"rshared", true};
  host.mounts = {tmpfs, bind};
  auto mounts = build_mounts({}, host, {});
  ASSERT_TRUE(mounts) << mounts.error().message;
  EXPECT_EQ(find_mount(*mounts, "/scratch")->options,
            (Strings{"noexec", "nosuid", "nodev", "rprivate", "size=1k", "mode=1777"}));
  EXPECT_EQ(find_mount(*mounts, "/dst")->options, (Strings{"bind", "ro", "rshared"}));
}

TEST(BuildMounts, InitBinaryIsBoundReadOnly) {
  MountInputs inputs;
  inputs.init_binary = "/usr/libexec/berth/init";
  auto mounts = build_mounts({}, {}, inputs);
  ASSERT_TRUE(mounts);
  auto* init = find_mount(*mounts, "/sbin/docker-init");
  ASSERT_NE(init, nullptr);
  EXPECT_EQ(init->source, "/usr/libexec/berth/init");
  EXPECT_EQ(init->options, (Strings{"bind", "ro"}));
}

}  // namespace
}  // namespace berth
