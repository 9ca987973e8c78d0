// Cgroup support against the real kernel: creation with limits, process
// tracking, freeze/thaw, stats, update, destroy, error paths, the v2 code on
// the host's cgroup2 mount, and the eBPF device filter.
#include "runtime/cgroup.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/magic.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "runtime/cgroup_devices.h"
#include "runtime/cgroup_impl.h"
#include "runtime/cgroup_layout.h"

namespace berth::runtime {
namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

bool exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

std::string unique_name(const char* what) {
  static int counter = 0;
  return fmt::format("berth-test-{}-{}-{}", what, ::getpid(), ++counter);
}

// A forked child that waits for "go" on a pipe, then allocates and touches
// 8 MiB and burns ~50ms of CPU, reports "done", and sleeps until killed.
class BusyChild {
 public:
  BusyChild() {
    int go[2], done[2];
    if (::pipe2(go, O_CLOEXEC) != 0 || ::pipe2(done, O_CLOEXEC) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      char byte;
      if (::read(go[0], &byte, 1) != 1) _exit(1);
      size_t size = 8 << 20;
      char* memory = static_cast<char*>(::malloc(size));
      for (size_t i = 0; i < size; i += 4096) memory[i] = 1;
      auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(50);
      uint64_t spin = 0;
      while (std::chrono::steady_clock::now() < until) spin = spin + 1;
      asm volatile("" : : "r"(spin));
      if (::write(done[1], "d", 1) != 1) _exit(1);
      for (;;) ::pause();
    }
    ::close(go[0]);
    ::close(done[1]);
    go_ = go[1];
    done_ = done[0];
  }
  ~BusyChild() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (go_ >= 0) ::close(go_);
    if (done_ >= 0) ::close(done_);
  }
  pid_t pid() const { return pid_; }
  bool run() {
    char byte = 'g';
    if (::write(go_, &byte, 1) != 1) return false;
    return ::read(done_, &byte, 1) == 1;
  }

 private:
  pid_t pid_ = -1;
  int go_ = -1, done_ = -1;
};

// Destroys the cgroup at scope exit (after the children declared later are gone),
// and removes the test's parent directories.
struct CgroupCleanup {
  std::unique_ptr<Cgroup>* cgroup;
  std::vector<std::string> extra_dirs;
  ~CgroupCleanup() {
    if (cgroup && *cgroup) (void)(*cgroup)->destroy();
    for (auto it = extra_dirs.rbegin(); it != extra_dirs.rend(); ++it) ::rmdir(it->c_str());
  }
};

// Every directory a cgroup state names.
std::vector<std::string> state_dirs(const nlohmann::json& state) {
  std::vector<std::string> dirs;
  if (state.contains("dir")) dirs.push_back(state["dir"]);
  if (state.contains("dirs"))
    for (const auto& [controller, dir] : state["dirs"].items()) dirs.push_back(dir);
  if (state.contains("unified_dir")) dirs.push_back(state["unified_dir"]);
  return dirs;
}

// Parents of every state dir below each mount, named `top` (for cleanup).
std::vector<std::string> top_dirs(const nlohmann::json& state, const std::string& top) {
  std::vector<std::string> dirs;
  for (const auto& dir : state_dirs(state)) {
    size_t at = dir.find("/" + top + "/");
    if (at != std::string::npos) dirs.push_back(dir.substr(0, at + 1 + top.size()));
  }
  return dirs;
}

oci::Resources basic_limits(int64_t memory, int64_t pids) {
  oci::Resources resources;
  resources.memory.emplace();
  resources.memory->limit = memory;
  resources.pids = oci::Pids{pids};
  resources.cpu.emplace();
  resources.cpu->shares = 512;
  resources.cpu->quota = 50000;
  resources.cpu->period = 100000;
  resources.cpu->cpus = "0";
  return resources;
}

