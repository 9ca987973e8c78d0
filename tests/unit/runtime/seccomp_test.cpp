// Seccomp: filters are loaded in fork()ed children (the test process stays
// unfiltered) and checked against the real kernel; the child's exit status
// carries the verdict (0 = as expected, N = check N failed).
#include "runtime/seccomp.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <seccomp.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <string>

namespace berth::runtime {
namespace {

oci::SeccompSyscall rule(std::vector<std::string> names, std::string action,
                         std::optional<uint32_t> errno_ret = std::nullopt, std::vector<oci::SeccompArg> args = {}) {
  return oci::SeccompSyscall{std::move(names), std::move(action), errno_ret, std::move(args)};
}

oci::SeccompArg arg(unsigned index, std::string op, uint64_t value, uint64_t value_two = 0) {
  return oci::SeccompArg{index, value, value_two, std::move(op)};
}

oci::Seccomp profile(std::string default_action, std::vector<oci::SeccompSyscall> syscalls) {
  oci::Seccomp seccomp;
  seccomp.default_action = std::move(default_action);
  seccomp.syscalls = std::move(syscalls);
  return seccomp;
}

// Runs body in a child that first loads `seccomp`; returns the wait status.
// Exit 100 means the filter failed to load (its message goes to stderr).
int run_filtered(const oci::Seccomp& seccomp, const std::function<int()>& body) {
  pid_t pid = fork();
  if (pid == 0) {
    rlimit no_core{0, 0};
    setrlimit(RLIMIT_CORE, &no_core);  // SIGSYS would dump core otherwise
    auto loaded = load_seccomp(seccomp);
    if (!loaded) {
      fprintf(stderr, "load_seccomp: %s\n", loaded.error().message.c_str());
      _exit(100);
    }
    _exit(body());
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

int exit_code(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status); }

// The raw syscall's result: -errno on failure, as the kernel returned it.
long raw(long result) { return result < 0 ? -errno : result; }

long raw_getcwd() {
  char buf[512];
  return raw(syscall(SYS_getcwd, buf, sizeof(buf)));
}

TEST(Seccomp, ErrnoUsesErrnoRetAndDefaultsToEperm) {
  auto seccomp =
      profile("SCMP_ACT_ALLOW", {rule({"getcwd"}, "SCMP_ACT_ERRNO", 38), rule({"mkdirat"}, "SCMP_ACT_ERRNO")});
  int status = run_filtered(seccomp, [] {
    if (raw_getcwd() != -38) return 1;
    if (raw(syscall(SYS_mkdirat, AT_FDCWD, "/nonexistent-berth-dir/x", 0700)) != -EPERM) return 2;
    if (raw(syscall(SYS_getppid)) <= 0) return 3;  // everything else still works
    return 0;
  });
  EXPECT_EQ(exit_code(status), 0);
}

TEST(Seccomp, UnfilteredChildSeesRealResults) {
  // The control for the test above: without the rules getcwd succeeds.
  int status = run_filtered(profile("SCMP_ACT_ALLOW", {rule({"getppid"}, "SCMP_ACT_ERRNO")}),
                            [] { return raw_getcwd() > 0 ? 0 : 1; });
  EXPECT_EQ(exit_code(status), 0);
}

TEST(Seccomp, KillActionsKillWithSigsys) {
  for (const char* action : {"SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_TRAP"}) {
    int status = run_filtered(profile("SCMP_ACT_ALLOW", {rule({"getcwd"}, action)}), [] {
      raw_getcwd();
      return 7;  // must not get here
    });
    ASSERT_TRUE(WIFSIGNALED(status)) << action << " exit " << exit_code(status);
    EXPECT_EQ(WTERMSIG(status), SIGSYS) << action;
  }
}

TEST(Seccomp, DefaultErrnoRetAppliesToEverythingNotAllowed) {
  auto seccomp = profile("SCMP_ACT_ERRNO", {rule({"exit_group", "exit"}, "SCMP_ACT_ALLOW")});
  seccomp.default_errno_ret = 95;
  int status = run_filtered(seccomp, [] {
    if (raw(syscall(SYS_getppid)) != -95) return 1;
    if (raw_getcwd() != -95) return 2;
    return 0;
  });
  EXPECT_EQ(exit_code(status), 0);
}

TEST(Seccomp, TraceWithoutTracerReturnsEnosysAndLogAllows) {
  auto seccomp = profile("SCMP_ACT_ALLOW", {rule({"getcwd"}, "SCMP_ACT_TRACE", 7), rule({"getppid"}, "SCMP_ACT_LOG")});
  int status = run_filtered(seccomp, [] {
    if (raw_getcwd() != -ENOSYS) return 1;  // the kernel's answer when no tracer listens
    if (raw(syscall(SYS_getppid)) <= 0) return 2;
    return 0;
  });
  EXPECT_EQ(exit_code(status), 0);
}

TEST(Seccomp, ArgumentEqualBlocksOnlyThatValue) {
  auto seccomp =
      profile("SCMP_ACT_ALLOW", {rule({"personality"}, "SCMP_ACT_ERRNO", EACCES, {arg(0, "SCMP_CMP_EQ", 0xffffffff)})});
  int status = run_filtered(seccomp, [] {
    if (raw(syscall(SYS_personality, 0xffffffffUL)) != -EACCES) return 1;
    if (raw(syscall(SYS_personality, static_cast<unsigned long>(PER_LINUX))) < 0) return 2;
    return 0;
  });
  EXPECT_EQ(exit_code(status), 0);
}

TEST(Seccomp, MaskedEqualUsesValueAsMaskAndValueTwoAsOperand) {
  auto seccomp =
      profile("SCMP_ACT_ALLOW", {rule({"umask"}, "SCMP_ACT_ERRNO", EXDEV, {arg(0, "SCMP_CMP_MASKED_EQ", 0007, 0007)})});
  int status = run_filtered(seccomp, [] {
    if (raw(syscall(SYS_umask, 0077)) != -EXDEV) return 1;  // 0077 & 0007 == 0007
    if (raw(syscall(SYS_umask, 0022)) < 0) return 2;        // 0022 & 0007 == 0002
    return 0;
  });
  EXPECT_EQ(exit_code(status), 0);
}

TEST(Seccomp, GreaterThanAndNotEqual) {
  auto seccomp =
      profile("SCMP_ACT_ALLOW", {rule({"umask"}, "SCMP_ACT_ERRNO", EXDEV, {arg(0, "SCMP_CMP_GT", 0700)}),
                                 rule({"personality"}, "SCMP_ACT_ERRNO", EACCES, {arg(0, "SCMP_CMP_NE", PER_LINUX)})});
  int status = run_filtered(seccomp, [] {
    if (raw(syscall(SYS_umask, 0777)) != -EXDEV) return 1;
    if (raw(syscall(SYS_umask, 0022)) < 0) return 2;
    if (raw(syscall(SYS_personality, 0xffffffffUL)) != -EACCES) return 3;
    if (raw(syscall(SYS_personality, static_cast<unsigned long>(PER_LINUX))) < 0) return 4;
    return 0;
  });
  EXPECT_EQ(exit_code(status), 0);
}

TEST(Seccomp, ConditionsOnDifferentArgumentsAllMustMatch) {
  auto seccomp = profile("SCMP_ACT_ALLOW", {rule({"getpriority"}, "SCMP_ACT_ERRNO", EXDEV,
                                                 {arg(0, "SCMP_CMP_EQ", PRIO_PROCESS), arg(1, "SCMP_CMP_EQ", 0)})});
  int status = run_filtered(seccomp, [] {
    if (raw(syscall(SYS_getpriority, PRIO_PROCESS, 0)) != -EXDEV) return 1;
    if (raw(syscall(SYS_getpriority, PRIO_PROCESS, getpid())) < 0) return 2;  // arg1 differs
    if (raw(syscall(SYS_getpriority, PRIO_PGRP, 0)) < 0) return 3;            // arg0 differs
    return 0;
  });
  EXPECT_EQ(exit_code(status), 0);
}

TEST(Seccomp, ConditionsOnTheSameArgumentBecomeSeparateRules) {
  // libseccomp refuses two comparisons of one argument in a rule; like runc we
  // add one rule per condition, so either value is blocked.
  auto seccomp =
      profile("SCMP_ACT_ALLOW",
              {rule({"umask"}, "SCMP_ACT_ERRNO", EXDEV, {arg(0, "SCMP_CMP_EQ", 0077), arg(0, "SCMP_CMP_EQ", 0070)})});
  int status = run_filtered(seccomp, [] {
    if (raw(syscall(SYS_umask, 0077)) != -EXDEV) return 1;
    if (raw(syscall(SYS_umask, 0070)) != -EXDEV) return 2;
    if (raw(syscall(SYS_umask, 0022)) < 0) return 3;
    return 0;
  });
  EXPECT_EQ(exit_code(status), 0);
}

TEST(Seccomp, UnknownSyscallNamesAndDefaultActionRulesAreSkipped) {
  auto seccomp = profile("SCMP_ACT_ALLOW", {rule({"no_such_syscall_berth", "getcwd"}, "SCMP_ACT_ERRNO", 38),
                                            rule({"getppid"}, "SCMP_ACT_ALLOW")});
  int status = run_filtered(seccomp, [] {
    if (raw_getcwd() != -38) return 1;  // the known name in the same rule still applies
    if (raw(syscall(SYS_getppid)) <= 0) return 2;
    return 0;
  });
  EXPECT_EQ(exit_code(status), 0);
}

TEST(Seccomp, MultipleArchitecturesIncludingNative) {
  auto seccomp = profile("SCMP_ACT_ALLOW", {rule({"getcwd", "socketcall"}, "SCMP_ACT_ERRNO", 38)});
  seccomp.architectures = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"};
  int status = run_filtered(seccomp, [] { return raw_getcwd() == -38 ? 0 : 1; });
  EXPECT_EQ(exit_code(status), 0);
}

std::string status_field(const std::string& name) {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);)
    if (line.starts_with(name + ":")) return line.substr(line.find_first_not_of(" \t", name.size() + 1));
  return "";
}

TEST(Seccomp, FlagsLoadAndNoNewPrivsIsLeftToTheCaller) {
  auto seccomp = profile("SCMP_ACT_ALLOW", {rule({"getcwd"}, "SCMP_ACT_ERRNO", 38)});
  seccomp.flags = {"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
                   "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"};
  auto compiled = compile_seccomp(seccomp);
  ASSERT_TRUE(compiled) << compiled.error().message;
  // WAIT_KILLABLE_RECV needs a listener: dropped when there is no notify rule.
  EXPECT_EQ(compiled->flags, SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW);
  EXPECT_FALSE(compiled->uses_notify);
  int status = run_filtered(seccomp, [] {
    if (raw_getcwd() != -38) return 1;
    if (status_field("Seccomp") != "2") return 2;
    if (status_field("NoNewPrivs") != "0") return 3;
    return 0;
  });
  EXPECT_EQ(exit_code(status), 0);
}

TEST(Seccomp, FilterWithoutNotifyReturnsNoListener) {
  int status = run_filtered(profile("SCMP_ACT_ALLOW", {rule({"getcwd"}, "SCMP_ACT_LOG")}), [] { return 0; });
  EXPECT_EQ(exit_code(status), 0);
  pid_t pid = fork();
  if (pid == 0) {
    auto loaded = load_seccomp(profile("SCMP_ACT_ALLOW", {rule({"getcwd"}, "SCMP_ACT_LOG")}));
    _exit(loaded && !loaded->valid() ? 0 : 1);
  }
  waitpid(pid, &status, 0);
  EXPECT_EQ(exit_code(status), 0);
}

// A listening unix socket in a fresh temporary directory.
struct Listener {
  std::string dir, path;
  UniqueFd fd;
  Listener() {
    char dir_template[] = "/tmp/berth-seccomp-test.XXXXXX";
    dir = mkdtemp(dir_template);
    path = dir + "/listener.sock";
    fd = UniqueFd(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    path.copy(address.sun_path, path.size());
    EXPECT_EQ(bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0) << strerror(errno);
    EXPECT_EQ(listen(fd.get(), 4), 0);
  }
  ~Listener() {
    unlink(path.c_str());
    rmdir(dir.c_str());
  }
  // Accepts one connection and reads everything: the payload and the passed fd.
  std::pair<std::string, UniqueFd> receive() {
    pollfd ready{fd.get(), POLLIN, 0};
    if (poll(&ready, 1, 10000) != 1) return {"accept timed out", UniqueFd()};
    UniqueFd connection(accept4(fd.get(), nullptr, nullptr, SOCK_CLOEXEC));
    std::string payload;
    UniqueFd passed;
    char buf[65536];
    for (;;) {
      alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
      iovec iov{buf, sizeof(buf)};
      msghdr message{};
      message.msg_iov = &iov;
      message.msg_iovlen = 1;
      message.msg_control = control;
      message.msg_controllen = sizeof(control);
      ssize_t n = recvmsg(connection.get(), &message, MSG_CMSG_CLOEXEC);
      if (n <= 0) break;
      payload.append(buf, n);
      for (cmsghdr* header = CMSG_FIRSTHDR(&message); header; header = CMSG_NXTHDR(&message, header)) {
        if (header->cmsg_level == SOL_SOCKET && header->cmsg_type == SCM_RIGHTS) {
          int received;
          memcpy(&received, CMSG_DATA(header), sizeof(int));
          passed.reset(received);
        }
      }
    }
    return {payload, std::move(passed)};
  }
};

TEST(Seccomp, NotifyListenerReceivesAndAnswersTheSyscall) {
  Listener listener;
  const std::string state = R"({"ociVersion":"1.0.2","fds":["seccompFd"],"pid":1})";
  auto seccomp = profile("SCMP_ACT_ALLOW", {rule({"getcwd"}, "SCMP_ACT_NOTIFY")});
  seccomp.listener_path = listener.path;
  seccomp.flags = {"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"};
  ASSERT_TRUE(validate_seccomp(seccomp));

  pid_t pid = fork();
  if (pid == 0) {
    auto loaded = load_seccomp(seccomp);
    if (!loaded) {
      fprintf(stderr, "load_seccomp: %s\n", loaded.error().message.c_str());
      _exit(100);
    }
    if (!loaded->valid() || (fcntl(loaded->get(), F_GETFD) & FD_CLOEXEC) == 0) _exit(101);
    auto sent = send_seccomp_listener(seccomp.listener_path, loaded->get(), state);
    if (!sent) {
      fprintf(stderr, "send: %s\n", sent.error().message.c_str());
      _exit(102);
    }
    loaded->reset();
    // Blocks until the parent answers through the listener.
    _exit(raw_getcwd() == 4242 ? 0 : 1);
  }

  auto [payload, listener_fd] = listener.receive();
  EXPECT_EQ(payload, state);
  ASSERT_TRUE(listener_fd.valid());

  pollfd ready{listener_fd.get(), POLLIN, 0};
  ASSERT_EQ(poll(&ready, 1, 10000), 1);
  ASSERT_TRUE(ready.revents & POLLIN);
  seccomp_notif* request = nullptr;
  seccomp_notif_resp* response = nullptr;
  ASSERT_EQ(seccomp_notify_alloc(&request, &response), 0);
  ASSERT_EQ(seccomp_notify_receive(listener_fd.get(), request), 0);
  EXPECT_EQ(request->pid, static_cast<uint32_t>(pid));
  EXPECT_EQ(request->data.nr, SYS_getcwd);
  response->id = request->id;
  response->val = 4242;
  response->error = 0;
  response->flags = 0;
  EXPECT_EQ(seccomp_notify_respond(listener_fd.get(), response), 0);
  seccomp_notify_free(request, response);

  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_EQ(exit_code(status), 0);
}

TEST(Seccomp, SendListenerDeliversFdAndLongState) {
  Listener listener;
  int pipe_fds[2];
  ASSERT_EQ(pipe2(pipe_fds, O_CLOEXEC), 0);
  UniqueFd read_end(pipe_fds[0]), write_end(pipe_fds[1]);
  const std::string state(300000, 'x');  // larger than one socket buffer

  pid_t pid = fork();
  if (pid == 0) _exit(send_seccomp_listener(listener.path, write_end.get(), state) ? 0 : 1);
  auto [payload, passed] = listener.receive();
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_EQ(exit_code(status), 0);
  EXPECT_EQ(payload.size(), state.size());
  EXPECT_EQ(payload, state);
  ASSERT_TRUE(passed.valid());
  struct stat ours {
  }, theirs{};
  fstat(write_end.get(), &ours);
  fstat(passed.get(), &theirs);
  EXPECT_EQ(ours.st_ino, theirs.st_ino);
  // The passed fd is the same pipe: what we write through it arrives here.
  ASSERT_EQ(write(passed.get(), "z", 1), 1);
  char c = 0;
  ASSERT_EQ(read(read_end.get(), &c, 1), 1);
  EXPECT_EQ(c, 'z');
}

TEST(Seccomp, SendListenerErrorsNameThePath) {
  auto sent = send_seccomp_listener("/nonexistent-berth/listener.sock", 0, "{}");
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().message,
            "seccomp listener: connect /nonexistent-berth/listener.sock: No such file or directory");
}

std::string validation_error(const oci::Seccomp& seccomp) {
  auto checked = validate_seccomp(seccomp);
  auto compiled = compile_seccomp(seccomp);  // must refuse the same way
  if (checked || compiled) return "accepted";
  EXPECT_EQ(checked.error().message, compiled.error().message);
  return checked.error().message;
}

TEST(Seccomp, BadInputIsRefusedNamingTheField) {
  auto good = profile("SCMP_ACT_ERRNO", {rule({"read"}, "SCMP_ACT_ALLOW"), rule({"write"}, "SCMP_ACT_ALLOW")});
  EXPECT_TRUE(validate_seccomp(good));

  auto bad = good;
  bad.syscalls[1].action = "SCMP_ACT_FOO";
  EXPECT_EQ(validation_error(bad), "linux.seccomp.syscalls[1].action: unknown action \"SCMP_ACT_FOO\"");

  bad = good;
  bad.default_action = "SCMP_ACT_NOPE";
  EXPECT_EQ(validation_error(bad), "linux.seccomp.defaultAction: unknown action \"SCMP_ACT_NOPE\"");

  bad = good;
  bad.architectures = {"SCMP_ARCH_X86_64", "SCMP_ARCH_Z80"};
  EXPECT_EQ(validation_error(bad), "linux.seccomp.architectures[1]: unknown architecture \"SCMP_ARCH_Z80\"");

  bad = good;
  bad.syscalls[0].args = {arg(0, "SCMP_CMP_EQ", 1), arg(1, "SCMP_CMP_ALMOST", 2)};
  EXPECT_EQ(validation_error(bad), "linux.seccomp.syscalls[0].args[1].op: unknown operator \"SCMP_CMP_ALMOST\"");

  bad = good;
  bad.syscalls[0].args = {arg(6, "SCMP_CMP_EQ", 1)};
  EXPECT_EQ(validation_error(bad), "linux.seccomp.syscalls[0].args[0].index: 6 is not a syscall argument index (0..5)");

  bad = good;
  bad.flags = {"SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_FAST"};
  EXPECT_EQ(validation_error(bad), "linux.seccomp.flags[1]: unknown flag \"SECCOMP_FILTER_FLAG_FAST\"");

  bad = good;
  bad.syscalls[0].errno_ret = 1;
  EXPECT_EQ(validation_error(bad),
            "linux.seccomp.syscalls[0].errnoRet: SCMP_ACT_ALLOW does not take an errno value (only SCMP_ACT_ERRNO and "
            "SCMP_ACT_TRACE do)");

  bad = good;
  bad.default_errno_ret = 70000;
  EXPECT_EQ(validation_error(bad), "linux.seccomp.defaultErrnoRet: 70000 is out of range (0..65535)");

  bad = good;
  bad.syscalls[0].names.clear();
  EXPECT_EQ(validation_error(bad), "linux.seccomp.syscalls[0].names: must name at least one syscall");

  bad = good;
  bad.syscalls[0].action = "SCMP_ACT_NOTIFY";
  EXPECT_EQ(validation_error(bad), "linux.seccomp.listenerPath: required when an action is SCMP_ACT_NOTIFY");
  bad.listener_path = "/run/listener.sock";
  EXPECT_TRUE(validate_seccomp(bad));
  bad.syscalls[1].action = "SCMP_ACT_NOTIFY";
  EXPECT_EQ(validation_error(bad),
            "linux.seccomp.syscalls[1]: SCMP_ACT_NOTIFY cannot be used for the write syscall (the runtime needs it "
            "to hand over the listener)");

  bad = good;
  bad.default_action = "SCMP_ACT_NOTIFY";
  bad.listener_path = "/run/listener.sock";
  EXPECT_EQ(validation_error(bad), "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action");

  bad = good;
  bad.architectures = {"SCMP_ARCH_LOONGARCH64"};
#ifndef SCMP_ARCH_LOONGARCH64
  EXPECT_EQ(validation_error(bad),
            "linux.seccomp.architectures[0]: SCMP_ARCH_LOONGARCH64 is not supported by "
            "libseccomp " +
                std::to_string(SCMP_VER_MAJOR) + "." + std::to_string(SCMP_VER_MINOR) + "." +
                std::to_string(SCMP_VER_MICRO));
#endif
}

// A Docker-sized profile: default ERRNO, one allow rule naming every syscall
// libseccomp knows for x86_64 except a few, across three architectures.
oci::Seccomp large_profile() {
  oci::SeccompSyscall allow{{}, "SCMP_ACT_ALLOW", std::nullopt, {}};
  for (int number = 0; number < 1024; ++number) {
    char* name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86_64, number);
    if (!name) continue;
    std::string text = name;
    free(name);
    if (text != "acct" && text != "getcwd" && text != "personality") allow.names.push_back(text);
  }
  allow.names.push_back("a_syscall_from_the_future");
  auto seccomp = profile("SCMP_ACT_ERRNO", {allow, rule({"personality"}, "SCMP_ACT_ALLOW", std::nullopt,
                                                        {arg(0, "SCMP_CMP_EQ", 0), arg(0, "SCMP_CMP_EQ", 8)})});
  seccomp.architectures = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"};
  return seccomp;
}

