// Tests for process_setup.h against the real kernel. Every state change runs
// in a fork()ed child, which reports a failure message through a pipe.
#include "runtime/process_setup.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/capability.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <csignal>
#include <cstdint>
#include <fstream>
#include <functional>
#include <sstream>

namespace berth::runtime {
namespace {

// Runs body in a child process; returns "" when it succeeded, else its message.
std::string in_child(const std::function<std::string()>& body) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return "pipe failed";
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    std::string message = body();
    if (!message.empty()) (void)!write(fds[1], message.data(), message.size());
    _exit(message.empty() ? 0 : 1);
  }
  close(fds[1]);
  std::string message;
  char buffer[512];
  ssize_t n;
  while ((n = read(fds[0], buffer, sizeof(buffer))) > 0) message.append(buffer, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status)) return "child died with signal " + std::to_string(WTERMSIG(status));
  if (WEXITSTATUS(status) != 0 && message.empty()) return "child exited " + std::to_string(WEXITSTATUS(status));
  return message;
}

std::string status_field(const std::string& name) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(name + ":", 0) == 0) {
      auto value = line.substr(name.size() + 1);
      value.erase(0, value.find_first_not_of(" \t"));
      return value;
    }
  }
  return "";
}

uint64_t status_mask(const std::string& name) { return std::stoull(status_field(name), nullptr, 16); }

bool have_effective(int cap) { return (status_mask("CapEff") >> cap) & 1; }

constexpr uint64_t bit(int cap) { return uint64_t{1} << cap; }

std::string expect_mask(const std::string& field, uint64_t expected) {
  uint64_t actual = status_mask(field);
  if (actual == expected) return "";
  std::ostringstream out;
  out << field << " is " << std::hex << actual << ", expected " << expected;
  return out.str();
}

TEST(Rlimits, SetAndReadBack) {
  auto message = in_child([] {
    std::vector<oci::Rlimit> limits{{"RLIMIT_NOFILE", 1024, 512}, {"RLIMIT_CORE", 0, 0}, {"RLIMIT_NPROC", 2000, 1000}};
    auto applied = apply_rlimits(limits);
    if (!applied) return applied.error().message;
    for (auto [resource, soft, hard] :
         {std::tuple{RLIMIT_NOFILE, 512, 1024}, std::tuple{RLIMIT_CORE, 0, 0}, std::tuple{RLIMIT_NPROC, 1000, 2000}}) {
      rlimit value{};
      getrlimit(resource, &value);
      if (value.rlim_cur != rlim_t(soft) || value.rlim_max != rlim_t(hard)) {
        return "resource " + std::to_string(resource) + " is " + std::to_string(value.rlim_cur) + "/" +
               std::to_string(value.rlim_max);
      }
    }
    return std::string();
  });
  EXPECT_EQ(message, "");
}

TEST(Rlimits, RaisingHardNofileAboveCurrentFailsNamingLimit) {
  if (have_effective(CAP_SYS_RESOURCE)) GTEST_SKIP() << "needs a process without CAP_SYS_RESOURCE";
  rlimit current{};
  getrlimit(RLIMIT_NOFILE, &current);
  auto message = in_child([] {
    auto applied = apply_rlimits({{"RLIMIT_NOFILE", 1048576, 1048576}});
    return applied ? std::string("raising the hard limit succeeded") : applied.error().message;
  });
  EXPECT_NE(message.find("setrlimit RLIMIT_NOFILE soft=1048576 hard=1048576"), std::string::npos) << message;
  EXPECT_NE(message.find("above the current " + std::to_string(current.rlim_max) + " without CAP_SYS_RESOURCE"),
            std::string::npos)
      << message;
}

TEST(Rlimits, UnknownNameIsAnError) {
  auto applied = apply_rlimits({{"RLIMIT_BOGUS", 1, 1}});
  ASSERT_FALSE(applied);
  EXPECT_NE(applied.error().message.find("RLIMIT_BOGUS"), std::string::npos) << applied.error().message;
}

