#include "shim_launcher.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#ifndef BERTH_SHIM_BINARY
#error "BERTH_SHIM_BINARY must name the berth-shim binary under test"
#endif

namespace berth::shim::testing {

namespace {

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "shim launcher: %s: %s\n", what, std::strerror(errno));
  ::_exit(126);
}

void write_all(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t written = ::write(fd, text.data() + done, text.size() - done);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) die("write");
    done += static_cast<size_t>(written);
  }
}

// Reads until EOF, giving up after 10 s (a hung shim must fail the test,
// not hang it).
std::string read_all(int fd) {
  std::string text;
  char buffer[512];
  for (;;) {
    pollfd entry{fd, POLLIN, 0};
    if (::poll(&entry, 1, 10'000) == 0) return text + "<timeout>";
    ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return text;
    text.append(buffer, static_cast<size_t>(got));
  }
}

// Runs in the container's init: stdio from the given fds, then the script.
[[noreturn]] void exec_container(const LaunchSpec& spec, int in, int out, int err, const char* pty_slave) {
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::setsid();
  if (pty_slave) {
    int slave = ::open(pty_slave, O_RDWR);  // first tty of a new session: the controlling one
    if (slave < 0) die("open pty slave");
    ::ioctl(slave, TIOCSCTTY, 0);
    in = out = err = slave;
  }
  if (::dup2(in, 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(err, 2) < 0) die("dup2 stdio");
  ::syscall(SYS_close_range, 3U, ~0U, 0U);
  ::execl("/bin/sh", "sh", "-c", spec.script.c_str(), static_cast<char*>(nullptr));
  die("exec /bin/sh");
}

// The engine's child C: becomes the shim.
[[noreturn]] void run_launcher(const LaunchSpec& spec, int ready_write, int info_write) {
  if (::setsid() < 0) die("setsid");
  if (::prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) die("subreaper");
  int null_fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  int stdin_pipe[2] = {-1, -1}, stdout_pipe[2], stderr_pipe[2];
  int pty_master = -1;
  std::string slave_name;
  if (spec.terminal) {
    pty_master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (pty_master < 0 || ::grantpt(pty_master) != 0 || ::unlockpt(pty_master) != 0) die("openpt");
    slave_name = ::ptsname(pty_master);
  } else {
    if (spec.stdin_open && ::pipe2(stdin_pipe, O_CLOEXEC) != 0) die("pipe");
    if (::pipe2(stdout_pipe, O_CLOEXEC) != 0 || ::pipe2(stderr_pipe, O_CLOEXEC) != 0) die("pipe");
  }
  pid_t init = ::fork();
  if (init < 0) die("fork container");
  if (init == 0) {
    if (spec.terminal) exec_container(spec, -1, -1, -1, slave_name.c_str());
    exec_container(spec, spec.stdin_open ? stdin_pipe[0] : null_fd, stdout_pipe[1], stderr_pipe[1], nullptr);
  }
  if (!spec.terminal) {
    if (spec.stdin_open) ::close(stdin_pipe[0]);
    ::close(stdout_pipe[1]);
    ::close(stderr_pipe[1]);
  }
  pid_t recorded = spec.pid_override.value_or(init);
  std::string config;
  if (spec.raw_config) {
    config = *spec.raw_config;
    if (size_t at = config.find("{pid}"); at != std::string::npos) config.replace(at, 5, std::to_string(recorded));
  } else {
    config = "id=test-ctr\npid=" + std::to_string(recorded) + "\nterminal=" + (spec.terminal ? "1" : "0") +
             "\nstdin=" + (spec.stdin_open ? "1" : "0") + "\nlog_driver=json-file\nlog_path=" + spec.run_dir +
             "/ctr.log\n" + spec.extra_config;
  }
  int conf = ::open((spec.run_dir + "/shim.conf").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (conf < 0) die("write shim.conf");
  write_all(conf, config);
  ::close(conf);
  write_all(info_write, std::to_string(::getpid()) + " " + std::to_string(init) + "\n");
  // Park every fd above 6 first so the dup2s below cannot clobber one another.
  auto park = [](int fd) { return fd < 0 ? -1 : ::fcntl(fd, F_DUPFD_CLOEXEC, 100); };
  int fds[4] = {park(ready_write), park(spec.terminal ? -1 : stdin_pipe[1]),
                park(spec.terminal ? pty_master : stdout_pipe[0]), park(spec.terminal ? -1 : stderr_pipe[0])};
  int client = park(spec.attach_client_fd);
  for (int index = 0; index < 4; ++index)
    if (fds[index] >= 0 && ::dup2(fds[index], 3 + index) < 0) die("dup2");
  for (int fd = 3; fd <= 6; ++fd)
    if (fds[fd - 3] < 0) ::close(fd);
  if (client >= 0 && ::dup2(client, 9) < 0) die("dup2 attach client");
  ::syscall(SYS_close_range, 7U, client >= 0 ? 8U : ~0U, 0U);
  if (client >= 0) ::syscall(SYS_close_range, 10U, ~0U, 0U);
  ::execl(BERTH_SHIM_BINARY, "berth-shim", spec.run_dir.c_str(), static_cast<char*>(nullptr));
  die("exec berth-shim");
}

}  // namespace

void kill_session(pid_t session) {
  if (session <= 1) return;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", error)) {
    std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    pid_t pid = std::stoi(name);
    UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
    if (!pidfd) continue;
    // Read the session after taking the pidfd: the pidfd then surely names
    // the process whose session was checked (or one already gone).
    std::ifstream stat_file("/proc/" + name + "/stat");
    std::string stat((std::istreambuf_iterator<char>(stat_file)), std::istreambuf_iterator<char>());
    size_t paren = stat.rfind(')');
    if (paren == std::string::npos) continue;
    std::istringstream fields(stat.substr(paren + 2));
    std::string state;
    pid_t parent = 0, group = 0, process_session = 0;
    fields >> state >> parent >> group >> process_session;
    if (process_session == session) ::syscall(SYS_pidfd_send_signal, pidfd.get(), SIGKILL, nullptr, 0);
  }
}

bool wait_for_exit(int pidfd, int timeout_ms) {
  pollfd entry{pidfd, POLLIN, 0};
  for (;;) {
    int ready = ::poll(&entry, 1, timeout_ms);
    if (ready < 0 && errno == EINTR) continue;
    return ready > 0;
  }
}

Result<LaunchedShim> launch_shim(const LaunchSpec& spec) {
  int ready_pipe[2], info_pipe[2];
  if (::pipe2(ready_pipe, O_CLOEXEC) != 0 || ::pipe2(info_pipe, O_CLOEXEC) != 0) return fail_errno(errno, "pipe");
  UniqueFd ready_read(ready_pipe[0]), ready_write(ready_pipe[1]);
  UniqueFd info_read(info_pipe[0]), info_write(info_pipe[1]);
  pid_t middle = ::fork();
  if (middle < 0) return fail_errno(errno, "fork");
  if (middle == 0) {
    // The "berth run" stand-in: starts the launcher and goes away.
    pid_t launcher = ::fork();
    if (launcher < 0) ::_exit(1);
    if (launcher == 0) run_launcher(spec, ready_write.get(), info_write.get());
    ::_exit(0);
  }
  ready_write.reset();
  info_write.reset();
  int status = 0;
  ::waitpid(middle, &status, 0);
  LaunchedShim launched;
  launched.launcher_parent_pid = middle;
  std::string info = read_all(info_read.get());
  if (std::sscanf(info.c_str(), "%d %d", &launched.shim_pid, &launched.init_pid) != 2)
    return fail("launcher failed before exec (info: \"{}\")", info);
  // Take pidfds right away: cleanup must never signal a recycled pid.
  launched.shim_pidfd.reset(static_cast<int>(::syscall(SYS_pidfd_open, launched.shim_pid, 0)));
  launched.init_pidfd.reset(static_cast<int>(::syscall(SYS_pidfd_open, launched.init_pid, 0)));
  launched.ready = read_all(ready_read.get());
  return launched;
}

}  // namespace berth::shim::testing