TEST(CgroupTest, LifecycleWithLimitsProcessesFreezeStatsUpdateDestroy) {
  std::string top = unique_name("life");
  oci::Resources resources = basic_limits(64 << 20, 32);
  auto created = Cgroup::create("/" + top + "/ctr", "ignored", &resources);
  ASSERT_TRUE(created) << created.error().message;
  std::unique_ptr<Cgroup> cgroup = std::move(*created);
  nlohmann::json state = cgroup->to_state();
  CgroupCleanup cleanup{&cgroup, top_dirs(state, top)};
  std::string layout = state["layout"];

  if (layout == "v2") {
    std::string dir = state["dir"];
    EXPECT_EQ(read_text(dir + "/memory.max"), std::to_string(64 << 20));
    EXPECT_EQ(read_text(dir + "/pids.max"), "32");
    EXPECT_EQ(read_text(dir + "/cpu.max"), "50000 100000");
    EXPECT_EQ(read_text(dir + "/cpu.weight"), std::to_string(1 + ((512 - 2) * 9999) / 262142));
  } else {
    auto dirs = state["dirs"];
    EXPECT_EQ(read_text(std::string(dirs["memory"]) + "/memory.limit_in_bytes"), std::to_string(64 << 20));
    EXPECT_EQ(read_text(std::string(dirs["pids"]) + "/pids.max"), "32");
    EXPECT_EQ(read_text(std::string(dirs["cpu"]) + "/cpu.shares"), "512");
    EXPECT_EQ(read_text(std::string(dirs["cpu"]) + "/cpu.cfs_quota_us"), "50000");
    EXPECT_EQ(read_text(std::string(dirs["cpuset"]) + "/cpuset.cpus"), "0");
    EXPECT_FALSE(read_text(std::string(dirs["cpuset"]) + "/cpuset.mems").empty());
    for (const auto& dir : state_dirs(state)) EXPECT_TRUE(exists(dir)) << dir;
  }

  BusyChild child;
  ASSERT_GT(child.pid(), 0);
  ASSERT_TRUE(cgroup->add_process(child.pid())) << "add_process";
  ASSERT_TRUE(child.run());

  auto pids = cgroup->processes();
  ASSERT_TRUE(pids) << pids.error().message;
  EXPECT_EQ(*pids, std::vector<pid_t>{child.pid()});
  if (layout == "hybrid") {
    std::string unified = state["unified_dir"];
    EXPECT_EQ(read_text(unified + "/cgroup.procs"), std::to_string(child.pid()));
  }

  auto frozen = cgroup->frozen();
  ASSERT_TRUE(frozen) << frozen.error().message;
  EXPECT_FALSE(*frozen);
  auto froze = cgroup->freeze();
  ASSERT_TRUE(froze) << froze.error().message;
  EXPECT_TRUE(*cgroup->frozen());
  if (layout != "v2") {
    EXPECT_EQ(read_text(std::string(state["dirs"]["freezer"]) + "/freezer.state"), "FROZEN");
  }
  ASSERT_TRUE(cgroup->thaw());
  EXPECT_FALSE(*cgroup->frozen());

  auto stats = cgroup->stats();
  ASSERT_TRUE(stats) << stats.error().message;
  EXPECT_GT(stats->cpu_usage_total_ns, 10'000'000u);  // the child spun for 50ms
  EXPECT_GT(stats->memory_usage, 4u << 20);           // and touched 8 MiB
  EXPECT_EQ(stats->memory_limit, uint64_t{64} << 20);
  EXPECT_GE(stats->memory_max_usage, stats->memory_usage);
  EXPECT_EQ(stats->pids_current, 1u);
  EXPECT_EQ(stats->pids_limit, 32u);
  nlohmann::json shape = stats->to_json();
  EXPECT_EQ(shape["cpu"]["usage"]["total"], stats->cpu_usage_total_ns);
  EXPECT_EQ(shape["memory"]["usage"]["limit"], uint64_t{64} << 20);
  EXPECT_EQ(shape["pids"]["limit"], 32u);

  // update() through a cgroup re-opened from its saved state, as later commands do.
  auto reopened = Cgroup::from_state(state);
  ASSERT_TRUE(reopened) << reopened.error().message;
  oci::Resources bigger;
  bigger.memory.emplace();
  bigger.memory->limit = 128 << 20;
  bigger.pids = oci::Pids{64};
  auto updated = (*reopened)->update(bigger);
  ASSERT_TRUE(updated) << updated.error().message;
  auto after = cgroup->stats();
  ASSERT_TRUE(after);
  EXPECT_EQ(after->memory_limit, uint64_t{128} << 20);
  EXPECT_EQ(after->pids_limit, 64u);

  // Busy while the child lives; gone once it is.
  auto busy = cgroup->destroy();
  EXPECT_FALSE(busy);
  ::kill(child.pid(), SIGKILL);
  ::waitpid(child.pid(), nullptr, 0);
  auto destroyed = cgroup->destroy();
  ASSERT_TRUE(destroyed) << destroyed.error().message;
  for (const auto& dir : state_dirs(state)) EXPECT_FALSE(exists(dir)) << dir;
  EXPECT_TRUE(cgroup->destroy()) << "destroy is idempotent";
}