TEST(Rlimits, SoftAboveHardIsAnError) {
  auto applied = apply_rlimits({{"RLIMIT_CORE", 10, 20}});
  ASSERT_FALSE(applied);
  EXPECT_NE(applied.error().message.find("soft limit is above the hard limit"), std::string::npos);
}

TEST(Rlimits, EveryNameIsKnown) {
  for (const char* name : {"RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK", "RLIMIT_CORE", "RLIMIT_RSS",
                           "RLIMIT_NPROC", "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS", "RLIMIT_LOCKS",
                           "RLIMIT_SIGPENDING", "RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_RTPRIO", "RLIMIT_RTTIME"}) {
    EXPECT_TRUE(rlimit_resource(name)) << name;
  }
  EXPECT_EQ(*rlimit_resource("RLIMIT_RTTIME"), RLIMIT_RTTIME);
}

// A child that waits until killed, for the tests that act on another pid.
class Sleeper {
 public:
  Sleeper() : pid_(fork()) {
    if (pid_ == 0) {
      pause();
      _exit(0);
    }
  }
  ~Sleeper() {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_;
};

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

TEST(OomScoreAdj, WrittenForAnotherProcess) {
  Sleeper sleeper;
  ASSERT_TRUE(apply_oom_score_adj(sleeper.pid(), 500));
  EXPECT_EQ(read_text("/proc/" + std::to_string(sleeper.pid()) + "/oom_score_adj"), "500\n");
}

TEST(OomScoreAdj, LoweringWithoutCapSysResourceSaysWhy) {
  if (have_effective(CAP_SYS_RESOURCE)) GTEST_SKIP() << "needs a process without CAP_SYS_RESOURCE";
  Sleeper sleeper;
  auto applied = apply_oom_score_adj(sleeper.pid(), -999);
  ASSERT_FALSE(applied);
  EXPECT_NE(applied.error().message.find("CAP_SYS_RESOURCE"), std::string::npos) << applied.error().message;
}

TEST(IoPriority, ReadBackWithIoprioGet) {
  auto message = in_child([] {
    for (auto [name, io_class, level] : {std::tuple{"IOPRIO_CLASS_BE", 2, 3}, std::tuple{"IOPRIO_CLASS_IDLE", 3, 0},
                                         std::tuple{"IOPRIO_CLASS_RT", 1, 7}}) {
      auto applied = apply_io_priority({name, level});
      if (!applied) return applied.error().message;
      long value = syscall(SYS_ioprio_get, 1, 0);
      if (value != ((io_class << 13) | level)) return std::string(name) + ": ioprio_get " + std::to_string(value);
    }
    return std::string();
  });
  EXPECT_EQ(message, "");
  EXPECT_FALSE(apply_io_priority({"IOPRIO_CLASS_FAST", 0}));
  EXPECT_FALSE(apply_io_priority({"IOPRIO_CLASS_BE", 8}));
}

TEST(Scheduler, BatchWithNiceReadBack) {
  auto message = in_child([] {
    oci::Scheduler scheduler{.policy = "SCHED_BATCH", .nice = 5, .flags = {"SCHED_FLAG_RESET_ON_FORK"}};
    auto applied = apply_scheduler(scheduler);
    if (!applied) return applied.error().message;
    int policy = sched_getscheduler(0);
    if (policy != (SCHED_BATCH | SCHED_RESET_ON_FORK)) return "policy " + std::to_string(policy);
    errno = 0;
    int nice = getpriority(PRIO_PROCESS, 0);
    if (nice != 5) return "nice " + std::to_string(nice);
    return std::string();
  });
  EXPECT_EQ(message, "");
}

TEST(Scheduler, UnknownPolicyOrFlagIsAnError) {
  auto policy = apply_scheduler({.policy = "SCHED_FAST"});
  ASSERT_FALSE(policy);
  EXPECT_NE(policy.error().message.find("SCHED_FAST"), std::string::npos);
  auto flag = apply_scheduler({.policy = "SCHED_OTHER", .flags = {"SCHED_FLAG_TURBO"}});
  ASSERT_FALSE(flag);
  EXPECT_NE(flag.error().message.find("SCHED_FLAG_TURBO"), std::string::npos);
}

TEST(Personality, Linux32ReadBack) {
  auto message = in_child([] {
    auto applied = apply_personality({"LINUX32", {}});
    if (!applied) return applied.error().message;
    int current = personality(0xffffffff);
    return (current & PER_MASK) == PER_LINUX32 ? std::string() : "personality " + std::to_string(current);
  });
  EXPECT_EQ(message, "");
}

TEST(Personality, FlagsAreNotSupported) {
  auto applied = apply_personality({"LINUX", {"ADDR_NO_RANDOMIZE"}});
  ASSERT_FALSE(applied);
  EXPECT_EQ(applied.error().message, "personality flags are not supported");
  EXPECT_FALSE(apply_personality({"WINDOWS", {}}));
}

TEST(Capabilities, NumberOfName) {
  EXPECT_EQ(*capability_number("CAP_CHOWN"), 0);
  EXPECT_EQ(*capability_number("CAP_SYS_ADMIN"), 21);
  EXPECT_EQ(*capability_number("CAP_CHECKPOINT_RESTORE"), 40);
  auto unknown = capability_number("CAP_FLY");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("CAP_FLY"), std::string::npos);
}

