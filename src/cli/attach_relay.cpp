#include "cli/attach_relay.h"

#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "shim/attach_frame.h"

namespace berth::cli {

namespace {

// The output frames of a shim are bounded by its read buffer; allow more.
constexpr size_t kMaxOutputFrame = 16 << 20;

Status send_frame(int socket_fd, uint8_t kind, std::string_view payload) {
  std::string frame;
  shim::append_frame(frame, kind, payload);
  std::string_view rest = frame;
  while (!rest.empty()) {
    ssize_t sent = ::send(socket_fd, rest.data(), rest.size(), MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent < 0) return fail_errno(errno, "send to the container");
    rest.remove_prefix(static_cast<size_t>(sent));
  }
  return {};
}

void write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t wrote = ::write(fd, bytes.data(), bytes.size());
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote <= 0) return;  // our reader went away: the container carries on
    bytes.remove_prefix(static_cast<size_t>(wrote));
  }
}

// The terminal in raw mode for as long as we relay; restored on every exit.
class RawTerminal {
 public:
  explicit RawTerminal(int fd) {
    if (::tcgetattr(fd, &saved_) != 0) return;
    termios raw = saved_;
    ::cfmakeraw(&raw);
    if (::tcsetattr(fd, TCSANOW, &raw) == 0) fd_ = fd;
  }
  ~RawTerminal() {
    if (fd_ >= 0) ::tcsetattr(fd_, TCSANOW, &saved_);
  }
  RawTerminal(const RawTerminal&) = delete;
  RawTerminal& operator=(const RawTerminal&) = delete;

 private:
  int fd_ = -1;
  termios saved_{};
};

// Signals arrive as reads on a signalfd while we relay; the mask is put back after.
class SignalRelay {
 public:
  explicit SignalRelay(std::initializer_list<int> signals) {
    sigset_t set;
    sigemptyset(&set);
    for (int signal : signals) sigaddset(&set, signal);
    if (::sigprocmask(SIG_BLOCK, &set, &saved_) != 0) return;
    fd_ = ::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
  }
  ~SignalRelay() {
    if (fd_ >= 0) ::close(fd_);
    ::sigprocmask(SIG_SETMASK, &saved_, nullptr);
  }
  SignalRelay(const SignalRelay&) = delete;
  SignalRelay& operator=(const SignalRelay&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
  sigset_t saved_{};
};

Status send_window_size(int socket_fd, int terminal_fd) {
  winsize size{};
  if (::ioctl(terminal_fd, TIOCGWINSZ, &size) != 0 || size.ws_row == 0) return {};
  return send_frame(socket_fd, shim::frame_kind::resize, fmt::format("{} {}", size.ws_row, size.ws_col));
}

}  // namespace

Result<std::string> parse_detach_keys(std::string_view keys) {
  if (keys.empty()) keys = "ctrl-p,ctrl-q";
  std::string bytes;
  while (!keys.empty()) {
    size_t comma = keys.find(',');
    std::string_view key = keys.substr(0, comma);
    keys = comma == std::string_view::npos ? std::string_view() : keys.substr(comma + 1);
    if (key.size() == 1) {
      bytes += key[0];
    } else if (key.starts_with("ctrl-") && key.size() == 6) {
      char c = key[5];
      if (c >= 'a' && c <= 'z') {
        bytes += static_cast<char>(c - 'a' + 1);
      } else if (c == '@' || c == '[' || c == '\\' || c == ']' || c == '^' || c == '_') {
        bytes += static_cast<char>(c - '@');
      } else {
        return fail("Unknown character: '{}'", key);
      }
    } else {
      return fail("Unknown character: '{}'", key);
    }
  }
  return bytes;
}

Result<RelayOutcome> relay_attach(int socket_fd, int stdin_fd, int stdout_fd, int stderr_fd,
                                  const RelayOptions& options) {
  BERTH_ASSIGN(std::string detach_sequence, parse_detach_keys(options.detach_keys));
  bool stdin_is_tty = ::isatty(stdin_fd) == 1;
  std::optional<RawTerminal> raw;
  if (options.tty && options.forward_stdin && stdin_is_tty) raw.emplace(stdin_fd);
  // Without a proxy (a tty, or --sig-proxy=false) signals keep their default
  // action: they end berth, not the container.
  SignalRelay signals = options.proxy_signal ? SignalRelay({SIGWINCH, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2})
                                             : SignalRelay({SIGWINCH});
  if (options.tty && stdin_is_tty) BERTH_TRY(send_window_size(socket_fd, stdin_fd));

  shim::FrameDecoder decoder(kMaxOutputFrame);
  bool reading_stdin = options.forward_stdin;
  size_t matched = 0;  // bytes of the detach sequence seen in a row
  char buffer[65536];
  for (;;) {
    pollfd fds[3] = {{socket_fd, POLLIN, 0}, {reading_stdin ? stdin_fd : -1, POLLIN, 0}, {signals.fd(), POLLIN, 0}};
    if (::poll(fds, 3, -1) < 0) {
      if (errno == EINTR) continue;
      return fail_errno(errno, "poll");
    }
    if (fds[2].revents & POLLIN) {
      signalfd_siginfo info{};
      while (::read(signals.fd(), &info, sizeof info) == sizeof info) {
        if (info.ssi_signo == SIGWINCH) {
          if (options.tty) (void)send_window_size(socket_fd, stdin_fd);
        } else if (options.proxy_signal) {
          options.proxy_signal(static_cast<int>(info.ssi_signo));
        }
      }
    }
    if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t got = ::read(stdin_fd, buffer, sizeof buffer);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) {
        reading_stdin = false;
        if (options.close_stdin_at_eof) BERTH_TRY(send_frame(socket_fd, shim::frame_kind::stdin_eof, {}));
      } else {
        std::string_view input(buffer, static_cast<size_t>(got));
        if (options.tty) {
          // The detach keys, typed in a row, never reach the container.
          std::string pass;
          for (char c : input) {
            if (c == detach_sequence[matched]) {
              if (++matched == detach_sequence.size()) return RelayOutcome{std::nullopt, true};
              continue;
            }
            pass.append(detach_sequence, 0, matched);
            matched = 0;
            pass += c;
          }
          if (!pass.empty()) BERTH_TRY(send_frame(socket_fd, shim::frame_kind::stdin_data, pass));
        } else {
          BERTH_TRY(send_frame(socket_fd, shim::frame_kind::stdin_data, input));
        }
      }
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t got = ::recv(socket_fd, buffer, sizeof buffer, 0);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) return RelayOutcome{};  // the shim went away without a word
      decoder.append(std::string_view(buffer, static_cast<size_t>(got)));
      for (;;) {
        BERTH_ASSIGN(auto frame, decoder.next());
        if (!frame) break;
        if (frame->kind == shim::frame_kind::stdout_data) {
          write_all(stdout_fd, frame->payload);
        } else if (frame->kind == shim::frame_kind::stderr_data) {
          write_all(stderr_fd, frame->payload);
        } else if (frame->kind == shim::frame_kind::exit) {
          return RelayOutcome{std::atoi(std::string(frame->payload).c_str()), false};
        }
      }
    }
  }
}

}  // namespace berth::cli
