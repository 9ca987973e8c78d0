// OCI lifecycle hooks: fork+execve each hook with the state JSON on its
// stdin, collect the tail of its output for errors, and enforce its timeout
// by polling a pidfd.
#include "runtime/hooks.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <optional>

#include "base/sigpipe_guard.h"
#include "base/unique_fd.h"

namespace berth::runtime {
namespace {

constexpr auto kPidfdIdType = static_cast<idtype_t>(3);  // P_PIDFD, linux/wait.h
constexpr size_t kOutputTailBytes = 1024;

// Raw syscalls: glibc 2.36's <sys/pidfd.h> lacks extern "C" and cannot link from C++.
int open_pidfd(pid_t pid) { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)); }
void kill_by_pidfd(int pidfd) { ::syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, nullptr, 0); }

// Kills and reaps the hook if we return early, so no error path leaks it.
class HookChild {
 public:
  explicit HookChild(pid_t pid) : pid_(pid) {}
  HookChild(const HookChild&) = delete;
  HookChild& operator=(const HookChild&) = delete;
  ~HookChild() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
  pid_t pid() const { return pid_; }
  void reaped() { pid_ = -1; }

 private:
  pid_t pid_;
};

std::vector<char*> c_strings(const std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  pointers.reserve(strings.size() + 1);
  for (const auto& s : strings) pointers.push_back(const_cast<char*>(s.c_str()));
  pointers.push_back(nullptr);
  return pointers;
}

// Runs in the forked child: only async-signal-safe calls until execve.
[[noreturn]] void exec_hook(const char* path, char* const argv[], char* const envp[], int stdin_fd, int output_fd,
                            int error_fd) {
  sigset_t empty;
  sigemptyset(&empty);
  sigprocmask(SIG_SETMASK, &empty, nullptr);
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  sigaction(SIGPIPE, &default_action, nullptr);

  if (::dup2(stdin_fd, 0) < 0 || ::dup2(output_fd, 1) < 0 || ::dup2(output_fd, 2) < 0) {
    int err = errno;
    (void)!::write(error_fd, &err, sizeof(err));
    _exit(127);
  }
  // Anything else this process holds, inherited without O_CLOEXEC or not,
  // must not reach the hook.
  ::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
  ::execve(path, argv, envp);
  int err = errno;
  (void)!::write(error_fd, &err, sizeof(err));
  _exit(127);
}

std::string describe_output(std::string tail) {
  while (!tail.empty() && (tail.back() == '\n' || tail.back() == ' ')) tail.pop_back();
  if (tail.empty()) return "";
  for (char& c : tail) {
    if (c == '\n') c = ' ';
  }
  return fmt::format(": output: {}", tail);
}

void append_tail(std::string& tail, const char* data, size_t size) {
  tail.append(data, size);
  if (tail.size() > kOutputTailBytes) tail.erase(0, tail.size() - kOutputTailBytes);
}

// Reads what is there now; returns false at end of file or on error.
bool read_available(int fd, std::string& tail) {
  char buffer[4096];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof(buffer));
    if (n > 0) {
      append_tail(tail, buffer, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    return n < 0 && errno == EAGAIN;
  }
}

