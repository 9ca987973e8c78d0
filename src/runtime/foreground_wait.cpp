#include "runtime/foreground_wait.h"

#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <optional>

#include "base/fd_passing.h"

namespace berth::runtime {

namespace {

sigset_t forwarded_signals() {
  sigset_t set;
  sigfillset(&set);
  for (int keep : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS}) sigdelset(&set, keep);
  return set;
}

int shell_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

// Our terminal in raw mode for as long as we proxy; restored on the way out.
class RawTerminal {
 public:
  RawTerminal() {
    if (!::isatty(0) || ::tcgetattr(0, &saved_) != 0) return;
    termios raw = saved_;
    ::cfmakeraw(&raw);
    active_ = ::tcsetattr(0, TCSANOW, &raw) == 0;
  }
  ~RawTerminal() {
    if (active_) ::tcsetattr(0, TCSANOW, &saved_);
  }

 private:
  termios saved_{};
  bool active_ = false;
};

void copy_window_size(int pty_master) {
  winsize size{};
  if (::ioctl(0, TIOCGWINSZ, &size) == 0) ::ioctl(pty_master, TIOCSWINSZ, &size);
}

bool copy_once(int from, int to) {
  char buffer[8192];
  ssize_t n = ::read(from, buffer, sizeof buffer);
  if (n <= 0) return n < 0 && errno == EINTR;
  for (ssize_t done = 0; done < n;) {
    ssize_t written = ::write(to, buffer + done, static_cast<size_t>(n - done));
    if (written < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += written;
  }
  return true;
}

int wait_with_terminal(pid_t pid, int pty_master, bool relay_stdin) {
  sigset_t set = forwarded_signals();
  UniqueFd signals(::signalfd(-1, &set, SFD_CLOEXEC));
  std::optional<RawTerminal> raw;
  if (relay_stdin) raw.emplace();
  copy_window_size(pty_master);
  bool stdin_open = relay_stdin, output_open = true;
  for (;;) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      // Drain what the process wrote before it exited.
      while (output_open && copy_once(pty_master, 1)) {
      }
      return shell_status(status);
    }
    pollfd watched[3] = {
        {signals.get(), POLLIN, 0}, {output_open ? pty_master : -1, POLLIN, 0}, {stdin_open ? 0 : -1, POLLIN, 0}};
    if (::poll(watched, 3, -1) < 0 && errno != EINTR) return 1;
    if (watched[0].revents & POLLIN) {
      signalfd_siginfo info{};
      if (::read(signals.get(), &info, sizeof info) == sizeof info) {
        int signal = static_cast<int>(info.ssi_signo);
        if (signal == SIGWINCH)
          copy_window_size(pty_master);
        else if (signal != SIGCHLD)
          ::kill(pid, signal);
      }
    }
    if (watched[1].revents & (POLLIN | POLLHUP | POLLERR)) output_open = copy_once(pty_master, 1);
    if (watched[2].revents & (POLLIN | POLLHUP | POLLERR)) stdin_open = copy_once(0, pty_master);
  }
}

}  // namespace

void block_forwarded_signals() {
  sigset_t set = forwarded_signals();
  ::sigprocmask(SIG_BLOCK, &set, nullptr);
}

int wait_in_foreground(pid_t pid, int pty_master, bool relay_stdin) {
  if (pty_master >= 0) return wait_with_terminal(pid, pty_master, relay_stdin);
  sigset_t set = forwarded_signals();
  for (;;) {
    int status = 0;
    pid_t reaped = ::waitpid(pid, &status, WNOHANG);
    if (reaped == pid) return shell_status(status);
    if (reaped < 0 && errno == ECHILD) return 1;  // not ours after all: nothing to wait for
    siginfo_t info{};
    int signal = ::sigwaitinfo(&set, &info);
    if (signal < 0 || signal == SIGCHLD) continue;
    ::kill(pid, signal);
  }
}

Result<ConsoleSocketPair> make_console_socket_pair() {
  int sockets[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sockets) != 0) return fail_errno(errno, "socketpair");
  return ConsoleSocketPair{UniqueFd(sockets[0]), UniqueFd(sockets[1])};
}

Result<UniqueFd> receive_pty_master(int ours) {
  BERTH_ASSIGN(ReceivedMessage message, receive_with_fd(ours, 4096));
  if (!message.fd) return fail("the container's init sent no pty master");
  return std::move(message.fd);
}

}  // namespace berth::runtime