oci::Process nobody_process() {
  oci::Process process;
  process.user.uid = 65534;
  process.user.gid = 65534;
  return process;
}

TEST(Capabilities, SwitchToNobodyWithExactSets) {
  auto message = in_child([] {
    oci::Process process = nobody_process();
    process.capabilities = oci::Capabilities{
        .bounding = {"CAP_KILL", "CAP_CHOWN"}, .effective = {"CAP_KILL"}, .permitted = {"CAP_KILL", "CAP_CHOWN"}};
    auto applied = apply_user_and_capabilities(process);
    if (!applied) return applied.error().message;
    if (getuid() != 65534 || geteuid() != 65534 || getgid() != 65534) return std::string("uid/gid not switched");
    if (getgroups(0, nullptr) != 0) return std::string("supplementary groups left");
    for (auto [field, mask] : {std::pair{"CapBnd", bit(CAP_KILL) | bit(CAP_CHOWN)}, std::pair{"CapEff", bit(CAP_KILL)},
                               std::pair{"CapPrm", bit(CAP_KILL) | bit(CAP_CHOWN)}, std::pair{"CapInh", uint64_t{0}},
                               std::pair{"CapAmb", uint64_t{0}}}) {
      if (auto wrong = expect_mask(field, mask); !wrong.empty()) return wrong;
    }
    return std::string();
  });
  EXPECT_EQ(message, "");
}

TEST(Capabilities, InheritableIsClearedWhenNotListed) {
  auto message = in_child([] {
    // Start with a non-empty inheritable set, as a hostile parent might.
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    std::array<__user_cap_data_struct, 2> data{};
    syscall(SYS_capget, &header, data.data());
    data[0].inheritable = static_cast<uint32_t>(bit(CAP_NET_RAW) | bit(CAP_KILL));
    if (syscall(SYS_capset, &header, data.data()) != 0) return std::string("setup capset failed");
    if (status_mask("CapInh") == 0) return std::string("setup did not set inheritable");
    oci::Process process = nobody_process();
    process.capabilities = oci::Capabilities{.bounding = {"CAP_KILL"}, .permitted = {"CAP_KILL"}};
    auto applied = apply_user_and_capabilities(process);
    if (!applied) return applied.error().message;
    return expect_mask("CapInh", 0);
  });
  EXPECT_EQ(message, "");
}

