#include "cli/terminal.h"

#include <fmt/format.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

namespace berth::cli {

bool is_terminal(std::FILE* stream) {
  int fd = ::fileno(stream);
  return fd >= 0 && ::isatty(fd) == 1;
}

int terminal_width(std::FILE* stream) {
  int fd = ::fileno(stream);
  winsize size{};
  if (fd < 0 || ::ioctl(fd, TIOCGWINSZ, &size) != 0) return 0;
  return size.ws_col;
}

Io stdio_io() {
  return Io{.in = stdin,
            .out = stdout,
            .err = stderr,
            .in_is_terminal = is_terminal(stdin),
            .out_is_terminal = is_terminal(stdout),
            .out_width = terminal_width(stdout)};
}

std::optional<std::string> read_line(std::FILE* in) {
  std::string line;
  int c;
  bool any = false;
  while ((c = std::fgetc(in)) != EOF) {
    any = true;
    if (c == '\n') break;
    line += static_cast<char>(c);
  }
  if (!any) return std::nullopt;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

std::optional<std::string> read_line_without_echo(std::FILE* in) {
  int fd = ::fileno(in);
  termios saved{};
  bool restore = fd >= 0 && ::isatty(fd) == 1 && ::tcgetattr(fd, &saved) == 0;
  if (restore) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(fd, TCSAFLUSH, &quiet);
  }
  auto line = read_line(in);
  if (restore) ::tcsetattr(fd, TCSAFLUSH, &saved);
  return line;
}

std::string read_all(std::FILE* in) {
  std::string text;
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, in)) > 0) text.append(buffer, n);
  return text;
}

bool confirm(CommandEnv& env, std::string_view question) {
  env.out(fmt::format("{} [y/N] ", question));
  auto answer = read_line(env.io().in);
  if (!answer) return false;
  std::string lower;
  for (char c : *answer)
    if (c != ' ' && c != '\t') lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == "y" || lower == "yes";
}

}  // namespace berth::cli
