#include "runtime/process_launch.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/process_setup.h"
#include "runtime/seccomp.h"

namespace berth::runtime {

namespace {

constexpr std::string_view default_path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

bool is_executable_file(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

// As a shell would: a name with a slash is taken as is, others are searched in PATH.
Result<std::string> resolve_executable(const oci::Process& process) {
  const std::string& name = process.args.front();
  if (name.empty()) return fail("exec: \"\": executable file not found in $PATH");
  if (name.find('/') != std::string::npos) {
    struct stat info {};
    if (::stat(name.c_str(), &info) != 0) return fail_errno(errno, "exec: \"{}\"", name);
    if (S_ISDIR(info.st_mode)) return fail("exec: \"{}\": is a directory", name);
    return name;
  }
  std::string_view path = default_path;
  for (const auto& variable : process.env)
    if (variable.rfind("PATH=", 0) == 0) path = std::string_view(variable).substr(5);
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find(':', start);
    if (end == std::string_view::npos) end = path.size();
    std::string directory(path.substr(start, end - start));
    std::string candidate = (directory.empty() ? "." : directory) + "/" + name;
    if (is_executable_file(candidate)) return candidate;
    start = end + 1;
  }
  return fail("exec: \"{}\": executable file not found in $PATH", name);
}

Status change_directory(const std::string& cwd) {
  if (::chdir(cwd.c_str()) != 0) return fail_errno(errno, "chdir to cwd (\"{}\") set in config.json", cwd);
  // A leaked host directory fd would make getcwd report an unreachable path
  // (CVE-2024-21626): refuse to run with such a working directory.
  char buffer[4096];
  if (!::getcwd(buffer, sizeof buffer) || buffer[0] != '/')
    return fail("cwd (\"{}\") resolves outside the container", cwd);
  return {};
}

}  // namespace

Result<PreparedProcess> prepare_process(const oci::Process& process, const SeccompProgram* seccomp) {
  PreparedProcess prepared;
  prepared.seccomp = seccomp;
  BERTH_TRY(apply_rlimits(process.rlimits));
  if (process.io_priority) BERTH_TRY(apply_io_priority(*process.io_priority));
  if (process.scheduler) BERTH_TRY(apply_scheduler(*process.scheduler));
  BERTH_TRY(change_directory(process.cwd));
  BERTH_ASSIGN(prepared.executable, resolve_executable(process));
  // Without no_new_privs, installing a filter needs CAP_SYS_ADMIN: do it
  // while we still have it (as runc). A profile with notify rules goes in
  // now too, so its listener can reach the runtime before the container runs.
  // Otherwise the filter goes in last, right before execve.
  if (seccomp && (!process.no_new_privileges || seccomp->uses_notify)) {
    BERTH_ASSIGN(prepared.seccomp_listener, install_seccomp(*seccomp));
    prepared.seccomp_installed = true;
  }
  BERTH_TRY(apply_user_and_capabilities(process));
  if (process.no_new_privileges && ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
    return fail_errno(errno, "set no_new_privs");
  return prepared;
}

Error launch_process(const oci::Process& process, PreparedProcess& prepared, int preserve_fds) {
  prepared.seccomp_listener.reset();
  // Preserved fds (3 .. 2+N) are passed on; everything else closes at exec.
  for (int fd = 3; fd < 3 + preserve_fds; ++fd) ::fcntl(fd, F_SETFD, 0);
  if (::close_range(3 + preserve_fds, ~0U, CLOSE_RANGE_CLOEXEC) != 0)
    return fail_errno(errno, "mark inherited fds close-on-exec").error();
  sigset_t empty;
  sigemptyset(&empty);
  ::sigprocmask(SIG_SETMASK, &empty, nullptr);
  if (prepared.seccomp && !prepared.seccomp_installed) {
    auto installed = install_seccomp(*prepared.seccomp);
    if (!installed) return installed.error();
  }
  std::vector<char*> argv;
  for (const auto& arg : process.args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (const auto& variable : process.env) envp.push_back(const_cast<char*>(variable.c_str()));
  envp.push_back(nullptr);
  ::execve(prepared.executable.c_str(), argv.data(), envp.data());
  return fail_errno(errno, "exec {}", prepared.executable).error();
}

}  // namespace berth::runtime
