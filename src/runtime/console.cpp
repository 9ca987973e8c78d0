#include "runtime/console.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "base/fd_passing.h"
#include "base/path_in_root.h"

namespace berth::runtime {

Result<Pty> open_pty_in_root(int root_fd, const std::optional<oci::ConsoleSize>& size) {
  auto master = open_in_root(root_fd, "/dev/pts/ptmx", O_RDWR | O_NOCTTY);
  if (!master) master = open_in_root(root_fd, "/dev/ptmx", O_RDWR | O_NOCTTY);
  if (!master) return with_context(std::move(master), "open the container's pty");
  int unlock = 0;
  if (::ioctl(master->get(), TIOCSPTLCK, &unlock) != 0) return fail_errno(errno, "unlock pty");
  // TIOCGPTPEER opens the slave from the master without a path lookup.
  UniqueFd slave(::ioctl(master->get(), TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (!slave) return fail_errno(errno, "open pty slave");
  if (size && size->height && size->width) {
    winsize window{};
    window.ws_row = static_cast<unsigned short>(size->height);
    window.ws_col = static_cast<unsigned short>(size->width);
    if (::ioctl(slave.get(), TIOCSWINSZ, &window) != 0) return fail_errno(errno, "set console size");
  }
  return Pty{std::move(*master), std::move(slave)};
}

Status send_console_master(int console_socket_fd, int master_fd) {
  auto sent = send_with_fd(console_socket_fd, "/dev/ptmx", master_fd);
  if (!sent) return with_context(std::move(sent), "send the pty master over the console socket");
  return {};
}

Status hand_over_terminal(Pty& pty, int console_socket_fd) {
  BERTH_TRY(send_console_master(console_socket_fd, pty.master.get()));
  pty.master.reset();
  if (::setsid() < 0) return fail_errno(errno, "setsid");
  if (::ioctl(pty.slave.get(), TIOCSCTTY, 0) != 0) return fail_errno(errno, "make the pty the controlling terminal");
  for (int target = 0; target <= 2; ++target)
    if (pty.slave.get() != target && ::dup2(pty.slave.get(), target) < 0)
      return fail_errno(errno, "dup pty onto fd {}", target);
  if (pty.slave.get() > 2)
    pty.slave.reset();
  else
    pty.slave.release();
  return {};
}

}  // namespace berth::runtime