TEST(Capabilities, AmbientSurvivesExecAsNonRoot) {
  auto message = in_child([] {
    oci::Process process = nobody_process();
    std::vector<std::string> caps{"CAP_KILL", "CAP_NET_BIND_SERVICE"};
    process.capabilities = oci::Capabilities{caps, caps, caps, caps, caps};
    auto applied = apply_user_and_capabilities(process);
    if (!applied) return applied.error().message;
    if (auto wrong = expect_mask("CapAmb", bit(CAP_KILL) | bit(CAP_NET_BIND_SERVICE)); !wrong.empty()) return wrong;
    // After execve a non-root process keeps exactly its ambient set.
    execl("/bin/sh", "sh", "-c", "grep -q '^CapEff:.0000000000000420$' /proc/self/status", nullptr);
    return std::string("exec failed");
  });
  EXPECT_EQ(message, "");
}

TEST(Capabilities, AmbientNotInheritableIsSkipped) {
  auto message = in_child([] {
    oci::Process process = nobody_process();
    process.capabilities = oci::Capabilities{
        .bounding = {"CAP_KILL"}, .effective = {"CAP_KILL"}, .permitted = {"CAP_KILL"}, .ambient = {"CAP_KILL"}};
    auto applied = apply_user_and_capabilities(process);
    if (!applied) return applied.error().message;
    return expect_mask("CapAmb", 0);
  });
  EXPECT_EQ(message, "");
}

TEST(Capabilities, UnknownNameIsAnErrorBeforeAnyChange) {
  auto message = in_child([] {
    oci::Process process = nobody_process();
    process.capabilities = oci::Capabilities{.bounding = {"CAP_KILL", "CAP_TELEPORT"}};
    auto applied = apply_user_and_capabilities(process);
    if (applied) return std::string("accepted an unknown capability");
    if (applied.error().message != "process.capabilities.bounding: unknown capability \"CAP_TELEPORT\"") {
      return applied.error().message;
    }
    return getuid() == 0 ? std::string() : std::string("uid changed despite the error");
  });
  EXPECT_EQ(message, "");
}

TEST(Capabilities, EffectiveOutsidePermittedIsAnError) {
  auto message = in_child([] {
    oci::Process process = nobody_process();
    process.capabilities = oci::Capabilities{.bounding = {"CAP_KILL"}, .effective = {"CAP_KILL"}};
    auto applied = apply_user_and_capabilities(process);
    return applied ? std::string("accepted") : applied.error().message;
  });
  EXPECT_NE(message.find("CAP_KILL not in process.capabilities.permitted"), std::string::npos) << message;
}

TEST(Capabilities, AbsentLeavesRootWithAllCapabilities) {
  uint64_t before = status_mask("CapEff");
  auto message = in_child([before] {
    oci::Process process;  // uid 0, no capabilities object
    auto applied = apply_user_and_capabilities(process);
    if (!applied) return applied.error().message;
    return expect_mask("CapEff", before);
  });
  EXPECT_EQ(message, "");
}

TEST(Capabilities, AbsentDropsAllForNonRoot) {
  auto message = in_child([] {
    auto applied = apply_user_and_capabilities(nobody_process());
    if (!applied) return applied.error().message;
    if (auto wrong = expect_mask("CapEff", 0); !wrong.empty()) return wrong;
    return expect_mask("CapPrm", 0);
  });
  EXPECT_EQ(message, "");
}

TEST(User, AdditionalGidsAndUmask) {
  auto message = in_child([] {
    oci::Process process = nobody_process();
    process.user.additional_gids = {10, 20};
    process.user.umask = 027;
    auto applied = apply_user_and_capabilities(process);
    if (!applied) return applied.error().message;
    gid_t groups[8];
    int count = getgroups(8, groups);
    if (count != 2 || groups[0] != 10 || groups[1] != 20) return "groups count " + std::to_string(count);
    mode_t mask = umask(0);
    return mask == 027 ? std::string() : "umask " + std::to_string(mask);
  });
  EXPECT_EQ(message, "");
}

}  // namespace
}  // namespace berth::runtime