TEST(CgroupTest, DefaultPathAndPathValidation) {
  EXPECT_EQ(*validate_cgroups_path("", "abc"), "/berth/abc");
  EXPECT_EQ(*validate_cgroups_path("/a//b/./c/", "x"), "/a/b/c");
  EXPECT_EQ(*validate_cgroups_path("rel/x", "x"), "rel/x");

  auto dotdot = Cgroup::create("/berth/../../etc", "x", nullptr);
  ASSERT_FALSE(dotdot);
  EXPECT_NE(dotdot.error().message.find("\"..\""), std::string::npos) << dotdot.error().message;

  auto systemd = Cgroup::create("system.slice:berth:abc", "abc", nullptr);
  ASSERT_FALSE(systemd);
  EXPECT_NE(systemd.error().message.find("systemd"), std::string::npos) << systemd.error().message;

  std::string id = unique_name("default");
  auto created = Cgroup::create("", id, nullptr);
  ASSERT_TRUE(created) << created.error().message;
  std::unique_ptr<Cgroup> cgroup = std::move(*created);
  CgroupCleanup cleanup{&cgroup, {}};
  for (const auto& dir : state_dirs(cgroup->to_state())) {
    EXPECT_TRUE(dir.ends_with("/berth/" + id)) << dir;
    EXPECT_TRUE(exists(dir)) << dir;
  }
}

TEST(CgroupTest, InvalidValueNamesFileAndLeavesNothingBehind) {
  std::string top = unique_name("bad");
  oci::Resources resources;
  resources.cpu.emplace();
  resources.cpu->cpus = "999999";
  auto created = Cgroup::create("/" + top + "/a/b", "x", &resources);
  ASSERT_FALSE(created);
  const std::string& message = created.error().message;
  EXPECT_NE(message.find("cpuset.cpus"), std::string::npos) << message;
  EXPECT_NE(message.find("999999"), std::string::npos) << message;
  auto layout = detect_cgroup_layout();
  ASSERT_TRUE(layout);
  for (const auto& [controller, mount] : layout->v1_mounts) EXPECT_FALSE(exists(mount + "/" + top)) << controller;
  if (!layout->unified_mount.empty()) {
    EXPECT_FALSE(exists(layout->unified_mount + "/" + top));
  }
}

// On a hybrid host the v1 directories wait for finish_create(), so that a
// runtime can make them while the init it cloned into the cgroup2 one sets
// itself up; elsewhere begin_create() is create().
TEST(CgroupTest, BeginCreateLeavesTheV1DirectoriesToFinishCreate) {
  auto layout = detect_cgroup_layout();
  ASSERT_TRUE(layout);
  std::string top = unique_name("begin");
  oci::Resources resources;
  resources.pids = oci::Pids{42};
  auto begun = Cgroup::begin_create("/" + top + "/c", "x", &resources);
  ASSERT_TRUE(begun) << begun.error().message;
  std::unique_ptr<Cgroup> cgroup = std::move(*begun);
  CgroupCleanup cleanup{&cgroup, top_dirs(cgroup->to_state(), top)};
  bool hybrid = layout->kind == CgroupLayoutKind::hybrid;
  EXPECT_EQ(cgroup->creation_pending(), hybrid);
  const auto state = cgroup->to_state();
  if (hybrid) {
    EXPECT_TRUE(exists(state["unified_dir"].get<std::string>()));
    for (const auto& [controller, dir] : state["dirs"].items()) {
      EXPECT_FALSE(exists(dir)) << controller;
    }
  }
  ASSERT_TRUE(cgroup->finish_create());
  EXPECT_FALSE(cgroup->creation_pending());
  for (const auto& dir : state_dirs(state)) EXPECT_TRUE(exists(dir)) << dir;
  std::string pids_dir = layout->kind == CgroupLayoutKind::v2 ? state["dir"].get<std::string>()
                                                              : state["dirs"].value("pids", std::string());
  if (!pids_dir.empty()) {
    EXPECT_EQ(read_text(pids_dir + "/pids.max"), "42");
  }
  EXPECT_TRUE(cgroup->finish_create()) << "a second call is a no-op";
}