Status run_hook(const oci::Hook& hook, std::string_view stage, const std::string& state_json) {
  auto what = fmt::format("{} hook {}", stage, hook.path);
  std::vector<std::string> args = hook.args.empty() ? std::vector<std::string>{hook.path} : hook.args;
  auto argv = c_strings(args);
  auto envp = c_strings(hook.env);

  int stdin_pipe[2], output_pipe[2], error_pipe[2];
  if (::pipe2(stdin_pipe, O_CLOEXEC) != 0) return fail_errno(errno, "{}: pipe", what);
  UniqueFd stdin_read(stdin_pipe[0]), stdin_write(stdin_pipe[1]);
  if (::pipe2(output_pipe, O_CLOEXEC) != 0) return fail_errno(errno, "{}: pipe", what);
  UniqueFd output_read(output_pipe[0]), output_write(output_pipe[1]);
  if (::pipe2(error_pipe, O_CLOEXEC) != 0) return fail_errno(errno, "{}: pipe", what);
  UniqueFd error_read(error_pipe[0]), error_write(error_pipe[1]);

  pid_t pid = ::fork();
  if (pid < 0) return fail_errno(errno, "{}: fork", what);
  if (pid == 0) {
    exec_hook(hook.path.c_str(), argv.data(), envp.data(), stdin_read.get(), output_write.get(), error_write.get());
  }
  HookChild child(pid);
  stdin_read.reset();
  output_write.reset();
  error_write.reset();

  // EOF: execve succeeded and closed the error pipe.
  int exec_errno = 0;
  ssize_t n;
  do {
    n = ::read(error_read.get(), &exec_errno, sizeof(exec_errno));
  } while (n < 0 && errno == EINTR);
  if (n == sizeof(exec_errno)) return fail_errno(exec_errno, "{}: exec", what);

  UniqueFd pidfd(open_pidfd(pid));
  if (!pidfd) return fail_errno(errno, "{}: pidfd_open {}", what, pid);
  ::fcntl(stdin_write.get(), F_SETFL, O_NONBLOCK);
  ::fcntl(output_read.get(), F_SETFL, O_NONBLOCK);

  using Clock = std::chrono::steady_clock;
  std::optional<Clock::time_point> deadline;
  if (hook.timeout && *hook.timeout > 0) deadline = Clock::now() + std::chrono::seconds(*hook.timeout);

  SigpipeGuard sigpipe_guard;
  size_t written = 0;
  if (state_json.empty()) stdin_write.reset();
  std::string tail;
  for (;;) {
    pollfd fds[3] = {
        {pidfd.get(), POLLIN, 0},
        {output_read.valid() ? output_read.get() : -1, POLLIN, 0},
        {stdin_write.valid() ? stdin_write.get() : -1, POLLOUT, 0},
    };
    int timeout_ms = -1;
    if (deadline) {
      auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline - Clock::now()).count();
      timeout_ms = left > 0 ? static_cast<int>(left) : 0;
    }
    int ready = ::poll(fds, 3, timeout_ms);
    if (ready < 0) {
      if (errno == EINTR) continue;
      return fail_errno(errno, "{}: poll", what);
    }
    if (ready == 0) {
      kill_by_pidfd(pidfd.get());
      return fail("{}: timed out after {} seconds{}", what, *hook.timeout, describe_output(tail));  // ~HookChild reaps
    }
    if (fds[2].revents) {
      ssize_t sent = ::write(stdin_write.get(), state_json.data() + written, state_json.size() - written);
      if (sent > 0) written += static_cast<size_t>(sent);
      if (sent < 0 && errno == EPIPE) sigpipe_guard.saw_epipe();
      // Done, or the hook closed its stdin: either way it gets no more.
      if (written == state_json.size() || (sent < 0 && errno != EAGAIN && errno != EINTR)) stdin_write.reset();
    }
    if (fds[1].revents && !read_available(output_read.get(), tail)) output_read.reset();
    if (fds[0].revents) break;
  }

  siginfo_t info{};
  while (::waitid(kPidfdIdType, static_cast<id_t>(pidfd.get()), &info, WEXITED) != 0) {
    if (errno != EINTR) return fail_errno(errno, "{}: waitid", what);
  }
  child.reaped();
  // What the hook wrote just before exiting; a background child of the hook
  // may keep the pipe open, so do not wait for end of file.
  if (output_read) read_available(output_read.get(), tail);

  if (info.si_code == CLD_EXITED) {
    if (info.si_status == 0) return {};
    return fail("{}: exited with status {}{}", what, info.si_status, describe_output(tail));
  }
  return fail("{}: killed by signal {} ({}){}", what, info.si_status, sigabbrev_np(info.si_status),
              describe_output(tail));
}

}  // namespace

Status run_hooks(const std::vector<oci::Hook>& hooks, std::string_view stage, const std::string& state_json) {
  for (const auto& hook : hooks) BERTH_TRY(run_hook(hook, stage, state_json));
  return {};
}

void run_hooks_or_warn(const std::vector<oci::Hook>& hooks, std::string_view stage, const std::string& state_json) {
  if (hooks.empty()) return;
  if (auto ran = run_hooks(hooks, stage, state_json); !ran)
    fmt::print(stderr, "berth-runtime: warning: {}\n", ran.error().message);
}

}  // namespace berth::runtime
