// The default profile as the kernel enforces it: berth-runtime runs a busybox
// container whose config.json carries the resolved profile. Needs root,
// /bin/busybox (Debian's busybox-static) and berth-runtime built beside this
// test binary; skipped otherwise. The runtime is run in a network namespace
// of its own, and everything it touches is inside one temporary directory.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "engine/default_seccomp_profile.h"
#include "oci/seccomp_json.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const std::vector<std::string> kDockerDefaultCaps = {
    "CAP_CHOWN",   "CAP_DAC_OVERRIDE", "CAP_FSETID",           "CAP_FOWNER",
    "CAP_MKNOD",   "CAP_NET_RAW",      "CAP_SETGID",           "CAP_SETUID",
    "CAP_SETFCAP", "CAP_SETPCAP",      "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT",
    "CAP_KILL",    "CAP_AUDIT_WRITE",
};

class TempDir {
 public:
  TempDir() {
    char name[] = "/tmp/berth-seccomp-kernel.XXXXXX";
    if (mkdtemp(name)) path_ = name;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) fs::remove_all(path_, ignored);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

fs::path runtime_binary() {
  std::error_code error;
  fs::path self = fs::read_symlink("/proc/self/exe", error);
  return error ? fs::path() : self.parent_path() / "berth-runtime";
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void make_rootfs(const fs::path& rootfs) {
  for (const char* dir : {"bin", "proc", "dev", "tmp", "mnt", "etc", "root"}) fs::create_directories(rootfs / dir);
  fs::copy_file("/bin/busybox", rootfs / "bin/busybox");
  for (const char* applet : {"sh", "ls", "cat", "echo", "grep", "head", "mount", "unshare"})
    fs::create_symlink("busybox", rootfs / "bin" / applet);
  std::ofstream(rootfs / "etc/passwd") << "root:x:0:0:root:/root:/bin/sh\n";
}

// A runc-like config.json for `sh -c SCRIPT` with these capabilities and seccomp section.
json container_spec(const std::string& script, const std::vector<std::string>& caps, const json& seccomp) {
  return {
      {"ociVersion", "1.0.2"},
      {"process",
       {{"terminal", false},
        {"user", {{"uid", 0}, {"gid", 0}}},
        {"args", {"sh", "-c", script}},
        {"env", {"PATH=/bin"}},
        {"cwd", "/"},
        {"capabilities", {{"bounding", caps}, {"effective", caps}, {"permitted", caps}}},
        {"noNewPrivileges", true}}},
      {"root", {{"path", "rootfs"}, {"readonly", true}}},
      {"hostname", "seccomp"},
      {"mounts",
       {{{"destination", "/proc"}, {"type", "proc"}, {"source", "proc"}},
        {{"destination", "/dev"}, {"type", "tmpfs"}, {"source", "tmpfs"}, {"options", {"nosuid", "mode=755"}}}}},
      {"linux",
       {{"namespaces",
         {{{"type", "pid"}}, {{"type", "network"}}, {{"type", "ipc"}}, {{"type", "uts"}}, {{"type", "mount"}}}},
        {"seccomp", seccomp}}},
  };
}

struct RunResult {
  int status = -1;
  std::string out, err;
};

// Runs one container to completion with berth-runtime, in a network namespace of its own.
RunResult run_container(const TempDir& dir, const std::string& id, const json& spec) {
  fs::path bundle = dir.path() / id;
  make_rootfs(bundle / "rootfs");
  std::ofstream(bundle / "config.json") << spec.dump(2);
  fs::path out = dir.path() / (id + ".out"), err = dir.path() / (id + ".err");
  std::string command =
      fmt::format("unshare --net -- timeout 60 {} --root {} run --bundle {} {} >{} 2>{}", runtime_binary().string(),
                  (dir.path() / "state").string(), bundle.string(), id, out.string(), err.string());
  int status = std::system(command.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_file(out), read_file(err)};
}

constexpr const char* kScript =
    "grep '^Seccomp:' /proc/self/status; "
    "unshare -U true 2>&1; echo \"unshare=$?\"; "
    "mount -t tmpfs x /mnt 2>&1; echo \"mount=$?\"; "
    "ls /bin/busybox && head -n1 /etc/passwd";

class DefaultSeccompKernel : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root";
    if (!fs::exists("/bin/busybox")) GTEST_SKIP() << "needs /bin/busybox (apt-get install busybox-static)";
    if (!fs::exists(runtime_binary())) GTEST_SKIP() << "needs berth-runtime beside the test binary";
    ASSERT_FALSE(dir_.path().empty());
  }

  json resolved(std::vector<std::string> caps) {
    auto seccomp = berth::default_seccomp(
        {.capabilities = std::move(caps), .native_arch = native_arch(), .kernel_version = kernel_release()});
    EXPECT_TRUE(seccomp) << seccomp.error().message;
    return seccomp ? berth::oci::seccomp_to_json(*seccomp) : json();
  }

  static std::string native_arch() {
    auto context = berth::host_seccomp_context({});
    return context ? context->native_arch : "";
  }
  static std::string kernel_release() {
    auto context = berth::host_seccomp_context({});
    return context ? context->kernel_version : "";
  }

  TempDir dir_;
};

}  // namespace

// The container holds CAP_SYS_ADMIN, so only seccomp can refuse mount;
// unshare -U needs no capability at all.
TEST_F(DefaultSeccompKernel, RefusesMountAndUnshareWithEperm) {
  std::vector<std::string> caps = kDockerDefaultCaps;
  caps.push_back("CAP_SYS_ADMIN");
  RunResult run = run_container(dir_, "default", container_spec(kScript, caps, resolved(kDockerDefaultCaps)));
  ASSERT_EQ(run.status, 0) << run.err << run.out;
  EXPECT_NE(run.out.find("Seccomp:\t2"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("Operation not permitted"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("unshare=1"), std::string::npos) << run.out;
  // busybox mount words EPERM as "permission denied (are you root?)" and exits 1.
  EXPECT_NE(run.out.find("mount: permission denied"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("mount=1"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("/bin/busybox\nroot:x:0:0:root:/root:/bin/sh"), std::string::npos) << run.out;
}

// The control: the same container with the profile resolved for
// CAP_SYS_ADMIN may mount and unshare.
TEST_F(DefaultSeccompKernel, CapSysAdminProfileAllowsThem) {
  std::vector<std::string> caps = kDockerDefaultCaps;
  caps.push_back("CAP_SYS_ADMIN");
  RunResult run = run_container(dir_, "admin", container_spec(kScript, caps, resolved(caps)));
  ASSERT_EQ(run.status, 0) << run.err << run.out;
  EXPECT_NE(run.out.find("Seccomp:\t2"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("unshare=0"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("mount=0"), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find("Operation not permitted"), std::string::npos) << run.out;
}