TEST(CgroupTest, FailedFinishCreateNamesTheFileAndLeavesNothingOnceDropped) {
  auto layout = detect_cgroup_layout();
  ASSERT_TRUE(layout);
  if (layout->kind != CgroupLayoutKind::hybrid) GTEST_SKIP() << "only a hybrid host creates in two steps";
  std::string top = unique_name("finish");
  oci::Resources resources;
  resources.cpu.emplace();
  resources.cpu->cpus = "999999";
  auto begun = Cgroup::begin_create("/" + top + "/c", "x", &resources);
  ASSERT_TRUE(begun) << begun.error().message;
  auto finished = (*begun)->finish_create();
  ASSERT_FALSE(finished);
  EXPECT_NE(finished.error().message.find("cpuset.cpus"), std::string::npos) << finished.error().message;
  begun->reset();
  for (const auto& [controller, mount] : layout->v1_mounts) EXPECT_FALSE(exists(mount + "/" + top)) << controller;
  EXPECT_FALSE(exists(layout->unified_mount + "/" + top));
}

TEST(CgroupTest, InvalidMemoryErrorNamesPathAndValue) {
  std::string top = unique_name("mem");
  oci::Resources resources;
  resources.memory.emplace();
  resources.memory->limit = 64 << 20;
  resources.memory->swap = 32 << 20;  // below the limit: refused
  auto created = Cgroup::create("/" + top, "x", &resources);
  ASSERT_FALSE(created);
  const std::string& message = created.error().message;
  bool names_swap_file = message.find("memory.memsw.limit_in_bytes") != std::string::npos ||
                         message.find("memory.swap") != std::string::npos;
  EXPECT_TRUE(names_swap_file) << message;
  auto layout = detect_cgroup_layout();
  ASSERT_TRUE(layout);
  for (const auto& [controller, mount] : layout->v1_mounts) EXPECT_FALSE(exists(mount + "/" + top)) << controller;
}

TEST(CgroupTest, V1DevicesAllowListIsWritten) {
  auto layout = detect_cgroup_layout();
  ASSERT_TRUE(layout);
  if (!layout->v1_mounts.contains("devices")) GTEST_SKIP() << "no v1 devices controller";
  std::string top = unique_name("dev");
  oci::Resources resources;
  oci::DeviceRule deny_all;
  deny_all.access = "rwm";
  oci::DeviceRule fuse;
  fuse.allow = true;
  fuse.type = "c";
  fuse.major = 10;
  fuse.minor = 229;
  fuse.access = "rw";
  resources.devices = {deny_all, fuse};
  auto created = Cgroup::create("/" + top, "x", &resources);
  ASSERT_TRUE(created) << created.error().message;
  std::unique_ptr<Cgroup> cgroup = std::move(*created);
  CgroupCleanup cleanup{&cgroup, {}};
  std::string list = read_text(std::string(cgroup->to_state()["dirs"]["devices"]) + "/devices.list");
  EXPECT_NE(list.find("c 10:229 rw"), std::string::npos) << list;
  EXPECT_NE(list.find("c 1:3 rwm"), std::string::npos) << list;
  EXPECT_EQ(list.find("a *:* rwm"), std::string::npos) << list;

  // An update to a new allow list revokes what is gone and adds what is new,
  // without a moment of "deny all": devices kept stay listed throughout.
  oci::DeviceRule tun = fuse;
  tun.minor = 200;
  oci::Resources updated;
  updated.devices = {deny_all, tun};
  ASSERT_TRUE(cgroup->update(updated));
  list = read_text(std::string(cgroup->to_state()["dirs"]["devices"]) + "/devices.list");
  EXPECT_NE(list.find("c 10:200 rw"), std::string::npos) << list;
  EXPECT_EQ(list.find("c 10:229 rw"), std::string::npos) << list;
  EXPECT_NE(list.find("c 1:3 rwm"), std::string::npos) << list;
  EXPECT_EQ(list.find("a *:* rwm"), std::string::npos) << list;
}

