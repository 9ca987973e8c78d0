// Blocks SIGPIPE while a write may meet a reader that has gone (a hook that
// does not read its stdin, a `start` killed mid-handshake), and swallows the
// SIGPIPE that such an EPIPE write leaves pending. Restores the mask after.
#pragma once

#include <pthread.h>
#include <signal.h>

#include <cerrno>

namespace berth {

class SigpipeGuard {
 public:
  SigpipeGuard() {
    sigset_t pipe_set = only_sigpipe();
    sigset_t pending;
    sigpending(&pending);
    already_pending_ = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old_mask_);
  }
  SigpipeGuard(const SigpipeGuard&) = delete;
  SigpipeGuard& operator=(const SigpipeGuard&) = delete;
  ~SigpipeGuard() {
    if (got_epipe_ && !already_pending_) {
      sigset_t pipe_set = only_sigpipe();
      timespec zero{};
      while (sigtimedwait(&pipe_set, nullptr, &zero) < 0 && errno == EINTR) {
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
  }
  void saw_epipe() { got_epipe_ = true; }

 private:
  static sigset_t only_sigpipe() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    return set;
  }
  sigset_t old_mask_{};
  bool already_pending_ = false;
  bool got_epipe_ = false;
};

}  // namespace berth
