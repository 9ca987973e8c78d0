#include "shim/child_runner.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "shim/shim_error.h"

namespace berth::shim {

namespace {

// Only async-signal-safe calls between fork and exec.
[[noreturn]] void exec_child(char* const* argv) {
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  // Ignored signals stay ignored across exec: give the child the defaults.
  for (int signal_number = 1; signal_number < NSIG; ++signal_number) ::signal(signal_number, SIG_DFL);
  ::setsid();
  int null_fd = ::open("/dev/null", O_RDWR);
  if (null_fd < 0) ::_exit(127);
  for (int target = 0; target <= 2; ++target)
    if (::dup2(null_fd, target) < 0) ::_exit(127);
  // Everything above stdio goes, whatever flags it has.
  if (::syscall(SYS_close_range, 3U, ~0U, 0U) != 0) {
    for (int fd = 3; fd < 1024; ++fd) ::close(fd);
  }
  ::execv(argv[0], argv);
  ::_exit(127);
}

}  // namespace

Result<pid_t> spawn_detached(const std::vector<std::string>& argv) {
  if (argv.empty()) return shim_fail("spawn: empty command");
  // Build the argv array before fork: no allocation in the child.
  std::vector<char*> pointers;
  pointers.reserve(argv.size() + 1);
  for (const std::string& argument : argv) pointers.push_back(const_cast<char*>(argument.c_str()));
  pointers.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) return shim_fail_errno(errno, "fork for ", argv[0]);
  if (pid == 0) exec_child(pointers.data());
  return pid;
}

}  // namespace berth::shim