TEST(CgroupTest, LayoutParsing) {
  std::string hybrid =
      "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
      "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct\n"
      "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
      "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd\n"
      "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw,nsdelegate\n";
  CgroupLayout layout = parse_cgroup_mounts(hybrid, false);
  EXPECT_EQ(layout.kind, CgroupLayoutKind::hybrid);
  EXPECT_EQ(layout.v1_mounts.at("cpu"), "/sys/fs/cgroup/cpu,cpuacct");
  EXPECT_EQ(layout.v1_mounts.at("cpuacct"), "/sys/fs/cgroup/cpu,cpuacct");
  EXPECT_EQ(layout.v1_mounts.size(), 3u);
  EXPECT_EQ(layout.unified_mount, "/sys/fs/cgroup/unified");

  CgroupLayout v2 = parse_cgroup_mounts("", true);
  EXPECT_EQ(v2.kind, CgroupLayoutKind::v2);
  EXPECT_EQ(v2.unified_mount, "/sys/fs/cgroup");

  EXPECT_EQ(own_cgroup("4:memory:/a/b\n0::/x:y\n", "memory"), "/a/b");
  EXPECT_EQ(own_cgroup("4:memory:/a/b\n0::/x:y\n", ""), "/x:y");
}

TEST(CgroupTest, DeviceFilterProgramShape) {
  auto allow_all = build_device_filter({});
  ASSERT_TRUE(allow_all);
  ASSERT_EQ(allow_all->size(), 8u);  // prologue (6) + "return 1"
  EXPECT_EQ(allow_all->at(6).imm, 1);

  oci::DeviceRule deny_all;
  deny_all.access = "rwm";
  oci::DeviceRule null_device{true, "c", 1, 3, "rwm"};
  auto program = build_device_filter({deny_all, null_device});
  ASSERT_TRUE(program);
  // prologue, type, major, minor checks, return 1, then default return 0.
  ASSERT_EQ(program->size(), 6u + 5u + 2u);
  EXPECT_EQ(program->back().code, BPF_JMP | BPF_EXIT);
  EXPECT_EQ(program->at(program->size() - 2).imm, 0);

  oci::DeviceRule bad{true, "x", 1, 3, "rwm"};
  EXPECT_FALSE(build_device_filter({bad}));
}