TEST(Seccomp, LargeProfileCompilesQuicklyAndWorks) {
  auto seccomp = large_profile();
  ASSERT_GT(seccomp.syscalls[0].names.size(), 300u);
  auto start = std::chrono::steady_clock::now();
  auto compiled = compile_seccomp(seccomp);
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(compiled) << compiled.error().message;
  RecordProperty("compile_us", std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count()));
  printf("large profile: %zu instructions, compiled in %lld us\n", compiled->instructions.size(),
         static_cast<long long>(std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count()));
  EXPECT_LT(elapsed, std::chrono::milliseconds(500));

  // Through the byte form, as it would travel to the init or sit in a cache.
  auto decoded = decode_seccomp_program(encode_seccomp_program(*compiled));
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(decoded->instructions.size(), compiled->instructions.size());
  EXPECT_EQ(decoded->flags, compiled->flags);
  std::string truncated = encode_seccomp_program(*compiled);
  truncated.pop_back();
  EXPECT_FALSE(decode_seccomp_program(truncated));
  EXPECT_FALSE(decode_seccomp_program("nonsense"));

  pid_t pid = fork();
  if (pid == 0) {
    if (!install_seccomp(*decoded)) _exit(100);
    if (raw(syscall(SYS_getppid)) <= 0) _exit(1);
    if (raw(syscall(SYS_acct, nullptr)) != -EPERM) _exit(2);
    if (raw_getcwd() != -EPERM) _exit(3);
    if (raw(syscall(SYS_personality, 0xffffffffUL)) != -EPERM) _exit(4);
    if (raw(syscall(SYS_personality, 0UL)) < 0) _exit(5);
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_EQ(exit_code(status), 0);
}

}  // namespace
}  // namespace berth::runtime
