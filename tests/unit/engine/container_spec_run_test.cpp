// End to end: a spec made by make_runtime_spec, written with write_spec and
// run by the real berth-runtime (built beside this binary) on a busybox
// rootfs. Skipped unless root, with berth-runtime and a static /bin/busybox.
// The container has a network namespace of its own (NetworkMode none) and
// touches nothing outside its temporary directory.
#include <gtest/gtest.h>
#include <linux/magic.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "engine/container_spec.h"
#include "oci/runtime_spec_write.h"

namespace berth {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "berth-spec-run.XXXXXX").string();
    if (::mkdtemp(pattern.data())) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) fs::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// Runs a command line of our own making; returns its exit status and stdout.
std::pair<int, std::string> run(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen((command + " </dev/null 2>&1").c_str(), "r");
  if (!pipe) return {-1, ""};
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

void write_file(const fs::path& path, const std::string& content) { std::ofstream(path) << content; }

bool host_cgroup_v2() {
  struct statfs st {};
  return ::statfs("/sys/fs/cgroup", &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC;
}

TEST(ContainerSpecRun, BerthRuntimeRunsTheGeneratedSpec) {
  fs::path runtime = fs::read_symlink("/proc/self/exe").parent_path() / "berth-runtime";
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  if (!fs::exists(runtime)) GTEST_SKIP() << "build berth-runtime first: " << runtime;
  if (!fs::exists("/bin/busybox")) GTEST_SKIP() << "needs /bin/busybox (busybox-static)";

  TempDir temp;
  ASSERT_FALSE(temp.path().empty());
  fs::path rootfs = temp.path() / "bundle" / "rootfs";
  for (auto dir : {"bin", "etc", "proc", "sys", "dev", "tmp", "run", "data"}) fs::create_directories(rootfs / dir);
  fs::copy_file("/bin/busybox", rootfs / "bin" / "busybox");
  for (auto applet : {"sh", "id", "cat", "grep", "hostname", "echo"})
    fs::create_symlink("busybox", rootfs / "bin" / applet);
  write_file(rootfs / "etc" / "passwd", "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/:/bin/sh\n");
  write_file(rootfs / "etc" / "group", "root:x:0:\nwheel:x:10:root\napp:x:1000:\n");
  for (auto file : {"hostname", "hosts", "resolv.conf"}) write_file(rootfs / "etc" / file, "");
  fs::path files = temp.path() / "files";
  fs::create_directories(files / "shared");
  write_file(files / "hostname", "web\n");
  write_file(files / "hosts", "127.0.0.1 localhost web\n");
  write_file(files / "resolv.conf", "nameserver 127.0.0.1\n");
  write_file(files / "shared" / "note", "from the host\n");

  std::string id = fmt::format("berthspec{}0000000000000000000000000000000000000000000000000000", ::getpid());
  id.resize(64, '0');
  SpecInputs inputs;
  inputs.config.hostname = "web";
  inputs.config.cmd = {"sh", "-c",
                       "id; grep ^Cap /proc/self/status; cat /proc/self/mounts; echo host=$(hostname); "
                       "cat /etc/hostname /data/note; echo nofile=$(ulimit -n); echo env=$HOSTNAME; "
                       "echo written > /run/x && cat /run/x; echo probe > /data/probe || echo data-is-ro"};
  inputs.host.network_mode = "none";
  inputs.host.binds = {files.string() + "/shared:/data:ro"};
  inputs.host.tmpfs = {{"/run", "rw,size=1m"}};
  inputs.host.ulimits = {{"nofile", 2048, 1024}};
  inputs.image_config = nlohmann::json{{"Env", {"PATH=/bin"}}};
  inputs.container_id = id;
  inputs.rootfs_path = rootfs.string();
  inputs.hostname_path = (files / "hostname").string();
  inputs.hosts_path = (files / "hosts").string();
  inputs.resolv_conf_path = (files / "resolv.conf").string();
  // A top-level cgroup of its own: `delete` removes it and leaves no parent behind.
  inputs.cgroups_path = "/" + id;
  inputs.cgroup_v2 = host_cgroup_v2();
  inputs.host_nofile_hard = 20000;
  inputs.read_rootfs_file = [&](std::string_view path) -> Result<std::optional<std::string>> {
    std::ifstream in(rootfs / std::string(path.substr(1)));
    if (!in) return std::optional<std::string>();
    return std::optional<std::string>(std::string(std::istreambuf_iterator<char>(in), {}));
  };
  auto made = make_runtime_spec(inputs);
  ASSERT_TRUE(made) << made.error().message;
  auto parsed = oci::parse_spec(oci::write_spec(made->spec));
  ASSERT_TRUE(parsed) << parsed.error().message;
  write_file(temp.path() / "bundle" / "config.json", oci::write_spec(made->spec));

  std::string state = (temp.path() / "state").string();
  auto [status, out] = run(
      fmt::format("{} --root {} run --bundle {} {}", runtime.string(), state, (temp.path() / "bundle").string(), id));
  run(fmt::format("{} --root {} delete --force {}", runtime.string(), state, id));
  ASSERT_EQ(status, 0) << out;
  EXPECT_NE(out.find("uid=0(root) gid=0(root) groups=0(root),10(wheel)"), std::string::npos) << out;
  // Docker's 14 default capabilities, the well-known a80425fb.
  EXPECT_NE(out.find("CapBnd:\t00000000a80425fb"), std::string::npos) << out;
  EXPECT_NE(out.find("CapEff:\t00000000a80425fb"), std::string::npos) << out;
  EXPECT_NE(out.find("CapInh:\t0000000000000000"), std::string::npos) << out;
  EXPECT_NE(out.find("proc /proc proc rw,nosuid,nodev,noexec"), std::string::npos) << out;
  EXPECT_NE(out.find("sysfs /sys sysfs ro,"), std::string::npos) << out;
  EXPECT_NE(out.find("devpts /dev/pts devpts"), std::string::npos) << out;
  EXPECT_NE(out.find("mqueue /dev/mqueue mqueue"), std::string::npos) << out;
  EXPECT_NE(out.find("shm /dev/shm tmpfs rw,nosuid,nodev,noexec"), std::string::npos) << out;
  EXPECT_NE(out.find(" /etc/hostname "), std::string::npos) << out;
  EXPECT_NE(out.find(" /etc/resolv.conf "), std::string::npos) << out;
  EXPECT_NE(out.find("tmpfs /run tmpfs rw,nosuid,nodev,noexec"), std::string::npos) << out;
  EXPECT_NE(out.find(" /data "), std::string::npos) << out;
  EXPECT_NE(out.find("host=web"), std::string::npos) << out;
  EXPECT_NE(out.find("web\nfrom the host\n"), std::string::npos) << out;
  EXPECT_NE(out.find("nofile=1024"), std::string::npos) << out;
  EXPECT_NE(out.find("env=web"), std::string::npos) << out;
  EXPECT_NE(out.find("written\n"), std::string::npos) << out;
  EXPECT_NE(out.find("data-is-ro"), std::string::npos) << out;
  EXPECT_FALSE(fs::exists(files / "shared" / "probe"));
}

}  // namespace
}  // namespace berth