bool is_cgroup2(const std::string& path) {
  struct statfs fs {};
  return ::statfs(path.c_str(), &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC;
}

std::string unified_mount() {
  auto layout = detect_cgroup_layout();
  if (!layout || layout->unified_mount.empty() || !is_cgroup2(layout->unified_mount)) return {};
  return layout->unified_mount;
}

TEST(CgroupV2Test, DeviceFilterDeniesAndAllowsInTheKernel) {
  std::string mount = unified_mount();
  if (mount.empty()) GTEST_SKIP() << "no cgroup2 mount";
  std::string dir = mount + "/" + unique_name("bpf");
  ASSERT_EQ(::mkdir(dir.c_str(), 0755), 0) << std::strerror(errno);
  struct Remove {
    std::string dir;
    ~Remove() { ::rmdir(dir.c_str()); }
  } remove{dir};

  oci::DeviceRule deny_all;
  deny_all.access = "rwm";
  auto applied = apply_device_filter(dir, effective_device_rules({deny_all}), true);
  ASSERT_TRUE(applied) << applied.error().message;
  // Again, as update does: the old program is replaced, not stacked.
  oci::DeviceRule allow_kmsg_write{true, "c", 1, 11, "w"};
  applied = apply_device_filter(dir, effective_device_rules({deny_all, allow_kmsg_write}), false);
  ASSERT_TRUE(applied) << applied.error().message;

  pid_t pid = ::fork();
  if (pid == 0) {
    std::string self = std::to_string(::getpid());
    int procs = ::open((dir + "/cgroup.procs").c_str(), O_WRONLY | O_CLOEXEC);
    if (procs < 0 || ::write(procs, self.data(), self.size()) < 0) _exit(10);
    int null_fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null_fd < 0) _exit(11);  // allowed by the defaults
    int kmsg_read = ::open("/dev/kmsg", O_RDONLY | O_CLOEXEC);
    if (kmsg_read >= 0 || errno != EPERM) _exit(12);  // only write is allowed
    int kmsg_write = ::open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
    if (kmsg_write < 0) _exit(13);
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "10: join, 11: /dev/null denied, 12: /dev/kmsg read allowed, 13: write denied";
}

TEST(CgroupV2Test, CreateFreezeStatsDestroyOnUnifiedMount) {
  std::string mount = unified_mount();
  if (mount.empty()) GTEST_SKIP() << "no cgroup2 mount";
  std::string top = unique_name("v2");
  std::string dir = mount + "/" + top + "/ctr";
  oci::Resources resources;
  std::string controllers = read_text(mount + "/cgroup.controllers");
  bool hugetlb =
      controllers.find("hugetlb") != std::string::npos && exists("/sys/kernel/mm/hugepages/hugepages-2048kB");
  if (hugetlb) resources.hugepage_limits.push_back({"2MB", 4 << 21});
  oci::DeviceRule deny_all;
  deny_all.access = "rwm";
  resources.devices = {deny_all};
  resources.unified["cgroup.max.descendants"] = "5";

  auto created = create_cgroup_v2(mount, dir, &resources);
  ASSERT_TRUE(created) << created.error().message;
  std::unique_ptr<Cgroup> cgroup = std::move(*created);
  CgroupCleanup cleanup{&cgroup, {mount + "/" + top}};
  EXPECT_EQ(read_text(dir + "/cgroup.max.descendants"), "5");
  if (hugetlb) {
    EXPECT_EQ(read_text(dir + "/hugetlb.2MB.max"), std::to_string(4 << 21));
  }

  BusyChild child;
  ASSERT_GT(child.pid(), 0);
  ASSERT_TRUE(cgroup->add_process(child.pid()));
  ASSERT_TRUE(child.run());
  EXPECT_EQ(*cgroup->processes(), std::vector<pid_t>{child.pid()});

  ASSERT_TRUE(cgroup->freeze());
  EXPECT_TRUE(*cgroup->frozen());
  EXPECT_NE(read_text(dir + "/cgroup.events").find("frozen 1"), std::string::npos);
  ASSERT_TRUE(cgroup->thaw());
  EXPECT_FALSE(*cgroup->frozen());

  auto stats = cgroup->stats();
  ASSERT_TRUE(stats) << stats.error().message;
  EXPECT_GT(stats->cpu_usage_total_ns, 10'000'000u);

  auto reopened = Cgroup::from_state(cgroup->to_state());
  ASSERT_TRUE(reopened);
  oci::Resources more;
  more.unified["cgroup.max.descendants"] = "7";
  auto updated = (*reopened)->update(more);
  ASSERT_TRUE(updated) << updated.error().message;
  EXPECT_EQ(read_text(dir + "/cgroup.max.descendants"), "7");

  oci::Resources bogus;
  bogus.unified["nosuch.knob"] = "1";
  auto refused = (*reopened)->update(bogus);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("nosuch.knob"), std::string::npos) << refused.error().message;

  ::kill(child.pid(), SIGKILL);
  ::waitpid(child.pid(), nullptr, 0);
  ASSERT_TRUE(cgroup->destroy());
  EXPECT_FALSE(exists(dir));
}

TEST(CgroupV2Test, FailedCreateRemovesWhatItMade) {
  std::string mount = unified_mount();
  if (mount.empty()) GTEST_SKIP() << "no cgroup2 mount";
  std::string top = unique_name("v2bad");
  oci::Resources resources;
  resources.unified["cgroup.max.descendants"] = "not-a-number";
  auto created = create_cgroup_v2(mount, mount + "/" + top + "/a", &resources);
  ASSERT_FALSE(created);
  EXPECT_NE(created.error().message.find("write not-a-number to " + mount + "/" + top + "/a/cgroup.max.descendants"),
            std::string::npos)
      << created.error().message;
  EXPECT_FALSE(exists(mount + "/" + top));
}

}  // namespace
}  // namespace berth::runtime
