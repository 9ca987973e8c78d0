#include "shim/shim_setup.h"

#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shim/shim_error.h"

namespace berth::shim {

namespace {

Result<UniqueFd> take_fd(int number, const char* what) {
  int flags = ::fcntl(number, F_GETFL);
  if (flags < 0) return shim_fail_errno(errno, "fd ", number, " (", what, ")");
  if (::fcntl(number, F_SETFL, flags | O_NONBLOCK) != 0 || ::fcntl(number, F_SETFD, FD_CLOEXEC) != 0)
    return shim_fail_errno(errno, "fd ", number, " (", what, "): fcntl");
  return UniqueFd(number);
}

// An optional fd is ours only if it is a namespace of the expected type:
// whatever else sits at that number (say our own signalfd, when the engine
// passed none) is left alone.
UniqueFd take_namespace_fd(int number, int type) {
  if (::ioctl(number, NS_GET_NSTYPE) != type) return UniqueFd();
  ::fcntl(number, F_SETFD, FD_CLOEXEC);
  return UniqueFd(number);
}

}  // namespace

Result<UniqueFd> setup_signals() {
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  for (int signal_number : {SIGPIPE, SIGHUP, SIGINT, SIGTERM, SIGTTIN, SIGTTOU})
    if (::sigaction(signal_number, &ignore, nullptr) != 0)
      return shim_fail_errno(errno, "ignore signal ", signal_number);
  // SIGCHLD must stay at its default (not ignored), or the kernel would reap
  // children itself and the init's exit status would be lost.
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  ::sigaction(SIGCHLD, &default_action, nullptr);
  sigset_t child_only;
  ::sigemptyset(&child_only);
  ::sigaddset(&child_only, SIGCHLD);
  if (::sigprocmask(SIG_SETMASK, &child_only, nullptr) != 0) return shim_fail_errno(errno, "block SIGCHLD");
  UniqueFd signal_fd(::signalfd(-1, &child_only, SFD_NONBLOCK | SFD_CLOEXEC));
  if (!signal_fd) return shim_fail_errno(errno, "signalfd");
  return signal_fd;
}

Result<InheritedFds> take_inherited_fds(const ShimConfig& config) {
  InheritedFds fds;
  fds.mount_namespace = take_namespace_fd(mount_namespace_fd_number, CLONE_NEWNS);
  fds.net_namespace = take_namespace_fd(net_namespace_fd_number, CLONE_NEWNET);
  if (config.attach_client) {
    // Checked: had the engine passed none, our own signalfd could sit there.
    struct stat info {};
    if (::fstat(attach_client_fd_number, &info) != 0 || !S_ISSOCK(info.st_mode))
      return shim_fail("fd ", attach_client_fd_number, " (attach client) is not a socket");
    BERTH_ASSIGN(fds.attach_client, take_fd(attach_client_fd_number, "attach client"));
  }
  if (config.terminal) {
    BERTH_ASSIGN(fds.pty_master, take_fd(stdout_fd_number, "pty master"));
    return fds;
  }
  if (config.stdin_open) {
    BERTH_ASSIGN(fds.stdin_pipe, take_fd(stdin_fd_number, "container stdin"));
  }
  BERTH_ASSIGN(fds.stdout_pipe, take_fd(stdout_fd_number, "container stdout"));
  BERTH_ASSIGN(fds.stderr_pipe, take_fd(stderr_fd_number, "container stderr"));
  return fds;
}

void report_ready(UniqueFd ready_fd, const Status& status) {
  if (!ready_fd) return;
  std::string message = status ? std::string("ok\n") : "error: " + status.error().message + "\n";
  std::string_view rest = message;
  while (!rest.empty()) {
    ssize_t written = ::write(ready_fd.get(), rest.data(), rest.size());
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return;  // the engine gave up on us; nothing to tell
    rest.remove_prefix(static_cast<size_t>(written));
  }
}

}  // namespace berth::shim
